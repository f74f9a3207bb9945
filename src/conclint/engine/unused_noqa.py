"""CCL002: the conclint codes of suppression comments that silenced nothing in this lint.

The engine records, while it drops suppressed findings, which listed code of which line
silenced one (`used`); this module reads the real comments of the file (tokens, so that a
`"# noqa"` inside a string is not one) and reports the codes that certainly silenced
nothing. What "certainly" leaves out, and why, is in the rule's documentation
(`rules/general/unused_noqa.py`): codes of other tools, codes of rules not selected here,
CCL1 codes outside coroutines (a finding through a helper may be reported in another module),
and codes of rules that follow calls into other modules when the project index is not used.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from conclint.engine.suppression import suppressed_codes
from conclint.rules.base import Rule
from conclint.rules.general.unused_noqa import UnusedNoqa
from conclint.rules.registry import all_rules


@dataclass(frozen=True)
class UnusedCodes:
    """The codes of one comment that silenced nothing, and where the comment starts."""

    line: int
    column: int  # 1-based
    end_column: int  # one past the comment
    codes: tuple[str, ...]

    def message(self) -> str:
        shown = ", ".join(f"`{code}`" for code in self.codes)
        return UnusedNoqa.MESSAGE.format(codes=shown, them="it" if len(self.codes) == 1 else "them")


def unused_codes(
    text: str,
    used: Collection[tuple[int, str]],
    selected: Sequence[type[Rule]],
    in_coroutine: Callable[[int, int], bool],
    with_project: bool,
) -> list[UnusedCodes]:
    """The comments of `text` with codes that silenced nothing: `used` holds the (line, code)
    pairs that silenced a finding, `selected` the rules that ran for this file,
    `in_coroutine(line, column)` whether a position lies in an `async def`, `with_project`
    whether the lint followed calls into other modules."""
    chosen = set(selected)
    found = []
    for line, column, comment in _comments(text):
        listed = suppressed_codes(comment)
        if not listed:
            continue  # no comment, or a bare one
        codes = tuple(
            code
            for code in sorted(listed)
            if (line, code) not in used
            and _judged(code, chosen, with_project, lambda: in_coroutine(line, column))
        )
        if codes:
            found.append(UnusedCodes(line, column + 1, column + 1 + len(comment), codes))
    return found


def _judged(code: str, chosen: set[type[Rule]], with_project: bool, in_coroutine: Callable[[], bool]) -> bool:
    """Whether a listed `code` unused in this lint can be reported: it names selected rules
    only, none of which could have used it elsewhere or in another mode."""
    rules = [cls for cls in all_rules() if cls.CODE.startswith(code) and cls is not UnusedNoqa]
    if not rules or not all(cls in chosen for cls in rules):
        return False  # another tool's code, CCL002's own, or a rule that did not run here
    for cls in rules:
        if cls.FOLLOWS_IMPORTED_CALLS or (cls.USES_SUMMARIES and not with_project):
            return False
        if hasattr(cls, "CATEGORY") and not in_coroutine():
            return False
    return True


def _comments(text: str) -> list[tuple[int, int, str]]:
    """(line, 0-based column, text) of every comment; none when the text does not tokenize."""
    try:
        return [
            (token.start[0], token.start[1], token.string)
            for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        return []
