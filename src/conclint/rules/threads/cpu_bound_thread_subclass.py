"""CCL203: a `threading.Thread` subclass whose `run` is CPU-bound."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from conclint.analysis.facts import FileFacts
from conclint.analysis.summary_collector import LineOf
from conclint.core.settings import Settings
from conclint.knowledge.polling import SPIN_REMEDY
from conclint.knowledge.threads import THREAD_CLASSES
from conclint.rules.base import Invalid, Rule, Valid


class CpuBoundThreadSubclass(Rule):
    """
    ## What it does
    Finds a subclass of `threading.Thread` (directly or through classes of the same module)
    whose `run` method does pure-Python computation, judged like the targets of CCL201:
    loops over a `range()` doing arithmetic, nested loops, `while` loops updating numbers,
    recursion or numeric comprehensions, in `run` or in the functions and methods of the
    module it calls, with no I/O, waiting, GIL-releasing call, or unknown call in a loop.
    The finding points at `def run`.

    It also finds a `run` that busy-waits, judged like a CCL201 target: a `while` loop (in
    `run` or a function it calls) with a path through one round that neither sleeps nor
    waits and changes nothing, every call on it known to return at once.

    ## Why is this bad?
    Starting several such threads does not use several cores: under CPython's global
    interpreter lock only one of them runs Python at a time, and they slow each other down
    (and every other thread of the process) fighting over the lock. A thread that
    busy-waits takes the lock back after every switch interval to look at its state again,
    slowing down the thread it waits for.

    ## Example
    ```python
    import threading

    class Worker(threading.Thread):
        def __init__(self, n):
            super().__init__()
            self.n = n

        def run(self):
            self.total = sum(i * i for i in range(self.n))
    ```

    ## Use instead
    ```python
    import multiprocessing

    class Worker(multiprocessing.Process):
        def __init__(self, n, results):
            super().__init__()
            self.n, self.results = n, results

        def run(self):
            self.results.put(sum(i * i for i in range(self.n)))
    ```
    A `multiprocessing.Process` subclass has the same `start`/`run`/`join` API, but its
    instance is pickled to the child under the spawn start method, and attributes it sets in
    `run` stay in the child: send results back through a queue or a pipe. A
    `ProcessPoolExecutor` with a module-level function is often simpler.

    ## Fix safety
    No automatic fix: results must travel back through a queue, and the start needs the
    `if __name__ == "__main__":` guard (CCL3xx). A busy-waiting `run` has no automatic fix
    either: it should block on a queue, an `Event` or a `Condition`, or sleep, on every path.

    ## Options
    - `free-threaded` (`--free-threaded`): on a free-threaded (no-GIL) build threads do run
      Python in parallel, so this rule is off.

    ## References
    - [threading.Thread.run](https://docs.python.org/3/library/threading.html#threading.Thread.run)
    - [multiprocessing.Process](https://docs.python.org/3/library/multiprocessing.html#the-process-class)
    - [Python glossary: global interpreter lock](https://docs.python.org/3/glossary.html#term-global-interpreter-lock)
    """

    CODE = "CCL203"
    NAME = "cpu-bound-thread-subclass"
    MESSAGE = "`{target}` is CPU-bound ({why}): this thread holds the GIL and runs no faster than the caller"
    SPIN_MESSAGE = "`{target}` busy-waits ({why}): this thread holds the GIL polling, starving the threads it waits for"
    REQUIRES_GIL = True
    USES_SUMMARIES = True
    REQUIRED_TOKENS = (b"Thread",)
    VALID = (
        Valid(
            """
            import threading

            class Watcher(threading.Thread):
                def __init__(self):
                    super().__init__(daemon=True)
                    self.pending = []
                    self.changed = threading.Condition()
                    self.stopped = False

                def run(self):
                    while not self.stopped:
                        with self.changed:
                            self.changed.wait_for(lambda: self.pending or self.stopped)
                        if self.pending:
                            print(self.pending.pop())
            """
        ),
        Valid(
            """
            import threading, time

            class Ticker(threading.Thread):
                def run(self):
                    n = 0
                    while True:
                        n += 1
                        time.sleep(1)
            """
        ),
        Valid(
            """
            import queue, threading

            class Consumer(threading.Thread):
                def __init__(self):
                    super().__init__()
                    self.inbox = queue.Queue()

                def run(self):
                    total = 0
                    while True:
                        total += self.inbox.get() * 2
            """
        ),
        Valid(
            """
            class Worker:
                def run(self):
                    total = 0
                    for i in range(10**7):
                        total += i * i
            """
        ),
        Valid(
            """
            import threading

            class Worker(threading.Thread):
                def run(self):
                    for i in range(10**7):
                        self.total = i * i
            """,
            settings={"free_threaded": True},
        ),
        Valid(
            """
            import threading
            import urllib.request

            class Downloader(threading.Thread):
                def __init__(self, urls):
                    super().__init__()
                    self.urls = urls

                def run(self):
                    for index in range(len(self.urls)):
                        urllib.request.urlopen(self.urls[index]).read()
            """
        ),
    )
    INVALID = (
        # Polls a flag another thread sets, without ever waiting.
        Invalid(
            """
            import threading

            class Watcher(threading.Thread):
                def __init__(self):
                    super().__init__(daemon=True)
                    self.pending = []
                    self.stopped = False

                def run(self):
                    while not self.stopped:
                        if not self.pending:
                            continue
                        self.handle(self.pending.pop())

                def handle(self, item):
                    print(item)
            """,
            line=9,
            message_contains=("`Watcher.run` busy-waits", "spins without sleeping or waiting when `not self.pending` is true"),
        ),
        Invalid(
            """
            import threading

            class Worker(threading.Thread):
                def __init__(self, n):
                    super().__init__()
                    self.n = n

                def run(self):
                    self.total = sum(i * i for i in range(self.n))
            """,
            line=8,
            column=9,
            message_contains=("`Worker.run` is CPU-bound", "numeric comprehension over range() at line 9", "multiprocessing.Process"),
        ),
        Invalid(
            """
            from threading import Thread

            class Base(Thread):
                pass

            class Solver(Base):
                def run(self):
                    self.result = self.solve(30)

                def solve(self, n):
                    return n if n < 2 else self.solve(n - 1) + self.solve(n - 2)
            """,
            line=7,
            message_contains=("Solver.run -> Solver.solve: recursion at line 11",),
        ),
        Invalid(
            """
            import threading as th

            class Spinner(th.Thread):
                def run(self):
                    x = 1
                    while x < 10**9:
                        x = x * 3 + 1
            """,
            line=4,
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._classes: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(self.facts.scope.child_qualname(node.name.value))

    def leave_Module(self, node: cst.Module) -> None:
        summaries = self.facts.summaries
        assert summaries is not None
        module = summaries.summary
        for name in self._classes:
            run = f"{name}.run"
            definition = summaries.function_node(run)
            if not isinstance(definition, cst.FunctionDef) or not module.is_subclass(name, THREAD_CLASSES):
                continue
            verdict = summaries.cpu_bound(run)
            spin = module.spin_wait(run) if verdict is None else None
            if spin is not None:
                self._report_spin(definition, run, summaries.explanation(spin))
            if verdict is None:
                continue
            why = summaries.explanation(verdict)
            template = self.MESSAGE
            self.report(
                definition.name,
                lambda line_of, run=run, why=why: template.format(target=run, why=why(line_of)),
                suggestion=(
                    "Subclass `multiprocessing.Process` instead (same `start`/`run`/`join` API; "
                    "send results back through a queue), or run a module-level function in a "
                    "`concurrent.futures.ProcessPoolExecutor`."
                ),
                statement=definition,
            )

    def _report_spin(self, definition: cst.FunctionDef, run: str, why: Callable[[LineOf], str]) -> None:
        """A `run` that busy-waits: waiting helps, a process does not."""
        template = self.SPIN_MESSAGE
        self.report(
            definition.name,
            lambda line_of: template.format(target=run, why=why(line_of)),
            suggestion=SPIN_REMEDY,
            statement=definition,
        )
