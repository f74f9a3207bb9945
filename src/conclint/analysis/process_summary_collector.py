"""ProcessSummaryCollector: builds a module's ProcessSummary during the engine's traversal.

It runs after FileFacts in the single batched traversal (it reads `facts.scope`) and records,
per function, the process starts it makes and the functions it calls, leaving out those in
its lambdas and nested defs. The engine hands the result to the project index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.function_records import LambdaDepth
from conclint.analysis.process_callees import local_callee
from conclint.analysis.process_starts import iteration_start, process_start, with_item_start
from conclint.analysis.process_summaries import FunctionProcesses, ProcessSummary
from conclint.syntax.traversal import CachedVisitorMethods

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


class _Function:
    __slots__ = ("qualname", "starts", "calls", "external", "lambda_depth")

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname
        self.starts: dict[str, None] = {}
        self.calls: dict[str, None] = {}
        self.external: dict[str, None] = {}
        self.lambda_depth = 0


class ProcessSummaryCollector(LambdaDepth, CachedVisitorMethods, cst.BatchableCSTVisitor):
    """Builds the ProcessSummary during the traversal; runs after FileFacts (it reads
    `facts.scope`). Complete once `leave_Module` has run: then `summary` holds it."""

    def __init__(self, facts: FileFacts) -> None:
        super().__init__()
        self.facts = facts
        self._stack: list[_Function] = []
        self._functions: dict[str, FunctionProcesses] = {}
        self._class_bases: dict[str, tuple[str, ...]] = {}
        self.summary = ProcessSummary()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = []
        for arg in node.bases:
            if arg.keyword is None and not arg.star:
                symbol = self.facts.resolve(arg.value)
                if symbol is not None and not symbol.instance:
                    bases.append(symbol.qualname)
        if bases:
            self._class_bases[self.facts.scope.child_qualname(node.name.value)] = tuple(bases)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._stack.append(_Function(self.facts.scope.qualname))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        function = self._stack.pop()
        self._functions[function.qualname] = FunctionProcesses(
            function.qualname, tuple(function.starts), tuple(function.calls), tuple(function.external)
        )

    def visit_With(self, node: cst.With) -> None:
        function = self._current()
        if function is not None:
            for item in node.items:
                start = with_item_start(self.facts, item)
                if start is not None:
                    function.starts[start.display] = None

    def visit_For(self, node: cst.For) -> None:
        self._iteration(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._iteration(node.iter)

    def _iteration(self, iterable: cst.BaseExpression) -> None:
        """A loop over a DataLoader with worker processes starts them."""
        function = self._current()
        if function is not None:
            start = iteration_start(self.facts, iterable)
            if start is not None:
                function.starts[start.display] = None

    def visit_Call(self, node: cst.Call) -> None:
        function = self._current()
        if function is None:
            return
        symbol = self.facts.resolve(node.func)
        start = process_start(self.facts, node, symbol)
        if start is not None:
            function.starts[start.display] = None
            return
        callee = local_callee(node.func, symbol)
        if callee is not None:
            function.calls[callee] = None
        elif symbol is not None and not symbol.local and not symbol.instance and not symbol.qualname.startswith("builtins."):
            function.external[symbol.qualname] = None

    def leave_Module(self, node: cst.Module) -> None:
        self.summary = ProcessSummary(dict(self._functions), dict(self._class_bases))

    def _current(self) -> _Function | None:
        if not self._stack:
            return None
        function = self._stack[-1]
        return None if function.lambda_depth else function

