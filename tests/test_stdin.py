"""`conclint --stdin-filename PATH -`: standard input linted as if it were PATH, in PATH's
project, through the installed command in a subprocess (as an editor integration runs it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HELPER = "import time\n\n\ndef load():\n    time.sleep(1)\n"
APP = "from app.helpers import load\n\n\nasync def handler():\n    return load()\n"


def _conclint(*arguments: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("conclint", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("the conclint command is not installed next to this interpreter")
    return subprocess.run(
        [command, "--no-cache", *arguments], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "helpers.py").write_text(HELPER, encoding="utf-8")
    (package / "main.py").write_text("", encoding="utf-8")  # on disk: nothing to find
    return tmp_path


def test_stdin_is_linted_as_the_file_with_its_project(project: Path) -> None:
    done = _conclint("--stdin-filename", "app/main.py", "--format", "json", "-", stdin=APP, cwd=project)
    assert done.returncode == 1, done.stderr
    (finding,) = json.loads(done.stdout)
    assert (finding["path"], finding["line"], finding["code"]) == ("app/main.py", 5, "CCL101")
    assert [link["path"] for link in finding["chain"]] == ["app/helpers.py", "app/helpers.py"]
    assert (project / "app" / "main.py").read_text(encoding="utf-8") == ""


def test_stdin_follows_the_files_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.conclint]\nper-file-ignores = {"app/main.py" = ["CCL101"]}\n', encoding="utf-8"
    )
    done = _conclint("--stdin-filename", "app/main.py", "-", stdin=APP, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    other = _conclint("--stdin-filename", "app/other.py", "-", stdin=APP, cwd=project)
    assert other.returncode == 1 and "app/other.py:5:12: CCL101" in other.stdout


def test_stdin_without_a_name_and_with_per_file(project: Path) -> None:
    done = _conclint("-", stdin="def broken(:\n", cwd=project)
    assert done.returncode == 1 and "-:1:" in done.stdout and "CCL001" in done.stdout
    alone = _conclint("--per-file", "--stdin-filename", "app/main.py", "-", stdin=APP, cwd=project)
    assert alone.returncode == 0, alone.stdout  # the helper is not followed


def test_stdin_cannot_be_fixed_or_mixed_with_paths(project: Path) -> None:
    fixed = _conclint("--fix", "--stdin-filename", "app/main.py", "-", stdin=APP, cwd=project)
    assert fixed.returncode == 2 and "standard input" in fixed.stderr
    mixed = _conclint("-", "app", stdin=APP, cwd=project)
    assert mixed.returncode == 2 and "`-`" in mixed.stderr
