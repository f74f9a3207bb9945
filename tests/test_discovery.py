"""Which files a run checks: skipped directories, excludes, symlinks, explicit files, errors."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import pytest

from conclint.project import discovery
from conclint.project.discovery import discover

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symlinks")


def touch(root: Path, *relative: str) -> None:
    for name in relative:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_finds_python_files_recursively_in_sorted_order(project: Path) -> None:
    touch(project, "b.py", "a.py", "pkg/z.py", "pkg/sub/m.py", "notes.txt", "stub.pyi", "pkg/data.json")
    files, errors = discover(["."])
    assert files == ["a.py", "b.py", "pkg/sub/m.py", "pkg/z.py"]
    assert errors == []


def test_paths_keep_the_spelling_given(project: Path) -> None:
    touch(project, "src/pkg/mod.py")
    assert discover(["src"])[0] == [os.path.join("src", "pkg", "mod.py")]
    assert discover(["src/"])[0] == ["src/pkg/mod.py"]
    assert discover(["./src"])[0] == [os.path.join("./src", "pkg", "mod.py")]
    assert discover([str(project / "src")])[0] == [str(project / "src" / "pkg" / "mod.py")]
    assert discover(["./"])[0] == ["src/pkg/mod.py"]


@pytest.mark.parametrize(
    "directory",
    [
        ".git", ".hg", ".svn", ".venv", "__pycache__", "build", "dist", ".tox", ".nox", ".mypy_cache",
        ".pytest_cache", ".ruff_cache", ".conclint_cache", "node_modules", "pkg.egg-info",
    ],
)
def test_skips_tool_and_build_directories(project: Path, directory: str) -> None:
    touch(project, "keep.py", f"{directory}/skipped.py", f"nested/{directory}/skipped.py")
    assert discover(["."])[0] == ["keep.py"]


def test_skips_any_virtual_environment_by_its_marker(project: Path) -> None:
    touch(project, "keep.py", "myenv/lib/site.py", "env/mod.py")
    (project / "myenv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert discover(["."])[0] == ["env/mod.py", "keep.py"]  # `env` without pyvenv.cfg is ordinary code


def test_explicit_directory_is_walked_even_if_its_name_is_skipped(project: Path) -> None:
    touch(project, "build/gen.py")
    assert discover(["build"])[0] == [os.path.join("build", "gen.py")]


def test_explicit_file_is_checked_whatever_its_suffix(project: Path) -> None:
    touch(project, "script", "hook.txt")
    assert discover(["script", "hook.txt"]) == (["hook.txt", "script"], [])


def test_exclude_matches_components_relative_paths_and_prefixes(project: Path) -> None:
    touch(
        project,
        "keep.py",
        "legacy/old.py",
        "pkg/legacy/old.py",
        "tests/fixtures/case.py",
        "tests/test_a.py",
        "gen_parser.py",
        "pkg/gen_lexer.py",
    )
    files, _ = discover(["."], exclude=["legacy", "tests/fixtures", "gen_*.py"])
    assert files == ["keep.py", "tests/test_a.py"]


def test_exclude_applies_to_explicit_files(project: Path) -> None:
    touch(project, "tests/fixtures/case.py", "tests/test_a.py")
    files, errors = discover(["tests/fixtures/case.py", "tests/test_a.py"], exclude=["tests/fixtures"])
    assert files == ["tests/test_a.py"]
    assert errors == []


def test_exclude_is_relative_to_the_given_root(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(project, "sub/examples/demo.py", "sub/examples/more/x.py", "sub/keep.py")
    monkeypatch.chdir(project / "sub")
    # The project root is the parent: `sub/examples` names the directory from there.
    assert discover(["."], exclude=["sub/examples"], root=project)[0] == ["keep.py"]
    assert discover(["."], exclude=["examples/*"], root=project / "sub")[0] == ["keep.py"]


def test_exclude_does_not_match_the_root_directory_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "build"  # a project that happens to live in a directory called like a pattern
    touch(project, "mod.py")
    monkeypatch.chdir(project)
    assert discover(["."], exclude=["build"], root=project)[0] == ["mod.py"]


def test_nonexistent_path_is_an_error_and_others_are_still_found(project: Path) -> None:
    touch(project, "a.py")
    assert discover(["missing.py", "a.py", "missing_dir"]) == (
        ["a.py"],
        [("missing.py", "no such file or directory"), ("missing_dir", "no such file or directory")],
    )


def test_same_file_named_twice_is_checked_once(project: Path) -> None:
    touch(project, "a.py")
    assert discover(["a.py", "./a.py", "a.py", "."])[0] == ["a.py"]


@needs_symlinks
def test_directory_symlink_loop_terminates_without_duplicates(project: Path) -> None:
    touch(project, "pkg/a.py", "pkg/sub/b.py")
    (project / "pkg" / "sub" / "loop").symlink_to("..")
    (project / "pkg" / "self").symlink_to(".")
    (project / "top").symlink_to(project)
    files, errors = discover(["."])
    assert files == ["pkg/a.py", "pkg/sub/b.py"]
    assert errors == []


@needs_symlinks
def test_symlinked_directory_is_reported_under_its_real_path(project: Path) -> None:
    touch(project, "zreal/mod.py")
    (project / "alink").symlink_to("zreal")  # sorts before its target
    assert discover(["."])[0] == ["zreal/mod.py"]


@needs_symlinks
def test_symlinked_directory_outside_the_tree_is_followed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "shared/lib.py", "proj/main.py")
    (tmp_path / "proj" / "one").symlink_to(tmp_path / "shared")
    (tmp_path / "proj" / "two").symlink_to(tmp_path / "shared")
    monkeypatch.chdir(tmp_path / "proj")
    assert discover(["."])[0] == ["main.py", "one/lib.py"]


@needs_symlinks
def test_dangling_symlinks_are_skipped_when_walking_but_errors_when_named(project: Path) -> None:
    touch(project, "a.py")
    (project / ".#a.py").symlink_to("user@host.1234")  # an editor lock file
    assert discover(["."]) == (["a.py"], [])
    assert discover([".#a.py"]) == ([], [(".#a.py", "broken symbolic link")])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_fifo_is_skipped_when_walking_and_an_error_when_named(project: Path) -> None:
    touch(project, "a.py")
    os.mkfifo(project / "pipe.py")
    assert discover(["."]) == (["a.py"], [])
    assert discover(["pipe.py"]) == ([], [("pipe.py", "not a regular file")])


def test_unreadable_directory_is_an_error_and_the_walk_goes_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(project, "a.py", "locked/secret.py", "open/b.py")
    real_scandir = os.scandir

    def scandir(path: str):  # root may read anything, so simulate the permission failure
        if os.path.basename(os.path.normpath(path)) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    assert discover(["."]) == (["a.py", "open/b.py"], [("locked", "permission denied")])


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root (and Windows) ignore mode bits")
def test_unreadable_directory_by_mode_bits(project: Path) -> None:
    touch(project, "a.py", "locked/secret.py")
    (project / "locked").chmod(0)
    try:
        assert discover(["."]) == (["a.py"], [("locked", "permission denied")])
    finally:
        (project / "locked").chmod(0o755)


def test_very_deep_directory_tree_does_not_recurse(project: Path) -> None:
    depth = 300
    deepest = project.joinpath(*["d"] * depth)
    deepest.mkdir(parents=True)
    (deepest / "m.py").write_text("")
    # Walking must not use a stack frame per directory level: allow far fewer frames than levels.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 100)
    try:
        files, errors = discover(["."])
    finally:
        sys.setrecursionlimit(limit)
    assert files == ["/".join(["d"] * depth + ["m.py"])]
    assert errors == []
