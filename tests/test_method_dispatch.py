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
                for j in range(1_000_000):
                    total += i * j
            return total
    """
    assert [(line, code) for line, code, _ in _found(source)] == [(4, "CCL202")]


def test_a_stub_the_class_leaves_to_subclasses_dispatches_to_their_overrides() -> None:
    # AutoGPT-Code-Ability#145: `AIBlock.validate` raises NotImplementedError; what runs is a
    # subclass's `validate`, and the developer block's runs ruff with subprocess.run.
    source = """
    import subprocess
    from abc import ABC, abstractmethod

    class Block:
        def validate(self, response):
            \"\"\"Check the response.\"\"\"
            raise NotImplementedError("Validate Method not implemented")

        async def invoke(self, response):
            return self.validate(response)

    class DevelopBlock(Block):
        def validate(self, response):
            subprocess.run(["ruff", "check", response])
            return response

    class Store(ABC):
        @abstractmethod
        def save(self, data): ...

        async def flush(self, data):
            self.save(data)

    class FileStore(Store):
        def save(self, data):
            with open("saved", "w") as fh:
                fh.write(data)
    """
    found = _found(source)
    assert [(line, code) for line, code, _ in found] == [(11, "CCL103"), (23, "CCL104")]
    assert "via DevelopBlock.validate -> subprocess.run()" in found[0][2]


def test_a_method_that_does_something_is_what_self_runs() -> None:
    # A default implementation (it returns, or its abstract body does work) is taken as what
    # runs, as for any method the class defines; a stub without overrides runs itself.
    source = """
    import subprocess
    from abc import abstractmethod

    class Block:
        def validate(self, response):
            if not response:
                raise NotImplementedError
            return response

        @abstractmethod
        def render(self, response):
            return str(response)

        def check(self, response):
            raise NotImplementedError

        async def invoke(self, response):
            return self.validate(response), self.render(response), self.check(response)

    class DevelopBlock(Block):
        def validate(self, response):
            return subprocess.run(["ruff", "check", response])

        def render(self, response):
            return subprocess.run(["render", response])
    """
    assert _found(source) == []


def test_an_override_writing_to_a_blocking_descriptor_blocks() -> None:
    # tornado's PipeIOStream, without its `os.set_blocking(fd, False)`: `write_to_fd` is a stub
    # of the base, and the pipe's override writes to `self.fd`. (With the call in `__init__`,
    # nothing is reported: CCL104's VALID example.)
    source = """
    import os

    class Stream:
        def write_to_fd(self, data):
            raise NotImplementedError()

        async def flush(self, data):
            return self.write_to_fd(data)

    class PipeStream(Stream):
        def __init__(self, fd):
            self.fd = fd

        def write_to_fd(self, data):
            return os.write(self.fd, data)
    """
    assert [(line, code) for line, code, _ in _found(source)] == [(9, "CCL104")]
