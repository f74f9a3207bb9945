"""CCL301: processes started by code that runs when the module is imported."""

from __future__ import annotations

import libcst as cst

from conclint.analysis.process_layout import module_layout, runs_at_import_time
from conclint.analysis.process_objects import origin_call
from conclint.analysis.process_starts import ProcessStart, iteration_start, process_start, with_item_start
from conclint.knowledge.processes import EXECUTOR, START_TOKENS
from conclint.fixes.main_guard import main_guard_fix
from conclint.rules.base import Invalid, Rule, Valid

SPAWN = (
    "under the spawn start method (the default on Windows and macOS) every child process "
    "re-imports this module and runs it again, and fails with RuntimeError or starts processes of its own"
)
MOVE_TO_MAIN = 'Move this code into a function such as `main()` and call it under `if __name__ == "__main__":`.'


class ProcessStartedAtImportTime(Rule):
    """
    ## What it does
    Finds code that starts processes while the module is being imported: statements at
    module level (including inside module-level `if`, `try`, `with`, `for` and `while`
    blocks, and class bodies) that are not under an `if __name__ == "__main__":` guard and
    that create a `multiprocessing.Pool` or `Manager`, call `.start()` on a `Process`, a
    manager or a `Process` subclass of the module, enter a `SyncManager` or a
    `ProcessPoolExecutor` in a `with` statement, submit work to a `ProcessPoolExecutor`,
    run a `joblib.Parallel` with `backend="multiprocessing"`, or iterate a PyTorch
    `DataLoader` made with `num_workers` other than 0 (`for batch in loader:`, also through
    `enumerate`, `zip` or `tqdm`, and `iter(loader)` or `list(loader)`; also a loader a
    function of the module, or of another module of the project, returns), which starts its
    worker processes on every iteration. The same calls through
    `multiprocessing.get_context(...)` count. Every spelling of the guard is recognised:
    `==` or `is` with either operand order and either quote, the `else` branch of
    `if __name__ != "__main__":`, a guard joined with `and`, and tests of
    `multiprocessing.parent_process()`, `current_process()` or `get_start_method()`.

    Not reported: thread pools (`ThreadPool`, `multiprocessing.dummy`, `ThreadPoolExecutor`);
    creating a `Process` or a `ProcessPoolExecutor` without starting it or submitting to it;
    harmless calls such as `cpu_count()`, `freeze_support()`, `Queue()`; processes of a
    `get_context("fork")` context (a forked child does not re-import anything); joblib's
    default loky backend, whose workers do not re-import the main module; and a `DataLoader`
    without `num_workers` (its default, 0, loads in the main process), with `num_workers=0`,
    or with `multiprocessing_context="fork"`.

    ## Why is this bad?
    With the spawn start method (the default on Windows and macOS, and the safe choice
    everywhere) a child process starts a fresh interpreter and imports the main module, and
    the modules its work comes from, to find the function it has to run. Code that starts
    processes at import time runs again in every child: multiprocessing stops it with
    `RuntimeError: An attempt has been made to start a new process before the current process
    has finished its bootstrapping phase`, and without that check (other libraries, frozen
    programs) processes are started endlessly. Code that works under fork on Linux breaks on
    a Mac or on Windows.

    ## Example
    ```python
    from multiprocessing import Pool

    def square(x):
        return x * x

    with Pool(4) as pool:
        print(pool.map(square, range(10)))
    ```

    ## Use instead
    ```python
    from multiprocessing import Pool

    def square(x):
        return x * x

    def main():
        with Pool(4) as pool:
            print(pool.map(square, range(10)))

    if __name__ == "__main__":
        main()
    ```
    A package's `__main__.py` is checked like any other module: run by path
    (`python pkg/__main__.py`) it is re-imported by every spawned child, so it needs the guard.

    ## Fix safety
    Unsafe fix (`--unsafe-fixes`): the statement that starts processes moves into a function
    `main()` called under `if __name__ == "__main__":`, with the module-level statements after
    it and the ones before it that bind names only the moved code uses (the context, the
    `Process` object, the list of inputs); their names become locals of `main()`. What a
    child process needs stays at module level: imports, function and class definitions,
    statements testing `__name__`, and every name read by a function or class of the module
    (defaults, decorators and `global` statements included), by code that stays, or, in a
    module of a package, possibly by another module (any public name, and the names in
    `__all__`). The module's plain guard receives the call (a new one closes the module
    otherwise); an existing `def main():` that the guard calls first, without parameters,
    receives the moved code at the start of its body; otherwise the function is `_main`.
    Code that binds no name (a bare `main()` call) goes straight under the guard.

    There is no fix, only the suggestion, when the split would change the program: the
    start must stay (a function reads the pool it creates), a statement that stays would
    run in another order relative to the moved code and is not a call-free definition,
    import or constant, or a name is bound both by moved code and by code that stays.
    Review the fix still: a moved statement that changes a shared object through a method
    call (`CONFIG.update(...)`) now does so in the main process only, and a module also
    imported for its side effects stops having them.

    ## Options
    No options.

    ## References
    - [multiprocessing: safe importing of the main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
    - [multiprocessing: contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
    - [concurrent.futures.ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor)
    - [joblib: parallel, the old multiprocessing backend](https://joblib.readthedocs.io/en/stable/parallel.html#old-multiprocessing-backend)
    """

    CODE = "CCL301"
    NAME = "process-started-at-import-time"
    MESSAGE = "`{call}` {effect} at import time; " + SPAWN
    REQUIRED_TOKENS = START_TOKENS
    # A script that loops over what an imported helper returns (`loader = get_loader(...)`)
    # need not spell DataLoader itself: the helper's summary says it returns one with workers.
    FOLLOWS_IMPORTED_CALLS = True

    VALID = (
        # No worker processes, forked ones, or iterated only under the guard.
        Valid(
            """
            from torch.utils.data import DataLoader

            WORKERS = 0
            dataset = list(range(100))
            preview = DataLoader(dataset, batch_size=8)
            single = DataLoader(dataset, num_workers=WORKERS)
            forked = DataLoader(dataset, num_workers=4, multiprocessing_context="fork")
            training = DataLoader(dataset, num_workers=4)

            for batch in preview:
                print(batch)
            first = next(iter(single))
            sizes = [len(batch) for batch in forked]

            def train():
                for batch in training:
                    print(batch)

            if __name__ == "__main__":
                for batch in training:
                    print(batch)
            """
        ),
        Valid(
            """
            from multiprocessing import Pool

            def square(x):
                return x * x

            if __name__ == "__main__":
                with Pool(4) as pool:
                    print(pool.map(square, range(10)))
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def work():
                pass

            if '__main__' == __name__:
                mp.Process(target=work).start()
            """
        ),
        Valid(
            """
            import multiprocessing

            def work():
                pass

            if __name__ != "__main__":
                pass
            else:
                multiprocessing.Process(target=work).start()
            """
        ),
        Valid(
            """
            import sys
            from concurrent.futures import ProcessPoolExecutor as PPE

            def square(x):
                return x * x

            if __name__ == "__main__" and len(sys.argv) > 1:
                with PPE() as ex:
                    print(list(ex.map(square, range(10))))
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def square(x):
                return x * x

            def main():
                with mp.Pool() as pool:
                    return pool.map(square, range(10))

            if __name__ == "__main__":
                main()
            """
        ),
        Valid(
            """
            from multiprocessing.pool import ThreadPool
            from multiprocessing.dummy import Pool as DummyPool
            from concurrent.futures import ThreadPoolExecutor

            threads = ThreadPool(4)
            dummies = DummyPool(4)
            with ThreadPoolExecutor() as ex:
                results = list(ex.map(str, range(10)))
            threads.map(print, range(3))
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            WORKERS = mp.cpu_count()
            mp.freeze_support()
            mp.set_executable("/usr/bin/python3")
            QUEUE = mp.Queue()
            LOCK = mp.Lock()
            CTX = mp.get_context("spawn")
            """
        ),
        Valid(
            """
            from concurrent.futures import ProcessPoolExecutor

            EXECUTOR = ProcessPoolExecutor(max_workers=4)

            def square(x):
                return x * x

            def handle(values):
                return list(EXECUTOR.map(square, values))

            if __name__ == "__main__":
                print(handle(range(10)))
            """
        ),
        Valid(
            """
            from multiprocessing import Process

            def work():
                pass

            worker = Process(target=work)

            if __name__ == "__main__":
                worker.start()
                worker.join()
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def work():
                pass

            if mp.parent_process() is None:
                mp.Process(target=work).start()
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def work():
                pass

            ctx = mp.get_context("fork")
            pool = ctx.Pool(2)
            ctx.Process(target=work).start()
            """
        ),
        Valid(
            """
            from joblib import Parallel, delayed

            def square(x):
                return x * x

            results = Parallel(n_jobs=4)(delayed(square)(i) for i in range(10))
            sequential = Parallel(backend="multiprocessing")(delayed(square)(i) for i in range(10))
            threads = Parallel(n_jobs=4, backend="threading")(delayed(square)(i) for i in range(10))
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            class Settings:
                workers = mp.cpu_count()

            class Runner:
                def start(self):
                    self.started = True

            runner = Runner()
            runner.start()
            """
        ),
        Valid(
            """
            import multiprocessing as mp
            from joblib import Parallel, delayed, parallel_config

            def double(x):
                return 2 * x

            if mp.get_start_method() != "spawn":
                with parallel_config("multiprocessing"):
                    Parallel(n_jobs=2)(delayed(double)(i) for i in range(10))
            """
        ),
        # The helper's worker count defaults to 0: a caller leaving it out loads in-process.
        Valid(
            """
            from torch.utils.data import DataLoader

            def get_loader(dataset, workers=0):
                return DataLoader(dataset, batch_size=8, num_workers=int(workers))

            for batch in get_loader(list(range(100))):
                print(batch)
            """
        ),
    )
    INVALID = (
        # From DID-MDN's report: the loader comes from a helper that sets its workers.
        Invalid(
            """
            import torch.utils.data

            def get_loader(dataset, batch_size=64, workers=4):
                return torch.utils.data.DataLoader(dataset, batch_size=batch_size, num_workers=int(workers))

            dataloader = get_loader(list(range(100)), 1)
            for i, data in enumerate(dataloader, 0):
                print(i, data)
            """,
            line=7,
            message_contains=("`for ... in enumerate(...)` starts the worker processes of a DataLoader",),
            fixed="""
            import torch.utils.data

            def get_loader(dataset, batch_size=64, workers=4):
                return torch.utils.data.DataLoader(dataset, batch_size=batch_size, num_workers=int(workers))


            def main():
                dataloader = get_loader(list(range(100)), 1)
                for i, data in enumerate(dataloader, 0):
                    print(i, data)


            if __name__ == "__main__":
                main()
            """,
        ),
        # From PyTorch's tutorial report: iterating a DataLoader starts its workers.
        Invalid(
            """
            import torch
            from torch.utils.data import DataLoader, TensorDataset

            dataset = TensorDataset(torch.arange(100.0))
            loader = DataLoader(dataset, batch_size=8, shuffle=True, num_workers=2)

            for epoch in range(2):
                for i, (batch,) in enumerate(loader):
                    print(epoch, i, batch.sum())
            """,
            line=8,
            column=24,
            message_contains=("`for ... in enumerate(...)` starts the worker processes of a DataLoader",),
            fixed="""
            import torch
            from torch.utils.data import DataLoader, TensorDataset


            def main():
                dataset = TensorDataset(torch.arange(100.0))
                loader = DataLoader(dataset, batch_size=8, shuffle=True, num_workers=2)

                for epoch in range(2):
                    for i, (batch,) in enumerate(loader):
                        print(epoch, i, batch.sum())


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import os
            import torch.utils.data

            def load(path):
                return torch.utils.data.DataLoader(path, num_workers=os.cpu_count())

            images = torch.utils.data.DataLoader(["a.png", "b.png"], 2, False, None, None, 4)
            first = next(iter(images))
            """,
            line=8,
            column=14,
            message_contains=("`iter(images)` starts the worker processes of a DataLoader",),
            fixed="""
            import os
            import torch.utils.data

            def load(path):
                return torch.utils.data.DataLoader(path, num_workers=os.cpu_count())


            def main():
                images = torch.utils.data.DataLoader(["a.png", "b.png"], 2, False, None, None, 4)
                first = next(iter(images))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from multiprocessing import Pool

            def square(x):
                return x * x

            with Pool(4) as pool:
                print(pool.map(square, range(10)))
            """,
            line=6,
            column=6,
            message_contains=("`Pool()` starts a pool of worker processes at import time", "spawn", "__main__"),
            fixed="""
            from multiprocessing import Pool

            def square(x):
                return x * x


            def main():
                with Pool(4) as pool:
                    print(pool.map(square, range(10)))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def work():
                pass

            p = mp.Process(target=work)
            p.start()
            p.join()
            """,
            line=7,
            message_contains=("`p.start()` starts a process",),
            fixed="""
            import multiprocessing as mp

            def work():
                pass


            def main():
                p = mp.Process(target=work)
                p.start()
                p.join()


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def work():
                pass

            mp.get_context("spawn").Process(target=work).start()
            ctx = mp.get_context()
            pool = ctx.Pool()
            """,
            line=6,
            count=2,
            fixed="""
            import multiprocessing as mp

            def work():
                pass


            def main():
                mp.get_context("spawn").Process(target=work).start()
                ctx = mp.get_context()
                pool = ctx.Pool()


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from concurrent.futures import ProcessPoolExecutor as PPE

            def square(x):
                return x * x

            with PPE() as ex:
                results = list(ex.map(square, range(10)))
            """,
            line=6,
            message_contains=("`with PPE()` starts the worker processes of a ProcessPoolExecutor",),
            fixed="""
            from concurrent.futures import ProcessPoolExecutor as PPE

            def square(x):
                return x * x


            def main():
                with PPE() as ex:
                    results = list(ex.map(square, range(10)))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing

            class Worker(multiprocessing.Process):
                def run(self):
                    pass

            workers = [Worker() for _ in range(4)]
            for w in workers:
                w.start()
            """,
            line=9,
            fixed="""
            import multiprocessing

            class Worker(multiprocessing.Process):
                def run(self):
                    pass


            def main():
                workers = [Worker() for _ in range(4)]
                for w in workers:
                    w.start()


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp
            import sys

            manager = mp.Manager()
            if sys.platform != "win32":
                pool = mp.Pool()
            """,
            line=4,
            count=2,
            message_contains=("starts a manager server process",),
            fixed="""
            import multiprocessing as mp
            import sys


            def main():
                manager = mp.Manager()
                if sys.platform != "win32":
                    pool = mp.Pool()


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from multiprocessing.managers import SyncManager

            with SyncManager() as manager:
                shared = manager.dict()
            """,
            line=3,
            fixed="""
            from multiprocessing.managers import SyncManager


            def main():
                with SyncManager() as manager:
                    shared = manager.dict()


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from joblib import Parallel, delayed

            def square(x):
                return x * x

            results = Parallel(n_jobs=-1, backend="multiprocessing")(delayed(square)(i) for i in range(10))
            """,
            line=6,
            message_contains=('backend="multiprocessing"',),
            fixed="""
            from joblib import Parallel, delayed

            def square(x):
                return x * x


            def main():
                results = Parallel(n_jobs=-1, backend="multiprocessing")(delayed(square)(i) for i in range(10))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from joblib import Parallel, delayed, parallel_config

            def double(x):
                return 2 * x

            with parallel_config("multiprocessing", n_jobs=2):
                Parallel()(delayed(double)(i) for i in range(10))
            """,
            line=7,
            fixed="""
            from joblib import Parallel, delayed, parallel_config

            def double(x):
                return 2 * x


            if __name__ == "__main__":
                with parallel_config("multiprocessing", n_jobs=2):
                    Parallel()(delayed(double)(i) for i in range(10))
            """,
        ),
        Invalid(
            """
            from concurrent.futures import ProcessPoolExecutor

            def square(x):
                return x * x

            executor = ProcessPoolExecutor()
            future = executor.submit(square, 3)
            """,
            line=7,
            message_contains=("`executor.submit()`",),
            fixed="""
            from concurrent.futures import ProcessPoolExecutor

            def square(x):
                return x * x


            def main():
                executor = ProcessPoolExecutor()
                future = executor.submit(square, 3)


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            class Service:
                pool = mp.Pool(2)
            """,
            line=4,
            fixed="""
            import multiprocessing as mp


            def main():
                class Service:
                    pool = mp.Pool(2)


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def work(x):
                return x * FACTOR

            ctx = mp.get_context("spawn")
            pool = ctx.Pool(2)
            FACTOR = 3
            print(pool.map(work, [1, 2]))
            """,
            line=7,
            fixed="""
            import multiprocessing as mp

            def work(x):
                return x * FACTOR

            FACTOR = 3


            def main():
                ctx = mp.get_context("spawn")
                pool = ctx.Pool(2)
                print(pool.map(work, [1, 2]))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from concurrent.futures import ProcessPoolExecutor

            LIMIT = 10
            VALUES = [5, 50]

            def clip(x):
                return min(x, LIMIT)

            with ProcessPoolExecutor(2) as ex:
                print(list(ex.map(clip, VALUES)))
            """,
            line=9,
            fixed="""
            from concurrent.futures import ProcessPoolExecutor

            LIMIT = 10

            def clip(x):
                return min(x, LIMIT)


            def main():
                VALUES = [5, 50]

                with ProcessPoolExecutor(2) as ex:
                    print(list(ex.map(clip, VALUES)))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def size(path):
                return len(path)

            # The files to measure.
            paths = ["a.txt", "bb.txt"]
            pool = mp.Pool(2)
            print(pool.map(size, paths))
            """,
            line=8,
            fixed="""
            import multiprocessing as mp

            def size(path):
                return len(path)


            def main():
                # The files to measure.
                paths = ["a.txt", "bb.txt"]
                pool = mp.Pool(2)
                print(pool.map(size, paths))


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def work(x):
                return x + 1

            pool = mp.Pool(2)
            results = pool.map(work, [1, 2])

            if __name__ == "__main__":
                print("main process")
            """,
            line=6,
            fixed="""
            import multiprocessing as mp

            def work(x):
                return x + 1


            def main():
                pool = mp.Pool(2)
                results = pool.map(work, [1, 2])


            if __name__ == "__main__":
                main()
                print("main process")
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def work(x):
                return x + 1

            def main():
                '''Report the end.'''
                print("done")

            pool = mp.Pool(2)
            print(pool.map(work, [1, 2]))

            if __name__ == "__main__":
                main()
            """,
            line=10,
            fixed="""
            import multiprocessing as mp

            def work(x):
                return x + 1

            def main():
                '''Report the end.'''
                pool = mp.Pool(2)
                print(pool.map(work, [1, 2]))
                print("done")

            if __name__ == "__main__":
                main()
            """,
        ),
        # No fix: the function `run` reads the pool, which must stay a module global, and a
        # pool at module level starts in every child.
        Invalid(
            """
            import multiprocessing as mp

            def work(x):
                return x + 1

            pool = mp.Pool(2)

            def run(values):
                return pool.map(work, values)

            print(run([1, 2]))
            """,
            line=6,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.facts
        if not runs_at_import_time(facts, node):
            return
        start = process_start(facts, node)
        if start is None:
            return
        if start.kind == EXECUTOR and isinstance(node.func, cst.Attribute):
            origin = origin_call(node.func.value, facts.scope)
            if origin is not None and id(origin[0]) in module_layout(facts).import_time_with_items:
                return  # reported at the `with` that entered the executor
        self._report(node, start)

    def visit_For(self, node: cst.For) -> None:
        self._iteration(node, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._iteration(node, node.iter)

    def _iteration(self, node: cst.CSTNode, iterable: cst.BaseExpression) -> None:
        """`for batch in loader:` over a DataLoader with worker processes starts them."""
        if runs_at_import_time(self.facts, node):
            start = iteration_start(self.facts, iterable)
            if start is not None:
                self._report(iterable, start)

    def visit_With(self, node: cst.With) -> None:
        if not runs_at_import_time(self.facts, node):
            return
        for item in node.items:
            start = with_item_start(self.facts, item)
            if start is not None:
                self._report(item.item, start)

    def _report(self, node: cst.CSTNode, start: ProcessStart) -> None:
        module, name = self.facts.module, self.facts.module_name
        self.report(
            node,
            suggestion=MOVE_TO_MAIN,
            fix=lambda: main_guard_fix(module, node, name),
            call=start.display,
            effect=start.effect,
        )
