"""The catalog of the rules where threads, event loops and cancellation cross (CCL406-CCL408):
timeout and cancel-scope blocks, the exceptions that carry cancellation, and the tokens that
let a file without them skip those rules.

Names are resolved names (`conclint.analysis.symbols`): `from trio import move_on_after as
later` still resolves `later(1)` to `trio.move_on_after`.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple


class TimeoutScope(NamedTuple):
    """A context manager whose deadline or cancellation can only take effect at a checkpoint
    inside it: `library` names it in messages, `effect` says what the missed deadline would
    have done."""

    library: str
    effect: str


_MOVE_ON = "skip the rest of the block"
_FAIL = "raise TooSlowError"
_CANCEL = "cancel the code inside it"

# CCL408: `with` (trio, anyio) or `async with` (asyncio, async_timeout) items whose deadline
# or `cancel()` only acts when the code inside reaches an `await`, `async for` or `async with`.
# `asyncio.wait_for` is a call that awaits its argument, not a block: it is not here.
TIMEOUT_SCOPES: Mapping[str, TimeoutScope] = {
    "asyncio.timeout": TimeoutScope("asyncio", "raise TimeoutError"),
    "asyncio.timeout_at": TimeoutScope("asyncio", "raise TimeoutError"),
    "asyncio.timeouts.timeout": TimeoutScope("asyncio", "raise TimeoutError"),
    "asyncio.timeouts.timeout_at": TimeoutScope("asyncio", "raise TimeoutError"),
    # aio-libs' backport of asyncio.timeout, with the same semantics.
    "async_timeout.timeout": TimeoutScope("async_timeout", "raise TimeoutError"),
    "async_timeout.timeout_at": TimeoutScope("async_timeout", "raise TimeoutError"),
    "trio.move_on_after": TimeoutScope("trio", _MOVE_ON),
    "trio.move_on_at": TimeoutScope("trio", _MOVE_ON),
    "trio.fail_after": TimeoutScope("trio", _FAIL),
    "trio.fail_at": TimeoutScope("trio", _FAIL),
    "trio.CancelScope": TimeoutScope("trio", _CANCEL),
    "anyio.move_on_after": TimeoutScope("anyio", _MOVE_ON),
    "anyio.fail_after": TimeoutScope("anyio", "raise TimeoutError"),
    "anyio.CancelScope": TimeoutScope("anyio", _CANCEL),
}
# Every spelling of the names above holds one of these.
TIMEOUT_TOKENS = (b"timeout", b"move_on_", b"fail_a", b"CancelScope")
