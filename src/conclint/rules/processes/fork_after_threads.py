"""CCL305: a fork in a process that has already started a thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import libcst as cst

from conclint.analysis.dispatch import call_argument, thread_dispatch
from conclint.analysis.process_display import callee_text
from conclint.analysis.process_literals import string_literal
from conclint.analysis.process_objects import origin_call, process_object_kind
from conclint.analysis.process_start_methods import context_method, creation_forks, forks
from conclint.analysis.process_starts import process_start
from conclint.analysis.scopes import dotted_name
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge import forking
from conclint.knowledge.processes import (
    CONTEXT_KEYWORDS,
    DATALOADER_CONTEXT_KEYWORD,
    EXECUTOR_DISPATCH_METHODS,
    GET_CONTEXT,
    PROCESS_EXECUTOR_TYPES,
    PROCESS_STARTING_CALLS,
    START_METHOD_SETTERS,
    START_TOKENS,
    STARTING_METHOD,
)
from conclint.knowledge.threads import THREAD_CLASSES
from conclint.rules.base import Invalid, Rule, Valid
from conclint.rules.processes.fork_paths import UnitPaths, unit_paths
from conclint.syntax.prefilter import THREADS

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.scopes import Scope
    from conclint.core.settings import Settings

# Kinds of the events a unit (a function, or the module's body) records.
_START, _FORK, _PROCESS, _JOIN, _CALL = "start", "fork", "process", "join", "call"
# How many calls deep a unit's callees are followed for the threads they start and the
# forks they make.
_CALL_DEPTH = 4
_MODULE = ""
_STARTS, _FORKS = "starts", "forks"
# Why a process start forks (`_Event.method`), and what messages add for it.
_CONTEXT, _LINUX = "context", "linux"
_HOW = {
    "": " (the module sets the start method to fork)",
    _LINUX: " (on Linux, fork is the default start method before Python 3.14)",
}


@dataclass
class _Event:
    """A call of a unit that matters: a thread start, a fork, a process start that may fork, a
    join, or a call of another function of the module.

    `text`: how messages name it (or the callee's qualname for a call). `receiver`: the
    thread or executor a start or join is about (`t`, `self.pool`), when named. `joined_by`:
    the `with` statement whose end joins the threads of a start (or, for the `__enter__` a
    `with` calls, of the threads that call starts). `scope`: where it runs.
    `import_time`: module-level code outside the `__main__` guard. `method`: for a process
    start, why its start method is fork: "context" (a fork context), "linux" (the default, in
    a block that runs on Linux only), "" (the default: fork only where the module sets it).
    """

    kind: str
    node: cst.Call
    text: str
    statement: cst.CSTNode | None
    scope: Scope
    receiver: str = ""
    joined_by: cst.With | None = None
    import_time: bool = False
    method: str = ""


@dataclass
class _Unit:
    """The events of one function (or of the module's body), in source order."""

    body: Sequence[cst.CSTNode]
    events: list[_Event] = field(default_factory=list)
    paths: UnitPaths | None = None
    joiners: list[tuple[_Event, frozenset[str]]] | None = None


@dataclass(frozen=True)
class _Trace:
    """A thread start or a fork reached from a unit: the event, the unit it is in, and the
    call of the unit that leads there (itself when the event is the unit's own)."""

    event: _Event
    unit: str
    via: _Event


class ForkAfterThreads(Rule):
    """
    ## What it does
    Finds a fork in a program that has already started a thread: `os.fork()`, `pty.fork()`,
    `os.forkpty()`, or a `multiprocessing` process, pool or `ProcessPoolExecutor` that starts
    its children with the fork method, after a `threading.Thread` (or a subclass, or a
    `Timer`) was started, a `ThreadPoolExecutor` was given work, a `ThreadPool` was made, or
    `_thread.start_new_thread()` was called.

    The thread start comes first when it runs at import time (at module level, or in a
    function called there), or earlier in the same function on a path that reaches the fork
    (also inside functions of the module that function calls, four calls deep, and the
    `__enter__` of a class of the module a `with` block enters: for a fork inside that
    block, since its `__exit__` may end the thread), or when the
    fork runs on a thread itself: in a function of the module handed to a thread as CCL201
    finds them (`Thread(target=f)`, `pool.submit(f)`, `asyncio.to_thread(f)`,
    `_thread.start_new_thread(f, ...)`), the `run` of a `Thread` subclass, or a function
    they call. A process start forks when its context is `get_context("fork")`, when the
    module calls `set_start_method("fork")` at module level, in the same function or in one
    that calls it, or, with a
    `target-version` below 3.14, when it sits under an `if` that says the code runs on Linux
    (`sys.platform.startswith("linux")`, `sys.platform == "linux"`,
    `platform.system() == "Linux"`), where fork is the default.

    Not reported: a thread started only after the fork (in a loop, the next round is not
    followed), or on another branch (a `try` body counts as another branch than its `except`
    handlers); a thread joined (`t.join()`,
    `executor.shutdown()`, a Timer's `cancel()`) between its start and the fork, and a
    `ThreadPoolExecutor` or `ThreadPool` whose `with` block ends before the fork; a child that
    replaces itself or exits at once (`if pid == 0:` followed by `os.execv*()` or
    `os._exit()`, after at most descriptor and session set-up); threads and forks the module
    cannot see: started or made in another module, or reached through a method a subclass
    overrides.

    ## Why is this bad?
    A fork copies the whole memory of the process but only the thread that called it. A lock
    another thread held at that moment (logging's handler lock, a queue's, the allocator's, an
    import lock) is held for ever in the child, which deadlocks the first time it takes it.
    CPython 3.12 warns about it (`DeprecationWarning: This process is multi-threaded, use of
    fork() may lead to deadlocks in the child`), and Python 3.14 made `forkserver` the default
    start method on Linux for this reason.

    ## Example
    ```python
    import multiprocessing as mp
    import threading

    def main(watch, work):
        threading.Thread(target=watch, daemon=True).start()
        ctx = mp.get_context("fork")
        with ctx.Pool(4) as pool:
            pool.map(work, range(8))
    ```

    ## Use instead
    ```python
    import multiprocessing as mp
    import threading

    def main(watch, work):
        ctx = mp.get_context("forkserver")
        with ctx.Pool(4) as pool:
            threading.Thread(target=watch, daemon=True).start()
            pool.map(work, range(8))
    ```
    Start the processes before the threads, or start them with the `forkserver` or `spawn`
    context; for `os.fork()`, fork before starting threads, or run the child program with
    `subprocess`.

    ## Fix safety
    There is no automatic fix: a different start method pickles what the children are given,
    and moving a thread start changes the program.

    ## Options
    - `target-version`: below `"3.14"`, a process start under an `if` that says the code runs
      on Linux uses the fork method by default.

    ## References
    - [os.fork](https://docs.python.org/3/library/os.html#os.fork)
    - [multiprocessing: contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
    - [What's new in Python 3.14: the default start method](https://docs.python.org/3/whatsnew/3.14.html#multiprocessing)
    """

    CODE = "CCL305"
    NAME = "fork-after-threads"
    MESSAGE = "{message}"
    REQUIRED_TOKENS = (*forking.FORK_TOKENS, *START_TOKENS)
    REQUIRED_PATTERN = THREADS

    VALID = (
        Valid(
            """
            import multiprocessing as mp
            import threading

            def main(watch, work):
                ctx = mp.get_context("fork")
                with ctx.Pool(4) as pool:
                    pool.map(work, range(8))
                threading.Thread(target=watch, daemon=True).start()
            """
        ),
        Valid(
            """
            import os
            import threading

            def run(argv, watch):
                threading.Thread(target=watch, daemon=True).start()
                pid = os.fork()
                if pid == 0:
                    os.dup2(0, 1)
                    os.execvp(argv[0], argv)
                return pid
            """
        ),
        Valid(
            """
            import os
            import threading

            def prepare(load):
                worker = threading.Thread(target=load)
                worker.start()
                worker.join()
                return os.fork()
            """
        ),
        Valid(
            """
            import os
            from concurrent.futures import ThreadPoolExecutor

            def prepare(load, names):
                with ThreadPoolExecutor() as pool:
                    list(pool.map(load, names))
                return os.fork()
            """
        ),
        Valid(
            """
            import os
            import threading

            def serve(handle, threaded):
                if threaded:
                    threading.Thread(target=handle).start()
                else:
                    os.fork()
            """
        ),
        Valid(
            """
            import os
            import threading

            def daemonize():
                if os.fork():
                    os._exit(0)

            def watch(check):
                threading.Thread(target=check, daemon=True).start()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import multiprocessing as mp
            import threading

            def main(watch, work):
                threading.Thread(target=watch, daemon=True).start()
                ctx = mp.get_context("fork")
                with ctx.Pool(4) as pool:
                    pool.map(work, range(8))
            """,
            line=7,
            column=10,
            message_contains=("`ctx.Pool()` forks after `main` started a thread", "`Thread(...).start()`, line 5", "forkserver"),
        ),
        Invalid(
            """
            import os
            import threading

            def heartbeat():
                pass

            threading.Thread(target=heartbeat, daemon=True).start()

            def daemonize():
                if os.fork():
                    os._exit(0)
            """,
            line=10,
            message_contains=("`os.fork()` runs in `daemonize`", "at import time", "line 7"),
        ),
        Invalid(
            """
            import os
            import pty
            from concurrent.futures import ThreadPoolExecutor

            class Session:
                def __init__(self):
                    self.pool = ThreadPoolExecutor(2)

                def connect(self, login):
                    self.pool.submit(login)
                    self.spawn_shell()

                def spawn_shell(self):
                    pid, fd = pty.fork()
                    if pid == 0:
                        print("child")
                    return fd
            """,
            line=14,
            message_contains=("`pty.fork()` runs in `Session.spawn_shell`", "`Session.connect` started", "`self.pool.submit()`"),
        ),
        Invalid(
            """
            import multiprocessing
            import sys
            import threading

            class Monitor(threading.Thread):
                def run(self):
                    pass

            def main(work):
                Monitor(daemon=True).start()
                if sys.platform == "linux":
                    process = multiprocessing.Process(target=work)
                    process.start()
            """,
            line=13,
            message_contains=("`process.start()` forks", "on Linux"),
        ),
        Invalid(
            """
            import os
            import _thread

            def start(watch):
                _thread.start_new_thread(watch, ())
                try:
                    pid = os.forkpty()[0]
                finally:
                    pass
                return pid
            """,
            line=7,
        ),
        Invalid(
            """
            import os
            from concurrent.futures import ThreadPoolExecutor

            def render(page):
                pid = os.fork()
                if pid == 0:
                    print(page)
                    os._exit(0)
                return os.waitpid(pid, 0)

            def render_all(pages):
                with ThreadPoolExecutor(4) as pool:
                    return list(pool.map(render, pages))
            """,
            line=5,
            message_contains=("`os.fork()` runs in `render`, which runs on a thread", "`ThreadPoolExecutor.map`, line 13"),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        source = facts.source_bytes
        # A thread the rule can see is started by a name the source spells.
        self._active = any(token in source for token in forking.THREAD_TOKENS)
        self._processes = any(token in source for token in START_TOKENS)
        self._units: dict[str, _Unit] = {_MODULE: _Unit(facts.module.body)}
        # Units that call `set_start_method("fork")` ("" for the module's body).
        self._fork_method_set: set[str] = set()
        self._linux_blocks = 0
        self._memo: dict[tuple[str, str, int], list[_Trace]] = {}
        # Functions of the module that run on a thread: qualname -> the call (or class
        # statement) that puts them there, and how messages name it.
        self._thread_targets: dict[str, tuple[cst.CSTNode, str]] = {}
        self._later_joins: dict[int, frozenset[str]] = {}
        # The units the functions calling `set_start_method("fork")` reach (on first need).
        self._setter_reach: set[str] | None = None
        self._linux_default = _version(settings.target_version) < forking.FORKSERVER_DEFAULT_FROM

    # ----- traversal -------------------------------------------------------------------------

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        if self._active:
            self._units[self.facts.scope.qualname] = _Unit(node.body.body)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """The `run` method of a `threading.Thread` subclass runs on the thread."""
        if not self._active:
            return
        for base in node.bases:
            if self.facts.qualified_name(base.value) in THREAD_CLASSES:
                qualname = self.facts.scope.child_qualname(node.name.value)
                self._thread_targets.setdefault(f"{qualname}.run", (node, f"`{qualname}` is a `threading.Thread`"))

    def visit_With(self, node: cst.With) -> None:
        """`with obj:` on an object of a class of this module calls its `__enter__`, which
        may start a thread; its `__exit__` is taken to end it (precision first), so only a
        fork inside the block counts."""
        facts = self.facts
        if not self._active or facts.unreachable:
            return
        unit = self._unit_name()
        if unit is None:
            return
        for item in node.items:
            symbol = facts.resolve(item.item)
            if symbol is not None and symbol.local and symbol.instance:
                callee = f"{symbol.qualname}.__enter__"
                self._units[unit].events.append(_Event(_CALL, item.item, callee, node, facts.scope, joined_by=node))  # type: ignore[arg-type]

    def visit_If_body(self, node: cst.If) -> None:
        if self._active and self._processes and self._linux_default and _says_linux(node.test, self.facts.scope):
            self._linux_blocks += 1

    def leave_If_body(self, node: cst.If) -> None:
        if self._active and self._processes and self._linux_default and _says_linux(node.test, self.facts.scope):
            self._linux_blocks -= 1

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.facts
        if not self._active or facts.unreachable:
            return
        unit = self._unit_name()
        if unit is None:
            return
        self._note_thread_target(node)
        event = self._event(node, facts.resolve(node.func))
        if event is not None:
            event.import_time = unit == _MODULE and facts.main_guard_depth == 0
            self._units[unit].events.append(event)

    def _note_thread_target(self, node: cst.Call) -> None:
        """Remembers the function of this module that `node` runs on a thread, as CCL201 and
        CCL406 resolve it (`Thread(target=f)`, `pool.submit(f)`, `to_thread(f)`, through
        `partial` or a lambda), or through `_thread.start_new_thread(f, args)`."""
        site = thread_dispatch(self.facts, node)
        if site is not None:
            if not site.external:
                self._thread_targets.setdefault(site.target, (node, f"`{site.api.display}`"))
            return
        name = self.facts.qualified_name(node.func)
        if name in forking.RAW_THREAD_STARTS:
            function = call_argument(node, *forking.RAW_THREAD_STARTS[name])
            symbol = self.facts.resolve(function) if function is not None else None
            if symbol is not None and symbol.local and not symbol.instance:
                self._thread_targets.setdefault(symbol.qualname, (node, f"`{name}`"))

    def _unit_name(self) -> str | None:
        """The function the call runs in, "" for the module's body, None elsewhere (a class
        body, a lambda)."""
        kind = self.facts.frame.kind
        if kind == "module":
            return _MODULE
        if kind == "function":
            return self.facts.scope.qualname
        return None

    def _event(self, node: cst.Call, symbol: Symbol | None) -> _Event | None:
        facts = self.facts
        statement = facts.current_statement
        func = node.func
        name = symbol.qualname if symbol is not None and not symbol.local and not symbol.instance else None
        if name in forking.FORK_CALLS:
            return _Event(_FORK, node, forking.FORK_CALLS[name], statement, facts.scope)
        if name in forking.THREAD_STARTS:
            return self._thread_start(node, name, statement)
        if isinstance(func, cst.Attribute) and func.attr.value in forking.JOINING_METHODS:
            receiver = dotted_name(func.value)
            return _Event(_JOIN, node, receiver, statement, facts.scope, receiver=receiver) if receiver else None
        if symbol is not None and symbol.local and not symbol.instance:
            callee = f"{symbol.qualname}.__init__" if isinstance(symbol.node, cst.ClassDef) else symbol.qualname
            return _Event(_CALL, node, callee, statement, facts.scope)
        if name in START_METHOD_SETTERS and string_literal(call_argument(node, 0, "method")) == forking.FORK_METHOD:
            self._fork_method_set.add(self._unit_name() or _MODULE)
            return None
        if self._processes:
            return self._process_start(node, symbol, statement)
        return None

    def _thread_start(self, node: cst.Call, name: str, statement: cst.CSTNode | None) -> _Event:
        """A thread start, with the thread or executor it is about and the `with` block
        whose end joins it, if any."""
        facts = self.facts
        kind = forking.THREAD_STARTS[name]
        func = node.func
        receiver = ""
        joined_by = None
        if kind == forking.POOL:
            if isinstance(statement, cst.With) and any(item.item is node for item in statement.items):
                joined_by = statement
            elif isinstance(statement, cst.SimpleStatementLine):
                receiver = _assigned_name(statement, node)
            text = f"{callee_text(func)}()"
        else:
            if isinstance(func, cst.Attribute) and not isinstance(func.value, cst.Call):
                receiver = dotted_name(func.value)
            if kind == forking.EXECUTOR and receiver:
                joined_by = _entered_as(receiver, facts.statements)
            text = f"{callee_text(func)}()"
        return _Event(_START, node, text, statement, facts.scope, receiver=receiver, joined_by=joined_by)

    def _process_start(self, node: cst.Call, symbol: Symbol | None, statement: cst.CSTNode | None) -> _Event | None:
        """A process start that may fork: made from a fork context (`method` "context"), or by the
        default context, which forks under `set_start_method("fork")` or, before 3.14, on
        Linux (`method` "linux" inside a block that says it runs on Linux)."""
        facts = self.facts
        start = process_start(facts, node, symbol)
        if start is not None:
            if _names_context(facts, node):
                return None  # a spawn or forkserver context (a fork one is not a `process_start`)
            method = _LINUX if self._linux_blocks > 0 else ""
            return _Event(_PROCESS, node, start.display, statement, facts.scope, method=method)
        display = _fork_context_start(facts, node, symbol)
        if display is None:
            return None
        return _Event(_PROCESS, node, display, statement, facts.scope, method=_CONTEXT)

    # ----- the verdict -----------------------------------------------------------------------

    def leave_Module(self, node: cst.Module) -> None:
        units = self._units
        if not self._active or not any(event.kind in (_FORK, _PROCESS) for unit in units.values() for event in unit.events):
            return
        reported: set[int] = set()
        starting = self._may_reach((_START,))
        both = starting & self._may_reach((_FORK, _PROCESS))
        for name, unit in units.items():
            if name not in both:
                continue
            for start, fork in self._pairs(name, unit):
                if id(fork.event.node) not in reported:
                    reported.add(id(fork.event.node))
                    self._report(name, start, fork)
        self._report_forks_on_threads(reported)
        if _MODULE not in starting:
            return
        import_starts = [trace for trace in self._left_running(_MODULE, 0, frozenset()) if trace.via.import_time]
        if not import_starts:
            return
        from_module = self._reached(_MODULE)
        for name, unit in units.items():
            if name == _MODULE or name in from_module:
                continue
            for fork in self._forks(name, 0, frozenset()):
                if fork.unit == name and id(fork.event.node) not in reported:
                    reported.add(id(fork.event.node))
                    self._report(None, import_starts[0], fork)

    def _report_forks_on_threads(self, reported: set[int]) -> None:
        """Reports the forks a function run on a thread makes (itself or through the
        functions it calls): the thread that started it still runs."""
        for target, (started, api) in self._thread_targets.items():
            if target not in self._units:
                continue
            for fork in self._forks(target, 0, frozenset()):
                if id(fork.event.node) not in reported:
                    reported.add(id(fork.event.node))
                    self._report_on_thread(target, started, api, fork)

    def _report_on_thread(self, target: str, started: cst.CSTNode, api: str, fork: _Trace) -> None:
        """Reports a fork made on a thread, naming the function and where it was put there."""
        event = fork.event
        where = f"in `{_short(fork.unit)}`, called by `{_short(target)}`," if fork.unit != target else f"in `{_short(target)}`,"

        def message(line_of: Callable[[cst.CSTNode], int]) -> str:
            return (
                f"{_forked(event)} {where} which runs on a thread ({api}, line {line_of(started)}) while the "
                f"thread that started it runs on: {_CONSEQUENCE}"
            )

        self.report(event.node, message=message, suggestion=_suggestion(event), statement=event.statement)

    def _pairs(self, name: str, unit: _Unit) -> Iterator[tuple[_Trace, _Trace]]:
        """Each fork reached from the unit, with a thread start reached from it earlier on a
        path, where no join of that thread comes between."""
        starting = [(event, traces) for event in unit.events if (traces := self._starts_of(name, event, 0, frozenset({name})))]
        if not starting:
            return
        paths = self._paths(name)
        for fork_event in unit.events:
            forks_ = self._forks_of(name, fork_event, 0, frozenset({name}))
            if not forks_:
                continue
            start = next(
                (
                    trace
                    for start_event, traces in starting
                    if paths.runs_after(start_event.node, fork_event.node)
                    for trace in self._running_at(name, traces, start_event, fork_event)
                ),
                None,
            )
            if start is not None:
                for fork in forks_:
                    yield start, fork

    def _starts_of(self, name: str, event: _Event, depth: int, seen: frozenset[str]) -> list[_Trace]:
        """The threads an event of unit `name` starts and leaves running."""
        if event.kind == _START:
            return [_Trace(event, name, event)]
        if event.kind == _CALL and event.text in self._units and event.text not in seen and depth < _CALL_DEPTH:
            return [
                _Trace(trace.event, trace.unit, event)
                for trace in self._left_running(event.text, depth + 1, seen | {event.text})
            ]
        return []

    def _left_running(self, name: str, depth: int, seen: frozenset[str]) -> list[_Trace]:
        """The threads unit `name` starts (itself or through its callees) and does not join
        before it returns, one trace per start. Remembered per unit and depth: a second call
        chain reaching the unit gets the first one's answer, where a cycle may have cut a
        little more."""
        return self._traces(
            (_STARTS, name, depth),
            lambda event: [
                trace
                for trace in self._starts_of(name, event, depth, seen | {name})
                if not self._joined_after(name, trace, event)
            ],
        )

    def _forks_of(self, name: str, event: _Event, depth: int, seen: frozenset[str]) -> list[_Trace]:
        """The forks an event of unit `name` makes, itself or through its callees."""
        if event.kind in (_FORK, _PROCESS):
            return [_Trace(event, name, event)] if self._forking(name, event) else []
        if event.kind == _CALL and event.text in self._units and event.text not in seen and depth < _CALL_DEPTH:
            return [_Trace(trace.event, trace.unit, event) for trace in self._forks(event.text, depth + 1, seen | {event.text})]
        return []

    def _forks(self, name: str, depth: int, seen: frozenset[str]) -> list[_Trace]:
        """The forks unit `name` makes, itself or through its callees, one trace per fork
        (remembered as `_left_running` remembers)."""
        return self._traces((_FORKS, name, depth), lambda event: self._forks_of(name, event, depth, seen | {name}))

    def _traces(self, key: tuple[str, str, int], of_event: Callable[[_Event], list[_Trace]]) -> list[_Trace]:
        """The traces `of_event` gives for the events of unit `key[1]`, one per node reached,
        remembered under `key` (set empty first: a cycle back to the unit finds none)."""
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = []
            reached: set[int] = set()
            for event in self._units[key[1]].events:
                for trace in of_event(event):
                    if id(trace.event.node) not in reached:
                        reached.add(id(trace.event.node))
                        found.append(trace)
        return found

    def _forking(self, name: str, event: _Event) -> bool:
        """A fork whose child may run the parent's code: not one that execs at once; a
        process start whose start method is known to be fork."""
        if event.kind == _PROCESS:
            return bool(event.method) or self._fork_method_reaches(name)
        return not _child_execs(event, self._paths(name))

    def _fork_method_reaches(self, name: str) -> bool:
        """`set_start_method("fork")` is called at module level, in unit `name`, or in a
        function that calls `name` (at any depth): the entry point chose fork for the
        processes its callees start."""
        setters = self._fork_method_set
        if not setters:
            return False
        if _MODULE in setters or name in setters:
            return True
        if self._setter_reach is None:
            self._setter_reach = {reached for setter in setters for reached in self._reached(setter)}
        return name in self._setter_reach

    def _joined_after(self, name: str, trace: _Trace, event: _Event) -> bool:
        """The thread of `trace`, started by `event` of unit `name`, is joined before the
        unit returns: by its `with` block, or by a join of it after the start."""
        if (trace.event.joined_by if trace.unit == name else event.joined_by) is not None:
            return True
        return bool(trace.event.receiver) and trace.event.receiver in self._joined_later(name, event)

    def _running_at(self, name: str, traces: list[_Trace], start: _Event, fork: _Event) -> Iterator[_Trace]:
        """The threads of `traces`, started by `start` of unit `name`, that no join is known
        to end before `fork`: their executor's `with` block still open at the fork, and no
        join of their receiver after `start` and before `fork`."""
        paths = self._paths(name)
        for trace in traces:
            with_block = trace.event.joined_by if trace.unit == name else start.joined_by
            receiver = trace.event.receiver
            if with_block is not None:
                if paths.inside(fork.node, with_block):
                    yield trace
            elif not receiver or receiver not in self._joined_later(name, start):
                yield trace
            elif not any(
                receiver in receivers and paths.runs_after(start.node, joiner.node) and paths.runs_after(joiner.node, fork.node)
                for joiner, receivers in self._joiners(name)
            ):
                yield trace

    def _joined_later(self, name: str, event: _Event) -> frozenset[str]:
        """The receivers a join of unit `name` may join after `event` (remembered)."""
        key = id(event.node)
        found = self._later_joins.get(key)
        if found is None:
            paths = self._paths(name)
            joined: set[str] = set()
            for joiner, receivers in self._joiners(name):
                if not receivers <= joined and paths.runs_after(event.node, joiner.node):
                    joined |= receivers
            found = self._later_joins[key] = frozenset(joined)
        return found

    def _joiners(self, name: str) -> list[tuple[_Event, frozenset[str]]]:
        """The events of unit `name` that join threads, each with the receivers it joins: a
        join, or a call of a function of the module that joins (an attribute of `self` is the
        same object there)."""
        unit = self._units[name]
        if unit.joiners is None:
            unit.joiners = []
            for event in unit.events:
                if event.kind == _JOIN:
                    unit.joiners.append((event, frozenset({event.receiver})))
                elif event.kind == _CALL and event.text in self._units and event.text != name:
                    joined = frozenset(other.receiver for other in self._units[event.text].events if other.kind == _JOIN)
                    if joined:
                        unit.joiners.append((event, joined))
        return unit.joiners

    def _may_reach(self, kinds: tuple[str, ...]) -> set[str]:
        """The units that hold an event of `kinds` or call, at any depth, a unit that does:
        a cheap bound on the units worth following (joins, exec'ing children and depth are
        judged later)."""
        callers: dict[str, set[str]] = {}
        found = set()
        for name, unit in self._units.items():
            for event in unit.events:
                if event.kind in kinds:
                    found.add(name)
                elif event.kind == _CALL:
                    callers.setdefault(event.text, set()).add(name)
        pending = list(found)
        while pending:
            for caller in callers.get(pending.pop(), ()):
                if caller not in found:
                    found.add(caller)
                    pending.append(caller)
        return found

    def _reached(self, name: str) -> set[str]:
        """The functions a unit calls, transitively."""
        found: set[str] = set()
        pending = [name]
        while pending:
            for event in self._units[pending.pop()].events:
                if event.kind == _CALL and event.text in self._units and event.text not in found:
                    found.add(event.text)
                    pending.append(event.text)
        return found

    def _paths(self, name: str) -> UnitPaths:
        unit = self._units[name]
        if unit.paths is None:
            unit.paths = unit_paths(
                unit.body, {id(event.node) for event in unit.events}, {id(event.statement) for event in unit.events}
            )
        return unit.paths

    def _report(self, common: str | None, start: _Trace, fork: _Trace) -> None:
        """Reports the fork, naming the thread start (its line), the function that starts the
        thread before reaching the fork, and where each runs."""
        event = fork.event
        where = f" in `{_short(fork.unit)}`" if fork.unit and fork.unit != common else ""
        if common is None:
            who = "the module started a thread at import time"
        elif common == _MODULE:
            who = "the module started a thread"
        else:
            who = f"`{_short(common)}` started a thread"
        started = start.event
        inner = f", in `{_short(start.unit)}`" if start.unit != common and start.unit else ""

        def message(line_of: Callable[[cst.CSTNode], int]) -> str:
            return f"{_forked(event, where)} after {who} (`{started.text}`, line {line_of(started.node)}{inner}): {_CONSEQUENCE}"

        self.report(event.node, message=message, suggestion=_suggestion(event), statement=event.statement)


# What every message says happens to the child.
_CONSEQUENCE = (
    "the child copies the memory of every thread but runs only this one, so a lock another thread "
    "held stays held in the child, which may deadlock"
)


def _forked(event: _Event, where: str = "") -> str:
    """How a message names the fork: "`os.fork()` runs" or "`p.start()` forks", with `where` it
    is and, for a process start, how it comes to fork."""
    if event.kind != _PROCESS:
        return f"`{event.text}` runs{where}"
    return f"`{event.text}` forks{where}{_HOW.get(event.method, '')}"


def _suggestion(event: _Event) -> str:
    if event.kind == _PROCESS:
        return 'Start processes before threads, or use `multiprocessing.get_context("forkserver")` (or "spawn").'
    return "Fork before starting threads, or run the child program with `subprocess`."


def _short(qualname: str) -> str:
    """A function's name as the reader knows it: `poll`, not `main.<locals>.poll`."""
    return qualname.rpartition(".<locals>.")[2]


def _version(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


def _assigned_name(statement: cst.SimpleStatementLine, value: cst.Call) -> str:
    """`pool` in `pool = ThreadPool(4)`, else ""."""
    for small in statement.body:
        if isinstance(small, cst.Assign) and small.value is value and len(small.targets) == 1:
            return dotted_name(small.targets[0].target)
    return ""


def _entered_as(receiver: str, statements: Sequence[cst.CSTNode]) -> cst.With | None:
    """The enclosing `with` statement that binds `receiver` (`with ThreadPoolExecutor() as
    pool:`): its end shuts the executor down and waits for its threads."""
    for statement in reversed(statements):
        if isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None and dotted_name(item.asname.name) == receiver:  # type: ignore[arg-type]
                    return statement
    return None


def _fork_context_start(facts: FileFacts, node: cst.Call, symbol: Symbol | None) -> str | None:
    """How messages name a process start made from a fork context (which `process_start`
    leaves out), or None."""
    func = node.func
    if symbol is not None and not symbol.local and not symbol.instance and symbol.qualname in PROCESS_STARTING_CALLS:
        return f"{callee_text(func)}()" if forks(facts, node, facts.scope) else None
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method == STARTING_METHOD:
        if process_object_kind(facts, func.value) is not None and creation_forks(facts, func.value):
            return f"{callee_text(func)}()"
    elif method in EXECUTOR_DISPATCH_METHODS:
        receiver = facts.resolve(func.value)
        if receiver is not None and receiver.instance and receiver.qualname in PROCESS_EXECUTOR_TYPES:
            if creation_forks(facts, func.value):
                return f"{callee_text(func)}()"
    return None


def _names_context(facts: FileFacts, call: cst.Call) -> bool:
    """The process start `call` makes names its context: made from a context object
    (`ctx.Process(...)`, `get_context("spawn").Pool()`) or given one (`mp_context=`,
    `multiprocessing_context=`), itself or, for `.start()` / `.submit()`, the call that made
    the receiver. Its start method is then that context's, not the default."""
    calls = [call]
    if isinstance(call.func, cst.Attribute):
        origin = origin_call(call.func.value, facts.scope)
        if origin is not None:
            calls.append(origin[0])
    for made in calls:
        if any(arg.keyword is not None and arg.keyword.value in _CONTEXT_KEYWORDS for arg in made.args):
            return True
        func = made.func
        if isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Call) and facts.qualified_name(func.value.func) in GET_CONTEXT:
                return True
            if context_method(facts, func.value, facts.scope) is not None:
                return True
    return False


_CONTEXT_KEYWORDS = CONTEXT_KEYWORDS | {DATALOADER_CONTEXT_KEYWORD}


def _says_linux(test: cst.BaseExpression, scope: Scope) -> bool:
    """`sys.platform.startswith("linux")`, `sys.platform == "linux"`, `platform.system() ==
    "Linux"`, or one of them joined with `and`."""
    if isinstance(test, cst.BooleanOperation):
        return any(_says_linux(side, scope) for side in _conjuncts(test))
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and test.func.attr.value == "startswith":
        return _platform(test.func.value, scope) and string_literal(call_argument(test, 0, None)) in forking.LINUX_NAMES
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if isinstance(target.operator, cst.Equal):
            return _platform(test.left, scope) and string_literal(target.comparator) in forking.LINUX_NAMES
    return False


def _conjuncts(test: cst.BooleanOperation) -> list[cst.BaseExpression]:
    """The operands of an `and` chain, without recursion (a chain may be long); none for an
    `or`, which promises none of its operands (an `or` inside the chain is one operand)."""
    if not isinstance(test.operator, cst.And):
        return []
    found: list[cst.BaseExpression] = []
    pending: list[cst.BaseExpression] = [test]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.BooleanOperation) and isinstance(current.operator, cst.And):
            pending += (current.right, current.left)
        else:
            found.append(current)
    return found


def _platform(expression: cst.BaseExpression, scope: Scope) -> bool:
    """`sys.platform`, or a call of `platform.system()`."""
    if isinstance(expression, cst.Call):
        symbol = resolve(expression.func, scope)
        return symbol is not None and not symbol.local and symbol.qualname in forking.PLATFORM_CALLS
    symbol = resolve(expression, scope)
    return symbol is not None and not symbol.local and symbol.qualname in forking.PLATFORM_VALUES


# ----- a child that execs at once ---------------------------------------------------------------


def _child_execs(event: _Event, paths: UnitPaths) -> bool:
    """The fork's child replaces itself at once: `pid = os.fork()` (or `pid, fd = pty.fork()`,
    or the call in the test itself) followed by an `if` on the pid whose child branch (or, when
    the parent's branch ends, what follows it) execs after at most set-up system calls."""
    path = paths.path(event.node)
    statement = event.statement
    if path is None or statement is None:
        return False
    if isinstance(statement, cst.If) and path[-1][1] == "head":
        return _if_child_execs(statement, event.node, paths, path[:-1], path[-1][0], event.scope)
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    pid = _pid_name(statement, event.node)
    block = paths.blocks.get(path[:-1], ())
    index = path[-1][0]
    if not pid or index + 1 >= len(block):
        return False
    following = block[index + 1]
    if not isinstance(following, cst.If):
        return False
    return _if_child_execs(following, cst.Name(pid), paths, path[:-1], index + 1, event.scope)


def _pid_name(statement: cst.SimpleStatementLine, call: cst.Call) -> str:
    """`pid` in `pid = os.fork()` or `pid, fd = pty.fork()`."""
    for small in statement.body:
        if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name):
                return target.value
            if isinstance(target, (cst.Tuple, cst.List)) and target.elements and isinstance(target.elements[0].value, cst.Name):
                return target.elements[0].value.value
    return ""


def _if_child_execs(statement: cst.If, pid: cst.BaseExpression, paths: UnitPaths, block: tuple, index: int, scope: Scope) -> bool:
    """The `if` on the pid sends the child to an exec."""
    branch = _child_branch(statement.test, pid)
    if branch == "body":
        return _execs(_suite(statement.body), scope)
    if branch != "orelse":
        return False
    if isinstance(statement.orelse, cst.Else):
        return _execs(_suite(statement.orelse.body), scope)
    if statement.orelse is None and _ends(_suite(statement.body), scope):
        return _execs(paths.blocks.get(block, ())[index + 1 :], scope)
    return False


def _child_branch(test: cst.BaseExpression, pid: cst.BaseExpression) -> str | None:
    """"body" when the test holds in the child (`pid == 0`, `not pid`), "orelse" when it holds
    in the parent (`pid`, `pid != 0`, `pid > 0`), None otherwise."""
    same = _same_value(test, pid)
    if same:
        return "orelse"
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and _same_value(test.expression, pid):
        return "body"
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        left, right = test.left, target.comparator
        if _is_zero(left):
            left, right = right, left
        if not (_same_value(left, pid) and _is_zero(right)):
            return None
        if isinstance(target.operator, (cst.Equal, cst.Is)):
            return "body"
        if isinstance(target.operator, (cst.NotEqual, cst.IsNot, cst.GreaterThan)):
            return "orelse"
    return None


def _same_value(expression: cst.BaseExpression, pid: cst.BaseExpression) -> bool:
    if isinstance(pid, cst.Name):
        return isinstance(expression, cst.Name) and expression.value == pid.value
    return expression is pid


def _is_zero(expression: cst.BaseExpression) -> bool:
    return isinstance(expression, cst.Integer) and expression.value == "0"


def _suite(suite: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    return suite.body


def _execs(statements: Sequence[cst.CSTNode], scope: Scope) -> bool:
    """The statements exec (or exit) before anything but set-up system calls: a `try` whose
    body does counts, whatever its handlers do after the exec failed."""
    for statement in statements:
        if isinstance(statement, (cst.Try, cst.TryStar)):
            return _execs(statement.body.body, scope)
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else (statement,)
        for small in smalls:
            name = _called(small, scope)
            if name in forking.EXEC_CALLS or name in forking.EXITING_CALLS:
                return True
            if name not in forking.PRE_EXEC_CALLS and not isinstance(small, cst.Pass):
                return False
    return False


def _ends(statements: Sequence[cst.CSTNode], scope: Scope) -> bool:
    """The parent's branch ends the function or the process: its last statement returns,
    raises or calls `os._exit()` / `sys.exit()`."""
    if not statements or not isinstance(statements[-1], cst.SimpleStatementLine):
        return False
    last = statements[-1].body[-1]
    return isinstance(last, (cst.Return, cst.Raise)) or _called(last, scope) in forking.PARENT_ENDING_CALLS


def _called(small: cst.CSTNode, scope: Scope) -> str | None:
    """The qualified name of the call a small statement is (`os.execv(...)`), or None."""
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return None
    symbol = resolve(small.value.func, scope)
    if symbol is None or symbol.local or symbol.instance:
        return None
    return symbol.qualname
