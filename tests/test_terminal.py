"""The text output as a person sees it: colour (and when not), `--show-source` code frames,
the summary line, `--output-file`, and the progress bar (only on a terminal, never in pipes
or CI logs).

Colour is checked in-process with click's CliRunner (`color=True` makes it behave like a
terminal) and through the real command on a pipe and, on POSIX, on a pseudo-terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from conclint import cli
from conclint.core.model import Diagnostic, Edit, Fix, Span
from conclint.reporters.text import code_frame, summary
from conclint.project.runner import RunResult

BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"
MULTI_LINE = "import time\n\nasync def handler():\n    time.sleep(\n        1,\n    )\n"
ESC = "\x1b["
COMMAND = [sys.executable, "-m", "conclint"]


def invoke(*args: str, color: bool = False, env: dict[str, str | None] | None = None) -> Result:
    base_env: dict[str, str | None] = {"NO_COLOR": None, "CI": None}
    try:
        runner = CliRunner(mix_stderr=False, env={**base_env, **(env or {})})  # click < 8.2
    except TypeError:
        runner = CliRunner(env={**base_env, **(env or {})})
    return runner.invoke(cli.main, list(args), color=color, catch_exceptions=False)


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "CI", "FORCE_COLOR")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "bad.py").write_text(BLOCKING)
    (tmp_path / "multi.py").write_text(MULTI_LINE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- colour --------------------------------------------------------------------------------------------


def test_colour_on_a_terminal(project: Path) -> None:
    result = invoke("bad.py", color=True)
    assert ESC in result.stdout
    assert click.unstyle(result.stdout).startswith("bad.py:4:5: CCL101 ")
    assert click.style("CCL101", fg="red", bold=True) in result.stdout


def test_no_colour_when_not_a_terminal(project: Path) -> None:
    result = invoke("bad.py", color=False)
    assert ESC not in result.stdout
    assert result.stdout.startswith("bad.py:4:5: CCL101 ")


def test_no_color_flag(project: Path) -> None:
    result = invoke("--no-color", "bad.py", color=True)
    assert ESC not in result.stdout
    assert result.stdout.startswith("bad.py:4:5: CCL101 ")


@pytest.mark.parametrize("value", ["1", "true", "anything"])
def test_no_color_environment_variable(project: Path, value: str) -> None:
    assert ESC not in invoke("bad.py", color=True, env={"NO_COLOR": value}).stdout


def test_an_empty_no_color_does_not_count(project: Path) -> None:
    assert ESC in invoke("bad.py", color=True, env={"NO_COLOR": ""}).stdout


def test_color_flag_beats_no_color_and_pipes(project: Path) -> None:
    assert ESC in invoke("--color", "bad.py", color=False, env={"NO_COLOR": "1"}).stdout


def test_machine_formats_are_never_coloured(project: Path) -> None:
    for output_format in ("json", "sarif", "github"):
        assert ESC not in invoke("--format", output_format, "--color", "bad.py", color=True).stdout


def test_the_real_command_on_a_pipe_has_no_colour(project: Path) -> None:
    completed = subprocess.run(
        [*COMMAND, "--show-source", "bad.py"], capture_output=True, text=True, env=clean_env(), timeout=120
    )
    assert completed.returncode == 1
    assert ESC not in completed.stdout and ESC not in completed.stderr
    assert completed.stdout.startswith("bad.py:4:5: CCL101 ")
    forced = subprocess.run(
        [*COMMAND, "--color", "bad.py"], capture_output=True, text=True, env=clean_env(), timeout=120
    )
    assert ESC in forced.stdout


def _run_on_terminal(args: list[str], env: dict[str, str], stdout_tty: bool, stderr_tty: bool) -> tuple[str, str]:
    """Run the command with stdout and/or stderr on a pseudo-terminal; return (stdout, stderr)."""
    import pty

    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            [*COMMAND, *args],
            stdin=subprocess.DEVNULL,
            stdout=slave if stdout_tty else subprocess.PIPE,
            stderr=slave if stderr_tty else subprocess.PIPE,
            env=env,
        )
    finally:
        os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    piped_out, piped_err = process.communicate(timeout=120)
    text = terminal.decode("utf-8", errors="replace")
    return (
        text if stdout_tty else piped_out.decode("utf-8", errors="replace"),
        text if stderr_tty else piped_err.decode("utf-8", errors="replace"),
    )


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")


@posix_only
def test_the_real_command_on_a_terminal_is_coloured_unless_no_color(project: Path) -> None:
    coloured, _ = _run_on_terminal(["bad.py"], clean_env(), stdout_tty=True, stderr_tty=False)
    assert ESC in coloured and "CCL101" in coloured
    plain, _ = _run_on_terminal(["bad.py"], clean_env(NO_COLOR="1"), stdout_tty=True, stderr_tty=False)
    assert ESC not in plain and "bad.py:4:5: CCL101 " in plain


# --- the progress bar ----------------------------------------------------------------------------------


@pytest.fixture
def many_files(project: Path) -> Path:
    for index in range(cli.PROGRESS_MIN_FILES + 10):
        (project / f"mod{index:03}.py").write_text("x = 1\n")
    return project


@posix_only
def test_progress_bar_on_a_terminal_for_long_runs(many_files: Path) -> None:
    stdout, stderr = _run_on_terminal(["-q"], clean_env(), stdout_tty=False, stderr_tty=True)
    assert "Checking" in stderr and f"{cli.PROGRESS_MIN_FILES + 12}/{cli.PROGRESS_MIN_FILES + 12} files" in stderr
    assert "Checking" not in stdout and stdout.startswith("bad.py:4:5: CCL101 ")
    # issue 19: the bar is erased when the run ends (and the cursor shown again)
    assert stderr.endswith("\r\x1b[2K\x1b[?25h")


def test_the_progress_bar_counts_sizes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the pool lints the biggest files first: counted per file, the estimate was hours long
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 99)  # 6 bytes a line
    files = [str(big)]
    for index in range(cli.PROGRESS_MIN_FILES + 1):
        (tmp_path / f"small{index}.py").write_text("x = 1\n")
        files.append(str(tmp_path / f"small{index}.py"))
    monkeypatch.setattr(cli, "_is_terminal", lambda stream: True)
    monkeypatch.delenv("CI", raising=False)
    bars: list[object] = []
    real = click.progressbar

    def spy(**kwargs: object) -> object:
        bars.append(real(**kwargs))
        return bars[-1]

    monkeypatch.setattr(click, "progressbar", spy)
    with cli._progress_bar(files) as advance:
        advance(str(big))
        (bar,) = bars
        assert bar.length == 6 * (99 + 1 + cli.PROGRESS_MIN_FILES)  # type: ignore[attr-defined]
        assert bar.pos == 6 * 99  # type: ignore[attr-defined]


@posix_only
def test_no_progress_bar_in_ci(many_files: Path) -> None:
    _, stderr = _run_on_terminal(["-q"], clean_env(CI="true"), stdout_tty=False, stderr_tty=True)
    assert "Checking" not in stderr


@posix_only
def test_no_progress_bar_for_short_runs(project: Path) -> None:
    _, stderr = _run_on_terminal(["-q"], clean_env(), stdout_tty=False, stderr_tty=True)
    assert "Checking" not in stderr


def test_no_progress_bar_in_pipes(many_files: Path) -> None:
    completed = subprocess.run([*COMMAND, "-q"], capture_output=True, text=True, env=clean_env(), timeout=120)
    assert completed.stderr == ""
    assert invoke("-q", color=True).stderr == ""


# --- --show-source -------------------------------------------------------------------------------------


def test_show_source_frames_each_finding_with_its_suggestion(project: Path) -> None:
    result = invoke("--show-source", "bad.py")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("bad.py:4:5: CCL101 ")
    assert lines[1:5] == [
        "  |",
        "4 |     time.sleep(1)",
        "  |     ^^^^^^^^^^^^^",
        "  = help: " + _suggestion("bad.py"),
    ]
    assert lines[5] == ""
    assert lines[6] == "Found 1 problem in 1 file."


def test_show_source_underlines_only_the_first_line_of_a_multi_line_call(project: Path) -> None:
    # issue 19: carets under every argument line hid the call; the first line says where it is
    lines = invoke("--show-source", "multi.py").stdout.splitlines()
    assert lines[1:6] == [
        "  |",
        "4 |     time.sleep(",
        "  |     ^^^^^^^^^^^",
        "5 |         1,",
        "6 |     )",
    ]
    assert lines[6].startswith("  = help: ")


def test_show_source_keeps_carets_under_tabs_and_wide_characters() -> None:
    diagnostic = Diagnostic("x.py", Span(1, 7, 1, 9), "CCL101", "n", "m", suggestion="do this")
    lines = ["\t名前 = f(x)"]  # the span covers `f(` after a tab and two wide characters
    frame = [click.unstyle(line) for line in code_frame(diagnostic, lines)]
    assert frame == ["  |", "1 | \t名前 = f(x)", "  | \t" + " " * 7 + "^^", "  = help: do this", ""]


def test_show_source_cuts_long_spans(tmp_path: Path) -> None:
    diagnostic = Diagnostic("x.py", Span(1, 1, 40, 2), "CCL101", "n", "m")
    frame = [click.unstyle(line) for line in code_frame(diagnostic, [f"line{n}" for n in range(1, 41)])]
    assert frame[-2] == "  ..." and sum(1 for line in frame if "^" in line) == 1
    assert sum(1 for line in frame if line.startswith(("1 |", " 1 |", "5 |", " 5 |"))) == 2


def test_show_source_without_the_file_still_shows_the_suggestion() -> None:
    diagnostic = Diagnostic("gone.py", Span(3, 1, 3, 2), "CCL101", "n", "m", suggestion="do this")
    assert code_frame(diagnostic, None) == ["  " + click.style("= help:", fg="cyan", bold=True) + " do this", ""]


def test_show_source_coloured(project: Path) -> None:
    result = invoke("--show-source", "bad.py", color=True)
    assert click.style("^^^^^^^^^^^^^", fg="red", bold=True) in result.stdout
    assert ESC not in invoke("--show-source", "--no-color", "bad.py", color=True).stdout


def test_show_source_through_the_real_command(project: Path) -> None:
    completed = subprocess.run(
        [*COMMAND, "--show-source", "bad.py"], capture_output=True, text=True, env=clean_env(), timeout=120
    )
    assert "4 |     time.sleep(1)\n  |     ^^^^^^^^^^^^^\n  = help: " in completed.stdout


def _suggestion(path: str) -> str:
    import json

    return json.loads(invoke("--format", "json", path).stdout)[0]["suggestion"]


# --- the summary line and --output-file ----------------------------------------------------------------


def _diagnostic(path: str, fixable: bool = False) -> Diagnostic:
    fix = Fix((Edit(Span(1, 1, 1, 2), "y"),), safe=True) if fixable else None
    return Diagnostic(path, Span(1, 1, 1, 2), "CCL101", "n", "m", fix=fix)


def test_summary_counts_problems_files_and_fixable() -> None:
    diagnostics = [_diagnostic("a.py", True), _diagnostic("a.py"), _diagnostic("b.py", True)]
    assert summary(RunResult(diagnostics, files_checked=5)) == "Found 3 problems in 2 files (2 fixable with --fix)."
    assert summary(RunResult(diagnostics[1:2], files_checked=5)) == "Found 1 problem in 1 file."
    assert summary(RunResult([], files_checked=5)) == "All checks passed."


def test_summary_says_what_unsafe_fixes_would_remove() -> None:
    diagnostics = [_diagnostic("a.py", True), _diagnostic("a.py"), _diagnostic("b.py")]
    result = RunResult(diagnostics, files_checked=5)
    assert summary(result, unsafe_fixable=2) == "Found 3 problems in 2 files (1 fixable with --fix, 2 more with --unsafe-fixes)."
    only_unsafe = RunResult(diagnostics[1:], files_checked=5)
    assert summary(only_unsafe, unsafe_fixable=2) == "Found 2 problems in 2 files (2 fixable with --fix --unsafe-fixes)."
    assert summary(RunResult(diagnostics[1:2]), fixed=1, unsafe_fixable=1) == (
        "Found 2 problems (1 fixed, 1 remaining, 1 fixable with --fix --unsafe-fixes)."
    )


def test_summary_counts_hidden_unsafe_fixes_through_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a helper call's offload fix is unsafe: without --unsafe-fixes it is not `[*]` but counted
    source = "import asyncio\nimport time\n\ndef nap():\n    time.sleep(1)\n\nasync def main():\n    nap()\n"
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "app.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    hidden = invoke("--no-cache", "app.py").stdout.splitlines()
    assert "[*]" not in hidden[0]
    assert hidden[-1] == "Found 1 problem in 1 file (1 fixable with --fix --unsafe-fixes)."
    shown = invoke("--no-cache", "--unsafe-fixes", "app.py").stdout.splitlines()
    assert "[*]" in shown[0] and shown[-1] == "Found 1 problem in 1 file (1 fixable with --fix)."


def test_summary_through_the_command(project: Path) -> None:
    result = invoke()
    assert result.stdout.splitlines()[-1] == "Found 2 problems in 2 files."
    assert invoke("--quiet").stdout.splitlines()[-1].startswith("multi.py:4:5: CCL101 ")


def test_output_file_gets_the_report_without_colour(project: Path) -> None:
    result = invoke("--show-source", "--output-file", "report.txt", color=True)
    assert result.exit_code == 1
    assert result.stdout == ""
    written = (project / "report.txt").read_text(encoding="utf-8")
    assert ESC not in written
    assert written.startswith("bad.py:4:5: CCL101 ") and written.endswith("Found 2 problems in 2 files.\n")


def test_output_file_that_cannot_be_written_exits_2(project: Path) -> None:
    result = invoke("--output-file", str(project / "no such dir" / "report.txt"))
    assert result.exit_code == 2
    assert "cannot write the report" in result.stderr
