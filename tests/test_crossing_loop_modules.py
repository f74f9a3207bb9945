"""CCL406 (loop-object-used-from-thread) across modules: a function of another module of the
project handed to a thread, or called on one, that touches a loop object there. Run through
the command line, on the package and on the dispatching module alone (as pre-commit runs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conclint.analysis.summaries import FunctionSummary
from conclint.engine import summarize_source
from fixture_annotations import expected_findings

CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")
FIXTURES = Path(__file__).parent / "fixtures" / "crossing_loop"


def _tree(tmp_path: Path) -> Path:
    """A copy of the fixture package in a project of its own (a `pyproject.toml` at its root)."""
    shutil.copytree(FIXTURES, tmp_path / "project")
    (tmp_path / "project" / "pyproject.toml").write_text("", encoding="utf-8")
    return tmp_path / "project"


def _run(root: Path, *args: str) -> list[dict]:
    """The CCL406 findings of `conclint ARGS` run in `root`, as JSON records."""
    done = subprocess.run(
        [str(CONCLINT), "--select", "CCL406", "--format", "json", *args], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _found(root: Path, *args: str) -> set[tuple[str, int]]:
    return {(d["path"], d["line"]) for d in _run(root, "--no-cache", *args)}


def _line(text: str) -> int:
    """The line of pkg/b.py that holds `text`."""
    lines = (FIXTURES / "pkg" / "b.py").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def _expected(root: Path) -> set[tuple[str, int]]:
    return {("pkg/b.py", line) for line, _ in expected_findings((root / "pkg" / "b.py").read_text(encoding="utf-8"))}


def test_the_package_gives_the_annotated_findings(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert len(_expected(root)) == 9
    assert _found(root, ".") == _expected(root)


def test_the_module_alone_reads_its_siblings(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert _found(root, "pkg/b.py") == _expected(root)


def test_per_file_the_other_module_is_not_read(tmp_path: Path) -> None:
    # Nor is its loop: `hosted` puts into its queue before `serve` runs a loop on the thread.
    root = _tree(tmp_path)
    assert _found(root, "--per-file", "pkg/b.py") == {("pkg/b.py", _line("inbox.put_nowait(job)"))}


def test_the_finding_names_the_call_in_the_other_module(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    by_line = {d["line"]: d for d in _run(root, "--no-cache", "pkg/b.py")}
    handed = by_line[_line("to_thread(publish")]
    assert handed["message"].startswith(
        "`asyncio.Queue.put_nowait()` in `a._deliver` (line 21 of pkg/a.py), called from `a.publish`, "
        "which runs on a worker thread (`asyncio.to_thread`)"
    )
    assert "loop.call_soon_threadsafe(readings.put_nowait, ...)" in handed["suggestion"]
    assert handed["chain"] == [
        {"path": "pkg/a.py", "line": 16, "function": "a.publish"},
        {"path": "pkg/a.py", "line": 20, "function": "a._deliver"},
        {"path": "pkg/a.py", "line": 21, "function": "readings.put_nowait()"},
    ]
    method = by_line[_line("target=feed.pump")]
    assert "in `Feed.pump` (line 69 of pkg/a.py)" in method["message"]
    scheduled = by_line[_line("submit(schedule")]
    assert "`asyncio.create_task()` in `a.schedule`" in scheduled["message"]
    assert "run_coroutine_threadsafe" in scheduled["suggestion"]


def test_the_thread_safe_way_in_silences_it(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    module = root / "pkg" / "a.py"
    text = module.read_text(encoding="utf-8")
    fixed = text.replace(
        "def poll(sensor):\n    readings.put_nowait(sensor)\n",
        "def poll(sensor, loop: asyncio.AbstractEventLoop):\n    loop.call_soon_threadsafe(readings.put_nowait, sensor)\n",
    )
    assert fixed != text
    module.write_text(fixed, encoding="utf-8")
    polled = {("pkg/b.py", _line(text)) for text in ("target=poll", "a.poll, None", "a.poll(None)", "c.relay")}
    assert _found(root, "pkg/b.py") == _expected(root) - polled


def test_a_cached_result_follows_the_other_module(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    module = root / "pkg" / "a.py"
    runs = []
    for _ in range(2):
        runs.append({(d["path"], d["line"]) for d in _run(root, "--cache-dir", str(tmp_path / "cache"), "pkg/b.py")})
        # The helper now runs a loop of its own on its thread: its queue may be that loop's.
        text = module.read_text(encoding="utf-8")
        module.write_text(text.replace("def publish(item):\n", "def publish(item):\n    asyncio.run(asyncio.sleep(0))\n"), encoding="utf-8")
    assert runs[0] == _expected(root)
    assert runs[1] == _expected(root) - {("pkg/b.py", _line(text)) for text in ("to_thread(publish", "a.publish(item)")}


def test_the_summary_keeps_the_loop_affine_calls() -> None:
    source = (FIXTURES / "pkg" / "a.py").read_text(encoding="utf-8")
    summary = summarize_source(source, module_name="pkg.a")
    functions = summary.functions
    assert [(use.line, use.what, use.shown) for use in functions["Feed.pump"].loop_affine] == [
        (69, "asyncio.Queue.put_nowait()", "self.updates.put_nowait")
    ]
    assert [use.what for use in functions["schedule"].loop_affine] == ["asyncio.create_task()"]
    silent = ("forward", "submit", "enqueue", "own_queue", "Feed.relay", "notify")
    assert not any(functions[name].loop_affine for name in silent if name != "notify")
    assert functions["notify"].loop_aware and functions["serve"].loop_aware and functions["run_alone"].loop_aware
    assert not functions["poll"].loop_aware
    # What a caller of `server_loop()` holds is a loop; `fresh_loop()` makes it, so its
    # callers' loop may be their own.
    assert functions["server_loop"].returns_asyncio == "asyncio.AbstractEventLoop" and not functions["server_loop"].loop_aware
    assert functions["fresh_loop"].loop_aware and not functions["poll"].returns_asyncio
    for function in functions.values():
        assert FunctionSummary.from_dict(json.loads(json.dumps(function.as_dict()))) == function
