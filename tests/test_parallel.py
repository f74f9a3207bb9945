"""The process pool: same findings as a serial run, in the same order, and a worker that
crashes costs only the file it was checking."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from conclint import cli
from conclint.project import runner
from conclint.project import deep_stack, lint_one, pool
from conclint.core.settings import DEFAULT_SETTINGS, Settings

BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"
THREADED = "import threading\ndef work():\n    return sum(i * i for i in range(10**7))\nthreading.Thread(target=work).start()\n"
PLAIN = "def add(a, b):\n    return a + b\n"
BROKEN = "def broken(:\n    pass\n"
FILES = 40


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """More files than PARALLEL_MIN_FILES, mixing findings, clean files, a syntax error and an
    unreadable path."""
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    package = tmp_path / "pkg"
    package.mkdir()
    sources = (BLOCKING, THREADED, PLAIN, BLOCKING * 3)
    for number in range(FILES):
        (package / f"module_{number:02}.py").write_text(sources[number % len(sources)])
    (package / "broken.py").write_text(BROKEN)
    (package / "big.py").write_text(BLOCKING + PLAIN * 1000)
    return tmp_path


def _files(project: Path) -> list[str]:
    return sorted(str(path) for path in (project / "pkg").glob("*.py")) + [str(project / "missing.py")]


def test_pool_gives_the_serial_result_in_the_same_order(project: Path) -> None:
    files = _files(project)
    assert len(files) >= runner.PARALLEL_MIN_FILES
    serial = runner.lint_paths(files, DEFAULT_SETTINGS, project, jobs=1)
    parallel = runner.lint_paths(files, DEFAULT_SETTINGS, project, jobs=2)
    assert parallel.diagnostics == serial.diagnostics
    assert parallel.errors == serial.errors == [(str(project / "missing.py"), "no such file or directory")]
    assert parallel.files_checked == serial.files_checked == len(files) - 1
    assert {d.code for d in parallel.diagnostics} >= {"CCL001", "CCL101"}


def test_pool_reports_progress_once_per_file(project: Path) -> None:
    done: list[str] = []
    runner.lint_paths(_files(project), DEFAULT_SETTINGS, project, jobs=2, on_file_done=lambda path: done.append(path))
    assert sorted(done) == sorted(_files(project))  # each file's path, once, whatever the order


def test_per_file_settings_reach_the_workers(project: Path) -> None:
    settings = Settings(per_file_ignores=(("pkg/module_0*.py", ("CCL1",)),))
    result = runner.lint_paths(_files(project), settings, project, jobs=2)
    paths = {Path(d.path).name for d in result.diagnostics if d.code == "CCL101"}
    assert paths and not any(name.startswith("module_0") for name in paths)


def test_without_a_process_pool_the_files_are_linted_here(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # as on systems without sem_open

    files = _files(project)
    serial = runner.lint_paths(files, DEFAULT_SETTINGS, project, jobs=1)
    monkeypatch.setattr(pool, "ProcessPoolExecutor", no_pool)
    assert runner.lint_paths(files, DEFAULT_SETTINGS, project, jobs=2) == serial


def test_one_heavy_chunk_in_flight_at_a_time() -> None:
    queue = collections.deque([[0], [1], [2, 3], [4]])
    heavy = frozenset({0, 1})
    assert pool._next_chunk(queue, heavy, may_be_heavy=True) == [0]
    assert pool._next_chunk(queue, heavy, may_be_heavy=False) == [2, 3]
    assert pool._next_chunk(queue, heavy, may_be_heavy=False) == [4]
    assert pool._next_chunk(queue, heavy, may_be_heavy=False) is None
    assert list(queue) == [[1]]


def test_chunks_put_big_files_alone_and_bound_small_ones() -> None:
    sizes = [10**6, 10, 10, 10, pool.CHUNK_MAX_BYTES, 10]
    tasks = [(f"f{index}.py", DEFAULT_SETTINGS) for index in range(len(sizes))]
    order = sorted(range(len(sizes)), key=lambda index: -sizes[index])
    chunks = pool._chunks(tasks, order, sizes)
    assert chunks[0] == [0] and chunks[1] == [4]
    assert sorted(index for chunk in chunks for index in chunk) == list(range(len(sizes)))


def test_cli_jobs_option(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    seen: list[int] = []
    real_check = cli.check

    def spy(paths, settings, root=None, **options):  # type: ignore[no-untyped-def]
        seen.append(options["jobs"])
        return real_check(paths, settings, root, **options)

    monkeypatch.setattr(cli, "check", spy)
    invoke = CliRunner().invoke
    assert invoke(cli.main, ["--no-cache", "-q", "--jobs", "1"]).exit_code == 1
    assert invoke(cli.main, ["--no-cache", "-q"]).exit_code == 1
    assert invoke(cli.main, ["--jobs", "0"]).exit_code == 2
    assert seen == [1, runner.default_jobs()]


# A worker that dies in native code (a segfault) cannot be simulated by raising: the process
# has to go. `sitecustomize` runs at the start of every interpreter, including the forkserver
# or spawned workers, so it can make the engine kill its own process on one file. The test runs
# conclint in a fresh interpreter so the workers are started after the hook is in place.
CRASH_HOOK = textwrap.dedent(
    """
    import os
    import signal

    import conclint.engine

    _real = conclint.engine.lint_source

    def _crashing(source, path="<string>", settings=conclint.engine.DEFAULT_SETTINGS, project=None):
        if os.path.basename(path) == os.environ["CONCLINT_TEST_CRASH_ON"]:
            os.kill(os.getpid(), signal.SIGSEGV)
        return _real(source, path, settings, project)

    conclint.engine.lint_source = _crashing
    """
)


@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="needs POSIX signals")
def test_a_crashing_worker_costs_only_its_file(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = tmp_path_factory.mktemp("hooks")
    (hooks / "sitecustomize.py").write_text(CRASH_HOOK)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")]),
        "CONCLINT_TEST_CRASH_ON": "module_05.py",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--no-cache", "--jobs", "2", "-q", "pkg"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    crashed = os.path.join("pkg", "module_05.py")
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.splitlines() == [
        f"{crashed}: error: internal error: conclint's worker process died while checking this file (it crashed, or ran out of memory)"
    ]
    monkeypatch.chdir(project)
    expected = runner.lint_paths(
        [os.path.join("pkg", path.name) for path in sorted((project / "pkg").glob("*.py")) if path.name != "module_05.py"],
        DEFAULT_SETTINGS,
        project,
    )
    lines = completed.stdout.splitlines()
    assert len(lines) == len(expected.diagnostics) > FILES // 2
    assert not any(line.startswith(crashed) for line in lines)


def test_deep_stack_runs_the_function_and_restores_the_limit() -> None:
    limit = sys.getrecursionlimit()
    seen: list[int] = []

    def deep(n: int) -> int:
        return 0 if n == 0 else 1 + deep(n - 1)

    deep_stack.run_with_deep_stack(lambda: seen.append(deep(deep_stack.WORKER_RECURSION_LIMIT // 2)))
    assert seen == [deep_stack.WORKER_RECURSION_LIMIT // 2]
    assert sys.getrecursionlimit() == limit
    with pytest.raises(ZeroDivisionError):
        deep_stack.run_with_deep_stack(lambda: seen.append(1 // 0))


def test_a_serial_run_restores_the_garbage_collector_thresholds(project: Path) -> None:
    import gc

    before = gc.get_threshold()
    runner.lint_paths(_files(project), DEFAULT_SETTINGS, project, jobs=1)
    assert gc.get_threshold() == before
    assert before != lint_one.LINT_GC_THRESHOLDS  # so that the check above can fail


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_engine_that_cannot_be_imported_is_one_clear_error(project: Path, tmp_path: Path, jobs: str) -> None:
    broken = tmp_path / "broken-site" / "libcst"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("libcst is broken here")\n')
    environment = {**os.environ, "PYTHONPATH": str(broken.parent)}
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--no-cache", "--jobs", jobs, "pkg"],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert "conclint cannot load its engine (ImportError: libcst is broken here)" in completed.stderr
    assert "Traceback" not in completed.stderr and "crashed" not in completed.stderr
