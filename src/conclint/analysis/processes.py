"""Where processes start, and what runs when a module is imported.

Under the spawn start method (Windows, macOS, and forkserver children too) every child
process re-imports the main module, and any module the work it receives comes from; code
those imports run must not start processes. This module answers, for the CCL3 rules:

- `runs_at_import_time(facts, node)`: the node being visited runs when the module is
  imported (module level or a class body there; not in a function, not under the `__main__`
  guard, not under an `if` that asks `parent_process()`, `current_process()` or
  `get_start_method()`).
- `process_start(facts, call)` / `with_item_start(facts, item)`: the call (or `with` item)
  starts processes, with the words that say so (`Pool()`, `worker.start()`).
- `ProcessSummaryCollector` / `ProcessSummary`: for every function of the module, the
  processes it starts and the functions it calls, as plain values; `process_chain` follows
  the calls to a start (`main -> run_pool -> Pool()`). A project pass can join the summaries
  of several modules through `external_calls`.
- `module_layout(facts)`: the module-level structure those answers need (what the
  `__main__` guard defines, which statements sit under `try/except RuntimeError`, ...),
  computed once per file on first use and shared by every rule that asks.
"""

from __future__ import annotations

import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, NamedTuple, Sequence

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.guards import main_guard_branch
from conclint.analysis.scopes import Scope, dotted_name
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge import processes as catalog
from conclint.syntax.traversal import CachedVisitorMethods

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.project_index import ProjectView


# ----- module layout ---------------------------------------------------------------------------


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
    """

    guard_defined: set[int] = field(default_factory=set)
    process_guarded: set[int] = field(default_factory=set)
    start_method_checked: set[int] = field(default_factory=set)
    import_time_with_items: set[int] = field(default_factory=set)
    joblib_contexts: dict[int, cst.Call] = field(default_factory=dict)
    class_kinds: dict[int, str | None] = field(default_factory=dict)


_LAYOUTS: weakref.WeakKeyDictionary[FileFacts, ModuleLayout] = weakref.WeakKeyDictionary()


def module_layout(facts: FileFacts) -> ModuleLayout:
    """The layout of the module `facts` describes, computed on first use."""
    layout = _LAYOUTS.get(facts)
    if layout is None:
        layout = _LAYOUTS[facts] = ModuleLayout()
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


# ----- starting processes ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessStart:
    """A call or `with` item that starts processes: what kind, and how the source spells it."""

    kind: str
    display: str

    @property
    def effect(self) -> str:
        return catalog.EFFECTS[self.kind]


def process_start(facts: FileFacts, call: cst.Call, symbol: Symbol | None = None) -> ProcessStart | None:
    """The processes `call` starts, evaluated in the current scope, or None. `symbol` is what
    `call.func` resolves to, when the caller has it already."""
    func = call.func
    if isinstance(func, cst.Call):
        return _joblib_start(facts, call, func, facts.scope)
    if symbol is None:
        symbol = facts.resolve(func)
    if symbol is None and isinstance(func, cst.Name):
        return _joblib_start(facts, call, func, facts.scope)
    if symbol is not None and not symbol.local and not symbol.instance:
        kind = catalog.PROCESS_STARTING_CALLS.get(symbol.qualname)
        if kind is not None:
            if _forks(facts, call, facts.scope):
                return None
            return ProcessStart(kind, f"{callee_text(func)}()")
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method == catalog.STARTING_METHOD:
        kind = process_object_kind(facts, func.value)
        if kind is not None and not creation_forks(facts, func.value):
            return ProcessStart(kind, f"{callee_text(func)}()")
    elif method in catalog.EXECUTOR_DISPATCH_METHODS:
        receiver = facts.resolve(func.value)
        if receiver is not None and receiver.instance and receiver.qualname in catalog.PROCESS_EXECUTOR_TYPES:
            if not creation_forks(facts, func.value):
                return ProcessStart(catalog.EXECUTOR, f"{callee_text(func)}()")
    return None


def with_item_start(facts: FileFacts, item: cst.WithItem) -> ProcessStart | None:
    """`with SyncManager() as m:` starts the manager; `with ProcessPoolExecutor() as ex:` is
    there to run work in the executor's processes. `with Manager() as m:` is left to the call
    itself, which starts the manager before the `with` enters it."""
    expression = item.item
    if isinstance(expression, cst.Call):
        if process_start(facts, expression) is not None:
            return None
        symbol = facts.resolve(expression)
        if symbol is not None and symbol.instance and not symbol.local and symbol.qualname in catalog.PROCESS_EXECUTOR_TYPES:
            if _forks(facts, expression, facts.scope):
                return None
            return ProcessStart(catalog.EXECUTOR, f"with {callee_text(expression.func)}()")
        text = f"{callee_text(expression.func)}()"
    else:
        origin = origin_call(expression, facts.scope)
        if origin is not None and _starts_at_creation(*origin):
            return None  # `manager = Manager()` started it already
        text = callee_text(expression)
    if process_object_kind(facts, expression) == catalog.MANAGER:
        return ProcessStart(catalog.MANAGER, f"with {text}")
    return None


def _starts_at_creation(call: cst.Call, scope: Scope) -> bool:
    symbol = resolve(call.func, scope)
    return symbol is not None and not symbol.local and symbol.qualname in catalog.PROCESS_STARTING_CALLS


def process_object_kind(facts: FileFacts, expression: cst.BaseExpression) -> str | None:
    """"process" or "manager" when `expression` is an object whose `.start()` starts one:
    a `multiprocessing.Process`, a manager, an object of a subclass defined in this module,
    or the variable of a `for` loop over a list of those."""
    symbol = facts.resolve(expression)
    if symbol is None and isinstance(expression, cst.Name):
        symbol = _loop_element(facts, expression.value)
    if symbol is None or not symbol.instance:
        return None
    if symbol.local:
        if isinstance(symbol.node, cst.ClassDef) and symbol.scope is not None:
            return class_kind(facts, symbol.node, symbol.scope)
        return None
    return catalog.PROCESS_TYPES.get(symbol.qualname)


def class_kind(facts: FileFacts, node: cst.ClassDef, scope: Scope, depth: int = 0) -> str | None:
    """"process" / "manager" when the local class derives from a Process or a manager."""
    memo = module_layout(facts).class_kinds
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = None  # cycles end here
    found = None
    for base in node.bases:
        if base.keyword is not None or base.star:
            continue
        symbol = resolve(base.value, scope)
        if symbol is None:
            continue
        if symbol.local:
            if isinstance(symbol.node, cst.ClassDef) and symbol.scope is not None and depth < 20:
                found = class_kind(facts, symbol.node, symbol.scope, depth + 1)
        elif not symbol.instance:
            found = catalog.PROCESS_BASE_CLASSES.get(symbol.qualname)
        if found is not None:
            break
    memo[key] = found
    return found


def _loop_element(facts: FileFacts, name: str) -> Symbol | None:
    """What `name` holds when it is the variable of an enclosing `for` loop or comprehension
    over a list, tuple or comprehension of known objects (`for p in procs: p.start()`)."""
    binding = facts.scope.lookup(name)
    if binding is None or binding.kind != "other":
        return None
    scope: Scope | None = facts.scope
    while scope is not None and scope.kind == "comprehension":
        clause = getattr(scope.node, "for_in", None)
        while clause is not None:
            if isinstance(clause.target, cst.Name) and clause.target.value == name:
                return _element(clause.iter, scope.parent or scope)
            clause = clause.inner_for_in
        scope = scope.parent
    for statement in reversed(facts.statements):
        if isinstance(statement, cst.For) and isinstance(statement.target, cst.Name) and statement.target.value == name:
            return _element(statement.iter, facts.scope)
    return None


def _element(iterable: cst.BaseExpression, scope: Scope, depth: int = 0) -> Symbol | None:
    if depth > 5:
        return None
    if isinstance(iterable, cst.Name):
        binding = scope.lookup(iterable.value)
        if binding is not None and binding.kind == "assign" and binding.node is not None and binding.scope is not None:
            return _element(binding.node, binding.scope, depth + 1)  # type: ignore[arg-type]
        return None
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        for element in iterable.elements:
            if isinstance(element, cst.Element):
                symbol = resolve(element.value, scope)
                if symbol is not None:
                    return symbol
        return None
    if isinstance(iterable, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return resolve(iterable.elt, scope)
    return None


def origin_call(expression: cst.BaseExpression, scope: Scope, depth: int = 0) -> tuple[cst.Call, Scope] | None:
    """The call that made the object `expression` names: itself when it is a call, else the
    call assigned to the variable (`pool = Pool()`, `with Pool() as pool`)."""
    if isinstance(expression, cst.Call):
        return expression, scope
    if isinstance(expression, cst.Name) and depth < 10:
        binding = scope.lookup(expression.value)
        if binding is not None and binding.kind == "assign" and binding.node is not None and binding.scope is not None:
            return origin_call(binding.node, binding.scope, depth + 1)  # type: ignore[arg-type]
    return None


def context_method(facts: FileFacts, expression: cst.BaseExpression, scope: Scope) -> str | None:
    """"fork", "spawn", ... when `expression` is `multiprocessing.get_context("<method>")`
    or a variable assigned from it."""
    origin = origin_call(expression, scope)
    if origin is None:
        return None
    call, where = origin
    symbol = resolve(call.func, where)
    if symbol is None or symbol.local or symbol.qualname not in catalog.GET_CONTEXT:
        return None
    return string_literal(call_argument(call, 0, "method"))


def _forks(facts: FileFacts, call: cst.Call, scope: Scope) -> bool:
    """The pool or process `call` creates starts its children with fork, by its context."""
    func = call.func
    if isinstance(func, cst.Attribute) and context_method(facts, func.value, scope) == catalog.FORK:
        return True
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in catalog.CONTEXT_KEYWORDS:
            return context_method(facts, arg.value, scope) == catalog.FORK
    return False


def creation_forks(facts: FileFacts, expression: cst.BaseExpression) -> bool:
    """The object `expression` names was made by a call whose context is fork."""
    origin = origin_call(expression, facts.scope)
    return origin is not None and _forks(facts, *origin)


def _joblib_start(facts: FileFacts, call: cst.Call, func: cst.BaseExpression, scope: Scope) -> ProcessStart | None:
    """`Parallel(n_jobs=4, backend="multiprocessing")(...)`, or a call of a variable holding such
    a Parallel. The default backend (loky) does not re-import the main module, and `n_jobs`
    left unset (or 1) runs everything in this process."""
    origin = origin_call(func, scope)
    if origin is None:
        return None
    parallel, where = origin
    symbol = resolve(parallel.func, where)
    if symbol is None or symbol.local or symbol.qualname not in catalog.JOBLIB_PARALLEL:
        return None
    positions = catalog.JOBLIB_PARALLEL_ARGS
    backend = call_argument(parallel, positions["backend"], "backend")
    n_jobs = call_argument(parallel, positions["n_jobs"], "n_jobs")
    context = _joblib_context(facts, call)
    if backend is None and context is not None:
        context_symbol = resolve(context.func, facts.module_scope)
        short = context_symbol.qualname.rpartition(".")[2] if context_symbol is not None else ""
        arguments = catalog.JOBLIB_CONTEXT_ARGS.get(short, {})
        backend = call_argument(context, arguments.get("backend"), "backend")
        if n_jobs is None:
            n_jobs = call_argument(context, arguments.get("n_jobs"), "n_jobs")
    if string_literal(backend) not in catalog.JOBLIB_REIMPORTING_BACKENDS:
        return None
    if not _several_jobs(n_jobs, where):
        return None
    if isinstance(func, cst.Call):
        display = f"{callee_text(func.func)}(...)(...)"
    else:
        display = f"{callee_text(func)}(...)"
    return ProcessStart(catalog.JOBLIB, display)


def _joblib_context(facts: FileFacts, call: cst.Call) -> cst.Call | None:
    contexts = module_layout(facts).joblib_contexts
    if not contexts:
        return None
    found = contexts.get(id(call))
    if found is not None:
        return found
    for statement in reversed(facts.statements):
        found = contexts.get(id(statement))
        if found is not None:
            return found
    return None


def _several_jobs(n_jobs: cst.BaseExpression | None, scope: Scope) -> bool:
    """`n_jobs` certainly asks for more than one worker: an integer literal other than 1
    (negative values count from the number of CPUs), or a cpu_count() call."""
    if n_jobs is None:
        return False
    value = integer_literal(n_jobs)
    if value is not None:
        return value != 1
    if isinstance(n_jobs, cst.Call):
        symbol = resolve(n_jobs.func, scope)
        return symbol is not None and not symbol.local and symbol.qualname in catalog.CPU_COUNT_CALLS
    return False


# ----- small syntax helpers --------------------------------------------------------------------


def string_literal(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def integer_literal(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = integer_literal(node.expression)  # type: ignore[arg-type]
        return -inner if inner is not None else None
    return None


def true_literal(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def callee_text(func: cst.BaseExpression) -> str:
    """How the source names a callee, shortened: `mp.Pool`, `worker.start`,
    `get_context(...).Pool`, `Process(...).start`."""
    text = dotted_name(func)
    if text and len(text) <= 40:
        return text
    if isinstance(func, cst.Attribute):
        value = func.value
        if isinstance(value, cst.Call):
            inner = dotted_name(value.func).rpartition(".")[2] or "..."
            return f"{inner}({'...' if value.args else ''}).{func.attr.value}"
        return func.attr.value
    return "..."


def function_display(qualname: str) -> str:
    """`main`, `Runner.run`; a class's `__init__` is shown as the class being called."""
    name = qualname.replace(".<locals>.", ".")
    if name.endswith(".__init__"):
        return name[: -len(".__init__")]
    return name


# ----- function summaries ----------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionProcesses:
    """What one function does about processes, in plain values.

    `starts`: the process starts it makes itself, as the source spells them (`Pool()`,
    `worker.start()`); `calls`: the functions of this module it calls (qualified names;
    `Class.__init__` for `Class()`), not those in its lambdas or nested defs;
    `external_calls`: the functions of other modules it calls (dotted names), for a project
    pass that joins the summaries of several modules.
    """

    qualname: str
    starts: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    external_calls: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "qualname": self.qualname,
            "starts": list(self.starts),
            "calls": list(self.calls),
            "external_calls": list(self.external_calls),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> FunctionProcesses:
        return cls(
            qualname=str(data["qualname"]),
            starts=tuple(data["starts"]),  # type: ignore[arg-type]
            calls=tuple(data["calls"]),  # type: ignore[arg-type]
            external_calls=tuple(data["external_calls"]),  # type: ignore[arg-type]
        )


ProcessLookup = Callable[[str], "FunctionProcesses | None"]


def process_chain(lookup: ProcessLookup, qualname: str) -> tuple[str, ...] | None:
    """The shortest call chain from `qualname` to a process start, as qualified names ending
    with the start's display (`("main", "run_pool", "Pool()")`), or None. `lookup` maps a
    qualified name to its summary: one module's, or a project's (then `external_calls` are
    followed too). Cycles end."""
    start = lookup(qualname)
    if start is None:
        return None
    parents: dict[str, str | None] = {start.qualname: None}
    pending = deque([start])
    while pending:
        summary = pending.popleft()
        if summary.starts:
            chain = [summary.qualname]
            while (parent := parents[chain[-1]]) is not None:
                chain.append(parent)
            return (*reversed(chain), summary.starts[0])
        for name in (*summary.calls, *summary.external_calls):
            callee = lookup(name)
            if callee is not None and callee.qualname not in parents:
                parents[callee.qualname] = summary.qualname
                pending.append(callee)
    return None


@dataclass(frozen=True)
class ProcessSummary:
    """Every function of a module, and the bases of its classes: classes of this module by
    their qualified name, library classes by their dotted name."""

    functions: Mapping[str, FunctionProcesses] = field(default_factory=dict)
    class_bases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def function(self, qualname: str) -> FunctionProcesses | None:
        """The summary of `qualname`; a method its class does not define is looked up in the
        class's bases of this module, depth first."""
        found = self.functions.get(qualname)
        if found is not None:
            return found
        owner, _, method = qualname.rpartition(".")
        seen: set[str] = set()
        pending = list(reversed(self.class_bases.get(owner, ())))
        while pending and method:
            base = pending.pop()
            if base in seen:
                continue
            seen.add(base)
            found = self.functions.get(f"{base}.{method}")
            if found is not None:
                return found
            pending.extend(reversed(self.class_bases.get(base, ())))
        return None

    def chain(self, qualname: str) -> tuple[str, ...] | None:
        return process_chain(self.function, qualname)

    def as_dict(self) -> dict[str, object]:
        return {
            "functions": [summary.as_dict() for summary in self.functions.values()],
            "class_bases": {name: list(bases) for name, bases in self.class_bases.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ProcessSummary:
        functions = [FunctionProcesses.from_dict(item) for item in data["functions"]]  # type: ignore[attr-defined]
        bases = {name: tuple(value) for name, value in data["class_bases"].items()}  # type: ignore[attr-defined]
        return cls({summary.qualname: summary for summary in functions}, bases)


class _Function:
    __slots__ = ("qualname", "starts", "calls", "external", "lambda_depth")

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname
        self.starts: dict[str, None] = {}
        self.calls: dict[str, None] = {}
        self.external: dict[str, None] = {}
        self.lambda_depth = 0


class ProcessSummaryCollector(CachedVisitorMethods, cst.BatchableCSTVisitor):
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

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        if self._stack:
            self._stack[-1].lambda_depth += 1

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        if self._stack:
            self._stack[-1].lambda_depth -= 1

    def visit_With(self, node: cst.With) -> None:
        function = self._current()
        if function is not None:
            for item in node.items:
                start = with_item_start(self.facts, item)
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


def imported_callee(symbol: Symbol | None) -> str | None:
    """The dotted name of a function imported from elsewhere in the project that calling
    `symbol` runs (`app.workers.start_all`, `app.workers.Pool.__init__` for a class), for the
    project index to look up. None for library names and anything not imported."""
    if symbol is None or symbol.local or symbol.instance or symbol.qualname.startswith(("builtins.", ".")):
        return None
    return None if is_library_name(symbol.qualname) else symbol.qualname


def project_processes(summary: ProcessSummary, project: ProjectView | None) -> ProcessLookup:
    """A lookup over this module's process summaries (by qualified name) and, with a project
    index, the functions of the project's other modules (by absolute dotted name)."""
    if project is None:
        return summary.function

    def lookup(name: str) -> FunctionProcesses | None:
        found = summary.function(name)
        if found is not None:
            return found
        function = project.function(name)
        if function is None:
            return None
        return FunctionProcesses(function.qualname, function.process_starts, function.all_calls)

    return lookup


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
