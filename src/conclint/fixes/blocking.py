"""Fixes for blocking calls in coroutines (CCL1xx).

- `time.sleep(x)` written as a statement becomes `await <library>.sleep(x)`: the delay is
  the same and the return value (None) was unused, so the fix is safe.
- Any other catalogued call (and `time.sleep` inside an expression) is offloaded to a worker
  thread: `await asyncio.to_thread(f, *args, **kwargs)`, or for trio and anyio, whose
  `run_sync` takes no keyword arguments, `functools.partial(f, ...)` when there are any.
  Unsafe: the call now runs on another thread, which code relying on thread identity
  (thread-locals, locks a thread must own) does not expect.

- A call returning a lazy iterator (LAZY_CALLS, a generator helper) is offloaded with what
  consumes it (`list(...)`, `sorted(...)`, a `for` loop), or not at all.
- A helper call is not offloaded when it constructs an object or its chain has a function
  that must stay on the loop's thread (`HelperChain.movable`).

No fix is offered when the module's async library is unclear, inside comprehensions (an
`await` there turns a generator expression into an async one), or when a name the fix
needs is taken.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Sequence

import libcst as cst

from conclint.analysis.scopes import dotted_name
from conclint.fixes.names import NameTaken, dotted, module_name
from conclint.fixes.plan import FixPlan
from conclint.knowledge.blocking import Category
from conclint.knowledge.offloading import CONSUMERS, LAZY_CALLS, OFFLOAD_FUNCTIONS, bound_to_its_thread

if TYPE_CHECKING:
    from conclint.analysis.facts import BlockingMatch, FileFacts
    from conclint.analysis.helpers import HelperChain
    from conclint.analysis.scopes import Scope
    from conclint.analysis.summary_collector import CoroutineCall

# Packages that only run on asyncio: a module importing one of them, and none of the async
# libraries, is an asyncio module.
ASYNCIO_ONLY_PACKAGES = frozenset(
    {"aiohttp", "aiofiles", "aiosqlite", "asyncpg", "aiomysql", "aiopg", "aioredis", "motor", "uvloop", "aiokafka", "aiobotocore"}
)

# Calls that must stay on the thread that made them: the lock or condition belongs to it.
NOT_OFFLOADABLE = frozenset(
    {
        "threading.RLock.acquire",
        "threading.Condition.acquire",
        "threading.Condition.wait",
        "threading.Condition.wait_for",
    }
)

# The offloading call per library.
OFFLOAD_FUNCTION = dict(OFFLOAD_FUNCTIONS)


def fix_library(facts: FileFacts) -> str | None:
    """The async library fixes write for: anyio when imported (it runs on asyncio and trio
    alike), else asyncio or trio when exactly one is imported, else asyncio when the module
    imports a package that only runs on asyncio; None when unclear.

    Only absolute module-level imports count: they read the same whether or not the
    module's package is known, so a fix never depends on how the file was reached. Found
    once per file: a look at every module-level statement per finding made fix planning
    quadratic in files with many findings."""
    if facts not in _LIBRARIES:
        _LIBRARIES[facts] = _library(_absolute_imports(facts.module.body))
    return _LIBRARIES[facts]


# The fix library of each file being analysed, by its facts (which live as long as the file's tree).
_LIBRARIES: weakref.WeakKeyDictionary[FileFacts, str | None] = weakref.WeakKeyDictionary()


def _library(imported: set[str]) -> str | None:
    """The library of `fix_library` for a module importing the top-level packages `imported`."""
    if "anyio" in imported:
        return "anyio"
    libraries = imported & {"asyncio", "trio"}
    if len(libraries) == 1:
        return libraries.pop()
    if not libraries and imported & ASYNCIO_ONLY_PACKAGES:
        return "asyncio"
    return None


def _absolute_imports(statements: Sequence[cst.BaseStatement]) -> set[str]:
    """The top-level packages the statements import, looking into `if`/`try` blocks."""
    found: set[str] = set()
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    found.update(dotted_name(alias.name).split(".")[0] for alias in small.names)
                elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
                    found.add(dotted_name(small.module).split(".")[0])
        elif isinstance(statement, (cst.If, cst.Try)):
            blocks = [statement.body]
            if isinstance(statement, cst.Try):
                blocks += [handler.body for handler in statement.handlers]
            elif isinstance(statement.orelse, cst.Else):
                blocks.append(statement.orelse.body)
            for block in blocks:
                if isinstance(block, cst.IndentedBlock):
                    found |= _absolute_imports(block.body)
    return found


def blocking_fix(facts: FileFacts, call: cst.CSTNode, match: BlockingMatch, target_version: str) -> FixPlan | None:
    """The fix for a blocking call reported at `call`, or None; `target_version` is the
    oldest Python the code must run on."""
    if not isinstance(call, cst.Call) or facts.scope.kind == "comprehension":
        return None
    library = fix_library(facts)
    if library is None:
        return None
    try:
        if match.entry.category is Category.SLEEP and _is_statement(facts, call):
            return _sleep_fix(facts, call, library)
        qualname = match.entry.qualname
        if match.entry.remedy.offloadable and qualname not in NOT_OFFLOADABLE and not bound_to_its_thread(qualname):
            if library == "asyncio" and _version(target_version) < (3, 9):
                return None  # asyncio.to_thread is new in Python 3.9
            if qualname in LAZY_CALLS:
                return _consumed_offload_fix(facts, call, library, facts.scope, facts.current_statement)
            return _offload_fix(facts, call, library)
    except NameTaken:
        return None
    return None


def helper_call_fix(facts: FileFacts, call: CoroutineCall, chain: HelperChain, target_version: str) -> FixPlan | None:
    """The fix for a call in a coroutine of a helper that blocks: the same offload to a
    worker thread as for a blocking call (unsafe), planned in the scope of the call. None
    when the chain has a function that must stay on the loop's thread or the call
    constructs an object (`chain.movable`); a generator's call is offloaded with its
    consumption, or not at all."""
    node = call.node
    if not isinstance(node, cst.Call) or call.scope.kind == "comprehension" or not chain.movable:
        return None
    library = fix_library(facts)
    if library is None or (library == "asyncio" and _version(target_version) < (3, 9)):
        return None
    try:
        if chain.lazy:
            return _consumed_offload_fix(facts, node, library, call.scope, call.statement)
        return _offload_fix(facts, node, library, call.scope, call.statement)
    except NameTaken:
        return None


def _consumed_offload_fix(
    facts: FileFacts, call: cst.Call, library: str, scope: Scope, statement: cst.CSTNode | None
) -> FixPlan | None:
    """The offload of a call returning a lazy iterator together with what consumes it:
    `list(path.glob("*"))` -> `await asyncio.to_thread(list, path.glob("*"))`, and the
    iterable of a `for` -> `await asyncio.to_thread(list, ...)`; None anywhere else (the
    iterator is kept, returned or passed on, and would be read on the loop anyway)."""
    if statement is None:
        return None
    if isinstance(statement, cst.For) and statement.iter is call and statement.asynchronous is None:
        if scope.lookup("list") is not None:
            raise NameTaken("list")
        consumed = cst.Call(func=cst.Name("list"), args=[cst.Arg(call)])
        return _offload_fix(facts, consumed, library, scope, statement, replaced=call)
    consumer = _consumer(statement, call)
    if consumer is None or facts.qualified_name(consumer.func) not in CONSUMERS:
        return None
    return _offload_fix(facts, consumer, library, scope, statement)


def _consumer(statement: cst.CSTNode, call: cst.Call) -> cst.Call | None:
    """The call in `statement` that takes `call` as its only positional argument."""
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> bool:
            positional = [arg for arg in node.args if arg.keyword is None]
            if len(positional) == 1 and positional[0].value is call and not positional[0].star:
                found.append(node)
            return not found

    statement.visit(Finder())
    return found[0] if found else None


def _is_statement(facts: FileFacts, call: cst.Call) -> bool:
    """The call is a whole expression statement: its value is thrown away."""
    statement = facts.current_statement
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Expr) and small.value is call for small in statement.body
    )


def _sleep_fix(facts: FileFacts, call: cst.Call, library: str) -> FixPlan | None:
    if any(arg.keyword is not None or arg.star for arg in call.args) or len(call.args) != 1:
        return None
    imports = module_name(facts, library)
    new = cst.Await(
        expression=call.with_changes(func=dotted(f"{library}.sleep"), lpar=(), rpar=())
    )
    return FixPlan(
        f"Use `await {library}.sleep(...)`", True, expressions=((call, new),), imports=imports, statement=facts.current_statement
    )


def _offload_fix(
    facts: FileFacts,
    call: cst.Call,
    library: str,
    scope: Scope | None = None,
    statement: cst.CSTNode | None = None,
    replaced: cst.CSTNode | None = None,
) -> FixPlan:
    """`call` run in a worker thread, written in place of `replaced` (the call itself, unless
    it was built around the original node)."""
    imports = module_name(facts, library, scope)
    offload = OFFLOAD_FUNCTION[library]
    args = list(call.args)
    if library != "asyncio" and any(arg.keyword is not None or arg.star == "**" for arg in args):
        imports += module_name(facts, "functools", scope)
        partial = cst.Call(func=dotted("functools.partial"), args=[cst.Arg(call.func), *args])
        arguments = [cst.Arg(partial)]
    else:
        arguments = [cst.Arg(call.func), *args]
    new = cst.Await(
        expression=cst.Call(func=dotted(offload), args=arguments, whitespace_before_args=call.whitespace_before_args)
    )
    callee = facts.module.code_for_node(call.func.with_changes(lpar=(), rpar=()) if hasattr(call.func, "lpar") else call.func)
    return FixPlan(
        f"Run `{callee}` in a worker thread with `{offload}`",
        False,
        expressions=((replaced or call, new),),
        imports=imports,
        statement=statement or facts.current_statement,
    )


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())
