"""CCL406: a function that runs on a worker thread calls a loop-affine asyncio API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import thread_dispatch
from conclint.analysis.scopes import instance_attributes
from conclint.analysis.symbols import resolve
from conclint.knowledge.crossing import (
    ASYNCIO_OBJECTS,
    LOOP_AFFINE_CALLS,
    LOOP_AFFINE_METHODS,
    LOOP_CHECKS,
    OWN_LOOP_CALLS,
    THREAD_CHECKS,
    THREAD_TOKENS,
)
from conclint.knowledge.threads import THREAD_CLASSES
from conclint.rules.base import Invalid, Rule, Valid

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.scopes import Scope
    from conclint.core.settings import Settings


@dataclass
class _Function:
    """A sync function of the module: its loop-affine calls (the call, what it is, its
    statement) and whether it gives its thread a loop of its own."""

    scope: Scope
    calls: list[tuple[cst.Call, str, cst.CSTNode | None]] = field(default_factory=list)
    own_loop: bool = False
    # Functions of this module it calls: one of them may run the thread's loop.
    callees: set[str] = field(default_factory=set)


class LoopObjectUsedFromThread(Rule):
    """
    ## What it does
    Finds a function that runs on a worker thread and calls an asyncio API that only the
    event loop's own thread may call: `put_nowait()` or `get_nowait()` of an `asyncio.Queue`,
    `set()` of an `asyncio.Event`, `set_result()` or `set_exception()` of an asyncio future,
    `loop.call_soon()`, `call_later()`, `call_at()`, `create_task()`, and
    `asyncio.create_task()` or `ensure_future()`.

    The function runs on a thread when this module hands it to one: `Thread(target=f)`,
    `Timer(..., f)`, `executor.submit(f)` or `map(f, ...)` on a `ThreadPoolExecutor`,
    `asyncio.to_thread(f)`, `loop.run_in_executor(None, f)` (or a thread pool), also through
    `functools.partial` or a lambda; or it is the `run` method of a `threading.Thread`
    subclass. The functions of the module it calls, two calls deep, run there too. The
    asyncio object must be known by what made it (`asyncio.Queue()`,
    `loop.create_future()`, an annotation), in the function's module, a class attribute set in
    a method, or a parameter's annotation; one the thread function makes itself is its own.

    Not reported: `loop.call_soon_threadsafe(...)` and `asyncio.run_coroutine_threadsafe(...)`,
    which are the thread-safe ways in; `queue.Queue` and other thread-safe queues; a thread
    function that runs an event loop of its own (`asyncio.run()`, `new_event_loop()`,
    `run_until_complete()`, `run_forever()`, `set_event_loop()`), itself or in a function of
    the module it calls (two calls deep); a function that checks which loop it runs on
    (`asyncio.get_running_loop()`, `loop.is_running()`) or compares its thread with another
    (`threading.current_thread() is threading.main_thread()`, `get_ident() == ...`).

    ## Why is this bad?
    asyncio objects are not thread-safe. `put_nowait()`, `Event.set()` and
    `Future.set_result()` wake the coroutine waiting on them by scheduling a callback with the
    loop's `call_soon()`, which neither locks the loop's queue nor wakes the loop's selector:
    called from another thread, the waiting coroutine may sleep until something else wakes the
    loop, or forever, and the loop's structures can be corrupted. `asyncio.create_task()`
    raises `RuntimeError` outright on a thread with no running loop.

    ## Example
    ```python
    import asyncio
    import threading

    async def main(sensor):
        readings = asyncio.Queue()

        def poll():
            while True:
                readings.put_nowait(sensor.read())

        threading.Thread(target=poll, daemon=True).start()
        print(await readings.get())
    ```

    ## Use instead
    ```python
    import asyncio
    import threading

    async def main(sensor):
        readings = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def poll():
            while True:
                loop.call_soon_threadsafe(readings.put_nowait, sensor.read())

        threading.Thread(target=poll, daemon=True).start()
        print(await readings.get())
    ```
    For a coroutine, `asyncio.run_coroutine_threadsafe(coro, loop)` schedules it on the loop
    and returns a `concurrent.futures.Future` the thread may wait on.

    ## Fix safety
    There is no automatic fix: the thread needs a reference to the loop, which the function
    may not have.

    ## Options
    No options.

    ## References
    - [asyncio: concurrency and multithreading](https://docs.python.org/3/library/asyncio-dev.html#concurrency-and-multithreading)
    - [loop.call_soon_threadsafe](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.call_soon_threadsafe)
    - [asyncio.run_coroutine_threadsafe](https://docs.python.org/3/library/asyncio-task.html#asyncio.run_coroutine_threadsafe)
    """

    CODE = "CCL406"
    NAME = "loop-object-used-from-thread"
    MESSAGE = "{message}"
    REQUIRED_TOKENS = THREAD_TOKENS

    VALID = (
        Valid(
            """
            import asyncio
            import threading

            async def main(sensor):
                readings = asyncio.Queue()
                loop = asyncio.get_running_loop()

                def poll():
                    loop.call_soon_threadsafe(readings.put_nowait, sensor.read())

                threading.Thread(target=poll, daemon=True).start()
                print(await readings.get())
            """
        ),
        Valid(
            """
            import asyncio
            import queue
            import threading

            readings = queue.Queue()

            def poll(sensor):
                readings.put_nowait(sensor.read())

            threading.Thread(target=poll, args=(None,)).start()
            """
        ),
        Valid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            class Bridge:
                def __init__(self, loop: asyncio.AbstractEventLoop):
                    self.loop = loop
                    self.pool = ThreadPoolExecutor()

                def work(self, job):
                    asyncio.run_coroutine_threadsafe(job(), self.loop).result()

                def start(self, job):
                    self.pool.submit(self.work, job)
            """
        ),
        Valid(
            """
            import asyncio
            import threading

            events = asyncio.Queue()

            def serve(job):
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                loop.call_soon(events.put_nowait, 1)
                loop.run_until_complete(job())

            threading.Thread(target=serve, args=(None,)).start()
            """
        ),
        Valid(
            """
            import asyncio
            import threading

            ready = asyncio.Event()

            def on_loop():
                ready.set()

            def worker():
                pass

            threading.Thread(target=worker).start()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import asyncio
            import threading

            async def main(sensor):
                readings = asyncio.Queue()

                def poll():
                    while True:
                        readings.put_nowait(sensor.read())

                threading.Thread(target=poll, daemon=True).start()
                print(await readings.get())
            """,
            line=9,
            column=13,
            message_contains=("asyncio.Queue.put_nowait()", "threading.Thread", "call_soon_threadsafe(readings.put_nowait"),
        ),
        Invalid(
            """
            import asyncio
            import threading

            class Watcher(threading.Thread):
                def __init__(self, loop: asyncio.AbstractEventLoop):
                    super().__init__()
                    self.loop = loop
                    self.changed = asyncio.Event()

                def run(self):
                    self.changed.set()
                    self.loop.call_soon(print, "changed")
            """,
            line=11,
            count=2,
            message_contains=("asyncio.Event.set()", "`Watcher.run`"),
        ),
        Invalid(
            """
            import asyncio

            async def fetch(blocking_get, url):
                done = asyncio.get_running_loop().create_future()

                def work():
                    done.set_result(blocking_get(url))

                await asyncio.to_thread(work)
                return await done
            """,
            line=7,
            message_contains=("asyncio.Future.set_result()", "asyncio.to_thread"),
        ),
        Invalid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            def refresh(job):
                asyncio.create_task(job())

            with ThreadPoolExecutor() as pool:
                pool.submit(refresh, None)
            """,
            line=5,
            message_contains=("asyncio.create_task()", "run_coroutine_threadsafe"),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        # An asyncio object is named through an asyncio import: without one, nothing to do.
        self._active = b"asyncio" in facts.source_bytes
        self._open: list[_Function | None] = []
        self._functions: dict[str, _Function] = {}
        # Local function qualname -> how it is handed to a thread (the API's name).
        self._targets: dict[str, str] = {}
        # How many comparisons the traversal is in: `current_thread() is main_thread()`.
        self._comparisons = 0

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._comparisons += 1

    def leave_Comparison(self, node: cst.Comparison) -> None:
        self._comparisons -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self._active:
            return
        for base in node.bases:
            if self.facts.qualified_name(base.value) in THREAD_CLASSES:
                qualname = self.facts.scope.child_qualname(node.name.value)
                self._targets.setdefault(f"{qualname}.run", "a `threading.Thread` subclass")

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        if not self._active:
            return
        self._open.append(None if node.asynchronous is not None else _Function(self.facts.scope))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        if not self._active:
            return
        function = self._open.pop()
        if function is not None and (function.calls or function.own_loop or function.callees):
            self._functions[function.scope.qualname] = function

    def visit_Call(self, node: cst.Call) -> None:
        if not self._active:
            return
        site = thread_dispatch(self.facts, node)
        if site is not None and not site.external:
            self._targets.setdefault(site.target, f"`{site.api.display}`")
        function = self._open[-1] if self._open and self.facts.frame.kind == "function" else None
        if function is None or self.facts.unreachable:
            return
        symbol = self.facts.resolve(node.func)
        if symbol is not None and symbol.local:
            function.callees.add(symbol.qualname)
        name = symbol.qualname if symbol is not None and not symbol.local else None
        if name in OWN_LOOP_CALLS or name in LOOP_CHECKS or (name in THREAD_CHECKS and self._comparisons):
            function.own_loop = True
            return
        what = self._loop_affine(node, name, function.scope)
        if what is not None:
            function.calls.append((node, what, self.facts.current_statement))

    def leave_Module(self, node: cst.Module) -> None:
        reported: set[str] = set()
        for target, api in self._targets.items():
            if target not in self._functions or self._runs_own_loop(target, _CALLEE_DEPTH):
                continue
            for qualname, via in self._on_thread(target):
                if qualname in reported:
                    continue
                reported.add(qualname)
                for call, what, statement in self._functions[qualname].calls:
                    message = _message(what, qualname, api, via)
                    self.report(call, statement=statement, message=message, suggestion=_suggestion(call, what))

    def _on_thread(self, target: str) -> list[tuple[str, str]]:
        """The thread function and the sync functions of this module it calls (up to
        `_CALLEE_DEPTH` calls deep), each with the function it is called from ("" for the
        target); a function that checks where it runs, or runs a loop, is left out."""
        found: list[tuple[str, str]] = [(target, "")]
        seen = {target}
        frontier = [target]
        for _ in range(_CALLEE_DEPTH):
            following: list[str] = []
            for caller in frontier:
                for callee in sorted(self._functions[caller].callees):
                    function = self._functions.get(callee)
                    if callee in seen or function is None or function.own_loop:
                        continue
                    seen.add(callee)
                    found.append((callee, caller))
                    following.append(callee)
            frontier = following
        return found

    def _runs_own_loop(self, qualname: str, depth: int) -> bool:
        """Whether the function, or one it calls in this module (`depth` calls deep), runs
        an event loop on its thread: loop objects used there may be that loop's."""
        function = self._functions.get(qualname)
        if function is None:
            return False
        if function.own_loop:
            return True
        return depth > 0 and any(self._runs_own_loop(callee, depth - 1) for callee in function.callees if callee != qualname)

    def _loop_affine(self, call: cst.Call, name: str | None, scope: Scope) -> str | None:
        """How messages name `call` when only the loop's thread may make it, else None."""
        if name in LOOP_AFFINE_CALLS:
            return LOOP_AFFINE_CALLS[name]
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        kind = self._asyncio_object(func.value, scope)
        if kind is not None and func.attr.value in LOOP_AFFINE_METHODS[kind]:
            return f"{kind}.{func.attr.value}()"
        return None

    def _asyncio_object(self, receiver: cst.BaseExpression, scope: Scope) -> str | None:
        """The kind of asyncio object `receiver` is (`asyncio.Queue`...), by what made it:
        a binding outside the thread function (a closure's, a global, a parameter's
        annotation) or the first `self.x = ...` of the class."""
        made = self._maker(receiver, scope)
        if made is None:
            return None
        expression, where = made
        if isinstance(expression, cst.Call):
            expression = expression.func
        symbol = resolve(expression, where)
        if symbol is None or symbol.local:
            return None
        return ASYNCIO_OBJECTS.get(symbol.qualname)

    def _maker(self, receiver: cst.BaseExpression, scope: Scope) -> tuple[cst.BaseExpression, Scope] | None:
        """The expression that made what `receiver` names, and the scope it is read in."""
        if isinstance(receiver, cst.Name):
            binding = self.facts.scope.lookup(receiver.value)
            if binding is None or binding.scope is None or binding.scope is scope or binding.node is None:
                return None
            if binding.kind in ("assign", "param") and isinstance(binding.node, cst.BaseExpression):
                return binding.node, binding.scope
            return None
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            owner = self.facts.scope.lookup(receiver.value.value)
            if owner is None or owner.kind != "self" or owner.scope is None:
                return None
            class_node = owner.scope.node
            parent = owner.scope.parent
            if not isinstance(class_node, cst.ClassDef) or parent is None:
                return None
            return instance_attributes(class_node, parent).get(receiver.attr.value)
        return None


def _message(what: str, qualname: str, api: str, via: str) -> str:
    """Names the call, the function, the caller that brings it onto the thread if any, and
    how it reaches a thread."""
    function = _short(qualname)
    if what in _SCHEDULES:
        effect = "it raises RuntimeError where no loop runs, and is not thread-safe where one does"
    else:
        effect = "it is not thread-safe, so the coroutine waiting on it may never wake"
    where = f"called from `{_short(via)}`, which runs" if via else "which runs"
    return f"`{what}` in `{function}`, {where} on a worker thread ({api}): {effect}"


def _short(qualname: str) -> str:
    """A function's name as the reader knows it: `poll`, not `main.<locals>.poll`."""
    return qualname.rpartition(".<locals>.")[2]


# How many calls deep a thread function's callees are searched for a loop it runs itself.
_CALLEE_DEPTH = 2
# Calls that start a task: on a thread without a running loop they raise.
_SCHEDULES = frozenset({"asyncio.create_task()", "asyncio.ensure_future()"})


def _suggestion(call: cst.Call, what: str) -> str:
    """The thread-safe way in for this call."""
    if what in _SCHEDULES or what == "loop.create_task()":
        return "Schedule the coroutine with `asyncio.run_coroutine_threadsafe(coro, loop)`."
    if what.startswith("loop.call_"):
        return "Use `loop.call_soon_threadsafe(...)` (for a delay, call `call_later` through it)."
    callee = cst.Module([]).code_for_node(call.func)
    arguments = ", ..." if call.args else ""
    return f"Call it on the loop's thread: `loop.call_soon_threadsafe({callee}{arguments})`."
