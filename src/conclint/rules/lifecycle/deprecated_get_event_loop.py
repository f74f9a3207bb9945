"""CCL404: asyncio.get_event_loop() in a coroutine, or where no loop runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from conclint.fixes.plan import FixPlan
from conclint.knowledge.lifecycle import (
    GET_EVENT_LOOP,
    GET_EVENT_LOOP_TOKENS,
    GET_RUNNING_LOOP,
    LOOP_RUNNERS,
    PATCHES_GET_EVENT_LOOP,
    SETS_LOOP_TOKEN,
)
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.lifecycle.common import BranchFacts, version
from conclint.syntax.traversal import nodes_within

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.core.settings import Settings


@dataclass
class _Function:
    """One open function: its sync-code `get_event_loop()` calls with their statements, and
    whether it runs a loop itself; the calls are reported when it ends having run one."""

    calls: list[tuple[cst.Call, cst.CSTNode | None]] = field(default_factory=list)
    runs_loop: bool = False
    # It has applied nest_asyncio: a later `get_event_loop()` is the patched one.
    patched: bool = False


class DeprecatedGetEventLoop(BranchFacts[bool], Rule):
    """
    ## What it does
    Finds `asyncio.get_event_loop()` called inside an `async def`, where
    `asyncio.get_running_loop()` says what is meant; and called where no event loop can be
    running: at module level (the `__main__` block included), or in a sync function that goes
    on to run a loop itself (`loop.run_until_complete(...)` or `loop.run_forever()`, which
    raise under a running loop).

    Not reported: a sync function that runs no loop, since it may be called from a coroutine or
    a callback, where a loop is running and `get_event_loop()` returns it; any call outside a
    coroutine in a file that calls `asyncio.set_event_loop(...)`, after which
    `get_event_loop()` returns the loop that was set, on every version; a call after
    `nest_asyncio.apply()` in the same function, whose patched `get_event_loop()` makes and
    sets a loop itself; a call after a statement of its block, or of a block around it in the
    same function or module, that calls `get_event_loop()` itself (that first call makes and
    sets the loop, or raises, so only it is reported); a call outside a
    coroutine in a branch that runs only before Python 3.12 (`if sys.version_info < (3, 10):`,
    the `else` of `if sys.version_info >= (3, 10):` or of a module-level flag set to that
    test), where it neither warns nor raises, or only while a loop runs (`if loop and
    loop.is_running():`, where it returns that loop); calls in lambdas and in class bodies. A sync
    function called only from coroutines is not followed (the rule is
    local to the file): only the coroutine's own calls count as made in a coroutine.

    ## Why is this bad?
    Outside a running loop, `get_event_loop()` falls back on the loop policy: it makes a loop
    for the main thread if none was set, emits a `DeprecationWarning` for doing so since
    Python 3.12, and raises `RuntimeError` ("There is no current event loop") since Python
    3.14. Code written that way stops working on 3.14.

    Inside a coroutine it returns the running loop, as `get_running_loop()` does, but the
    asyncio documentation prefers `get_running_loop()` there: it says what the code relies
    on, never falls back on the policy, and raises at once when no loop runs.

    ## Example
    ```python
    import asyncio

    async def read_later(reader):
        loop = asyncio.get_event_loop()
        return await loop.run_in_executor(None, reader.read)

    def main():
        loop = asyncio.get_event_loop()
        loop.run_until_complete(serve())
    ```

    ## Use instead
    ```python
    import asyncio

    async def read_later(reader):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, reader.read)

    def main():
        asyncio.run(serve())
    ```
    or, where the loop must outlive one call, `loop = asyncio.new_event_loop()` followed by
    `asyncio.set_event_loop(loop)`.

    ## Fix safety
    In a coroutine, the safe fix writes `asyncio.get_running_loop()` in place of
    `asyncio.get_event_loop()` (the same module name, however it was imported): a coroutine
    runs on the loop it would get either way. It is offered when the call is spelled as an
    attribute of the `asyncio` module (a `from asyncio import get_event_loop` would be left
    unused or need a second import, so that spelling gets the words only) and `target-version`
    is 3.7 or later. Outside a coroutine there is no fix: whether `asyncio.run()` or a loop of
    your own suits the code is a choice about its structure.

    ## Options
    - `target-version`: the message outside a coroutine says what happens on the oldest
      Python you support (a warning on 3.12 and 3.13, an error from 3.14).

    ## References
    - [asyncio.get_event_loop](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.get_event_loop)
    - [asyncio.get_running_loop](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.get_running_loop)
    - [asyncio.run](https://docs.python.org/3/library/asyncio-runner.html#asyncio.run)
    - [What's new in Python 3.14: asyncio](https://docs.python.org/3.14/whatsnew/3.14.html#id8)
    """

    CODE = "CCL404"
    NAME = "deprecated-get-event-loop"
    MESSAGE = "{message}"
    REQUIRED_TOKENS = GET_EVENT_LOOP_TOKENS

    VALID = (
        # dspy's `run_async`: inside a running loop (Jupyter) it nests the loop with
        # nest_asyncio and runs the coroutine on it; `get_event_loop()` returns that loop there.
        Valid(
            """
            import asyncio

            import nest_asyncio

            def run_async(coro):
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    loop = None
                if loop and loop.is_running():
                    nest_asyncio.apply()
                    return asyncio.get_event_loop().run_until_complete(coro)
                return asyncio.run(coro)
            """
        ),
        # textual's App.run: the loop is fetched only on Pythons where that never warns.
        Valid(
            """
            import asyncio
            import sys

            _GET_EVENT_LOOP_IS_DEPRECATED = sys.version_info >= (3, 10, 0)

            def run(main):
                if _GET_EVENT_LOOP_IS_DEPRECATED:
                    asyncio.run(main())
                else:
                    loop = asyncio.get_event_loop()
                    loop.run_until_complete(main())

            def run_old(main):
                if sys.version_info < (3, 10):
                    asyncio.get_event_loop().run_until_complete(main())
                else:
                    asyncio.run(main())
            """
        ),
        Valid(
            """
            import asyncio

            async def read_later(reader):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, reader.read)

            def main():
                asyncio.run(read_later(None))
            """
        ),
        Valid(
            """
            import asyncio

            def schedule(callback):
                loop = asyncio.get_event_loop()
                loop.call_soon(callback)
            """
        ),
        Valid(
            """
            import asyncio

            def main(serve):
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                asyncio.get_event_loop().run_until_complete(serve())
            """
        ),
        # langflow's graph runner: nest_asyncio's `get_event_loop()` makes a loop when none
        # runs. (Its `step()`, which applies nothing, is reported: see INVALID.)
        Valid(
            """
            import asyncio

            import nest_asyncio

            def run(graph):
                nest_asyncio.apply()
                loop = asyncio.get_event_loop()
                return loop.run_until_complete(graph.process())
            """
        ),
        Valid(
            """
            import asyncio

            class Runner:
                def __init__(self):
                    self.loop = asyncio.new_event_loop()

                def run(self, job):
                    return self.loop.run_until_complete(job())

            def current():
                return asyncio.get_event_loop()
            """
        ),
    )
    INVALID = (
        # langflow's graph: `start()` applies nest_asyncio, `step()` does not and runs a loop.
        Invalid(
            """
            import asyncio

            import nest_asyncio

            class Graph:
                def start(self):
                    nest_asyncio.apply()
                    return asyncio.get_event_loop().run_until_complete(self.process())

                def step(self):
                    loop = asyncio.get_event_loop()
                    return loop.run_until_complete(self.process())
            """,
            line=11,
        ),
        # A version test that lets 3.12 and 3.13 in: there it warns.
        Invalid(
            """
            import asyncio
            import sys

            def run(main):
                if sys.version_info < (3, 14):
                    loop = asyncio.get_event_loop()
                    loop.run_until_complete(main())
                else:
                    asyncio.run(main())
            """,
            line=6,
        ),
        Invalid(
            """
            import asyncio

            async def read_later(reader):
                loop = asyncio.get_event_loop()
                return await loop.run_in_executor(None, reader.read)
            """,
            line=4,
            column=12,
            message_contains=("inside a coroutine", "asyncio.get_running_loop()"),
            fixed="""
            import asyncio

            async def read_later(reader):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, reader.read)
            """,
        ),
        Invalid(
            """
            import asyncio as aio

            class Client:
                async def connect(self):
                    self.loop = aio.get_event_loop()
                    await aio.sleep(0)
                    return aio.get_event_loop().time()
            """,
            line=5,
            count=2,
            fixed="""
            import asyncio as aio

            class Client:
                async def connect(self):
                    self.loop = aio.get_running_loop()
                    await aio.sleep(0)
                    return aio.get_running_loop().time()
            """,
        ),
        Invalid(
            """
            from asyncio import get_event_loop

            async def now():
                return get_event_loop().time()
            """,
            line=4,
            message_contains=("asyncio.get_running_loop()",),
        ),
        Invalid(
            """
            import asyncio

            def main(serve):
                loop = asyncio.get_event_loop()
                loop.run_until_complete(serve())
            """,
            line=4,
            message_contains=("no event loop is running", "warns from Python 3.12", "raises RuntimeError from 3.14", "asyncio.run("),
        ),
        # Only the first call made where no loop was set warns or raises: it sets the loop
        # it makes, which the call in the `__main__` block then returns (hbmqtt's samples).
        Invalid(
            """
            import asyncio

            loop = asyncio.get_event_loop()

            if __name__ == "__main__":
                asyncio.get_event_loop().run_forever()
            """,
            line=3,
            count=1,
        ),
        # The same calls with the first under a test: where it is skipped, the second is
        # the first to run.
        Invalid(
            """
            import asyncio
            import sys

            if sys.argv[1:]:
                loop = asyncio.get_event_loop()

            if __name__ == "__main__":
                asyncio.get_event_loop().run_forever()
            """,
            line=5,
            count=2,
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._functions: list[_Function] = []
        self._sets_loop = SETS_LOOP_TOKEN in facts.source_bytes

    def branch_fact(self, test: cst.BaseExpression, taken: bool) -> bool:
        """Whether `get_event_loop()` can neither warn nor raise in the branch: it runs only on
        Pythons older than WARNS_FROM, or only while a loop runs."""
        return self._before_warnings(test, taken) or _loop_running(test, taken)

    def _before_warnings(self, test: cst.BaseExpression, taken: bool) -> bool:
        """Whether the branch where `test` is `taken` runs only before Python WARNS_FROM
        (`if sys.version_info < (3, 10):`, the `else` of `if sys.version_info >= (3, 10):`,
        or of a module-level flag set to such a comparison)."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self._before_warnings(test.expression, not taken)
        if isinstance(test, cst.Name):
            binding = self.facts.module_scope.lookup(test.value)
            if binding is None or binding.kind != "assign" or not isinstance(binding.node, cst.BaseExpression):
                return False
            test = binding.node
        bound = _version_bound(test, self.facts)
        return bound is not None and bound[1] == taken and bound[0] <= WARNS_FROM

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._functions.append(_Function())

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        function = self._functions.pop()
        if function.runs_loop:
            for call, statement in function.calls:
                self.report(call, statement=statement, suggestion=_SYNC_SUGGESTION, message=self._sync_message(call))

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.facts
        symbol = facts.resolve(node.func)
        if symbol is None or symbol.local or symbol.instance:
            return
        if symbol.qualname in LOOP_RUNNERS or symbol.qualname == PATCHES_GET_EVENT_LOOP:
            if self._functions and facts.frame.kind == "function":
                if symbol.qualname == PATCHES_GET_EVENT_LOOP:
                    self._functions[-1].patched = True
                else:
                    self._functions[-1].runs_loop = True
            return
        if symbol.qualname != GET_EVENT_LOOP:
            return
        frame = facts.frame
        if facts.in_coroutine:
            self.report(
                node,
                message=f"`{_spelling(node)}()` inside a coroutine: `asyncio.get_running_loop()` returns the same "
                "loop and never falls back on making one",
                suggestion="Call `asyncio.get_running_loop()` instead.",
                fix=self._fix(node),
            )
        elif self._sets_loop:
            return  # get_event_loop() may return the loop set_event_loop() set
        elif self._functions and self._functions[-1].patched and frame.kind == "function":
            return  # nest_asyncio's get_event_loop() makes the loop it returns
        elif any(self.branch_facts):
            return  # runs only on Pythons where it neither warns nor raises
        elif self._got_loop_before(node):
            return  # an earlier call of the same block made and set the loop, or raised
        elif frame.kind == "module":
            self.report(node, suggestion=_SYNC_SUGGESTION, message=self._sync_message(node))
        elif frame.kind == "function" and self._functions and not facts.unreachable:
            self._functions[-1].calls.append((node, facts.current_statement))

    def _got_loop_before(self, call: cst.Call) -> bool:
        """Whether a statement before the one holding `call`, in its block or a block around
        it within the same function or module (a simple statement, not one nested in a
        branch), calls `get_event_loop()` itself: where no loop was set that first call
        makes one and sets it (warning from 3.12) or raises (from 3.14), so this one neither
        warns nor raises (hbmqtt's samples: `loop = asyncio.get_event_loop()`, then
        `asyncio.get_event_loop().run_forever()`)."""
        facts = self.facts
        for block, earlier in facts.blocks_around():
            for statement in earlier:
                if isinstance(statement, cst.SimpleStatementLine) and any(
                    inner is not call and _resolves_to(inner, GET_EVENT_LOOP, facts) for inner in nodes_within(statement, (cst.Call,))
                ):
                    return True
            if isinstance(block, (cst.FunctionDef, cst.ClassDef)):
                return False
        return False

    def _sync_message(self, call: cst.Call) -> str:
        """What happens to the call where no loop runs, on the oldest Python supported."""
        target = version(self.settings.target_version)
        if target >= (3, 14):
            consequence = "it raises RuntimeError when no loop was set"
        elif target >= (3, 12):
            consequence = "it warns (DeprecationWarning) when no loop was set, and raises RuntimeError from 3.14"
        else:
            consequence = "it warns from Python 3.12 when no loop was set, and raises RuntimeError from 3.14"
        return f"`{_spelling(call)}()` where no event loop is running: {consequence}"

    def _fix(self, call: cst.Call) -> FixPlan | None:
        """`asyncio.get_event_loop()` -> `asyncio.get_running_loop()`, keeping the module's
        name as written; None for other spellings or a target older than 3.7."""
        func = call.func
        if call.args or not isinstance(func, cst.Attribute) or version(self.settings.target_version) < (3, 7):
            return None
        module = self.facts.resolve(func.value)
        if module is None or module.local or module.instance or module.qualname != "asyncio":
            return None
        return FixPlan(
            description="Use asyncio.get_running_loop()",
            safe=True,
            expressions=((func.attr, cst.Name(GET_RUNNING_LOOP)),),
        )


_SYNC_SUGGESTION = (
    "Run the coroutine with `asyncio.run(...)`, or make the loop yourself: "
    "`loop = asyncio.new_event_loop()` then `asyncio.set_event_loop(loop)`."
)


# The first Python whose get_event_loop() warns where no loop runs.
WARNS_FROM = (3, 12)


def _version_bound(test: cst.BaseExpression, facts: FileFacts) -> tuple[tuple[int, int], bool] | None:
    """`sys.version_info < (3, 10)` (or `(3, 10) > sys.version_info`) as ((3, 10), True): the
    test holds exactly on Pythons older than 3.10; `sys.version_info >= (3, 10)` as
    ((3, 10), False). None for any other test."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator, comparator = test.comparisons[0].operator, test.comparisons[0].comparator
    if _is_version_info(test.left, facts):
        older, bound = _OLDER_WHEN_LEFT.get(type(operator)), comparator
    elif _is_version_info(comparator, facts):
        older, bound = _OLDER_WHEN_RIGHT.get(type(operator)), test.left
    else:
        return None
    if older is None or not isinstance(bound, cst.Tuple) or len(bound.elements) < 2:
        return None
    numbers = [element.value for element in bound.elements[:2]]
    if not all(isinstance(number, cst.Integer) for number in numbers):
        return None
    return (int(numbers[0].value), int(numbers[1].value)), older  # type: ignore[attr-defined]


# Whether a comparison with sys.version_info holds on the older Pythons: `version_info < B`
# and `B > version_info` do, `version_info >= B` and `B <= version_info` on the newer ones.
_OLDER_WHEN_LEFT = {cst.LessThan: True, cst.GreaterThanEqual: False}
_OLDER_WHEN_RIGHT = {cst.GreaterThan: True, cst.LessThanEqual: False}


def _is_version_info(node: cst.BaseExpression, facts: FileFacts) -> bool:
    symbol = facts.resolve(node)
    return symbol is not None and not symbol.local and symbol.qualname == "sys.version_info"


def _resolves_to(call: cst.CSTNode, qualname: str, facts: FileFacts) -> bool:
    symbol = facts.resolve(call.func)  # type: ignore[attr-defined]
    return symbol is not None and not symbol.local and not symbol.instance and symbol.qualname == qualname


def _spelling(call: cst.Call) -> str:
    """How the source names the callee, as short as `asyncio.get_event_loop`."""
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return f"{func.value.value}.{func.attr.value}"
    if isinstance(func, cst.Name):
        return func.value
    return "asyncio.get_event_loop"


def _loop_running(test: cst.BaseExpression, taken: bool) -> bool:
    """Whether the branch where `test` is `taken` runs only while a loop runs: `if
    loop.is_running():`, `if loop and loop.is_running():`, the `else` of `if not
    loop.is_running():` (dspy's `run_async`, which then nests the loop with nest_asyncio)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _loop_running(test.expression, not taken)
    if isinstance(test, cst.BooleanOperation):
        if isinstance(test.operator, cst.And) and taken:
            return _loop_running(test.left, True) or _loop_running(test.right, True)
        return False
    return (
        taken
        and isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_running"
        and not test.args
    )
