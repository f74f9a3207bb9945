"""File names no report should trust, through the real command in every format: a name
that is not valid UTF-8 (byte 0xff, which Python holds as a surrogate escape), a name
holding a newline, and one that would start a GitHub workflow command after that newline.

Every format must write all of its output (no crash, nothing but UTF-8), keep one finding
a line where it is line-based, and still name the very file: SARIF through a URI of the
name's bytes, GitHub through the runner's escapes, JSON through the path itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, unquote_to_bytes

import pytest

from conclint.reporters.names import encodable, one_line
from conclint.syntax.cpython_check import PYTHON_NAMED

jsonschema = pytest.importorskip("jsonschema")

pytestmark = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="needs a file system that allows any bytes in names"
)

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"
UNDECODABLE = b"odd\xffname.py"
NEWLINE = b"new\nline.py"
INJECTION = b"bad\n::warning::injected.py"  # a syntax error: its finding is CCL001
MISSING = b"gone\xff\n::error::x.py"  # named on the command line, does not exist: an error
# A URI reference's characters (RFC 3986, section 2): unreserved, reserved, percent-escapes.
URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
GITHUB_COMMAND = re.compile(
    r"::error file=(?P<file>[^,:\r\n]+),line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=CCL\d{3}::[^\r\n]*"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    for name, source in ((UNDECODABLE, BLOCKING), (NEWLINE, BLOCKING), (INJECTION, "def f(:\n")):
        with open(os.path.join(os.fsencode(tmp_path), name), "w", encoding="utf-8") as file:
            file.write(source)
    return tmp_path


def conclint(project: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    """The real command, its output as bytes: what a CI log or a viewer would receive."""
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", *args],
        cwd=project,
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert b"Traceback" not in completed.stdout + completed.stderr, completed.stderr.decode("utf-8", "replace")
    return completed


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def artifact_uris(log: dict[str, Any]) -> list[str]:
    run = log["runs"][0]
    results = [result["locations"][0] for result in run["results"]]
    notifications = [n["locations"][0] for n in run["invocations"][0]["toolExecutionNotifications"]]
    return [location["physicalLocation"]["artifactLocation"]["uri"] for location in results + notifications]


# --- SARIF -----------------------------------------------------------------------------------------


def test_sarif_is_valid_utf8_json_with_uris_of_the_names_bytes(project: Path) -> None:
    completed = conclint(project, "--format", "sarif", ".", MISSING)
    assert completed.returncode == 2
    log = json.loads(completed.stdout.decode("utf-8"))  # strict: the output is UTF-8
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(log))
    for text in strings(log):
        text.encode("utf-8")  # no lone surrogate anywhere: every string is Unicode text
    uris = artifact_uris(log)
    assert all(URI_CHARACTERS.fullmatch(uri) for uri in uris), uris
    assert sorted(unquote_to_bytes(uri) for uri in uris) == sorted([UNDECODABLE, NEWLINE, INJECTION, MISSING])
    assert "odd%FFname.py" in uris and "new%0Aline.py" in uris
    (notification,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] == "gone\\xff\n::error::x.py: no such file or directory"


def test_sarif_written_to_a_file(project: Path) -> None:
    completed = conclint(project, "--format", "sarif", "--output-file", "report.sarif", ".")
    assert completed.returncode == 1, completed.stderr
    log = json.loads((project / "report.sarif").read_bytes().decode("utf-8"))
    assert len(log["runs"][0]["results"]) == 3


# --- GitHub workflow commands --------------------------------------------------------------------


def test_github_lines_are_one_command_each_and_errors_start_none(project: Path) -> None:
    completed = conclint(project, "--format", "github", ".", MISSING)
    assert completed.returncode == 2
    lines = completed.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3
    files = []
    for line in lines:
        match = GITHUB_COMMAND.fullmatch(line)
        assert match, line
        files.append(unquote(match["file"]))  # the runner decodes %25, %0D, %0A, %3A and %2C
    assert sorted(files) == ["bad\n::warning::injected.py", "new\nline.py", "odd\\xffname.py"]
    # The runner reads workflow commands from stderr too: the error line must not start one.
    assert completed.stderr.decode("utf-8") == "gone\\xff\\n::error::x.py: error: no such file or directory\n"


def test_github_written_to_a_file(project: Path) -> None:
    completed = conclint(project, "--format", "github", "--output-file", "report.txt", ".")
    assert completed.returncode == 1, completed.stderr
    lines = (project / "report.txt").read_bytes().decode("utf-8").splitlines()
    assert len(lines) == 3 and all(GITHUB_COMMAND.fullmatch(line) for line in lines)


# --- text and JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output-file"])
def test_text_keeps_one_finding_a_line(project: Path, to_file: bool) -> None:
    args = ("--output-file", "report.txt") if to_file else ()
    completed = conclint(project, "--format", "text", *args, ".", MISSING)
    assert completed.returncode == 2
    output = (project / "report.txt").read_bytes() if to_file else completed.stdout
    lines = output.decode("utf-8").splitlines()
    assert lines[:-1] == [
        f"bad\\n::warning::injected.py:1:7: CCL001 cannot analyse this file (syntax error {PYTHON_NAMED}: invalid syntax); "
        "fix it or exclude it",
        "new\\nline.py:4:5: CCL101 `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)` instead",
        "odd\\xffname.py:4:5: CCL101 `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)` instead",
    ]
    assert lines[-1].startswith("Found 3 problems in 3 files.")
    assert completed.stderr.decode("utf-8") == "gone\\xff\\n::error::x.py: error: no such file or directory\n"


def test_json_gives_back_the_very_names(project: Path) -> None:
    completed = conclint(project, "--format", "json", ".")
    assert completed.returncode == 1, completed.stderr
    findings = json.loads(completed.stdout.decode("ascii"))  # ASCII, escapes included
    assert sorted(os.fsencode(finding["path"]) for finding in findings) == sorted([UNDECODABLE, NEWLINE, INJECTION])


# --- the helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown", "line"),
    [
        ("plain/name.py", "plain/name.py", "plain/name.py"),
        ("caf\u00e9.py", "caf\u00e9.py", "caf\u00e9.py"),
        (os.fsdecode(b"odd\xff.py"), "odd\\xff.py", "odd\\xff.py"),
        ("two\nlines\r\t.py", "two\nlines\r\t.py", "two\\nlines\\r\\t.py"),
        ("esc\x1b[31m\u2028.py", "esc\x1b[31m\u2028.py", "esc\\x1b[31m\\u2028.py"),
        ("lone\ud800.py", "lone\\ud800.py", "lone\\ud800.py"),  # no file name decoding makes this one
    ],
)
def test_names_as_reports_show_them(name: str, shown: str, line: str) -> None:
    assert encodable(name) == shown
    assert one_line(name) == line
    shown.encode("utf-8")
