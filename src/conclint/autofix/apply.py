"""Apply fixes to source text: pure, no files (see `writing.py` and `fix_run.py` for those).

`fix_text` lints, applies every usable fix whose edits do not overlap an edit already taken
(the next pass takes the others), checks that the result still parses and compiles, and
repeats until no usable fix remains or MAX_PASSES is reached. Each fix was checked alone
when it was planned (`fixes.validation`); when the fixes of a pass do not compile together,
they are applied one at a time, each kept only when the code still compiles: a fix never
breaks code, and one that cannot apply does not stop the others.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from conclint.autofix.unused_imports import remove_imports_left_unused
from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.fixes.import_order import arranged
from conclint.fixes.lines import LineTable, Offsets, splice
from conclint.fixes.compiling import python_compile_error
from conclint.core.model import Diagnostic, Edit, Fix

# Passes over one file: overlapping fixes wait for the next pass, and a fix may uncover
# findings a later pass fixes. Real files settle in two.
MAX_PASSES = 4

Lint = Callable[[str, str, Settings], "list[Diagnostic]"]


@dataclass(frozen=True)
class FixMode:
    """Which fixes to apply: safe ones always, unsafe ones with `unsafe`."""

    unsafe: bool = False

    def usable(self, fix: Fix | None) -> bool:
        return fix is not None and (fix.safe or self.unsafe)


def usable_fix_only(diagnostic: Diagnostic, mode: FixMode) -> Diagnostic:
    """The finding without its fix when `mode` would not apply it, so that `fixable` in the
    output says what this run's `--fix` would do."""
    if diagnostic.fix is None or mode.usable(diagnostic.fix):
        return diagnostic
    return dataclasses.replace(diagnostic, fix=None)


@dataclass
class TextFixResult:
    """The fixed text (the input when nothing applied or a fix broke it), the findings left
    in it, how many findings per code the fixes removed, and why the text was left alone."""

    text: str
    diagnostics: list[Diagnostic]
    fixed: Counter[str] = field(default_factory=Counter)
    error: str | None = None

    @property
    def fixed_count(self) -> int:
        return sum(self.fixed.values())


def fix_text(
    text: str,
    path: str = "<string>",
    settings: Settings = DEFAULT_SETTINGS,
    mode: FixMode = FixMode(),
    lint: Lint | None = None,
    diagnostics: Sequence[Diagnostic] | None = None,
) -> TextFixResult:
    """Apply the usable fixes of `text`'s findings until none is left.

    `diagnostics`: the findings of `text`, when the caller has them already (the first pass
    then needs no lint). `lint` defaults to the engine's `lint_source`.
    """
    if lint is None:
        from conclint.engine import lint_source as lint
    current = list(diagnostics) if diagnostics is not None else lint(text, path, settings)
    initial = Counter(d.code for d in current)
    fixed_text = text
    for _ in range(MAX_PASSES):
        fixes = [d.fix for d in current if mode.usable(d.fix)]
        if not fixes:
            break
        new_text = apply_fixes(fixed_text, fixes)  # type: ignore[arg-type]
        if compile_error(new_text, path) is not None:
            new_text = apply_one_by_one(fixed_text, fixes, path)  # type: ignore[arg-type]
        if new_text == fixed_text:
            break
        fixed_text = remove_imports_left_unused(text, new_text)
        current = lint(fixed_text, path, settings)
    if fixed_text == text:
        return TextFixResult(text, current)
    return TextFixResult(fixed_text, current, fixed=initial - Counter(d.code for d in current))


def apply_one_by_one(text: str, fixes: Sequence[Fix], path: str) -> str:
    """`text` with each fix that keeps it compiling, taken in turn: the fixes that break the
    code only together with others (each was checked alone when it was planned) are dropped
    alone, and the file's other fixes still apply. One compile per fix: only for the rare
    file whose fixes, made all at once, do not compile.

    Each candidate is made from `text` itself, with the fixes kept so far and the next one:
    every fix's spans are positions in `text`, which a fix applied before would shift (one
    adding an import line moves every later line down)."""
    kept: list[Fix] = []
    current = text
    for fix in fixes:
        candidate = apply_fixes(text, [*kept, fix])
        if candidate != current and compile_error(candidate, path) is None:
            kept.append(fix)
            current = candidate
    return current


def apply_fixes(text: str, fixes: Iterable[Fix]) -> str:
    """`text` with the edits of each fix in turn, skipping a fix any edit of which overlaps
    an edit already taken; edits identical to one taken count as taken (two findings on the
    same statement share their fix)."""
    lines = LineTable(text)
    taken: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int, str]] = set()
    regions = _TakenRegions()
    # Findings that share one fix share its tuple of edits (see fixes.plan.FromStatement),
    # which is then looked at once, not once per finding.
    looked_at: dict[int, tuple[Edit, ...]] = {}
    for fix in fixes:
        if id(fix.edits) in looked_at:
            continue
        looked_at[id(fix.edits)] = fix.edits
        edits = [lines.edit_offsets(edit) for edit in fix.edits]
        new = [edit for edit in dict.fromkeys(edits) if edit not in seen]
        if any(regions.overlaps(start, end) for start, end, _ in new):
            continue
        for start, end, _ in new:
            regions.add(start, end)
        taken.extend(new)
        seen.update(new)
    return splice(text, _imports_in_order(taken))


def _imports_in_order(edits: list[Offsets]) -> list[Offsets]:
    """The edits with the insertions made at one offset in isort's order (`splice` keeps
    the order of edits at one place): each fix places its imports without knowing the
    others', so two of them adding `import asyncio` and `import functools` at the same
    place would otherwise come out in the order of their findings."""
    insertions: dict[int, list[str]] = {}
    others: list[Offsets] = []
    for start, end, replacement in edits:
        if start == end:
            insertions.setdefault(start, []).append(replacement)
        else:
            others.append((start, end, replacement))
    return others + [(at, at, text) for at, texts in insertions.items() for text in arranged(texts)]


class _TakenRegions:
    """The offsets the edits taken so far cover, kept sorted so that whether a new edit
    overlaps one is found by bisection: comparing it with every edit taken made applying
    a file's fixes quadratic in their number.

    Two edits overlap when they share text; an insertion (empty span) overlaps an edit
    only strictly inside it, so insertions at the same place all apply. The taken spans
    that are not empty never overlap each other, so they are sorted by start and end alike.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []  # of the taken spans that are not empty
        self.ends: list[int] = []
        self.insertions: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        # The taken span starting last before `end` (or before the insertion point) is the
        # one that reaches furthest: the only one that can overlap.
        before = bisect.bisect_left(self.starts, end if start < end else start) - 1
        if before >= 0 and self.ends[before] > start:
            return True
        if start == end:
            return False
        inside = bisect.bisect_right(self.insertions, start)
        return inside < len(self.insertions) and self.insertions[inside] < end

    def add(self, start: int, end: int) -> None:
        if start == end:
            bisect.insort(self.insertions, start)
            return
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


def compile_error(text: str, path: str) -> str | None:
    """Why `text` does not compile as Python, or does not parse with libcst (which the next
    pass needs), or None when it does both."""
    problem = python_compile_error(text, path)
    if problem is not None:
        return problem
    from conclint.syntax.parsing import SourceError, parse_source  # imports libcst

    try:
        parse_source(text)
    except SourceError as error:
        return error.message
    return None
