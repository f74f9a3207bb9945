"""`--fix` must not harm what it was not asked to touch (issue 21): no writes through a
symlink out of the tree, owner, group and mode kept, hard links refused rather than broken,
and an edit made while a file is being fixed never overwritten unnoticed.

The command-line cases run the installed `conclint` command on real files; the races are
staged in-process through `writing.before_final_check` and `os.replace`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from test_cli import make_runner

from conclint import cli
from conclint.autofix import writing
from conclint.autofix.run import writable_roots
from conclint.autofix.writing import OverwroteEdit, WriteRefused, is_within, read_source_file, write_fixed

# A coroutine whose `time.sleep` has a safe fix (to `await asyncio.sleep`); the
# `requests.get` finding's fix is unsafe, so plain `--fix` leaves it.
SLEEPY = "import asyncio, time, requests\n\nasync def handler(url):\n    time.sleep(1)\n    return requests.get(url)\n"
SAFE_FIXED = SLEEPY.replace("time.sleep(1)", "await asyncio.sleep(1)").replace("import asyncio, time, requests", "import asyncio, requests")
CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")
# Exit code of a run in which some file could not be checked or fixed.
EXIT_ERROR = 2
# An owner and group no account on a test machine has: root hands the file to them first.
OTHER_ID = 12345

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links, modes and owners")
root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can chown to others")


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    return subprocess.run([str(CONCLINT), "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def invoke(*args: str) -> Result:
    return make_runner().invoke(cli.main, ["--no-cache", *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path/project` with its own configuration (the working directory), next to a
    directory `tmp_path/outside` that is not part of it."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "outside").mkdir()
    monkeypatch.chdir(root)
    return root


def temporaries(directory: Path) -> list[str]:
    return [path.name for path in directory.iterdir() if path.name.endswith(".conclint")]


# --- symlinks out of the tree --------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("given", [(".",), ("evil.py", "good.py")], ids=["walked", "named"])
def test_symlink_out_of_the_tree_is_refused_and_the_rest_fixed(project: Path, given: tuple[str, ...]) -> None:
    outside = project.parent / "outside" / "lib.py"
    outside.write_text(SLEEPY)
    before = outside.read_bytes()
    (project / "evil.py").symlink_to(Path("..") / "outside" / "lib.py")
    (project / "good.py").write_text(SLEEPY)
    completed = run_installed("--fix", *given, cwd=project)
    assert outside.read_bytes() == before
    assert (project / "evil.py").is_symlink()
    assert (project / "good.py").read_text() == SAFE_FIXED
    assert completed.returncode == EXIT_ERROR, completed.stdout + completed.stderr
    errors = [line for line in completed.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(("evil.py: error: not fixed:", "./evil.py: error: not fixed:"))
    assert "outside the paths given and the project" in errors[0]
    assert temporaries(project.parent / "outside") == [] and temporaries(project) == []


@posix_only
def test_symlink_inside_the_tree_is_followed(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "real.py").write_text(SLEEPY)
    (project / "link.py").symlink_to(Path("pkg") / "real.py")
    completed = run_installed("--fix", "link.py", cwd=project)
    assert completed.returncode == 1, completed.stderr  # the unsafe finding remains, no error
    assert (project / "link.py").is_symlink()
    assert (project / "pkg" / "real.py").read_text() == SAFE_FIXED


@posix_only
def test_a_directory_named_outside_the_project_is_writable(project: Path) -> None:
    elsewhere = project.parent / "outside" / "app.py"
    elsewhere.write_text(SLEEPY)
    completed = run_installed("--fix", str(elsewhere.parent), cwd=project)
    assert completed.returncode == 1, completed.stderr
    assert elsewhere.read_text() == SAFE_FIXED


@posix_only
def test_writable_roots_resolve_directories_but_not_a_named_link(project: Path) -> None:
    outside = project.parent / "outside"
    (outside / "lib.py").write_text(SLEEPY)
    (project / "evil.py").symlink_to(outside / "lib.py")
    (project / "vendored").symlink_to(outside)
    roots = writable_roots(["evil.py", "vendored"], project)
    real_project = os.path.realpath(project)
    assert roots == [real_project, os.path.join(real_project, "evil.py"), os.path.realpath(outside)]
    assert not is_within(os.path.realpath(outside / "lib.py"), roots[:2])


def test_is_within_compares_whole_path_components() -> None:
    root = os.path.abspath(os.sep + os.path.join("srv", "project"))
    assert is_within(root, [root])
    assert is_within(os.path.join(root, "pkg", "a.py"), [root])
    assert not is_within(root + "-other" + os.sep + "a.py", [root])
    assert not is_within(os.path.dirname(root), [root])


@posix_only
def test_write_fixed_refuses_a_target_outside_the_allowed_roots(project: Path) -> None:
    outside = project.parent / "outside" / "lib.py"
    outside.write_text(SLEEPY)
    (project / "evil.py").symlink_to(outside)
    source = read_source_file(str(project / "evil.py"))
    with pytest.raises(WriteRefused, match="outside the paths given"):
        write_fixed(source, SAFE_FIXED, [os.path.realpath(project)])
    assert outside.read_text() == SLEEPY
    assert temporaries(outside.parent) == []


# --- hard links, mode, owner ---------------------------------------------------------------------------


@posix_only
def test_hard_linked_file_is_refused_and_the_link_kept(project: Path) -> None:
    first, second = project / "first.py", project / "second.py"
    first.write_text(SLEEPY)
    os.link(first, second)
    completed = run_installed("--fix", "first.py", cwd=project)
    assert completed.returncode == EXIT_ERROR
    assert "first.py: error: not fixed: it has 2 hard links, which replacing it would break" in completed.stderr
    assert os.path.samefile(first, second)
    assert first.stat().st_nlink == 2
    assert first.read_text() == second.read_text() == SLEEPY
    assert temporaries(project) == []


@posix_only
def test_mode_is_kept(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    path.chmod(0o640)
    completed = run_installed("--fix", "app.py", cwd=project)
    assert completed.returncode == 1, completed.stderr
    assert path.read_text() == SAFE_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@posix_only
@root_only
def test_owner_and_group_are_kept_when_root_fixes_a_users_file(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    os.chown(path, OTHER_ID, OTHER_ID)
    completed = run_installed("--fix", "app.py", cwd=project)
    assert completed.returncode == 1, completed.stderr
    assert path.read_text() == SAFE_FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (OTHER_ID, OTHER_ID)


@posix_only
@root_only
def test_owner_that_cannot_be_kept_refuses_the_write(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    os.chown(path, OTHER_ID, OTHER_ID)
    source = read_source_file(str(path))

    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)  # as for a user fixing somebody else's file
    with pytest.raises(WriteRefused, match=f"owner or group \\({OTHER_ID}:{OTHER_ID}\\) cannot be kept"):
        write_fixed(source, SAFE_FIXED)
    assert path.read_text() == SLEEPY
    assert path.stat().st_uid == OTHER_ID
    assert temporaries(project) == []


# --- concurrent edits -------------------------------------------------------------------------------


def test_edit_after_the_temporary_is_written_survives(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    edited = SLEEPY + "# saved by an editor meanwhile\n"
    written: list[str] = []

    def edit_meanwhile(target: str) -> None:
        written.extend(temporaries(project))  # the fixed text is on disk already
        Path(target).write_text(edited)

    monkeypatch.setattr(writing, "before_final_check", edit_meanwhile)
    result = invoke("--fix", "app.py")
    assert len(written) == 1
    assert path.read_text() == edited
    assert result.exit_code == EXIT_ERROR
    assert "app.py: error: not fixed: it changed since it was read (edited during the fix)" in result.stderr
    assert temporaries(project) == []


def test_same_content_rewritten_in_place_with_the_old_time_is_noticed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The content is compared, not only times and sizes: a same-size edit keeping the
    modification time is still an edit."""
    path = project / "app.py"
    path.write_text(SLEEPY)
    source = read_source_file(str(path))

    def edit_meanwhile(target: str) -> None:
        Path(target).write_text(SLEEPY.replace("handler", "handlex"))
        os.utime(target, ns=(source.mtime_ns, source.mtime_ns))

    monkeypatch.setattr(writing, "before_final_check", edit_meanwhile)
    with pytest.raises(WriteRefused, match="changed since it was read"):
        write_fixed(source, SAFE_FIXED)
    assert "handlex" in path.read_text()
    assert temporaries(project) == []


def test_file_replaced_by_a_rename_meanwhile_is_noticed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor that saves by renaming puts a new inode at the name, with the same text."""
    path = project / "app.py"
    path.write_text(SLEEPY)
    source = read_source_file(str(path))

    def save_by_rename(target: str) -> None:
        saved = project / "saved.tmp"
        saved.write_bytes(source.data)
        os.utime(saved, ns=(source.mtime_ns, source.mtime_ns))
        os.replace(saved, target)

    monkeypatch.setattr(writing, "before_final_check", save_by_rename)
    with pytest.raises(WriteRefused, match="changed since it was read"):
        write_fixed(source, SAFE_FIXED)
    assert path.read_text() == SLEEPY
    assert temporaries(project) == []


@pytest.mark.skipif(not writing.HOLD_ACROSS_REPLACE, reason="needs the original held open across the replace")
def test_edit_between_the_last_check_and_the_replace_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window no check can close (see the writing module): the edit is reported."""
    path = project / "app.py"
    path.write_text(SLEEPY)
    source = read_source_file(str(path))
    replace = os.replace

    def edit_then_replace(src: str, dst: str) -> None:
        if dst == os.path.realpath(path):
            with open(dst, "a") as stream:  # an in-place writer, into the old inode
                stream.write("# too late\n")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", edit_then_replace)
    with pytest.raises(OverwroteEdit, match="that change was lost"):
        write_fixed(source, SAFE_FIXED)
    assert temporaries(project) == []


@pytest.mark.skipif(writing.fcntl is None, reason="flock is POSIX")
def test_file_locked_by_another_program_is_not_written(project: Path) -> None:
    path = project / "app.py"
    path.write_text(SLEEPY)
    source = read_source_file(str(path))
    with open(path, "rb") as holder:
        writing.fcntl.flock(holder.fileno(), writing.fcntl.LOCK_EX)
        with pytest.raises(WriteRefused, match="holds a lock on it"):
            write_fixed(source, SAFE_FIXED)
    assert path.read_text() == SLEEPY
    assert temporaries(project) == []
    write_fixed(source, SAFE_FIXED)  # the lock released, the same fix goes through
    assert path.read_text() == SAFE_FIXED
