"""CCL201: a CPU-bound function of this module handed to a thread."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from conclint.analysis.conditions import POSITIONAL, POSITIONAL_ONLY
from conclint.analysis.dispatch import LAZY_WRAPPERS, THREAD_DISPATCH_TOKENS, DispatchSite, forwarded_dispatch, thread_dispatch
from conclint.analysis.facts import FileFacts
from conclint.analysis.helpers import name_space
from conclint.analysis.scopes import Scope
from conclint.analysis.summaries import FunctionSummary, SpinVerdict, cpu_bound, spin_wait
from conclint.analysis.summary_collector import LineOf, SummaryCollector
from conclint.core.settings import Settings
from conclint.fixes.plan import FixPlan
from conclint.fixes.process_pool import PoolSwap, imported_target_moves, process_pool_fix
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.polling import SPIN_REMEDY
from conclint.knowledge.threads import ThreadDispatch
from conclint.rules.base import Invalid, Rule, Valid

# Dispatches whose thread pool the fix can turn into a process pool.
POOL_DISPATCH = frozenset({"concurrent.futures.ThreadPoolExecutor.submit", "concurrent.futures.ThreadPoolExecutor.map"})

_RACING_COUNTERS = """
            from threading import Thread

            def {caller}():
                totals = []

                def record():
                    total = 0
                    for index in range(200_000):
                        total += index % 50
                    totals.append(total)

                threads = [Thread(target=record) for _ in range(4)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                assert len(set(totals)) == 1
"""

# signalrcore's receiving thread: each round takes a frame from `_recv_frame`, whose body
# is `{receive}`.
_SOCKET_CLIENT = """
            import threading

            class SocketClient:
                def start(self):
                    self.running = True
                    threading.Thread(target=self.run, daemon=True).start()

                def run(self):
                    while self.running:
                        message = self._recv_frame()
                        if self.on_message and message is not None:
                            self.on_message(self, message)

                def _recv_frame(self):
                    {receive}
"""


class CpuBoundFunctionOnThread(Rule):
    """
    ## What it does
    Finds a function of the same module that does pure-Python computation, handed to a
    thread: `threading.Thread(target=f)`, `threading.Timer(t, f)`,
    `ThreadPoolExecutor.submit(f, ...)` / `.map(f, ...)`, `asyncio.to_thread(f, ...)`,
    `loop.run_in_executor(None or a thread pool, f, ...)`, `anyio.to_thread.run_sync(f)`,
    `trio.to_thread.run_sync(f)`, and `map`/`apply`/`imap`/`starmap` (and their `_async`
    forms) of `multiprocessing.pool.ThreadPool` and `multiprocessing.dummy.Pool`, and library
    methods documented to run their callable on the executor they are given, when that is a
    `ThreadPoolExecutor` (nevergrad's `optimizer.minimize(f, executor=pool)`), and functions
    of the module or, with the project index, of the project that hand one of their own
    parameters to a thread (`async def run_cpu(self, callback, *args)` running
    `loop.run_in_executor(self._cpu_pool, callback, *args)` on a `ThreadPoolExecutor`): the
    function passed there is the target (in a file that spells one of the rule's tokens,
    such as `Thread` or `run_in_executor`, since the rule runs only there). The target
    may be written `f`, `self.method`, `Class.method`, `functools.partial(f, ...)` or
    `lambda: f(...)`; a builtin that consumes a lazy iterable, `run_in_executor(None, list,
    map(f, xs))` or `to_thread(sum, (f(x) for x in xs))` (the iterable written there or bound
    to a local name first), is judged by `f`, which the thread runs once per element.

    A function is CPU-bound when it, or a function of the module it calls, loops over a
    `range()` doing arithmetic, nests loops, runs a `while` loop updating numbers, recurses,
    builds a numeric comprehension over a `range()`, or runs GIL-holding work (`sorted`,
    `json.loads`, `re`) in a loop, or runs a library written in Python: a backtrader backtest
    (`cerebro.run()`, when the function also builds an offline data feed such as
    `bt.feeds.PandasData`: over a live store the same call waits on the network), SymPy's
    `simplify`, `solve`, `integrate` and `dsolve`, NetworkX's betweenness and closeness
    centrality and community detection, or pyrlp's `rlp.encode`/`rlp.decode` on each element
    of a loop (py-trie's `HexaryTrie` computes too); and nothing it reaches does I/O, sleeps, waits, or calls
    a GIL-releasing library (numpy, scipy, pandas, torch, hashlib, zlib, bz2, lzma, and
    functions compiled by numba or jax). An array library called only outside every loop
    (`f = np.zeros(n)` before the loops) sets data up once: it does not excuse loops counting
    over numbers (`range(n)`), which run in Python, though it does excuse loops over data (the
    rows of an array, which numpy may process with the GIL released). hashlib releases the
    GIL only on inputs over 2047 bytes: a loop that hashes an element per round and then
    walks the digest in a nested loop over numbers (a simhash, a Bloom filter) is CPU-bound,
    while a hash in any other loop still excuses it (the data hashed may be large). A
    product, quotient or remainder computed in a `range()` loop for the position it stores
    into (`bits[(h1 + i * h2) % size] = 1`) is that loop's arithmetic; one that picks a
    position to read (`rows[i * 2]`) or a slice is not, nor a key joined with `+`. A `print()` or a logging call (`logging.info`,
    `logger.debug` on a `logging.getLogger()` logger, `self.log.info`) is not I/O for this
    judgement when it runs outside the innermost loop or only now and then inside it (under
    an `if`, in an `except`); made in every round of the innermost loop, it is. A call of a function no catalog knows might be
    I/O: inside a loop it keeps the function from being reported; outside loops it does so
    too when the computation only grows with the data (a loop over a list, recursion over a
    tree) rather than with numbers (`range(n)`, a counting `while`, `fib(n - 1)`), since the
    unknown call may handle the same data. Iterating an object of unknown type (a parameter)
    might read a file or a database cursor, so a loop over it doing a little arithmetic is not
    reported either, nor a loop calling a function that iterates one, unless that function
    counts over numbers itself for what it iterates (a Bloom filter encoder called per record); one raising each element to a power or taking its `math.exp`, `log`,
    `sqrt` ... is, as that work outweighs the iterator (a scan that may stop early with
    `break` is not). The message names the reason, its line, and the
    call chain. `run_in_executor` is recognised on any receiver when its executor is `None`.

    It also finds a target that busy-waits: a `while` loop, in the target or in a function
    it calls, with a path through one round that neither sleeps nor waits and changes
    nothing, so that the next round checks the same state again at once (a timer thread that
    sleeps while roasting and spins in every other state). Every call on that path must be
    known to return at once: `len`, `time.monotonic()`, `event.is_set()`, `q.empty()`, a
    `q.get_nowait()` whose `queue.Empty` is caught before a `continue`, or a function of the
    project that only reads. A call that may wait or is not known (`time.sleep`, `get`,
    `wait`, `acquire`, `recv`, `select`, file I/O, an unknown function), a `break`, `return`
    or `raise`, a nested loop, a `with` block, or a change of state on the path (an
    attribute, an item, a counter, a local carried to the next round, a method that changes
    its object, a call whose result is thrown away) makes it no spin. The message says when
    the loop spins (the conditions of that path). A coroutine's loop is not judged so (a
    loop that never awaits is CCL202's).

    A CPU-bound target handed to a thread inside a test (a function or method whose name
    starts with `test`) is not reported: a test starts threads to race code against itself
    (a writer against a reader, four threads adding to one counter), not to run it faster.
    A busy-waiting target is reported there too.

    ## Why is this bad?
    CPython's global interpreter lock lets one thread run Python bytecode at a time. Pure
    Python computation on a thread pool runs no faster than on one thread, usually a little
    slower (the threads fight over the lock), and it starves the other threads of the
    process, the event loop's included, while it runs. A thread that busy-waits takes the
    lock back after every switch interval to check its state again: it slows down the very
    thread it waits for (a UI, a reader) and burns a core doing nothing.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def count_primes(limit):
        found = 0
        for n in range(2, limit):
            if all(n % d for d in range(2, int(n ** 0.5) + 1)):
                found += 1
        return found

    with ThreadPoolExecutor() as pool:
        totals = list(pool.map(count_primes, [10**6] * 4))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def count_primes(limit):
        ...

    if __name__ == "__main__":
        with ProcessPoolExecutor() as pool:
            totals = list(pool.map(count_primes, [10**6] * 4))
    ```
    Processes need a picklable callable: a module-level function (or a method of a
    module-level class, pickled with its instance). The suggestion says whether the target
    pickles as it is. Code that spends its time in numpy or another library that releases
    the GIL is fine on threads and is not reported.

    A thread that waits for something should block on it on every path of its loop:
    `queue.get(timeout=...)`, `event.wait(timeout)`, `condition.wait_for(...)`, or at least
    `time.sleep(...)` in the branch that has nothing to do.

    ## Fix safety
    Unsafe fix (`--unsafe-fixes`), for the mechanical case only: a `ThreadPoolExecutor` created
    in the same function or module (`with ThreadPoolExecutor() as pool:` or `pool =
    ThreadPoolExecutor()`), without thread-only arguments (`thread_name_prefix`), becomes a
    `ProcessPoolExecutor`, which has the same API, when every use of the pool is a `submit`,
    `map` or `shutdown` call and every function it submits or maps is one this rule reports:
    a module-level function, named directly, that is CPU-bound, of this module or, with the
    project index, imported from another module of the project (one a worker can import: no
    decorator that replaces it, in a module that starts no processes). A pool that also runs
    an I/O-bound function, or one not known to be CPU-bound (unknown, a lambda, a method, an
    attribute of an object, a function from outside the project), keeps its threads, and so
    does a pool passed to a function, stored, returned, or sharing its name with another pool
    of the same scope, since code elsewhere may give it other work: the finding then only
    suggests the change in words. When the `from concurrent.futures import
    ThreadPoolExecutor` import served only that pool (in the module or in the function), it
    is renamed rather than left unused. Review the fix: a process pool pickles the arguments and
    the results, the function no longer shares memory with the caller (what it changes in
    globals is lost), and a pool created at import time then needs the
    `if __name__ == "__main__":` guard (CCL301, whose fix adds it). A busy-waiting target
    has no automatic fix: where to wait, and on what, is the author's choice.

    ## Options
    - `free-threaded` (`--free-threaded`): on a free-threaded (no-GIL) build threads do run
      Python in parallel, so this rule is off.

    ## References
    - [Python glossary: global interpreter lock](https://docs.python.org/3/glossary.html#term-global-interpreter-lock)
    - [concurrent.futures.ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor)
    - [PEP 703: making the GIL optional](https://peps.python.org/pep-0703/)
    """

    CODE = "CCL201"
    NAME = "cpu-bound-function-on-thread"
    MESSAGE = "`{target}` is CPU-bound ({why}): on a thread it holds the GIL and runs no faster"
    SPIN_MESSAGE = "`{target}` busy-waits ({why}): on a thread it holds the GIL polling, starving the threads it waits for"
    REQUIRES_GIL = True
    USES_SUMMARIES = True
    # Every dispatch API is spelled with one of these (`ThreadPoolExecutor`, `ThreadPool`,
    # `Thread`, `to_thread`), or reached through `run_in_executor` or `multiprocessing.dummy`
    # (any import of which spells `multiprocess`: "dummy" alone is a common word in tests).
    REQUIRED_TOKENS = (b"Thread", b"Timer", b"to_thread", b"run_in_executor", b"multiprocess")
    VALID = (
        # agno's executor check walks a tree of agents and their tools once: each node's
        # tools through the loop that holds it, and a fixed pair of attributes for its
        # children, a walk of the data rather than nested work.
        Valid(
            """
            import asyncio

            def validate_tools(component):
                pending = [component]
                seen = set()
                while pending:
                    item = pending.pop()
                    if item is None or id(item) in seen:
                        continue
                    seen.add(id(item))
                    for tool in getattr(item, "tools", None) or []:
                        if isinstance(tool, type):
                            raise ValueError("tools must be instances")
                    for name in ("members", "steps"):
                        children = getattr(item, name, None)
                        if isinstance(children, (list, tuple)):
                            pending.extend(children)

            async def start(component):
                await asyncio.to_thread(validate_tools, component)
            """
        ),
        # opentelemetry-sdk's tests: four threads add to one counter while the test collects,
        # to show no measurement is lost; racing is the point, not speed.
        Valid(
            _RACING_COUNTERS.format(caller="test_concurrent_measurements_are_not_lost")
        ),
        # Busy-wait near misses: every path of the round waits, or may (an unknown call).
        Valid(
            """
            import threading, time

            class Poller:
                def __init__(self):
                    self.running = True
                    self.ready = False

                def loop(self):
                    while self.running:
                        if self.ready:
                            time.sleep(0.5)
                        else:
                            time.sleep(0.01)

                def start(self):
                    threading.Thread(target=self.loop, daemon=True).start()
            """
        ),
        Valid(
            """
            import queue, threading

            def drain(inbox: queue.Queue, stop: threading.Event):
                while not stop.is_set():
                    try:
                        item = inbox.get(timeout=1)
                    except queue.Empty:
                        continue
                    print(item)

            threading.Thread(target=drain, args=(queue.Queue(), threading.Event())).start()
            """
        ),
        Valid(
            """
            import threading

            stop = threading.Event()

            def heartbeat(state):
                while not stop.is_set():
                    if state["paused"]:
                        stop.wait(0.1)
                        continue
                    stop.wait(1.0)

            threading.Thread(target=heartbeat, args=({"paused": False},)).start()
            """
        ),
        Valid(
            """
            import threading, time
            import serial

            def follow(port: serial.Serial, done):
                while not done.is_set():
                    if port.in_waiting:
                        time.sleep(0.1)
                    else:
                        port.flush_pending()

            threading.Thread(target=follow, args=(serial.Serial("/dev/ttyUSB0"), threading.Event())).start()
            """
        ),
        Valid(
            """
            import threading

            def root(node):
                while node.parent is not None:
                    node = node.parent
                return node

            threading.Thread(target=root, args=(object(),)).start()
            """
        ),
        Valid(
            """
            import threading
            import requests

            def fetch(urls):
                for url in urls:
                    requests.get(url, timeout=10)

            threading.Thread(target=fetch, args=(["https://example.com"],)).start()
            """
        ),
        Valid(
            """
            import time
            from concurrent.futures import ThreadPoolExecutor

            def poll(n):
                for attempt in range(n):
                    time.sleep(0.5 * attempt)

            with ThreadPoolExecutor() as pool:
                pool.submit(poll, 10)
            """
        ),
        Valid(
            """
            import queue, threading

            jobs = queue.Queue()

            def consume():
                while True:
                    item = jobs.get()
                    total = item * 2

            threading.Thread(target=consume, daemon=True).start()
            """
        ),
        Valid(
            """
            import threading

            def consume(inbox):
                count = 0
                while True:
                    item = inbox.get()
                    count += item * 2

            threading.Thread(target=consume, args=(object(),)).start()
            """
        ),
        Valid(
            """
            import asyncio
            import numpy as np

            def smooth(frames):
                out = []
                for i in range(len(frames)):
                    out.append(np.convolve(frames[i], np.ones(5) / 5))
                return out

            async def main(frames):
                return await asyncio.to_thread(smooth, frames)
            """
        ),
        Valid(
            """
            import hashlib
            from concurrent.futures import ThreadPoolExecutor

            def digest(blobs):
                total = 0
                for blob in blobs:
                    total += len(hashlib.sha256(blob).digest()) * 2
                return total

            ThreadPoolExecutor().submit(digest, [])
            """
        ),
        Valid(
            """
            import socket, threading

            def serve(sock: socket.socket):
                received = 0
                while True:
                    data = sock.recv(4096)
                    received += len(data) * 8

            threading.Thread(target=serve, args=(socket.socket(),)).start()
            """
        ),
        Valid(
            """
            import threading

            def copy(src, dst):
                with open(src, "rb") as f, open(dst, "wb") as g:
                    for block in iter(lambda: f.read(65536), b""):
                        g.write(block)

            threading.Thread(target=copy, args=("a", "b")).start()
            """
        ),
        Valid(
            """
            import threading

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            threading.Thread(target=crunch, args=(10**7,)).start()
            """,
            settings={"free_threaded": True},
        ),
        Valid(
            """
            import threading

            def handle(request):
                return request.process()

            def serve(requests):
                for request in requests:
                    handle(request) * 2

            threading.Thread(target=serve, args=([],)).start()
            """
        ),
        Valid(
            """
            from concurrent.futures import ProcessPoolExecutor

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            with ProcessPoolExecutor() as pool:
                pool.submit(crunch, 10**7)
            """
        ),
        Valid(
            """
            import threading

            def report(rows):
                for row in rows:
                    print(row[0] * row[1])

            threading.Thread(target=report, args=([],)).start()
            """
        ),
        Valid(
            """
            import threading
            from numba import njit

            @njit(nogil=True)
            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            threading.Thread(target=crunch, args=(10**7,)).start()
            """
        ),
        # From distributed's cluster dump: the recursion grows with the state, and the
        # writer's real work is `yaml.dump` writing that state to a file.
        Valid(
            """
            import asyncio
            import yaml

            def _tuple_to_list(node):
                if isinstance(node, (list, tuple)):
                    return [_tuple_to_list(el) for el in node]
                elif isinstance(node, dict):
                    return {k: _tuple_to_list(v) for k, v in node.items()}
                return node

            async def write_state(get_state, f):
                def writer(state, f):
                    yaml.dump(_tuple_to_list(state), f)

                state = await get_state()
                await asyncio.to_thread(writer, state, f)
            """
        ),
        Valid(
            """
            def count(loop, n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            async def main(loop, executor):
                return await loop.run_in_executor(executor, count, 10**7)
            """
        ),
        # A log line in every round is the loop's work; the mapped function does I/O.
        Valid(
            """
            import asyncio
            import logging
            import threading

            log = logging.getLogger("audit")

            def audit(n):
                for i in range(n):
                    log.info("entry %d: %d", i, i * i)

            def fetch(path):
                with open(path) as f:
                    return len(f.read()) * 2

            async def main(paths):
                threading.Thread(target=audit, args=(10**6,)).start()
                return await asyncio.to_thread(list, map(fetch, paths))
            """
        ),
        # Iterating a cursor fetches rows from the database as the loop goes.
        Valid(
            """
            import threading

            def tally(cursor):
                total = 0.0
                for row in cursor:
                    for value in row:
                        total += value * 0.5
                return total

            def start(connection):
                threading.Thread(target=tally, args=(connection.cursor(),)).start()
            """
        ),
        # Arrays set up before a loop over their rows: each round is a vector operation in
        # numpy, which may release the GIL on long rows.
        Valid(
            """
            import threading
            import numpy as np

            def energy(frames, gain):
                stack = np.stack(frames)
                total = 0
                for frame in stack:
                    total += frame * gain
                return total

            threading.Thread(target=energy, args=([], 2.0)).start()
            """
        ),
        # A project helper that hands its callable to a process pool, or calls it itself.
        Valid(
            """
            import asyncio
            from concurrent.futures import ProcessPoolExecutor

            class Helpers:
                def __init__(self):
                    self._processes = ProcessPoolExecutor(max_workers=4)

                async def run_cpu(self, callback, *args):
                    loop = asyncio.get_running_loop()
                    return await loop.run_in_executor(self._processes, callback, *args)

                def run_here(self, callback, *args):
                    return callback(*args)

            def collatz_steps(n):
                steps = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    steps += 1
                return steps

            helpers = Helpers()

            async def handle(n):
                helpers.run_here(collatz_steps, n)
                return await helpers.run_cpu(collatz_steps, n)
            """
        ),
        # Each blob hashed whole, its digest summed: hashlib releases the GIL on large blobs.
        Valid(
            """
            import hashlib
            import threading

            def fingerprint(blobs):
                total = 0
                for blob in blobs:
                    digest = hashlib.sha256(blob).digest()
                    for i in range(len(digest)):
                        total += digest[i]
                return total

            threading.Thread(target=fingerprint, args=([b"x"],)).start()
            """
        ),
        # Near misses of the Bloom filter below: a helper called per row that only sums what
        # it iterates (its items may come from a file), and a range() loop whose stores use
        # keys built by `+` or positions it reads: no computation per round.
        Valid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def row_total(row):
                total = 0
                for value in row:
                    total += value * 2
                return total

            def totals(rows, n):
                names = {}
                picked = [0] * n
                for i in range(n):
                    names["row" + str(i)] = i
                    picked[i] = rows[i * 2]
                return [row_total(row) for row in rows], names, picked

            with ThreadPoolExecutor() as pool:
                pool.submit(totals, [], 0)
            """
        ),
        # A power per element, but the scan stops at the first match; and one that only
        # formats text.
        Valid(
            """
            import asyncio

            def first_outlier(values, limit):
                found = None
                for value in values:
                    if value ** 2 > limit:
                        found = value
                        break
                return found

            def labels(values):
                names = []
                for value in values:
                    names.append(f"{value ** 2:.3f}")
                return names

            async def main(values):
                await asyncio.to_thread(first_outlier, values, 9.0)
                return await asyncio.to_thread(labels, values)
            """
        ),
        # nevergrad's `minimize` without an executor, or with a process pool, runs nothing
        # on a thread.
        Valid(
            """
            from concurrent import futures
            import nevergrad as ng

            def square(x):
                total = 0
                for k in range(4_000_000):
                    total += k * k
                return total * x

            if __name__ == "__main__":
                optimizer = ng.optimizers.NGOpt(parametrization=2, budget=100)
                optimizer.minimize(square)
                optimizer.minimize(square, executor=None)
                with futures.ProcessPoolExecutor() as executor:
                    optimizer.minimize(square, executor=executor)
            """
        ),
        # A backtest over data given by the caller: the same `cerebro.run()` trades live
        # when that is a store's feed, waiting on the network, where a thread is right.
        Valid(
            """
            import threading
            import backtrader as bt

            def trade(strategy, data):
                cerebro = bt.Cerebro()
                cerebro.adddata(data)
                cerebro.addstrategy(strategy)
                cerebro.run()

            def start(strategy, store):
                data = store.getdata(dataname="EUR.USD-CASH-IDEALPRO")
                threading.Thread(target=trade, args=(strategy, data)).start()
            """
        ),
        # A backtest whose report is then written to a file: the target also does I/O.
        Valid(
            """
            import asyncio
            import backtrader as bt

            def backtest(strategy, frame, path):
                cerebro = bt.Cerebro()
                cerebro.adddata(bt.feeds.PandasData(dataname=frame))
                cerebro.addstrategy(strategy)
                results = cerebro.run()
                with open(path, "w") as report:
                    report.write(str(results[0].analyzers.returns.get_analysis()))

            async def main(strategy, frame):
                await asyncio.to_thread(backtest, strategy, frame, "report.txt")
            """
        ),
        # signalrcore: each round receives a frame through a method the base class leaves
        # to its subclasses (a stub here); theirs read a blocking socket, so no round spins.
        Valid(_SOCKET_CLIENT.format(receive="raise NotImplementedError()")),
        # One RLP encoding of one value: no loop, nothing that grows.
        Valid(
            """
            import rlp
            from concurrent.futures import ThreadPoolExecutor

            def encode_header(header):
                return rlp.encode(header)

            ThreadPoolExecutor().submit(encode_header, [b"parent", 1])
            """
        ),
    )
    INVALID = (
        # The same threads outside a test: the counting holds the GIL.
        Invalid(
            _RACING_COUNTERS.format(caller="count_concurrently"),
            line=12,
            message_contains=("`count_concurrently.<locals>.record` is CPU-bound",),
        ),
        # A timer thread that sleeps only while roasting spins in every other state.
        Invalid(
            """
            import threading, time

            class Roaster:
                def __init__(self):
                    self.state = "idle"
                    self.teardown = False
                    self.elapsed = 0
                    self.thread = threading.Thread(target=self.timer)

                def roasting(self):
                    return self.state in ("roasting", "cooling")

                def timer(self):
                    while not self.teardown:
                        busy = self.roasting()
                        if busy:
                            time.sleep(1)
                            self.elapsed += 1
            """,
            line=8,
            message_contains=(
                "`Roaster.timer` busy-waits",
                "the loop at line 14 spins without sleeping or waiting when `busy` is false",
            ),
        ),
        # The same client whose receiver reads what another thread left: a round with no
        # message goes round again at once.
        Invalid(
            _SOCKET_CLIENT.format(receive="return self.latest"),
            line=6,
            message_contains=("the loop at line 9 spins without sleeping or waiting when",),
        ),
        # A non-blocking poll that goes round again at once when the queue is empty.
        Invalid(
            """
            import queue, threading

            def consume(jobs: queue.Queue, stop: threading.Event):
                while not stop.is_set():
                    try:
                        job = jobs.get_nowait()
                    except queue.Empty:
                        continue
                    job.run()

            threading.Thread(target=consume, args=(queue.Queue(), threading.Event())).start()
            """,
            line=11,
            message_contains=("the loop at line 4 spins without sleeping or waiting when `queue.Empty` is raised",),
        ),
        # backtrader runs a backtest in Python: threads run the backtests one at a time.
        Invalid(
            """
            import asyncio
            import backtrader as bt

            def backtest(strategy, frame):
                cerebro = bt.Cerebro()
                cerebro.adddata(bt.feeds.PandasData(dataname=frame))
                cerebro.addstrategy(strategy)
                cerebro.broker.setcash(100_000)
                results = cerebro.run()
                return results[0].analyzers.returns.get_analysis()

            async def score(strategies, frame):
                return await asyncio.gather(*(asyncio.to_thread(backtest, s, frame) for s in strategies))
            """,
            line=13,
            message_contains=("`backtest` is CPU-bound", "backtrader.Cerebro.run() (a backtest in pure Python) at line 9"),
        ),
        # py-trie and pyrlp encode and hash in Python, item by item (py-evm's trie roots).
        Invalid(
            """
            import asyncio
            import rlp
            from trie import HexaryTrie

            def trie_root(items):
                trie = HexaryTrie({})
                for index, item in enumerate(items):
                    trie[rlp.encode(index)] = rlp.encode(item)
                return trie.root_hash

            async def roots(blocks):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, list, map(trie_root, blocks))
            """,
            line=13,
            message_contains=("rlp.encode() on each element (RLP encoding in Python) at line 7",),
        ),
        # SymPy is written in Python: simplification holds the GIL throughout.
        Invalid(
            """
            import sympy
            from concurrent.futures import ThreadPoolExecutor

            def simplest(text):
                return str(sympy.simplify(sympy.sympify(text)))

            with ThreadPoolExecutor() as pool:
                forms = list(pool.map(simplest, ["sin(x)**2 + cos(x)**2"]))
            """,
            line=8,
            message_contains=("sympy.simplify() (symbolic simplification in pure Python) at line 5",),
            fixed="""
            import sympy
            from concurrent.futures import ProcessPoolExecutor

            def simplest(text):
                return str(sympy.simplify(sympy.sympify(text)))

            with ProcessPoolExecutor() as pool:
                forms = list(pool.map(simplest, ["sin(x)**2 + cos(x)**2"]))
            """,
        ),
        # A helper of the project that hands the function it is given to a thread pool.
        Invalid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            class Helpers:
                def __init__(self):
                    self._cpu_executor = ThreadPoolExecutor(max_workers=8)

                async def run_cpu(self, callback, *args):
                    loop = asyncio.get_running_loop()
                    return await loop.run_in_executor(self._cpu_executor, callback, *args)

            def collatz_steps(n):
                steps = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    steps += 1
                return steps

            helpers = Helpers()

            async def handle(n):
                return await helpers.run_cpu(collatz_steps, n)
            """,
            line=22,
            message_contains=("`collatz_steps` is CPU-bound", "not through `Helpers.run_cpu`"),
        ),
        # A short hash per token, then its bits walked in Python: the hashing holds the GIL
        # (hashlib releases it only on inputs over 2 KB), the bit loop is the work.
        Invalid(
            """
            import hashlib
            import threading

            def simhash(tokens, width):
                vector = [0] * width
                for token in tokens:
                    h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
                    for bit in range(width):
                        vector[bit] += 1 if (h >> bit) & 1 else -1
                return vector

            threading.Thread(target=simhash, args=(["a", "b"], 64)).start()
            """,
            line=12,
            message_contains=("`simhash` is CPU-bound", "nested loop at line 6"),
        ),
        # A Bloom filter: two short HMACs per n-gram (hmac releases the GIL only on inputs over
        # 2 KB), then `k` bit positions computed in Python; the encoder is called per record,
        # and iterating the n-grams it is given does not excuse the counting over `range(k)`.
        Invalid(
            """
            import hmac
            from concurrent.futures import ThreadPoolExecutor
            from hashlib import md5, sha1

            def encode(tokens, key1, key2, k, size):
                bits = [0] * size
                for token in tokens:
                    h1 = int(hmac.new(key1, token.encode(), sha1).hexdigest(), 16)
                    h2 = int(hmac.new(key2, token.encode(), md5).hexdigest(), 16)
                    for i in range(k):
                        bits[(h1 + i * h2) % size] = 1
                return bits

            def encode_chunk(records, keys, k=30, size=1024):
                return [encode([r[i:i + 2] for i in range(len(r) - 1)], keys[0], keys[1], k, size) for r in records]

            def encode_all(records, keys):
                with ThreadPoolExecutor() as pool:
                    return list(pool.submit(encode_chunk, records[i:i + 100], keys) for i in range(0, len(records), 100))
            """,
            line=19,
            message_contains=("`encode_chunk` is CPU-bound", "encode_chunk -> encode: nested loop at line 7"),
            fixed="""
            import hmac
            from concurrent.futures import ProcessPoolExecutor
            from hashlib import md5, sha1

            def encode(tokens, key1, key2, k, size):
                bits = [0] * size
                for token in tokens:
                    h1 = int(hmac.new(key1, token.encode(), sha1).hexdigest(), 16)
                    h2 = int(hmac.new(key2, token.encode(), md5).hexdigest(), 16)
                    for i in range(k):
                        bits[(h1 + i * h2) % size] = 1
                return bits

            def encode_chunk(records, keys, k=30, size=1024):
                return [encode([r[i:i + 2] for i in range(len(r) - 1)], keys[0], keys[1], k, size) for r in records]

            def encode_all(records, keys):
                with ProcessPoolExecutor() as pool:
                    return list(pool.submit(encode_chunk, records[i:i + 100], keys) for i in range(0, len(records), 100))
            """,
        ),
        # A power and a logarithm per element: floating-point work that grows with the data,
        # whatever the object iterated turns out to be.
        Invalid(
            """
            import asyncio
            import math

            def light_curve_points(observations):
                points = []
                for obs in observations:
                    flux = 10 ** (-0.4 * (obs["mag"] - 23.9))
                    flux_err = flux * obs["magerr"] * math.log(10) / 2.5
                    points.append({"mjd": obs["mjd"] - 58000.0, "flux": flux, "flux_err": flux_err})
                return points

            async def plot_data(observations):
                return await asyncio.to_thread(light_curve_points, observations)
            """,
            line=13,
            message_contains=("floating-point arithmetic on each element at line 6",),
        ),
        # Arrays allocated once before the loops do not make them release the GIL: the
        # nested loops over atom pairs run in Python (a bound method as the target).
        Invalid(
            """
            import threading
            import numpy as np

            class LennardJones:
                def poll(self, request):
                    threading.Thread(target=self.evaluate, args=[request]).start()

                def evaluate(self, request):
                    q = request["pos"].reshape((len(request["pos"]) // 3, 3))
                    forces = np.zeros(q.shape)
                    nat = len(q)
                    v = 0.0
                    for i in range(nat):
                        for j in range(i):
                            rij2 = sum((q[i][k] - q[j][k]) ** 2 for k in range(3))
                            v += rij2 ** -6 - rij2 ** -3
                    request["result"] = v, forces
            """,
            line=6,
            message_contains=("`LennardJones.evaluate` is CPU-bound", "nested loop at line 13"),
        ),
        # nevergrad's optimizers run the objective on the executor they are given.
        Invalid(
            """
            from concurrent import futures
            import nevergrad as ng

            def square(x):
                total = 0
                for k in range(4_000_000):
                    total += k * k
                return total * x

            optimizer = ng.optimizers.NGOpt(parametrization=2, budget=100, num_workers=4)
            with futures.ThreadPoolExecutor(max_workers=optimizer.num_workers) as executor:
                optimizer.minimize(square, executor=executor, batch_mode=False)
            """,
            line=12,
            message_contains=("`square` is CPU-bound", "ProcessPoolExecutor` as `executor`"),
        ),
        # Progress logged now and then, and a result printed once, do not make it I/O-bound.
        Invalid(
            """
            import logging
            import threading

            logger = logging.getLogger(__name__)

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                    if i % 1_000_000 == 0:
                        logger.debug("round %d", i)
                logging.info("done")
                print("total", total)
                return total

            threading.Thread(target=crunch, args=(10**7,)).start()
            """,
            line=16,
            message_contains=("`crunch` is CPU-bound", "loop over range() doing arithmetic at line 8"),
        ),
        # The thread runs `count` once per element of the lazy map or generator.
        Invalid(
            """
            import asyncio

            def count(n):
                steps = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    steps += 1
                return steps

            async def main(ns):
                loop = asyncio.get_running_loop()
                each = await loop.run_in_executor(None, list, map(count, ns))
                total = await asyncio.to_thread(sum, (count(n) for n in ns))
                return each, total
            """,
            line=12,
            count=2,
            message_contains=("`count` is CPU-bound", "process pool's `map`"),
        ),
        Invalid(
            """
            import threading

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            threading.Thread(target=crunch, args=(10**7,)).start()
            """,
            line=9,
            column=1,
            message_contains=("`crunch` is CPU-bound", "loop over range() doing arithmetic at line 5", "pickles as it is"),
        ),
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def count_pairs(points):
                close = 0
                for a in points:
                    for b in points:
                        if abs(a - b) < 1:
                            close += 1
                return close

            with ThreadPoolExecutor(max_workers=4) as pool:
                futures = [pool.submit(count_pairs, chunk) for chunk in [[1.0], [2.0]]]
            """,
            line=12,
            message_contains=("nested loop at line 5", "ProcessPoolExecutor"),
            fixed="""
            from concurrent.futures import ProcessPoolExecutor

            def count_pairs(points):
                close = 0
                for a in points:
                    for b in points:
                        if abs(a - b) < 1:
                            close += 1
                return close

            with ProcessPoolExecutor(max_workers=4) as pool:
                futures = [pool.submit(count_pairs, chunk) for chunk in [[1.0], [2.0]]]
            """,
        ),
        # Every function the pool runs is CPU-bound: the swap applies, and both findings share it.
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def count_primes(limit):
                found = 0
                for n in range(2, limit):
                    if all(n % d for d in range(2, int(n ** 0.5) + 1)):
                        found += 1
                return found

            def collatz_steps(n):
                steps = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    steps += 1
                return steps

            if __name__ == "__main__":
                with ThreadPoolExecutor() as pool:
                    primes = pool.submit(count_primes, 20000)
                    steps = list(pool.map(collatz_steps, range(1, 1000)))
                print(primes.result(), sum(steps))
            """,
            line=19,
            count=2,
            message_contains=("`count_primes` is CPU-bound",),
            fixed="""
            from concurrent.futures import ProcessPoolExecutor

            def count_primes(limit):
                found = 0
                for n in range(2, limit):
                    if all(n % d for d in range(2, int(n ** 0.5) + 1)):
                        found += 1
                return found

            def collatz_steps(n):
                steps = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    steps += 1
                return steps

            if __name__ == "__main__":
                with ProcessPoolExecutor() as pool:
                    primes = pool.submit(count_primes, 20000)
                    steps = list(pool.map(collatz_steps, range(1, 1000)))
                print(primes.result(), sum(steps))
            """,
        ),
        # The same pool also reads a file: reported, but no swap, which would move the I/O
        # to a process as well (give the CPU-bound work a process pool of its own instead).
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def checksum(data):
                total = 0
                for byte in data:
                    for shift in range(8):
                        total = (total * 31 + (byte >> shift)) % 65521
                return total

            def read_config(path):
                with open(path, encoding="utf-8") as f:
                    return f.read()

            def main(blob):
                with ThreadPoolExecutor() as pool:
                    config = pool.submit(read_config, "settings.ini")
                    total = pool.submit(checksum, blob)
                return config.result(), total.result()
            """,
            line=17,
            message_contains=("`checksum` is CPU-bound", "ProcessPoolExecutor"),
        ),
        Invalid(
            """
            import asyncio

            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)

            async def main():
                return await asyncio.to_thread(fib, 32)
            """,
            line=7,
            message_contains=("recursion at line 4", "run_in_executor(process_pool"),
        ),
        Invalid(
            """
            import asyncio

            def collatz_steps(n):
                steps = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    steps += 1
                return steps

            async def main(loop: asyncio.AbstractEventLoop):
                return await loop.run_in_executor(None, collatz_steps, 27)
            """,
            line=11,
            message_contains=("while loop updating numbers at line 5",),
        ),
        Invalid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            executor = ThreadPoolExecutor()

            def squares(n):
                return sum([i * i for i in range(n)])

            async def main():
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(executor, squares, 10**6)
            """,
            line=11,
            message_contains=("numeric comprehension over range() at line 7",),
        ),
        Invalid(
            """
            import threading

            class Simulation:
                def start(self):
                    threading.Thread(target=self.step).start()

                def step(self):
                    energy = 0.0
                    for i in range(100000):
                        energy += i ** 0.5
                    self.energy = energy
            """,
            line=5,
            message_contains=("`Simulation.step` is CPU-bound", "pickles together with its instance"),
        ),
        Invalid(
            """
            import functools, threading

            def power_sum(n, exponent):
                return sum(i ** exponent for i in range(n))

            threading.Thread(target=functools.partial(power_sum, 10**6, 3)).start()
            """,
            line=6,
            message_contains=("numeric comprehension over range() at line 4", "functools.partial"),
        ),
        Invalid(
            """
            import threading

            def primes(limit):
                return [n for n in range(2, limit) if all(n % d for d in range(2, n))]

            threading.Thread(target=lambda: primes(10**5)).start()
            """,
            line=6,
            message_contains=("nested loop at line 4", "not a lambda"),
        ),
        Invalid(
            """
            import threading

            def worker(n):
                data = build(n)
                return checksum(data)

            def build(n):
                return [i * 7 % 256 for i in range(n)]

            def checksum(data):
                total = 0
                for byte in data:
                    total = (total * 31 + byte) % 65521
                return total

            threading.Thread(target=worker, args=(10**6,)).start()
            """,
            line=16,
            message_contains=("worker -> build: numeric comprehension over range() at line 8",),
        ),
        Invalid(
            """
            from multiprocessing.pool import ThreadPool

            def mandelbrot(c):
                z, n = 0j, 0
                while abs(z) <= 2 and n < 256:
                    z = z * z + c
                    n += 1
                return n

            with ThreadPool(8) as pool:
                pool.map(mandelbrot, [complex(x, 0) for x in range(100)])
            """,
            line=11,
            message_contains=("multiprocessing.Pool",),
        ),
        Invalid(
            """
            from multiprocessing.dummy import Pool

            def crunch(n):
                return sum(i * i for i in range(n))

            pool = Pool(4)
            pool.apply_async(crunch, (10**6,))
            """,
            line=7,
        ),
        Invalid(
            """
            import anyio

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            async def main():
                await anyio.to_thread.run_sync(crunch, 10**7)
            """,
            line=10,
            message_contains=("anyio.to_process.run_sync",),
        ),
        Invalid(
            """
            import trio

            def crunch(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            async def main():
                await trio.to_thread.run_sync(crunch, 10**7)
            """,
            line=10,
            message_contains=("trio_parallel",),
        ),
        Invalid(
            """
            import threading

            def main():
                def crunch(n):
                    total = 0
                    for i in range(n):
                        total += i * i
                    return total

                threading.Thread(target=crunch, args=(10**7,)).start()
            """,
            line=10,
            message_contains=("cannot be pickled",),
        ),
        Invalid(
            """
            def monte_carlo_pi(trials, seed):
                inside, x = 0, seed
                for _ in range(trials):
                    x = (x * 1103515245 + 12345) % 2**31
                    y = (x * 1103515245 + 12345) % 2**31
                    if x * x + y * y <= 2**62:
                        inside += 1
                return 4 * inside / trials

            async def estimate(loop):
                return await loop.run_in_executor(None, monte_carlo_pi, 10**7, 42)
            """,
            line=11,
            message_contains=("`monte_carlo_pi` is CPU-bound", "loop over range() doing arithmetic at line 3"),
        ),
        Invalid(
            """
            import json, threading

            def decode_lines(text):
                return [json.loads(line) for line in text.splitlines()]

            threading.Timer(1.0, decode_lines, args=("",)).start()
            """,
            line=6,
            message_contains=("json.loads() in a loop at line 4",),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._sites: list[tuple[DispatchSite, cst.Call, cst.CSTNode | None, PoolSwap | None]] = []
        # Calls of functions of the module or the project that may hand a function they are
        # passed to a thread (known once every function is summarised): (callee, whether it
        # is of another module, call, statement).
        self._forwarding: list[tuple[str, bool, cst.Call, cst.CSTNode | None]] = []
        # Dispatches made inside a test, whose threads race rather than speed things up.
        self._in_tests: set[cst.Call] = set()

    def visit_Call(self, node: cst.Call) -> None:
        site = thread_dispatch(self.facts, node)
        if site is not None:
            # The swap depends on the scope of the call: planned now, judged once every
            # function is summarised, used if the call is reported.
            swap = process_pool_fix(self.facts, node) if site.api.qualname in POOL_DISPATCH else None
            self._sites.append((site, node, self.facts.current_statement, swap))
        elif any(_function_value(self.facts, arg.value) for arg in node.args):
            callee = _project_callee(self.facts, node.func)
            if callee is None:
                return
            self._forwarding.append((*callee, node, self.facts.current_statement))
        else:
            return
        if _in_test(self.facts.scope):
            self._in_tests.add(node)

    def leave_Module(self, node: cst.Module) -> None:
        summaries = self.facts.summaries
        assert summaries is not None
        for callee, external, call, statement in self._forwarding:
            if not _may_pass_cpu_work(self.facts, summaries, call):
                continue  # what it passes is known not to be CPU-bound: the callee need not be read
            site = _forwarded(self.facts, summaries, callee, external, call)
            if site is not None:
                self._sites.append((site, call, statement, None))
        judged_sites = [
            (site, call, statement, swap, _judge(self.facts, summaries, site))
            for site, call, statement, swap in self._sites
        ]
        # The dispatches that could go to a process pool by themselves: the swap of a pool
        # needs every `submit`/`map` of it among them, or it would move I/O-bound or
        # unknown work off its thread as well.
        movable = {
            call for site, call, _, _, judged in judged_sites if judged is not None and _movable(self.facts, site, judged)
        }
        for site, call, statement, swap, judged in judged_sites:
            if judged is None:
                continue
            function, target, why, method, spin = judged
            if spin:
                self._report_spin(call, target, why, statement)
                continue
            if call in self._in_tests:
                continue  # racing threads on purpose
            template = self.MESSAGE
            self.report(
                call,
                lambda line_of, target=target, why=why: template.format(target=target, why=why(line_of)),
                suggestion=f"Run it in processes instead: {site.api.remedy}; "
                f"{_pickling(site, target, function.picklable, method)}.",
                statement=statement,
                fix=_swap_plan(swap, call, movable),
            )


    def _report_spin(self, call: cst.Call, target: str, why: Callable[[LineOf], str], statement: cst.CSTNode | None) -> None:
        """A target that busy-waits: no process pool helps, waiting does; no fix."""
        template = self.SPIN_MESSAGE
        self.report(
            call,
            lambda line_of: template.format(target=target, why=why(line_of)),
            suggestion=SPIN_REMEDY,
            statement=statement,
        )


# What a dispatch target is: its summary, its name as shown, why it is CPU-bound or spins
# (once lines are known), whether it is a method, and whether it busy-waits (SpinVerdict).
Judged = tuple[FunctionSummary, str, Callable[[LineOf], str], bool, bool]


def _in_test(scope: Scope | None) -> bool:
    """Inside a function or method named `test...` (pytest's and unittest's tests), however
    deeply nested."""
    while scope is not None:
        if scope.kind == "function" and scope.qualname.rpartition(".")[2].startswith("test"):
            return True
        scope = scope.parent
    return False


def _judge(facts: FileFacts, summaries: SummaryCollector, site: DispatchSite) -> Judged | None:
    """Whether the target of `site` is CPU-bound (what it is, and why), as this rule reports
    it: by this module's summaries, or the project index for an imported target; None when
    it is not known to be (I/O-bound, GIL-releasing, unknown)."""
    return _imported(facts, site) if site.external else _local(summaries, site)


def _movable(facts: FileFacts, site: DispatchSite, judged: Judged) -> bool:
    """A CPU-bound target the fix may send to a process pool: a module-level function of this
    module (a method would need its instance pickled, a nested function cannot be), or of
    another module of the project that a worker can import (`imported_target_moves`)."""
    function, _, _, method, spin = judged
    external = site.external and not imported_target_moves(facts.project, function)
    return function.picklable and not method and not external and site.wrapper not in LAZY_WRAPPERS and not spin


def _swap_plan(swap: PoolSwap | None, call: cst.Call, movable: set[cst.Call]) -> FixPlan | None:
    """The plan of the swap planned at `call`, when its target and every other function the
    pool runs is CPU-bound and movable: one I/O-bound or unknown task keeps the thread pool."""
    if swap is None or call not in movable or not movable.issuperset(swap.dispatches):
        return None
    return swap.plan


def _local(summaries: SummaryCollector, site: DispatchSite) -> Judged | None:
    function = summaries.summary.function(site.target)
    verdict = summaries.cpu_bound(site.target) or summaries.summary.spin_wait(site.target)
    if function is None or verdict is None:
        return None
    return function, function.qualname, summaries.explanation(verdict), "." in function.qualname, isinstance(verdict, SpinVerdict)


def _imported(facts: FileFacts, site: DispatchSite) -> Judged | None:
    """A target imported from another module of the project, judged by the project index."""
    if facts.project is None:
        return None
    names = name_space(facts)
    function = names.lookup(site.target)
    verdict = cpu_bound(names.lookup, site.target) or spin_wait(names.lookup, site.target)
    if function is None or verdict is None:
        return None
    project = facts.project
    spin = isinstance(verdict, SpinVerdict)

    def why(line_of: LineOf) -> str:
        line = project.line(verdict.function, "spins" if spin else "cpu_evidence", verdict.index)
        return f"{verdict.explain(line)} of {project.where(verdict.function)}"

    return function, site.target, why, project.is_method(site.target), spin


def _function_value(facts: FileFacts, value: cst.BaseExpression) -> bool:
    """`value` names a function of this module or of the project (not a library's): only a
    call passing one may forward it to a thread, and only those calls are looked into."""
    if not isinstance(value, (cst.Name, cst.Attribute)):
        return False
    symbol = facts.resolve(value)
    if symbol is None or symbol.instance:
        return False
    if symbol.local:
        return isinstance(symbol.node, cst.FunctionDef)
    return not is_library_name(symbol.qualname) and not symbol.qualname.startswith("builtins.")


def _project_callee(facts: FileFacts, func: cst.BaseExpression) -> tuple[str, bool] | None:
    """The function `func` names, when it is of this module (`run_cpu`, `self.run_cpu`) or
    may be of the project (`self.helpers.run_cpu` of an imported class), and whether it is
    of another module; None for libraries, builtins, objects and what does not resolve."""
    if not isinstance(func, (cst.Name, cst.Attribute)):
        return None
    symbol = facts.resolve(func)
    if symbol is None or symbol.instance:
        return None
    if symbol.local:
        # A method reached through an instance (`helpers.run_cpu`) resolves without its node.
        return (symbol.qualname, False) if symbol.node is None or isinstance(symbol.node, cst.FunctionDef) else None
    if is_library_name(symbol.qualname) or symbol.qualname.startswith("builtins."):
        return None
    return (symbol.qualname, True) if facts.project is not None else None


def _forwarded(facts: FileFacts, summaries: SummaryCollector, callee: str, external: bool, call: cst.Call) -> DispatchSite | None:
    """The dispatch `call` makes through `callee`, a function that hands one of its own
    parameters to a thread (FunctionSummary.thread_parameters): the function passed there."""
    if external and _defined_without_dispatch(facts, callee):
        return None  # not summarized for nothing
    function = name_space(facts).lookup(callee) if external else summaries.summary.function(callee)
    if function is None or not function.thread_parameters or function.params is None:
        return None
    # Called as `obj.method(f)` or `self.method(f)`, a method's receiver is not an argument.
    names = [param.name for param in function.params][1 if function.method else 0 :]
    kinds = [param.kind for param in function.params][1 if function.method else 0 :]
    shown = ".".join(callee.rsplit(".", 2)[-2:]) if function.method else callee.rpartition(".")[2]
    for name in function.thread_parameters:
        if name not in names:
            continue
        index = names.index(name)
        api = ThreadDispatch(
            callee,
            index if kinds[index] in (POSITIONAL, POSITIONAL_ONLY) else None,
            name,
            f"not through `{shown}`, which hands it to a thread pool, but through a "
            "`concurrent.futures.ProcessPoolExecutor` (`await loop.run_in_executor(process_pool, ...)`)",
        )
        site = forwarded_dispatch(facts, call, api)
        if site is not None:
            return site
    return None


def _may_pass_cpu_work(facts: FileFacts, summaries: SummaryCollector, call: cst.Call) -> bool:
    """Whether a function `call` passes may be CPU-bound: a function of this module that is
    (this module's summaries say), or one of another module of the project (judged later
    through the index). Most calls passing a function pass a callback that is not."""
    for argument in call.args:
        if not _function_value(facts, argument.value):
            continue
        symbol = facts.resolve(argument.value)
        if symbol is None or not symbol.local or summaries.cpu_bound(symbol.qualname) is not None:
            return True
        if summaries.summary.spin_wait(symbol.qualname) is not None:
            return True
    return False


def _defined_without_dispatch(facts: FileFacts, callee: str) -> bool:
    """Whether the project module defining `callee` (its text holds `def <name>`, so not a
    re-export) names no thread dispatch API, so that none of its functions hands a parameter
    to a thread: read off the file's text, before the index summarizes it."""
    project = facts.project
    if project is None:
        return False
    definition = b"def " + callee.rpartition(".")[2].encode()
    return project.module_mentions(callee, (definition,)) and not project.module_mentions(callee, THREAD_DISPATCH_TOKENS)


def _pickling(site: DispatchSite, target: str, picklable: bool, method: bool) -> str:
    if not picklable:
        return f"`{target}` is a nested function, which cannot be pickled: move it to module level first"
    kind = "a method: it pickles together with its instance, which must be picklable too" if method else (
        "a module-level function, so it pickles as it is"
    )
    if site.wrapper == "lambda":
        return f"submit `{target}` itself, not a lambda (lambdas cannot be pickled); `{target}` is {kind}"
    if site.wrapper in LAZY_WRAPPERS:
        return f"give `{target}` and the elements to the process pool's `map`, not a lazy iterable; `{target}` is {kind}"
    if site.wrapper == "partial":
        return f"`functools.partial` pickles when its function does, and `{target}` is {kind}"
    return f"`{target}` is {kind}"
