"""CCL202: a pure-Python CPU loop directly inside a coroutine, with no await in it."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from conclint.analysis.helpers import elsewhere, name_space
from conclint.analysis.summaries import LARGE, LIBRARY, cpu_bound
from conclint.analysis.summary_collector import LineOf, LoopFacts, SummaryCollector
from conclint.syntax.prefilter import COROUTINE
from conclint.rules.base import Invalid, Rule, Valid

_LOOP_STATEMENTS = (cst.For, cst.While)
# The evidence a sync helper called in a coroutine is reported on: numbers the source fixes
# making the work large, or a pure-Python library's long computation (a backtest,
# `sympy.simplify`).
_HELPER_KINDS = (LARGE, LIBRARY)

# How to run the loop elsewhere, per async library.
_OFFLOAD = {
    "asyncio": "`await loop.run_in_executor(process_pool, func, ...)` with a `concurrent.futures.ProcessPoolExecutor`",
    "anyio": "`await anyio.to_process.run_sync(func, ...)`",
    "trio": "`await trio_parallel.run_sync(func, ...)` (the trio-parallel package)",
}

_UNIX_SECONDS = """
            MS_WATERSHED = int(2e10)

            def from_unix_seconds(seconds):
                while abs(seconds) > MS_WATERSHED:
                    {step}
                return seconds

            async def created_at(response):
                body = await response.json()
                return from_unix_seconds(body["created"])
"""


class CpuBoundLoopInCoroutine(Rule):
    """
    ## What it does
    Finds a loop directly inside an `async def`, or a call there of a sync function that
    contains one (directly or through its own calls; with the command line, also a function
    of another module of the project), that does pure-Python computation, never awaits, and
    whose amount of work the source itself shows to be large: a loop over a `range()` of a
    constant of at least 100,000 rounds (`range(10**6)`, `range(SAMPLES)` with `SAMPLES =
    2_000_000`; its own or that of a loop nested in it) that counts, does arithmetic (`math`
    functions of the loop variable, a product computed for the position it stores into,
    `bits[(h + i * k) % m] = 1`) or runs a nested loop, a numeric comprehension over such a
    `range()`, or a recursion on a number shrinking by a literal that calls itself more than
    once per call (`fib(n - 1) + fib(n - 2)`, exponential in `n`). The loop must make no
    call that may do I/O or wait (an unknown function, the CCL1 blocking catalog,
    GIL-releasing libraries such as numpy); the functions of the module it calls must only
    compute too. A `print()` or a logging call does not count as I/O when it runs now and
    then (under an `if`, in an `except`) or outside the innermost loop; one in every round
    of the innermost loop does. A lazy `map(f, xs)` or generator expression handed to a
    thread or an executor (`run_in_executor(None, list, map(f, xs))`, also when bound to a
    local name first) runs there, not in the coroutine, and is left to CCL201.

    Loops whose size the code does not show are not reported: `for i in range(n)`, a `while`
    updating numbers, nested loops over data, a recursion calling itself once. On the
    projects judged for this rule (23 review rounds, 204 projects nobody reported a
    bug in) every such loop in a coroutine ran a handful of rounds: the points of a mouse
    path, the rows of a window grid, a DNS answer's records, the blocks of a download, the
    months between two dates. The same loops on a thread are still CPU evidence for CCL201,
    where the target was chosen to do work. A call in the
    coroutine, or of a sync helper, is also reported when it runs a long computation of a
    library written in Python (the helper with nothing that waits): a backtrader backtest (`cerebro.run()` beside an offline data feed),
    SymPy's `simplify`, `solve`, `integrate`, `dsolve`, NetworkX's centrality and community
    detection. The coroutines of a module that imports ESPHome's code generator
    (`esphome.codegen`) are not checked: the generator steps them itself, with no event loop.

    ## Why is this bad?
    A coroutine gives the event loop back only where it awaits. A loop that computes for a
    second freezes every other task of the loop for that second: requests time out, heartbeats
    are missed. Running it on a thread (`asyncio.to_thread`) frees the loop but, under the
    GIL, still competes with it for the interpreter.

    ## Example
    ```python
    SAMPLES = 2_000_000

    async def handle(request):
        total = 0
        for i in range(SAMPLES):
            total += i * i
        return total
    ```

    ## Use instead
    ```python
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    process_pool = ProcessPoolExecutor()

    def sum_of_squares(n):
        return sum(i * i for i in range(n))

    async def handle(request):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(process_pool, sum_of_squares, SAMPLES)
    ```
    With anyio, `await anyio.to_process.run_sync(sum_of_squares, SAMPLES)`; with trio, the
    trio-parallel package's `await trio_parallel.run_sync(sum_of_squares, SAMPLES)`.

    ## Fix safety
    No automatic fix: the loop has to move into a module-level function, and its inputs and
    result are pickled on their way to and from the process.

    ## Options
    - `free-threaded` (`--free-threaded`): this rule belongs to the thread rules, which are
      off for a free-threaded (no-GIL) build. A loop that never awaits blocks the event loop
      there too, but the usual remedy (a worker thread) then works, so the advice differs.

    ## References
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [loop.run_in_executor](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.run_in_executor)
    - [anyio.to_process](https://anyio.readthedocs.io/en/stable/subprocesses.html#running-functions-in-worker-processes)
    """

    CODE = "CCL202"
    NAME = "cpu-bound-loop-in-coroutine"
    MESSAGE = "this {what} is pure-Python computation ({reason}) that never awaits: it blocks the event loop while it runs"
    REQUIRES_GIL = True
    USES_SUMMARIES = True
    REQUIRED_TOKENS = (b"async",)
    REQUIRED_PATTERN = COROUTINE
    VALID = (
        # Loops whose size the code does not show, each judged false on a project nobody
        # reported a bug in: nodriver's mouse path, `steps + 1` points (10 by default); its
        # window grid, as many rows as it takes to fit the open windows; psycopg's ordering of
        # one DNS answer's SRV records (nested loops over a handful); modal's block lengths,
        # one round per 8 MiB block of a file it then downloads.
        Valid(
            """
            async def mouse_move(tab, x, y, steps=10):
                step_x, step_y = x // steps, y // steps
                pathway = [(step_x * i, step_y * i) for i in range(steps + 1)]
                for point in pathway:
                    await tab.send("mouseMoved", x=point[0], y=point[1])

            async def tile_windows(windows, max_columns=0):
                count = len(windows)
                columns = max_columns or int(count * (19 / 6))
                rows = int(count / columns)
                while columns * rows < count:
                    rows += 1
                return columns, rows
            """
        ),
        Valid(
            """
            def sort_rfc2782(answers):
                ordered = []
                for priority in sorted({a.priority for a in answers}):
                    group = [a for a in answers if a.priority == priority]
                    while group:
                        total = 0
                        for entry in group:
                            total += entry.weight
                        ordered.append(group.pop())
                return ordered

            def block_lengths(size, block=8 * 1024 * 1024):
                lengths = []
                for i in range((size + block - 1) // block):
                    lengths.append(min(block, size - i * block))
                return lengths

            async def resolve(answers, size):
                return sort_rfc2782(answers), block_lengths(size)
            """
        ),
        # google-adk's node paths: a walk up the parent agents, at most _MAX_PARENT_DEPTH
        # of them; its rewinds: one backward pass over the events, with an index built once
        # on the first rewind; and a state delta read event by event, by position.
        Valid(
            """
            _MAX_PARENT_DEPTH = 50

            def node_path(node):
                parents = []
                curr = node.parent_agent
                depth = 0
                while curr is not None and depth < _MAX_PARENT_DEPTH:
                    parents.insert(0, curr.name)
                    curr = curr.parent_agent
                    depth += 1
                return "/".join(parents)

            def apply_rewinds(events):
                first_index = None
                kept = []
                i = len(events) - 1
                while i >= 0:
                    event = events[i]
                    if event.rewind_before:
                        if first_index is None:
                            first_index = {}
                            for index, earlier in enumerate(events):
                                if earlier.invocation_id not in first_index:
                                    first_index[earlier.invocation_id] = index
                        target = first_index.get(event.rewind_before)
                        if target is not None and target < i:
                            i = target
                    else:
                        kept.append(event)
                    i -= 1
                return kept

            async def rewind(session, node, index):
                state = {}
                for i in range(index):
                    for key, value in session.events[i].state_delta.items():
                        state[key] = value
                return node_path(node), apply_rewinds(session.events), state
            """
        ),
        # agno's metrics: one date per day since the last run, as many as the calendar holds.
        Valid(
            """
            from datetime import date, datetime, timedelta, timezone

            def dates_since(start: date) -> list[date]:
                today = datetime.now(timezone.utc).date()
                days = (today - start).days + 1
                return [start + timedelta(days=x) for x in range(days)]

            async def calculate_metrics(db, start):
                for day in dates_since(start):
                    await db.aggregate(day)
            """
        ),
        # The LLM SDKs' timestamp parsing: milliseconds to seconds, a division per round.
        Valid(_UNIX_SECONDS.format(step="seconds /= 1000")),
        # pydantic-ai's realtime replay: a `while` stepping back over the trailing user turns
        # walks the list, as a `for` over it would; it does not count.
        Valid(
            """
            async def split_replay(turns):
                history = len(turns)
                while history and turns[history - 1].role == "user":
                    history -= 1
                return turns[:history], turns[history:]
            """
        ),
        # Over a live store's feed, the same call trades: it waits on the network.
        Valid(
            """
            import backtrader as bt

            async def trade(strategy, store):
                cerebro = bt.Cerebro()
                cerebro.adddata(store.getdata(dataname="EUR_USD"))
                cerebro.addstrategy(strategy)
                return cerebro.run()
            """
        ),
        # A position read each round (`rows[i * 2]`) and a key joined with `+` are no
        # computation of the loop's own.
        Valid(
            """
            async def pick(rows, n):
                picked = [None] * n
                names = {}
                for i in range(n):
                    picked[i] = rows[i * 2]
                    names["row" + str(i)] = i
                return picked, names
            """
        ),
        Valid(
            """
            import math

            async def chunks(message, size):
                # Arithmetic inside a subscript picks positions: slicing is the work, in C.
                return [message[i * size:(i + 1) * size] for i in range(math.ceil(len(message) / size))]
            """
        ),
        Valid(
            """
            def diff(a, b, path=()):
                if a == b:
                    return []
                if isinstance(a, dict) and isinstance(b, dict):
                    return [change for key in a.keys() & b.keys() for change in diff(a[key], b[key], path + (key,))]
                return [(path, a, b)]

            async def changes(old, new):
                labels = [f"item {i + 1}" for i in range(len(old))]
                scale = [x * 0.01 for x in range(1, 10000)]
                return diff(old, new), labels, scale
            """
        ),
        Valid(
            """
            import asyncio

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            def tidy(items):
                return [item.strip() for item in items]

            async def handle(n, items, pool):
                loop = asyncio.get_running_loop()
                total = await loop.run_in_executor(pool, crunch, n)
                return total, tidy(items)
            """
        ),
        Valid(
            """
            async def total(items):
                result = 0
                for item in items:
                    result += item.price * item.quantity
                return result
            """
        ),
        Valid(
            """
            import asyncio

            async def countdown(n):
                while n > 0:
                    n -= 1
                    await asyncio.sleep(0)
            """
        ),
        Valid(
            """
            async def retry(fetch):
                for attempt in range(5):
                    try:
                        return await fetch()
                    except OSError:
                        pass
            """
        ),
        Valid(
            """
            async def consume(stream):
                count = 0
                async for chunk in stream:
                    for byte in chunk:
                        count += byte * 2
                    await stream.ack()
            """
        ),
        Valid(
            """
            import numpy as np

            async def normalise(rows):
                out = []
                for i in range(len(rows)):
                    out.append(np.linalg.norm(rows[i]) * 2)
                return out
            """
        ),
        Valid(
            """
            async def render(grid, emit):
                for row in grid:
                    for cell in row:
                        emit(cell * 2)
            """
        ),
        Valid(
            """
            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total
            """
        ),
        Valid(
            """
            async def table():
                return [[i * j for j in range(10)] for i in range(10)]
            """
        ),
        Valid(
            """
            async def main(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total
            """,
            settings={"free_threaded": True},
        ),
        Valid(
            """
            async def main():
                def crunch(n):
                    return sum(i * i for i in range(n))
                return crunch
            """
        ),
        # From distributed's Scheduler.get_call_stack: a worklist over a subset of tasks.
        Valid(
            """
            async def get_call_stack(self, keys):
                stack = list(keys)
                processing = set()
                while stack:
                    key = stack.pop()
                    ts = self.tasks[key]
                    if ts.state == "waiting":
                        stack.extend([dts.key for dts in ts.dependencies])
                    elif ts.state == "processing":
                        processing.add(ts)
                return processing
            """
        ),
        # From trio's tests: the arithmetic does not involve the loop; a setter does the work.
        Valid(
            """
            from trio._core._run import DEADLINE_HEAP_MIN_PRUNE_THRESHOLD

            async def test_deadline_duplicates(scope, now, sleep):
                for _ in range(DEADLINE_HEAP_MIN_PRUNE_THRESHOLD * 2):
                    scope.deadline = now + 9998
                    scope.deadline = now + 9999
                await sleep(0.01)
            """
        ),
        # From trio's tests: the only arithmetic is the range() bound, outside the loop.
        Valid(
            """
            import random

            async def test_run(run_process):
                data = bytes(random.randint(0, 255) for _ in range(2**18))
                await run_process(["cat"], stdin=data)
            """
        ),
        # The work is handed to a thread: the lazy map and the generator run there (CCL201's
        # business), not on the event loop.
        Valid(
            """
            import asyncio

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            async def main(ns, n):
                loop = asyncio.get_running_loop()
                totals = await loop.run_in_executor(None, list, map(crunch, ns))
                squares = await asyncio.to_thread(sum, (i * i for i in range(n)))
                return totals, squares
            """
        ),
        # Waiting a few rounds, and printing every round: output, not computation.
        Valid(
            """
            async def settle(n):
                for _ in range(1000):
                    pass
                for i in range(n):
                    print(i, i * i)
            """
        ),
        # From trio's tests: a range() bounded by a small constant.
        Valid(
            """
            async def test_fairness(record, initial_order):
                LOOPS = 5
                for i in range(LOOPS):
                    assert record[3 * i : 3 * (i + 1)] == initial_order
            """
        ),
        # Encoding each message of a batch: a loop over data of unknown size, like any other.
        Valid(
            """
            import rlp

            def encode_all(messages):
                return [rlp.encode(message) for message in messages]

            async def send(writer, messages):
                writer.write(b"".join(encode_all(messages)))
                await writer.drain()
            """
        ),
        # Searches: for a name or an id not taken yet (Home Assistant's ensure_unique_string,
        # aiortc's allocate_mid), left by `return` once found; the rounds are the collisions.
        Valid(
            """
            def allocate_mid(mids):
                i = 0
                while True:
                    mid = str(i)
                    if mid not in mids:
                        mids.add(mid)
                        return mid
                    i += 1

            async def add_transceiver(mids, names, preferred):
                tries = 1
                name = preferred
                while name in names:
                    tries += 1
                    name = f"{preferred}_{tries}"
                return allocate_mid(mids), name
            """
        ),
        # Shifting a number until it fits runs once per bit (aiortc's pack_remb_fci).
        Valid(
            """
            def pack_remb(bitrate):
                exponent = 0
                mantissa = bitrate
                while mantissa > 0x3FFFF:
                    mantissa >>= 1
                    exponent += 1
                return exponent, mantissa

            async def send_remb(writer, bitrate):
                writer.write(bytes(pack_remb(bitrate)))
                await writer.drain()
            """
        ),
        # Walking the entries of a packet: counts read from its bytes (unpacked, masked, a
        # byte of it) or from its length bound the rounds (aiortc's RTP and SCTP parsers).
        Valid(
            """
            import math
            from struct import unpack, unpack_from

            def parse(data: bytes):
                first, count = unpack("!BB", data[0:2])
                csrc_count = first & 0x0F
                pos, items = 2, []
                for i in range(csrc_count):
                    items.append(unpack_from("!L", data, pos)[0])
                    pos += 4
                for i in range(count):
                    items.append(unpack_from("!H", data, pos)[0])
                    pos += 2
                for i in range(data[1]):
                    pos += 1
                return items

            async def receive(reader, size):
                data = await reader.read(size)
                chunks = []
                pos = 0
                for fragment in range(math.ceil(len(data) / 1200)):
                    chunks.append(data[pos:pos + 1200])
                    pos += 1200
                return parse(data), chunks
            """
        ),
        # websockets' handshake error: a walk up the exception's causes that adds to a string;
        # what grows is not what the `while` tests. camel's spreadsheet columns: a number
        # divided by 26 each round, `divmod` or `//`, runs a few rounds.
        Valid(
            """
            def col_to_letter(col_idx):
                result = ""
                col_idx += 1
                while col_idx > 0:
                    col_idx, remainder = divmod(col_idx - 1, 26)
                    result = chr(65 + remainder) + result
                return result

            def digits(n):
                count = 0
                while n > 0:
                    n = n // 10
                    count += 1
                return count

            async def handshake_failed(exc, cells):
                text = f"{exc}"
                while exc.__cause__ is not None:
                    exc = exc.__cause__
                    text += f"; {exc}"
                return text, [col_to_letter(cell) + str(digits(cell)) for cell in cells]
            """
        ),
        # weaviate's batch ingest test: a generator expression handed to an awaited call is
        # pulled item by item by the coroutine called, which may await between items.
        Valid(
            """
            async def ingest(collection, count):
                return await collection.data.ingest({"name": "test" + str(i)} for i in range(count))
            """
        ),
    )
    INVALID = (
        # From a FastAPI report: a loop that only counts still burns the CPU on the loop.
        Invalid(
            """
            import asyncio

            async def get_list():
                for i in range(100000000):
                    pass
                await asyncio.sleep(1)
                return ["a", "b"]
            """,
            line=4,
            message_contains=("loop over range() that only counts",),
        ),
        # The counterparts of the loops above whose size the code does not show: the same
        # work over a range() of a constant of a million rounds or more.
        Invalid(
            """
            async def total():
                return sum(i * i for i in range(10**6))
            """,
            line=2,
            message_contains=("numeric comprehension over range()",),
        ),
        # The positions a range() loop stores into are computed each round: its arithmetic.
        Invalid(
            """
            async def scatter(size):
                bits = [0] * size
                for i in range(5_000_000):
                    bits[(i * 7919) % size] = 1
                return bits
            """,
            line=3,
            message_contains=("loop over range() doing arithmetic",),
        ),
        # A progress line now and then, and logging outside the loop, leave it computation.
        Invalid(
            """
            import logging

            logger = logging.getLogger(__name__)

            async def handle():
                total = 0.0
                for i in range(1_000_000):
                    total += i ** 0.5
                    if i % 100_000 == 0:
                        logger.debug("at %d", i)
                print("done")
                return total
            """,
            line=7,
            message_contains=("loop over range() doing arithmetic",),
        ),
        Invalid(
            """
            SAMPLES = 2_000_000

            async def handle():
                total = 0
                for i in range(SAMPLES):
                    total += i * i
                return total
            """,
            line=5,
            column=5,
            message_contains=("loop over range() doing arithmetic", "run_in_executor(process_pool"),
        ),
        # A loop over data of unknown size around a loop of a million rounds: nested work the
        # constant makes large.
        Invalid(
            """
            import anyio

            async def smooth(points):
                out = []
                for p in points:
                    acc = 0
                    for k in range(1_000_000):
                        acc += p * k
                    out.append(acc)
                return out
            """,
            line=5,
            message_contains=("nested loop", "anyio.to_process.run_sync"),
        ),
        Invalid(
            """
            import trio

            async def squares():
                await trio.sleep(0)
                return sum([i * i for i in range(10**7)])
            """,
            line=5,
            message_contains=("comprehension", "trio_parallel"),
        ),
        Invalid(
            """
            import asyncio

            async def worker(queue):
                while True:
                    n = await queue.get()
                    total = 0
                    for i in range(1_000_000):
                        total += i * n
                    queue.task_done()
            """,
            line=7,
        ),
        # A helper of the module, through another: the chain names where the work is.
        Invalid(
            """
            def crunch(n):
                total = 0
                for i in range(10**8):
                    total += i * n
                return total

            def score(n):
                return crunch(n) + 1

            async def handle(request):
                return score(int(request.query["n"]))
            """,
            line=11,
            column=12,
            message_contains=("`score()` is pure-Python computation (score -> crunch: loop over range() doing arithmetic at line 3)",),
        ),
        # From a FastAPI report: a recursion that calls itself twice per call takes time
        # exponential in its argument.
        Invalid(
            """
            def fib(n):
                return 1 if n < 2 else fib(n - 1) + fib(n - 2)

            async def fibonacci(n: int = 35):
                return fib(n)
            """,
            line=5,
            message_contains=("`fib()` is pure-Python computation (fib: recursion at line 2)",),
        ),
        Invalid(
            """
            import backtrader as bt

            def backtest(strategy, frame):
                cerebro = bt.Cerebro()
                cerebro.adddata(bt.feeds.PandasData(dataname=frame))
                cerebro.addstrategy(strategy)
                return cerebro.run()

            async def evaluate(strategy, frame):
                return backtest(strategy, frame)[0].analyzers.returns.get_analysis()
            """,
            line=10,
            message_contains=("backtrader.Cerebro.run() (a backtest in pure Python) at line 7",),
        ),
        Invalid(
            """
            import sympy

            async def simplified(request):
                expression = sympy.sympify(request.query["expr"])
                return str(sympy.simplify(expression))
            """,
            line=5,
            message_contains=("this call is pure-Python computation (sympy.simplify()",),
        ),
    )

    def leave_Module(self, node: cst.Module) -> None:
        if self.facts.stepped_coroutines:
            return  # no event loop runs this module's coroutines
        summaries = self.facts.summaries
        assert summaries is not None
        functions = summaries.summary.functions
        offload = _OFFLOAD[self.facts.library]
        for qualname, loops in summaries.loops.items():
            if not functions[qualname].is_async:
                continue
            for loop in loops:
                if loop.kind == LARGE and all(summaries.summary.pure_computation(name) for name in loop.calls):
                    self._report(loop, offload)
        self._report_library_calls(summaries, offload)
        self._report_helpers(summaries, offload)

    def _report_library_calls(self, summaries: SummaryCollector, offload: str) -> None:
        """A long pure-Python library computation called in the coroutine itself
        (`cerebro.run()`), not awaited: the same evidence a helper's call would give."""
        for qualname, function in summaries.summary.functions.items():
            if not function.is_async:
                continue
            for index, evidence in enumerate(function.cpu_evidence):
                node = summaries.evidence_node(qualname, index) if evidence.kind == LIBRARY else None
                if node is not None and not self.facts.is_awaited(node):
                    self.report(
                        node,
                        suggestion=f"Move the call into a module-level function and run it in a process: {offload}.",
                        what="call",
                        reason=evidence.reason,
                    )

    def _report_helpers(self, summaries: SummaryCollector, offload: str) -> None:
        """Calls, in a coroutine, of sync functions that compute the same way: of this module
        or, with a project index, of the project's other modules."""
        project = self.facts.project
        names = name_space(self.facts)
        shown = names.shown
        reported: set[int] = set()  # a `self.m()` runs one of several overrides: one finding
        for call in summaries.coroutine_calls:
            if call.constructed is not None or id(call.node) in reported:
                continue  # a framework's constructor on the loop (its remedy is no process), or reported
            start = names.start(call)
            verdict = cpu_bound(names.lookup, start, proven=True) if start is not None else None
            function = names.lookup(verdict.function) if verdict is not None else None
            if verdict is None or function is None or function.cpu_evidence[verdict.index].kind not in _HELPER_KINDS:
                continue
            if call.reads_property and len(verdict.chain) > 1:
                continue  # a getter is followed only to what it does itself
            chain = " -> ".join(shown(step) for step in verdict.chain)
            node = summaries.evidence_node(shown(verdict.function), verdict.index)
            if node is not None:
                where: Callable[[LineOf], str] = lambda line_of, node=node: f"line {line_of(node)}"
            elif project is not None:
                where = elsewhere(project, verdict.function, "cpu_evidence", verdict.index)
            else:
                continue
            reported.add(id(call.node))
            text = f"`{call.called(self.facts.module)}`"
            message = "{text} is pure-Python computation ({chain}: {reason} at {where}) that never awaits: it blocks the event loop while it runs"
            self.report(
                call.node,
                lambda line_of, where=where, fields=dict(text=text, chain=chain, reason=verdict.reason): (
                    message.format(where=where(line_of), **fields)
                ),
                suggestion=f"Run it in a process: {offload}.",
                statement=call.statement,
            )

    def _report(self, loop: LoopFacts, offload: str) -> None:
        statement = loop.node if isinstance(loop.node, _LOOP_STATEMENTS) else None
        what = "loop" if statement is not None else "comprehension"
        self.report(
            loop.node,
            suggestion=f"Move the computation into a module-level function and run it in a process: {offload}.",
            statement=statement,
            what=what,
            reason=loop.reason,
        )
