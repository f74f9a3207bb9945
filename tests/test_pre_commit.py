"""The pre-commit hook, end to end with the real `pre-commit try-repo`.

try-repo clones the hook repository at a commit. On a repository with uncommitted changes
it makes a shadow commit of the staged files and of the modified tracked files (`git add
-u`) only: an untracked file, such as a new `.pre-commit-hooks.yaml`, is left out, and a
checkout that is not a git repository (an sdist) cannot be used at all. So the test
commits a snapshot of this working tree into a temporary git repository and points
try-repo at that: it tests exactly the code under test, committed or not, on a developer's
machine and on a clean CI checkout alike. pre-commit then builds the hook's virtualenv and
pip-installs the snapshot (from PyPI: hatchling, libcst, click).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pre_commit = pytest.importorskip("pre_commit", reason="pre-commit is not installed (it is in the `test` extra)")
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PROJECT = Path(__file__).resolve().parent.parent
MANIFEST = PROJECT / ".pre-commit-hooks.yaml"
BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\nasync def handler():\n    await asyncio.sleep(1)\n"
# Not worth copying into the snapshot: VCS data, caches, build output, virtual environments.
SNAPSHOT_IGNORES = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", "*.egg-info", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    ".conclint_cache", ".tox", ".nox", ".venv", "venv", "build", "dist",
)


def git_env(tmp: Path) -> dict[str, str]:
    """The environment without the caller's git or pre-commit state (this may itself run
    inside a git hook), with an empty git configuration and a known committer."""
    empty_config = tmp / "gitconfig"
    empty_config.touch()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key not in ("SKIP", "NO_COLOR")
    }
    return {
        **env,
        "GIT_CONFIG_GLOBAL": str(empty_config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "conclint tests",
        "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "conclint tests",
        "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    }


def git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=120)


def commit_all(directory: Path, env: dict[str, str]) -> None:
    git(directory, env, "init", "--quiet")
    git(directory, env, "add", "--all")
    git(directory, env, "commit", "--quiet", "--no-verify", "--message", "snapshot")


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree, committed into a repository of its own."""
    base = tmp_path_factory.mktemp("hooks")
    snapshot = base / "conclint"
    shutil.copytree(PROJECT, snapshot, ignore=SNAPSHOT_IGNORES)
    commit_all(snapshot, git_env(base))
    return snapshot


def start_try_repo(
    hook_repository: Path, target: Path, env: dict[str, str], hook: str = "conclint"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pre_commit", "try-repo", "--color", "never"]
        + [str(hook_repository), hook, "--all-files"],
        cwd=target,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def make_target(directory: Path, files: dict[str, str], env: dict[str, str]) -> Path:
    directory.mkdir()
    (directory / "pyproject.toml").write_text("[tool.conclint]\n")
    for name, content in files.items():
        (directory / name).write_text(content)
    commit_all(directory, env)
    return directory


def test_the_hook_fails_on_a_bad_file_and_passes_on_a_good_one(hook_repository: Path, tmp_path: Path) -> None:
    env = git_env(tmp_path)
    failing_repo = make_target(
        tmp_path / "failing",
        # notes.txt holds the same code: `types: [python]` must keep it from conclint,
        # which checks any file it is given whatever its suffix.
        {"bad.py": BLOCKING, "good.py": CLEAN, "notes.txt": BLOCKING},
        env,
    )
    passing_repo = make_target(tmp_path / "passing", {"good.py": CLEAN}, env)
    # Each try-repo builds its own hook environment; building both at once halves the wait.
    failing = start_try_repo(hook_repository, failing_repo, env)
    passing = start_try_repo(hook_repository, passing_repo, env)
    failing_output, _ = failing.communicate(timeout=900)
    passing_output, _ = passing.communicate(timeout=900)

    assert failing.returncode == 1, failing_output
    assert "- hook id: conclint" in failing_output
    hook_lines = failing_output.splitlines()
    findings = [line for line in hook_lines if ": CCL" in line]
    assert len(findings) == 1, failing_output
    assert findings[0].startswith("bad.py:4:5: CCL101 ")
    assert "Found 1 problem in 1 file." in failing_output
    assert any(line.startswith("conclint") and line.endswith("Failed") for line in hook_lines)

    assert passing.returncode == 0, passing_output
    assert any(line.startswith("conclint") and line.endswith("Passed") for line in passing_output.splitlines())


def test_the_fix_hook_fixes_the_file_and_fails_the_commit(hook_repository: Path, tmp_path: Path) -> None:
    env = git_env(tmp_path)
    sleepy = "import asyncio\nimport time\n\nasync def handler():\n    time.sleep(1)\n"
    target = make_target(tmp_path / "fixing", {"sleepy.py": sleepy, "good.py": CLEAN}, env)
    hook = start_try_repo(hook_repository, target, env, hook="conclint-fix")
    output, _ = hook.communicate(timeout=900)

    # pre-commit fails a hook that changed files, so the fixed file is looked at before committing.
    assert hook.returncode == 1, output
    assert "- hook id: conclint-fix" in output
    assert "- files were modified by this hook" in output
    assert "Found 1 problem (1 fixed, 0 remaining)." in output
    # The fix leaves `import time` unused, so it goes too: flake8's F401 passes after the hook.
    assert (target / "sleepy.py").read_text() == "import asyncio\n\nasync def handler():\n    await asyncio.sleep(1)\n"
    assert (target / "good.py").read_text() == CLEAN


def test_the_manifest_declares_the_check_and_fix_hooks() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(MANIFEST))
    assert [hook["id"] for hook in hooks] == ["conclint", "conclint-fix"]
    for hook, entry in zip(hooks, ["conclint", "conclint --fix"]):
        assert hook["entry"] == entry
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["require_serial"] is True
        assert hook["pass_filenames"] is True


def test_the_readme_configuration_is_a_valid_pre_commit_config(tmp_path: Path) -> None:
    from pre_commit.clientlib import load_config

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("\n### pre-commit\n", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".pre-commit-config.yaml").write_text(snippet)
    config = load_config(str(tmp_path / ".pre-commit-config.yaml"))
    (repo,) = config["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == ["conclint", "conclint-fix"]
