"""The fix for CPU-bound work sent to a thread pool (CCL201): use a process pool instead.

Only where the swap is mechanical: a `ThreadPoolExecutor` created in the same scope
(`with ThreadPoolExecutor() as pool:` or `pool = ThreadPoolExecutor()`) with no
thread-only argument, used for nothing but `submit`, `map` and `shutdown` of functions that
pickle (module-level or imported, never lambdas), becomes a `ProcessPoolExecutor`, which
has the same API.

Whether the swap is right also depends on what the pool runs: a pool that reads files or
waits on sockets for some of its tasks must stay a thread pool, however CPU-bound the others
are. Only the rule knows which functions are CPU-bound (from the summaries, complete once the
module is traversed), so `process_pool_fix` hands it every call sending work to the pool
with the plan (`PoolSwap`), and the rule keeps the plan only when it judged each of them.
A function imported from another module of the project, which the rule judges through the
project index, must also be one a worker can import (`imported_target_moves`).

When the `from concurrent.futures import ThreadPoolExecutor` import served only this pool,
it is renamed (or dropped) rather than left unused, so the fixed module stays clean under
pyflakes: at module level, or in a function importing it for itself (several functions
doing so bind the name several times, which the general removal of unused imports does not
touch). A name bound to two pools in one scope gets no swap: it resolves to one creation.

Unsafe: arguments and results are now pickled, the function no longer shares memory with
the caller (changes it makes to globals are lost), and the module needs the `__main__`
guard under spawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

import libcst as cst

from conclint.analysis.processes import origin_call
from conclint.analysis.scopes import dotted_name
from conclint.fixes.names import NameTaken, imported_name
from conclint.fixes.plan import FixPlan

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.project_index import ProjectView
    from conclint.analysis.scopes import Binding, Scope
    from conclint.analysis.summaries import FunctionSummary

THREAD_EXECUTOR = "concurrent.futures.ThreadPoolExecutor"
EXECUTOR_MODULE = "concurrent.futures"
PROCESS_EXECUTOR = "ProcessPoolExecutor"
# ThreadPoolExecutor arguments ProcessPoolExecutor accepts too (`thread_name_prefix` it does not).
SHARED_ARGUMENTS = ("max_workers", "initializer", "initargs")
POOL_METHODS = frozenset({"submit", "map", "shutdown"})
# The methods that send work to the pool: the rule must judge each function they send.
WORK_METHODS = frozenset({"submit", "map"})
DESCRIPTION = (
    "Use a `ProcessPoolExecutor` (same API): every function this pool runs is CPU-bound and "
    "pickles, so the work then runs in parallel"
)

Replacement = tuple[cst.CSTNode, cst.CSTNode]


@dataclass(frozen=True)
class PoolSwap:
    """The plan turning one thread pool into a process pool, and the `submit`/`map` calls
    that send work to that pool (the reported one among them). The plan holds only when
    every one of them sends a CPU-bound function that pickles."""

    plan: FixPlan
    dispatches: tuple[cst.Call, ...]


def process_pool_fix(facts: FileFacts, dispatch: cst.Call) -> PoolSwap | None:
    """The swap of the thread pool `dispatch` (`pool.submit(f, ...)`) submits to for a
    process pool; None when the swap is not mechanical (the pool is made elsewhere, passed
    on, stored, returned, or sends something that does not pickle). Called while `dispatch`
    is visited, since names resolve in the scope being visited."""
    func = dispatch.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return None
    pool = func.value.value
    scope = facts.scope
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    found = origin_call(func.value, facts.scope)
    if found is None or found[1] is not scope:
        return None
    creation = found[0]
    if facts.qualified_name(creation.func) != THREAD_EXECUTOR or not _shared_arguments_only(creation):
        return None
    dispatches = _pool_dispatches(facts, scope.node, pool) if scope.node is not None else None
    if not dispatches:
        return None
    naming = _process_pool_name(facts, creation.func)
    if naming is None:
        return None
    expressions, imports, statement = naming
    return PoolSwap(FixPlan(DESCRIPTION, False, expressions=expressions, imports=imports, statement=statement), dispatches)


def imported_target_moves(project: ProjectView | None, function: FunctionSummary) -> bool:
    """Whether a function imported from another module of the project, its summary found
    through the project index (`function`, names absolute), may run in a process pool.

    Pickle sends a function as a reference, its module and name, which the worker imports:
    under spawn a fresh interpreter, whose `sys.path` is the parent's, so a module the
    parent imported is found. That holds for a plain module-level function: not a method
    or a nested function; not a coroutine or a generator function, whose result (a
    coroutine, a generator) does not pickle back; with no decorator that may replace it by
    an object of another name (the summary keeps no parameters then). And its module must
    start no processes (its text names no process start): the worker imports it afresh,
    and would start them again before it is ready."""
    if project is None:
        return False
    return (
        function.picklable
        and not function.is_async
        and not function.is_generator
        and function.params is not None
        and not project.is_method(function.qualname)
        and not project.names_process_starts(function.qualname)
    )


def _shared_arguments_only(creation: cst.Call) -> bool:
    for position, arg in enumerate(creation.args):
        if arg.star:
            return False
        name = arg.keyword.value if arg.keyword is not None else SHARED_ARGUMENTS[position] if position < 3 else None
        if name not in SHARED_ARGUMENTS:
            return False
    return True


def _pool_dispatches(facts: FileFacts, scope_node: cst.CSTNode, pool: str) -> tuple[cst.Call, ...] | None:
    """The `pool.submit/map(...)` calls of the scope, when every use of `pool` there is its
    binding or `pool.submit/map/shutdown(...)` and what `submit`/`map` send is a function by
    name that pickles; None as soon as one use is anything else (the pool returned, stored,
    passed to a function: code elsewhere may then hand it work nobody judged), and when the
    name is bound twice (`with ThreadPoolExecutor() as pool:` twice in one function): the
    name resolves to one creation for both, so the fix of the first pool's finding would
    swap the second pool."""
    dispatches: list[cst.Call] = []
    bindings = 0
    for name, parents in _names(scope_node, pool):
        parent = parents[-1] if parents else None
        if isinstance(parent, (cst.AsName, cst.AssignTarget)):
            bindings += 1
            if bindings > 1:
                return None  # two pools of one name: which one a call sends work to is not told by name
            continue
        grand = parents[-2] if len(parents) > 1 else None
        if not (isinstance(parent, cst.Attribute) and parent.value is name and parent.attr.value in POOL_METHODS):
            return None
        if not isinstance(grand, cst.Call) or grand.func is not parent:
            return None
        if parent.attr.value in WORK_METHODS:
            if not _pickles(facts, grand):
                return None
            dispatches.append(grand)
    return tuple(dispatches)


def _pickles(facts: FileFacts, call: cst.Call) -> bool:
    if not call.args or call.args[0].keyword is not None or call.args[0].star:
        return False
    if any(isinstance(arg.value, cst.Lambda) for arg in call.args):
        return False
    target = call.args[0].value
    if not isinstance(target, (cst.Name, cst.Attribute)):
        return False
    symbol = facts.resolve(target)
    if symbol is None or symbol.instance:
        return False
    if not symbol.local:
        return True  # an imported function pickles by reference
    return isinstance(symbol.node, cst.FunctionDef) and "." not in symbol.qualname


def _names(root: cst.CSTNode, value: str) -> Iterator[tuple[cst.Name, list[cst.CSTNode]]]:
    """Each `Name` spelled `value` under `root`, with its ancestors (outermost first)."""
    stack: list[tuple[cst.CSTNode, list[cst.CSTNode]]] = [(root, [])]
    while stack:
        node, ancestors = stack.pop()
        if isinstance(node, cst.Name) and node.value == value:
            yield node, ancestors
            continue
        inner = [*ancestors, node]
        stack.extend((child, inner) for child in node.children)


# ----- naming the process pool -----------------------------------------------------------


def _process_pool_name(
    facts: FileFacts, func: cst.BaseExpression
) -> tuple[tuple[Replacement, ...], tuple[str, ...], cst.SimpleStatementLine | None] | None:
    """The replacements that make the creation call `ProcessPoolExecutor`, the imports they
    need, and the line of the import statement they rewrite (whose indentation the lines of
    a rewritten statement in parentheses take); None when that name means something else here."""
    if isinstance(func, cst.Attribute):  # `concurrent.futures.ThreadPoolExecutor()`: the module stays used
        return ((func, func.with_changes(attr=cst.Name(PROCESS_EXECUTOR))),), (), None
    try:
        imports = imported_name(facts, EXECUTOR_MODULE, PROCESS_EXECUTOR)
    except NameTaken:
        return None
    creation: Replacement = (func, cst.Name(PROCESS_EXECUTOR))
    found = _import_serving_only(facts, func) if isinstance(func, cst.Name) else None
    if found is None:
        return (creation,), imports, None
    local = found.holder.kind != "module"
    if imports or (local and PROCESS_EXECUTOR not in found.holder.bindings):
        # `ProcessPoolExecutor` is not imported yet, or not by the function importing the
        # thread pool for itself: the thread pool's import becomes its import. (In a
        # function it then shadows a module-level import of the same class, harmlessly.)
        return (creation, (found.alias, cst.ImportAlias(name=cst.Name(PROCESS_EXECUTOR)))), (), found.line
    if len(found.statement.names) > 1:  # type: ignore[arg-type]
        # Imported already: the thread pool leaves the import it shares with other names.
        return (creation, (found.statement, _without(found.statement, found.alias))), (), found.line
    if local:
        # A statement of its own in a function: it would be left unused, and the removal of
        # unused imports keeps a name that several functions import.
        return None
    return (creation,), imports, None  # a statement of its own: left in place, unused


@dataclass(frozen=True)
class _ServingImport:
    """The import statement binding the thread pool's name, its line, its alias for the name,
    and the scope it binds the name in (the module, or a function importing it for itself)."""

    line: cst.SimpleStatementLine
    statement: cst.ImportFrom
    alias: cst.ImportAlias
    holder: Scope


def _import_serving_only(facts: FileFacts, name: cst.Name) -> _ServingImport | None:
    """The `from concurrent.futures import ThreadPoolExecutor` (`as name`) that binds `name`
    where the creation reads it, a statement of its own line at the top level of the module
    or of a function, when the creation is the only other place the name appears in the
    code where that binding is seen (the source, or the function's code): the swap leaves
    that import unused. Counting in the code, comments and strings included, is
    conservative: a string annotation or an `__all__` entry keeps the import.

    A function's own import matters most: several functions importing the thread pool each
    for itself bind the name several times in the module, which the general removal of
    unused imports leaves alone."""
    binding = facts.scope.lookup(name.value)
    if binding is None or binding.kind != "import" or binding.target != THREAD_EXECUTOR:
        return None
    holder = _binding_scope(facts.scope, name.value, binding)
    if holder is None:
        return None
    if holder.kind == "module":
        code, statements = facts.source_bytes, facts.module.body
    elif holder.kind == "function" and isinstance(holder.node, cst.FunctionDef):
        code = facts.module.code_for_node(holder.node).encode("utf-8", "surrogatepass")
        statements = holder.node.body.body if isinstance(holder.node.body, cst.IndentedBlock) else ()
    else:
        return None
    if len(re.findall(rb"\b" + re.escape(name.value.encode()) + rb"\b", code)) != 2:
        return None
    for line in statements:
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                alias = _alias_binding(small, name.value)
                if alias is not None:
                    return _ServingImport(line, small, alias, holder)  # type: ignore[arg-type]
    return None


def _binding_scope(scope: Scope, name: str, binding: Binding) -> Scope | None:
    """The scope, from `scope` outwards, whose own binding of `name` is `binding`."""
    current: Scope | None = scope
    while current is not None:
        if current.bindings.get(name) is binding:
            return current
        current = current.parent
    return None


def _alias_binding(statement: cst.BaseSmallStatement, local: str) -> cst.ImportAlias | None:
    """The alias of `from concurrent.futures import ...` (not relative) that binds `local`."""
    if not isinstance(statement, cst.ImportFrom) or statement.relative or isinstance(statement.names, cst.ImportStar):
        return None
    if dotted_name(statement.module) != EXECUTOR_MODULE:
        return None
    for alias in statement.names:
        bound = alias.asname.name if alias.asname is not None else alias.name
        if isinstance(bound, cst.Name) and bound.value == local and dotted_name(alias.name) == "ThreadPoolExecutor":
            return alias
    return None


def _without(statement: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom:
    """`statement` without `alias`; a last alias dropped hands its comma (or its lack of
    one) to the alias before it, so that no trailing comma is left outside parentheses."""
    names = list(statement.names)  # type: ignore[arg-type]
    index = next(position for position, each in enumerate(names) if each is alias)
    del names[index]
    if index == len(names):
        names[-1] = names[-1].with_changes(comma=alias.comma)
    # The span replaced ends before a `;` after the import, so the new text must not hold it.
    return statement.with_changes(names=names, semicolon=cst.MaybeSentinel.DEFAULT)
