"""CCL406: a function that runs on a worker thread calls a loop-affine asyncio API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, NamedTuple

import libcst as cst

from conclint.analysis.dispatch import DispatchSite, thread_dispatch
from conclint.analysis.helpers import short_name
from conclint.analysis.loop_uses import Getter, checks_where_it_runs, local_returns, loop_affine, returned_affine, returned_receiver
from conclint.core.model import ChainLink
from conclint.knowledge.crossing import THREAD_TOKENS
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.threads import THREAD_CLASSES
from conclint.rules.base import Invalid, Rule, Valid

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.project_index import ProjectView
    from conclint.analysis.scopes import Scope
    from conclint.analysis.summaries import FunctionSummary, LoopAffineUse
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
    # Calls of functions that may be of another module of the project (the call, the
    # callee's dotted name, its statement): the project index says what they do.
    external: list[tuple[cst.Call, str, cst.CSTNode | None]] = field(default_factory=list)
    # Loop-affine method calls on what a function returned (`loop = get_loop()`), judged by
    # its return annotation only if the function runs on a thread (`_judge_getters`).
    getters: list[tuple[cst.Call, Getter, cst.CSTNode | None]] = field(default_factory=list)


class _Reach(NamedTuple):
    """A loop-affine call of another module a thread reaches: the functions from the one
    called (or handed to the thread) down to the one making it, the call, its index there."""

    chain: tuple[str, ...]
    use: LoopAffineUse
    index: int


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
    `asyncio.to_thread(f)`, `loop.run_in_executor(None, f)` (or a thread pool, also one a
    class attribute holds: `self.__class__._pool` annotated `Optional[ThreadPoolExecutor]`, or
    assigned one through the class), also through `functools.partial` or a lambda; or it is
    the `run` method of a `threading.Thread` subclass. The functions of the module it calls, two calls deep, run there too. With the
    project index (the command line, without `--per-file`), so do functions of other modules
    of the project: one handed to the thread (`Thread(target=poll)` after `from app.sensors
    import poll`, a method through an instance of an imported class) or called from a
    function that runs there, and what they call, to the same depth, through modules whose
    text names asyncio (a module that never does makes no loop-affine call, and what its
    functions call is not followed: that would read every module a thread's helpers call,
    for a chain seldom seen). Such a call is reported
    where this module hands the function to the thread, or calls it on the thread; the
    message names the function and line of the other module, and the finding's chain each
    function down to the call. The
    asyncio object must be known by what made it (`asyncio.Queue()`,
    `loop.create_future()`, an annotation), in the function's module, a class attribute set in
    a method, or a parameter's annotation; one the thread function makes itself is its own.
    A value a function of the project returns is known by that function's return annotation
    (`loop = get_server_loop()` after `def get_server_loop() -> asyncio.AbstractEventLoop`),
    unless the function makes or tests a loop (`new_event_loop()`: the loop may then be the
    thread's own); a queue, event or future so fetched only when bound outside the thread
    function. An instance made by calling a subscripted generic class (`Channel[bytes]`) is one of
    the class.

    Not reported: `loop.call_soon_threadsafe(...)` and `asyncio.run_coroutine_threadsafe(...)`,
    which are the thread-safe ways in; `queue.Queue` and other thread-safe queues (a janus
    queue's `sync_q` side); a thread function that runs an event loop of its own (`asyncio.run()`, `new_event_loop()`,
    `run_until_complete()`, `run_forever()`, the last two also on a receiver of unknown
    type), itself or in a function of the module it calls (two calls deep); a function that
    checks which loop it runs on (`asyncio.get_running_loop()`, `is_running()`, also on a
    receiver of unknown type, not as a method of a class of the module) or compares its thread with
    another (`threading.current_thread() is threading.main_thread()`, `get_ident() == ...`).
    `asyncio.set_event_loop(loop)` alone is not a loop of its own: it makes `loop` the
    thread's current loop, and does not run it.

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
            import threading

            import janus

            async def main(sensor):
                readings = janus.Queue()

                def poll():
                    readings.sync_q.put(sensor.read())

                threading.Thread(target=poll).start()
                return await readings.async_q.get()
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
        Valid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor
            from typing import Generic, Optional, TypeVar

            T = TypeVar("T")

            class Channel(Generic[T]):
                def __init__(self):
                    self._closed = asyncio.Event()

                def close(self):
                    self._closed.set()

            class Decoder:
                _pool: Optional[ThreadPoolExecutor] = None

                def __init__(self):
                    self._frames = Channel[bytes]()
                    self._loop = asyncio.get_event_loop()
                    if self.__class__._pool is None:
                        self.__class__._pool = ThreadPoolExecutor(max_workers=4)

                def push(self):
                    self._loop.run_in_executor(self.__class__._pool, self._decode)

                def _decode(self):
                    self._loop.call_soon_threadsafe(self._frames.close)
            """
        ),
        Valid(
            """
            import asyncio
            import threading

            _server = {}

            def server_loop() -> asyncio.AbstractEventLoop:
                return _server["loop"]

            class Worker:
                def answer(self, offer):
                    threading.Thread(target=self._answer, args=(offer,), daemon=True).start()

                def _answer(self, offer):
                    loop = server_loop()
                    asyncio.run_coroutine_threadsafe(offer.process(), loop)
            """
        ),
        Valid(
            """
            import asyncio
            import threading

            def serve(loop, job):
                asyncio.set_event_loop(loop)
                loop.create_task(job())
                loop.run_forever()

            threading.Thread(target=serve, args=(asyncio.new_event_loop(), None)).start()
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
        Invalid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor
            from typing import Generic, Optional, TypeVar

            T = TypeVar("T")

            class Channel(Generic[T]):
                def __init__(self):
                    self._closed = asyncio.Event()

                def close(self):
                    self._closed.set()

            class Decoder:
                _pool: Optional[ThreadPoolExecutor] = None

                def __init__(self):
                    self._frames = Channel[bytes]()
                    self._loop = asyncio.get_event_loop()
                    if self.__class__._pool is None:
                        self.__class__._pool = ThreadPoolExecutor(max_workers=4)

                def push(self):
                    self._loop.run_in_executor(self.__class__._pool, self._decode)

                def _decode(self):
                    self._frames.close()
            """,
            line=12,
            message_contains=("asyncio.Event.set()", "`Channel.close`, called from `Decoder._decode`"),
        ),
        Invalid(
            """
            import asyncio
            import threading

            _server = {}

            def server_loop() -> asyncio.AbstractEventLoop:
                return _server["loop"]

            class Worker:
                def answer(self, offer):
                    threading.Thread(target=self._answer, args=(offer,), daemon=True).start()

                def _answer(self, offer):
                    loop = server_loop()
                    asyncio.set_event_loop(loop)
                    loop.create_task(offer.process())
            """,
            line=16,
            message_contains=("`loop.create_task()` in `Worker._answer`", "run_coroutine_threadsafe"),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        # An asyncio object is named through an asyncio import: a module without one makes
        # no loop-affine call itself, though with the project index a function it hands to a
        # thread, or calls there, may make one in another module.
        self._active = b"asyncio" in facts.source_bytes
        self._project = facts.project
        self._tracking = self._active or self._project is not None
        self._open: list[_Function | None] = []
        self._functions: dict[str, _Function] = {}
        # Local function qualname -> how it is handed to a thread (the API's name).
        self._targets: dict[str, str] = {}
        # Functions of other modules handed to a thread: the site, the call, its statement.
        self._imported_targets: list[tuple[DispatchSite, cst.Call, cst.CSTNode | None]] = []
        # How many comparisons the traversal is in: `current_thread() is main_thread()`.
        self._comparisons = 0
        # Summaries of other modules' functions, by dotted name (None: not of the project).
        self._summaries: dict[str, FunctionSummary | None] = {}

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._comparisons += 1

    def leave_Comparison(self, node: cst.Comparison) -> None:
        self._comparisons -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self._tracking:
            return
        for base in node.bases:
            if self.facts.qualified_name(base.value) in THREAD_CLASSES:
                qualname = self.facts.scope.child_qualname(node.name.value)
                self._targets.setdefault(f"{qualname}.run", "a `threading.Thread` subclass")

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        if not self._tracking:
            return
        self._open.append(None if node.asynchronous is not None else _Function(self.facts.scope))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        if not self._tracking:
            return
        function = self._open.pop()
        if function is not None and (function.calls or function.own_loop or function.callees or function.external or function.getters):
            self._functions[function.scope.qualname] = function

    def visit_Call(self, node: cst.Call) -> None:
        if not self._tracking:
            return
        site = thread_dispatch(self.facts, node)
        if site is not None and not site.external:
            self._targets.setdefault(site.target, f"`{site.api.display}`")
        elif site is not None and self._project is not None:
            self._imported_targets.append((site, node, self.facts.current_statement))
        function = self._open[-1] if self._open and self.facts.frame.kind == "function" else None
        if function is None or self.facts.unreachable:
            return
        symbol = self.facts.resolve(node.func)
        if symbol is not None and symbol.local:
            function.callees.add(symbol.qualname)
        name = symbol.qualname if symbol is not None and not symbol.local else None
        if self._project is not None and symbol is not None and name is not None and not symbol.instance and _may_be_project(name):
            function.external.append((node, name, self.facts.current_statement))
        if not self._active:
            return
        if checks_where_it_runs(name, self._comparisons > 0, node if symbol is None or not symbol.local else None):
            function.own_loop = True
            return
        what = loop_affine(self.facts, node, name, function.scope)
        if what is not None:
            function.calls.append((node, what, self.facts.current_statement))
        elif name is None:
            getter = returned_receiver(self.facts, node, function.scope)
            if getter is not None:
                function.getters.append((node, getter, self.facts.current_statement))

    def leave_Module(self, node: cst.Module) -> None:
        reported: set[str] = set()
        for target, api in self._targets.items():
            if target not in self._functions or self._runs_own_loop(target, _CALLEE_DEPTH, False):
                continue
            on_thread = [(qualname, via, depth) for qualname, via, depth in self._on_thread(target) if qualname not in reported]
            for qualname, _, _ in on_thread:
                self._judge_getters(self._functions[qualname])
            reaches = [
                (call, statement, reach, qualname)
                for qualname, _, depth in on_thread
                for call, callee, statement in (self._functions[qualname].external if depth < _CALLEE_DEPTH else ())
                if (reach := self._reach(callee, _CALLEE_DEPTH - depth - 1)) is not None
            ]
            found = reaches or any(self._functions[qualname].calls for qualname, _, _ in on_thread)
            # Other modules' loops are looked for only when there is something to report.
            if not found or self._runs_own_loop(target, _CALLEE_DEPTH, True):
                continue
            for qualname, via, _ in on_thread:
                reported.add(qualname)
                for call, what, statement in self._functions[qualname].calls:
                    message = _message(what, f"`{_short(qualname)}`", api, _short(via))
                    self.report(call, statement=statement, message=message, suggestion=_suggestion(call, what))
            for call, statement, reach, qualname in reaches:
                self._report_reach(call, statement, reach, api, _short(qualname))
        for site, call, statement in self._imported_targets:
            reach = self._reach(site.target, _CALLEE_DEPTH)
            if reach is not None and not self._external_runs_own_loop(site.target, _CALLEE_DEPTH):
                self._report_reach(call, statement, reach, f"`{site.api.display}`", "")

    def _report_reach(self, call: cst.Call, statement: cst.CSTNode | None, reach: _Reach, api: str, caller: str) -> None:
        """Reports, at `call` of this module, a loop-affine call another module makes on the
        thread: `caller` is the function of this module the call is in ("" when `call`
        hands the function to the thread)."""
        project = self._project
        assert project is not None
        function = reach.chain[-1]
        via = short_name(reach.chain[-2]) if len(reach.chain) > 1 else caller

        def message(line_of: object) -> str:
            where = f"`{short_name(function)}` (line {project.line(function, 'loop_affine', reach.index)} of {project.where(function)})"
            return _message(reach.use.what, where, api, via)

        self.report(
            call,
            message,
            statement=statement,
            suggestion=_suggested(reach.use.what, reach.use.shown, True),
            helper_chain=_links(project, reach),
        )

    def _on_thread(self, target: str) -> list[tuple[str, str, int]]:
        """The thread function and the sync functions of this module it calls (up to
        `_CALLEE_DEPTH` calls deep), each with the function it is called from ("" for the
        target) and how many calls deep it is; a function that checks where it runs, or
        runs a loop, is left out."""
        found: list[tuple[str, str, int]] = [(target, "", 0)]
        seen = {target}
        frontier = [target]
        for depth in range(1, _CALLEE_DEPTH + 1):
            following: list[str] = []
            for caller in frontier:
                for callee in sorted(self._functions[caller].callees):
                    function = self._functions.get(callee)
                    if callee in seen or function is None or function.own_loop:
                        continue
                    seen.add(callee)
                    found.append((callee, caller, depth))
                    following.append(callee)
            frontier = following
        return found

    def _runs_own_loop(self, qualname: str, depth: int, external: bool) -> bool:
        """Whether the function, or one it calls in this module or, with `external` and the
        project index, in another (`depth` calls deep), runs an event loop on its thread:
        loop objects used there may be that loop's."""
        function = self._functions.get(qualname)
        if function is None:
            return False
        if function.own_loop:
            return True
        if depth == 0:
            return False
        if any(self._runs_own_loop(callee, depth - 1, external) for callee in function.callees if callee != qualname):
            return True
        return external and any(self._external_runs_own_loop(callee, depth - 1) for _, callee, _ in function.external)

    def _judge_getters(self, function: _Function) -> None:
        """Adds to the function's loop-affine calls those made on what a function returned,
        by its return annotation: asked only for functions that run on a thread, since for
        another module's function it takes the project index."""
        for call, getter, statement in function.getters:
            returns = self._returns(getter)
            what = returned_affine(getter, returns) if returns else None
            if what is not None:
                function.calls.append((call, what, statement))
        function.getters.clear()

    def _returns(self, getter: Getter) -> str:
        """The asyncio kind the function `getter` calls is annotated to return; "" when it
        is not, or when it makes or tests a loop (`new_event_loop()`): what it returns may be
        the calling thread's own."""
        if getter.node is not None:
            made = self._functions.get(getter.name)
            return "" if made is not None and made.own_loop else local_returns(getter)
        if self._names_no_asyncio(getter.name):
            return ""
        summary = self._summary(getter.name)
        return summary.returns_asyncio if summary is not None and not summary.loop_aware else ""

    def _summary(self, name: str) -> FunctionSummary | None:
        """The summary of the function `name` of another module of the project, by the
        project index; None for what is not the project's, or cannot be found."""
        if name not in self._summaries:
            project = self._project
            own = f"{project.module_name}." if project is not None and project.module_name else None
            found = None
            if project is not None and _may_be_project(name) and (own is None or not name.startswith(own)):
                found = project.function(name)
            self._summaries[name] = found
        return self._summaries[name]

    def _external_runs_own_loop(self, name: str, depth: int) -> bool:
        """`_runs_own_loop` for a function of another module, by its summary."""
        if depth == 0 and self._names_no_asyncio(name):
            return False
        summary = self._summary(name)
        if summary is None or summary.is_async:
            return False
        if summary.loop_aware:
            return True
        return depth > 0 and any(self._external_runs_own_loop(callee, depth - 1) for callee in summary.all_calls if callee != name)

    def _names_no_asyncio(self, name: str) -> bool:
        """Whether the project module defining the function or class `name` (its text holds
        `def <name>` or `class <name>`, so not a re-export) never names asyncio: the function
        then makes no loop-affine call and runs no loop of its own (a constructor inherited
        from another module's class is not looked for). Read off the text, so that a module
        only needed for that is not summarized."""
        project = self._project
        if project is None or not _may_be_project(name):
            return False
        names = project.module_text_names(name)
        defined = names is not None and name.rpartition(".")[2].encode() in names.defined
        return defined and not project.module_mentions(name, (b"asyncio",))

    def _reach(self, name: str, depth: int) -> _Reach | None:
        """The first loop-affine call that the function `name` of another module makes, or
        a function it calls (`depth` calls deep, breadth first), with the chain down to it;
        None when there is none. Coroutine and generator functions run nothing when called,
        and a function that runs its own loop or checks where it runs is not followed."""
        frontier: list[tuple[str, ...]] = [(name,)]
        seen = {name}
        for level in range(depth + 1):
            following: list[tuple[str, ...]] = []
            for chain in frontier:
                if self._names_no_asyncio(chain[-1]):
                    # It makes no loop-affine call itself; its callees are not followed either:
                    # a chain through a module that never names asyncio is not worth
                    # summarizing every module a thread's helpers call (celery: 6 % of a run).
                    continue
                summary = self._summary(chain[-1])
                if summary is None or summary.is_async or summary.is_generator or summary.loop_aware:
                    continue
                # Named where it is defined (`aio.channel.Chan.close`, not the package's
                # re-export `aio.Chan.close`): the index places it by that name.
                chain = (*chain[:-1], summary.qualname)
                if summary.loop_affine:
                    return _Reach(chain, summary.loop_affine[0], 0)
                if level < depth:
                    for callee in summary.all_calls:
                        if callee not in seen:
                            seen.add(callee)
                            following.append((*chain, callee))
            frontier = following
        return None


def _may_be_project(name: str) -> bool:
    """A dotted name the project index may find in the project: not a library's, nor a
    builtin, nor a relative name left unresolved."""
    return not is_library_name(name) and not name.startswith(("builtins.", "."))


def _links(project: ProjectView, reach: _Reach) -> Callable[[object], tuple[ChainLink, ...]]:
    """The finding's chain: each function where it is defined, then the loop-affine call."""

    def links(line_of: object) -> tuple[ChainLink, ...]:
        made = [ChainLink(project.function_file(name), project.definition_line(name), short_name(name)) for name in reach.chain]
        function = reach.chain[-1]
        line = project.line(function, "loop_affine", reach.index)
        made.append(ChainLink(project.function_file(function), line, f"{reach.use.shown}()"))
        return tuple(made)

    return links


def _message(what: str, function: str, api: str, via: str) -> str:
    """Names the call, the function (as shown: `` `poll` ``, or where another module defines
    it), the caller that brings it onto the thread if any, and how it reaches a thread."""
    if what in _SCHEDULES:
        effect = "it raises RuntimeError where no loop runs, and is not thread-safe where one does"
    elif what.startswith("loop."):
        # Nothing waits on a callback or task the loop is handed: the loop itself may sleep on.
        effect = "it is not thread-safe, so the loop may not wake to run what it is given"
    else:
        effect = "it is not thread-safe, so the coroutine waiting on it may never wake"
    where = f"called from `{via}`, which runs" if via else "which runs"
    return f"`{what}` in {function}, {where} on a worker thread ({api}): {effect}"


def _short(qualname: str) -> str:
    """A function's name as the reader knows it: `poll`, not `main.<locals>.poll`."""
    return qualname.rpartition(".<locals>.")[2]


# How many calls deep a thread function's callees are searched for a loop it runs itself.
_CALLEE_DEPTH = 2
# Calls that start a task: on a thread without a running loop they raise.
_SCHEDULES = frozenset({"asyncio.create_task()", "asyncio.ensure_future()"})


def _suggestion(call: cst.Call, what: str) -> str:
    """The thread-safe way in for this call."""
    return _suggested(what, cst.Module([]).code_for_node(call.func), bool(call.args))


def _suggested(what: str, callee: str, arguments: bool) -> str:
    """The thread-safe way in for a call of `callee` (as the source spells it)."""
    if what in _SCHEDULES or what == "loop.create_task()":
        return "Schedule the coroutine with `asyncio.run_coroutine_threadsafe(coro, loop)`."
    if what.startswith("loop.call_"):
        return "Use `loop.call_soon_threadsafe(...)` (for a delay, call `call_later` through it)."
    return f"Call it on the loop's thread: `loop.call_soon_threadsafe({callee}{', ...' if arguments else ''})`."
