"""Inline suppression comments: `# noqa`, `# noqa: CCL101`, `# conclint: ignore[CCL101]`."""

from __future__ import annotations

import re

_NOQA = re.compile(r"#\s*noqa\b(?P<rest>:\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?", re.I)
_IGNORE = re.compile(r"#\s*conclint:\s*ignore\b(?:\[(?P<codes>[^\]]*)\])?", re.I)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


def suppressed_codes(line: str) -> frozenset[str] | None:
    """Codes a line's comment suppresses: None for no comment, an empty set for "everything"."""
    if "#" not in line:
        return None
    codes: set[str] = set()
    found = False
    for pattern in (_NOQA, _IGNORE):
        for match in pattern.finditer(line):
            found = True
            listed = match.group("codes")
            if not listed:
                return frozenset()
            codes.update(code.upper() for code in _CODE.findall(listed))
    return frozenset(codes) if found else None


def is_suppressed(line: str, code: str) -> bool:
    """Whether `line` carries a comment that silences `code` (exact code or a prefix of it)."""
    codes = suppressed_codes(line)
    if codes is None:
        return False
    return not codes or any(code.startswith(listed) for listed in codes)


_COMMENT = re.compile(r"^.*#\s*(?:noqa|conclint:).*$", re.I | re.M)


def suppresses_any(text: str, codes: frozenset[str]) -> bool:
    """Whether some comment in `text` silences one of `codes`: a cheap scan of the lines
    holding a suppression comment, so that work needing them is skipped for other files."""
    return any(is_suppressed(match.group(), code) for match in _COMMENT.finditer(text) for code in codes)
