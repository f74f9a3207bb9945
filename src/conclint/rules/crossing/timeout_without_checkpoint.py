"""CCL408: a timeout or cancel-scope block with no checkpoint inside, which can never fire."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.knowledge.crossing import TIMEOUT_SCOPES, TIMEOUT_TOKENS, TimeoutScope
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.crossing.checkpoints import AsyncCheckpoints
from conclint.syntax.prefilter import COROUTINE

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.core.settings import Settings


@dataclass
class _Block:
    """One open timeout block: its call, the catalog entry, the depth of the frame its body
    runs in (a checkpoint in a nested def or lambda is at a greater depth and does not count)
    and whether a checkpoint was seen in it."""

    call: cst.Call
    scope: TimeoutScope
    name: str
    depth: int
    checkpoint: bool = False


class TimeoutWithoutCheckpoint(AsyncCheckpoints, Rule):
    """
    ## What it does
    Finds a timeout or cancel-scope block in a coroutine whose body holds no checkpoint: no
    `await`, `async for`, `async with` or `yield` outside nested functions and lambdas.

    The blocks are `async with asyncio.timeout(...)` and `timeout_at`
    (and aio-libs' `async_timeout`), trio's `move_on_after`, `move_on_at`, `fail_after`,
    `fail_at` and `CancelScope`, and anyio's `move_on_after`, `fail_after` and `CancelScope`.

    Not reported: a block with any checkpoint inside, however deep in its `if`s and loops; a
    `yield` inside it (an async generator or context manager hands control to code that may
    await); an `async with` whose later items are entered inside the timeout (their
    `__aenter__` is awaited there); a block in a sync function. `asyncio.wait_for(...)` is a
    call that awaits its argument, not a block, and is never reported.

    ## Why is this bad?
    A deadline or a `cancel()` is delivered to the code inside the block only when that code
    reaches a checkpoint, where it gives control back to the event loop. A block without one
    runs to its end whatever the deadline: the timeout never raises, `move_on_after` never
    skips anything, and a shielded or cancelled scope protects or cancels nothing. The
    usual cause is a call that was meant to be awaited, or an `await` that moved out of the
    block in a refactoring; the block then suggests a bound on time that does not exist.

    ## Example
    ```python
    import asyncio

    async def fetch(client, url):
        async with asyncio.timeout(10):
            request = client.build_request(url)
        return await client.send(request)
    ```

    ## Use instead
    ```python
    import asyncio

    async def fetch(client, url):
        async with asyncio.timeout(10):
            request = client.build_request(url)
            return await client.send(request)
    ```

    ## Fix safety
    There is no automatic fix: which awaited code the block was meant to bound is for the
    author to say.

    ## Options
    No options.

    ## References
    - [asyncio.timeout](https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout)
    - [trio: checkpoints](https://trio.readthedocs.io/en/stable/reference-core.html#checkpoints)
    - [trio: cancellation and timeouts](https://trio.readthedocs.io/en/stable/reference-core.html#cancellation-and-timeouts)
    - [anyio: cancellation and timeouts](https://anyio.readthedocs.io/en/stable/cancellation.html)
    """

    CODE = "CCL408"
    NAME = "timeout-without-checkpoint"
    MESSAGE = "{message}"
    REQUIRED_TOKENS = TIMEOUT_TOKENS
    REQUIRED_PATTERN = COROUTINE

    VALID = (
        Valid(
            """
            import asyncio

            async def fetch(client, url):
                async with asyncio.timeout(10):
                    request = client.build_request(url)
                    return await client.send(request)
            """
        ),
        Valid(
            """
            import trio

            async def drain(stream, chunks):
                with trio.move_on_after(5):
                    for chunk in chunks:
                        if chunk:
                            await stream.send_all(chunk)
            """
        ),
        Valid(
            """
            import anyio

            async def wait_ready(events):
                with anyio.fail_after(1):
                    async for event in events:
                        return event
            """
        ),
        Valid(
            """
            import asyncio

            async def run(lock):
                async with asyncio.timeout(1), lock:
                    pass
            """
        ),
        Valid(
            """
            import contextlib
            import trio

            @contextlib.asynccontextmanager
            async def bounded():
                with trio.fail_after(3):
                    yield
            """
        ),
        Valid(
            """
            import asyncio

            async def fetch(client, url):
                return await asyncio.wait_for(client.get(url), timeout=10)
            """
        ),
        Valid(
            """
            import trio

            def sync_helper(work):
                with trio.move_on_after(1):
                    work()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import asyncio

            async def fetch(client, url):
                async with asyncio.timeout(10):
                    request = client.build_request(url)
                return await client.send(request)
            """,
            line=4,
            column=16,
            message_contains=("asyncio.timeout(...)", "no checkpoint", "raise TimeoutError", "Move the awaited code"),
        ),
        Invalid(
            """
            from trio import move_on_after

            async def poll(sensor):
                with move_on_after(0.5) as scope:
                    value = sensor.read()

                    async def later():
                        await sensor.flush()
                return value, scope.cancelled_caught
            """,
            line=4,
            column=10,
            message_contains=("trio.move_on_after(...)", "skip the rest of the block"),
        ),
        Invalid(
            """
            import anyio

            async def close(resource):
                with anyio.CancelScope(shield=True):
                    resource.close()
                await anyio.sleep(0)
            """,
            line=4,
            message_contains=("anyio.CancelScope(...)",),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._blocks: list[_Block] = []
        # Per `with` statement being visited, whether it opened a block (its body's leave pops).
        self._opened: list[bool] = []

    def visit_With_body(self, node: cst.With) -> None:
        block = self._block(node) if self.facts.in_coroutine else None
        self._opened.append(block is not None)
        if block is not None:
            self._blocks.append(block)

    def leave_With_body(self, node: cst.With) -> None:
        if not self._opened.pop():
            return
        block = self._blocks.pop()
        if not block.checkpoint:
            self.report(block.call, statement=node, message=_message(block), suggestion=_SUGGESTION)

    def visit_Await(self, node: cst.Await) -> None:
        self._checkpoint()

    def visit_Yield(self, node: cst.Yield) -> None:
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Mark the open blocks whose body runs in the current frame as holding a checkpoint."""
        if not self._blocks:
            return
        depth = len(self.facts.frames)
        for block in reversed(self._blocks):
            if block.depth == depth:
                block.checkpoint = True

    def _block(self, node: cst.With) -> _Block | None:
        """The first timeout item of `node`, unless later items of an `async with` are awaited
        inside it."""
        items = node.items
        for index, item in enumerate(items):
            call = item.item
            if not isinstance(call, cst.Call):
                continue
            name = self.facts.qualified_name(call.func)
            scope = TIMEOUT_SCOPES.get(name) if name is not None else None
            if scope is None:
                continue
            if node.asynchronous is not None and index < len(items) - 1:
                return None
            return _Block(call, scope, name or "", len(self.facts.frames))
        return None


_SUGGESTION = "Move the awaited code the block should bound inside it, or remove the block."


def _message(block: _Block) -> str:
    """Names the block and what its deadline or cancellation would have done."""
    return (
        f"`{block.name}(...)` block with no checkpoint (`await`, `async for`, `async with`) inside: "
        f"it can never {block.scope.effect}, as cancellation is only delivered at a checkpoint"
    )
