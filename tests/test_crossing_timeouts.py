"""CCL408 (timeout-without-checkpoint): what counts as a checkpoint inside a timeout block,
beyond the rule's examples."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source

SETTINGS = dataclasses.replace(Settings(), select=("CCL408",))


def _lines(source: str) -> list[int]:
    return [d.line for d in lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", SETTINGS)]


@pytest.mark.parametrize(
    "source",
    [
        # an await inside a comprehension runs in the block
        """
        import asyncio

        async def all_of(jobs):
            async with asyncio.timeout(1):
                return [await job for job in jobs]
        """,
        # an async comprehension iterates with awaits
        """
        import trio

        async def collect(stream):
            with trio.fail_after(1):
                return [chunk async for chunk in stream]
        """,
        # an async with nested in the block is a checkpoint for it
        """
        import anyio

        async def locked(lock, state):
            with anyio.move_on_after(2):
                if state:
                    async with lock:
                        state.clear()
        """,
        # a timeout object made elsewhere is not followed
        """
        import asyncio

        async def later(work):
            bound = asyncio.timeout(1)
            async with bound:
                work()
        """,
        # the submodule spelling, with an await
        """
        import asyncio.timeouts

        async def sleep_bounded():
            async with asyncio.timeouts.timeout(1):
                await asyncio.sleep(2)
        """,
        # a function of the module named like the API is not the API
        """
        def move_on_after(delay):
            return open("/dev/null")

        async def main():
            with move_on_after(1):
                pass
        """,
        # a suppression comment on the with statement
        """
        import trio

        async def main(work):
            with trio.CancelScope():  # noqa: CCL408
                work()
        """,
    ],
)
def test_silent(source: str) -> None:
    assert _lines(source) == []


def test_an_await_in_a_nested_coroutine_does_not_count() -> None:
    source = """
    import asyncio

    async def schedule(loop, work):
        async with asyncio.timeout(1):
            async def inner():
                await work()
            loop.create_task(inner())
    """
    assert _lines(source) == [4]


def test_nested_blocks_are_judged_each_on_its_own_body() -> None:
    source = """
    import trio

    async def main(stream):
        with trio.move_on_after(5):
            with trio.fail_after(1):
                stream.prepare()
            await stream.send_all(b"x")
    """
    assert _lines(source) == [5]


def test_later_items_of_a_sync_with_are_no_checkpoint() -> None:
    source = """
    import trio

    async def main(path):
        with trio.move_on_after(1), open(path) as handle:
            return handle.read()
    """
    assert _lines(source) == [4]


def test_the_async_timeout_package_and_aliases() -> None:
    source = """
    import async_timeout
    from asyncio import timeout_at as deadline

    async def main(loop, work):
        async with async_timeout.timeout(1):
            work()
        async with deadline(loop.time() + 1):
            work()
    """
    assert _lines(source) == [5, 7]
