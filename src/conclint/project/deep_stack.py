"""The thread files are linted in: a deep stack and a high recursion limit.

libcst's parser and its code generation recurse once per nesting level or more, so under
Python's default limit ordinary but long constructs would be CCL001 ("too deeply nested").
The CLI, its worker processes and the flake8 plugin all lint through `run_with_deep_stack`,
so a file gets the same findings whichever of them checks it.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from typing import Callable

# Files are linted in a thread with this much stack (reserved, committed only as used) and
# this recursion limit. libcst's parser and its code generation (positions) recurse once per
# nesting level or more, so under the default limit of 1000 an `elif` chain of 400 branches,
# an implicit concatenation of 1,000 strings or a sum of 1,000 terms is CCL001 ("too deeply
# nested"); at this limit they are linted, up to the ~3,000 levels CPython's own check lets
# through (see `parsing.py`). No file of the benchmark corpus needs it.
WORKER_STACK_BYTES = 256 * 1024 * 1024
WORKER_RECURSION_LIMIT = 10_000


def run_with_deep_stack(function: Callable[[], None]) -> None:
    """Run `function` on the deep-stack thread (WORKER_STACK_BYTES of stack) under
    WORKER_RECURSION_LIMIT, restoring the recursion limit after; exceptions propagate.
    Where no such thread can be had, `function` runs here, under the current limit."""
    thread = _deep_stack_thread()
    if thread is None:
        function()
        return
    done = threading.Event()
    failure: list[BaseException] = []

    def job() -> None:
        try:
            function()
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            failure.append(error)
        finally:
            done.set()

    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, WORKER_RECURSION_LIMIT))
    try:
        thread.jobs.put(job)
        done.wait()
    finally:
        sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]


class _DeepStackThread(threading.Thread):
    """A long-lived daemon thread with a large stack that runs the jobs put in its queue.

    One per process, not one per call: glibc gives every new thread its own malloc arena,
    and a thread per chunk was measured to leave each worker ~100 MB larger. A daemon, so
    that Ctrl-C (raised in the waiting main thread) ends the process.
    """

    def __init__(self) -> None:
        super().__init__(name="conclint-lint", daemon=True)
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.pid = os.getpid()

    def run(self) -> None:
        while True:
            self.jobs.get()()


_deep_stack_lock = threading.Lock()
_deep_stack: _DeepStackThread | None = None


def _deep_stack_thread() -> _DeepStackThread | None:
    global _deep_stack
    with _deep_stack_lock:
        if _deep_stack is not None and _deep_stack.pid == os.getpid() and _deep_stack.is_alive():
            return _deep_stack
        try:
            previous_stack = threading.stack_size(WORKER_STACK_BYTES)
        except (ValueError, RuntimeError):  # the platform refuses such a stack
            return None
        try:
            thread = _DeepStackThread()
            thread.start()
        except RuntimeError:  # no thread with such a stack (memory limits)
            return None
        finally:
            threading.stack_size(previous_stack)
        _deep_stack = thread
        return thread
