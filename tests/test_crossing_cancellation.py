"""CCL407 (cancellation-swallowed): which handlers keep a task from being cancelled, beyond the
rule's examples."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source

SETTINGS = dataclasses.replace(Settings(), select=("CCL407",))


def _found(source: str) -> list:
    return lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", SETTINGS)


def _lines(source: str) -> list[int]:
    return [d.line for d in _found(source)]


@pytest.mark.parametrize(
    "source",
    [
        # Exception does not catch CancelledError since 3.8
        """
        import asyncio

        async def pump(queue):
            while True:
                try:
                    await queue.get()
                except Exception:
                    pass
        """,
        # an earlier handler takes the cancellation and re-raises it
        """
        import asyncio

        async def pump(queue):
            while True:
                try:
                    await queue.get()
                except asyncio.CancelledError:
                    raise
                except BaseException:
                    pass
        """,
        # a conditional re-raise: the handler decides whose cancellation it is
        """
        import asyncio

        async def pump(queue, stopping):
            while True:
                try:
                    await queue.get()
                except asyncio.CancelledError:
                    if stopping():
                        raise
        """,
        # a return after the try ends the loop's task
        """
        import asyncio

        async def once(queue):
            while True:
                try:
                    item = await queue.get()
                except asyncio.CancelledError:
                    item = None
                return item
        """,
        # the loop tests what the handler sets
        """
        import asyncio

        async def pump(queue):
            cancelled = False
            for _ in range(10):
                try:
                    await queue.get()
                except asyncio.CancelledError:
                    cancelled = True
                if cancelled:
                    break
        """,
        # a loop around the whole try that the handler's body ends through a method
        """
        import asyncio

        async def pump(self, queue):
            while not self.stopped.is_set():
                try:
                    await queue.get()
                except asyncio.CancelledError:
                    self.stopped.set()
        """,
        # awaiting a task of someone else's: its CancelledError may be that task's
        """
        import asyncio

        async def watch(tasks):
            for task in tasks:
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        """,
        """
        import asyncio

        async def watch(groups):
            for tasks in groups:
                try:
                    await asyncio.gather(*tasks)
                except asyncio.CancelledError:
                    pass
        """,
        # a try with nothing awaited cannot be where the cancellation arrives
        """
        import asyncio

        async def spin(work):
            while True:
                try:
                    work()
                except BaseException:
                    pass
                await asyncio.sleep(1)
        """,
        # a sync function: no task to cancel
        """
        import asyncio

        def loop_forever(work):
            while True:
                try:
                    work()
                except BaseException:
                    pass
        """,
        # a shut-down coroutine by its name's words
        """
        import asyncio

        async def close_all(connections):
            for connection in connections:
                try:
                    await connection.close()
                except asyncio.CancelledError:
                    pass
        """,
        # trio re-raises at the next checkpoint: outside a loop the task still ends
        """
        import trio

        async def step(stream):
            try:
                await stream.receive_some()
            except trio.Cancelled:
                pass
            await stream.aclose()
        """,
        # concurrent.futures.CancelledError is not asyncio's
        """
        import asyncio
        import concurrent.futures

        async def pump(queue):
            while True:
                try:
                    await queue.get()
                except concurrent.futures.CancelledError:
                    pass
        """,
    ],
)
def test_silent(source: str) -> None:
    assert _lines(source) == []


def test_a_handler_in_a_nested_loop_reports_the_inner_loop() -> None:
    source = """
    import asyncio

    async def serve(servers):
        for server in servers:
            while True:
                try:
                    await server.accept()
                except (OSError, asyncio.CancelledError):
                    continue
    """
    found = _found(source)
    assert [d.line for d in found] == [8]
    assert "loop on line 5 runs again" in found[0].message


def test_a_break_leaves_only_the_inner_loop() -> None:
    source = """
    import asyncio

    async def serve(servers):
        while True:
            for server in servers:
                try:
                    await server.accept()
                except asyncio.CancelledError:
                    pass
                break
    """
    found = _found(source)
    assert [d.line for d in found] == [8]
    assert "loop on line 4 runs again" in found[0].message


def test_the_file_library_names_what_a_catch_all_catches() -> None:
    source = """
    import anyio

    async def tick(send):
        while True:
            try:
                await send(1)
            except BaseException:
                pass
    """
    found = _found(source)
    assert [d.line for d in found] == [7]
    assert "catches anyio.get_cancelled_exc_class()" in found[0].message
    assert "except anyio.get_cancelled_exc_class(): raise" in found[0].suggestion


def test_a_suppression_comment_on_the_except_line() -> None:
    source = """
    import asyncio

    async def pump(queue):
        while True:
            try:
                await queue.get()
            except asyncio.CancelledError:  # noqa: CCL407
                pass
    """
    assert _lines(source) == []


@pytest.mark.parametrize(
    "handler",
    [
        "state.failed(sys.exc_info())",
        "state.failed(error)",
    ],
)
def test_a_handler_that_keeps_the_exception_for_later(handler: str) -> None:
    """A retry loop that stores what it caught re-raises it when its policy says stop."""
    source = f"""
    import sys

    async def call(state, fn):
        while True:
            try:
                return await fn()
            except BaseException as error:
                {handler}
    """
    assert _lines(source) == []
    assert _lines(source.replace(handler, "state.failed(None)")) == [7]
