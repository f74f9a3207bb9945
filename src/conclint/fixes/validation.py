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

from typing import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from conclint.core.model import Edit, Fix
from conclint.fixes.compiling import python_compile_error
from conclint.fixes.lines import LineTable, Offsets, splice


class FixCheck:
    """Checks the fixes of one file against its text; functions are listed on first use."""

    def __init__(self, text: str, lines: LineTable, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.text, self.lines, self.positions = text, lines, positions
        self._functions: list[tuple[int, int, int]] | None = None  # start, end offset, indent
        self._verdicts: dict[int, bool] = {}

    def applies(self, fix: Fix) -> bool:
        """Whether `fix` alone leaves code that compiles (one verdict per shared fix)."""
        key = id(fix.edits)
        if key not in self._verdicts:
            self._verdicts[key] = self._applies(fix.edits)
        return self._verdicts[key]

    def _applies(self, edits: Sequence[Edit]) -> bool:
        offsets = [self.lines.edit_offsets(edit) for edit in edits]
        body = [edit for edit in offsets if not _is_import_insertion(edit)]
        if not body:
            return True
        function = self._innermost_function(min(start for start, _, _ in body), max(end for _, end, _ in body))
        if function is None:
            return python_compile_error(splice(self.text, offsets), "<fix>") is None
        start, end, indent = function
        return python_compile_error(_dedent(splice(self.text, body, start, end), indent), "<fix>") is None

    def _innermost_function(self, start: int, end: int) -> tuple[int, int, int] | None:
        """The smallest function (from the start of its `def` line) holding [start, end)."""
        holding = [function for function in self.functions() if function[0] <= start and end <= function[1]]
        return min(holding, key=lambda function: function[1] - function[0], default=None)

    def functions(self) -> list[tuple[int, int, int]]:
        if self._functions is None:
            self._functions = []
            for node in self.positions:
                if type(node) is cst.FunctionDef:  # every node of the file: no ABC `isinstance`
                    where = self.positions[node]
                    line_start = self.lines.offset(where.start.line, 1)
                    end = self.lines.offset(where.end.line, where.end.column + 1)
                    self._functions.append((line_start, end, where.start.column))
        return self._functions


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
