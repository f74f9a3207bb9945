"""Whether a fix applies on its own: its edits, made alone, leave code that compiles.

A finding is marked fixable (`[*]`) only when its fix passes this check, so the mark says
what `--fix` will do, and `--fix` never meets a fix that breaks the file by itself (an
offload of a call that is already awaited would write `await await ...`).

Compiling the whole file once per fix would make a file with many findings quadratic, so a
fix is checked on the smallest code that can be compiled alone: the innermost function
holding its edits, dedented to the left margin (a function compiles the same wherever it
sits, `nonlocal` aside, which only makes the check stricter). Import insertions at the top
of the module are single import lines and need no check. A fix with edits outside any
function (the `__main__` guard fix, a module-level pool) is checked on the whole file.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from conclint.core.model import Edit, Fix
from conclint.fixes.compiling import python_compile_error
from conclint.fixes.lines import LineTable, Offsets, splice
from conclint.syntax.statement_positions import StatementPositions


class FixCheck:
    """Checks the fixes of one file against its text; functions are listed on first use."""

    def __init__(self, text: str, lines: LineTable, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.text, self.lines, self.positions = text, lines, positions
        self._functions: list[tuple[int, int, int]] | None = None  # start, end offset, indent
        self._verdicts: dict[int, bool] = {}

    def applies(self, fix: Fix, near: cst.CSTNode | None = None) -> bool:
        """Whether `fix` alone leaves code that compiles (one verdict per shared fix).
        `near`: the node of its finding, whose functions are tried first."""
        key = id(fix.edits)
        if key not in self._verdicts:
            self._verdicts[key] = self._applies(fix.edits, near)
        return self._verdicts[key]

    def _applies(self, edits: Sequence[Edit], near: cst.CSTNode | None) -> bool:
        offsets = [self.lines.edit_offsets(edit) for edit in edits]
        body = [edit for edit in offsets if not _is_import_insertion(edit)]
        if not body:
            return True
        start, end = min(start for start, _, _ in body), max(end for _, end, _ in body)
        function = self._innermost_near(start, end, near) or self._innermost_function(start, end)
        if function is None:
            return python_compile_error(splice(self.text, offsets), "<fix>") is None
        start, end, indent = function
        return python_compile_error(_dedent(splice(self.text, body, start, end), indent), "<fix>") is None

    def _innermost_function(self, start: int, end: int) -> tuple[int, int, int] | None:
        """The smallest function (from the start of its `def` line) holding [start, end)."""
        return _smallest_holding(self.functions(), start, end)

    def _innermost_near(self, start: int, end: int, near: cst.CSTNode | None) -> tuple[int, int, int] | None:
        """`_innermost_function` without the position of every function of the file, when
        a function around `near` holds [start, end): the smallest function holding it is
        then inside that one, whose code, generated, placed every function inside it."""
        if near is None or not isinstance(self.positions, StatementPositions):
            return None
        for function in self.positions.functions_around(near):
            if _smallest_holding([self._extent(function)], start, end) is not None:
                return _smallest_holding(map(self._extent, self.positions.placed_functions()), start, end)
        return None

    def functions(self) -> list[tuple[int, int, int]]:
        if self._functions is None:
            # Every node of the file: no ABC `isinstance`.
            self._functions = [self._extent(node) for node in self.positions if type(node) is cst.FunctionDef]  # type: ignore[arg-type]
        return self._functions

    def _extent(self, function: cst.FunctionDef) -> tuple[int, int, int]:
        """A function's code: from the start of its `def` line to its end, and its indent."""
        where = self.positions[function]
        return self.lines.offset(where.start.line, 1), self.lines.offset(where.end.line, where.end.column + 1), where.start.column


def _smallest_holding(functions: Iterable[tuple[int, int, int]], start: int, end: int) -> tuple[int, int, int] | None:
    holding = [function for function in functions if function[0] <= start and end <= function[1]]
    return min(holding, key=lambda function: function[1] - function[0], default=None)


def _is_import_insertion(edit: Offsets) -> bool:
    start, end, replacement = edit
    return start == end and replacement.lstrip().startswith(("import ", "from "))


def _dedent(code: str, indent: int) -> str:
    """The function's code moved to the left margin: `indent` characters off each line that
    has them as leading white space (other lines are continuation lines or string text)."""
    if not indent:
        return code
    lines = code.splitlines(keepends=True)
    return "".join(line[indent:] if line[:indent].isspace() and len(line) > indent else line for line in lines)
