"""Callables that arrive as arguments (issue 14, item 4): a function the coroutine hands to a
function of the project that calls it itself, on its own thread, runs there as if called
there; a chain goes on into it. Handed over: a function by its name, `functools.partial` of
one, or a lambda whose body is one call of one or one blocking call of the catalog. Kept, stored, awaited, or handed to a thread,
it is not called on the loop, and nothing is reported."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conclint.analysis.conditions import CallSite
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source, summarize_source
from conclint.project.runner import IndexOptions, check

from project_layout import app_package

HELPERS = """
    import asyncio
    import functools
    import time

    def nap(seconds):
        time.sleep(seconds)

    def pure(x):
        return x * 2

    async def retry(operation, attempts=3):
        for _ in range(attempts):
            try:
                return operation()
            except OSError:
                await asyncio.sleep(1)

    async def awaits(operation):
        return await operation()

    def timed(fn, *args):
        return fn(*args)

    def forward(fn):
        return timed(fn, 1)

    def keep(callback):
        return [callback]

    def maybe(fn=None):
        if fn is not None:
            fn()
"""


def lines(body: str) -> list[tuple[int, str]]:
    source = textwrap.dedent(HELPERS).lstrip("\n") + textwrap.dedent(body)
    found = lint_source(source, "example.py", DEFAULT_SETTINGS)
    first = source.count("\n", 0, source.index("async def main")) + 1
    return [(d.line - first, d.code) for d in found if d.code.startswith("CCL1")]


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("await retry(functools.partial(nap, 1))", True),
        ("await retry(lambda: nap(1))", True),
        ("await retry(lambda: time.sleep(1))", True),  # the lambda's own call blocks
        ("forward(lambda x: time.sleep(x))", True),
        ("await asyncio.to_thread(timed, lambda: time.sleep(1))", False),
        ("timed(nap, 1)", True),
        ("forward(nap)", True),  # handed on to a function that calls it
        ("maybe(nap)", True),
        ("maybe()", False),  # the guard `fn is not None` is decided false
        ("await retry(pure)", False),
        ("keep(nap)", False),  # stored, not called
        ("await awaits(nap)", False),  # awaited: the callee expects a coroutine function
        ("await asyncio.to_thread(timed, nap, 1)", False),
        ("await retry(lambda: asyncio.sleep(1))", False),
    ],
)
def test_a_function_handed_to_a_caller_of_its_parameter(call: str, reported: bool) -> None:
    found = lines(f"\nasync def main():\n    {call}\n")
    assert found == ([(1, "CCL101")] if reported else [])


def test_the_message_shows_the_chain_through_the_argument_and_the_coroutine_gets_no_offload() -> None:
    source = textwrap.dedent(HELPERS).lstrip("\n") + "\nasync def main():\n    await retry(functools.partial(nap, 1))\n"
    (finding,) = lint_source(source, "example.py", DEFAULT_SETTINGS)
    assert finding.message.startswith(
        "`retry()` blocks the event loop (give `retry` a function that does not block) via retry -> nap -> time.sleep()"
    )
    assert "calls the function it is given on the event loop's thread" in finding.suggestion
    assert finding.fix is None  # moving `retry(...)`, a coroutine, to a thread would run nothing


def test_function_values_and_called_parameters_round_trip_through_json() -> None:
    source = textwrap.dedent(HELPERS) + "\ndef main():\n    timed(nap, 1)\n"
    summary = summarize_source(source)
    timed = summary.function("timed")
    assert timed is not None and timed.called_parameters == ("fn",)
    main = summary.function("main")
    assert main is not None
    (site,) = main.sites
    assert site.args[0] == ("f", "<local>.nap")
    again = type(summary).from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again.function("timed").called_parameters == ("fn",)  # type: ignore[union-attr]
    assert CallSite.from_list(json.loads(json.dumps(site.as_list()))) == site


def test_a_lambda_that_blocks_itself_is_named_in_the_message() -> None:
    source = textwrap.dedent(HELPERS).lstrip("\n") + "\nasync def main():\n    await retry(lambda: time.sleep(1))\n"
    (finding,) = lint_source(source, "example.py", DEFAULT_SETTINGS)
    assert finding.message == (
        "`retry()` blocks the event loop (give `retry` a function that does not block) "
        "via retry -> time.sleep() (in the lambda it is given)"
    )


def test_a_blocking_lambda_value_round_trips_through_json() -> None:
    source = textwrap.dedent(HELPERS) + "\ndef main():\n    timed(lambda: time.sleep(1))\n"
    (site,) = summarize_source(source).function("main").sites  # type: ignore[union-attr]
    assert site.args[0] == ("b", "time.sleep", "sleep", "time.sleep()")
    assert CallSite.from_list(json.loads(json.dumps(site.as_list()))) == site


def test_a_function_of_another_module_handed_to_a_coroutine_of_a_third(tmp_path: Path) -> None:
    retrying = """
        async def retry(operation):
            return operation()
        """
    files = """
        def load(path):
            with open(path) as handle:
                return handle.read()
        """
    api = """
        import functools

        from app.files import load
        from app.retrying import retry

        async def read(path):
            return await retry(functools.partial(load, path))

        async def keep(path):
            return functools.partial(load, path)
        """
    package = app_package(tmp_path, {"retrying.py": retrying, "files.py": files, "api.py": api})
    result = check([str(package / "api.py")], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    assert [(Path(d.path).name, d.line, d.code) for d in result.diagnostics] == [("api.py", 8, "CCL104")]
    finding = result.diagnostics[0]
    assert "via retrying.retry -> files.load -> open() (line 3 of app/files.py)" in finding.message
    assert [link.function for link in finding.chain] == ["app.retrying.retry", "app.files.load", "open()"]
