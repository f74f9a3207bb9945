"""Issue 14: reading a property runs its getter, so a coroutine that reads one whose getter
blocks (or computes) blocks the loop, as a call of the getter would (bbot's gowitness module
read its SQLite database through three properties)."""

from __future__ import annotations

import textwrap

from conclint.analysis.summary_collector import property_names
from conclint.core.settings import Settings
from conclint.engine import lint_source

SOURCE = """
import sqlite3
from functools import cached_property


class Base:
    @property
    def rows(self):
        with sqlite3.connect("x.db") as con:
            return con.execute("select 1").fetchall()


class Module(Base):
    @cached_property
    def config(self):
        with open("c.toml") as fh:
            return fh.read()

    @property
    def name(self):
        return "m"

    async def handle(self):
        for row in self.rows:
            print(row)
        return self.name, self.config

    async def store(self, value):
        self.rows = value
        (self.rows, other) = value, 1
        del self.rows


def read_config(module: Module):
    return module.config


async def outside():
    store = Module()
    return store.rows, read_config(store)


async def offloaded(module: Module):
    return lambda: module.rows
"""


def _found(source: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.code, d.message.partition(" blocks")[0]) for d in lint_source(textwrap.dedent(source), "example.py", Settings())]


def test_reads_of_blocking_properties_are_reported_as_calls_of_their_getters() -> None:
    assert _found(SOURCE) == [
        (24, "CCL106", "`self.rows`"),  # a base's property
        (26, "CCL104", "`self.config`"),  # a cached_property: its first read runs the getter
        (40, "CCL106", "`store.rows`"),  # an instance the coroutine made
    ]  # `read_config()`: a sync helper's property reads are not followed


def test_a_property_read_has_no_fix_and_says_how_to_offload_it() -> None:
    found = [d for d in lint_source(textwrap.dedent(SOURCE), "example.py", Settings()) if d.line == 24]
    assert found[0].fix is None
    assert "`await asyncio.to_thread(lambda: self.rows)`" in found[0].suggestion


def test_a_property_that_computes_is_followed_by_ccl202() -> None:
    source = """
    class Grid:
        def __init__(self, n):
            self.n = n

        @property
        def total(self):
            found = 0
            for i in range(self.n):
                for j in range(1_000_000):
                    found += i * j
            return found

        async def report(self):
            return self.total
    """
    assert [(line, code) for line, code, _ in _found(source)] == [(15, "CCL202")]


def test_property_names_are_read_off_the_text() -> None:
    source = b"class A:\n    @property\n    def a(self): ...\n    @functools.cached_property\n    def b(self): ...\n    def c(self): ...\n"
    assert property_names(source) == {"a", "b"}


def test_a_property_with_a_setter_is_not_followed() -> None:
    # The getter only reads; the setter takes a lock. Summaries know one `PV.channel`, so
    # a read is not followed at all rather than into the setter (caproto's asyncio client).
    source = """
    import threading

    class PV:
        def __init__(self):
            self.lock = threading.RLock()
            self._channel = None

        @property
        def channel(self):
            return self._channel

        @channel.setter
        def channel(self, value):
            with self.lock:
                self._channel = value

        async def close(self):
            return self.channel
    """
    assert _found(source) == []


def test_a_getter_is_followed_only_into_what_it_does_itself() -> None:
    # distributed's Queue.client: lazy set-up through helpers, done before coroutines run.
    source = """
    import threading

    _lock = threading.Lock()

    def get_client():
        with _lock:
            return object()

    class Queue:
        def __init__(self, client=None):
            self._client = client

        @property
        def client(self):
            if not self._client:
                self._client = get_client()
            return self._client

        async def put(self, value):
            return self.client, value
    """
    assert _found(source) == []


LAZY = """
import sqlite3


class Sessions:
    _cursor = None
    _db = None

    @property
    def cursor(self):
        if self._cursor is None:
            self._cursor = sqlite3.connect("s.db").cursor()
            self._cursor.execute("CREATE TABLE IF NOT EXISTS session (id)")
        return self._cursor

    @property
    def db(self):
        if not self._db:
            return sqlite3.connect("s.db")  # a new connection on every read: never set
        return self._db

    @property
    def other(self):
        if self._db is None:
            self._cursor = sqlite3.connect("s.db").cursor()  # sets another attribute
        return self._cursor

    async def handle(self, other: "Sessions"):
        first = self.cursor, self.db, self.other
        return first, self.cursor, self.db, self.other, other.cursor
"""


def test_a_lazily_set_up_getter_is_reported_at_a_coroutines_first_read_only() -> None:
    assert _found(LAZY) == [
        (29, "CCL106", "`self.cursor`"),  # the first read may set it up
        (29, "CCL106", "`self.db`"),
        (29, "CCL106", "`self.other`"),  # it tests one attribute and sets another
        (30, "CCL106", "`self.db`"),  # connects on every read
        (30, "CCL106", "`self.other`"),
        (30, "CCL106", "`other.cursor`"),  # another object
    ]


def test_a_lazily_set_up_getter_read_as_the_receiver_of_a_reported_call_is_not_reported_apart() -> None:
    """jupyter-server's SessionManager: `self.cursor.execute(...)` is reported by the
    `execute()`; the set-up `self.cursor` may do on that line is not a second finding, and
    counts as the coroutine's first read."""
    source = LAZY.replace(
        "first = self.cursor, self.db, self.other\n        return first, self.cursor, self.db, self.other, other.cursor",
        'self.cursor.execute("SELECT 1")\n        return self.cursor, self.db.execute("SELECT 2"), other.cursor.fetchone()',
    )
    assert _found(source) == [
        (29, "CCL106", "`self.cursor.execute()`"),
        (30, "CCL106", "`self.db`"),  # connects on every read: not set-up, still reported
        (30, "CCL106", "`other.cursor.fetchone()`"),  # another object's set-up: folded too
    ]
