"""CCL407: a handler in a coroutine that catches cancellation, keeps it, and goes on awaiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import libcst as cst

from conclint.analysis.scopes import dotted_name
from conclint.knowledge.crossing import (
    BARE_EXCEPT,
    CANCELLATION_CATCHES,
    CANCELLATION_NAMES,
    CANCELLATION_METHODS,
    CANCELLATION_TOKENS,
    CANCELLED_CLASS_GETTERS,
    LEVEL_TRIGGERED,
    SHUTDOWN_FUNCTIONS,
    SHIELD,
    TASK_COMBINATORS,
    CancellationCatch,
)
from conclint.knowledge.processes import EXITS_PROCESS
from conclint.rules.base import Invalid, LineOf, Rule, Valid
from conclint.rules.crossing.checkpoints import AsyncCheckpoints
from conclint.syntax.prefilter import COROUTINE

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.core.settings import Settings

_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Calls that take the exception being handled, to keep it for later (tenacity stores
# `sys.exc_info()` and re-raises it on its next round when the retry policy says stop).
_CAPTURES = frozenset({"sys.exc_info", "sys.exception"})


@dataclass
class _Try:
    """An open `try` body: the frame depth it runs in, whether it awaits, and whether it
    awaits a task or future that already exists (whose cancellation may be someone else's)."""

    node: cst.Try
    depth: int
    checkpoint: bool = False
    foreign: bool = False


@dataclass
class _Candidate:
    """A handler that catches cancellation and does not leave: judged when its function ends,
    by what runs after it."""

    handler: cst.ExceptHandler
    target: cst.Try
    catch: CancellationCatch
    library: str


@dataclass
class _Function:
    """An open function: its candidates, and whether it cancels something itself."""

    node: cst.FunctionDef
    cancels: bool = False
    candidates: list[_Candidate] = field(default_factory=list)


class CancellationSwallowed(AsyncCheckpoints, Rule):
    """
    ## What it does
    Finds an `except` clause in a coroutine that catches cancellation around code that awaits,
    inside a loop of the coroutine, and that neither re-raises nor leaves the loop: the loop runs
    again, so the task cannot be cancelled.

    Cancellation is caught by `except asyncio.CancelledError`, `except trio.Cancelled`,
    `except anyio.get_cancelled_exc_class()`, `except BaseException` and a bare `except:` (not
    by `except Exception`, since Python 3.8). Only the first such handler of a `try` counts.

    Not reported, because the code then manages cancellation on purpose or ends anyway: a
    handler holding any `raise`, `return` or `break`, or a call of `cancel()`, `uncancel()`,
    `cancelling()` or `sys.exit()`, or that keeps the exception (reads the name `as` binds,
    calls `sys.exc_info()`) for code that may raise it again; a handler outside a loop, after which the coroutine goes on
    to its end (waiting to be cancelled, then cleaning up, is a common design); a loop that an
    unconditional `return` or `break` after the `try` ends, or whose condition (or a later test
    of the loop) reads what the handler sets; a coroutine that calls `.cancel()` on something
    itself (cancel a task, then await it and ignore its `CancelledError`); a `try` whose body
    awaits an existing task or future (`await task`, `asyncio.gather(*tasks)`) or
    `asyncio.shield(...)`, or names the cancellation exception itself (`gen.athrow(...)`),
    whose `CancelledError` may not be this task's; a `try` nested in an `except` or `finally`
    block; shut-down coroutines (`__aexit__`, `aclose`, `on_stop`, `close_all` and the like).

    ## Why is this bad?
    Cancelling an asyncio task raises `CancelledError` at the `await` it is suspended in. A
    handler that keeps it turns the cancellation into nothing: the task runs on, and whatever
    waits for it to end waits on. `asyncio.timeout()` cannot raise `TimeoutError`, a
    `TaskGroup` cannot finish cancelling its other tasks, and `asyncio.run()` hangs at
    shutdown. The asyncio documentation asks for `CancelledError` to be re-raised after any
    clean-up.

    With trio and anyio the cancel scope stays cancelled, so the next checkpoint raises again;
    a loop that swallows it raises and swallows it on every pass and never ends.

    ## Example
    ```python
    import asyncio

    async def consume(queue, handle):
        while True:
            try:
                item = await queue.get()
                await handle(item)
            except asyncio.CancelledError:
                print("consumer cancelled")
            except Exception as error:
                print("failed:", error)
    ```

    ## Use instead
    ```python
    import asyncio

    async def consume(queue, handle):
        while True:
            try:
                item = await queue.get()
                await handle(item)
            except asyncio.CancelledError:
                print("consumer cancelled")
                raise
            except Exception as error:
                print("failed:", error)
    ```

    ## Fix safety
    There is no automatic fix: whether the task should re-raise, return or break is for the
    author to say.

    ## Options
    No options.

    ## References
    - [asyncio: task cancellation](https://docs.python.org/3/library/asyncio-task.html#task-cancellation)
    - [asyncio.CancelledError](https://docs.python.org/3/library/asyncio-exceptions.html#asyncio.CancelledError)
    - [trio.Cancelled](https://trio.readthedocs.io/en/stable/reference-core.html#trio.Cancelled)
    - [anyio: cancellation](https://anyio.readthedocs.io/en/stable/cancellation.html)
    """

    CODE = "CCL407"
    NAME = "cancellation-swallowed"
    MESSAGE = "{message}"
    REQUIRED_TOKENS = CANCELLATION_TOKENS
    REQUIRED_PATTERN = COROUTINE

    VALID = (
        Valid(
            """
            import asyncio

            async def consume(queue, handle):
                while True:
                    try:
                        await handle(await queue.get())
                    except asyncio.CancelledError:
                        print("consumer cancelled")
                        raise
            """
        ),
        Valid(
            """
            import asyncio

            async def consume(queue, handle):
                while True:
                    try:
                        await handle(await queue.get())
                    except asyncio.CancelledError:
                        break
                    except Exception:
                        continue
            """
        ),
        Valid(
            """
            import asyncio

            async def serve(server):
                try:
                    await server.serve_forever()
                except asyncio.CancelledError:
                    print("server stopped")
                server.close()
            """
        ),
        Valid(
            """
            import asyncio

            async def restart(worker):
                worker.task.cancel()
                try:
                    await worker.task
                except asyncio.CancelledError:
                    pass
                await worker.start()
            """
        ),
        Valid(
            """
            import asyncio

            class Connection:
                async def __aexit__(self, *exc_info):
                    try:
                        await self.flush()
                    except asyncio.CancelledError:
                        pass
                    await self.transport.close()
            """
        ),
        Valid(
            """
            import asyncio

            async def pump(source, sink):
                while True:
                    try:
                        await sink.send(await source.recv())
                    except Exception:
                        await asyncio.sleep(1)
            """
        ),
        Valid(
            """
            import asyncio

            async def run(job):
                try:
                    await job()
                finally:
                    try:
                        await job.cleanup()
                    except asyncio.CancelledError:
                        pass
                    await job.report()
            """
        ),
        Valid(
            """
            import asyncio

            async def operator(started, cleanup):
                started.set()
                try:
                    await asyncio.Event().wait()
                except asyncio.CancelledError:
                    pass
                await cleanup()
            """
        ),
        Valid(
            """
            import asyncio

            async def stop_all(agents):
                for agent in agents:
                    try:
                        await asyncio.shield(agent.stop())
                    except asyncio.CancelledError:
                        pass
            """
        ),
        Valid(
            """
            import asyncio

            async def check_generator(gen):
                for _ in range(2):
                    try:
                        await gen.athrow(asyncio.CancelledError())
                    except asyncio.CancelledError:
                        pass
            """
        ),
        Valid(
            """
            import asyncio

            class Poller:
                async def run(self, poll):
                    while self.running:
                        try:
                            await poll()
                        except asyncio.CancelledError:
                            self.running = False
            """
        ),
        # A flag an `if` of the loop tests, or that a method the loop's condition calls may read.
        Valid(
            """
            import asyncio

            class Worker:
                async def run(self, job):
                    while not self.stopped():
                        try:
                            await job()
                        except asyncio.CancelledError:
                            self._stop = True

                async def drain(self, queue):
                    done = False
                    while True:
                        try:
                            await queue.get()
                        except asyncio.CancelledError:
                            done = True
                        if done:
                            break
            """
        ),
    )
    INVALID = (
        # The handler records a status, which no test of the loop reads: the local `status`
        # the body assigns is another name (asyncua's KeepAlive.run, under its own FIXME).
        Invalid(
            """
            import asyncio

            async def keep_alive(client, info):
                while True:
                    try:
                        status = await client.read_status()
                        info.status = status
                    except asyncio.CancelledError:
                        info.status = None
                    await asyncio.sleep(1)
            """,
            line=8,
            message_contains=("asyncio.CancelledError",),
        ),
        Invalid(
            """
            import asyncio

            async def consume(queue, handle):
                while True:
                    try:
                        item = await queue.get()
                        await handle(item)
                    except asyncio.CancelledError:
                        print("consumer cancelled")
                    except Exception as error:
                        print("failed:", error)
            """,
            line=8,
            column=9,
            message_contains=("asyncio.CancelledError", "loop on line 4 runs again", "Re-raise it"),
        ),
        Invalid(
            """
            import asyncio

            async def heartbeat(connection):
                while connection.open:
                    try:
                        await connection.ping()
                        await asyncio.sleep(30)
                    except BaseException:
                        pass
            """,
            line=8,
            message_contains=("BaseException", "catches asyncio.CancelledError", "loop on line 4 runs again"),
        ),
        Invalid(
            """
            import trio

            async def reader(stream, handle):
                while True:
                    try:
                        handle(await stream.receive_some())
                    except:
                        continue
            """,
            line=7,
            message_contains=("trio.Cancelled", "every pass"),
        ),
        Invalid(
            """
            import anyio

            async def tick(send):
                for second in range(60):
                    try:
                        await send(second)
                        await anyio.sleep(1)
                    except anyio.get_cancelled_exc_class():
                        print("tick cancelled")
            """,
            line=8,
            message_contains=("anyio.get_cancelled_exc_class()", "every pass"),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._functions: list[_Function] = []
        self._tries: list[_Try] = []

    # ----- functions and what they do ----------------------------------------------------------

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._functions.append(_Function(node))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        function = self._functions.pop()
        if function.cancels or not function.candidates:
            return
        if _shuts_down(node.name.value):
            return
        for candidate in function.candidates:
            loop = _loop_going_on(node, candidate)
            if loop is not None:
                self.report(
                    candidate.handler,
                    statement=candidate.handler,
                    message=_message(candidate, loop),
                    suggestion=_suggestion(candidate),
                )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._functions and isinstance(func, cst.Attribute) and func.attr.value == "cancel":
            self._functions[-1].cancels = True

    # ----- try bodies and their checkpoints ----------------------------------------------------

    def visit_Try_body(self, node: cst.Try) -> None:
        self._tries.append(_Try(node, len(self.facts.frames)))

    def leave_Try_body(self, node: cst.Try) -> None:
        opened = self._tries.pop()
        if not opened.checkpoint or opened.foreign or not self.facts.in_coroutine or not self._functions:
            return
        candidate = self._candidate(node)
        if candidate is not None:
            self._functions[-1].candidates.append(candidate)

    def visit_Await(self, node: cst.Await) -> None:
        self._checkpoint(foreign=self._awaits_existing(node.expression))

    def _checkpoint(self, foreign: bool = False) -> None:
        """Mark the open `try` bodies of the current frame as awaiting."""
        depth = len(self.facts.frames)
        for opened in reversed(self._tries):
            if opened.depth == depth:
                opened.checkpoint = True
                opened.foreign = opened.foreign or foreign

    def _awaits_existing(self, awaited: cst.BaseExpression) -> bool:
        """Whether `await awaited` waits on a task or future made elsewhere: a name or an
        attribute, or a combinator (`gather`, `wait_for`, `shield`...) given one."""
        if not isinstance(awaited, cst.Call):
            return True
        name = self.facts.qualified_name(awaited.func)
        if name == SHIELD:
            return True
        if name not in TASK_COMBINATORS:
            return False
        return any(argument.star or not isinstance(argument.value, cst.Call) for argument in awaited.args if not argument.keyword)

    # ----- handlers ----------------------------------------------------------------------------

    def _candidate(self, node: cst.Try) -> _Candidate | None:
        """The first handler of `node` that catches cancellation, when it does not leave."""
        for handler in node.handlers:
            catch = self._catches_cancellation(handler)
            if catch is None:
                continue
            if self._leaves(handler) or _names_cancellation(node.body):
                return None
            library = catch.library or self.facts.library
            return _Candidate(handler, node, catch, library)
        return None

    def _catches_cancellation(self, handler: cst.ExceptHandler) -> CancellationCatch | None:
        """What in the handler's `except` clause catches cancellation, or None."""
        caught = handler.type
        if caught is None:
            return BARE_EXCEPT
        elements = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
        for element in elements:
            if isinstance(element, cst.Call):
                found = CANCELLED_CLASS_GETTERS.get(self.facts.qualified_name(element.func) or "")
            else:
                found = CANCELLATION_CATCHES.get(self.facts.qualified_name(element) or "")
            if found is not None:
                return found
        return None

    def _leaves(self, handler: cst.ExceptHandler) -> bool:
        """Whether the handler may re-raise, return, break, end the process, handle
        cancellation itself (`cancel()`, `uncancel()`, `cancelling()`) on some path, or keep
        the exception for someone to raise later (it reads the name `as` binds, or calls
        `sys.exc_info()`)."""
        bound = handler.name.name if handler.name is not None else None
        caught = bound.value if isinstance(bound, cst.Name) else None
        for node in _own_nodes(handler.body):
            if caught is not None and isinstance(node, cst.Name) and node.value == caught:
                return True
            if isinstance(node, (cst.Raise, cst.Return, cst.Break)):
                return True
            if isinstance(node, cst.Call):
                func = node.func
                if isinstance(func, cst.Attribute) and func.attr.value in CANCELLATION_METHODS:
                    return True
                name = self.facts.qualified_name(func)
                if name in EXITS_PROCESS or name in _CAPTURES:  # nothing goes on after an exit
                    return True
        return False


def _own_nodes(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The nodes under `root`, not entering nested functions, classes and lambdas."""
    stack = list(root.children)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        yield node
        stack.extend(node.children)


def _names_cancellation(body: cst.CSTNode) -> bool:
    """Whether the code names a cancellation exception itself (`gen.athrow(CancelledError())`,
    `raise Cancelled`): the handler then expects that one, not the task's."""
    return any(isinstance(node, cst.Name) and node.value in CANCELLATION_NAMES for node in _own_nodes(body))


def _shuts_down(name: str) -> bool:
    """Whether a coroutine's name says it shuts something down: `__aexit__`, `aclose`,
    `on_stop`, `_close_all` (a word of the name, split on underscores, is a shut-down word)."""
    return name in SHUTDOWN_FUNCTIONS or any(word in SHUTDOWN_FUNCTIONS for word in name.split("_"))


# One level of the way from a function's body down to a `try`: the compound statement that owns
# the block (None for the function's body), what kind of block it is, its statements, and the
# index of the statement on the way.
_Level = tuple[cst.CSTNode | None, str, Sequence[cst.CSTNode], int]


def _blocks(statement: cst.CSTNode) -> Iterator[tuple[str, Sequence[cst.CSTNode]]]:
    """The statement blocks of a compound statement, each with its kind: "loop" for a loop's
    body, "cleanup" for `except` and `finally` blocks, "plain" for the rest."""
    if isinstance(statement, cst.If):
        yield "plain", statement.body.body
        if isinstance(statement.orelse, cst.If):
            yield "plain", (statement.orelse,)
        elif statement.orelse is not None:
            yield "plain", statement.orelse.body.body
    elif isinstance(statement, (cst.For, cst.While)):
        yield "loop", statement.body.body
        if statement.orelse is not None:
            yield "plain", statement.orelse.body.body
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        yield "plain", statement.body.body
        for handler in statement.handlers:
            yield "cleanup", handler.body.body
        if statement.orelse is not None:
            yield "plain", statement.orelse.body.body
        if statement.finalbody is not None:
            yield "cleanup", statement.finalbody.body.body
    elif isinstance(statement, cst.With):
        yield "plain", statement.body.body
    elif isinstance(statement, cst.Match):
        for case in statement.cases:
            yield "plain", case.body.body


def _path(owner: cst.CSTNode | None, kind: str, statements: Sequence[cst.CSTNode], target: cst.Try) -> list[_Level] | None:
    """The levels from `statements` down to `target`, outermost first, or None."""
    for index, statement in enumerate(statements):
        if statement is target:
            return [(owner, kind, statements, index)]
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        for inner_kind, inner in _blocks(statement):
            found = _path(statement, inner_kind, inner, target)
            if found is not None:
                return [(owner, kind, statements, index), *found]
    return None


def _ends(statement: cst.CSTNode) -> str | None:
    """"return" for a statement line that returns or raises, "break" or "continue" for one
    that does that, else None."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    for small in statement.body:
        if isinstance(small, (cst.Return, cst.Raise)):
            return "return"
        if isinstance(small, cst.Break):
            return "break"
        if isinstance(small, cst.Continue):
            return "continue"
    return None


def _loop_going_on(function: cst.FunctionDef, candidate: _Candidate) -> cst.CSTNode | None:
    """The loop of the function that runs the `try` again after its handler falls through;
    None when an unconditional `return` or `break` ends it first, when the handler sets what
    the loop tests, or when the `try` sits in cleanup code."""
    path = _path(None, "plain", function.body.body, candidate.target)
    if path is None or any(kind == "cleanup" for _, kind, _, _ in path):
        return None
    jump = None  # "break" or "continue" met on the way out, until the loop it leaves
    for owner, kind, statements, index in reversed(path):
        if jump is None:
            for statement in statements[index + 1 :]:
                jump = _ends(statement)
                if jump == "return":
                    return None
                if jump is not None:
                    break
        if kind == "loop" and owner is not None:
            if jump == "break":
                jump = None
                continue
            return None if _handler_ends_loop(candidate.handler, owner) else owner
    return None


def _handler_ends_loop(handler: cst.ExceptHandler, loop: cst.CSTNode) -> bool:
    """Whether the loop may stop on what the handler does: its condition (of a `while`) reads a
    name the handler mentions, or a test that decides the loop (its `while` condition, an `if`
    in its body) reads what the handler assigns. Only a test can end the loop: a handler
    setting `info.status` while the body reads a local `status` does not."""
    mentioned = {node.value for node in _own_nodes(handler.body) if isinstance(node, cst.Name)} - {"self", "cls"}
    tests: list[cst.BaseExpression] = []
    if isinstance(loop, cst.While):
        test = loop.test
        read = {node.value for node in _own_nodes(test) if isinstance(node, cst.Name)}
        if isinstance(test, cst.Name):
            read.add(test.value)
        if read & mentioned:
            return True
        tests.append(test)
    assigned = _assigned(handler)
    if not assigned:
        return False
    handler_nodes = {id(node) for node in _own_nodes(handler)}
    tests += [node.test for node in _own_nodes(loop) if isinstance(node, cst.If) and id(node) not in handler_nodes]
    return any(_may_read(test, assigned) for test in tests)


def _assigned(handler: cst.ExceptHandler) -> set[str]:
    """The names and attributes (`self.running`, dotted) the handler assigns."""
    assigned: set[str] = set()
    for node in _own_nodes(handler.body):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            targets = [node.target]
        assigned.update(name for name in map(dotted_name, targets) if name)
    return assigned


def _may_read(test: cst.BaseExpression, assigned: set[str]) -> bool:
    """Whether `test` may read one of the `assigned` names: it reads the name, an attribute
    of it, or an object holding it (`info` for `info.status`), or calls a method of such an
    object (`self.stopped()` may read `self._stop`)."""
    nodes = [test, *_own_nodes(test)]
    # Whole chains only: `self` inside `self.running` reads `self.running`, not all of `self`.
    inner = {id(node.value) for node in nodes if isinstance(node, cst.Attribute)}
    read = {dotted_name(node) for node in nodes if isinstance(node, (cst.Name, cst.Attribute)) and id(node) not in inner}
    read |= {dotted_name(node.func.value) for node in nodes if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)}
    read.discard("")
    return any(
        name == seen or name.startswith(seen + ".") or seen.startswith(name + ".") for name in assigned for seen in read
    )


def _message(candidate: _Candidate, loop: cst.CSTNode) -> Callable[[LineOf], str]:
    """The finding's words, once the line of the loop is known."""
    catch = candidate.catch
    library = candidate.library
    named = f"`except {catch.display}`" if catch is not BARE_EXCEPT else BARE_EXCEPT.display
    named += f" catches {_NATIVE.get(library, _NATIVE['asyncio'])}" if catch.library is None else " catches the cancellation"

    def words(line_of: LineOf) -> str:
        if library in LEVEL_TRIGGERED:
            return (
                f"{named} and keeps it: the cancel scope stays cancelled, so the loop on line "
                f"{line_of(loop)} raises and swallows it again on every pass instead of ending"
            )
        return (
            f"{named} and neither re-raises nor leaves the loop: the loop on line {line_of(loop)} "
            "runs again, and the task cannot be cancelled"
        )

    return words


_NATIVE = {"asyncio": "asyncio.CancelledError", "trio": "trio.Cancelled", "anyio": "anyio.get_cancelled_exc_class()"}


def _suggestion(candidate: _Candidate) -> str:
    """Re-raise, or end the task; for a catch-all, keep cancellation out of it."""
    text = "Re-raise it (`raise`) after any clean-up, or `return`/`break` to end the task."
    if candidate.catch.library is None:
        native = _NATIVE.get(candidate.library, _NATIVE["asyncio"])
        text += f" Or catch `Exception`, or put `except {native}: raise` before this handler."
    return text
