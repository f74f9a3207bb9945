"""CCL405: work whose exceptions nobody can see: an executor's future or map iterator
dropped, or the exceptions asyncio.gather(..., return_exceptions=True) returns thrown away."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.process_display import callee_text
from conclint.analysis.scopes import dotted_name
from conclint.knowledge.lifecycle import CATCH_ALL, COROUTINE_RUNNERS, EXCEPTION_TOKENS, EXECUTOR_RESULTS, GATHER
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.lifecycle.common import dropped_call, local_function

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.core.settings import Settings


# mcp-agent's token watches: a thread runs an async callback to its end with `asyncio.run`;
# the coroutine it runs logs every exception itself, or not.
_RUN_CALLBACK = """
            import asyncio
            import logging
            from concurrent.futures import ThreadPoolExecutor

            class Watches:
                def __init__(self):
                    self.pool = ThreadPoolExecutor()

                async def _run(self, callback):
                    {body}

                def notify(self, callback):
                    self.pool.submit(lambda: asyncio.run(self._run(callback)))
"""
_LOGGED = """try:
                        await callback()
                    except Exception:
                        logging.exception("watch callback")"""


# agentscope's workspace managers close every cached workspace at once; the helper gathered
# logs each failure itself, or not.
_CLOSE_ALL = """
            import asyncio
            import logging

            class WorkspaceManager:
                def __init__(self):
                    self._cache = {{}}

                @staticmethod
                async def _safe_close(workspace):
                    {body}

                async def close_all(self):
                    entries = list(self._cache.values())
                    self._cache.clear()
                    await asyncio.gather(*(self._safe_close(ws) for ws in entries), return_exceptions=True)
"""
_CLOSE_LOGGED = """try:
                        await workspace.close()
                    except Exception:
                        logging.exception("closing %s", workspace)"""


_BROADCAST = """
            import concurrent.futures

            def broadcast(connections, message):
                errors = []

                def send(connection):
                    with connection.lock:
                        if not connection.open:
                            return
                        try:
                            connection.send(message)
                        {handler}
                            errors.append(error)

                with concurrent.futures.ThreadPoolExecutor() as executor:
                    executor.map(send, connections)
                if errors:
                    raise ExceptionGroup("broadcast", errors)
"""



# flytekit's output conversion: one task per output, kept by name.
_CONVERT_ALL = """
            import asyncio

            async def convert_all(outputs, convert):
                converting = {{name: asyncio.create_task(convert(value)) for name, value in outputs.items()}}
                await asyncio.gather({gathered}, return_exceptions=True)
                for name, task in converting.items():
                    if task.exception() is not None:
                        raise task.exception()
                return {{name: task.result() for name, task in converting.items()}}
"""


class ExceptionNeverRetrieved(Rule):
    """
    ## What it does
    Finds work started so that its exception can never be seen:

    - `executor.submit(fn, ...)` as a statement of its own: the future, which is where an
      exception of `fn` goes, is dropped;
    - `executor.map(fn, items)` as a statement of its own: the calls run, but the iterator
      that would raise their exceptions is never consumed;
    - `await asyncio.gather(..., return_exceptions=True)` as a statement of its own, when it
      starts the work it gathers (a call among its arguments, `gather(a(), b())` or
      `gather(*(fetch(u) for u in urls))`, `gather(*map(fetch, urls))`): the exceptions come
      back as results, and the statement throws them away.

    `executor` is a `concurrent.futures.ThreadPoolExecutor` or `ProcessPoolExecutor` made in
    the file (`with ThreadPoolExecutor() as executor:`, `self.executor = ...` in `__init__`)
    or a parameter annotated as one; a receiver is never judged by its name alone.

    Not reported: `submit` or `map` of a function of the module that deals with its own
    errors (a `try` among its statements, or in a `with` block it opens, has a handler for
    `Exception`, `BaseException` or everything), or that only calls such a function (`lambda: work(x)`,
    `functools.partial(work, x)`, a `def` whose body is `self.work(x)`), and a gather whose
    every awaitable is a call of such a coroutine function of the module (agentscope's
    `gather(*(self._safe_close(ws) for ws in entries), return_exceptions=True)`, where
    `_safe_close` logs what `ws.close()` raises); a future kept, passed on, or given a done
    callback (`executor.submit(fn).add_done_callback(log_failure)`, which receives the
    future); a gather of tasks or futures that exist already (`gather(*tasks,
    return_exceptions=True)`, `*tasks.values()`: the usual way to wait for cancelled tasks to
    end); a gather in an `except` handler or a `finally` block,
    which cleans up after an error that is being handled; executors conclint cannot trace
    (one passed in without an annotation, a subclass of another module).

    ## Why is this bad?
    An exception raised by work given to an executor is stored in its future; only
    `result()`, `exception()` or the iterator `map()` returns raises it again. With the
    future or the iterator dropped, the work fails in silence: nothing is logged, nothing is
    raised, and the program goes on as if it had succeeded. `return_exceptions=True` does
    the same for `gather` when its results are not read: every failure becomes a value
    that is thrown away.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload_all(paths):
        with ThreadPoolExecutor() as executor:
            executor.map(upload, paths)
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload_all(paths):
        with ThreadPoolExecutor() as executor:
            for _ in executor.map(upload, paths):
                pass  # raises the first upload's exception
    ```
    For `submit`, keep the futures and call `result()` on each (or use
    `concurrent.futures.as_completed`), or add a done callback that logs
    `future.exception()`. For `gather`, read the results and handle the exceptions among
    them, or leave out `return_exceptions=True` so that the first failure propagates.

    ## Fix safety
    There is no automatic fix: consuming the iterator or calling `result()` waits for the
    work and raises its first exception at that statement, which changes when and how the
    caller fails, and logging instead is a choice of policy.

    ## Options
    No options.

    ## References
    - [concurrent.futures.Executor.submit and map](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.map)
    - [concurrent.futures.Future.result](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future.result)
    - [asyncio.gather](https://docs.python.org/3/library/asyncio-task.html#asyncio.gather)
    """

    CODE = "CCL405"
    NAME = "exception-never-retrieved"
    MESSAGE = "{message}"
    REQUIRED_TOKENS = EXCEPTION_TOKENS

    VALID = (
        Valid(_RUN_CALLBACK.format(body=_LOGGED)),
        # agentscope's `close_all`: every coroutine gathered logs its own failure.
        Valid(_CLOSE_ALL.format(body=_CLOSE_LOGGED)),
        Valid(
            """
            from concurrent.futures import ThreadPoolExecutor, as_completed

            def upload_all(paths, upload):
                with ThreadPoolExecutor() as executor:
                    for _ in executor.map(upload, paths):
                        pass
                    futures = [executor.submit(upload, path) for path in paths]
                    for future in as_completed(futures):
                        future.result()
                    executor.submit(upload, paths[0]).add_done_callback(print)
            """
        ),
        Valid(
            """
            import logging
            from concurrent.futures import ProcessPoolExecutor

            def report(path):
                try:
                    return open(path).read()
                except Exception:
                    logging.exception("report %s", path)

            class Reports:
                def __init__(self):
                    self.pool = ProcessPoolExecutor()

                def start(self, paths):
                    self.pool.map(report, paths)
                    self.pool.submit(report, paths[0])
            """
        ),
        Valid(
            """
            import asyncio

            async def stop(tasks, fetch, urls):
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                results = await asyncio.gather(*(fetch(url) for url in urls), return_exceptions=True)
                return [result for result in results if not isinstance(result, BaseException)]
            """
        ),
        # flytekit converts each output in a task it keeps, then reads each task's exception.
        Valid(_CONVERT_ALL.format(gathered="*converting.values()")),
        Valid(
            """
            import asyncio

            async def connect(transport, open_channel):
                try:
                    await open_channel()
                except Exception:
                    await asyncio.gather(transport.close(), return_exceptions=True)
                    raise
                finally:
                    await asyncio.gather(transport.flush(), return_exceptions=True)
            """
        ),
        Valid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def start(executor, job):
                executor.submit(job)
                executor.map(job, [1, 2])

            def run(job):
                with ThreadPoolExecutor() as executor:
                    start(executor, job)
            """
        ),
        # websockets' broadcast: each send catches its errors under the connection's lock and
        # collects them, raised together once the executor is done.
        Valid(_BROADCAST.format(handler="except Exception as error:")),
    )
    INVALID = (
        # The same broadcast catching only OSError: any other error stays in the results.
        Invalid(_BROADCAST.format(handler="except OSError as error:"), line=16),
        # The same thread running a callback that may raise.
        Invalid(_RUN_CALLBACK.format(body="await callback()"), line=13),
        # The same conversions started by the gather itself: their exceptions are thrown away.
        Invalid(_CONVERT_ALL.format(gathered="*map(convert, outputs.values())"), line=5),
        # The same helper letting the failure out: the gather's results hold it, and are dropped.
        Invalid(_CLOSE_ALL.format(body="await workspace.close()"), line=15, message_contains=("throws them away",)),
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def upload_all(paths, upload):
                with ThreadPoolExecutor() as executor:
                    executor.map(upload, paths)
            """,
            line=5,
            column=9,
            message_contains=("the iterator `executor.map()` returns is never consumed", "never seen", "for _ in executor.map"),
        ),
        Invalid(
            """
            import concurrent.futures

            class Indexer:
                def __init__(self):
                    self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=2)

                def schedule(self, document):
                    self.executor.submit(self.index, document)

                def index(self, document):
                    return len(document)
            """,
            line=8,
            message_contains=("the future `self.executor.submit()` returns is dropped", "`result()`"),
        ),
        Invalid(
            """
            import asyncio

            async def notify_all(clients, message):
                await asyncio.gather(*(client.send(message) for client in clients), return_exceptions=True)
            """,
            line=4,
            column=11,
            message_contains=("return_exceptions=True", "throws them away"),
        ),
        Invalid(
            """
            from concurrent.futures import ProcessPoolExecutor

            def work(item):
                try:
                    return item * 2
                except ValueError:
                    return None

            def main(items, pool: ProcessPoolExecutor):
                pool.submit(work, items[0])
                pool.submit(lambda: work(items[1]))
            """,
            line=10,
            count=2,
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._cleanup_depth = 0  # open `except` handlers and `finally` blocks

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._cleanup_depth += 1

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._cleanup_depth -= 1

    visit_ExceptStarHandler = visit_Finally = visit_ExceptHandler
    leave_ExceptStarHandler = leave_Finally = leave_ExceptHandler

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, cst.Await) and isinstance(value.expression, cst.Call):
            self._gather(value.expression)
            return
        call = dropped_call(node)
        if call is None:
            return
        symbol = self.facts.resolve(call.func)
        if symbol is None or symbol.local or symbol.instance or symbol.qualname not in EXECUTOR_RESULTS:
            return
        if self._handles_its_errors(call_argument(call, 0, "fn")):
            return
        text = f"{callee_text(call.func)}()"
        if EXECUTOR_RESULTS[symbol.qualname] == "future":
            message = (
                f"the future `{text}` returns is dropped: an exception of the submitted call is stored "
                "in it and never seen"
            )
            suggestion = (
                "Keep the future and call its `result()` (or wait with `concurrent.futures.as_completed`), "
                "or add a done callback that logs `future.exception()`."
            )
        else:
            message = (
                f"the iterator `{text}` returns is never consumed: the calls run, but an exception they "
                "raise is never seen"
            )
            suggestion = f"Consume it (`for _ in {text[:-2]}(...): pass`), or submit each call and check its `result()`."
        self.report(call, message=message, suggestion=suggestion)

    def _gather(self, call: cst.Call) -> None:
        """`await gather(<work it starts>, return_exceptions=True)` as a statement, outside
        the cleanup of another error."""
        if self._cleanup_depth or not _true(call_argument(call, None, "return_exceptions")):
            return
        if self.facts.qualified_name(call.func) != GATHER or not any(_starts_work(arg) for arg in call.args):
            return
        started = _work_started(call)
        if started is not None and all(self._handles_its_errors(work.func) for work in started):
            return  # each coroutine gathered catches and handles its own errors: none come back
        self.report(
            call,
            message=(
                f"`{callee_text(call.func)}(..., return_exceptions=True)` returns the exceptions of the "
                "awaitables that failed, and this statement throws them away"
            ),
            suggestion=(
                "Keep the results and log or raise the exceptions among them, or leave out "
                "`return_exceptions=True` so that the first failure propagates."
            ),
        )

    def _handles_its_errors(self, callable_: cst.BaseExpression | None, depth: int = 0) -> bool:
        """The submitted callable deals with its own errors, so the future holds none: a
        function of the module with a `try` catching everything among its statements, or one
        that only calls such a function (`lambda: work(x)`, `functools.partial(work, x)`, a
        `def` whose body is `self.work(x)`), followed through three such calls."""
        if callable_ is None or depth > 3:
            return False
        if isinstance(callable_, cst.Lambda):
            body = callable_.body
            return isinstance(body, cst.Call) and self._handles_its_errors(self._work_of(body).func, depth + 1)
        if isinstance(callable_, cst.Call) and self.facts.qualified_name(callable_.func) == "functools.partial":
            return self._handles_its_errors(call_argument(callable_, 0, "func"), depth + 1)
        symbol = self.facts.resolve(callable_)
        if symbol is None or not symbol.local:
            return False
        function = local_function(self.facts, symbol)
        if function is None:
            return False
        if _catches_everything(function):
            return True
        delegate = _only_call(function)
        return delegate is not None and self._handles_its_errors(self._work_of(delegate).func, depth + 1)

    def _work_of(self, call: cst.Call) -> cst.Call:
        """The call whose errors `call` raises: the coroutine's for `asyncio.run(work(x))`
        (mcp-agent's `lambda: asyncio.run(self._execute_async_callback_safely(...))`), else
        itself."""
        if self.facts.qualified_name(call.func) in COROUTINE_RUNNERS:
            inner = call_argument(call, 0, "main")
            if isinstance(inner, cst.Call):
                return inner
        return call


def _statements(function: cst.FunctionDef) -> list[cst.BaseStatement]:
    """The statements of a function's body, its docstring aside."""
    body = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    return body[1:] if body and _is_docstring(body[0]) else body


def _catches_everything(function: cst.FunctionDef) -> bool:
    """One of the body's statements, or of the `with` blocks it opens (websockets'
    `broadcast` sends under `with connection.protocol_mutex:`), is a `try` with a handler for
    `Exception`, `BaseException`, or anything (a bare `except:`): the function's work is
    guarded."""
    pending = _statements(function)
    while pending:
        statement = pending.pop()
        if isinstance(statement, cst.Try) and any(_catches_all(handler) for handler in statement.handlers):
            return True
        if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
            pending.extend(statement.body.body)
    return False


def _catches_all(handler: cst.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    names = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    return any(dotted_name(name).rpartition(".")[2] in CATCH_ALL for name in names)


def _only_call(function: cst.FunctionDef) -> cst.Call | None:
    """The call a function's body consists of (`f(x)` or `return f(x)`), or None."""
    body = _statements(function)
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
        return None
    small = body[0].body[0]
    value = small.value if isinstance(small, (cst.Expr, cst.Return)) else None
    return value if isinstance(value, cst.Call) else None


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _starts_work(arg: cst.Arg) -> bool:
    """A gather argument that makes new work: a call (`fetch(url)`), or unpacked, a
    comprehension or display of calls (`*(fetch(url) for url in urls)`) or a `map` of a
    coroutine function (`*map(fetch, urls)`). A container's own awaitables unpacked
    (`*tasks.values()`, `*list(pending)`) exist already: flytekit keeps its tasks in a dict
    and reads each one's `exception()` after the gather."""
    value = arg.value
    if isinstance(value, cst.Call):
        return not arg.star or dotted_name(value.func).rpartition(".")[2] in _MAPPING_CALLS
    return any(isinstance(awaitable, cst.Call) for awaitable in _awaitables(arg) or ())


# Calls that make one awaitable per item when their function is a coroutine function.
_MAPPING_CALLS = frozenset({"map", "starmap"})


def _work_started(call: cst.Call) -> list[cst.Call] | None:
    """The call that makes each awaitable a `gather(...)` waits for (`fetch(url)`, the element
    of `*(self._safe_close(ws) for ws in entries)`), or None when one of them is not made
    there (a task or a coroutine made earlier: its errors are not told)."""
    started: list[cst.Call] = []
    for arg in call.args:
        if arg.keyword is not None:
            continue
        awaitables = _awaitables(arg)
        if awaitables is None or not all(isinstance(awaitable, cst.Call) for awaitable in awaitables):
            return None
        started.extend(awaitables)  # type: ignore[arg-type]
    return started


def _awaitables(arg: cst.Arg) -> list[cst.BaseExpression] | None:
    """What one argument of a gather gives it to wait for: the value itself, or, unpacked, a
    comprehension's element or a display's elements; None for any other unpacking."""
    value = arg.value
    if not arg.star:
        return [value]
    if arg.star == "*" and isinstance(value, (cst.GeneratorExp, cst.ListComp, cst.SetComp)):
        return [value.elt]
    if arg.star == "*" and isinstance(value, (cst.List, cst.Tuple)):
        return [element.value for element in value.elements]
    return None


def _true(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Name) and value.value == "True"
