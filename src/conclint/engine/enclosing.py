"""The function (or class) a finding lies in, by qualified name: what a baseline keys on.

A finding's lines change whenever code is added above it; the name of the function holding it
does not. Computed only for files with findings, from the positions already paid for.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange

from conclint.core.model import MODULE_LEVEL
from conclint.syntax.node_types import COMPOUND_STATEMENTS, DEFINITIONS


def _definitions(module: cst.Module) -> list[tuple[str, cst.FunctionDef | cst.ClassDef]]:
    """Every function and class of a module with its qualified name, as the scopes and the
    project index name them (`Outer.method.<locals>.inner`).

    Only statements are walked, never expressions (a `def` is a statement, a lambda is not a
    definition here): a full traversal of the tree would cost more than the positions do."""
    found: list[tuple[str, cst.FunctionDef | cst.ClassDef]] = []
    # (qualified name of the enclosing definition, whether it is a function, node)
    pending: list[tuple[str, bool, object]] = [("", False, statement) for statement in reversed(module.body)]
    while pending:
        qualname, in_function, node = pending.pop()
        kind = type(node)
        if kind in DEFINITIONS:
            name = node.name.value  # type: ignore[attr-defined]
            qualname = f"{qualname}.<locals>.{name}" if in_function else f"{qualname}.{name}" if qualname else name
            in_function = kind is cst.FunctionDef
            found.append((qualname, node))  # type: ignore[arg-type]
        if kind not in _BLOCKS:
            continue
        for field in _BLOCK_FIELDS:
            value = getattr(node, field, None)
            if isinstance(value, (tuple, list)):
                pending.extend((qualname, in_function, item) for item in reversed(value))
            elif value is not None:
                pending.append((qualname, in_function, value))
    return found


# Nodes that may hold a `def` or `class` somewhere below them (compound statements and the
# blocks and clauses they are made of), and the fields that hold it. Simple statements and
# expressions never do.
_BLOCKS = COMPOUND_STATEMENTS | {
    cst.IndentedBlock,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
}
_BLOCK_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")


class EnclosingNames:
    """Answers "which definition holds this line and column?" for one module."""

    def __init__(self, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        ranges = []
        for name, node in _definitions(module):
            where = positions[node]
            is_coroutine = isinstance(node, cst.FunctionDef) and node.asynchronous is not None
            ranges.append(((where.start.line, where.start.column), (where.end.line, where.end.column), name, is_coroutine))
        # By start: the innermost definition holding a position is the last one starting
        # before it that also ends after it (definitions nest, they never overlap otherwise).
        ranges.sort()
        self._ranges = ranges
        self._starts = [start for start, *_ in ranges]

    def _innermost(self, line: int, column: int) -> tuple[str, bool] | None:
        """The name of the innermost definition holding the position, and whether it is an
        `async def`; None at module level."""
        point = (line, column)
        index = bisect.bisect_right(self._starts, point)
        for start, end, name, is_coroutine in reversed(self._ranges[:index]):
            if start <= point < end:
                return name, is_coroutine
        return None

    def name_at(self, line: int, column: int) -> str:
        """The qualified name of the innermost function or class holding the 1-based `line`
        and 0-based `column`; MODULE_LEVEL outside every definition."""
        found = self._innermost(line, column)
        return found[0] if found is not None else MODULE_LEVEL

    def in_coroutine(self, line: int, column: int) -> bool:
        """Whether the innermost definition holding the position is an `async def`."""
        found = self._innermost(line, column)
        return found is not None and found[1]
