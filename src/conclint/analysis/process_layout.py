"""What runs when a module is imported, from the shape of its module-level statements.

Under the spawn start method (Windows, macOS, and forkserver children too) every child
process re-imports the main module, and any module the work it receives comes from; code
those imports run must not start processes. `module_layout(facts)` records, once per file on
first use and shared by every rule that asks, which module-level statements sit under the
`__main__` guard, under an `if` that asks which process runs them, under
`try/except RuntimeError`, or in a joblib backend context; `runs_at_import_time(facts, node)`
and `in_region` answer from it for the node being visited.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, NamedTuple, Sequence

import libcst as cst

from conclint.analysis.guards import main_guard_branch
from conclint.analysis.symbols import resolve
from conclint.knowledge import processes as catalog

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


@dataclass
class ModuleLayout:
    """What the module-level statements (and class bodies there) look like, by node identity.

    guard_defined: defs and classes under the `__main__` guard (a spawned child never runs it).
    process_guarded: statements under an `if` whose test asks `parent_process()`,
        `current_process()` or `get_start_method()`: they run in one kind of process only, or
        under a start method the code chose knowingly (`if mp.get_start_method() == "fork":`).
    start_method_checked: statements inside a `try` whose handlers catch RuntimeError, or
        under an `if` that consults `get_start_method()`.
    import_time_with_items: calls entered by `with` statements that run at import time.
    joblib_contexts: statement -> the `parallel_backend(...)` / `parallel_config(...)` call
        of the innermost import-time `with` around it.
    class_kinds: memo of `class_kind` per local class.
    spells_dataloader: the source holds `DataLoader`, without which no loop can iterate one
        (`conclint.analysis.process_starts.iteration_start` asks first).
    """

    guard_defined: set[int] = field(default_factory=set)
    process_guarded: set[int] = field(default_factory=set)
    start_method_checked: set[int] = field(default_factory=set)
    import_time_with_items: set[int] = field(default_factory=set)
    joblib_contexts: dict[int, cst.Call] = field(default_factory=dict)
    class_kinds: dict[int, str | None] = field(default_factory=dict)
    spells_dataloader: bool = False


_LAYOUTS: weakref.WeakKeyDictionary[FileFacts, ModuleLayout] = weakref.WeakKeyDictionary()


def module_layout(facts: FileFacts) -> ModuleLayout:
    """The layout of the module `facts` describes, computed on first use."""
    layout = _LAYOUTS.get(facts)
    if layout is None:
        layout = _LAYOUTS[facts] = ModuleLayout(spells_dataloader=catalog.DATALOADER_TOKEN in facts.source_bytes)
        _Scanner(facts, layout).scan(facts.module.body, _Flags())
    return layout


class _Scanner:
    """Walks module-level statements (and class bodies there), never function bodies.

    Regions are recorded by the identity of the statements the traversal keeps on
    `facts.statements`; a one-line block (`try: f()`) has no such statement of its own, so
    the calls in it are recorded instead.
    """

    def __init__(self, facts: FileFacts, layout: ModuleLayout) -> None:
        self.facts = facts
        self.layout = layout

    def scan(self, statements: Sequence[cst.CSTNode], flags: _Flags) -> None:
        for statement in statements:
            self._mark(id(statement), flags)
            if isinstance(statement, cst.FunctionDef):
                if flags.guarded:
                    self.layout.guard_defined.add(id(statement))
            elif isinstance(statement, cst.ClassDef):
                if flags.guarded:
                    self.layout.guard_defined.add(id(statement))
                self.block(statement.body, flags._replace(in_class=True))
            elif isinstance(statement, cst.If):
                self._scan_if(statement, flags)
            elif isinstance(statement, (cst.Try, cst.TryStar)):
                catches = any(_catches_runtime_error(self.facts, handler) for handler in statement.handlers)
                self.block(statement.body, flags._replace(checked=flags.checked or catches))
                for handler in statement.handlers:
                    self.block(handler.body, flags)
                for extra in (statement.orelse, statement.finalbody):
                    if extra is not None:
                        self.block(extra.body, flags)
            elif isinstance(statement, cst.With):
                context = flags.joblib
                for item in statement.items:
                    if isinstance(item.item, cst.Call):
                        if not flags.guarded:
                            self.layout.import_time_with_items.add(id(item.item))
                        if self._qualname(item.item.func) in catalog.JOBLIB_BACKEND_CONTEXTS:
                            context = item.item
                self.block(statement.body, flags._replace(joblib=context))
            elif isinstance(statement, (cst.For, cst.While)):
                self.block(statement.body, flags)
                if statement.orelse is not None:
                    self.block(statement.orelse.body, flags)
            elif isinstance(statement, cst.Match):
                for case in statement.cases:
                    self.block(case.body, flags)

    def block(self, suite: cst.BaseSuite, flags: _Flags) -> None:
        if isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                for node in _descendants(small):
                    if isinstance(node, cst.Call):
                        self._mark(id(node), flags)
        else:
            self.scan(suite.body, flags)

    def _mark(self, key: int, flags: _Flags) -> None:
        layout = self.layout
        if flags.process_guarded:
            layout.process_guarded.add(key)
        if flags.checked:
            layout.start_method_checked.add(key)
        if flags.joblib is not None:
            layout.joblib_contexts[key] = flags.joblib

    def _scan_if(self, statement: cst.If, flags: _Flags) -> None:
        branch = None if flags.in_class else main_guard_branch(statement.test)
        names = {self._qualname(node.func) for node in _descendants(statement.test) if isinstance(node, cst.Call)}
        checks_method = bool(names & catalog.START_METHOD_GETTERS)
        inner = flags._replace(
            process_guarded=flags.process_guarded or checks_method or bool(names & catalog.PROCESS_IDENTITY_CALLS),
            checked=flags.checked or checks_method,
        )
        self.block(statement.body, inner._replace(guarded=flags.guarded or branch == "body"))
        orelse = statement.orelse
        else_flags = inner._replace(guarded=flags.guarded or branch == "orelse")
        if isinstance(orelse, cst.If):
            self.scan([orelse], else_flags)
        elif isinstance(orelse, cst.Else):
            self.block(orelse.body, else_flags)

    def _qualname(self, expression: cst.BaseExpression) -> str | None:
        symbol = resolve(expression, self.facts.module_scope)
        if symbol is None or symbol.local or symbol.instance:
            return None
        return symbol.qualname


class _Flags(NamedTuple):
    guarded: bool = False
    process_guarded: bool = False
    checked: bool = False
    joblib: cst.Call | None = None
    in_class: bool = False


def _descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _catches_runtime_error(facts: FileFacts, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for element in types:
        value = element.value if isinstance(element, cst.Element) else element
        symbol = resolve(value, facts.module_scope)
        if symbol is not None and symbol.qualname in ("builtins.RuntimeError", "builtins.Exception", "builtins.BaseException"):
            return True
    return False


def runs_at_import_time(facts: FileFacts, node: cst.CSTNode) -> bool:
    """True when `node`, being visited, runs as the module is imported: module level or a
    class body there, outside the `__main__` guard and outside `if` blocks that test which
    process they run in. (Decorators and default values of module-level defs count too.)"""
    if facts.main_guard_depth:
        return False
    for frame in facts.frames:
        if frame.kind not in ("module", "class"):
            return False
    return not in_region(facts, module_layout(facts).process_guarded, node)


def in_region(facts: FileFacts, region: set[int], node: cst.CSTNode) -> bool:
    """`node`, being visited, lies in a region of the layout."""
    if not region:
        return False
    return id(node) in region or any(id(statement) in region for statement in facts.statements)

