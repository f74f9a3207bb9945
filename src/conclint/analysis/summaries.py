"""Function summaries: for every function of a module, a small record of plain values saying
whether it blocks, whether it releases the GIL, whether it burns CPU in pure Python (and on
which line, for what reason), and which functions of the same module it calls; and the join
that decides, over the summaries of one module or of a whole project, whether a function is
CPU-bound.

`conclint.analysis.summary_collector.SummaryCollector` builds them during the engine's
traversal. This module holds plain values only and does not import libcst, so a project
index can load cached summaries (`as_dict`/`from_dict` round-trip through JSON) and join them
across modules with the same `cpu_bound` without paying for the parser.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Container, Iterable, Iterator, Mapping, NamedTuple, TypeVar

from conclint.analysis.conditions import (
    PASSED_SUBJECTS,
    RUNNING_LOOP,
    SET_UP,
    SET_UP_KINDS,
    UNKNOWN_FRAME,
    CallSite,
    World,
    ClassFacts,
    Frame,
    Param,
    class_attribute,
    dead,
    set_only_by_owner,
    enter,
    guard_from_lists,
    params_as_lists,
    params_from_lists,
    value_from_list,
)
from conclint.knowledge.blocking import WORKING_DIRECTORY_READS
from conclint.knowledge.libraries import SIGNATURE_KEEPING_DECORATORS

# A blocking call is followed through at most this many functions (the one a coroutine calls
# included): past that, a chain mostly runs through constructors and configuration branches
# (`Client()` -> ... -> a preload download) that seldom run where the coroutine calls.
MAX_CHAIN_FUNCTIONS = 5

# Evidence kinds (see CpuEvidence).
NUMERIC, QUADRATIC, DATA = "numeric", "quadratic", "data"
# Numbers the source itself fixes drive a large amount of work: a `range()` of a constant of
# at least SMALL_RANGE rounds (the loop's own or a nested loop's), or a recursion on a number
# shrinking by a literal that calls itself more than once per call (`fib(n - 1) + fib(n -
# 2)`). Judged like "numeric"; the only loop evidence reported in a coroutine (CCL202), where
# loops whose size the code does not show were small on every project judged.
LARGE = "large"
# Data of unknown size, each element raised to a power or put through `math.exp`, `sqrt` ...:
# floating-point work per element, judged like "data" except that the loop's iterable may be
# of unknown type (an iterator of a file or a cursor would be cheap beside that work).
ELEMENTWISE = "elementwise"
# A call of a pure-Python library's entry point that runs long by itself (`cerebro.run()`,
# `sympy.simplify(expr)`; conclint.knowledge.threads.LONG_COMPUTATIONS): judged like
# "numeric", since the work is the library's whatever the data around it.
LIBRARY = "library"


class Evidence(NamedTuple):
    """Why a function burns CPU or releases the GIL, and where (0: line not computed)."""

    line: int
    reason: str


class CpuEvidence(NamedTuple):
    """Why a function burns CPU, where, and how sure that is: "numeric" when numbers drive the
    amount of work (`range(n)`, a counting `while`, `fib(n - 1)`); "large" when numbers the
    source fixes make it large (`range(10**6)`, `fib(n - 1) + fib(n - 2)`); "quadratic" for loops
    nested over independent data (`for a in xs: for b in ys`), whose work outgrows any
    linear handling of that data; "data" when it grows linearly with data of unknown size
    (`for x in items`, a worklist, recursion over a tree); "elementwise" for such a loop
    raising each element to a power or taking its `math.exp`, `log`, `sqrt` ..., or putting
    each through a pure-Python library's encoding (`rlp.encode(item)`); "library" for a call
    of a pure-Python library's entry point that runs long by itself (`cerebro.run()`)."""

    line: int
    reason: str
    kind: str


class BlockingEvidence(NamedTuple):
    """A call from the CCL1 blocking catalog: its line, its catalog name, its category;
    `suppressed` when a suppression comment for its rule sits on its line (in a module read
    by the project index): the call still blocks, but no chain is reported through it."""

    line: int
    callee: str
    category: str
    suppressed: bool = False
    # As the source spells it: `fh.read()`, `` `with lock:` ``.
    shown: str = ""
    # The tests on parameters and `self` attributes it runs under (conclint.analysis.conditions).
    guard: tuple = ()
    # Its line less the line of its function's `def` (-1: not known). Every summary has it,
    # so that a message pointing into another module finds the line from the `def` lines
    # alone, without summarizing that module again with positions (`ProjectView.line`).
    offset: int = -1


class LoopAffineUse(NamedTuple):
    """A call only the event loop's thread may make (CCL406), made in the function's own
    body: its line (0: not computed), how messages name it (`asyncio.Queue.put_nowait()`),
    and the callee as the source spells it (`self.updates.put_nowait`)."""

    line: int
    what: str
    shown: str


class SpinEvidence(NamedTuple):
    """A `while` loop with a round that spins (conclint.analysis.spin_loops): its line (0:
    not computed), why (`spins without sleeping or waiting when `ready` is false`), and the
    functions of the project that round calls (`<local>.`-prefixed for the module's own
    until `absolutized`), each of which must only read for the loop to spin."""

    line: int
    reason: str
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionSummary:
    """What one function does, in plain values.

    `calls` names the functions of the same module it calls (`helper()`, `self.helper()`,
    `cls.helper()`), not those inside its lambdas or nested defs, nor those it only hands to
    another API (`executor.submit(helper)`); `calls_in_loops` those among them called inside
    a loop. `external_calls` (and `external_calls_in_loops`) name, by their absolute dotted
    names, the functions of other modules no catalog knows (`pkg.io.read_config`): a project
    index may find them in the project; anything else treats them as unknown calls.
    `unknown_calls` counts the other calls of functions no catalog knows, which may do I/O,
    and iterations over objects of unknown type (a file, a cursor?); `unknown_calls_in_loops`
    those calls made inside loops. A directly recursive function counts all its calls as
    made in a loop.
    """

    qualname: str
    line: int
    is_async: bool
    is_generator: bool
    picklable: bool
    cpu_evidence: tuple[CpuEvidence, ...] = ()
    blocking: tuple[BlockingEvidence, ...] = ()
    releases_gil: tuple[Evidence, ...] = ()
    # How many of `releases_gil` are array-library calls made outside every loop (`f =
    # np.zeros(n)` before the loops): setting data up once, which leaves loops counting over
    # numbers (evidence of the "numeric" kind) as GIL-bound as they were.
    array_setup: int = 0
    calls: tuple[str, ...] = ()
    calls_in_loops: tuple[str, ...] = ()
    external_calls: tuple[str, ...] = ()
    external_calls_in_loops: tuple[str, ...] = ()
    unknown_calls: int = 0
    unknown_calls_in_loops: int = 0
    # How many of `unknown_calls` are iterations of objects of unknown type (`for x in param`).
    unknown_iterations: int = 0
    # The processes it starts itself (`Pool()`), filled in for the project index only.
    process_starts: tuple[str, ...] = ()
    # For reachability (conclint.analysis.conditions): its parameters (None when a decorator
    # may change them), the receiver it takes first ("self", "cls" or ""), each call it
    # makes with its guard and arguments, and its decorators by resolved name
    # (`asgiref.sync.sync_to_async`; a call's keywords that matter are kept: `textual.work(thread=True)`).
    params: tuple[Param, ...] | None = None
    method: str = ""
    sites: tuple[CallSite, ...] = ()
    decorators: tuple[str, ...] = ()
    # Its parameters as written, when `params` is None for decorators none of which the
    # catalog knows to keep them: a call binds to them when each of those decorators is a
    # function of the project that `keeps_signature` (conclint.analysis.signature_keeping).
    decorated_params: tuple[Param, ...] | None = None
    keeps_signature: bool = False
    # It (or a function nested in it) runs one of its parameters on a thread: used as a
    # decorator, it offloads the function it decorates.
    offloads_argument: bool = False
    # The project's functions a function nested in it hands one of its parameters to, by
    # name (`<local>.`-prefixed in its own module until `absolutized`): used as a decorator,
    # it offloads what it decorates when one of them `offloads_argument` (appdaemon's
    # `executor_decorator`, whose wrapper calls its `run_in_executor` helper).
    hands_on: tuple[str, ...] = ()
    # Its first return, reached on every path, returns `asyncio.get_running_loop()`: called
    # on the loop's thread, it returns the running loop.
    returns_running_loop: bool = False
    # It must run on the thread that calls it: it calls the event loop's APIs
    # (`asyncio.get_running_loop()`, `loop.call_soon`) or sets attributes of objects it was
    # given (`self.x = ...`, `widget.parent = ...`), or makes or uses an object bound to the
    # thread that made it (a sqlite3 connection). An offload fix does not move it to a thread.
    loop_thread_only: bool = False
    # The parameters it calls itself, on its own thread and not awaited (`operation()` in
    # `def retry(operation)`): a function a caller passes there runs as if called there.
    called_parameters: tuple[str, ...] = ()
    # The parameters it hands, itself, to a thread (`loop.run_in_executor(self._threads,
    # callback, *args)` in `def run_cpu(self, callback, *args)`): a function a caller passes
    # there runs on that thread (CCL201).
    thread_parameters: tuple[str, ...] = ()
    # It returns a PyTorch DataLoader with worker processes: a caller iterating the result
    # at import time starts them (CCL301 across modules).
    returns_worker_loader: bool = False
    # Its calls of asyncio APIs only the loop's thread may make (`queue.put_nowait()` on an
    # `asyncio.Queue`, `loop.call_soon()`), not through `call_soon_threadsafe` (CCL406 across
    # modules), and whether it runs a loop of its own or checks where it runs (`asyncio.run()`,
    # `get_running_loop()`, `current_thread() is main_thread()`): then none of them is judged.
    loop_affine: tuple[LoopAffineUse, ...] = ()
    loop_aware: bool = False
    # The asyncio kind its return annotation names (`-> asyncio.AbstractEventLoop`: a loop;
    # `asyncio.Queue`...), "" for any other: what a caller's `loop = get_loop()` holds (CCL406).
    returns_asyncio: str = ""
    # Its `while` loops with a round that neither waits nor changes anything: a spin-wait
    # (CCL201, CCL203 judge it with `spin_wait`).
    spins: tuple[SpinEvidence, ...] = ()
    # Its calls of a method on one of its own parameters, of unknown type there
    # (`session.get(url)` in `def fetch(session, url)`): `callee` is "param.method" and
    # `category` empty. A chain whose caller passes an object of a catalogued type
    # (`fetch(requests.Session(), url)`) finds the blocking call there (`blocking_chains`).
    parameter_calls: tuple[BlockingEvidence, ...] = ()
    # The library type (`sqlalchemy.orm.Session`) of the one value it returns, or of the one
    # value it yields if it is a generator (`next(get_db())`), "" otherwise: what a caller in
    # another module holds (conclint.analysis.symbols, through the project index).
    returns: str = ""
    # A coroutine function whose own body never suspends (no `await`, `async for` or `async
    # with`): a task over it runs to its end in its first step (CCL403 across modules).
    settles: bool = False
    # An `__init__`'s plain stores of its parameters, `self.log_file = log_file` at the top
    # level of its body, of attributes nothing else in its module assigns through `self`:
    # ((attribute, parameter), ...). What a construction passes there is what a method of
    # the object made so finds (`CallSite.built`).
    stores: tuple[tuple[str, str], ...] = ()
    # An `__init__`'s `super().__init__(...)` of a base imported from another module, by that
    # base's absolute name: what the base stores from the arguments is what the object holds
    # (`built_attributes`); never followed as a call.
    base_init: CallSite | None = None

    @property
    def all_calls(self) -> tuple[str, ...]:
        """Every function it calls: of this module by qualified name, of others by dotted name."""
        return self.calls + self.external_calls if self.external_calls else self.calls

    @property
    def all_calls_in_loops(self) -> tuple[str, ...]:
        return self.calls_in_loops + self.external_calls_in_loops if self.external_calls_in_loops else self.calls_in_loops

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: tuples become lists."""
        return {
            "qualname": self.qualname,
            "line": self.line,
            "is_async": self.is_async,
            "is_generator": self.is_generator,
            "picklable": self.picklable,
            "cpu_evidence": [list(e) for e in self.cpu_evidence],
            "blocking": [[*e[:5], e.offset, *([e.guard] if e.guard else [])] for e in self.blocking],
            "releases_gil": [list(e) for e in self.releases_gil],
            "calls": list(self.calls),
            "calls_in_loops": list(self.calls_in_loops),
            "external_calls": list(self.external_calls),
            "external_calls_in_loops": list(self.external_calls_in_loops),
            "unknown_calls": self.unknown_calls,
            "unknown_calls_in_loops": self.unknown_calls_in_loops,
            "process_starts": list(self.process_starts),
            "params": params_as_lists(self.params),
            "sites": [site.as_list() for site in self.sites],
            # Left out when they hold their defaults, as most functions' do.
            **({"method": self.method} if self.method else {}),
            **({"decorators": list(self.decorators)} if self.decorators else {}),
            **({"decorated_params": params_as_lists(self.decorated_params)} if self.decorated_params is not None else {}),
            **({"keeps_signature": True} if self.keeps_signature else {}),
            **({"array_setup": self.array_setup} if self.array_setup else {}),
            **({"unknown_iterations": self.unknown_iterations} if self.unknown_iterations else {}),
            **({"offloads_argument": True} if self.offloads_argument else {}),
            **({"hands_on": list(self.hands_on)} if self.hands_on else {}),
            **({"returns_running_loop": True} if self.returns_running_loop else {}),
            **({"loop_thread_only": True} if self.loop_thread_only else {}),
            **({"called_parameters": list(self.called_parameters)} if self.called_parameters else {}),
            **({"thread_parameters": list(self.thread_parameters)} if self.thread_parameters else {}),
            **({"returns_worker_loader": True} if self.returns_worker_loader else {}),
            **({"loop_affine": [list(e) for e in self.loop_affine]} if self.loop_affine else {}),
            **({"loop_aware": True} if self.loop_aware else {}),
            **({"returns_asyncio": self.returns_asyncio} if self.returns_asyncio else {}),
            **({"spins": [[e.line, e.reason, list(e.requires)] for e in self.spins]} if self.spins else {}),
            **({"returns": self.returns} if self.returns else {}),
            **({"settles": True} if self.settles else {}),
            **({"stores": [list(pair) for pair in self.stores]} if self.stores else {}),
            **({"base_init": self.base_init.as_list()} if self.base_init is not None else {}),
            **({"parameter_calls": [[*e[:5], e.offset, *([e.guard] if e.guard else [])] for e in self.parameter_calls]} if self.parameter_calls else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> FunctionSummary:
        return cls(
            qualname=str(data["qualname"]),
            line=int(data["line"]),  # type: ignore[call-overload]
            is_async=bool(data["is_async"]),
            is_generator=bool(data["is_generator"]),
            picklable=bool(data["picklable"]),
            cpu_evidence=tuple(CpuEvidence(*e) for e in data["cpu_evidence"]),  # type: ignore[attr-defined]
            blocking=tuple(_blocking_evidence(e) for e in data["blocking"]),  # type: ignore[attr-defined]
            releases_gil=tuple(Evidence(*e) for e in data["releases_gil"]),  # type: ignore[attr-defined]
            calls=tuple(data["calls"]),  # type: ignore[arg-type]
            calls_in_loops=tuple(data["calls_in_loops"]),  # type: ignore[arg-type]
            external_calls=tuple(data["external_calls"]),  # type: ignore[arg-type]
            external_calls_in_loops=tuple(data["external_calls_in_loops"]),  # type: ignore[arg-type]
            unknown_calls=int(data["unknown_calls"]),  # type: ignore[call-overload]
            unknown_calls_in_loops=int(data["unknown_calls_in_loops"]),  # type: ignore[call-overload]
            process_starts=tuple(data["process_starts"]),  # type: ignore[arg-type]
            params=params_from_lists(data["params"]),  # type: ignore[arg-type]
            method=str(data.get("method", "")),
            sites=tuple(CallSite.from_list(site) for site in data["sites"]),  # type: ignore[attr-defined]
            decorators=tuple(data.get("decorators", ())),  # type: ignore[arg-type]
            decorated_params=params_from_lists(data.get("decorated_params")),  # type: ignore[arg-type]
            keeps_signature=bool(data.get("keeps_signature", False)),
            array_setup=int(data.get("array_setup", 0)),  # type: ignore[call-overload]
            unknown_iterations=int(data.get("unknown_iterations", 0)),  # type: ignore[call-overload]
            offloads_argument=bool(data.get("offloads_argument", False)),
            hands_on=tuple(data.get("hands_on", ())),  # type: ignore[arg-type]
            returns_running_loop=bool(data.get("returns_running_loop", False)),
            loop_thread_only=bool(data.get("loop_thread_only", False)),
            called_parameters=tuple(data.get("called_parameters", ())),  # type: ignore[arg-type]
            thread_parameters=tuple(data.get("thread_parameters", ())),  # type: ignore[arg-type]
            returns_worker_loader=bool(data.get("returns_worker_loader", False)),
            loop_affine=tuple(LoopAffineUse(*e) for e in data.get("loop_affine", ())),  # type: ignore[attr-defined]
            loop_aware=bool(data.get("loop_aware", False)),
            returns_asyncio=str(data.get("returns_asyncio", "")),
            spins=tuple(SpinEvidence(line, reason, tuple(requires)) for line, reason, requires in data.get("spins", ())),  # type: ignore[attr-defined]
            returns=str(data.get("returns", "")),
            settles=bool(data.get("settles", False)),
            stores=tuple((str(attribute), str(parameter)) for attribute, parameter in data.get("stores", ())),  # type: ignore[attr-defined]
            base_init=CallSite.from_list(data["base_init"]) if "base_init" in data else None,
            parameter_calls=tuple(_blocking_evidence(e) for e in data.get("parameter_calls", ())),  # type: ignore[attr-defined]
        )


def _blocking_evidence(data: list) -> BlockingEvidence:  # type: ignore[type-arg]
    line, callee, category, suppressed, shown, offset, *guard = data
    return BlockingEvidence(line, callee, category, suppressed, shown, guard_from_lists(guard[0]) if guard else (), offset)


@dataclass(frozen=True)
class CpuVerdict:
    """Why a function is CPU-bound: the call chain from it to the function holding the
    evidence (`("worker", "crunch")`), the reason, its line, and its index in that function's
    `cpu_evidence`."""

    chain: tuple[str, ...]
    reason: str
    line: int
    index: int

    @property
    def function(self) -> str:
        return self.chain[-1]

    def explain(self, line: int | None = None) -> str:
        """`nested loop at line 7`, or through calls `worker -> crunch: nested loop at line 7`."""
        where = line if line is not None else self.line
        text = f"{self.reason} at line {where}" if where else self.reason
        return f"{' -> '.join(self.chain)}: {text}" if len(self.chain) > 1 else text


Lookup = Callable[[str], "FunctionSummary | None"]
_Key = TypeVar("_Key", str, "tuple[str, Frame]")


def cpu_bound(lookup: Lookup, qualname: str, proven: bool = False) -> CpuVerdict | None:
    """The verdict when the function `qualname` is CPU-bound under the GIL, else None.

    It is when it, or a function it reaches through `calls` (cycles terminate), has CPU
    evidence, and nothing it reaches blocks, releases the GIL, or calls an unknown function
    inside a loop (directly, or through a function called in a loop). Array-library calls
    made outside every loop (`array_setup`) are allowed for evidence of the "numeric" kind
    only: nested loops counting over numbers run in Python whatever arrays were allocated
    before them, while a loop over data may walk rows the library then works on. Evidence of the "data"
    kind also needs every call it reaches to be known: work that grows with its input may be
    outweighed by an unknown call handling the same input (`yaml.dump(tree, stream)`), and
    iterating an object of unknown type may read a file or a cursor. Evidence of the
    "elementwise" kind needs every call known but not every iterable: a power or a `math.exp`
    per element outweighs the iterator. Evidence of the "library" kind (a backtest, a
    symbolic simplification, a graph algorithm, run by one library call) is judged like
    "numeric": the library computes in Python for as long as it takes whatever else the
    function does, so unknown calls outside loops, iterations of unknown objects and array
    set-up do not outweigh it; a blocking or GIL-releasing call, or an unknown call in a
    loop, still does (the call's own I/O parts, a live market-data store, are GIL-releasing
    in the catalog, and an entry point that can wait is evidence only beside what shows it
    does not: see conclint.knowledge.threads.LongComputation).
    Async functions and generators are never CPU-bound targets: calling them only creates an
    object. `lookup` maps qualified names to summaries: one module's, or a whole project's.
    With `proven`, only evidence whose size the source shows counts ("large" and "library").
    """
    start = lookup(qualname)
    if start is None or start.is_async or start.is_generator:
        return None
    parents: dict[str, str | None] = {start.qualname: None}
    order = [start]
    pending = deque(order)
    unknown = unknown_call = setup = False
    while pending:
        summary = pending.popleft()
        if summary.blocking or len(summary.releases_gil) > summary.array_setup or summary.unknown_calls_in_loops:
            return None
        unknown = unknown or summary.unknown_calls > 0
        unknown_call = unknown_call or summary.unknown_calls > summary.unknown_iterations
        setup = setup or summary.array_setup > 0
        in_loops = set(summary.all_calls_in_loops)
        for name in summary.all_calls:
            callee = lookup(name)
            if callee is None:
                if name in in_loops:
                    return None
                unknown = unknown_call = True
                continue
            # A recursive call is covered by the function's own unknown_calls_in_loops.
            if name in in_loops and callee is not summary and _may_do_unknown_work(lookup, callee):
                return None
            if callee.qualname not in parents:
                parents[callee.qualname] = summary.qualname
                order.append(callee)
                pending.append(callee)
    if proven:
        groups: tuple[tuple[str, ...], ...] = ((LARGE, LIBRARY),)
    else:
        groups = ((LARGE, NUMERIC, LIBRARY) if setup else (LARGE, NUMERIC, QUADRATIC, LIBRARY), _data_kinds(unknown, unknown_call, setup))
    for kinds in groups:
        for summary in order:
            for index, evidence in enumerate(summary.cpu_evidence):
                if evidence.kind in kinds:
                    return CpuVerdict(_path(parents, summary.qualname), evidence.reason, evidence.line, index)
    return None


def _data_kinds(unknown: bool, unknown_call: bool, setup: bool) -> tuple[str, ...]:
    """The kinds of evidence growing with data that make a verdict: none after an array
    set-up (the loop may walk rows numpy then works on) or with an unknown call; "data" only
    when every iterable is known too; "elementwise" when every call is."""
    if setup or unknown_call:
        return ()
    return (ELEMENTWISE,) if unknown else (DATA, ELEMENTWISE)


@dataclass(frozen=True)
class SpinVerdict(CpuVerdict):
    """A thread target that busy-waits: the chain from it to the function holding the loop,
    the loop's `SpinEvidence.reason`, its line, and its index in that function's `spins`."""

    def explain(self, line: int | None = None) -> str:
        """`the loop at line 7 spins without sleeping or waiting when `ready` is false`, with
        the chain in front when the loop is in a function the target calls."""
        where = line if line is not None else self.line
        text = f"the loop at line {where} {self.reason}" if where else f"a loop that {self.reason}"
        return f"{' -> '.join(self.chain)}: {text}" if len(self.chain) > 1 else text


def spin_wait(lookup: Lookup, qualname: str) -> SpinVerdict | None:
    """The verdict when the function `qualname`, run on a thread, busy-waits: it, or a sync
    function it reaches through calls (at most MAX_CHAIN_FUNCTIONS deep), has a `while` loop
    with a round that never waits and changes nothing (`spins`), and every function of the
    project that round calls only reads (`reads_only`). Async functions and generators are
    never thread targets that run: calling them only creates an object."""
    start = lookup(qualname)
    if start is None or start.is_async or start.is_generator:
        return None
    parents: dict[str, str | None] = {start.qualname: None}
    pending = deque([(start, 1)])
    while pending:
        summary, depth = pending.popleft()
        for index, evidence in enumerate(summary.spins):
            if all(reads_only(lookup, name.removeprefix(LOCAL)) for name in evidence.requires):
                return SpinVerdict(_path(parents, summary.qualname), evidence.reason, evidence.line, index)
        if depth == MAX_CHAIN_FUNCTIONS:
            continue
        for name in summary.all_calls:
            callee = lookup(name)
            if callee is None or callee.is_async or callee.is_generator or callee.qualname in parents:
                continue
            parents[callee.qualname] = summary.qualname
            pending.append((callee, depth + 1))
    return None


def reads_only(lookup: Lookup, qualname: str) -> bool:
    """True when calling `qualname` returns at once and changes nothing a caller's next
    round could see: neither it nor anything it reaches blocks, releases the GIL, calls a
    function no catalog or module knows, or sets an attribute (`loop_thread_only`)."""
    start = lookup(qualname)
    if start is None or start.is_async or start.is_generator:
        return False
    return all(
        s is not None and not (s.blocking or s.releases_gil or s.unknown_calls or s.loop_thread_only)
        for s in _reachable(lookup, start)
    )


# The index of a chain's blocking call that is not the function's own but a lambda's the
# caller handed it (`retry(lambda: requests.get(url))`).
PASSED_BLOCKING = -1
# The index of a chain's blocking call that is the function's `parameter_calls[i]`, made
# blocking by the object the caller passed: PARAMETER_CALL - i.
PARAMETER_CALL = -2


def parameter_call_index(index: int) -> int | None:
    """The position in `parameter_calls` of a chain's blocking call, or None when `index`
    is not one of theirs."""
    return PARAMETER_CALL - index if index <= PARAMETER_CALL else None


@dataclass(frozen=True)
class BlockingChain:
    """How calling a function blocks: the functions from it down to the one that makes the
    blocking call (`("load_config", "read_text")`), and that call (`index` in its `blocking`,
    or PASSED_BLOCKING)."""

    chain: tuple[str, ...]
    evidence: BlockingEvidence
    index: int

    @property
    def function(self) -> str:
        return self.chain[-1]


ClassLookup = Callable[[str], "ClassFacts | None"]
Offloaded = Callable[[FunctionSummary], bool]
# (type, method) -> (catalog name, category) when that method of that library type blocks.
MemberBlocking = Callable[[str, str], "tuple[str, str] | None"]

# A chain search visits a function once per distinct set of known argument values; past this
# many (function, values) states it stops looking further.
MAX_CHAIN_STATES = 400


def blocking_chains(
    lookup: Lookup,
    qualname: str,
    site: CallSite | None = None,
    classes: ClassLookup | None = None,
    offloaded: Offloaded | None = None,
    members: MemberBlocking | None = None,
) -> dict[str, BlockingChain]:
    """For each category of blocking call the sync function `qualname` can make, directly or
    through the functions it calls, the shortest chain down to one, of at most
    MAX_CHAIN_FUNCTIONS functions, over the calls that can run.

    A call or blocking call runs unless its guard is decided false with what is known where
    the chain passes (conclint.analysis.conditions): `site` is the call that starts the
    chain (its arguments, defaults for the rest), and each call down the chain passes its own
    values on. Not followed either: async callees (calling one only creates a coroutine),
    generators whose result is not iterated (their body has not run), functions `offloaded`
    says run elsewhere (`@sync_to_async`). Cycles and recursion terminate.

    A function passed to a parameter that the callee calls itself (`retry(load)` where
    `retry` calls `operation()`) runs as the callee's call: the chain goes on into it, also
    from a coroutine `qualname` (`await retry(load)`), whose own calls are its own findings.

    A method a function calls on its parameter (`session.get(url)` in `def fetch(session,
    url)`) blocks where the caller passed an object of a library type whose method the
    catalog lists (`members`): `fetch(requests.Session(), url)`.

    A category whose only blocking calls are working-directory reads (`os.path.abspath`,
    `Path.cwd()`: one system call that reads the kernel's memory, none at all for a path
    that is absolute already) has no chain: written in the coroutine itself such a call is
    reported, as ruff's ASYNC240 does, but a helper that normalises a path on the way to an
    error report or a URI does not block (sentry-sdk's `event_from_exception`, gradio's
    file helpers: every one of these chains judged on real projects was false or debatable)."""
    start = lookup(qualname)
    if start is None or (offloaded is not None and offloaded(start)):
        return {}
    if start.is_async and (site is None or not start.called_parameters):
        return {}
    attribute = _world(lookup, classes)
    frame = UNKNOWN_FRAME
    if site is not None:
        if start.is_generator and not site.iterated:
            return {}
        held = built_attributes(site.built, UNKNOWN_FRAME, lookup, classes, attribute)
        frame = enter(signature(start, lookup), start.method, site, UNKNOWN_FRAME, attribute, _constructs(site, start), held)
    found: dict[str, BlockingChain] = {}
    parents: dict[tuple[str, Frame], tuple[str, Frame] | None] = {(start.qualname, frame): None}
    uses: dict[int, bool] = {}
    pending = deque([(start, frame, 1)])
    while pending:
        summary, frame, depth = pending.popleft()
        # A coroutine (where the chain starts) is followed only into what it is given: its own
        # blocking calls and calls are findings in it.
        own = () if summary.is_async else tuple(enumerate(summary.blocking))
        typed = () if summary.is_async or members is None else tuple(_typed_parameter_calls(summary, frame, members))
        for index, evidence in (*own, *typed, *((PASSED_BLOCKING, e) for e in _passed_blocking(summary, frame))):
            if _better_witness(evidence, found.get(evidence.category)) and not evidence.suppressed and not dead(evidence.guard, frame, attribute):
                found[evidence.category] = BlockingChain(
                    tuple(name for name, _ in _path(parents, (summary.qualname, frame))), evidence, index
                )
        if depth == MAX_CHAIN_FUNCTIONS or len(parents) > MAX_CHAIN_STATES:
            continue
        for call in () if summary.is_async else summary.sites:
            if dead(call.guard, frame, attribute):
                continue
            callee = lookup(call.callee)
            if callee is None or callee.is_async or (callee.is_generator and not call.iterated):
                continue
            if offloaded is not None and offloaded(callee):
                continue
            held = built_attributes(call.built, frame, lookup, classes, attribute)
            inner = enter(signature(callee, lookup), callee.method, call, frame, attribute, _constructs(call, callee), held)
            if inner != UNKNOWN_FRAME and not _uses_frame(callee, uses):
                inner = UNKNOWN_FRAME  # nothing in it tests or passes on what is known: one state
            key = (callee.qualname, inner)
            if key not in parents:
                parents[key] = (summary.qualname, frame)
                pending.append((callee, inner, depth + 1))
        for passed in _called_arguments(summary, frame, lookup):
            key = (passed.qualname, UNKNOWN_FRAME)
            if key not in parents and not passed.is_async and not (offloaded is not None and offloaded(passed)):
                parents[key] = (summary.qualname, frame)
                pending.append((passed, UNKNOWN_FRAME, depth + 1))
    return {category: chain for category, chain in found.items() if chain.evidence.callee not in WORKING_DIRECTORY_READS}


def _better_witness(evidence: BlockingEvidence, current: BlockingChain | None) -> bool:
    """True when `evidence` should name its category's chain instead of `current`: there is
    none yet, or `current` only reads the working directory and `evidence` does more."""
    if current is None:
        return True
    return current.evidence.callee in WORKING_DIRECTORY_READS and evidence.callee not in WORKING_DIRECTORY_READS


def _called_arguments(summary: FunctionSummary, frame: Frame, lookup: Lookup) -> Iterator[FunctionSummary]:
    """The functions the caller passed to the parameters `summary` calls itself."""
    for value in _called_values(summary, frame, "f"):
        found = lookup(value[1].removeprefix(LOCAL))
        if found is not None:
            yield found


def _passed_blocking(summary: FunctionSummary, frame: Frame) -> Iterator[BlockingEvidence]:
    """The blocking calls of the lambdas (`lambda: requests.get(url)`) the caller passed to
    the parameters `summary` calls itself; their index in a chain is PASSED_BLOCKING."""
    for _, callee, category, shown in _called_values(summary, frame, "b"):
        yield BlockingEvidence(0, callee, category, shown=shown)


def _typed_parameter_calls(summary: FunctionSummary, frame: Frame, members: MemberBlocking) -> Iterator[tuple[int, BlockingEvidence]]:
    """The calls of methods on parameters to which the caller passed an object of a library
    type whose method blocks (`session.get()` on a `requests.Session`), as blocking evidence
    with their index in a chain (PARAMETER_CALL - position)."""
    if not summary.parameter_calls or not frame.env:
        return
    env = dict(frame.env)
    for position, call in enumerate(summary.parameter_calls):
        parameter, _, method = call.callee.partition(".")
        value = env.get(parameter)
        if value is None or value[0] not in ("t", "o") or _type_dispatched(call.guard, parameter, value):
            continue
        found = members(value[1], method)
        if found is not None:
            yield PARAMETER_CALL - position, call._replace(callee=found[0], category=found[1])


def _type_dispatched(guard: tuple, parameter: str, value: tuple) -> bool:
    """The call sits under a test of the parameter's type that `value` leaves undecided (`if
    isinstance(path, PurePath): ... else: path.replace("\\\\", "/")`): the function takes
    several types, and this call may be meant for another one (a `str`'s `replace`)."""
    frame = Frame(((parameter, value),))
    for test, subject, operand, wanted in guard:
        if test == "isinstance" and subject == ("p", parameter):
            holds, fails = ((test, subject, operand, wanted),), ((test, subject, operand, not wanted),)
            if not dead(holds, frame, _nothing_else) and not dead(fails, frame, _nothing_else):
                return True
    return False


def _nothing_else(subject: tuple, self_class: str) -> None:
    """A world that knows nothing beyond the frame (conclint.analysis.conditions.World)."""
    return None


def _called_values(summary: FunctionSummary, frame: Frame, kind: str) -> Iterator[tuple]:
    if not summary.called_parameters or not frame.env:
        return
    env = dict(frame.env)
    for name in summary.called_parameters:
        value = env.get(name)
        if value is not None and value[0] == kind:
            yield value


def _uses_frame(summary: FunctionSummary, cache: dict[int, bool]) -> bool:
    """Whether what is known of a function's parameters or `self` can matter in it: it has a
    guard, calls a parameter, or passes a parameter, its `*args` or an attribute on, or calls a
    method on `self`."""
    found = cache.get(id(summary))
    if found is None:
        found = cache[id(summary)] = bool(summary.called_parameters or summary.parameter_calls) or any(evidence.guard for evidence in summary.blocking) or any(
            site.guard or site.bound or any(v is not None and (v[0] in PASSED_SUBJECTS or v[0] == "*") for v in site.args)
            or any(v is not None and v[0] in PASSED_SUBJECTS for _, v in site.keywords)
            for site in summary.sites
        )
    return found


def _constructs(site: CallSite, callee: FunctionSummary) -> str:
    """The class `site` makes an instance of: `Cls()` reaching `Cls.__init__` (or the
    `__init__` a base defines)."""
    if site.new_class:
        return site.new_class
    if callee.qualname.endswith(".__init__") and not site.callee.endswith(".__init__"):
        return site.callee
    return ""


def signature(summary: FunctionSummary, lookup: Lookup) -> tuple[Param, ...] | None:
    """The parameters a call of `summary`'s function binds its arguments to: its own, or,
    decorated with functions of the project, its parameters as written when every one of
    them keeps the signature of what it decorates (shiny's `@add_example()`); None when a
    decorator may change them."""
    if summary.params is not None or summary.decorated_params is None:
        return summary.params
    for name in summary.decorators:
        if name in SIGNATURE_KEEPING_DECORATORS:
            continue
        decorator = lookup(name.removeprefix(LOCAL).partition("(")[0])
        if decorator is None or not decorator.keeps_signature:
            return None
    return summary.decorated_params


def built_attributes(built: tuple, caller: Frame, lookup: Lookup, classes: ClassLookup | None, attribute: World) -> tuple:
    """What the receiver a call site `built` holds in the attributes its class's `__init__`
    stores from its parameters (`FunctionSummary.stores`), and the `__init__` of a base it
    runs with `super().__init__(...)` stores from what it passes on (newrelic's
    `FunctionTrace(name)`, whose base keeps `source=None`): the constants the construction
    passed, or the parameters' defaults (`AsyncLogger(verbose=True)` leaves `log_file`
    None), as `Frame.attributes`. Only attributes no method of another class along the
    bases assigns, and none when a base cannot be looked into."""
    if not built or classes is None:
        return ()
    class_name = built[0].removeprefix(LOCAL)
    init = lookup(class_name + ".__init__")
    site: CallSite | None = CallSite(class_name + ".__init__", args=built[1], keywords=built[2], new_class=class_name)
    held: dict[str, tuple] = {}
    for _ in range(MAX_CHAIN_FUNCTIONS):
        if init is None or site is None or init.method != "self":
            break
        frame = enter(signature(init, lookup), init.method, site, caller, attribute, class_name)
        env = dict(frame.env)
        owner = init.qualname.rpartition(".")[0]
        for name, parameter in init.stores:
            if parameter in env and name not in held and set_only_by_owner(classes, class_name, owner, name):
                held[name] = env[parameter]
        site = _base_init_site(init)
        init = lookup(site.callee) if site is not None else None
        caller = frame
    return tuple(sorted(held.items()))


def _base_init_site(init: FunctionSummary) -> CallSite | None:
    """The one call by which an `__init__` runs another `__init__` on its own `self`
    (`super().__init__(...)`, `Base.__init__(self, ...)`, or `base_init`, of a base of
    another module), unconditionally; None when it makes none or several."""
    found = [
        site
        for site in (init.base_init, *init.sites) if site is not None
        if site.callee.endswith(".__init__") and site.bound and not site.new_class and not site.guard
    ]
    return found[0] if len(found) == 1 else None


def _world(lookup: Lookup, classes: ClassLookup | None) -> World:
    """What a chain from a coroutine knows beyond parameters: class attributes, and that an
    event loop runs (conclint.analysis.conditions)."""

    def world(subject: tuple, self_class: str) -> tuple | None:
        kind, name = subject
        if kind == "a":
            return class_attribute(classes, self_class, name) if classes is not None and self_class else None
        if kind == "e":
            return RUNNING_LOOP
        if kind in SET_UP_KINDS:
            return SET_UP
        if kind == "r":
            callee = lookup(name.removeprefix(LOCAL))
            return RUNNING_LOOP if callee is not None and callee.returns_running_loop else None
        return None

    return world


def _path(parents: Mapping[_Key, _Key | None], key: _Key) -> tuple[_Key, ...]:
    """The steps from the start of a search down to `key`, read off the search's parents
    (function names, or (name, frame) states)."""
    chain = [key]
    while (parent := parents[chain[-1]]) is not None:
        chain.append(parent)
    return tuple(reversed(chain))


def reaches_process_start(lookup: Lookup, qualname: str) -> bool:
    """Whether `qualname`, or a function it calls directly or through others, starts
    processes (`process_starts`, filled in for the project index)."""
    start = lookup(qualname)
    return start is not None and any(s is not None and s.process_starts for s in _reachable(lookup, start))


def pure_computation(lookup: Lookup, qualname: str) -> bool:
    """True when calling `qualname` only computes: neither it nor anything it reaches blocks,
    releases the GIL, or calls a function no catalog or module knows."""
    start = lookup(qualname)
    if start is None or start.is_async:
        return False
    return all(
        s is not None and not (s.blocking or s.releases_gil or s.unknown_calls) for s in _reachable(lookup, start)
    )


def _may_do_unknown_work(lookup: Lookup, start: FunctionSummary) -> bool:
    """True when `start` or anything it reaches calls a function no catalog or module knows,
    or iterates an object of unknown type. The iteration is excused in a function with
    evidence of its own of the "numeric" kind: counting over numbers for what it iterates
    (`for token in tokens: for i in range(k): ...`) is CPU work whatever yields the items,
    as it is when that function is the target itself (see `cpu_bound`)."""
    return any(s is None or s.unknown_calls > _excused_iterations(s) for s in _reachable(lookup, start))


def _excused_iterations(summary: FunctionSummary) -> int:
    """How many of the unknown calls of `summary` a loop calling it may leave aside: its
    iterations of objects of unknown type when it has numeric evidence, else none."""
    numeric = any(evidence.kind in (NUMERIC, LARGE) for evidence in summary.cpu_evidence)
    return summary.unknown_iterations if numeric else 0


def _reachable(lookup: Lookup, start: FunctionSummary) -> Iterator[FunctionSummary | None]:
    """`start` and every function it reaches through calls, each once; None for each call
    of a function `lookup` does not know."""
    seen = {start.qualname}
    pending = [start]
    while pending:
        summary = pending.pop()
        yield summary
        for name in summary.all_calls:
            callee = lookup(name)
            if callee is None:
                yield None
            elif callee.qualname not in seen:
                seen.add(callee.qualname)
                pending.append(callee)


@dataclass(frozen=True)
class ModuleSummary:
    """Every function of a module by qualified name, the bases of its classes (resolved
    names: local classes by their qualified name, library classes by their dotted name), and
    the names its imports bind at module level (`load = pkg.io.load`), through which a
    package's `__init__` re-exports what its modules define. For deciding tests on `self`
    attributes: the values each class body assigns (when a call site could tell them) and
    the attributes each class's methods assign through `self`."""

    functions: Mapping[str, FunctionSummary] = field(default_factory=dict)
    class_bases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    imports: Mapping[str, str] = field(default_factory=dict)
    class_values: Mapping[str, Mapping[str, tuple]] = field(default_factory=dict)
    class_assigned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Module-level names bound once, and what they hold: the type of the value (`session =
    # requests.Session()`) and of its elements (`models: dict[str, SentenceTransformer] =
    # {}`), a library type or a class of the project (`<local>.Class` for one of this
    # module), "" where unknown. What another module reads when it imports them.
    globals: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def class_facts(self, qualname: str, module: str = "") -> ClassFacts | None:
        """What the class `qualname` of this module says about its attributes; with
        `module`, its bases of this module are named absolutely (`pkg.mod.Base`)."""
        if qualname not in self.class_bases:
            return None
        prefix = module + "." if module else ""
        bases = tuple(prefix + base if base in self.class_bases else base for base in self.class_bases[qualname])
        return ClassFacts(bases, self.class_values.get(qualname, {}), frozenset(self.class_assigned.get(qualname, ())))

    def function(self, qualname: str) -> FunctionSummary | None:
        """The summary of `qualname`; a method missing from its class is looked up in the
        class's bases of this module (depth first, as far as they go)."""
        found = self.functions.get(qualname)
        if found is not None:
            return found
        inherited = inherited_method(qualname, self.functions, self.class_bases)
        return self.functions[inherited] if inherited is not None else None

    def cpu_bound(self, qualname: str) -> CpuVerdict | None:
        return cpu_bound(self.function, qualname)

    def spin_wait(self, qualname: str) -> SpinVerdict | None:
        return spin_wait(self.function, qualname)

    def pure_computation(self, qualname: str) -> bool:
        return pure_computation(self.function, qualname)

    def blocking_chains(self, qualname: str, site: CallSite | None = None) -> dict[str, BlockingChain]:
        return blocking_chains(self.function, qualname, site, self.class_facts)

    def is_subclass(self, qualname: str, bases: Iterable[str]) -> bool:
        """True when the local class `qualname` derives from one of `bases` (library names)."""
        wanted = set(bases)
        seen: set[str] = set()
        pending = [qualname]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for base in self.class_bases.get(name, ()):
                if base in wanted:
                    return True
                pending.append(base)
        return False

    def as_dict(self) -> dict[str, object]:
        return {
            "functions": [summary.as_dict() for summary in self.functions.values()],
            "class_bases": {name: list(bases) for name, bases in self.class_bases.items()},
            "imports": dict(self.imports),
            "class_values": {name: {a: list(v) for a, v in values.items()} for name, values in self.class_values.items()},
            "class_assigned": {name: list(names) for name, names in self.class_assigned.items()},
            "globals": {name: list(types) for name, types in self.globals.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ModuleSummary:
        functions = [FunctionSummary.from_dict(item) for item in data["functions"]]  # type: ignore[attr-defined]
        bases = {name: tuple(value) for name, value in data["class_bases"].items()}  # type: ignore[attr-defined]
        imports = dict(data["imports"])  # type: ignore[call-overload]
        values = {
            name: {attribute: value_from_list(v) for attribute, v in items.items()}
            for name, items in data["class_values"].items()  # type: ignore[attr-defined]
        }
        assigned = {name: tuple(items) for name, items in data["class_assigned"].items()}  # type: ignore[attr-defined]
        held = {name: (str(kind), str(element)) for name, (kind, element) in data.get("globals", {}).items()}  # type: ignore[attr-defined]
        return cls({summary.qualname: summary for summary in functions}, bases, imports, values, assigned, held)


# Decorators defined in the module itself are named `<local>.qualname` until `absolutized`.
LOCAL = "<local>."


def _absolute_names(names: Iterable[str], prefix: str) -> tuple[str, ...]:
    """`<local>.`-prefixed names made absolute with the module's `prefix`; others as they are."""
    return tuple(prefix + name.removeprefix(LOCAL) if name.startswith(LOCAL) else name for name in names)


def absolutized(summary: FunctionSummary, module: str) -> FunctionSummary:
    """`summary` of a function of `module` with every name of that module made absolute
    (`helper` -> `pkg.io.helper`), so that summaries of many modules share one name space."""
    if not module:
        return summary
    prefix = module + "."
    return replace(
        summary,
        qualname=prefix + summary.qualname,
        calls=tuple(prefix + name for name in summary.calls),
        calls_in_loops=tuple(prefix + name for name in summary.calls_in_loops),
        decorators=_absolute_names(summary.decorators, prefix),
        hands_on=_absolute_names(summary.hands_on, prefix),
        spins=tuple(evidence._replace(requires=_absolute_names(evidence.requires, prefix)) for evidence in summary.spins),
        blocking=tuple(evidence._replace(guard=_absolute_guard(evidence.guard, prefix)) for evidence in summary.blocking),
        parameter_calls=tuple(evidence._replace(guard=_absolute_guard(evidence.guard, prefix)) for evidence in summary.parameter_calls),
        sites=tuple(
            absolute_arguments(
                (site if site.external else site._replace(callee=prefix + site.callee, new_class=prefix + site.new_class if site.new_class else ""))._replace(
                    guard=_absolute_guard(site.guard, prefix)
                ),
                lambda name: prefix + name,
            )
            for site in summary.sites
        ),
        base_init=absolute_arguments(summary.base_init, lambda name: prefix + name) if summary.base_init is not None else None,
    )


def absolute_arguments(site: CallSite, absolute_name: Callable[[str], str]) -> CallSite:
    """`site` with the functions of this module it passes (`("f", "<local>.load")`), and the
    class of this module that built its receiver (`CallSite.built`), named absolutely by
    `absolute_name` (`load` -> `app.io.load`)."""

    def absolute(value: tuple | None) -> tuple | None:
        if value is not None and value[0] == "f" and value[1].startswith(LOCAL):
            return ("f", absolute_name(value[1].removeprefix(LOCAL)))
        return value

    if site.built and site.built[0].startswith(LOCAL):
        site = site._replace(built=(absolute_name(site.built[0].removeprefix(LOCAL)), *site.built[1:]))

    if not any(v is not None and v[0] == "f" for v in site.args) and not any(v is not None and v[0] == "f" for _, v in site.keywords):
        return site
    return site._replace(args=tuple(absolute(v) for v in site.args), keywords=tuple((name, absolute(v)) for name, v in site.keywords))


def _absolute_guard(guard: tuple, prefix: str) -> tuple:
    """`guard` with the functions of this module its subjects name (`("r", "<local>.f")`)
    named absolutely."""
    if not any(subject is not None and subject[0] == "r" and subject[1].startswith(LOCAL) for _, subject, _, _ in guard):
        return guard
    return tuple(
        (test, ("r", prefix + subject[1].removeprefix(LOCAL)) if subject is not None and subject[0] == "r" and subject[1].startswith(LOCAL) else subject, operand, wanted)
        for test, subject, operand, wanted in guard
    )


def inherited_method(name: str, defined: Container[str], bases: Mapping[str, tuple[str, ...]]) -> str | None:
    """The qualified name of the function a method name resolves to through local bases."""
    owner, _, method = name.rpartition(".")
    return next((f"{base}.{method}" for base in _local_ancestors(owner, bases) if f"{base}.{method}" in defined), None)


def overrides(name: str, defined: Container[str], bases: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The definitions of method `name` (`Base.data`) in the classes of this module that
    derive from its class, directly or through other classes of the module: what
    `self.data()` in `Base` runs, when `Base` leaves `data` to its subclasses."""
    owner, _, method = name.rpartition(".")
    return tuple(
        f"{cls}.{method}"
        for cls in bases
        if cls != owner and f"{cls}.{method}" in defined and owner in _local_ancestors(cls, bases)
    )


def _local_ancestors(cls: str, bases: Mapping[str, tuple[str, ...]]) -> Iterator[str]:
    """The bases of class `cls` that are classes of this module, and theirs, in the order
    Python searches them (depth first, left to right), each once."""
    seen: set[str] = set()
    pending = list(bases.get(cls, ()))
    while pending:
        base = pending.pop(0)
        if base in seen or base not in bases:
            continue
        seen.add(base)
        yield base
        pending[0:0] = bases[base]


__all__ = [
    "DATA",
    "ELEMENTWISE",
    "LIBRARY",
    "NUMERIC",
    "LARGE",
    "QUADRATIC",
    "BlockingChain",
    "BlockingEvidence",
    "CpuEvidence",
    "CpuVerdict",
    "Evidence",
    "FunctionSummary",
    "LoopAffineUse",
    "MemberBlocking",
    "ModuleSummary",
    "PARAMETER_CALL",
    "PASSED_BLOCKING",
    "absolutized",
    "blocking_chains",
    "cpu_bound",
    "inherited_method",
    "parameter_call_index",
    "pure_computation",
    "reaches_process_start",
    "reads_only",
    "SpinEvidence",
    "SpinVerdict",
    "spin_wait",
]
