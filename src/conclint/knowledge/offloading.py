"""Decorators that run the function they decorate somewhere else: each call of the decorated
function hands the body to a worker thread (or returns an awaitable that does), or, called
from a coroutine, runs an async version instead, so a coroutine calling it does not run the
body on the event loop, and no chain of blocking calls goes through it.

A name with keyword flags in parentheses matches only a decorator called with those flags
(`@work(thread=True)`; textual's plain `@work` runs an async worker on the loop). A name
without flags matches the decorator however it is called (`@sync_to_async`,
`@sync_to_async(thread_sensitive=False)`). Projects add their own with `offload-decorators`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

OFFLOAD_DECORATORS: dict[str, str] = {
    "asgiref.sync.sync_to_async": "runs the function in a thread executor and returns an awaitable",
    "asgiref.sync.SyncToAsync": "runs the function in a thread executor and returns an awaitable",
    "channels.db.database_sync_to_async": "asgiref's sync_to_async, closing old database connections",
    "textual.work(thread=True)": "runs the function as a thread worker",
    "textual.worker.work(thread=True)": "runs the function as a thread worker",
    "textual._work_decorator.work(thread=True)": "runs the function as a thread worker",
    "asyncer.asyncify": "runs the function with anyio.to_thread.run_sync and returns an awaitable",
    "tornado.concurrent.run_on_executor": "submits each call to the instance's executor and returns a future",
    "aiofiles.ospath.wrap": "runs the function in the loop's default executor",
    "aiofiles.os.wrap": "runs the function in the loop's default executor",
    "starlette.concurrency.run_in_threadpool": "runs the function in anyio's thread pool",
    "pebble.asynchronous.process": "runs each call in a child process and returns an asyncio future",
    "pebble.asynchronous.thread": "runs each call in a new thread and returns an asyncio future",
    "pebble.concurrent.process": "runs each call in a child process and returns a concurrent future",
    "pebble.concurrent.thread": "runs each call in a new thread and returns a concurrent future",
    # Not an offload, but the same for a chain: called from a coroutine, the wrapper calls the
    # async implementation it was given (`@async_dispatch(aapply) def apply(...)`) and
    # returns its coroutine; the sync body runs only outside an event loop.
    "prefect._internal.compatibility.async_dispatch.async_dispatch": "calls the async implementation it was given when called from a coroutine",
}


def offloading_names(extra: Iterable[str] = ()) -> frozenset[str]:
    """The catalog's offloading decorators and `extra` (the `offload-decorators` setting)."""
    return frozenset(OFFLOAD_DECORATORS).union(extra)


def offloads(decorators: Iterable[str], known: frozenset[str]) -> bool:
    """Whether one of `decorators` (resolved names, flags appended: `textual.work(thread=True)`)
    is one of `known` (`offloading_names()`): the same name, and every flag the known entry
    has among the decorator's (`@work(exclusive=True, thread=True)` is a thread worker)."""
    decorators = tuple(decorators)
    if not decorators:
        return False
    required = [_flags(entry) for entry in known]
    for name in decorators:
        base, flags = _flags(name)
        if any(base == known_base and known_flags <= flags for known_base, known_flags in required):
            return True
    return False


@lru_cache(maxsize=None)
def _flags(name: str) -> tuple[str, frozenset[str]]:
    """`textual.work(exclusive=True, thread=True)` as its name and its set of flags."""
    base, _, flags = name.partition("(")
    return base, frozenset(flag.strip() for flag in flags.rstrip(")").split(",") if flag.strip())


# Decorators that memoize: a function taking no arguments runs its body at its first call
# only, and every later call returns what that one did. Its blocking calls are lazy set-up,
# done once per process, like those of a helper that fills a global it declares `global`.
MEMOIZING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})


def runs_once(decorators: Iterable[str], params: tuple[object, ...] | None, method: str) -> bool:
    """Whether a function decorated with `decorators`, with parameters `params` (None when
    unknown) and receiver `method` ("self", "cls" or ""), runs its body once per process: a
    memoized function of no parameters (a method's cache is its instance's)."""
    return params == () and not method and any(name in MEMOIZING_DECORATORS for name in decorators)


__all__ = ["MEMOIZING_DECORATORS", "OFFLOAD_DECORATORS", "offloading_names", "offloads", "runs_once"]


# Calls that only work on the thread running the event loop (they find the loop from the
# calling thread, or are not thread-safe): a function making one must not be moved to a
# worker thread by an offload fix. `loop.<method>` stands for any method of a loop object
# but those listed in LOOP_METHODS_ANY_THREAD.
LOOP_THREAD_CALLS = frozenset(
    {
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.current_task",
        "asyncio.all_tasks",
        "sniffio.current_async_library",
        "trio.current_time",
        "trio.lowlevel.current_task",
        "trio.lowlevel.current_trio_token",
        "anyio.get_current_task",
    }
)
LOOP_TYPE = "asyncio.AbstractEventLoop"
LOOP_METHODS_ANY_THREAD = frozenset({"call_soon_threadsafe", "is_running", "is_closed"})


# Objects that only the thread which made them may use (sqlite3 checks it on every call), and
# the calls that make them: offloading one such call moves it to a thread that did not make
# the object (or makes it where the next call will not run), and the next call raises.
THREAD_BOUND_TYPES = frozenset({"sqlite3.Connection", "sqlite3.Cursor"})
THREAD_BOUND_FACTORIES = frozenset({"sqlite3.connect"})


def needs_loop_thread(qualname: str) -> bool:
    """Whether calling `qualname` (a resolved dotted name) must happen on the loop's thread."""
    if qualname in LOOP_THREAD_CALLS:
        return True
    owner, _, method = qualname.rpartition(".")
    return owner == LOOP_TYPE and method not in LOOP_METHODS_ANY_THREAD


def bound_to_its_thread(qualname: str) -> bool:
    """Whether calling `qualname` makes or uses an object bound to the thread that made it,
    so that the call cannot move to a worker thread alone."""
    return qualname in THREAD_BOUND_FACTORIES or qualname.rpartition(".")[0] in THREAD_BOUND_TYPES


# The call that runs a function in a worker thread, per async library (what the offload fix
# writes).
OFFLOAD_FUNCTIONS: dict[str, str] = {
    "asyncio": "asyncio.to_thread",
    "trio": "trio.to_thread.run_sync",
    "anyio": "anyio.to_thread.run_sync",
}

# Catalogued calls that return a lazy iterator: the disk is read while it is iterated, so
# they are offloaded with what consumes them, and `to_thread(list, path.glob("*"))` reads
# nothing on the loop (`os.scandir` opens the directory when called, a single system call,
# and reads it as it is iterated).
LAZY_CALLS = frozenset(
    {
        "os.scandir",
        "pathlib.Path.glob",
        "pathlib.Path.rglob",
        "pathlib.Path.iterdir",
        "pathlib.Path.walk",
        "os.walk",
        "os.fwalk",
        "glob.iglob",
    }
)

# Builtins that consume an iterable whole.
CONSUMERS = frozenset(
    {"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.sorted", "builtins.dict"}
)
