"""Where a coroutine may be suspended besides `await`: `async with` and `async for` (in
comprehensions too). CCL407 and CCL408 both ask; each says what an `await` means itself."""

from __future__ import annotations

import libcst as cst


class AsyncCheckpoints:
    """Mixin for a rule: calls its `_checkpoint()` at each `async with`, `async for` and
    `async` comprehension clause."""

    def _checkpoint(self) -> None:
        raise NotImplementedError

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._checkpoint()

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self._checkpoint()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self._checkpoint()
