"""The lifecycle rules' catalog (CCL4xx): calls that start a task or a piece of work whose
result (the task, the future, the iterator) must be kept for it to survive or for its
exception to be seen, and the tokens that let a file without them skip those rules.

Names are resolved names (`conclint.analysis.symbols`): `loop.create_task` is
`asyncio.AbstractEventLoop.create_task` when `loop` comes from `asyncio.get_running_loop()`,
`get_event_loop()` or `new_event_loop()` (or is annotated as a loop), and an executor's
`submit` is `concurrent.futures.ThreadPoolExecutor.submit` when the executor is made by that
class in the file (`with ThreadPoolExecutor() as pool`, `self.pool = ...` in `__init__`).
"""

from __future__ import annotations

from typing import Mapping

# CCL403: calls that wrap a coroutine in a task the event loop holds only weakly.
TASK_STARTS = frozenset({"asyncio.create_task", "asyncio.AbstractEventLoop.create_task"})
# ensure_future makes a task only when given a coroutine: given a future it returns that same
# future, already referenced by whoever made it.
TASK_OR_FUTURE = frozenset({"asyncio.ensure_future"})
# Calls returning a future (not a coroutine): `ensure_future(loop.run_in_executor(...))` makes
# no task, so dropping its result loses nothing the rule is about.
FUTURE_RESULTS = frozenset(
    {
        "asyncio.AbstractEventLoop.run_in_executor",
        "asyncio.AbstractEventLoop.create_future",
        "asyncio.Future",
        "asyncio.wrap_future",
        "asyncio.gather",
        "asyncio.shield",
        "asyncio.run_coroutine_threadsafe",
        *TASK_STARTS,
        *TASK_OR_FUTURE,
    }
)
TASK_TOKENS = (b"create_task", b"ensure_future")

# CCL401: tests that a callable is a coroutine function. unasync-generated code calls a method
# only on the branch where it is not (neo4j's `if not inspect.iscoroutinefunction(self.close):`).
COROUTINE_FUNCTION_TESTS = frozenset({"inspect.iscoroutinefunction", "asyncio.iscoroutinefunction"})

# CCL404.
GET_EVENT_LOOP = "asyncio.get_event_loop"
GET_RUNNING_LOOP = "get_running_loop"
# Loop methods that run the loop: a sync function calling one on a loop has no loop running
# (they raise under a running one), so its `get_event_loop()` depends on the deprecated
# fallback of creating or finding a loop for the thread.
LOOP_RUNNERS = frozenset({"asyncio.AbstractEventLoop.run_until_complete", "asyncio.AbstractEventLoop.run_forever"})
# A module that sets the thread's loop makes `get_event_loop()` return it, on every version.
SETS_LOOP_TOKEN = b"set_event_loop"
# Applied, nest_asyncio patches `get_event_loop()` to make and set a loop itself.
PATCHES_GET_EVENT_LOOP = "nest_asyncio.apply"
GET_EVENT_LOOP_TOKENS = (b"get_event_loop",)

# CCL405: executor methods whose result is the only way to the work's exception, and what is
# lost when the result is dropped.
EXECUTOR_RESULTS: Mapping[str, str] = {
    **{f"concurrent.futures.{kind}.submit": "future" for kind in ("ThreadPoolExecutor", "ProcessPoolExecutor")},
    **{f"concurrent.futures.{kind}.map": "iterator" for kind in ("ThreadPoolExecutor", "ProcessPoolExecutor")},
}
GATHER = "asyncio.gather"
# Calls that run a coroutine to its end and raise what it raised (`asyncio.run(work())`).
COROUTINE_RUNNERS = frozenset({"asyncio.run", "asyncio.AbstractEventLoop.run_until_complete"})
# Exception types a handler catching everything a worker function raises names.
CATCH_ALL = frozenset({"Exception", "BaseException"})
# An executor type must be named in the file for its instances to resolve.
EXCEPTION_TOKENS = (b"PoolExecutor", b"return_exceptions")

# CCL401: library coroutine functions: their call makes a coroutine that does nothing until
# it is awaited (`asyncio.sleep(1)` as a statement sleeps not at all). Resolved names, so a
# method counts only on a receiver conclint traces (`loop = asyncio.get_running_loop()`).
LIBRARY_COROUTINES = frozenset(
    {
        *(
            f"asyncio.{name}"
            for name in (
                "sleep wait_for wait open_connection open_unix_connection start_server start_unix_server "
                "create_subprocess_exec create_subprocess_shell to_thread"
            ).split()
        ),
        *(
            f"asyncio.AbstractEventLoop.{name}"
            for name in (
                "sock_recv sock_recv_into sock_sendall sock_connect sock_accept sock_sendfile getaddrinfo "
                "getnameinfo create_connection create_server create_unix_connection create_unix_server "
                "create_datagram_endpoint subprocess_exec subprocess_shell shutdown_asyncgens "
                "shutdown_default_executor connect_read_pipe connect_write_pipe sendfile start_tls"
            ).split()
        ),
        "trio.sleep",
        "anyio.sleep",
    }
)
# Decorators known to leave an `async def` a coroutine function (its call still makes a
# coroutine): any other decorator, or one conclint cannot resolve, may make it sync
# (`pytest.fixture`, `contextlib.asynccontextmanager`, a wrapper that runs the coroutine).
COROUTINE_KEEPING_DECORATORS = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "typing.final",
        "typing.override",
        "typing_extensions.override",
        "typing_extensions.final",
    }
)

# CCL402: APIs that call the callable they are given and ignore what it returns, beyond the
# thread dispatches of `conclint.knowledge.threads`: (resolved name, position, keyword) of
# the callable.
SYNC_CALLBACK_APIS: Mapping[str, tuple[int, str | None]] = {
    "asyncio.AbstractEventLoop.call_soon": (0, "callback"),
    "asyncio.AbstractEventLoop.call_soon_threadsafe": (0, "callback"),
    "asyncio.AbstractEventLoop.call_later": (1, "callback"),
    "asyncio.AbstractEventLoop.call_at": (1, "callback"),
    "asyncio.AbstractEventLoop.add_signal_handler": (1, "callback"),
    "asyncio.AbstractEventLoop.add_reader": (1, "callback"),
    "asyncio.AbstractEventLoop.add_writer": (1, "callback"),
    "signal.signal": (1, "handler"),
    "atexit.register": (0, "func"),
}
# Methods recognised by name on a receiver conclint cannot resolve: only futures and tasks
# (asyncio's and concurrent.futures') have them, and both call the callback synchronously.
SYNC_CALLBACK_METHODS: Mapping[str, tuple[int, str | None]] = {"add_done_callback": (0, "fn")}
# A file must name one of these for CCL402 to read it (an executor's `submit` and `map`
# resolve only where `ThreadPoolExecutor` or `ThreadPool` is named, which holds `Thread`)...
SYNC_CALLBACK_TOKENS = (
    b"Thread", b"Timer", b"to_thread", b"run_in_executor", b"run_sync",
    # `signal.signal` spelled out: a bare "signal" is in most modules of a project with signals.
    b"add_done_callback", b"signal.signal", b"atexit",
    # The loop methods of SYNC_CALLBACK_APIS.
    b"call_soon", b"call_later", b"call_at", b"add_signal_handler", b"add_reader", b"add_writer",
)  # fmt: skip
# ... and, for a loop method, name asyncio too (`syntax.prefilter.CALLBACKS` holds the other
# tokens or `asyncio`): the rule knows a loop only from asyncio's functions or an annotation
# naming it, so neither a module that names asyncio without calling a loop method (most of
# tornado) nor one calling another library's `call_soon` (celery's kombu hub) is parsed.
