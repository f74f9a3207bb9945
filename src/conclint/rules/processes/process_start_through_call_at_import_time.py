"""CCL302: a module-level call of a function of the module that starts processes."""

from __future__ import annotations

import libcst as cst

from conclint.analysis.facts import FileFacts
from conclint.analysis.process_callees import imported_callee, local_callee
from conclint.analysis.process_display import callee_text, function_display
from conclint.analysis.process_layout import runs_at_import_time
from conclint.analysis.process_summaries import process_chain, project_processes
from conclint.analysis.process_summary_collector import ProcessSummaryCollector
from conclint.core.settings import Settings
from conclint.knowledge.processes import START_TOKENS
from conclint.fixes.main_guard import main_guard_fix
from conclint.rules.base import Invalid, Rule, Valid

GUARD = 'if __name__ == "__main__":'


class ProcessStartThroughCallAtImportTime(Rule):
    """
    ## What it does
    Finds a call made while the module is imported (at module level, outside the
    `if __name__ == "__main__":` guard) of a function, method or class of the same module that
    starts processes, directly or through other functions of the module: it creates a
    `multiprocessing.Pool` or `Manager`, starts a `Process`, submits work to a
    `ProcessPoolExecutor`, and so on (everything CCL301 looks for). The message names the
    chain of calls, `main() -> run_pool() -> Pool()`.

    ## Why is this bad?
    Under the spawn start method (the default on Windows and macOS) every child process
    re-imports the main module. A bare `main()` at the bottom of a script therefore runs again
    in each child, which then tries to start processes of its own: multiprocessing raises
    `RuntimeError: An attempt has been made to start a new process before the current process
    has finished its bootstrapping phase`, other libraries start processes endlessly.

    ## Example
    ```python
    from multiprocessing import Pool

    def square(x):
        return x * x

    def run_pool():
        with Pool() as pool:
            return pool.map(square, range(10))

    def main():
        print(run_pool())

    main()
    ```

    ## Use instead
    ```python
    if __name__ == "__main__":
        main()
    ```

    ## Fix safety
    Unsafe fix (`--unsafe-fixes`), the same as CCL301's: a bare call moves under
    `if __name__ == "__main__":` (the module's own guard when it has one); a call whose result
    is kept (`results = run()`) moves into a function `main()` called under the guard, with
    the module-level code after it and before it that only it uses, while imports,
    definitions and every name that a function of the module, code that stays or (in a
    package) another module may read stay at module level. When the call binds a name that
    must stay (`POOL = make_pool()` read by a function), or the split would change the order
    of code that is not a call-free definition, import or constant, there is no fix, only
    the suggestion. A module also imported for its side effects stops having them: review it.

    ## Options
    No options.

    ## References
    - [multiprocessing: safe importing of the main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
    - [multiprocessing: contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
    """

    CODE = "CCL302"
    NAME = "process-start-through-call-at-import-time"
    MESSAGE = (
        "`{call}` starts processes at import time ({chain}); under the spawn start method (the default "
        "on Windows and macOS) every child process re-imports this module and calls it again, and fails "
        "with RuntimeError or starts processes of its own"
    )
    # Within the file, the chain ends in a start written here, so the file holds what CCL301
    # needs. A start in another module of the project reaches this rule through the project
    # index, in any file that calls an imported function at import time.
    REQUIRED_TOKENS = START_TOKENS
    FOLLOWS_IMPORTED_CALLS = True

    VALID = (
        # Without num_workers the DataLoader loads in the main process.
        Valid(
            """
            from torch.utils.data import DataLoader

            def train(dataset):
                for batch in DataLoader(dataset, batch_size=32):
                    print(batch)

            train(list(range(1000)))
            """
        ),
        Valid(
            """
            from multiprocessing import Pool

            def square(x):
                return x * x

            def main():
                with Pool() as pool:
                    print(pool.map(square, range(10)))

            if __name__ == "__main__":
                main()
            """
        ),
        Valid(
            """
            import multiprocessing as mp
            import sys

            def main():
                mp.Process(target=print).start()
                return 0

            if __name__ == '__main__':
                sys.exit(main())
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def configure():
                return mp.cpu_count()

            def main():
                with mp.Pool(configure()) as pool:
                    pool.map(abs, [-1, -2])

            WORKERS = configure()

            if __name__ == "__main__":
                main()
            """
        ),
        Valid(
            """
            from multiprocessing.pool import ThreadPool
            from concurrent.futures import ThreadPoolExecutor

            def fetch_all(urls):
                with ThreadPool(8) as pool:
                    return pool.map(len, urls)

            def crawl():
                with ThreadPoolExecutor() as ex:
                    return list(ex.map(len, ["a", "b"]))

            SIZES = fetch_all(["a", "b"])
            crawl()
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def later():
                return lambda: mp.Pool()

            def make_executor():
                from concurrent.futures import ProcessPoolExecutor
                return ProcessPoolExecutor()

            factory = later()
            EXECUTOR = make_executor()
            """
        ),
    )
    INVALID = (
        # Iterating a DataLoader with worker processes starts them.
        Invalid(
            """
            from torch.utils.data import DataLoader

            def train(dataset):
                loader = DataLoader(dataset, batch_size=32, num_workers=4)
                for batch in loader:
                    print(batch)

            train(list(range(1000)))
            """,
            line=8,
            message_contains=("train() -> for ... in loader",),
            fixed="""
            from torch.utils.data import DataLoader

            def train(dataset):
                loader = DataLoader(dataset, batch_size=32, num_workers=4)
                for batch in loader:
                    print(batch)


            if __name__ == "__main__":
                train(list(range(1000)))
            """,
        ),
        Invalid(
            """
            from multiprocessing import Pool

            def square(x):
                return x * x

            def run_pool():
                with Pool() as pool:
                    return pool.map(square, range(10))

            def main():
                print(run_pool())

            main()
            """,
            line=13,
            column=1,
            message_contains=("`main()` starts processes at import time (main() -> run_pool() -> Pool())", GUARD),
            fixed="""
            from multiprocessing import Pool

            def square(x):
                return x * x

            def run_pool():
                with Pool() as pool:
                    return pool.map(square, range(10))

            def main():
                print(run_pool())


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            class App:
                def __init__(self):
                    self.manager = mp.Manager()

            app = App()
            """,
            line=7,
            message_contains=("App() -> mp.Manager()",),
            fixed="""
            import multiprocessing as mp

            class App:
                def __init__(self):
                    self.manager = mp.Manager()


            def main():
                app = App()


            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            class Base:
                def launch(self):
                    self.spawn_workers()

                def spawn_workers(self):
                    for _ in range(4):
                        mp.Process(target=print).start()

            class Service(Base):
                pass

            Service().launch()
            """,
            line=14,
            message_contains=("`Service().launch()` starts processes", "(Base.launch() -> Base.spawn_workers() -> Process(...).start())"),
            fixed="""
            import multiprocessing as mp

            class Base:
                def launch(self):
                    self.spawn_workers()

                def spawn_workers(self):
                    for _ in range(4):
                        mp.Process(target=print).start()

            class Service(Base):
                pass


            if __name__ == "__main__":
                Service().launch()
            """,
        ),
        Invalid(
            """
            import sys
            from concurrent.futures import ProcessPoolExecutor

            def main():
                with ProcessPoolExecutor() as ex:
                    return sum(ex.map(abs, [-1, -2]))

            if __name__ == "__main__":
                pass
            sys.exit(main())
            """,
            line=10,
            message_contains=("main() -> with ProcessPoolExecutor()",),
            fixed="""
            import sys
            from concurrent.futures import ProcessPoolExecutor

            def main():
                with ProcessPoolExecutor() as ex:
                    return sum(ex.map(abs, [-1, -2]))

            if __name__ == "__main__":
                pass
                sys.exit(main())
            """,
        ),
        Invalid(
            """
            import multiprocessing as mp

            def work(x):
                return x * 2

            def run(values):
                with mp.Pool(2) as pool:
                    return pool.map(work, values)

            results = run([1, 2])
            print(results)

            if __name__ == "__main__":
                print("main process")
            """,
            line=10,
            message_contains=("run() -> mp.Pool()",),
            fixed="""
            import multiprocessing as mp

            def work(x):
                return x * 2

            def run(values):
                with mp.Pool(2) as pool:
                    return pool.map(work, values)


            def main():
                results = run([1, 2])
                print(results)


            if __name__ == "__main__":
                main()
                print("main process")
            """,
        ),
        # No fix: `POOL` is read by `submit`, so the call that binds it must stay at module level.
        Invalid(
            """
            import multiprocessing as mp

            def make_pool():
                return mp.Pool(2)

            POOL = make_pool()

            def submit(values):
                return POOL.map(abs, values)
            """,
            line=6,
            message_contains=("make_pool() -> mp.Pool()",),
        ),
    )

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        self.collector = ProcessSummaryCollector(facts)
        self._calls: list[tuple[cst.Call, str, cst.CSTNode | None]] = []

    # The collector sees the same nodes as this rule, in the same traversal.
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.collector.visit_ClassDef(node)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.collector.visit_FunctionDef_body(node)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.collector.leave_FunctionDef_body(node)

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self.collector.visit_Lambda_body(node)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self.collector.leave_Lambda_body(node)

    def visit_With(self, node: cst.With) -> None:
        self.collector.visit_With(node)

    def visit_For(self, node: cst.For) -> None:
        self.collector.visit_For(node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.collector.visit_CompFor(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.collector.visit_Call(node)
        facts = self.facts
        if runs_at_import_time(facts, node):
            symbol = facts.resolve(node.func)
            callee = local_callee(node.func, symbol)
            if callee is None and facts.project is not None:
                callee = imported_callee(symbol)
            if callee is not None:
                self._calls.append((node, callee, facts.current_statement))

    def leave_Module(self, node: cst.Module) -> None:
        self.collector.leave_Module(node)
        lookup = project_processes(self.collector.summary, self.facts.project)
        for call, callee, statement in self._calls:
            chain = process_chain(lookup, callee)
            if chain is None:
                continue
            *functions, start = chain
            steps = [f"{function_display(name)}()" for name in functions] + [start]
            text = f"{callee_text(call.func)}()"
            self.report(
                call,
                statement=statement,
                suggestion=f"Call `{text}` only under `{GUARD}`.",
                fix=lambda call=call: main_guard_fix(node, call, self.facts.module_name),
                call=text,
                chain=" -> ".join(steps),
            )
