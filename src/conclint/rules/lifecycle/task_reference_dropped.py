"""CCL403: a task started with create_task/ensure_future whose reference is thrown away."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.helpers import name_space
from conclint.analysis.process_display import callee_text
from conclint.analysis.scopes import own_method
from conclint.knowledge.lifecycle import FUTURE_RESULTS, LOOP_RUNNERS, TASK_OR_FUTURE, TASK_STARTS, TASK_TOKENS
from conclint.syntax.prefilter import ASYNCIO
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.lifecycle.common import UnreadBindings, does_nothing, dropped_call, local_function, suspends, version
from conclint.rules.lifecycle.coroutine_functions import may_be_coroutine_elsewhere
from conclint.syntax.traversal import nodes_within

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.core.settings import Settings


_STATE_DUMP = """
            import asyncio

            async def direct_query_state(device, dump):
                _ = asyncio.create_task(dump(device))
                while True:
                    await asyncio.sleep(1){leave}
"""

_BROKER_SCRIPT = """
            import asyncio

            def main(broker):
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                _ = loop.create_task(broker.start())
                {run}
"""

# A task bound to a local name: the call, its statement, the suggestion for its message.
_Task = tuple[cst.Call, cst.CSTNode | None, str]

# async-upnp-client's state variable tells its subscribers of a change in a task; the
# callbacks are sync, so the task ends in the step the loop holds.
_NOTIFIER = """
            import asyncio

            class StateVariable:
                def set_value(self, value):
                    self.value = value
                    asyncio.create_task(self.trigger_event())

                async def trigger_event(self):
{body}
"""
_CALLBACKS = """
                    for callback in self.callbacks:
                        callback(self.value)"""


class TaskReferenceDropped(UnreadBindings[_Task], Rule):
    """
    ## What it does
    Finds a task started with `asyncio.create_task(...)`, `asyncio.ensure_future(...)` of a
    coroutine, or `loop.create_task(...)` whose reference is not kept: the call is a statement
    of its own (also with `.add_done_callback(...)` chained on it), its result is assigned to
    `_`, or to a local name that the function never reads. `loop` is an event loop conclint
    can trace: the result of `asyncio.get_running_loop()`, `get_event_loop()` or
    `new_event_loop()` (also kept in `self.loop` by `__init__`), or a parameter annotated
    `asyncio.AbstractEventLoop`.

    Not reported, because something may hold the task: a task returned, awaited, stored in an
    attribute or a container, or passed to any call (`tasks.add(task)`, `register(task)`); a
    local name read anywhere in its function, nested functions included, whatever the reading
    code does with it; any local, `_` included, of a sync function that runs the loop itself
    (`loop.run_forever()`, `run_until_complete()`), which holds it while the loop runs; a
    local of a coroutine that then, in the same block and outside any loop, awaits a task or
    future it holds by name (`await server_task`, `await asyncio.gather(*workers)`), or runs a
    `while True:` loop that nothing leaves and that does not bind the name again, before any
    `return` or `raise`: its frame holds the task while that work runs; a module-level name
    other than `_` (another module may read it);
    `create_task` of a task group (`asyncio.TaskGroup`, and trio's and anyio's nurseries and
    task groups, which hold their tasks); `ensure_future` of a future or of a call returning
    one (`loop.run_in_executor(...)`, `asyncio.gather(...)`, `asyncio.shield(...)`), which
    returns that same future and makes no task; a task over a coroutine function whose body
    never suspends (no `await`, `async for` or `async with`): the loop's queue holds its
    first step, which runs it to the end (of the module, a method only when its body does
    something, as a hook left for subclasses does not, and no other class of the module
    defines it: an override may suspend; of another module of the project, with the
    project index, a function that is no method). Loops conclint cannot trace (one passed in
    without an annotation, uvloop's) are not followed.

    ## Why is this bad?
    The event loop keeps only weak references to its tasks. A task that nothing else refers to
    can be garbage-collected while it waits, and then it vanishes mid-flight: the rest of its
    work never runs, and the only trace is a "Task was destroyed but it is pending!" line in
    the log, if that. Its exception, if it fails, is never retrieved by anyone either.

    ## Example
    ```python
    import asyncio

    async def on_message(message):
        asyncio.create_task(store(message))
    ```

    ## Use instead
    ```python
    import asyncio

    background_tasks = set()

    async def on_message(message):
        task = asyncio.create_task(store(message))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
    ```
    or, from Python 3.11, start it in an `asyncio.TaskGroup` (`async with asyncio.TaskGroup()
    as tg: tg.create_task(store(message))`), which holds its tasks and waits for them.

    ## Fix safety
    There is no automatic fix: where the reference should live (a set of the module, an
    attribute of an object that outlives the task, a task group whose block then waits for
    it) changes when the task may end and who sees its exception, which is for you to decide.

    ## Options
    - `target-version`: from `"3.11"` on, the suggestion for a task started in a coroutine
      also names `asyncio.TaskGroup`.

    ## References
    - [asyncio.create_task: "Save a reference to the result of this function"](https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task)
    - [asyncio.ensure_future](https://docs.python.org/3/library/asyncio-future.html#asyncio.ensure_future)
    - [asyncio: task groups](https://docs.python.org/3/library/asyncio-task.html#task-groups)
    """

    CODE = "CCL403"
    NAME = "task-reference-dropped"
    MESSAGE = (
        "the task `{call}` starts {how}: the event loop holds tasks only weakly, so it can be "
        "garbage-collected before it finishes"
    )
    REQUIRED_TOKENS = TASK_TOKENS
    # A coroutine function of another module is judged by its summary (`settles`).
    USES_SUMMARIES = True
    # The tasks and loops it judges are asyncio's: a file that never names it has none
    # (celery's own `create_task` is no such call).
    REQUIRED_PATTERN = ASYNCIO

    VALID = (
        Valid(_NOTIFIER.format(body=_CALLBACKS.lstrip("\n"))),
        # amqtt's broker script: `_` holds the task while the function runs the loop.
        Valid(_BROKER_SCRIPT.format(run="loop.run_forever()")),
        Valid(
            """
            import asyncio

            background_tasks = set()

            async def on_message(message):
                task = asyncio.create_task(store(message))
                background_tasks.add(task)
                task.add_done_callback(background_tasks.discard)

            async def store(message):
                await asyncio.sleep(0)
            """
        ),
        Valid(
            """
            import asyncio

            class Worker:
                def __init__(self):
                    self.tasks = []
                    self.pending = {}

                async def start(self, job):
                    self.task = asyncio.create_task(job())
                    self.pending[job] = asyncio.ensure_future(job())
                    self.tasks.append(asyncio.create_task(job()))
                    return asyncio.create_task(job())

                async def run(self, job):
                    return await asyncio.create_task(job())
            """
        ),
        Valid(
            """
            import asyncio

            async def main(jobs):
                async with asyncio.TaskGroup() as tg:
                    for job in jobs:
                        tg.create_task(job())
            """
        ),
        Valid(
            """
            import anyio
            import trio

            async def main(job):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(job)
                async with trio.open_nursery() as nursery:
                    nursery.start_soon(job)
            """
        ),
        Valid(
            """
            import asyncio

            async def offload(work):
                loop = asyncio.get_running_loop()
                asyncio.ensure_future(loop.run_in_executor(None, work))
                asyncio.ensure_future(asyncio.gather(work(), work()))
                future = loop.create_future()
                asyncio.ensure_future(future)
            """
        ),
        Valid(
            """
            import asyncio

            async def supervise(job, on_done):
                task = asyncio.create_task(job())
                task.add_done_callback(on_done)

            async def later(job):
                task = asyncio.create_task(job())

                async def wait():
                    await task

                return wait
            """
        ),
        # aiobafi6's state dump: the coroutine never leaves its `while True:` loop, whose
        # frame keeps `_` and the task in it.
        Valid(_STATE_DUMP.format(leave="")),
        # aiosmb's server script: `amain` waits for the server task for ever beside the relay's.
        Valid(
            """
            import asyncio

            async def amain(server, relay):
                queue = asyncio.Queue()
                x = asyncio.create_task(relay(queue))
                server_task = await server.run(queue)
                await server_task

            async def enumerate_shares(generate, workers):
                try:
                    gen_task = asyncio.create_task(generate())
                    await asyncio.gather(*workers)
                except Exception as error:
                    return error
            """
        ),
        Valid(
            """
            import asyncio

            def schedule(loop, job):
                loop.create_task(job())

            def start(scheduler, job):
                scheduler.create_task(job())
            """
        ),
    )
    INVALID = (
        # The same dump with a way out of the loop: the task may outlive the frame.
        Invalid(
            _STATE_DUMP.format(leave="\n                    if device.closed:\n                        break"),
            line=4,
            message_contains=("is assigned to `_`",),
        ),
        # The same script handing the loop to another function: `_` is gone when it returns.
        Invalid(_BROKER_SCRIPT.format(run="return loop"), line=6, message_contains=("is assigned to `_`",)),
        # The same notifier once it gives other tasks a turn first: it may wait unreferenced.
        Invalid(
            _NOTIFIER.format(body="                    await asyncio.sleep(0)" + _CALLBACKS),
            line=6,
            message_contains=("the task `asyncio.create_task()` starts is thrown away",),
        ),
        Invalid(
            """
            import asyncio

            async def on_message(message):
                asyncio.create_task(store(message))

            async def store(message):
                await asyncio.sleep(0)
            """,
            line=4,
            column=5,
            message_contains=("the task `asyncio.create_task()` starts is thrown away", "weakly", "add_done_callback(background_tasks.discard)"),
        ),
        Invalid(
            """
            import asyncio

            def main(job):
                loop = asyncio.new_event_loop()
                loop.create_task(job())
                loop.run_forever()
            """,
            line=5,
            message_contains=("`loop.create_task()`",),
        ),
        Invalid(
            """
            from asyncio import ensure_future, get_running_loop, sleep

            async def notify(listeners, event):
                for listener in listeners:
                    _ = ensure_future(listener(event))
                get_running_loop().create_task(log(event)).add_done_callback(print)

            async def log(event):
                await sleep(0)
            """,
            line=5,
            count=2,
            message_contains=("is assigned to `_`",),
        ),
        Invalid(
            """
            import asyncio

            class Client:
                def __init__(self):
                    self.loop = asyncio.get_event_loop()

                async def send(self, message):
                    task = self.loop.create_task(self.write(message))
                    return None

                async def write(self, message):
                    await asyncio.sleep(0)
            """,
            line=8,
            column=16,
            message_contains=("is kept only in `task`, which is never read",),
        ),
        # The same script returning early, or waiting only for a timer or in a loop whose
        # next round rebinds the name: the task may outlive what holds it.
        Invalid(
            """
            import asyncio

            async def amain(server, relay, once):
                queue = asyncio.Queue()
                x = asyncio.create_task(relay(queue))
                if once:
                    return
                await server

            async def poll(relay, queue):
                pull = asyncio.create_task(relay(queue))
                await asyncio.sleep(0.1)

            async def serve(servers, relay, queue):
                for server in servers:
                    x = asyncio.create_task(relay(queue))
                    await server
            """,
            line=5,
            count=3,
            message_contains=("is kept only in `x`, which is never read",),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        # Dropped tasks over a coroutine function of another module, with what to report:
        # judged by its summary once the summary collector has left the module.
        self._deferred: list[tuple[str, cst.Call, dict[str, object]]] = []

    def unread(self, bindings: list[tuple[str, _Task]]) -> None:
        """Report the tasks bound to names their function never read."""
        for name, (call, statement, suggestion) in bindings:
            how = "is assigned to `_`" if name == "_" else f"is kept only in `{name}`, which is never read"
            self._report_task(call, suggestion=suggestion, statement=statement, call=_display(call), how=how)

    def _report_task(self, task: cst.Call, **details: object) -> None:
        elsewhere = self._coroutine_elsewhere(task)
        if elsewhere is None:
            self.report(task, **details)
        else:
            self._deferred.append((elsewhere, task, details))

    def leave_Module(self, original_node: cst.Module) -> None:
        for name, task, details in self._deferred:
            summary = name_space(self.facts).lookup(name)
            if summary is None or not summary.settles or summary.method:
                self.report(task, **details)

    # ----- where a task's reference goes ---------------------------------------------------

    def visit_Expr(self, node: cst.Expr) -> None:
        call = dropped_call(node, through_callback=True)
        if call is not None and self._starts_task(call):
            self._report_task(call, suggestion=self._suggestion(), call=_display(call), how="is thrown away")

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._bound(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bound(node.target, node.value)

    def _bound(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """A task bound to a plain name: `_` is thrown away at once; a local name is judged
        when its function ends, by whether anything there reads it."""
        if self.facts.unreachable or not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return  # decided now: the report comes when the function ends, past this dead code
        if not self._starts_task(value):
            return
        name = target.value
        if self.facts.frame.kind != "function" or not self.in_function_body():
            if name == "_" and self.facts.frame.kind == "module":
                self._report_task(value, suggestion=self._suggestion(), call=_display(value), how="is assigned to `_`")
            return
        scope = self.facts.scope
        if name in scope.declared_global or name in scope.declared_nonlocal:
            return
        if _runs_the_loop(self.facts.frame.node):
            return  # the local holds the task for as long as the function runs the loop
        statement = self.facts.current_statement
        if statement is not None and self._then_waits_for_work(self.facts.frame.node, statement, name):
            return  # the coroutine's frame holds the task while it waits beside it
        self.bind(target, (value, statement, self._suggestion()))

    def _then_waits_for_work(self, function: cst.CSTNode | None, statement: cst.CSTNode, name: str) -> bool:
        """A coroutine that, after the statement starting the task, waits in the same block
        for work that exists already (`await server_task`, `await asyncio.gather(*workers)`),
        or runs a `while True:` loop that nothing leaves and that does not mention `name`
        (aiobafi6's state dump), with no `return` or `raise` before it and no loop around it
        (a loop's next round would rebind the name): its frame, and so the local, holds the
        task at least as long as that work runs, which a task started beside it serves
        (aiosmb's servers)."""
        if not isinstance(function, cst.FunctionDef) or function.asynchronous is None:
            return False
        block = _block_outside_loops(function, statement)
        if block is None:
            return False
        later = block[block.index(statement) + 1 :]
        for following in later:
            if self._waits_for_existing_work(following) or _loops_forever_keeping(following, name):
                return True
            if any(True for _ in nodes_within(following, (cst.Return, cst.Raise))):
                return False
        return False

    def _waits_for_existing_work(self, statement: cst.CSTNode) -> bool:
        """A statement that awaits a task or future held by a name (`await task`,
        `result = await self.server`) or a gathering of such (`gather`, `wait`, `wait_for`)."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return False
        value = getattr(statement.body[0], "value", None)
        if not isinstance(value, cst.Await):
            return False
        awaited = value.expression
        if isinstance(awaited, (cst.Name, cst.Attribute)):
            return True
        return (
            isinstance(awaited, cst.Call)
            and self.facts.qualified_name(awaited.func) in _WAITS_FOR_EXISTING
            and all(isinstance(argument.value, (cst.Name, cst.Attribute)) for argument in awaited.args if not argument.keyword)
        )

    def _starts_task(self, call: cst.Call) -> bool:
        """`call` wraps a coroutine in a new task: `create_task` of asyncio or of a traced
        loop, or `ensure_future` of something other than a future."""
        symbol = self.facts.resolve(call.func)
        if symbol is None or symbol.local or symbol.instance:
            return False
        if symbol.qualname in TASK_STARTS:
            return not self._finishes_in_first_step(call_argument(call, 0, "coro"))
        if symbol.qualname in TASK_OR_FUTURE:
            argument = call_argument(call, 0, "coro_or_future")
            return self._makes_coroutine(argument) and not self._finishes_in_first_step(argument)
        return False

    def _finishes_in_first_step(self, argument: cst.BaseExpression | None) -> bool:
        """The task runs a coroutine function of this module that never suspends (no `await`,
        `async for` or `async with` in its own body): its first step, which the loop's queue
        holds a reference to until it runs, is the whole of it. A method counts only when it
        is no hook (a body that does nothing, left for subclasses to fill in) and no other
        class of the module defines one of its name: an override may suspend. (Of another
        module, see `_coroutine_elsewhere`.)"""
        if not isinstance(argument, cst.Call):
            return False
        symbol = self.facts.resolve(argument.func)
        function = local_function(self.facts, symbol) if symbol is not None and symbol.local else None
        if function is None or function.asynchronous is None or suspends(function):
            return False
        owner, _, method = symbol.qualname.partition(".")
        return not method or (not does_nothing(function) and not self._defined_elsewhere(owner, method))

    def _coroutine_elsewhere(self, call: cst.Call) -> str | None:
        """The name of the function of another module of the project whose coroutine the
        task `call` starts runs, when it may be a coroutine function: a task over one that
        never suspends (its summary's `settles`, khoj's `send_welcome_email`) and is no
        method ends in its first step too. Asked at the module's end, when the name space is
        complete."""
        argument = call.args[0].value if call.args else None
        if not isinstance(argument, cst.Call):
            return None
        symbol = self.facts.resolve(argument.func)
        if symbol is None or symbol.local or symbol.instance or not may_be_coroutine_elsewhere(self.facts, symbol.qualname):
            return None
        return symbol.qualname

    def _defined_elsewhere(self, owner: str, method: str) -> bool:
        return any(
            name != owner and isinstance(binding.node, cst.ClassDef) and own_method(binding.node, method) is not None
            for name, binding in self.facts.module_scope.bindings.items()
        )

    def _makes_coroutine(self, argument: cst.BaseExpression | None) -> bool:
        """The argument of `ensure_future` is a call that is not known to return a future:
        a coroutine function's call, as far as conclint can tell. A sync function or a class
        of this module may return a future, so they do not count; a call conclint cannot
        resolve does (`ensure_future` is called to schedule coroutines)."""
        if not isinstance(argument, cst.Call):
            return False  # a name may hold a future or a task referenced elsewhere
        symbol = self.facts.resolve(argument.func)
        if symbol is None:
            return True
        if symbol.local:
            if isinstance(symbol.node, cst.ClassDef):
                return False  # an instance of a class of the module may be a future
            function = local_function(self.facts, symbol)
            return function is None or function.asynchronous is not None
        return not symbol.instance and symbol.qualname not in FUTURE_RESULTS

    def _suggestion(self) -> str:
        """Keep a reference; in a coroutine, from Python 3.11 on, a task group is the other way."""
        text = (
            "Keep a reference until it is done: add it to a set of the module "
            "(`background_tasks.add(task)`) and remove it with "
            "`task.add_done_callback(background_tasks.discard)`"
        )
        if self.facts.in_coroutine and version(self.settings.target_version) >= (3, 11):
            text += ", or start it with `tg.create_task(...)` in an `async with asyncio.TaskGroup() as tg:` block"
        return text + "."


# Waiting for tasks or futures given by name (their positional arguments).
_WAITS_FOR_EXISTING = frozenset({"asyncio.gather", "asyncio.wait", "asyncio.wait_for"})
_LOOPS = (cst.For, cst.While)


def _loops_forever_keeping(statement: cst.CSTNode, name: str) -> bool:
    """`while True:` (or `while 1:`) with no `else`, no `break` of its own, no `return` or
    `raise` anywhere in it, and no mention of `name`: the function never gets past it, and
    `name` keeps what it held."""
    if not isinstance(statement, cst.While) or statement.orelse is not None:
        return False
    test = statement.test
    if not (isinstance(test, cst.Name) and test.value == "True") and not (isinstance(test, cst.Integer) and test.value == "1"):
        return False
    if _own_breaks(statement.body) or any(True for _ in nodes_within(statement.body, (cst.Return, cst.Raise))):
        return False
    return not any(mention.value == name for mention in nodes_within(statement.body, (cst.Name,)))  # type: ignore[attr-defined]


def _own_breaks(body: cst.CSTNode) -> list[cst.Break]:
    """The `break` statements of a loop body that leave that loop (not an inner one)."""
    found: list[cst.Break] = []
    pending = [body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Break):
            found.append(node)
        elif not isinstance(node, _LOOPS + (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            pending.extend(node.children)
    return found


def _block_outside_loops(function: cst.FunctionDef, statement: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The statements of the block that holds `statement` in `function`, or None when a
    loop of the function (or a nested function) stands between them."""
    pending: list[cst.CSTNode] = [function.body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.IndentedBlock) and any(child is statement for child in node.body):
            return list(node.body)
        for child in node.children:
            if not isinstance(child, _LOOPS + (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                pending.append(child)
    return None


# The methods a sync function calls to run an event loop (the lifecycle catalog's runners).
_LOOP_RUNS = frozenset(runner.rpartition(".")[2] for runner in LOOP_RUNNERS)


def _runs_the_loop(function: cst.CSTNode | None) -> bool:
    """A sync function that runs the loop itself (`loop.run_forever()`): its locals, a task
    bound to `_` included, live until the loop stops (amqtt's broker script)."""
    if not isinstance(function, cst.FunctionDef) or function.asynchronous is not None:
        return False
    return any(
        isinstance(call.func, cst.Attribute) and call.func.attr.value in _LOOP_RUNS  # type: ignore[attr-defined]
        for call in nodes_within(function.body, (cst.Call,))
    )


def _display(call: cst.Call) -> str:
    return f"{callee_text(call.func)}()"
