"""The shared check behind every CCL1 rule: a catalogued blocking call made from a coroutine.

Each CCL1 rule picks one category of the blocking catalog; the engine runs them all in the
same traversal and `FileFacts.blocking_call` resolves each call only once for all of them.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from conclint.analysis.facts import BlockingMatch
from conclint.knowledge.blocking import Category
from conclint.rule import Rule


class BlockingCallInCoroutine(Rule):
    """Abstract: reports calls of `CATEGORY` made directly in a coroutine and not awaited."""

    CATEGORY: ClassVar[Category]
    MESSAGE = "{call} blocks the event loop; use {replacement} instead"
    # A coroutine is an `async def`.
    REQUIRED_TOKENS = (b"async",)

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.facts
        if not facts.in_coroutine or facts.is_awaited(node):
            return
        match = facts.blocking_call(node)
        if match is not None and match.entry.category is self.CATEGORY:
            self._report(node, match)

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None or not self.facts.in_coroutine:
            return
        for item in node.items:
            match = self.facts.blocking_with_item(item)
            if match is not None and match.entry.category is self.CATEGORY:
                self._report(item.item, match)

    def _report(self, node: cst.CSTNode, match: BlockingMatch) -> None:
        library = self.facts.library
        entry = match.entry
        replacement = entry.replacement(library, match.callee)
        call = match.display if match.display.startswith("`") else f"`{match.display}`"
        suggestion = f"Replace {call} with {replacement}"
        if match.callee is not None and entry.remedy.offloadable:
            offload = entry.offload(library, match.callee)
            if replacement != offload:
                suggestion += f", or run it in a worker thread: {offload}"
        self.report(node, suggestion=suggestion + ".", call=call, replacement=replacement)
