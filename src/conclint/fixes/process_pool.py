"""The fix for CPU-bound work sent to a thread pool (CCL201): use a process pool instead.

Only where the swap is mechanical: a `ThreadPoolExecutor` created in the same scope
(`with ThreadPoolExecutor() as pool:` or `pool = ThreadPoolExecutor()`) with no
thread-only argument, used for nothing but `submit`, `map` and `shutdown` of functions that
pickle (module-level or imported, never lambdas), becomes a `ProcessPoolExecutor`, which
has the same API.

Unsafe: arguments and results are now pickled, the function no longer shares memory with
the caller (changes it makes to globals are lost), and the module needs the `__main__`
guard under spawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import libcst as cst

from conclint.analysis.processes import origin_call
from conclint.fixes.names import NameTaken, imported_name
from conclint.fixes.plan import FixPlan

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts

THREAD_EXECUTOR = "concurrent.futures.ThreadPoolExecutor"
PROCESS_EXECUTOR = "ProcessPoolExecutor"
# ThreadPoolExecutor arguments ProcessPoolExecutor accepts too (`thread_name_prefix` it does not).
SHARED_ARGUMENTS = ("max_workers", "initializer", "initargs")
POOL_METHODS = frozenset({"submit", "map", "shutdown"})
DESCRIPTION = "Use a `ProcessPoolExecutor` (same API): the work then runs in parallel"


def process_pool_fix(facts: FileFacts, dispatch: cst.Call) -> FixPlan | None:
    """The plan swapping the thread pool `dispatch` (`pool.submit(f, ...)`) submits to for
    a process pool; None when the swap is not mechanical. Called while `dispatch` is visited."""
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
    if scope.node is None or not _used_for_pickled_work(facts, scope.node, pool):
        return None
    if isinstance(creation.func, cst.Attribute):
        new: cst.BaseExpression = creation.func.with_changes(attr=cst.Name(PROCESS_EXECUTOR))
        imports: tuple[str, ...] = ()
    else:
        try:
            imports = imported_name(facts, "concurrent.futures", PROCESS_EXECUTOR)
        except NameTaken:
            return None
        new = cst.Name(PROCESS_EXECUTOR)
    return FixPlan(DESCRIPTION, False, expressions=((creation.func, new),), imports=imports, statement=None)


def _shared_arguments_only(creation: cst.Call) -> bool:
    for position, arg in enumerate(creation.args):
        if arg.star:
            return False
        name = arg.keyword.value if arg.keyword is not None else SHARED_ARGUMENTS[position] if position < 3 else None
        if name not in SHARED_ARGUMENTS:
            return False
    return True


def _used_for_pickled_work(facts: FileFacts, scope_node: cst.CSTNode, pool: str) -> bool:
    """Every use of `pool` in the scope is its binding or `pool.submit/map/shutdown(...)`,
    and what `submit`/`map` send is a function by name that pickles."""
    for name, parents in _names(scope_node, pool):
        parent = parents[-1] if parents else None
        if isinstance(parent, (cst.AsName, cst.AssignTarget)):
            continue
        grand = parents[-2] if len(parents) > 1 else None
        if not (isinstance(parent, cst.Attribute) and parent.value is name and parent.attr.value in POOL_METHODS):
            return False
        if not isinstance(grand, cst.Call) or grand.func is not parent:
            return False
        if parent.attr.value != "shutdown" and not _pickles(facts, grand):
            return False
    return True


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
