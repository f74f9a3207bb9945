"""A run stopped from outside ends like Ctrl-C, cleaning up, with the exit code shells expect.

`timeout`, a cancelled CI job and an editor closing stop a process with SIGTERM or SIGHUP,
whose default action ends it on the spot: the worker pool's processes and the run's temporary
folder would be left behind. Here they raise `Interrupted` in the main thread instead, as
SIGINT raises KeyboardInterrupt, so the same `finally` blocks run; the command then exits
with 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), not with
1, which means "findings".
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, Callable, Iterator, TypeVar

# The signals that stop a run like Ctrl-C does; SIGHUP does not exist on Windows.
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
SIGNAL_EXIT_BASE = 128
# How long an interrupted run waits for its other threads before it leaves without them.
THREAD_GRACE_SECONDS = 2.0

Command = TypeVar("Command", bound=Callable[..., Any])


class Interrupted(BaseException):
    """A stop signal arrived; a BaseException, like KeyboardInterrupt, so no `except
    Exception` on the way up mistakes it for one file's failure."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """While inside, STOP_SIGNALS raise Interrupted (main thread only: elsewhere Python
    cannot install handlers, and the caller's own handling stays)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def exit_code_for(error: BaseException) -> int:
    """128 + the number of the signal that stopped the run."""
    signum = error.signum if isinstance(error, Interrupted) else signal.SIGINT
    return SIGNAL_EXIT_BASE + int(signum)


def exits_on_signals(command: Command) -> Command:
    """Wrap a command so that Ctrl-C and STOP_SIGNALS print one line and exit with
    `exit_code_for`, after the cleanup the exception triggered on its way up."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with stop_signals_raise():
                return command(*args, **kwargs)
        except (KeyboardInterrupt, Interrupted) as error:
            name = signal.Signals(exit_code_for(error) - SIGNAL_EXIT_BASE).name
            print(f"conclint: interrupted ({name})", file=sys.stderr)
            _leave_stuck_threads(exit_code_for(error))
            sys.exit(exit_code_for(error))

    return wrapper  # type: ignore[return-value]


def _leave_stuck_threads(code: int) -> None:
    """Exit with `code` at once when another thread is still running after a short grace.

    The process pool's manager thread can block for good: a worker the signal ended while
    it was sending its result leaves half a message in the result pipe, whose writing end
    the pool itself keeps open, and the thread waits for the rest. `concurrent.futures`
    joins that thread when the interpreter exits, which would then never happen (seen once
    in CI: Ctrl-C 2.5 s into a run with two workers). By the time this runs, the `finally`
    blocks on the way up have ended the workers and removed the run's files."""
    deadline = time.monotonic() + THREAD_GRACE_SECONDS
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in others):
        _release_named_semaphores()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _release_named_semaphores() -> None:
    """Run multiprocessing's own finalizers (`util._run_finalizers`, what its exit handler
    calls), which `os._exit` skips, for at most THREAD_GRACE_SECONDS. Under forkserver and
    spawn, the pool's queues hold named semaphores whose finalizers unlink them and tell the
    resource tracker; skipped, the tracker, which outlives this process briefly, prints a
    "leaked semaphore objects" warning on the run's stderr (seen once in CI). In a thread of
    its own, so that a finalizer waiting on the stuck thread cannot keep the run from ending."""
    finalizers = threading.Thread(target=multiprocessing.util._run_finalizers, args=(0,), daemon=True)
    finalizers.start()
    finalizers.join(THREAD_GRACE_SECONDS)
