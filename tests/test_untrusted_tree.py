"""A hostile checkout linted from inside, and a run stopped from outside.

Each test runs the installed command in a subprocess on a real tree: the helpers
multiprocessing starts (forkserver, resource tracker, workers) must never import the tree's
modules, and a signal must end the run with its exit code, leaving no process and no
temporary folder behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conclint.project import lint_one, pool, runner
from conclint.core.settings import DEFAULT_SETTINGS

CONCLINT = Path(sys.executable).parent / "conclint"
# Stdlib modules that multiprocessing's helpers import while they start.
SHADOWED = ("threading", "logging", "json", "signal", "socket", "queue", "typing", "pickle", "tempfile", "weakref")
BLOCKING = "import time\nasync def handler_{n}():\n    time.sleep(1)\n"
# Enough files for the pool (runner.PARALLEL_MIN_FILES), each slow enough to lint that a run
# lasts several seconds on this machine's class of CPU.
SLOW_MODULE = "import asyncio\n\n" + "".join(
    f"async def helper_{i}(values, scale=2):\n    total = 0\n    for v in values:\n"
    f"        if v % 3:\n            total += v * scale\n            await asyncio.sleep(0)\n    return total\n\n"
    for i in range(300)
)

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; forkserver helpers"),
    pytest.mark.skipif(runner.default_jobs() < 2, reason="one core: conclint starts no worker pool"),
]


def _hostile_tree(root: Path, marker: Path) -> None:
    """Modules that shadow the stdlib and write `marker` when imported, beside lintable files."""
    for name in SHADOWED:
        (root / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n")
    package = root / "multiprocessing"
    package.mkdir()
    (package / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write('multiprocessing\\n')\n")
    for n in range(runner.PARALLEL_MIN_FILES + 4):
        (root / f"module_{n}.py").write_text(BLOCKING.format(n=n))


@pytest.mark.parametrize("command", [[str(CONCLINT)], [sys.executable, "-m", "conclint"]], ids=["script", "module"])
def test_modules_of_the_linted_tree_are_never_imported(tmp_path: Path, command: list[str]) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    marker = tmp_path / "imported.txt"
    _hostile_tree(tree, marker)
    done = subprocess.run(
        [*command, ".", "--no-cache", "--jobs", "2"], cwd=tree, capture_output=True, text=True, timeout=120
    )
    assert not marker.exists(), f"imported from the linted tree: {marker.read_text()}"
    assert done.returncode == 1, done.stderr
    assert f"in {runner.PARALLEL_MIN_FILES + 4} files" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_shadowing_tree_would_be_imported_without_the_safe_path_flag(tmp_path: Path) -> None:
    """The hostile tree is real: a plain `python -c` helper started in it does import it."""
    tree = tmp_path / "repo"
    tree.mkdir()
    marker = tmp_path / "imported.txt"
    _hostile_tree(tree, marker)
    subprocess.run([sys.executable, "-c", "import threading"], cwd=tree, capture_output=True, timeout=60)
    assert "threading" in marker.read_text()


# --- signals --------------------------------------------------------------------------------------


def _processes_tagged(tag: str) -> list[int]:
    """Processes whose environment holds `tag` (the run and every process it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if tag.encode() in environment and state != "Z":
            found.append(int(entry.name))
    return found


def _wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@pytest.fixture
def slow_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Start a pool run that takes seconds; yield (process, its tag, its temporary folder)."""
    tree = tmp_path / "repo"
    tree.mkdir()
    for n in range(runner.PARALLEL_MIN_FILES * 3):
        (tree / f"module_{n}.py").write_text(SLOW_MODULE)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    tag = f"CONCLINT_TEST_RUN={uuid.uuid4().hex}"
    name, value = tag.split("=")
    environment = {**os.environ, "TMPDIR": str(temporary), name: value}
    process = subprocess.Popen(
        [str(CONCLINT), ".", "--no-cache", "--jobs", "2"],
        cwd=tree,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The run's folder of linted-ahead results appears once the pool is being set up.
        assert _wait_for(lambda: any(temporary.glob("conclint-run-*")), timeout=60)
        # The parent, the forkserver, the resource tracker and both workers: a worker removes
        # the run's folder when the parent dies, so a kill before any worker runs is not tested.
        assert _wait_for(lambda: len(_processes_tagged(value)) >= 5, timeout=60)
        yield process, value, temporary
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for pid in _processes_tagged(value):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_ends_the_run_cleanly_with_its_exit_code(slow_run, signum: int, code: int) -> None:  # type: ignore[no-untyped-def]
    process, tag, temporary = slow_run
    process.send_signal(signum)
    assert process.wait(timeout=30) == code
    assert f"interrupted ({signal.Signals(signum).name})" in process.stderr.read()
    assert _wait_for(lambda: not _processes_tagged(tag), timeout=15), "processes left behind"
    assert not list(temporary.iterdir()), "temporary files left behind"


def test_workers_end_and_clean_up_when_the_parent_is_killed(slow_run) -> None:  # type: ignore[no-untyped-def]
    process, tag, temporary = slow_run
    process.kill()
    process.wait(timeout=30)
    assert _wait_for(lambda: not _processes_tagged(tag), timeout=15), "orphaned workers or helpers"
    assert _wait_for(lambda: not list(temporary.iterdir()), timeout=15), "temporary files left behind"


# --- the pool's size ------------------------------------------------------------------------------


def test_no_more_workers_than_cores_or_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []

    def record(tasks, queue, jobs, results, advance, heavy, setup):  # type: ignore[no-untyped-def]
        sizes.append(jobs)
        while queue:
            for index in queue.popleft():
                results[index] = lint_one.lint_for_run(*tasks[index])
        return []

    monkeypatch.setattr(pool, "_run_pool", record)
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    files = []
    for n in range(runner.PARALLEL_MIN_FILES):
        (tmp_path / f"m{n}.py").write_text("x = 1\n")
        files.append(str(tmp_path / f"m{n}.py"))
    runner.lint_paths(files, DEFAULT_SETTINGS, tmp_path, jobs=64)
    assert sizes == [1]  # 16 tiny files make one chunk
    (tmp_path / "big.py").write_text("x = 1\n" * (pool.CHUNK_MAX_BYTES // 6 + 1))
    runner.lint_paths([*files, str(tmp_path / "big.py")], DEFAULT_SETTINGS, tmp_path, jobs=64)
    assert sizes[-1] == 2  # two chunks, two cores


# --- what the project index reads -----------------------------------------------------------------


@pytest.mark.parametrize("planted", ["fifo", "device", "huge"])
def test_the_project_index_reads_only_bounded_regular_modules(tmp_path: Path, planted: str) -> None:
    """A module the index would follow is a FIFO (would block), a device (never ends) or a
    file over max-file-size: the run finishes and the importing file is still checked."""
    (tmp_path / "pyproject.toml").write_text('[tool.conclint]\nmax-file-size = "64KB"\n')
    helper = tmp_path / "helpers.py"
    if planted == "fifo":
        os.mkfifo(helper)
    elif planted == "device":
        helper.symlink_to("/dev/zero")
    else:
        helper.write_text("import time\ndef wait():\n    time.sleep(1)\n" + "x = 1\n" * 20_000)
    (tmp_path / "app.py").write_text(
        "import time\nfrom helpers import wait\nasync def handler():\n    wait()\n    time.sleep(1)\n"
    )
    done = subprocess.run(
        [str(CONCLINT), "app.py", "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert "app.py:5:5: CCL101" in done.stdout
    assert "app.py:4:" not in done.stdout  # the helper was not read, so not followed
    assert "Traceback" not in done.stderr
