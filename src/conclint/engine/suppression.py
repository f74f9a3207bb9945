"""Inline suppression comments: `# noqa`, `# noqa: CCL101`, `# conclint: ignore[CCL101]`.

A listed code silences a rule whose code it is or starts with (`CCL1`), and the code of
another linter that reports the same thing (`ASYNC251` for CCL101, see
`knowledge/equivalent_codes.py`) silences that rule too.
"""

from __future__ import annotations

import re

from conclint.knowledge.equivalent_codes import SILENCED_BY

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
    """Whether `line` carries a comment that silences `code` (exact code or a prefix of it,
    or the equivalent code of another linter)."""
    return silencing_codes(line, code) is not None


def silencing_codes(line: str, code: str) -> frozenset[str] | None:
    """The codes listed on `line` that silence `code`: None when none does, an empty set for
    a comment that silences everything (`# noqa`). What tells a used code from an unused one."""
    codes = suppressed_codes(line)
    if codes is None:
        return None
    if not codes:
        return codes
    used = frozenset(listed for listed in codes if silences(listed, code))
    return used or None


def silences(listed: str, code: str) -> bool:
    """Whether the code `listed` in a comment silences the rule `code`."""
    return code.startswith(listed) or code in SILENCED_BY.get(listed, ())


def listed_codes_end(comment: str) -> int | None:
    """Where another code can be added to the codes a comment lists (`# noqa: X` first, then
    `# conclint: ignore[X]`): the index just past the last one; None when it lists none."""
    for pattern in (_NOQA, _IGNORE):
        match = pattern.search(comment)
        listed = match.group("codes") if match else None
        if match and listed and listed.strip():
            return match.start("codes") + len(listed.rstrip())
    return None


_COMMENT = re.compile(r"^.*#\s*(?:noqa|conclint:).*$", re.I | re.M)


def suppresses_any(text: str, codes: frozenset[str]) -> bool:
    """Whether some comment in `text` silences one of `codes`: a cheap scan of the lines
    holding a suppression comment, so that work needing them is skipped for other files."""
    return any(is_suppressed(match.group(), code) for match in _COMMENT.finditer(text) for code in codes)
