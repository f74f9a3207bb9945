"""CCL108 and locks held only for bookkeeping (conclint.analysis.brief_locks): a `with lock:`
is left alone when every holder of that lock in the module is brief, and reported when one
holder does more, acquires it without a `with`, or holds it across an `await`."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from conclint.analysis.brief_locks import briefly_held
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source

QUEUE = """
import threading
import time
from collections import OrderedDict

_lock = threading.Lock()
_items = []


class Queue:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending = set()

    def add(self, x):
        with self._lock:
            self._pending.add(x)
            return len(self._pending)

    async def push(self, x):
        with self._lock:
            self._pending.discard(x)
{extra}

async def module_level(x):
    with _lock:
        _items.append(x)


class Entry:
    def __init__(self, key):
        self.key = key
        self.seen = OrderedDict()


class Loaded:
    def __init__(self, path):
        self.text = open(path).read()
"""


def _reported(extra: str) -> tuple[bool, bool]:
    """Whether the coroutine's `with self._lock:` and the module-level `with _lock:` are."""
    source = QUEUE.format(extra=textwrap.indent(extra, "    "))
    lines = source.splitlines()
    method, module = lines.index("        with self._lock:", 18) + 1, lines.index("    with _lock:") + 1
    found = {d.line for d in lint_source(source, "m.py", DEFAULT_SETTINGS) if d.code == "CCL108"}
    return method in found, module in found


@pytest.mark.parametrize(
    ("extra", "reported"),
    [
        ("", False),
        ("def slow(self):\n    with self._lock:\n        time.sleep(1)\n", True),
        ("def notify(self):\n    with self._lock:\n        self.flush()\n", True),  # a method of the project
        ("def each(self):\n    with self._lock:\n        for x in self._pending:\n            print(x)\n", True),
        ("def take(self):\n    self._lock.acquire()\n", True),  # held until some release
        # A method of the class whose body is brief, walking a container already in memory.
        ("def purge(self):\n    with self._lock:\n        self._drop(time.time_ns())\n"
         "def _drop(self, now):\n    for key in list(self._pending):\n        if key < now:\n            self._pending.discard(key)\n", False),
        ("def purge(self):\n    with self._lock:\n        self._drop()\n"
         "def _drop(self):\n    for key in self._pending:\n        print(key)\n", True),
        ("def purge(self):\n    with self._lock:\n        self._drop()\n"
         "def _drop(self):\n    while self._pending:\n        self._pending.pop()\n", True),
        # A class of the module whose `__init__` is brief, and one whose `__init__` is not.
        ("def record(self, x):\n    with self._lock:\n        self._pending.add(Entry(x))\n", False),
        ("def record(self, x):\n    with self._lock:\n        self._pending.add(Loaded(x))\n", True),
        ("async def across(self, x):\n    with self._lock:\n        await x\n", True),
        # praisonaiagents' registries: the holder that makes the object does so once, while
        # it is unset; every later holder only tests it.
        ("def registry(self):\n    with self._lock:\n        if self._registry is None:\n            self._registry = Loaded('r.json')\n        return self._registry\n", False),
        ("def registry(self):\n    with self._lock:\n        if not self._registry:\n            self._registry = Loaded('r.json')\n        return self._registry\n", False),
        # Made anew whenever it is set, or while something else is unset: every time.
        ("def registry(self):\n    with self._lock:\n        if self._registry is not None:\n            self._registry = Loaded('r.json')\n", True),
        ("def registry(self):\n    with self._lock:\n        if self._path is None:\n            self._registry = Loaded('r.json')\n", True),
        # google-adk's analytics plugin: work handed to a loop, and a coroutine made, under
        # the lock; neither runs there.
        ("def schedule(self, loop):\n    with self._lock:\n        self._pending.add(loop.call_soon_threadsafe(print))\n", False),
        ("def schedule(self):\n    with self._lock:\n        self._pending.add(self._drain())\n"
         "async def _drain(self):\n    time.sleep(1)\n", False),
        # clickhouse-connect's queue between a thread and a loop: items moved under the
        # lock, the waiting side woken.
        ("def put(self, item):\n    with self._lock:\n        self._pending.add(item)\n        self._not_empty.notify_all()\n", False),
        # google-adk's analytics plugin: a total of the drop counters, a queue's size.
        ("def dropped(self, queue):\n    with self._lock:\n        return sum(self._pending) + queue.qsize()\n", False),
        # lightrag's pipeline metrics: a snapshot rounds the numbers it copies.
        ("def mean(self, total):\n    with self._lock:\n        return round(total / len(self._pending), 4)\n", False),
    ],
)
def test_a_lock_is_reported_unless_every_holder_is_brief(extra: str, reported: bool) -> None:
    assert _reported(extra) == (reported, False)  # the module's own lock stays brief


def test_locks_are_told_apart_by_class_and_spelling() -> None:
    module = cst.parse_module(
        textwrap.dedent(
            """
            class A:
                def f(self):
                    with self._lock:
                        self.x.add(1)

            class B:
                def f(self):
                    with self._lock:
                        self.flush()

            def g():
                with lock:
                    pass
            """
        )
    )
    a, b = (node for node in module.body if isinstance(node, cst.ClassDef))
    assert briefly_held(a) == {"self._lock"}
    assert briefly_held(b) == frozenset()
    assert "lock" in briefly_held(module)


FRESH = """
import threading


class Store:
    def __init__(self):
        self._locks = {}

    async def take(self, key):
        if key not in self._locks:
            lock = threading.Lock()
            lock.acquire()  # made by the statement before: nothing else can hold it
            self._locks[key] = lock

    async def publish_first(self, key):
        lock = threading.Lock()
        self._locks[key] = lock
        lock.acquire()  # handed out first: another thread may hold it by now

    async def hold(self):
        lock = threading.RLock()
        with lock:
            pass
        other = threading.Lock()
        helper(other)
        other.acquire()


def helper(lock):
    pass
"""


def test_a_lock_made_by_the_statement_before_is_free() -> None:
    found = lint_source(FRESH.lstrip("\\n"), "store.py", DEFAULT_SETTINGS)
    assert [(d.line, d.code) for d in found] == [(18, "CCL108"), (26, "CCL108")]


LOOP_ONLY = """
import threading


class Registry:
    def __init__(self, store):
        self._lock = threading.RLock()
        self._store = store

    async def get(self, key):
        with self._lock:
            return self._store.make(key)  # not brief: a method of another object
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "reported"),
    [
        ("", False),  # only the loop's thread takes it
        ("    async def drop(self, key):\n        with self._lock:\n            self._store.drop(key)\n", False),
        ("    def drop(self, key):\n        with self._lock:\n            self._store.drop(key)\n", True),  # any thread
        ("    async def drop(self, key):\n        with self._lock:\n            await self._store.drop(key)\n", True),
        ("    async def drop(self, key):\n        def inner():\n            with self._lock:\n                self._store.drop(key)\n"
         "        return inner\n", True),  # a function nested in the coroutine may run on a thread
        ("    async def drop(self, key):\n        self._lock.acquire()\n", True),
        # google-api-core's AsyncOperation: a private method only the coroutines and
        # `__init__` call holds it on the loop's thread too.
        ("    def _drop(self, key):\n        with self._lock:\n            self._store.drop(key)\n\n"
         "    async def clear(self, key):\n        self._drop(key)\n", False),
        ("    def _drop(self, key):\n        with self._lock:\n            self._store.drop(key)\n\n"
         "    def clear(self, key):\n        self._drop(key)\n", True),  # a sync method calls it
        ("    def _drop(self, key):\n        with self._lock:\n            self._store.drop(key)\n\n"
         "    async def clear(self, key):\n        await asyncio.to_thread(self._drop, key)\n", True),  # handed to a thread
        ("    def drop(self, key):\n        with self._lock:\n            self._store.drop(key)\n\n"
         "    async def clear(self, key):\n        self.drop(key)\n", True),  # public: any caller may
    ],
)
def test_a_lock_only_coroutines_take_never_waits(extra: str, reported: bool) -> None:
    """a2a-sdk's task registry: an `RLock` its coroutines alone take, across no `await`."""
    source = LOOP_ONLY.format(extra=extra)
    line = source.splitlines().index("        with self._lock:") + 1
    found = {d.line for d in lint_source(source, "registry.py", DEFAULT_SETTINGS) if d.code == "CCL108"}
    assert (line in found) == reported


def test_a_lock_the_class_does_not_make_itself_may_be_held_elsewhere() -> None:
    """llama-stack's telemetry adapter binds `self._lock = _global_lock`, which its
    background logging thread holds too: its coroutines' holders are reported."""
    source = LOOP_ONLY.format(extra="").replace("self._lock = threading.RLock()", "self._lock = _global_lock")
    source = source.replace("import threading\n", "import threading\n\n_global_lock = threading.Lock()\n")
    line = source.splitlines().index("        with self._lock:") + 1
    found = {d.line for d in lint_source(source, "registry.py", DEFAULT_SETTINGS) if d.code == "CCL108"}
    assert line in found
