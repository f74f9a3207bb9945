"""CCL402: a coroutine function given to an API that calls it synchronously and ignores what
it returns (a thread, an executor, a loop callback, a signal handler, an exit hook)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument, thread_dispatch
from conclint.analysis.process_display import callee_text
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.lifecycle import SYNC_CALLBACK_APIS, SYNC_CALLBACK_METHODS, SYNC_CALLBACK_TOKENS, TASK_OR_FUTURE, TASK_STARTS
from conclint.knowledge.threads import CALLABLE_WRAPPERS
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.lifecycle.coroutine_functions import callable_symbol, coroutine_kind
from conclint.syntax.prefilter import CALLBACKS

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.symbols import Symbol
    from conclint.core.settings import Settings


@dataclass(frozen=True)
class _Given:
    """A callable (`argument`) handed to `api` (as the source names the API), judged at the module's
    end: `symbol` is what it calls, `wrapper` how ("", "partial", "lambda"), `thread` whether
    the API runs it on another thread."""

    argument: cst.BaseExpression
    api: str
    symbol: Symbol
    wrapper: str
    thread: bool


_BUILD = """
            import asyncio

            async def build(vertex):
                return vertex

            async def build_vertex(vertex):
                return {use}
"""

# The wrappers of a thread dispatch (conclint.analysis.dispatch) under which the callable's
# coroutine is what the thread gets back: `map` and generator consumers are left alone.
_WRAPPERS = frozenset({"", "partial", "lambda"})
# The last part of every callback API's name: an attribute call named otherwise needs no resolving.
_LAST_NAMES = frozenset(name.rpartition(".")[2] for name in SYNC_CALLBACK_APIS) | frozenset(SYNC_CALLBACK_METHODS)


class AsyncCallableToSyncApi(Rule):
    """
    ## What it does
    Finds a coroutine function given where a plain callable is called and its result
    ignored: `threading.Thread(target=...)`, `threading.Timer`, an executor's `submit` and
    `map`, `asyncio.to_thread`, `loop.run_in_executor`, `anyio.to_thread.run_sync`,
    `loop.call_soon`, `call_soon_threadsafe`, `call_later`, `call_at`, `add_signal_handler`,
    `add_reader`, `add_writer`, a future's `add_done_callback`, `signal.signal` and
    `atexit.register`; also given as `functools.partial(fetch, ...)` or `lambda: fetch(...)`.

    The coroutine function is an `async def` of this module, of another module of the
    project (with the project index), or a library one of conclint's catalog, under the
    same conditions as CCL401 (no decorator conclint does not know to keep it a coroutine
    function, no `yield`).

    Not reported: a dispatch whose awaited result, the coroutine the thread made, is run on
    the loop (`asyncio.create_task(await asyncio.to_thread(build))`, or awaited again):
    needless, but nothing is lost.

    What is not followed, and why: executors and loops conclint cannot trace (one passed in
    without an annotation) are not judged by their names, except `add_done_callback`, which
    only futures and tasks have; a receiver of `add_done_callback` that is an object of the
    project is left alone (its method may await what it is given). A callable held in a
    variable or a parameter is not followed. An `async def` of another module is known only
    with the project index.

    ## Why is this bad?
    These APIs call what they are given and throw its result away (or, for threads and
    executors, hand it back as the result of the work). Called, a coroutine function runs
    none of its body: it returns a coroutine object, which is dropped and never runs. The
    thread ends at once, the callback does nothing, and the only trace is a
    `RuntimeWarning: coroutine ... was never awaited`. `add_signal_handler` raises
    `TypeError` instead.

    ## Example
    ```python
    import threading

    async def refresh():
        ...

    threading.Thread(target=refresh).start()
    ```

    ## Use instead
    ```python
    import asyncio
    import threading

    async def refresh():
        ...

    threading.Thread(target=asyncio.run, args=(refresh(),)).start()
    ```
    From another thread, `asyncio.run_coroutine_threadsafe(refresh(), loop)` runs it on the
    loop `loop`; from a loop callback, start it as a task with `asyncio.create_task(...)`
    and keep a reference to the task; in a coroutine, `await refresh()`.

    ## Fix safety
    There is no automatic fix: whether the coroutine should run on a loop of its own in the
    thread, on the application's loop, or be awaited where it is given depends on the code
    around it.

    ## Options
    No options.

    ## References
    - [Coroutines and tasks: "simply calling a coroutine will not schedule it to be executed"](https://docs.python.org/3/library/asyncio-task.html#coroutines)
    - [asyncio.run_coroutine_threadsafe](https://docs.python.org/3/library/asyncio-task.html#asyncio.run_coroutine_threadsafe)
    - [Event loop: scheduling callbacks](https://docs.python.org/3/library/asyncio-eventloop.html#scheduling-callbacks)
    """

    CODE = "CCL402"
    NAME = "async-callable-to-sync-api"
    MESSAGE = "`{callee}` is {kind}, but `{api}` calls {given} as a plain function {fate}: the coroutine it makes never runs"
    REQUIRED_TOKENS = SYNC_CALLBACK_TOKENS
    REQUIRED_PATTERN = CALLBACKS
    USES_SUMMARIES = True

    VALID = (
        Valid(
            """
            import asyncio
            import threading
            from concurrent.futures import ThreadPoolExecutor

            async def refresh():
                await asyncio.sleep(0)

            def sync_refresh():
                asyncio.run(refresh())

            def start(loop):
                threading.Thread(target=asyncio.run, args=(refresh(),)).start()
                threading.Thread(target=sync_refresh).start()
                with ThreadPoolExecutor() as pool:
                    pool.submit(sync_refresh).result()
                asyncio.run_coroutine_threadsafe(refresh(), loop)

            async def main():
                loop = asyncio.get_running_loop()
                loop.call_soon(asyncio.create_task, refresh())
                await loop.run_in_executor(None, sync_refresh)
                await asyncio.to_thread(sync_refresh)
            """
        ),
        Valid(
            """
            import asyncio
            import functools

            class Watcher:
                async def on_done(self, future):
                    await asyncio.sleep(0)

                def sync_done(self, future):
                    pass

                def watch(self, future):
                    future.add_done_callback(self.sync_done)
                    future.add_done_callback(functools.partial(self.sync_done))

            class Registry:
                def add_done_callback(self, callback):
                    self.callback = callback

            def watch(watcher: Watcher):
                Registry().add_done_callback(watcher.on_done)
            """
        ),
        # langflow's vertex builds: the thread only makes the coroutine, which the loop runs.
        Valid(_BUILD.format(use="asyncio.create_task(await asyncio.to_thread(build, vertex))")),
        Valid(_BUILD.format(use="await (await asyncio.to_thread(build, vertex))")),
    )
    INVALID = (
        # The same coroutine made on a thread and dropped there.
        Invalid(_BUILD.format(use="await asyncio.to_thread(build, vertex)"), line=7),
        Invalid(
            """
            import threading

            async def refresh():
                pass

            threading.Thread(target=refresh).start()
            """,
            line=6,
            column=25,
            message_contains=(
                "`refresh` is an `async def` of this module, but `threading.Thread` calls it",
                "asyncio.run_coroutine_threadsafe",
            ),
        ),
        Invalid(
            """
            import asyncio
            import functools

            class Cache:
                async def expire(self, key):
                    pass

                async def put(self, key):
                    loop = asyncio.get_running_loop()
                    loop.call_later(60, functools.partial(self.expire, key))
                    await loop.run_in_executor(None, self.expire, key)
            """,
            line=10,
            column=29,
            count=2,
            message_contains=("`loop.call_later` calls a `functools.partial` of it", "`Cache.expire`", "asyncio.create_task"),
        ),
        Invalid(
            """
            import asyncio
            import atexit
            import signal

            async def shutdown(*args):
                pass

            signal.signal(signal.SIGTERM, shutdown)
            atexit.register(shutdown)

            async def main(task: asyncio.Task):
                task.add_done_callback(lambda done: shutdown())
            """,
            line=8,
            column=31,
            count=3,
            message_contains=("`signal.signal`",),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._given: list[_Given] = []
        # Thread dispatches whose awaited result is run: awaited again, or made a task
        # (`create_task(await asyncio.to_thread(build))`), by id.
        self._result_run: set[int] = set()

    def visit_Await(self, node: cst.Await) -> None:
        if isinstance(node.expression, cst.Await):
            self._result_run.add(id(node.expression.expression))

    def visit_Call(self, node: cst.Call) -> None:
        if self.facts.unreachable:
            return
        if self._starts_task(node.func):
            awaited = (arg.value.expression for arg in node.args if isinstance(arg.value, cst.Await))
            self._result_run.update(map(id, awaited))
        site = thread_dispatch(self.facts, node)
        if site is not None and id(node) in self._result_run:
            return  # the thread makes the coroutine, and the loop runs it
        if site is not None:
            if site.wrapper in _WRAPPERS:
                argument = call_argument(node, site.api.position, site.api.keyword)
                self._give(callee_text(node.func), argument, thread=True)
            return
        callable_at = self._callback_position(node)
        if callable_at is not None:
            self._give(callee_text(node.func), call_argument(node, *callable_at), thread=False)

    def _starts_task(self, func: cst.BaseExpression) -> bool:
        """A call that runs the coroutine it is given as a task: asyncio's (TASK_STARTS,
        TASK_OR_FUTURE), or `create_task` on anything (a loop, a task group)."""
        if isinstance(func, cst.Attribute) and func.attr.value == "create_task":
            return True
        return self.facts.qualified_name(func) in TASK_STARTS | TASK_OR_FUTURE

    def _callback_position(self, call: cst.Call) -> tuple[int, str | None] | None:
        """Where `call` takes a callback it calls synchronously: a catalogued API by its
        resolved name, or `add_done_callback` on anything but an object of the project."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value not in _LAST_NAMES:
            return None
        symbol = self.facts.resolve(func)
        if symbol is not None and not symbol.local and not symbol.instance and symbol.qualname in SYNC_CALLBACK_APIS:
            return SYNC_CALLBACK_APIS[symbol.qualname]
        if not isinstance(func, cst.Attribute) or func.attr.value not in SYNC_CALLBACK_METHODS:
            return None
        receiver = self.facts.resolve(func.value)
        if receiver is not None and (receiver.local or not is_library_name(receiver.qualname)):
            return None
        return SYNC_CALLBACK_METHODS[func.attr.value]

    def _give(self, api: str, argument: cst.BaseExpression | None, thread: bool) -> None:
        """Keep the function `argument` names, through `functools.partial` and a lambda whose
        body is a call."""
        if argument is None:
            return
        given, wrapper = argument, ""
        if isinstance(argument, cst.Lambda) and isinstance(argument.body, cst.Call):
            argument, wrapper = argument.body.func, "lambda"
        elif isinstance(argument, cst.Call):
            inner = self.facts.resolve(argument.func)
            if inner is None or inner.local or inner.instance or inner.qualname not in CALLABLE_WRAPPERS:
                return
            argument, wrapper = call_argument(argument, 0, "func"), "partial"
        if not isinstance(argument, (cst.Name, cst.Attribute)):
            return
        symbol = callable_symbol(self.facts, argument)
        if symbol is not None:
            self._given.append(_Given(given, api, symbol, wrapper, thread))

    def leave_Module(self, original_node: cst.Module) -> None:
        for given in self._given:
            kind = coroutine_kind(self.facts, given.symbol)
            if kind is not None:
                self._report(given, kind)

    def _report(self, given: _Given, kind: str) -> None:
        through = {"": "it", "partial": "a `functools.partial` of it", "lambda": "a lambda that calls it"}[given.wrapper]
        fate = "on a thread, where nothing awaits what it returns" if given.thread else "and ignores what it returns"
        self.report(
            given.argument,
            message=self.MESSAGE.format(
                callee=given.symbol.qualname, kind=kind, api=given.api, given=through, fate=fate
            ),
            suggestion=_THREAD if given.thread else _CALLBACK,
        )


_THREAD = (
    "To run it on the application's event loop from the thread, call "
    "`asyncio.run_coroutine_threadsafe(coro, loop)`; to run it on a loop of the thread's own, give "
    "a sync function that calls `asyncio.run(...)`; in a coroutine, await it instead."
)
_CALLBACK = (
    "Give a sync function that starts it with `asyncio.create_task(...)` and keeps a reference "
    "to the task (or `asyncio.run(...)` where no loop runs, as at exit)."
)
