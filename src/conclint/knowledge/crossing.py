"""The catalog of the rules where threads, event loops and cancellation cross (CCL406-CCL408):
timeout and cancel-scope blocks, the exceptions that carry cancellation, and the tokens that
let a file without them skip those rules.

Names are resolved names (`conclint.analysis.symbols`): `from trio import move_on_after as
later` still resolves `later(1)` to `trio.move_on_after`.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple


class TimeoutScope(NamedTuple):
    """A context manager whose deadline or cancellation can only take effect at a checkpoint
    inside it: `library` names it in messages, `effect` says what the missed deadline would
    have done."""

    library: str
    effect: str


_MOVE_ON = "skip the rest of the block"
_FAIL = "raise TooSlowError"
_CANCEL = "cancel the code inside it"

# CCL408: `with` (trio, anyio) or `async with` (asyncio, async_timeout) items whose deadline
# or `cancel()` only acts when the code inside reaches an `await`, `async for` or `async with`.
# `asyncio.wait_for` is a call that awaits its argument, not a block: it is not here.
TIMEOUT_SCOPES: Mapping[str, TimeoutScope] = {
    "asyncio.timeout": TimeoutScope("asyncio", "raise TimeoutError"),
    "asyncio.timeout_at": TimeoutScope("asyncio", "raise TimeoutError"),
    "asyncio.timeouts.timeout": TimeoutScope("asyncio", "raise TimeoutError"),
    "asyncio.timeouts.timeout_at": TimeoutScope("asyncio", "raise TimeoutError"),
    # aio-libs' backport of asyncio.timeout, with the same semantics.
    "async_timeout.timeout": TimeoutScope("async_timeout", "raise TimeoutError"),
    "async_timeout.timeout_at": TimeoutScope("async_timeout", "raise TimeoutError"),
    "trio.move_on_after": TimeoutScope("trio", _MOVE_ON),
    "trio.move_on_at": TimeoutScope("trio", _MOVE_ON),
    "trio.fail_after": TimeoutScope("trio", _FAIL),
    "trio.fail_at": TimeoutScope("trio", _FAIL),
    "trio.CancelScope": TimeoutScope("trio", _CANCEL),
    "anyio.move_on_after": TimeoutScope("anyio", _MOVE_ON),
    "anyio.fail_after": TimeoutScope("anyio", "raise TimeoutError"),
    "anyio.CancelScope": TimeoutScope("anyio", _CANCEL),
}
# Every spelling of the names above holds one of these.
TIMEOUT_TOKENS = (b"timeout", b"move_on_", b"fail_a", b"CancelScope")


class CancellationCatch(NamedTuple):
    """An exception type a handler names that catches cancellation: the library whose
    cancellation it is (None: whichever the file uses) and how messages name it."""

    library: str | None
    display: str


# CCL407: what an `except` clause may name that catches a cancelled task's or scope's exception.
# `Exception` is not here: CancelledError derives from BaseException since Python 3.8, and
# trio's and anyio's cancellation exceptions always did. `concurrent.futures.CancelledError` is
# a different class from asyncio's since 3.8.
CANCELLATION_CATCHES: Mapping[str, CancellationCatch] = {
    "asyncio.CancelledError": CancellationCatch("asyncio", "asyncio.CancelledError"),
    "asyncio.exceptions.CancelledError": CancellationCatch("asyncio", "asyncio.CancelledError"),
    "trio.Cancelled": CancellationCatch("trio", "trio.Cancelled"),
    "builtins.BaseException": CancellationCatch(None, "BaseException"),
}
# `except anyio.get_cancelled_exc_class():` names the backend's cancellation exception.
CANCELLED_CLASS_GETTERS: Mapping[str, CancellationCatch] = {
    "anyio.get_cancelled_exc_class": CancellationCatch("anyio", "anyio.get_cancelled_exc_class()"),
}
BARE_EXCEPT = CancellationCatch(None, "a bare `except:`")
# Libraries whose cancellation is level-triggered: a cancelled scope raises again at every
# checkpoint, so a swallowed cancellation only loops (in a loop) or is delayed (elsewhere).
LEVEL_TRIGGERED = frozenset({"trio", "anyio"})
# Awaiting what these return raises CancelledError also when the tasks or futures they are
# given were cancelled by someone else: a handler around them cannot tell whose cancellation
# it caught, so it is not judged when one of their arguments is an existing object.
TASK_COMBINATORS = frozenset(
    {"asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.shield", "asyncio.as_completed"}
)
# Shielded work goes on when the awaiting task is cancelled: catching that cancellation to move
# on (to stop the next agent, say) is what shielding is for.
SHIELD = "asyncio.shield"
# Names of cancellation exceptions: a `try` body that names one raises or throws it itself.
CANCELLATION_NAMES = frozenset({"CancelledError", "Cancelled", "get_cancelled_exc_class"})
# Methods whose call in a handler (or, for `cancel`, anywhere in the function) shows code that
# manages cancellation on purpose: cancel-then-await, re-cancelling, `uncancel()` bookkeeping.
CANCELLATION_METHODS = frozenset({"cancel", "uncancel", "cancelling"})
# Coroutines that shut something down: swallowing a cancellation that arrives while they clean
# up is a deliberate choice there (`__aexit__`, `aclose()`, `on_stop()`), not a task that refuses
# to end. Matched on the whole name and on each of its words split on underscores.
SHUTDOWN_FUNCTIONS = frozenset(
    {
        "__aexit__",
        "aexit",
        "aclose",
        "close",
        "closed",
        "stop",
        "stopped",
        "shutdown",
        "cleanup",
        "cancel",
        "disconnect",
        "terminate",
        "teardown",
        "finalize",
        "dispose",
        "quit",
        "kill",
    }
)
# Every spelling of a handler the rule judges holds one of these (a bare `except:` is `except:`).
CANCELLATION_TOKENS = (b"Cancelled", b"get_cancelled_exc_class", b"BaseException", b"except:", b"except :")

# CCL406: calls that only the thread running the event loop may make. Module functions and
# loop methods by resolved name, with how messages name them.
LOOP_AFFINE_CALLS: Mapping[str, str] = {
    "asyncio.create_task": "asyncio.create_task()",
    "asyncio.ensure_future": "asyncio.ensure_future()",
    "asyncio.AbstractEventLoop.call_soon": "loop.call_soon()",
    "asyncio.AbstractEventLoop.call_later": "loop.call_later()",
    "asyncio.AbstractEventLoop.call_at": "loop.call_at()",
    "asyncio.AbstractEventLoop.create_task": "loop.create_task()",
}
# The asyncio objects whose methods wake coroutines waiting on them, by what makes them.
ASYNCIO_OBJECTS: Mapping[str, str] = {
    "asyncio.Queue": "asyncio.Queue",
    "asyncio.LifoQueue": "asyncio.Queue",
    "asyncio.PriorityQueue": "asyncio.Queue",
    "asyncio.queues.Queue": "asyncio.Queue",
    "asyncio.Event": "asyncio.Event",
    "asyncio.locks.Event": "asyncio.Event",
    "asyncio.Future": "asyncio.Future",
    "asyncio.futures.Future": "asyncio.Future",
    "asyncio.AbstractEventLoop.create_future": "asyncio.Future",
}
# What a value annotated with these classes is (`-> asyncio.AbstractEventLoop`, `q:
# Optional[asyncio.Queue]`), as ASYNCIO_OBJECTS or LOOP_AFFINE_CALLS name it: a call of a
# project function so annotated returns one (`loop = get_global_event_loop()`).
LOOP_TYPE = "asyncio.AbstractEventLoop"
ANNOTATED_ASYNCIO_TYPES: Mapping[str, str] = {
    "asyncio.AbstractEventLoop": LOOP_TYPE,
    "asyncio.BaseEventLoop": LOOP_TYPE,
    "asyncio.events.AbstractEventLoop": LOOP_TYPE,
    "asyncio.base_events.BaseEventLoop": LOOP_TYPE,
    **{name: kind for name, kind in ASYNCIO_OBJECTS.items() if name.rpartition(".")[2][:1].isupper()},
}
# Their methods that are not thread-safe: they wake a waiter through the loop's `call_soon`,
# which a thread other than the loop's cannot wake up.
LOOP_AFFINE_METHODS: Mapping[str, frozenset[str]] = {
    "asyncio.Queue": frozenset({"put_nowait", "get_nowait"}),
    "asyncio.Event": frozenset({"set"}),
    "asyncio.Future": frozenset({"set_result", "set_exception"}),
}
# Calls that give a thread an event loop of its own: its loop objects are then its own.
# `asyncio.set_event_loop(loop)` is not one: it makes `loop` the thread's current loop, not a
# loop the thread runs; a thread that sets a loop it made calls `new_event_loop()`, one that
# runs it `run_until_complete()` or `run_forever()`, and a thread that sets the loop another
# thread runs (streamlit-webrtc 0.53.11) still may not call that loop's `create_task()`.
OWN_LOOP_CALLS = frozenset(
    {
        "asyncio.run",
        "asyncio.new_event_loop",
        "asyncio.Runner",
        "asyncio.AbstractEventLoop.run_until_complete",
        "asyncio.AbstractEventLoop.run_forever",
    }
)
# Loop methods that run a loop on the calling thread or test whether one runs, counted by
# their name alone, unless they are methods of a class of the module (`self.is_running()` of
# a worker thread class is no loop's): a loop the rule cannot type (`loop = make_loop()`, a
# parameter) is still run or tested there.
LOOP_GUARD_METHODS = frozenset({"run_until_complete", "run_forever", "is_running"})
# Calls by which a function finds out whether a loop runs on its thread: it may then take the
# thread-safe way only when it must, which the rule cannot follow.
LOOP_CHECKS = frozenset({"asyncio.get_running_loop", "asyncio._get_running_loop", "asyncio.AbstractEventLoop.is_running"})
# Calls naming the current thread: a check of where the function runs when compared
# (`current_thread() is main_thread()`), a label for logs otherwise.
THREAD_CHECKS = frozenset(
    {
        "threading.current_thread",
        "threading.currentThread",
        "threading.main_thread",
        "threading.get_ident",
        "threading.get_native_id",
    }
)
# A file must hand something to a thread (CCL201's dispatch APIs) for the rule to report.
THREAD_TOKENS = (b"Thread", b"Timer", b"to_thread", b"run_in_executor")
