"""Process-family (CCL3) recall on shapes of real reported bugs (issue 14), across modules: each
case is a small project linted with its project index, next to its fixed version, which must
stay silent."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from conclint.analysis.imported_calls import imported_calls_at_import_time
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.analysis.summaries import FunctionSummary
from conclint.engine import lint_source, summarize_source
from conclint.project.runner import IndexOptions, check


def findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    """Write `files` (relative path -> source) as a project under `tmp_path` and lint it with
    the project index: the CCL3 findings as (file name, line, code)."""
    (tmp_path / "pyproject.toml").write_text("")
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"))
    result = check([str(tmp_path)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    return sorted((Path(d.path).name, d.line, d.code) for d in result.diagnostics if d.code.startswith("CCL3"))


OPERATORS = """
    import multiprocessing as mp

    def _term(args):
        return sum(args)

    class Operator:
        def __init__(self, terms):
            self.terms = terms

        def expval(self):
            with mp.Pool(2) as pool:
                return sum(pool.map(_term, self.terms))

        def size(self):
            return len(self.terms)
    """


def test_method_of_an_imported_class_starting_a_pool_called_at_import_time(tmp_path: Path) -> None:
    script = """
        from lib.ops import Operator

        op = Operator([(1, 2), (3, 4)])
        energy = op.expval()
        other = Operator([(5, 6)]).expval()
        print(op.size(), energy, other)
        """
    files = {"lib/__init__.py": "", "lib/ops.py": OPERATORS, "experiment.py": script}
    assert findings(tmp_path, files) == [("experiment.py", 4, "CCL302"), ("experiment.py", 5, "CCL302")]


def test_method_of_an_imported_class_called_under_the_guard_is_silent(tmp_path: Path) -> None:
    script = """
        from lib.ops import Operator

        op = Operator([(1, 2)])
        print(op.size())

        def main():
            print(op.expval())

        if __name__ == "__main__":
            main()
        """
    files = {"lib/__init__.py": "", "lib/ops.py": OPERATORS, "experiment.py": script}
    assert findings(tmp_path, files) == []


def test_import_time_calls_name_the_methods_of_imported_instances() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            from lib.ops import Operator, helper
            import lib.jobs as jobs

            op = Operator()
            op.expval()
            Operator().size()
            jobs.Runner().run()
            value = helper()
            value.method()

            def later():
                op.later()
            """
        )
    )
    names = imported_calls_at_import_time(tree, "main", lambda module: module.startswith("lib"))
    assert names == {
        "lib.ops.Operator",
        "lib.ops.Operator.expval",
        "lib.ops.Operator.size",
        "lib.jobs.Runner",
        "lib.jobs.Runner.run",
        "lib.ops.helper",
    }


def test_lambda_initializer_of_a_manager_start_is_unpicklable_under_spawn() -> None:
    source = """
        import signal
        from multiprocessing.managers import SyncManager, BaseManager

        def ignore_sigint():
            signal.signal(signal.SIGINT, signal.SIG_IGN)

        def main():
            manager = SyncManager()
            manager.start(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
            BaseManager().start(initializer=lambda: None)
            SyncManager().start(ignore_sigint)
        """
    found = lint_source(textwrap.dedent(source), "x.py", DEFAULT_SETTINGS)
    assert [(d.line, d.code) for d in found if d.code.startswith("CCL3")] == [(10, "CCL303"), (11, "CCL303")]


STRATEGIES = """
    from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

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

    class ThreadStrategy(Strategy):
        executor_factory = ThreadPoolExecutor
    """


def test_closure_submitted_to_an_executor_a_subclass_makes_a_process_pool() -> None:
    source = STRATEGIES + """
    class ProcessStrategy(Strategy):
        executor_factory = ProcessPoolExecutor
    """
    found = lint_source(textwrap.dedent(source), "x.py", DEFAULT_SETTINGS)
    assert [(d.line, d.code) for d in found if d.code.startswith("CCL3")] == [(15, "CCL303")]
    assert "(a `ProcessStrategy` makes a process pool)" in found[0].message


def test_executor_factories_that_never_make_a_process_pool_for_the_method_are_silent() -> None:
    threads_only = STRATEGIES
    overridden = STRATEGIES + """
    class ProcessStrategy(Strategy):
        executor_factory = ProcessPoolExecutor

        def create_executor(self):
            return ThreadPoolExecutor()
    """
    below_an_override = STRATEGIES + """
    class Local(Strategy):
        def execute(self, nodes):
            return [node.loop() for node in nodes]

    class ProcessStrategy(Local):
        executor_factory = ProcessPoolExecutor
    """
    for source in (threads_only, overridden, below_an_override):
        found = lint_source(textwrap.dedent(source), "x.py", DEFAULT_SETTINGS)
        assert [d for d in found if d.code.startswith("CCL3")] == [], source


LOADERS = """
    import torch.utils.data

    def get_loader(dataset, batch_size=64, workers=4):
        return torch.utils.data.DataLoader(dataset, batch_size=batch_size, num_workers=int(workers))

    def preview_loader(dataset, workers=0):
        return torch.utils.data.DataLoader(dataset, num_workers=workers)
    """


def test_loop_at_import_time_over_a_loader_another_module_returns(tmp_path: Path) -> None:
    script = """
        from torch.utils.data import DataLoader

        from misc import get_loader, preview_loader

        loader: DataLoader = get_loader(list(range(100)), 1)
        for i, batch in enumerate(loader, 0):
            print(i, batch)
        for batch in preview_loader(list(range(10))):
            print(batch)

        def main():
            for batch in get_loader(list(range(100))):
                print(batch)

        if __name__ == "__main__":
            main()
        """
    assert findings(tmp_path, {"misc.py": LOADERS, "test.py": script}) == [("test.py", 6, "CCL301")]


def test_loop_over_an_imported_helpers_loader_in_a_script_that_never_spells_dataloader(tmp_path: Path) -> None:
    # DID-MDN's test.py: the loader comes from the project's own module, and the script names
    # neither DataLoader nor any process API, so only the index can send it to the rule.
    script = """
        from misc import get_loader, preview_loader

        dataloader = get_loader(list(range(100)), 1)
        for i, data in enumerate(dataloader, 0):
            print(i, data)
        for batch in preview_loader(list(range(10))):
            print(batch)
        """
    assert findings(tmp_path, {"misc.py": LOADERS, "test.py": script}) == [("test.py", 4, "CCL301")]
    (tmp_path / "test.py").write_text("from misc import preview_loader\n\nfor batch in preview_loader([1]):\n    print(batch)\n")
    assert findings(tmp_path, {}) == []


def test_returns_worker_loader_is_kept_in_the_summary_only_when_set() -> None:
    summaries = {s.qualname: s for s in summarize_source(textwrap.dedent(LOADERS), module_name="misc").functions.values()}
    loader, preview = summaries["get_loader"], summaries["preview_loader"]
    assert loader.returns_worker_loader and not preview.returns_worker_loader
    assert loader.as_dict()["returns_worker_loader"] is True
    assert "returns_worker_loader" not in preview.as_dict()
    assert FunctionSummary.from_dict(loader.as_dict()) == loader


BANK = """
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

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
    """


def test_nested_function_mapped_over_an_attribute_the_module_sets_to_a_process_pool() -> None:
    at_module_level = BANK + """
    if __name__ == "__main__":
        bank = Bank()
        bank.executor = ProcessPoolExecutor()
    """
    in_a_method = BANK + """
        def use_processes(self):
            self.executor = ProcessPoolExecutor(4)
    """
    for source in (at_module_level, in_a_method):
        found = [d for d in lint_source(textwrap.dedent(source), "x.py", DEFAULT_SETTINGS) if d.code.startswith("CCL3")]
        assert [(d.line, d.code) for d in found] == [(16, "CCL303")], source
        assert "ProcessPoolExecutor" in found[0].message


def test_attribute_executors_never_set_to_a_process_pool_are_silent() -> None:
    threads = BANK + """
    bank = Bank()
    bank.executor = ThreadPoolExecutor()
    other = object()
    other.executor = ProcessPoolExecutor()
    """
    found = lint_source(textwrap.dedent(threads), "x.py", DEFAULT_SETTINGS)
    assert [d for d in found if d.code.startswith("CCL3")] == []


def test_a_worker_count_rebound_to_zero_later_does_not_hide_the_loader_iterated_before() -> None:
    # The name read at the DataLoader call is the binding that reaches it, not the last one.
    source = textwrap.dedent(
        """
        from torch.utils.data import DataLoader

        WORKERS = 4
        loader = DataLoader(list(range(10)), num_workers=WORKERS)
        for batch in loader:
            print(batch)
        WORKERS = 0
        """
    ).lstrip("\n")
    assert [(d.line, d.code) for d in lint_source(source, "script.py", DEFAULT_SETTINGS)] == [(5, "CCL301")]
