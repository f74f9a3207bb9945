"""`--fix`, `--unsafe-fixes` and `--diff` on real files: what is written, what is refused,
what is printed, and the exit codes."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conclint import cli
from conclint.autofix.writing import WriteRefused, read_source_file, write_fixed

SLEEPY = "import asyncio, time, requests\n\nasync def handler(url):\n    time.sleep(1)\n    return requests.get(url)\n"
SAFE_FIXED = SLEEPY.replace("time.sleep(1)", "await asyncio.sleep(1)").replace("import asyncio, time, requests", "import asyncio, requests")
AWAITED_HELPER = (
    "import asyncio, time\n\ndef helper():\n    time.sleep(1)\n    return asyncio.sleep(0)\n\n"
    "async def main():\n    await helper()\n    time.sleep(2)\n"
)
ALL_FIXED = SAFE_FIXED.replace("requests.get(url)", "await asyncio.to_thread(requests.get, url)")


def invoke(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2 mixes the streams unless told not to
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli.main, ["--no-cache", *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_applies_safe_fixes_and_reports_what_remains(project: Path) -> None:
    (project / "app.py").write_text(SLEEPY)
    result = invoke("--fix", "app.py")
    assert (project / "app.py").read_text() == SAFE_FIXED
    assert result.exit_code == 1
    assert "app.py:5:12: CCL102 " in result.stdout
    assert "Found 2 problems (1 fixed, 1 remaining, 1 fixable with --fix --unsafe-fixes)." in result.stdout


def test_unsafe_fixes_fix_everything_and_a_second_run_changes_nothing(project: Path) -> None:
    (project / "app.py").write_text(SLEEPY)
    first = invoke("--fix", "--unsafe-fixes", "app.py")
    assert first.exit_code == 0, first.stdout
    assert (project / "app.py").read_text() == ALL_FIXED
    assert "Found 2 problems (2 fixed, 0 remaining)." in first.stdout
    second = invoke("--fix", "--unsafe-fixes", "app.py")
    assert second.exit_code == 0
    assert "All checks passed." in second.stdout
    assert (project / "app.py").read_text() == ALL_FIXED


def test_a_fix_that_cannot_apply_is_neither_marked_nor_an_error(project: Path) -> None:
    # Offloading `helper()`, already awaited, would write `await await ...`: that finding
    # has no fix, the sleep's fix still applies, and the run exits 1 for the finding left.
    (project / "app.py").write_text(AWAITED_HELPER)
    listed = invoke("--unsafe-fixes", "app.py").stdout
    assert "app.py:8:11: CCL101 `helper()`" in listed and "(1 fixable with --fix)" in listed
    result = invoke("--fix", "--unsafe-fixes", "app.py")
    assert result.exit_code == 1
    assert "could not be checked" not in result.stdout + result.stderr
    assert "await asyncio.sleep(2)" in (project / "app.py").read_text()


def test_diff_prints_the_fixes_and_writes_nothing(project: Path) -> None:
    (project / "app.py").write_text(SLEEPY)
    result = invoke("--diff", "app.py")
    assert result.exit_code == 1
    assert (project / "app.py").read_text() == SLEEPY
    assert result.stdout.splitlines()[:2] == ["--- app.py", "+++ app.py"]
    assert "-    time.sleep(1)\n+    await asyncio.sleep(1)\n" in result.stdout
    assert "to_thread" not in "".join(line for line in result.stdout.splitlines(True) if line.startswith("+"))
    (project / "app.py").write_text(ALL_FIXED)
    clean = invoke("--diff", "app.py")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_text_and_json_mark_what_this_run_would_fix(project: Path) -> None:
    (project / "app.py").write_text(SLEEPY)
    text = invoke("app.py").stdout.splitlines()
    assert text[0] == "app.py:4:5: CCL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)` instead"
    assert "[*]" not in text[1]
    safe = {row["code"]: row["fixable"] for row in json.loads(invoke("--format", "json", "app.py").stdout)}
    assert safe == {"CCL101": True, "CCL102": False}
    unsafe = json.loads(invoke("--format", "json", "--unsafe-fixes", "app.py").stdout)
    assert all(row["fixable"] for row in unsafe)


def test_crlf_latin1_cookie_and_bom_survive_a_fix(project: Path) -> None:
    crlf = SLEEPY.replace("\n", "\r\n").encode()
    latin1 = ("# -*- coding: latin-1 -*-\n# café\n" + SLEEPY).encode("latin-1")
    bom = b"\xef\xbb\xbf" + ("# café\n" + SLEEPY).encode()
    for name, data in (("crlf.py", crlf), ("latin1.py", latin1), ("bom.py", bom)):
        (project / name).write_bytes(data)
    result = invoke("--fix", "crlf.py", "latin1.py", "bom.py")
    assert "3 fixed" in result.stdout, result.stdout
    assert (project / "crlf.py").read_bytes() == SAFE_FIXED.replace("\n", "\r\n").encode()
    assert (project / "latin1.py").read_bytes() == ("# -*- coding: latin-1 -*-\n# café\n" + SAFE_FIXED).encode("latin-1")
    assert (project / "bom.py").read_bytes() == b"\xef\xbb\xbf" + ("# café\n" + SAFE_FIXED).encode()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_file_mode_is_kept(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    path.chmod(0o750)
    invoke("--fix", "app.py")
    assert path.read_text() == SAFE_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o750


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_read_only_file_is_not_written(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    path.chmod(0o444)
    try:
        result = invoke("--fix", "app.py")
        assert path.read_text() == SLEEPY
        assert result.exit_code == 2
        assert "app.py: error: not fixed: the file is read-only" in result.stderr
        assert "CCL101" in result.stdout  # still reported
    finally:
        path.chmod(0o644)


def test_file_changed_between_read_and_write_is_not_overwritten(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    source = read_source_file(str(path))
    path.write_text(SLEEPY + "# edited meanwhile\n")
    with pytest.raises(WriteRefused, match="changed since it was read"):
        write_fixed(source, SAFE_FIXED)
    assert path.read_text() == SLEEPY + "# edited meanwhile\n"
    assert [p.name for p in project.iterdir() if p.name.endswith(".conclint")] == []  # no temporary left


def test_same_size_change_within_the_same_second_is_noticed(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    source = read_source_file(str(path))
    path.write_text(SLEEPY.replace("handler", "handlex"))
    os.utime(path, ns=(source.mtime_ns, source.mtime_ns))  # even with the old time
    with pytest.raises(WriteRefused):
        write_fixed(source, SAFE_FIXED)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_symlink_stays_a_symlink(project: Path) -> None:
    real = project / "real.py"
    real.write_text(SLEEPY)
    (project / "link.py").symlink_to(real)
    invoke("--fix", "link.py")
    assert (project / "link.py").is_symlink()
    assert real.read_text() == SAFE_FIXED


def test_fix_uses_cached_findings_and_caches_the_fixed_file(project: Path) -> None:
    (project / "app.py").write_text(SLEEPY)
    runner_args = ["--cache-dir", str(project / "cache")]

    def run(*args: str) -> Result:
        try:
            runner = CliRunner(mix_stderr=False)
        except TypeError:
            runner = CliRunner()
        return runner.invoke(cli.main, [*runner_args, *args], catch_exceptions=False)

    assert run("app.py").exit_code == 1  # fills the cache, fixes included
    fixed = run("--fix", "app.py")
    assert (project / "app.py").read_text() == SAFE_FIXED
    assert "Found 2 problems (1 fixed, 1 remaining, 1 fixable with --fix --unsafe-fixes)." in fixed.stdout
    again = run("app.py")
    assert again.stdout.splitlines()[0].startswith("app.py:5:12: CCL102 ")
    assert "Found 1 problem in 1 file (1 fixable with --fix --unsafe-fixes)." in again.stdout
