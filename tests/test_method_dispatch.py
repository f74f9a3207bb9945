"""Issue 14: `self.data()` in a coroutine of a class that leaves `data` to its subclasses runs
one of their overrides (datasette's `BaseView.view_get` called the views' SQLite `data()`)."""

from __future__ import annotations

import textwrap

from conclint.core.settings import Settings
from conclint.engine import lint_source

SOURCE = """
import sqlite3

from framework import View


class BaseView(View):
    async def get(self, request, name):
        return self.data(request, name)

    async def head(self, request, name):
        return self.summary(request, name)

    def summary(self, request, name):
        return len(self.data(request, name))


class DatabaseView(BaseView):
    def data(self, request, name):
        with sqlite3.connect(name) as conn:
            return conn.execute("select * from tables").fetchall()


class MemoryView(BaseView):
    def data(self, request, name):
        return [name]
"""


def _found(source: str) -> list[tuple[int, str, str]]:
    found = lint_source(textwrap.dedent(source), "views.py", Settings())
    return [(d.line, d.code, d.message) for d in found]


def test_a_method_left_to_subclasses_is_followed_into_their_overrides() -> None:
    found = _found(SOURCE)
    assert [(line, code) for line, code, _ in found] == [(9, "CCL106"), (12, "CCL106")]
    assert "via DatabaseView.data -> sqlite3.connect()" in found[0][2]
    assert "via BaseView.summary -> DatabaseView.data -> sqlite3.connect()" in found[1][2]


def test_overrides_of_several_categories_make_one_finding() -> None:
    source = SOURCE + """

class FileView(BaseView):
    def data(self, request, name):
        with open(name) as fh:
            return fh.read()
"""
    found = _found(source)
    assert [(line, code) for line, code, _ in found] == [(9, "CCL104"), (12, "CCL104")]
    assert "it also calls sqlite3.connect()" in found[0][2]


def test_only_self_dispatches_and_only_to_what_the_class_leaves_undefined() -> None:
    source = """
    import sqlite3

    class Base:
        def load(self, name):
            return [name]  # the class's own: what `self.load()` in Base is taken to run

        async def get(self, name):
            return self.load(name), self.other(name)

    class Database(Base):
        def load(self, name):
            return sqlite3.connect(name).execute("select 1").fetchall()

        def other(self, name):
            return sqlite3.connect(name)

    class Unrelated:
        def other(self, name):
            return sqlite3.connect(name)

    async def direct(name):
        base = Base()
        return base.other(name)  # an instance of Base itself: no subclass runs
    """
    found = _found(source)
    # `self.other()` in Base: only Database (a subclass) defines it, Unrelated does not count.
    assert [(line, code) for line, code, _ in found] == [(9, "CCL106")]
    assert "via Database.other" in found[0][2]


def test_an_override_that_computes_is_followed_by_ccl202() -> None:
    source = """
    class Job:
        async def run(self, n):
            return self.compute(n)

    class Squares(Job):
        def compute(self, n):
            total = 0
            for i in range(n):
                for j in range(n):
                    total += i * j
            return total
    """
    assert [(line, code) for line, code, _ in _found(source)] == [(4, "CCL202")]
