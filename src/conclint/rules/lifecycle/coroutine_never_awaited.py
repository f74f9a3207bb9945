"""CCL401: a coroutine function called and its coroutine never awaited: dropped, tested for
truth, or kept in a name nothing reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.project_index import TextNames
from conclint.analysis.process_display import callee_text
from conclint.fixes.plan import FixPlan
from conclint.knowledge.lifecycle import COROUTINE_FUNCTION_TESTS
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.lifecycle.coroutine_functions import callable_symbol, coroutine_kind, may_be_coroutine_elsewhere
from conclint.rules.lifecycle.common import BranchFacts, UnreadBindings
from conclint.syntax.prefilter import COROUTINE

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.symbols import Symbol
    from conclint.core.settings import Settings


_GENERATED_FLAVOURS = """
            class AsyncConnection:
                def _set_autocommit(self, value):
                    if {flavour}:  # ASYNC
                        raise AttributeError("use 'await conn.set_autocommit(value)'")
                    else:
                        self.set_autocommit(value)

                async def set_autocommit(self, value):
                    self.autocommit = value
"""

# pymongo keeps the flavour in a module flag, `_IS_SYNC = False` in its async modules.
_FLAVOUR_FLAG = """
            import os

            _IS_SYNC = {flag}

            class AsyncCollection:
                def __init__(self, database, name, create=False):
                    self.database = database
                    if create:
                        if _IS_SYNC:
                            self._create(name)
                        else:
                            raise ValueError("AsyncCollection does not support create=True")

                async def _create(self, name):
                    await self.database.command("create", name)
"""


# neo4j generates its sync module from the async one; in the async flavour the call runs only
# where the method is no coroutine function, which it is not there.
_FLAVOUR_TEST = """
            import inspect

            class AsyncBolt:
                def __del__(self):
                    if {test}:
                        self.close()

                async def close(self):
                    pass
"""


@dataclass(frozen=True)
class _Site:
    """A call whose result is not awaited, judged once the module's summaries are complete:
    `how` it is lost ("dropped", "tested" or the name it is kept in), whether it is in a
    coroutine (where the fix awaits it), and the statement holding it."""

    call: cst.Call
    symbol: Symbol
    how: str
    in_coroutine: bool
    statement: cst.CSTNode | None


_DROPPED, _TESTED = "dropped", "tested"


class CoroutineNeverAwaited(UnreadBindings["_Site"], BranchFacts["str | None"], Rule):
    """
    ## What it does
    Finds a call of a coroutine function whose coroutine is never awaited: the call is a
    statement of its own, the test of an `if`, `elif` or `while` (alone, under `not`, or in
    `and`/`or`), or it is assigned to a local name the function never reads.

    A coroutine function is an `async def` of this module (`fetch()`, `self.fetch()`,
    `cls.fetch()`, a typed receiver's method), of another module of the project (through the
    project index: `from .client import fetch`, `client.fetch()`), or a library coroutine
    function of conclint's catalog (`asyncio.sleep`, `asyncio.wait_for`,
    `asyncio.open_connection`, a traced loop's `sock_sendall` ...).

    Not reported, because the coroutine may still run: a call awaited, returned, yielded,
    stored in an attribute or a container, or passed to any call (`asyncio.run(main())`,
    `asyncio.create_task(...)`, `asyncio.ensure_future(...)`, `tg.create_task(...)`,
    `asyncio.gather(...)`, `loop.run_until_complete(...)`, `register(coro)`); a name read
    anywhere in its function, whatever the reading code does with it; a module-level name
    (another module may import it).

    Not reported either: a call on the branch of a test that says its callee is no coroutine
    function (`if not inspect.iscoroutinefunction(self.close): self.close()`, as code
    generated for a sync and an async flavour writes it).

    What is not followed, and why: an `async def` under a decorator conclint does not know to
    keep it a coroutine function (only `staticmethod`, `classmethod`, `abstractmethod`,
    `final` and `override` are): `pytest.fixture`, `asynccontextmanager`, a wrapper that runs
    the coroutine itself may each make the call return something else. An `async def` that
    holds `yield` makes an async generator, not a coroutine. A class with `__await__` is not
    judged: its instances are often kept and awaited later by design. Receivers conclint
    cannot type (a parameter without annotation) are not followed. An `async def` of another
    module is known only with the project index: linted alone (`--per-file`, the flake8
    plugin), a module reports only the coroutine functions it defines and the library ones.
    Modules without an `async def` are not read.

    ## Why is this bad?
    Calling an `async def` runs none of its body: it makes a coroutine object, which runs
    only when awaited or wrapped in a task. A coroutine that is dropped never runs; Python
    says so only in a `RuntimeWarning: coroutine ... was never awaited` when it is
    garbage-collected, if warnings are shown. Tested for truth, a coroutine object is always
    true, so `if is_ready():` takes its branch whatever `is_ready` would have answered.

    ## Example
    ```python
    import asyncio

    async def save(record):
        await asyncio.sleep(0)

    async def handle(record):
        save(record)
    ```

    ## Use instead
    ```python
    import asyncio

    async def save(record):
        await asyncio.sleep(0)

    async def handle(record):
        await save(record)
    ```
    In sync code, run the coroutine with `asyncio.run(...)` (no loop running), or hand it to
    the loop's thread with `asyncio.run_coroutine_threadsafe(coro, loop)` from another thread.

    ## Fix safety
    Inside a coroutine, a dropped or tested call is fixed by awaiting it (`await save(record)`,
    `if await is_ready():`). The fix is unsafe: it makes the caller wait for the coroutine
    where the author may have meant it to run in the background (then
    `asyncio.create_task(...)`, with the task kept, is the fix), and its exceptions now reach
    the caller. A call kept in an unread name, and calls in sync code, have no fix: only the
    author knows which loop should run them.

    ## Options
    No options.

    ## References
    - [Coroutines and tasks: "simply calling a coroutine will not schedule it to be executed"](https://docs.python.org/3/library/asyncio-task.html#coroutines)
    - [Developing with asyncio: detect never-awaited coroutines](https://docs.python.org/3/library/asyncio-dev.html#detect-never-awaited-coroutines)
    """

    CODE = "CCL401"
    NAME = "coroutine-never-awaited"
    MESSAGE = "{what}: `{callee}` is {kind}, so the call only makes a coroutine, which never runs"
    REQUIRED_TOKENS = (b"async",)
    REQUIRED_PATTERN = COROUTINE
    USES_SUMMARIES = True

    VALID = (
        # psycopg generates its sync module from the async one: the sync flavour's call sits
        # in the branch `if True:` never takes.
        Valid(_GENERATED_FLAVOURS.format(flavour="True")),
        Valid(_FLAVOUR_FLAG.format(flag="False")),
        Valid(_FLAVOUR_TEST.format(test="not inspect.iscoroutinefunction(self.close)")),
        Valid(
            """
            import asyncio

            async def save(record):
                await asyncio.sleep(0)

            async def handle(records, tg):
                await save(records[0])
                task = asyncio.create_task(save(records[1]))
                asyncio.ensure_future(save(records[2]))
                tg.create_task(save(records[3]))
                await asyncio.gather(save(records[4]), save(records[5]))
                await asyncio.wait_for(save(records[6]), timeout=1)
                return task

            def main(records):
                asyncio.run(handle(records, None))
                loop = asyncio.new_event_loop()
                loop.run_until_complete(save(records[0]))
            """
        ),
        Valid(
            """
            async def fetch(url):
                return url

            class Crawler:
                def __init__(self):
                    self.pending = []

                def later(self, url):
                    return fetch(url)

                def each(self, urls):
                    for url in urls:
                        yield fetch(url)

                def keep(self, url):
                    self.current = fetch(url)
                    self.pending.append(fetch(url))
                    coroutine = fetch(url)
                    schedule(coroutine)

            def schedule(coroutine):
                coroutine.close()
            """
        ),
        Valid(
            """
            import contextlib

            import pytest

            @pytest.fixture
            async def client():
                yield object()

            @contextlib.asynccontextmanager
            async def connection():
                yield object()

            async def ticks():
                yield 1

            def setup():
                client()
                connection()
                ticks()
            """
        ),
        Valid(
            """
            import asyncio

            async def is_ready():
                return True

            async def wait_ready():
                if await is_ready():
                    return
                while not await is_ready():
                    await asyncio.sleep(0.1)
            """
        ),
    )
    INVALID = (
        Invalid(_GENERATED_FLAVOURS.format(flavour="False"), line=6, message_contains=("`self.set_autocommit()` is never awaited",)),
        # A flag read from the environment may be set: the sync flavour's call may run.
        Invalid(_FLAVOUR_FLAG.format(flag='os.environ.get("SYNC") == "1"'), line=10, message_contains=("`self._create()` is never awaited",)),
        # The test asks of another callable: `self.close` may still be a coroutine function.
        Invalid(_FLAVOUR_TEST.format(test="not inspect.iscoroutinefunction(self.flush)"), line=6, message_contains=("`self.close()` is never awaited",)),
        Invalid(
            """
            import asyncio

            async def save(record):
                await asyncio.sleep(0)

            async def handle(record):
                save(record)
            """,
            line=7,
            column=5,
            message_contains=("`save()` is never awaited", "`save` is an `async def` of this module", "never runs"),
            fixed="""
            import asyncio

            async def save(record):
                await asyncio.sleep(0)

            async def handle(record):
                await save(record)
            """,
        ),
        Invalid(
            """
            import asyncio

            class Door:
                async def is_open(self):
                    return True

                async def enter(self):
                    if not self.is_open():
                        asyncio.sleep(1)
            """,
            line=8,
            column=16,
            count=2,
            message_contains=("`self.is_open()` is tested for truth without `await`", "`Door.is_open`"),
            fixed="""
            import asyncio

            class Door:
                async def is_open(self):
                    return True

                async def enter(self):
                    if not await self.is_open():
                        await asyncio.sleep(1)
            """,
        ),
        Invalid(
            """
            import asyncio

            class Client:
                async def close(self):
                    pass

            def shutdown(client: Client):
                client.close()
                pending = asyncio.sleep(1)
            """,
            line=8,
            column=5,
            count=2,
            message_contains=("`client.close()` is never awaited", "asyncio.run"),
        ),
        Invalid(
            """
            import asyncio

            async def poll():
                waiter = asyncio.sleep(5)
                return None
            """,
            line=4,
            column=14,
            message_contains=("is kept only in `waiter`, which is never read", "a library coroutine function"),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._sites: list[_Site] = []
        self._async_names: frozenset[bytes] | None = None  # of this module's text
    def branch_fact(self, test: cst.BaseExpression, taken: bool) -> str | None:
        """The callee, as written, that `test` says is no coroutine function where it is
        `taken` (`if not inspect.iscoroutinefunction(self.close):`), else None."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self.branch_fact(test.expression, not taken)
        if taken or not isinstance(test, cst.Call) or len(test.args) != 1:
            return None
        symbol = self.facts.resolve(test.func)
        if symbol is None or symbol.qualname not in COROUTINE_FUNCTION_TESTS:
            return None
        return callee_text(test.args[0].value)

    # ----- where a call's coroutine goes ---------------------------------------------------

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            self._candidate(node.value, _DROPPED)

    def visit_If(self, node: cst.If) -> None:
        for call in _tested_calls(node.test):
            self._candidate(call, _TESTED)

    def visit_While(self, node: cst.While) -> None:
        for call in _tested_calls(node.test):
            self._candidate(call, _TESTED)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._bound(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bound(node.target, node.value)

    def _bound(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """A call bound to a local name: judged when its function ends, by whether anything
        there reads the name; `_` drops it at once."""
        if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return
        name = target.value
        if name == "_":
            self._candidate(value, _DROPPED)
            return
        if self.facts.frame.kind != "function" or not self.in_function_body() or self.facts.unreachable:
            return
        scope = self.facts.scope
        if name in scope.declared_global or name in scope.declared_nonlocal:
            return
        site = self._site(value, name)
        if site is not None:
            self.bind(target, site)

    def _candidate(self, call: cst.Call, how: str) -> None:
        if not self.facts.unreachable:
            site = self._site(call, how)
            if site is not None:
                self._sites.append(site)

    def _site(self, call: cst.Call, how: str) -> _Site | None:
        """The call, when its callee resolves to a function (not an object, not a class of
        this module): whether it is a coroutine function is known at the module's end."""
        symbol = callable_symbol(self.facts, call.func)
        if symbol is None or not self._may_be_coroutine(symbol):
            return None
        if self.branch_facts and callee_text(call.func) in self.branch_facts:
            return None
        return _Site(call, symbol, how, self.facts.in_coroutine, self.facts.current_statement)

    def _may_be_coroutine(self, symbol: Symbol) -> bool:
        """Told before the summaries are complete, from the text: an `async def` of this
        module with that name, or a coroutine function elsewhere by `coroutine_kind`'s first
        tests. Most calls fail it, and are then neither kept nor bound."""
        if not symbol.local:
            return may_be_coroutine_elsewhere(self.facts, symbol.qualname)
        if self._async_names is None:
            self._async_names = TextNames.of(self.facts.source_bytes).async_defined
        return symbol.qualname.rpartition(".")[2].encode() in self._async_names

    def unread(self, bindings: list[tuple[str, _Site]]) -> None:
        self._sites.extend(site for _, site in bindings)

    # ----- judging, once the summaries are complete ----------------------------------------

    def leave_Module(self, original_node: cst.Module) -> None:
        for site in self._sites:
            kind = coroutine_kind(self.facts, site.symbol)
            if kind is not None:
                self._report(site, kind)

    def _report(self, site: _Site, kind: str) -> None:
        call = site.call
        shown = f"`{callee_text(call.func)}()`"
        if site.how == _DROPPED:
            what = f"{shown} is never awaited"
        elif site.how == _TESTED:
            what = f"{shown} is tested for truth without `await` (a coroutine is always true)"
        else:
            what = f"the coroutine {shown} returns is kept only in `{site.how}`, which is never read"
        fixable = site.in_coroutine and site.how in (_DROPPED, _TESTED)
        self.report(
            call,
            message=self.MESSAGE.format(what=what, callee=site.symbol.qualname, kind=kind),
            statement=site.statement,
            suggestion=_AWAIT if site.in_coroutine else _SYNC,
            fix=_await_fix(call, site.statement) if fixable else None,
        )


_AWAIT = "Await it, or start it with `asyncio.create_task(...)` and keep a reference to the task."
_SYNC = (
    "Run it with `asyncio.run(...)` where no loop is running, or submit it to the loop's thread "
    "with `asyncio.run_coroutine_threadsafe(coro, loop)`; or make this function a coroutine and await it."
)


def _await_fix(call: cst.Call, statement: cst.CSTNode | None) -> FixPlan:
    """`save(record)` -> `await save(record)`; parentheses around the call stay in the source."""
    awaited = cst.Await(expression=call.with_changes(lpar=(), rpar=()))
    return FixPlan("Await the coroutine", safe=False, expressions=((call, awaited),), statement=statement)


def _tested_calls(test: cst.BaseExpression) -> list[cst.Call]:
    """The calls whose result a condition tests for truth: the condition itself, under
    `not`, or an operand of `and`/`or`."""
    if isinstance(test, cst.Call):
        return [test]
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _tested_calls(test.expression)
    if isinstance(test, cst.BooleanOperation):
        return _tested_calls(test.left) + _tested_calls(test.right)
    return []
