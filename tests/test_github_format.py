"""`--format github`: one workflow command per finding, checked line by line.

The grammar and escaping are those of the Actions runner (actions/toolkit `command.ts`):
`::error key=value,...::message`, with `%`, CR and LF percent-encoded in the message and
additionally `:` and `,` in property values.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result

from conclint import cli
from conclint.core.model import Diagnostic, Span
from conclint.reporters.github import annotation, escape_data, escape_property

BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"
COMMAND = re.compile(
    r"^::error file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<endLine>\d+),endColumn=(?P<endColumn>\d+),title=(?P<title>CCL\d{3})"
    r"::(?P<message>[^\r\n]*)$"
)


def invoke(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli.main, list(args), catch_exceptions=False)


def unescape(value: str) -> str:
    """What the Actions runner recovers from an escaped value (only %XX sequences are encoded)."""
    return unquote(value)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "service.py").write_text(BLOCKING * 2)
    (tmp_path / "a,b.py").write_text(BLOCKING)
    (tmp_path / "clean.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_line_is_one_annotation_matching_the_json_findings(project: Path) -> None:
    result = invoke("--format", "github")
    assert result.exit_code == 1
    findings = json.loads(invoke("--format", "json").stdout)
    lines = result.stdout.split("\n")
    assert lines[-1] == ""  # newline-terminated, nothing after the last command
    lines = lines[:-1]
    assert len(lines) == len(findings) == 3
    for line, finding in zip(lines, findings):
        match = COMMAND.match(line)
        assert match, line
        assert unescape(match["file"]) == finding["path"].replace("\\", "/")
        assert int(match["line"]) == finding["line"]
        assert int(match["col"]) == finding["column"]
        assert int(match["endLine"]) == finding["end_line"]
        assert int(match["endColumn"]) == finding["end_column"]
        assert match["title"] == finding["code"]
        # the suggestion follows the message, on its own line of the annotation
        assert unescape(match["message"]) == f"{finding['message']}\n{finding['suggestion']}"


def test_a_comma_in_a_file_name_is_escaped(project: Path) -> None:
    (line,) = invoke("--format", "github", "a,b.py").stdout.splitlines()
    assert line.startswith("::error file=a%2Cb.py,line=4,col=5,")


def test_no_summary_line_and_nothing_for_a_clean_run(project: Path) -> None:
    result = invoke("--format", "github", "clean.py")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_errors_still_go_to_stderr(project: Path) -> None:
    result = invoke("--format", "github", "missing.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "missing.py: error: no such file or directory\n"


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain text", "plain text", "plain text"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("two\nlines\r\n", "two%0Alines%0D%0A", "two%0Alines%0D%0A"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A is not a newline", "%250A is not a newline", "%250A is not a newline"),
    ],
)
def test_escaping_follows_the_runner(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop
    assert unescape(data) == raw and unescape(prop) == raw


def test_an_annotation_without_a_suggestion_is_the_message_alone() -> None:
    diagnostic = Diagnostic("a.py", Span(1, 1, 1, 2), "CCL001", "parse-error", "invalid syntax")
    assert annotation(diagnostic).endswith("title=CCL001::invalid syntax")


def test_an_annotation_with_every_special_character() -> None:
    diagnostic = Diagnostic(
        path="dir\\odd:name,1.py",
        span=Span(3, 5, 4, 2),
        code="CCL101",
        name="blocking-sleep-in-async",
        message="50% of\nthe time: a, b\r",
    )
    line = annotation(diagnostic)
    assert line == (
        "::error file=dir/odd%3Aname%2C1.py,line=3,col=5,endLine=4,endColumn=2,title=CCL101"
        "::50%25 of%0Athe time: a, b%0D"
    )
    assert "\n" not in line and "\r" not in line


def test_the_installed_command(project: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--format", "github", "pkg"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 2
    assert all(COMMAND.match(line) for line in lines)
    assert lines[0].startswith("::error file=pkg/service.py,line=4,col=5,endLine=4,endColumn=18,title=CCL101::")
