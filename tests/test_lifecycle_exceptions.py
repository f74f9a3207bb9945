"""CCL405 (exception-never-retrieved): which submitted work handles its own errors, and which
gathers are judged, beyond the rule's examples."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source

SETTINGS = dataclasses.replace(Settings(), select=("CCL405",))

GUARDED = """
import functools
import logging
from concurrent.futures import ThreadPoolExecutor

class Listener:
    def __init__(self):
        self.workers = ThreadPoolExecutor()

    def run_listeners(self, message):
        kind = message.get("type")
        try:
            for listener in self.listeners:
                listener(self, message)
        except Exception:
            logging.exception("listeners failed on %s", kind)

    def process(self, message):
        def run():
            self.run_listeners(message)

        {statement}
"""


def _lines(source: str) -> list[int]:
    return [d.line for d in lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", SETTINGS)]


@pytest.mark.parametrize(
    "statement",
    [
        "self.workers.submit(run)",
        "self.workers.submit(self.run_listeners, message)",
        "self.workers.submit(lambda: self.run_listeners(message))",
        "self.workers.submit(functools.partial(self.run_listeners, message))",
        "self.workers.map(self.run_listeners, [message])",
    ],
)
def test_work_that_catches_everything_it_raises_is_silent(statement: str) -> None:
    assert _lines(GUARDED.replace("{statement}", statement)) == []


@pytest.mark.parametrize(
    "statement",
    [
        "self.workers.submit(message.get)",
        "self.workers.submit(lambda: message.pop('type'))",
        "self.workers.submit(print, message)",
    ],
)
def test_other_work_is_reported(statement: str) -> None:
    assert _lines(GUARDED.replace("{statement}", statement)) == [21]


def test_a_handler_for_some_exceptions_only_does_not_count() -> None:
    source = """
    from concurrent.futures import ThreadPoolExecutor

    def load(path):
        try:
            return open(path).read()
        except (OSError, ValueError):
            return None

    def main(paths):
        with ThreadPoolExecutor() as pool:
            pool.submit(load, paths[0])
    """
    assert _lines(source) == [11]


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("asyncio.gather(a(), b(), return_exceptions=True)", True),
        ("asyncio.gather(*[a(), b()], return_exceptions=True)", True),
        ("asyncio.gather(a(), b())", False),
        ("asyncio.gather(a(), b(), return_exceptions=False)", False),
        ("asyncio.gather(*pending, return_exceptions=True)", False),
        ("asyncio.gather(*[task for task in pending], return_exceptions=True)", False),
    ],
)
def test_gather_statements(call: str, reported: bool) -> None:
    source = f"import asyncio\n\nasync def main(a, b, pending):\n    await {call}\n"
    assert _lines(source) == ([4] if reported else [])


def test_a_gathered_result_that_is_kept_is_silent() -> None:
    source = "import asyncio\n\nasync def main(a, b):\n    done = await asyncio.gather(a(), b(), return_exceptions=True)\n    return done\n"
    assert _lines(source) == []
