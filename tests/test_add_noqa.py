"""`--add-noqa`: a comment on each reported line that silences its finding, merged with the
comment already there, idempotent, and never a broken or re-encoded file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conclint.autofix.add_noqa import noqa_text
from conclint.engine import lint_source

CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")

SOURCE = """\
import subprocess
import time


def helper():
    time.sleep(1)


async def handler():
    time.sleep(1)  # noqa: E501
    helper()
    subprocess.run(
        ["ls"],
    )
"""


def silenced(text: str) -> str:
    """`text` with every finding of a lint of it silenced."""
    return noqa_text(text, [(d.line, d.code) for d in lint_source(text)]).text


def test_each_finding_gets_a_comment_that_silences_it() -> None:
    assert len(lint_source(SOURCE)) == 3
    text = silenced(SOURCE)
    assert lint_source(text) == []
    lines = text.splitlines()
    assert lines[9] == "    time.sleep(1)  # noqa: E501, CCL101"  # merged into the codes already there
    assert lines[10] == "    helper()  # noqa: CCL101"  # a helper chain: on the call in the coroutine
    assert lines[11] == "    subprocess.run(  # noqa: CCL103"  # the first line of a multi-line call


def test_a_second_run_changes_nothing() -> None:
    once = silenced(SOURCE)
    assert silenced(once) == once
    # Even when asked again for the same findings, a line is not given the code twice.
    twice = noqa_text(once, [(10, "CCL101"), (11, "CCL101")])
    assert twice.text == once and twice.lines == 0


def test_several_codes_on_one_line_make_one_edit() -> None:
    outcome = noqa_text("x = 1\n", [(1, "CCL104"), (1, "CCL101"), (1, "CCL104")])
    assert outcome.text == "x = 1  # noqa: CCL101, CCL104\n"
    assert outcome.lines == 1


def test_codes_merge_into_a_conclint_ignore_comment() -> None:
    outcome = noqa_text("x = 1  # conclint: ignore[CCL2]\n", [(1, "CCL101")])
    assert outcome.text == "x = 1  # conclint: ignore[CCL2, CCL101]\n"


def test_a_line_already_silenced_for_the_code_is_left_alone() -> None:
    for line in ("x = 1  # noqa\n", "x = 1  # noqa: CCL1\n", "x = 1  # noqa: ASYNC251\n"):
        assert noqa_text(line, [(1, "CCL101")]).text == line


def test_another_tool_comment_is_kept() -> None:
    outcome = noqa_text("x = f()  # type: ignore[misc]\n", [(1, "CCL101")])
    assert outcome.text == "x = f()  # type: ignore[misc]  # noqa: CCL101\n"


def test_a_noqa_inside_a_string_is_not_taken_for_a_comment() -> None:
    outcome = noqa_text('x = "# noqa: E501"\n', [(1, "CCL101")])
    assert outcome.text == 'x = "# noqa: E501"  # noqa: CCL101\n'


def test_a_line_ending_inside_a_string_gets_no_comment() -> None:
    source = 'import time\n\nasync def f():\n    x = [\n        time.sleep(1), """a\n        b""",\n    ]\n'
    (finding,) = lint_source(source)
    assert finding.line == 5
    text = silenced(source)
    # Line 5 ends inside the string: the comment goes on the statement's first line.
    assert text.splitlines()[3] == "    x = [  # noqa: CCL101"
    assert text.splitlines()[4] == source.splitlines()[4]
    assert lint_source(text) == []


def test_a_finding_no_line_can_carry_is_counted_not_written() -> None:
    source = 'import time\n\nasync def f():\n    time.sleep(1) or print("""a\n    b""")\n'
    outcome = noqa_text(source, [(d.line, d.code) for d in lint_source(source)])
    assert outcome.text == source
    assert outcome.skipped == 1
    backslash = "import time\n\nasync def f():\n    time.sleep(1) + \\\n        1\n"
    assert noqa_text(backslash, [(4, "CCL101")]).skipped == 1


def test_newlines_and_form_feeds_keep_their_lines() -> None:
    source = "import time\r\n\x0c\r\nasync def f():\r\n    time.sleep(1)\r\n"
    text = silenced(source)
    assert text == "import time\r\n\x0c\r\nasync def f():\r\n    time.sleep(1)  # noqa: CCL101\r\n"
    assert lint_source(text) == []


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    return subprocess.run([str(CONCLINT), "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def test_cli_adds_comments_then_the_run_passes(project: Path) -> None:
    completed = run_installed("--add-noqa", cwd=project)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "Added a noqa comment to 3 lines in 1 file."
    assert run_installed(cwd=project).returncode == 0
    again = run_installed("--add-noqa", cwd=project)
    assert again.returncode == 0
    assert again.stdout.strip() == "Added a noqa comment to 0 lines in 0 files."


def test_cli_keeps_bom_crlf_and_encoding(project: Path) -> None:
    text = "# -*- coding: utf-8 -*-\r\nimport time\r\n\r\nasync def f():\r\n    # café\r\n    time.sleep(1)\r\n"
    path = project / "app.py"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    latin = project / "latin.py"
    latin.write_bytes("# -*- coding: latin-1 -*-\nimport time\n\nasync def g():\n    s = 'é'\n    time.sleep(1)\n".encode("latin-1"))
    completed = run_installed("--add-noqa", cwd=project)
    assert completed.returncode == 0, completed.stderr
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.replace("time.sleep(1)\r\n", "time.sleep(1)  # noqa: CCL101\r\n").encode("utf-8")
    assert latin.read_bytes().decode("latin-1").splitlines()[-1] == "    time.sleep(1)  # noqa: CCL101"
    assert "é" in latin.read_bytes().decode("latin-1")
    assert run_installed(cwd=project).returncode == 0


def test_cli_refuses_add_noqa_with_fix(project: Path) -> None:
    completed = run_installed("--add-noqa", "--fix", cwd=project)
    assert completed.returncode == 2
    assert "cannot be combined" in completed.stderr
    assert (project / "app.py").read_text() == SOURCE


def test_stale_comments_and_unparsable_files_get_no_comment(project: Path) -> None:
    (project / "app.py").write_text("import asyncio\n\nasync def f():\n    await asyncio.sleep(1)  # noqa: CCL304\n")
    (project / "broken.py").write_text("def f(:\n")
    before = {path.name: path.read_text() for path in project.glob("*.py")}
    reported = run_installed("--select", "ALL,CCL002", cwd=project).stdout
    assert " CCL002 " in reported and " CCL001 " in reported
    completed = run_installed("--add-noqa", "--select", "ALL,CCL002", cwd=project)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "Added a noqa comment to 0 lines in 0 files."
    assert {path.name: path.read_text() for path in project.glob("*.py")} == before
