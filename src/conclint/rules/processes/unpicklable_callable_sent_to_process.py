"""CCL303: a lambda, nested function or local class sent to a child process."""

from __future__ import annotations

import libcst as cst

from conclint.analysis.facts import FileFacts
from conclint.analysis.pickling import process_dispatches, unpicklable
from conclint.analysis.process_parameters import ParameterDispatches
from conclint.analysis.process_literals import string_literal
from conclint.analysis.dispatch import call_argument
from conclint.analysis.scopes import last_name
from conclint.core.settings import Settings
from conclint.knowledge.processes import (
    CONSTRUCTOR_DISPATCH,
    DISPATCH_TOKENS,
    FORK,
    POOL_DISPATCH,
    RUN_IN_EXECUTOR,
    START_METHOD_SETTERS,
)
from conclint.rules.base import Invalid, Rule, Valid

SPAWN = " under the spawn start method (the default on Windows and macOS)"

# Cheap filters before any name is resolved: the method names of process pools and the
# keywords that carry a callable to a child.
_DISPATCH_METHODS = frozenset({method for methods in POOL_DISPATCH.values() for method in methods} | {RUN_IN_EXECUTOR})
_DISPATCH_KEYWORDS = frozenset({d.keyword for dispatches in CONSTRUCTOR_DISPATCH.values() for d in dispatches})
_CONSTRUCTOR_NAMES = frozenset(name.rpartition(".")[2] for name in CONSTRUCTOR_DISPATCH)
_SETTER_NAMES = frozenset(name.rpartition(".")[2] for name in START_METHOD_SETTERS)


class UnpicklableCallableSentToProcess(Rule):
    """
    ## What it does
    Finds callables that a child process cannot load, handed to an API that runs them in
    another process: `multiprocessing.Process(target=...)`, the `map`, `imap`,
    `imap_unordered`, `starmap`, `apply` methods (and their `_async` forms) of
    `multiprocessing.Pool`, `ProcessPoolExecutor.submit` / `.map`,
    `loop.run_in_executor(<a ProcessPoolExecutor>, ...)`, `torch.multiprocessing.spawn`, and
    the `initializer` of a pool, an executor or a manager's `start()`; also `submit` / `map`
    on an executor a method makes through a factory class attribute
    (`self.executor_factory()`) that the class, or a subclass of the module inheriting the
    method, sets to `ProcessPoolExecutor`, or on `self.<attr>` that a method of the class or a
    module-level statement (`bank.executor = ProcessPoolExecutor()`) sets to a process pool
    executor. Reported callables: lambdas (written inline or bound to a name), functions and
    classes defined inside another function, methods of such classes, functions and classes
    defined under `if __name__ == "__main__":`, and `functools.partial` of any of those.
    The callable may also reach the API through a function of the module that sends its
    parameter on (`def run(fn): Process(target=fn).start()` called as `run(inner)`),
    directly or through up to five such functions (`f(x)` or `self.method(x)`, by position
    or keyword); the message names them.

    Not reported: the same callables given to thread pools (`ThreadPoolExecutor`,
    `ThreadPool`, `threading.Thread`), which share memory and pickle nothing; module-level
    functions; `Process` targets of a `get_context("fork")` context, or in a module that
    selects fork with `set_start_method("fork")`; and joblib, loky, pathos and
    `multiprocess`, which pickle callables with cloudpickle or dill.

    ## Why is this bad?
    Work sent to another process is pickled, and pickle stores a function or class by
    reference: its module and qualified name, which the child imports and looks up. A lambda
    has no such name, a nested function's (`main.<locals>.work`) cannot be looked up, and a
    function defined under the `__main__` guard does not exist in a child started with spawn,
    because the child imports the main module without running the guarded block. Pool and
    executor tasks are pickled under every start method (`PicklingError`, or `AttributeError:
    Can't get attribute` in the child); a `Process` target only under spawn and forkserver,
    so code that works on Linux fails on macOS and Windows.

    ## Example
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def main(scale):
        def work(x):
            return x * scale

        with ProcessPoolExecutor() as ex:
            return list(ex.map(work, range(10)))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    def work(x, scale):
        return x * scale

    def main(scale):
        with ProcessPoolExecutor() as ex:
            return list(ex.map(partial(work, scale=scale), range(10)))
    ```

    ## Fix safety
    No automatic fix. Moving a closure to module level means passing what it captured as
    arguments, which only a person can decide.

    ## Options
    No options.

    ## References
    - [pickle: what can be pickled and unpickled](https://docs.python.org/3/library/pickle.html#what-can-be-pickled-and-unpickled)
    - [multiprocessing: programming guidelines (more picklability)](https://docs.python.org/3/library/multiprocessing.html#the-spawn-and-forkserver-start-methods)
    - [concurrent.futures.ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor)
    """

    CODE = "CCL303"
    NAME = "unpicklable-callable-sent-to-process"
    MESSAGE = "{subject} cannot be sent to a child process by {api}{when}: {reason}"
    REQUIRED_TOKENS = DISPATCH_TOKENS

    VALID = (
        # The helper runs its parameter on a thread, or is given a module-level function.
        Valid(
            """
            import threading
            from multiprocessing import Process

            def in_thread(fn):
                threading.Thread(target=fn).start()

            def in_process(fn):
                Process(target=fn).start()

            def work():
                pass

            def main():
                def report():
                    print("done")

                in_thread(report)
                in_process(work)

            if __name__ == "__main__":
                main()
            """
        ),
        Valid(
            """
            from multiprocessing import Pool

            def square(x):
                return x * x

            def main():
                with Pool() as pool:
                    return pool.map(square, range(10))

            if __name__ == "__main__":
                main()
            """
        ),
        Valid(
            """
            from concurrent.futures import ThreadPoolExecutor
            from multiprocessing.pool import ThreadPool
            import threading

            def main(scale):
                def work(x):
                    return x * scale

                with ThreadPoolExecutor() as ex:
                    list(ex.map(work, range(10)))
                    ex.submit(lambda: work(2))
                with ThreadPool() as pool:
                    pool.map(work, range(10))
                threading.Thread(target=lambda: work(1)).start()
            """
        ),
        Valid(
            """
            from concurrent.futures import ProcessPoolExecutor
            from functools import partial
            import operator

            def work(x, scale):
                return x * scale

            def main(scale):
                with ProcessPoolExecutor() as ex:
                    list(ex.map(partial(work, scale=scale), range(10)))
                    ex.submit(operator.mul, 2, 3)
                    ex.submit(print, "done")

            if __name__ == "__main__":
                main(2)
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def main():
                ctx = mp.get_context("fork")
                ctx.Process(target=lambda: print("forked")).start()

            if __name__ == "__main__":
                main()
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def main():
                mp.Process(target=lambda: print("forked")).start()

            if __name__ == "__main__":
                mp.set_start_method("fork")
                main()
            """
        ),
        Valid(
            """
            from joblib import Parallel, delayed

            def main(scale):
                return Parallel(n_jobs=4)(delayed(lambda x: x * scale)(i) for i in range(10))
            """
        ),
        Valid(
            """
            import asyncio
            from concurrent.futures import ProcessPoolExecutor

            class Worker:
                def run(self, x):
                    return x

            def crunch(x):
                return x * x

            async def main():
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, lambda: crunch(3))
                with ProcessPoolExecutor() as pool:
                    await loop.run_in_executor(pool, crunch, 3)
                    await loop.run_in_executor(pool, Worker().run, 3)
            """
        ),
        Valid(
            """
            from pathos.multiprocessing import ProcessingPool as Pool

            def compute_in_parallel(*jobs):
                with Pool() as pool:
                    return pool.map(lambda job: job(), jobs)
            """
        ),
        # The only process-pool strategy runs its own `execute`, which sends a module-level
        # function; the base class's closure only ever goes to threads.
        Valid(
            """
            from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

            def run_node(node):
                node.loop()

            class Strategy:
                executor_factory = Executor

                def execute(self, nodes):
                    executor = self.executor_factory()
                    for node in nodes:
                        def _runner():
                            node.loop()
                        executor.submit(_runner)

            class ThreadStrategy(Strategy):
                executor_factory = ThreadPoolExecutor

            class ProcessStrategy(Strategy):
                executor_factory = ProcessPoolExecutor

                def execute(self, nodes):
                    executor = self.executor_factory()
                    return [executor.submit(run_node, node) for node in nodes]
            """
        ),
        # The executor attribute only ever holds threads.
        Valid(
            """
            from concurrent.futures import ThreadPoolExecutor

            class Bank:
                def __init__(self, executor=None):
                    self.executor = executor

                def put(self, events, path):
                    def write(event):
                        event.write(path)
                    return list(self.executor.map(write, events))

            bank = Bank()
            bank.executor = ThreadPoolExecutor()
            """
        ),
        # A manager started with a module-level initializer: pickled by name.
        Valid(
            """
            import signal
            from multiprocessing.managers import SyncManager

            def ignore_sigint():
                signal.signal(signal.SIGINT, signal.SIG_IGN)

            def main():
                manager = SyncManager()
                manager.start(ignore_sigint)
                return manager
            """
        ),
    )
    INVALID = (
        # The nested function reaches the process through the helpers' parameters.
        Invalid(
            """
            from multiprocessing import Pool, Process

            def run(fn):
                Process(target=fn).start()

            def parallel_map(fn, items):
                with Pool(4) as pool:
                    return pool.map(fn, items)

            def main(items):
                def show():
                    print(len(items))

                def scale(x):
                    return x * len(items)

                run(show)
                return parallel_map(scale, items)

            if __name__ == "__main__":
                main([1, 2, 3])
            """,
            line=17,
            column=9,
            count=2,
            message_contains=("`show` cannot be sent to a child process by `Process(target=...)` in `run()`", "defined inside `main()`"),
        ),
        Invalid(
            """
            from multiprocessing import Pool

            def main():
                with Pool() as pool:
                    return pool.map(lambda x: x * x, range(10))
            """,
            line=5,
            column=25,
            message_contains=("a lambda cannot be sent to a child process by `pool.map()`", "module level"),
        ),
        Invalid(
            """
            from concurrent.futures import ProcessPoolExecutor as PPE

            def main(scale):
                def work(x):
                    return x * scale

                with PPE() as ex:
                    return list(ex.map(work, range(10)))
            """,
            line=8,
            message_contains=("`work`", "defined inside `main()`", "functools.partial"),
        ),
        Invalid(
            """
            import multiprocessing as mp

            def main():
                class Job:
                    def run(self):
                        pass

                mp.Process(target=Job().run).start()
            """,
            line=8,
            message_contains=("`Job().run`", "under the spawn start method", "a method of the class `Job`"),
        ),
        Invalid(
            """
            from multiprocessing import Pool

            if __name__ == "__main__":
                def square(x):
                    return x * x

                with Pool() as pool:
                    print(pool.map(square, range(10)))
            """,
            line=8,
            message_contains=("`square`", "defined under", "above the"),
        ),
        Invalid(
            """
            import functools
            import multiprocessing as mp

            def main(items):
                double = lambda x: 2 * x
                pool = mp.get_context("spawn").Pool()
                pool.apply_async(functools.partial(double, 3))
                pool.starmap(double, items)
            """,
            line=7,
            count=2,
            message_contains=("`functools.partial` of `double`", "bound to a lambda"),
        ),
        Invalid(
            """
            import asyncio
            from concurrent.futures import ProcessPoolExecutor

            EXECUTOR = ProcessPoolExecutor()

            async def handle(x):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(EXECUTOR, lambda: x * x)
            """,
            line=8,
            message_contains=("`loop.run_in_executor()`",),
        ),
        Invalid(
            """
            import multiprocessing

            def main():
                def init_logging():
                    pass
                with multiprocessing.Pool(initializer=init_logging) as pool:
                    pool.map(str, range(3))
            """,
            line=6,
            message_contains=("`multiprocessing.Pool(initializer=...)`",),
        ),
        Invalid(
            """
            import torch.multiprocessing as mp

            def train(world_size):
                def worker(rank):
                    print(rank, world_size)

                mp.spawn(worker, nprocs=world_size)
            """,
            line=7,
            message_contains=("by `mp.spawn(fn=...)`:",),
        ),
        # From bonobo's report: the base class submits a closure to the executor its factory
        # attribute makes, and a subclass sets that factory to a process pool.
        Invalid(
            """
            from concurrent.futures import Executor, ProcessPoolExecutor

            class Strategy:
                executor_factory = Executor

                def create_executor(self):
                    return self.executor_factory()

                def execute(self, nodes):
                    executor = self.create_executor()
                    for node in nodes:
                        def _runner():
                            node.loop()
                        executor.submit(_runner)

            class ProcessStrategy(Strategy):
                executor_factory = ProcessPoolExecutor
            """,
            line=14,
            message_contains=("by `executor.submit()` (a `ProcessStrategy` makes a process pool)",),
        ),
        # From obsplus's report: the executor attribute is given a process pool at module level.
        Invalid(
            """
            from concurrent.futures import ProcessPoolExecutor

            class Bank:
                def __init__(self, executor=None):
                    self.executor = executor

                def _map(self, func, items):
                    if self.executor is None:
                        return map(func, items)
                    return self.executor.map(func, items)

                def put(self, events, path):
                    def write(event):
                        event.write(path)
                    return list(self._map(write, events))

            if __name__ == "__main__":
                bank = Bank()
                bank.executor = ProcessPoolExecutor()
                bank.put([], "out")
            """,
            line=15,
            message_contains=("(the module sets `bank.executor = ProcessPoolExecutor()`) in `Bank._map()`",),
        ),
        # From patator's report: a manager's server process runs the initializer it was given.
        Invalid(
            """
            import signal
            from multiprocessing.managers import SyncManager

            def main():
                manager = SyncManager()
                manager.start(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
                return manager
            """,
            line=6,
            column=19,
            message_contains=("a lambda cannot be sent to a child process by `manager.start()` under the spawn",),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self._spawn_only: list[tuple[cst.CSTNode, cst.CSTNode | None, dict[str, str], str]] = []
        # Callables passed to a function of the module that sends that parameter on.
        self._parameters = ParameterDispatches()
        self._forks = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = last_name(func)
        if name in _SETTER_NAMES:
            self._note_start_method(node)
            return
        if node.args:
            self._parameters.call(self.facts, node)
        if not (
            name in _DISPATCH_METHODS
            or name in _CONSTRUCTOR_NAMES
            or any(arg.keyword is not None and arg.keyword.value in _DISPATCH_KEYWORDS for arg in node.args)
        ):
            return
        for dispatch in process_dispatches(self.facts, node):
            self._parameters.dispatch(self.facts, dispatch)
            if dispatch.forks:
                continue
            problem = unpicklable(self.facts, dispatch.callable)
            if problem is None:
                continue
            spawn_only = problem.spawn_only or not dispatch.always_pickled
            fields = {
                "subject": problem.subject,
                "api": dispatch.api,
                "when": SPAWN if spawn_only else "",
                "reason": problem.reason,
            }
            if spawn_only:
                # Decided at the end of the module: `set_start_method("fork")` may come later.
                self._spawn_only.append((dispatch.callable, self.facts.current_statement, fields, problem.fix))
            else:
                self.report(dispatch.callable, suggestion=problem.fix + ".", **fields)

    def _note_start_method(self, node: cst.Call) -> None:
        symbol = self.facts.resolve(node.func)
        if symbol is not None and not symbol.local and symbol.qualname in START_METHOD_SETTERS:
            if string_literal(call_argument(node, 0, "method")) == FORK:
                self._forks = True

    def leave_Module(self, node: cst.Module) -> None:
        for sent in self._parameters.sent_through():
            problem = sent.call.problem
            spawn_only = problem.spawn_only or not sent.dispatch.always_pickled
            fields = {"subject": problem.subject, "api": sent.api, "when": SPAWN if spawn_only else "", "reason": problem.reason}
            if spawn_only:
                self._spawn_only.append((sent.call.callable, sent.call.statement, fields, problem.fix))
            else:
                self.report(sent.call.callable, statement=sent.call.statement, suggestion=problem.fix + ".", **fields)
        if self._forks:
            return
        for callable_, statement, fields, fix in self._spawn_only:
            self.report(callable_, statement=statement, suggestion=fix + ".", **fields)
