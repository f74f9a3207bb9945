"""Recognising the calls and `with` items that start processes.

`process_start(facts, call)` / `with_item_start(facts, item)`: the call (or `with` item)
starts processes, with the words that say so (`Pool()`, `worker.start()`): a
multiprocessing or concurrent.futures API, `.start()` on a Process or a manager, work
dispatched to a process executor, or a joblib `Parallel` with a backend that re-imports the
main module. Starts made from a fork context are left out. `iteration_start(facts, iterable)`:
iterating the object (`for batch in loader:`) starts processes, as a PyTorch `DataLoader`
with worker processes does, also through `enumerate`, `zip` or `tqdm`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.flow import reaching_binding
from conclint.analysis.process_display import callee_text
from conclint.analysis.process_layout import module_layout
from conclint.analysis.process_literals import integer_literal, string_literal
from conclint.analysis.process_objects import catalogued_origin, origin_call, process_object_kind
from conclint.analysis.process_start_methods import context_method, creation_forks, forks
from conclint.analysis.scopes import Scope, bind_parameters, collect_bindings, dotted_name, is_instance_method, iter_statements
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge import processes as catalog
from conclint.knowledge.libraries import is_library_name

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


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
        if symbol.qualname in catalog.ITERATING_CALLS:
            iterated = call_argument(call, 0, None)
            if iterated is not None and _loader_with_workers(facts, iterated, facts.scope):
                return ProcessStart(catalog.DATALOADER, f"{callee_text(func)}({_shown(iterated)})")
            return None
        kind = catalog.PROCESS_STARTING_CALLS.get(symbol.qualname)
        if kind is not None:
            if forks(facts, call, facts.scope):
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


def iteration_start(facts: FileFacts, iterable: cst.BaseExpression) -> ProcessStart | None:
    """The processes a `for` loop over `iterable` (evaluated in the current scope) starts:
    those of a DataLoader with worker processes, or None."""
    if _loader_with_workers(facts, iterable, facts.scope):
        return ProcessStart(catalog.DATALOADER, f"for ... in {_shown(iterable)}")
    return None


def _shown(expression: cst.BaseExpression) -> str:
    """`loader`, `enumerate(...)`: how a message names an iterated object."""
    if isinstance(expression, cst.Call):
        return f"{callee_text(expression.func)}(...)"
    text = dotted_name(expression)
    return text if text and len(text) <= 40 else "..."


def returns_loader_with_workers(facts: FileFacts, value: cst.BaseExpression) -> bool:
    """`return <value>` (in the current scope) hands the caller a DataLoader with worker
    processes, made here or by a function of this module, whose iteration starts them: the
    fact a function summary keeps so that a module-level loop over the result of a helper
    of another module is judged. A worker count taken from a parameter that defaults to 0
    does not count: callers that leave it out load in their own process."""
    return _loader_with_workers(facts, value, facts.scope, returned=True)


def _loader_with_workers(
    facts: FileFacts, iterable: cst.BaseExpression, scope: Scope, depth: int = 0, *, returned: bool = False
) -> bool:
    """`iterable` is a DataLoader made here with `num_workers` not known to be 0 and no fork
    context, or a lazy wrapper (`enumerate(loader)`, `tqdm(loader)`) of one, or the result
    of a function (of this module, or of the project) that returns one. `returned`: judged
    for a function's summary, so a worker count from a parameter defaulting to 0 is 0."""
    if depth > 4:
        return False
    spelled = module_layout(facts).spells_dataloader
    if not spelled and (facts.project is None or returned):
        return False
    if isinstance(iterable, cst.Call):
        symbol = resolve(iterable.func, scope)
        if symbol is not None and not symbol.local and not symbol.instance and symbol.qualname in catalog.LAZY_ITERATION_WRAPPERS:
            return any(
                _loader_with_workers(facts, arg.value, scope, depth + 1, returned=returned)
                for arg in iterable.args
                if arg.keyword is None and not arg.star
            )
    origin = catalogued_origin(iterable, scope, catalog.DATALOADER_TYPES) if spelled else None
    if origin is None:
        made = origin_call(iterable, scope)
        return made is not None and _helper_returns_loader(facts, made[0], made[1], depth, returned)
    loader, where = origin
    position, keyword = catalog.DATALOADER_WORKERS
    workers = call_argument(loader, position, keyword)
    if workers is None or _known_zero(workers, where) or (returned and _zero_by_default(workers, where)):
        return False  # omitted: the default, 0, loads in this process
    context = call_argument(loader, None, catalog.DATALOADER_CONTEXT_KEYWORD)
    if context is not None and (string_literal(context) or context_method(facts, context, where)) == catalog.FORK:
        return False
    return True


def _helper_returns_loader(facts: FileFacts, call: cst.Call, scope: Scope, depth: int, returned: bool) -> bool:
    """`call` runs a function that returns a DataLoader with worker processes: one of this
    module (its returns are judged as its summary judges them: a worker count from a
    parameter defaulting to 0 is 0), or, with a project index, one of another module of the
    project whose summary says so (`returns_worker_loader`)."""
    symbol = resolve(call.func, scope)
    if symbol is None or symbol.instance:
        return False
    if symbol.local:
        node = symbol.node
        if not isinstance(node, cst.FunctionDef) or symbol.scope is None or node.asynchronous is not None:
            return False
        inner = _function_scope(node, symbol.scope, facts.module_name)
        return any(
            isinstance(statement, cst.Return)
            and statement.value is not None
            and _loader_with_workers(facts, statement.value, inner, depth + 1, returned=True)
            for statement in iter_statements(node.body.body)
        )
    if returned or facts.project is None or symbol.qualname.startswith("builtins.") or is_library_name(symbol.qualname):
        return False
    summary = facts.project.function(symbol.qualname)
    return summary is not None and summary.returns_worker_loader


def _function_scope(node: cst.FunctionDef, parent: Scope, module_name: str) -> Scope:
    """The scope a function's body runs in, bound as the traversal binds it, to judge what
    its `return` statements hand back from a call site elsewhere in the module."""
    scope = Scope("function", parent.child_qualname(node.name.value), parent, node, node.asynchronous is not None)
    bind_parameters(scope, node.params, parent if parent.kind == "class" and is_instance_method(node) else None)
    collect_bindings(scope, node.body.body, module_name)
    return scope


def _zero_by_default(value: cst.BaseExpression, scope: Scope) -> bool:
    """`workers` or `int(workers)`, a parameter of the function `scope` belongs to whose
    default is 0 (`def loader(data, workers=0)`)."""
    if isinstance(value, cst.Call) and len(value.args) == 1 and dotted_name(value.func) == "int":
        value = value.args[0].value
    if not isinstance(value, cst.Name) or not isinstance(scope.node, cst.FunctionDef):
        return False
    params = scope.node.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == value.value:
            return param.default is not None and integer_literal(param.default) == 0
    return False


def _known_zero(value: cst.BaseExpression, scope: Scope) -> bool:
    """`0`, or a name assigned `0` (`WORKERS = 0`)."""
    if isinstance(value, cst.Name):
        binding = reaching_binding(value, scope)
        if binding is None or binding.kind != "assign" or not isinstance(binding.node, cst.BaseExpression):
            return False
        value = binding.node
    return integer_literal(value) == 0


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
            if forks(facts, expression, facts.scope):
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


def _joblib_start(facts: FileFacts, call: cst.Call, func: cst.BaseExpression, scope: Scope) -> ProcessStart | None:
    """`Parallel(n_jobs=4, backend="multiprocessing")(...)`, or a call of a variable holding such
    a Parallel. The default backend (loky) does not re-import the main module, and `n_jobs`
    left unset (or 1) runs everything in this process."""
    origin = catalogued_origin(func, scope, catalog.JOBLIB_PARALLEL)
    if origin is None:
        return None
    parallel, where = origin
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

