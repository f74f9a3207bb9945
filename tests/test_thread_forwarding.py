"""CCL201 across modules: a project helper that hands the callable it is given to a thread
pool (issue 14), and the summary fields the thread judgement adds surviving the summary
store's JSON round trip."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conclint.analysis.summaries import ModuleSummary
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine.lint import summarize_source
from conclint.project.runner import IndexOptions, check

HELPERS = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/helper.py": """
        import asyncio
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


        class Helper:
            def __init__(self):
                self._cpu_executor = ThreadPoolExecutor(max_workers=8)
                self._process_pool = ProcessPoolExecutor(max_workers=4)

            async def run_in_executor_cpu(self, callback, *args):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._cpu_executor, callback, *args)

            async def run_in_executor_mp(self, callback, *args):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._process_pool, callback, *args)
        """,
    "app/core/work.py": """
        def collatz_steps(n):
            steps = 0
            while n != 1:
                n = n // 2 if n % 2 == 0 else 3 * n + 1
                steps += 1
            return steps


        def fetch(url):
            import requests

            return requests.get(url, timeout=5).text
        """,
    "app/modules/__init__.py": "",
    "app/modules/scan.py": """
        from ..core.helper import Helper
        from ..core.work import collatz_steps, fetch


        class Scan:
            def __init__(self):
                self.helpers = Helper()

            async def handle(self, n, url):
                await self.helpers.run_in_executor_mp(collatz_steps, n)
                await self.helpers.run_in_executor_cpu(fetch, url)
                return await self.helpers.run_in_executor_cpu(collatz_steps, n)
        """,
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _findings(root: Path, path: str, *, index: bool = True) -> list[tuple[int, str, str]]:
    result = check([str(root / path)], DEFAULT_SETTINGS, root, project=IndexOptions(None) if index else None)
    assert not result.errors
    return [(d.line, d.code, d.message) for d in result.diagnostics if d.code.startswith("CCL2")]


def test_a_helper_forwarding_to_a_thread_pool_dispatches_what_it_is_given(tmp_path: Path) -> None:
    root = _write(tmp_path, HELPERS)
    found = _findings(root, "app/modules/scan.py")
    # The process pool and the I/O-bound function stay silent.
    assert [(line, code) for line, code, _ in found] == [(12, "CCL201")]
    assert "collatz_steps` is CPU-bound" in found[0][2]


def test_without_the_project_index_the_helper_is_unknown(tmp_path: Path) -> None:
    root = _write(tmp_path, HELPERS)
    assert _findings(root, "app/modules/scan.py", index=False) == []


def test_the_forwarded_parameter_is_the_helpers_own_and_runs_on_a_thread() -> None:
    source = textwrap.dedent(HELPERS["app/core/helper.py"])
    summary = summarize_source(source)
    assert summary.functions["Helper.run_in_executor_cpu"].thread_parameters == ("callback",)
    assert summary.functions["Helper.run_in_executor_mp"].thread_parameters == ()


def test_a_pool_of_unknown_kind_is_not_a_thread() -> None:
    source = "def run(pool, callback):\n    return pool.submit(callback)\n"
    assert summarize_source(source).functions["run"].thread_parameters == ()


def test_thread_fields_survive_the_json_round_trip() -> None:
    source = textwrap.dedent(
        """
        import asyncio
        import numpy as np

        async def run(callback, values):
            total = np.zeros(3)
            for value in values:
                total += value ** 0.5
            return await asyncio.to_thread(callback, total)
        """
    )
    summary = summarize_source(source)
    run = summary.functions["run"]
    assert (run.array_setup, run.unknown_iterations, run.thread_parameters) == (1, 1, ("callback",))
    assert run.cpu_evidence[0].kind == "elementwise"
    assert ModuleSummary.from_dict(summary.as_dict()).functions["run"] == run
