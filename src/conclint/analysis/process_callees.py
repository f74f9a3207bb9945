"""Which function a call runs, named so a process summary can follow it.

`local_callee`: a function of this module (`helper`, `Runner.run`, `Runner.__init__` for
`Runner()`), an edge inside the module's summary; `imported_callee`: a function imported
from elsewhere in the project, for the project index to look up.
"""

from __future__ import annotations

import libcst as cst

from conclint.analysis.symbols import Symbol
from conclint.knowledge.libraries import is_library_name


def imported_callee(symbol: Symbol | None) -> str | None:
    """The dotted name of a function imported from elsewhere in the project that calling
    `symbol` runs (`app.workers.start_all`, `app.workers.Pool.__init__` for a class), for the
    project index to look up. None for library names and anything not imported."""
    if symbol is None or symbol.local or symbol.instance or symbol.qualname.startswith(("builtins.", ".")):
        return None
    return None if is_library_name(symbol.qualname) else symbol.qualname


def local_callee(func: cst.BaseExpression, symbol: Symbol | None) -> str | None:
    """The qualified name of the function of this module that calling `func` (which resolves
    to `symbol`) runs: `helper`, `Runner.run` (through `self.run`, `runner.run`,
    `Runner.run`), `Runner.__init__` for `Runner()`. None for anything else."""
    if symbol is None or not symbol.local or symbol.instance:
        return None
    if isinstance(symbol.node, cst.FunctionDef):
        return symbol.qualname
    if isinstance(symbol.node, cst.ClassDef):
        return f"{symbol.qualname}.__init__"
    if symbol.node is None and isinstance(func, cst.Attribute):
        return symbol.qualname
    return None

