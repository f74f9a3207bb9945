"""The command line's own conveniences (issue 19 item 5): `conclint rules`, `--explain` with a
prefix or a name and for a terminal, an empty `--select`, and Ctrl-C.

They run the installed `conclint` command in a subprocess, as a user types it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conclint.docs import markdown_to_text, render_rule_page
from conclint.rules.registry import all_rules, rule_for

CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")
BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "CI", "FORCE_COLOR")}
    env["COLUMNS"] = "80"
    return subprocess.run(
        [str(CONCLINT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, encoding="utf-8"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "bad.py").write_text(BLOCKING)
    return tmp_path


# --- conclint rules ---------------------------------------------------------------------------------


def test_rules_lists_every_rule_with_family_and_fix() -> None:
    completed = run("rules")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].split() == ["Code", "Name", "Family", "Fix"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == [cls.CODE for cls in all_rules()]
    row = next(line.split() for line in lines if line.startswith("CCL101 "))
    assert row == ["CCL101", "blocking-sleep-in-async", "coroutines", "yes"]
    assert next(line.split() for line in lines if line.startswith("CCL001 "))[-1] == "-"


def test_rules_as_json_with_a_prefix() -> None:
    completed = run("rules", "CCL3", "--format", "json")
    rows = json.loads(completed.stdout)
    assert [row["code"] for row in rows] == ["CCL301", "CCL302", "CCL303", "CCL304", "CCL305"]
    assert set(rows[0]) == {"code", "name", "family", "fix", "summary"}
    assert all(row["family"] == "processes" and isinstance(row["fix"], bool) for row in rows)


def test_rules_unknown_selector_exits_2() -> None:
    completed = run("rules", "CCL999")
    assert completed.returncode == 2 and "unknown rule" in completed.stderr


def test_paths_named_like_the_subcommand_are_still_linted(project: Path) -> None:
    (project / "rules").mkdir()
    (project / "rules" / "bad.py").write_text(BLOCKING)
    (project / "rules.py").write_text(BLOCKING)
    assert "rules.py:3:5: CCL101" in run("rules.py", cwd=project).stdout
    for spelling in (["./rules"], ["--", "rules"]):
        completed = run(*spelling, cwd=project)
        assert completed.returncode == 1 and "bad.py:3:5: CCL101" in completed.stdout, spelling
    assert run("--no-cache", "bad.py", cwd=project).returncode == 1


# --- --explain ------------------------------------------------------------------------------------------


def test_explain_is_plain_text_for_a_terminal() -> None:
    completed = run("--explain", "blocking-sleep-in-async")
    assert completed.returncode == 0
    text = completed.stdout
    assert text.startswith("CCL101: blocking-sleep-in-async\n===")
    assert "\nWhat it does\n------------\n" in text
    assert "```" not in text and "`" not in text and "## " not in text
    assert "    import time" in text  # code stays, indented
    assert max(len(line) for line in text.splitlines() if not line.startswith("    ")) <= 88


def test_explain_with_a_prefix_lists_the_rules_it_matches() -> None:
    completed = run("--explain", "CCL10")
    assert completed.returncode == 0
    listed = [line.split()[0] for line in completed.stdout.splitlines()[1:] if line.startswith("CCL")]
    assert listed == [f"CCL10{n}" for n in range(1, 10)]
    assert "explains one" in completed.stdout


def test_markdown_outside_explain_is_an_error(project: Path) -> None:
    completed = run("--format", "markdown", "bad.py", cwd=project)
    assert completed.returncode == 2 and "--explain" in completed.stderr


def test_markdown_to_text_renders_lists_links_and_code() -> None:
    markdown = (
        "# T\n\nSome `code` and a [link](https://example.org).\n\n- one item that is long enough\n"
        "  to wrap\n- two\n\n```python\nx = 1\n```\n"
    )
    assert markdown_to_text(markdown, 30) == (
        "T\n=\n\nSome code and a link\n(https://example.org).\n\n- one item that is long enough\n"
        "  to wrap\n- two\n\n    x = 1\n"
    )


def test_every_page_renders_without_markdown_markers() -> None:
    for cls in all_rules():
        text = markdown_to_text(render_rule_page(cls))
        prose = [line for line in text.splitlines() if not line.startswith("    ")]
        assert not any(line.startswith(("#", "```")) or "](" in line for line in prose), cls.CODE
    assert rule_for("CCL101") is not None


# --- --select '' ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", " , "])
def test_empty_select_is_an_error(project: Path, value: str) -> None:
    completed = run("--select", value, "bad.py", cwd=project)
    assert completed.returncode == 2
    assert "--select needs a rule code" in completed.stderr
    assert completed.stdout == ""


# --- Ctrl-C --------------------------------------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("delay", [1.0, 2.5])
def test_ctrl_c_exits_130_with_one_line_and_no_process_left(tmp_path: Path, delay: float) -> None:
    # early: while the forkserver imports the engine and workers start; later: while they lint
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    for n in range(400):  # enough work that the run is still going when the signal comes
        (tmp_path / f"m{n}.py").write_text("import time\n" + "async def f():\n    time.sleep(1)\n" * 200)
    process = subprocess.Popen(
        [str(CONCLINT), "--no-cache", "-j", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, stderr = process.communicate(timeout=60)
    if process.returncode in (0, 1):
        pytest.skip("the run finished before the signal")
    assert process.returncode == 130
    assert stderr.strip().splitlines() == ["conclint: interrupted (SIGINT)"], stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the workers and the forkserver go too
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail("processes of the run are left after Ctrl-C")


def test_an_interrupted_run_leaves_a_thread_that_cannot_end(tmp_path: Path) -> None:
    # The process pool's manager thread can block for good on half a result a worker sent
    # as the signal ended it; interpreter shutdown joins it. The exit must not wait for it.
    script = tmp_path / "stuck.py"
    script.write_text(
        "import multiprocessing, threading\n"
        "from conclint.project.interruption import exits_on_signals\n"
        "# A named semaphore, as the pool's queues make under forkserver: left, the resource\n"
        "# tracker would report it leaked on stderr as it ends.\n"
        "lock = multiprocessing.get_context('forkserver').Lock()\n"
        "never = threading.Event()\n"
        "threading.Thread(target=never.wait).start()  # not a daemon: shutdown would join it\n"
        "@exits_on_signals\n"
        "def command():\n"
        "    raise KeyboardInterrupt\n"
        "command()\n"
    )
    started = time.monotonic()
    completed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 130
    assert completed.stderr.strip().splitlines() == ["conclint: interrupted (SIGINT)"]
    assert time.monotonic() - started < 30
