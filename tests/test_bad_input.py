"""Hostile and broken input, through the real command: every bad file is reported or refused
cleanly, the good file next to it is still checked, and no traceback ever reaches the user.

A file that cannot be analysed gets a CCL001 finding with a reason (exit 1); a path that
cannot be read at all is an error on stderr (exit 2).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conclint import cli
from conclint.project import runner
from conclint.project import lint_one
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.rules.general.parse_error import ParseError

GOOD = "import time\nasync def handler():\n    time.sleep(1)\n"
LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<code>CCL\d{3}) (?P<message>.*)$")
# The reason is whatever the CCL001 message template puts in its `{reason}` slot.
REASON = re.compile(re.escape(ParseError.MESSAGE).replace(re.escape("{reason}"), "(?P<reason>.+)"))


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class Run:
    returncode: int
    findings: list[Finding]
    stdout: str
    stderr: str

    def codes_for(self, path: str) -> list[str]:
        return [finding.code for finding in self.findings if finding.path == path]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def conclint(project: Path, *args: str) -> Run:
    """Run the real command (a fresh interpreter: a crash cannot take the test run with it)."""
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", *args],
        cwd=project,
        capture_output=True,
        timeout=300,
    )
    stdout = completed.stdout.decode("utf-8", "replace")
    stderr = completed.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stdout + stderr
    assert completed.returncode in (0, 1, 2), f"crashed with {completed.returncode}: {stderr[-500:]}"
    findings = []
    for line in stdout.splitlines()[:-1]:  # the last line is the summary
        match = LINE.match(line)
        assert match, f"not a finding line: {line!r}"
        findings.append(Finding(match["path"], int(match["line"]), match["code"], match["message"]))
    run = Run(completed.returncode, findings, stdout, stderr)
    assert run.codes_for("good.py") == ["CCL101"], "the good file must still be checked"
    return run


def assert_unanalysable(run: Run, path: str, *reason_words: str) -> str:
    """`path` got exactly one CCL001 finding whose message gives a reason; the reason is returned."""
    findings = [finding for finding in run.findings if finding.path == path]
    assert [finding.code for finding in findings] == ["CCL001"]
    reason = REASON.fullmatch(findings[0].message)
    assert reason and reason["reason"].strip()
    assert all(word in reason["reason"] for word in reason_words), reason["reason"]
    assert run.returncode == 1
    return reason["reason"]


# --- files that are read but cannot be analysed: CCL001 ---------------------------------------------


def test_syntax_error(project: Path) -> None:
    (project / "broken.py").write_text("async def handler(:\n    pass\n")
    assert_unanalysable(conclint(project), "broken.py", "syntax error")


def test_python2_file(project: Path) -> None:
    (project / "legacy.py").write_text("print 'hello'\n")
    assert_unanalysable(conclint(project), "legacy.py")


def test_undecodable_bytes_without_a_coding_cookie(project: Path) -> None:
    (project / "binary.py").write_bytes(b"x = '\xff\xfe\x80'\n")
    reason = assert_unanalysable(conclint(project), "binary.py")
    assert "encod" in reason or "decod" in reason


def test_unknown_coding_cookie(project: Path) -> None:
    (project / "cookie.py").write_bytes(b"# -*- coding: no-such-codec -*-\nx = 1\n")
    assert_unanalysable(conclint(project), "cookie.py")


def test_nul_bytes(project: Path) -> None:
    (project / "nul.py").write_bytes(b"x = 1\x00\ny = 2\n")
    assert_unanalysable(conclint(project), "nul.py")


def test_huge_implicit_string_concatenation(project: Path) -> None:
    (project / "strings.py").write_text("x = (" + " ".join(['"a"'] * 50_000) + ")\n")
    run = conclint(project)
    # CPython accepts this; if the parser underneath cannot, the file must say so, not crash.
    assert run.codes_for("strings.py") in ([], ["CCL001"])


def test_deeply_nested_brackets(project: Path) -> None:
    (project / "nested.py").write_text("x = " + "(" * 2000 + "1" + ")" * 2000 + "\n")
    assert_unanalysable(conclint(project), "nested.py")


def test_deeply_nested_mixed_brackets(project: Path) -> None:
    (project / "nested.py").write_text("x = " + "[{(" * 700 + "1" + ")}]" * 700 + "\n")
    assert_unanalysable(conclint(project), "nested.py")


def test_very_long_operator_chain(project: Path) -> None:
    (project / "chain.py").write_text("x = " + " + ".join(["1"] * 10_000) + "\n")
    run = conclint(project)
    assert run.codes_for("chain.py") in ([], ["CCL001"])


# --- files that are odd but fine ---------------------------------------------------------------------


def test_latin1_file_with_coding_cookie_is_linted(project: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nimport time\nasync def h():\n    time.sleep(1)\ns = 'café'\n"
    (project / "latin.py").write_bytes(source.encode("latin-1"))
    run = conclint(project)
    assert [(f.code, f.line) for f in run.findings if f.path == "latin.py"] == [("CCL101", 4)]


def test_utf8_bom_and_crlf_are_linted(project: Path) -> None:
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    (project / "crlf.py").write_bytes(GOOD.replace("\n", "\r\n").encode())
    run = conclint(project)
    assert [(f.code, f.line) for f in run.findings if f.path in ("bom.py", "crlf.py")] == [("CCL101", 3)] * 2


def test_empty_file(project: Path) -> None:
    (project / "empty.py").write_bytes(b"")
    run = conclint(project)
    assert run.codes_for("empty.py") == []
    assert run.returncode == 1


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs a file system that allows any bytes in names")
def test_undecodable_file_name(project: Path) -> None:
    directory = project / os.fsdecode(b"odd\xffdir")
    directory.mkdir()
    (directory / "mod.py").write_text(GOOD)
    run = conclint(project)
    assert run.returncode == 1
    assert len(run.findings) == 2


# --- paths that cannot be read at all: errors, exit 2 ------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="needs POSIX symlinks")
def test_directory_symlink_loop(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "mod.py").write_text(GOOD)
    (project / "pkg" / "loop").symlink_to("..")
    run = conclint(project)
    assert run.returncode == 1
    assert sorted(f.path for f in run.findings) == ["good.py", os.path.join("pkg", "mod.py")]


@pytest.mark.skipif(os.name == "nt", reason="needs POSIX symlinks")
def test_dangling_symlink_named_on_the_command_line(project: Path) -> None:
    (project / "gone.py").symlink_to("deleted.py")
    run = conclint(project, "gone.py", "good.py")
    assert run.returncode == 2
    assert run.stderr == "gone.py: error: broken symbolic link\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_fifo_named_on_the_command_line(project: Path) -> None:
    os.mkfifo(project / "pipe.py")  # reading it would block forever
    run = conclint(project, "pipe.py", "good.py")
    assert run.returncode == 2
    assert run.stderr == "pipe.py: error: not a regular file\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_fifo_found_while_walking_is_skipped(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    assert conclint(project).returncode == 1


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root (and Windows) ignore mode bits")
def test_unreadable_file(project: Path) -> None:
    locked = project / "locked.py"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        run = conclint(project)
    finally:
        locked.chmod(0o644)
    assert run.returncode == 2
    assert run.stderr == "locked.py: error: permission denied\n"


def test_missing_path(project: Path) -> None:
    run = conclint(project, "missing.py", ".")
    assert run.returncode == 2
    assert run.stderr == "missing.py: error: no such file or directory\n"


# --- the runner itself ----------------------------------------------------------------------------------


def test_internal_error_in_one_file_does_not_stop_the_others(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "boom.py").write_text("x = 1\n")
    real_lint_source = lint_one.lint_source

    def lint_source(source, path, settings, project=None):  # type: ignore[no-untyped-def]
        if path.endswith("boom.py"):
            raise ValueError("engine bug\nwith two lines")
        return real_lint_source(source, path, settings, project)

    monkeypatch.setattr(lint_one, "lint_source", lint_source)
    monkeypatch.chdir(project)
    try:
        cli_runner = CliRunner(mix_stderr=False)
    except TypeError:
        cli_runner = CliRunner()
    result = cli_runner.invoke(cli.main, [], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout.startswith("good.py:3:5: CCL101 ")
    assert result.stderr == "boom.py: error: internal error: ValueError: engine bug with two lines\n"


def test_runner_reports_a_directory_passed_as_a_file(project: Path) -> None:
    (project / "pkg").mkdir()
    result = runner.lint_paths([str(project / "pkg"), str(project / "good.py")], DEFAULT_SETTINGS)
    assert result.errors == [(str(project / "pkg"), "is a directory")]
    assert result.files_checked == 1
    assert [d.code for d in result.diagnostics] == ["CCL101"]
