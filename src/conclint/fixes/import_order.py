"""How isort and ruff order imports, and the order of the import lines fixes insert at one
place.

Each fix places the imports it needs on its own (`fixes.plan`), at a place that depends on
nothing but the module and the import, so that fixes needing the same import agree on its
edit. Two different imports can then land at the same offset (both after the same line of
the standard library's block, both before the first import): the fixes do not know of each
other, so their order there is settled when a pass's edits are put together
(`autofix.apply`), with `arranged`. Free of libcst for that reason: `autofix.apply` is
loaded at start-up, before the command line knows it has a file to lint.

The keys follow ruff's `I001` defaults (`order-by-type`, not case-sensitive, natural order
of numbers): within a section every `import x` comes before every `from x import y`;
modules sort case-insensitively, then as written; the names a `from` import takes sort
CONSTANTS first, then Classes, then the rest.
"""

from __future__ import annotations

import re
import sys
from typing import Sequence, Union

from conclint.fixes.lines import LINE_BREAK

SortKey = tuple


def natural(text: str) -> tuple[Union[str, int], ...]:
    """`text` with its runs of digits as numbers (`ab2` before `ab10`); runs alternate,
    text first, so two keys only ever compare text with text and numbers with numbers."""
    return tuple(int(part) if index % 2 else part for index, part in enumerate(re.split(r"(\d+)", text)))


def name_key(name: str) -> SortKey:
    return (natural(name.lower()), natural(name))


def member_key(name: str, asname: str | None) -> SortKey:
    """The key of a name a `from` import takes."""
    if len(name) > 1 and name.upper() == name != name.lower():
        kind = 0  # a constant
    elif name[:1].isupper():
        kind = 1  # a class
    else:
        kind = 2
    return (kind, *name_key(name), asname is not None, natural(asname or ""))


def import_key(module: str, asname: str | None) -> SortKey:
    """The key of `import module` (`as asname`)."""
    return (0, *name_key(module), asname is not None, natural(asname or ""))


def from_key(level: int, module: str, first_member: SortKey) -> SortKey:
    """The key of a `from` import, relative by `level` dots, whose first name has `first_member`."""
    # Relative imports sort the furthest first (`..` before `.`).
    return (1, -level, *name_key(module), first_member)


def is_standard_module(name: str) -> bool:
    top = name.partition(".")[0]
    return top != "__future__" and top in sys.stdlib_module_names


# An insertion of one import line, as `fixes.plan` writes them: line breaks before and
# after it (`\nimport x` at the end of a line, `import x\n\n` opening a section).
_INSERTED = re.compile(r"([\r\n]*)(import ([\w.]+)|from ([\w.]+) import (\w+))([\r\n]*)")


def arranged(insertions: Sequence[str]) -> list[str]:
    """The insertions that fixes make at one offset, in isort's order: the standard
    library's imports before the others, sorted by key within each. Neighbours of one
    section written alike (the same line breaks around them) become one insertion, their
    lines one under the other: two fixes opening a new section (`import x\\n\\n` each) then
    open one, without a blank line between their imports.

    Anything but import lines (a name added inside an import statement) keeps the order the
    fixes came in: there is no import order to follow."""
    matches = [_INSERTED.fullmatch(text) for text in insertions]
    if len(insertions) < 2 or any(match is None for match in matches):
        return list(insertions)
    runs: list[tuple[tuple[bool, str, str], list[str]]] = []
    for match in sorted(matches, key=_insertion_key):  # type: ignore[arg-type]
        lead, line, trail = match.group(1), match.group(2), match.group(6)  # type: ignore[union-attr]
        style = (_is_standard(match), lead, trail)  # type: ignore[arg-type]
        if runs and runs[-1][0] == style:
            runs[-1][1].append(line)
        else:
            runs.append((style, [line]))
    newline = _newline(insertions)
    return [lead + newline.join(lines) + trail for (_, lead, trail), lines in runs]


def _is_standard(match: re.Match[str]) -> bool:
    return is_standard_module(match.group(3) or match.group(4))


def _insertion_key(match: re.Match[str]) -> tuple[bool, SortKey]:
    plain, module, name = match.group(3), match.group(4), match.group(5)
    key = import_key(plain, None) if plain is not None else from_key(0, module, member_key(name, None))
    return (not _is_standard(match), key)


def _newline(insertions: Sequence[str]) -> str:
    """The line break the insertions use (each holds at least one)."""
    return next((found.group() for found in map(LINE_BREAK.search, insertions) if found), "\n")
