"""Coroutines on a loop of their own: a coroutine function run only by `asyncio.run(...)` or
`loop.run_until_complete(...)` inside a thread (a `Thread` subclass's `run`, a function given
as `Thread(target=...)`), or handed to a thread runner (`run_worker(coro(), thread=True)`, or
the coroutine function itself, `run_worker(coro, thread=True)`),
runs on an event loop that no other task shares. Sleeping or waiting on a thread primitive
there pauses that thread only, as it would in any thread: CCL101 and CCL108 stay silent.

"Only": any other mention of the function's name in the module's text (an `await`, a
`create_task`, a reference passed on, even a comment) makes it an ordinary coroutine again.
The summary collector records the loop runs, thread targets and thread classes during the
engine's traversal (`OwnLoopRecords`); `own_loop_coroutines` decides at the end of the module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A thread runner that runs a coroutine on a loop in a worker thread when called with the flag.
THREAD_RUNNERS = {"run_worker": "thread"}


@dataclass
class OwnLoopRecords:
    """What the traversal saw: (function, coroutine name) for each `asyncio.run(name(...))` or
    `.run_until_complete(name(...))`, the coroutine names handed to a thread runner, the names
    given as `Thread(target=...)`, the `Thread` subclasses, and the coroutine functions by
    name (their qualified names)."""

    runs: list[tuple[str, str]] = field(default_factory=list)
    runner_names: list[str] = field(default_factory=list)
    thread_targets: set[str] = field(default_factory=set)
    thread_classes: set[str] = field(default_factory=set)
    coroutines: dict[str, list[str]] = field(default_factory=dict)


def own_loop_coroutines(records: OwnLoopRecords, source: bytes) -> frozenset[str]:
    """The qualified names of the coroutine functions that only ever run on a loop of their
    own, in another thread."""
    in_thread: dict[str, int] = {}
    for where, name in records.runs:
        owner, _, function = where.rpartition(".")
        if (function == "run" and owner in records.thread_classes) or function in records.thread_targets:
            in_thread[name] = in_thread.get(name, 0) + 1
    for name in records.runner_names:
        in_thread[name] = in_thread.get(name, 0) + 1
    found: set[str] = set()
    for name, count in in_thread.items():
        definitions = records.coroutines.get(name, [])
        if not definitions:
            continue
        # The def's own name is a mention too; any mention beyond those is another use.
        mentions = len(re.findall(rb"\b" + re.escape(name.encode()) + rb"\b", source))
        if mentions == count + len(definitions):
            found.update(definitions)
    return frozenset(found)


__all__ = ["THREAD_RUNNERS", "OwnLoopRecords", "own_loop_coroutines"]
