"""The cache directory is not trusted (issue 21): a repository can ship `.conclint_cache` as
a symlink, a user can pass `--cache-dir .`, a planted entry can name a FIFO or a device. conclint
then refuses (exit 2, one line) or treats the entry as a miss; it never writes or deletes outside
a directory it marked as its own, never hangs, never shows a traceback.

The hostile trees are real ones in tmp_path, and most runs go through the installed `conclint`
command, as a user's would.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conclint.project import cache as cache_module
from conclint import cli
from conclint.project import summary_store as project_module
from conclint.project.summary_store import SummaryStore
from conclint.analysis.summaries import ModuleSummary
from conclint.project.cache import _TAG, Cache, CacheDirectoryError, content_digest, make_cache_directory
from test_cli import make_runner

BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"
FINDING = "bad.py:3:5: CCL101 "
CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")
OTHER_ENGINE = "0123456789abcdef0123456789abcdef"
# Older than cache.STALE_AFTER_SECONDS: what the cache's clean-up would remove if it could.
LONG_AGO = time.time() - 30 * 24 * 3600
# Every run of the installed command must end well within this (a FIFO read would never end).
RUN_TIMEOUT_SECONDS = 120

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")


def run_conclint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    return subprocess.run([str(CONCLINT), *args], cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)


def invoke(*args: str) -> tuple[int, str, str]:
    """The CLI in this process (for tests that change a module constant)."""
    result = make_runner().invoke(cli.main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.conclint]\n")
    (root / "bad.py").write_text(BLOCKING)
    monkeypatch.chdir(root)
    return root


def old(path: Path) -> Path:
    os.utime(path, (LONG_AGO, LONG_AGO), follow_symlinks=False)
    return path


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder of someone's files, several named as conclint names its own, all old."""
    folder = tmp_path / "victim"
    (folder / "summaries" / f"{OTHER_ENGINE}-{OTHER_ENGINE}").mkdir(parents=True)
    for name, text in {
        "results-x.json": '{"mine": true}',
        f"results-{OTHER_ENGINE}.json": '{"format": 1, "entries": {}}',
        ".gitignore": "build/\n",
        "notes.txt": "keep me\n",
        f"summaries/{OTHER_ENGINE}-{OTHER_ENGINE}/{OTHER_ENGINE}-app.json": "{}",
        "summaries/readme": "mine too\n",
    }.items():
        (folder / name).write_text(text)
        old(folder / name)
    old(folder / "summaries" / f"{OTHER_ENGINE}-{OTHER_ENGINE}")
    old(folder / "summaries")
    return folder


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under `root`, symlinks not followed: kind, bytes and modification time."""
    found: dict[str, tuple[object, ...]] = {}
    for directory, subdirectories, files in os.walk(root):
        for name in [*subdirectories, *files]:
            path = Path(directory, name)
            status = path.lstat()
            relative = path.relative_to(root).as_posix()
            if stat.S_ISLNK(status.st_mode):
                found[relative] = ("link", os.readlink(path))
            elif stat.S_ISREG(status.st_mode):
                found[relative] = ("file", path.read_bytes(), status.st_mtime_ns)
            else:
                found[relative] = (stat.S_IFMT(status.st_mode), status.st_mtime_ns)
    return found


def assert_refused(completed: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert completed.returncode == 2, completed
    assert completed.stdout == ""
    assert len(completed.stderr.splitlines()) == 1 and "Traceback" not in completed.stderr
    for fragment in fragments:
        assert fragment in completed.stderr


def results_file(directory: Path) -> Path:
    (found,) = directory.glob("results-*.json")
    return found


# --- a cache directory that is not conclint's: refused, untouched ------------------------------------


@needs_symlinks
@pytest.mark.parametrize("target", ["../victim", ".."], ids=["to-a-folder", "to-the-parent"])
def test_a_symlinked_default_cache_is_refused_and_its_target_untouched(
    project: Path, victim: Path, tmp_path: Path, target: str
) -> None:
    (project / ".conclint_cache").symlink_to(target, target_is_directory=True)
    before = snapshot(tmp_path)
    completed = run_conclint(cwd=project)
    assert_refused(completed, ".conclint_cache is a symbolic link", "--cache-dir")
    assert snapshot(tmp_path) == before


@needs_symlinks
def test_a_symlink_to_a_real_conclint_cache_is_refused_too(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    assert run_conclint("--cache-dir", str(elsewhere), cwd=project).returncode == 1  # a cache of conclint's
    (project / ".conclint_cache").symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(elsewhere)
    (project / "bad.py").write_text(BLOCKING + "time.sleep(2)\n")  # a run that would write
    assert_refused(run_conclint(cwd=project), "symbolic link")
    assert snapshot(elsewhere) == before


def test_cache_dir_dot_is_refused_and_nothing_is_deleted(project: Path) -> None:
    for name in (f"results-{OTHER_ENGINE}.json", "results-x.json"):
        (project / name).write_text("tracked\n")
        old(project / name)
    (project / "summaries" / f"{OTHER_ENGINE}-{OTHER_ENGINE}").mkdir(parents=True)
    old(project / "summaries" / f"{OTHER_ENGINE}-{OTHER_ENGINE}")
    before = snapshot(project)
    completed = run_conclint("--cache-dir", ".", cwd=project)
    assert_refused(completed, "cache directory . is not conclint's (no CACHEDIR.TAG written by conclint)", "--cache-dir")
    assert snapshot(project) == before
    assert not (project / "CACHEDIR.TAG").exists() and not (project / ".gitignore").exists()


def test_a_foreign_default_cache_directory_is_refused(project: Path) -> None:
    (project / ".conclint_cache").mkdir()
    (project / ".conclint_cache" / "data.csv").write_text("1,2\n")
    before = snapshot(project)
    assert_refused(run_conclint(cwd=project), "is not conclint's", "remove it or pass another --cache-dir")
    assert snapshot(project) == before


def test_a_wrong_tag_is_not_conclints(project: Path) -> None:
    directory = project / ".conclint_cache"
    directory.mkdir()
    (directory / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n# another tool\n")
    (directory / "index").write_text("theirs\n")
    before = snapshot(project)
    assert_refused(run_conclint(cwd=project), "is not conclint's")
    assert snapshot(project) == before


def test_a_file_where_the_cache_directory_goes_is_refused(project: Path) -> None:
    (project / ".conclint_cache").write_text("not a directory\n")
    assert_refused(run_conclint(cwd=project), ".conclint_cache is not a directory")
    assert (project / ".conclint_cache").read_text() == "not a directory\n"


def test_no_cache_runs_whatever_is_there(project: Path) -> None:
    (project / ".conclint_cache").write_text("not a directory\n")
    completed = run_conclint("--no-cache", cwd=project)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)


def test_an_empty_directory_is_adopted(project: Path) -> None:
    (project / "cache").mkdir()
    assert run_conclint("--cache-dir", "cache", cwd=project).returncode == 1
    assert (project / "cache" / "CACHEDIR.TAG").read_text() == _TAG
    assert (project / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert results_file(project / "cache").is_file()


def test_the_leftovers_of_an_interrupted_creation_are_adopted(project: Path) -> None:
    """An older conclint wrote the markers in place: a full disk left them empty."""
    directory = project / ".conclint_cache"
    directory.mkdir()
    (directory / ".gitignore").write_text("")
    (directory / "CACHEDIR.TAG").write_text(_TAG[:20])
    (directory / "CACHEDIR.TAG.0123456789abcdef.tmp").write_text("")
    assert run_conclint(cwd=project).returncode == 1
    assert (directory / "CACHEDIR.TAG").read_text() == _TAG
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"


# --- the markers: repaired on every run -----------------------------------------------------------------


@pytest.mark.parametrize("damage", ["", "# Created by conc", None], ids=["emptied", "cut-short", "removed"])
def test_a_damaged_gitignore_is_rewritten_by_the_next_run(project: Path, damage: str | None) -> None:
    assert run_conclint(cwd=project).returncode == 1
    gitignore = project / ".conclint_cache" / ".gitignore"
    if damage is None:
        gitignore.unlink()
    else:
        gitignore.write_text(damage)  # what a full disk leaves
    completed = run_conclint(cwd=project)  # fully cached: it saves nothing
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    assert gitignore.read_text().splitlines()[-1] == "*"


def test_a_users_additions_to_the_gitignore_are_kept(project: Path) -> None:
    assert run_conclint(cwd=project).returncode == 1
    gitignore = project / ".conclint_cache" / ".gitignore"
    gitignore.write_text("*\n!keep.txt\n")
    assert run_conclint(cwd=project).returncode == 1
    assert gitignore.read_text() == "*\n!keep.txt\n"


# --- inside conclint's own directory: nothing followed, only its names deleted -------------------------------


@needs_symlinks
def test_symlinks_inside_a_tagged_cache_are_not_followed(project: Path, victim: Path) -> None:
    """A repository can ship a `.conclint_cache` holding conclint's own tag, with links inside."""
    assert run_conclint(cwd=project).returncode == 1
    directory = project / ".conclint_cache"
    own = results_file(directory)
    own.unlink()
    own.symlink_to(victim / "notes.txt")
    for store in (directory / "summaries").iterdir():
        for file in store.iterdir():
            file.unlink()
        store.rmdir()
    (directory / "summaries").rmdir()
    (directory / "summaries").symlink_to(victim / "summaries", target_is_directory=True)
    old_results = directory / f"results-{OTHER_ENGINE}.json"
    old_results.symlink_to(victim / f"results-{OTHER_ENGINE}.json")
    old(old_results)
    before = snapshot(victim)
    completed = run_conclint(cwd=project)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    assert snapshot(victim) == before
    assert old_results.is_symlink()  # not a regular file: not removed either
    assert not own.is_symlink() and json.loads(own.read_text())["entries"]  # replaced, not written through


def test_stale_removal_deletes_only_conclints_names(project: Path) -> None:
    directory = project / "cache"
    Cache(directory, project).save()  # nothing to save: nothing made
    assert not directory.exists()
    make_cache_directory(directory).close()
    store = directory / "summaries" / f"{OTHER_ENGINE}-{OTHER_ENGINE}"
    mixed = directory / "summaries" / f"{OTHER_ENGINE}-{'f' * 32}"
    for folder in (store, mixed, directory / "summaries" / "notes"):
        folder.mkdir(parents=True)
    removable = [
        directory / f"results-{OTHER_ENGINE}.json",
        directory / f"results-{OTHER_ENGINE}.json.0123456789abcdef.tmp",
        directory / ".gitignore.0123456789abcdef.tmp",
        store / f"{OTHER_ENGINE}-app.config.json",
        store / f"{OTHER_ENGINE}-app.json.0123456789abcdef.tmp",
        store / f"{OTHER_ENGINE}-app.4242.tmp",
        mixed / f"{OTHER_ENGINE}-app.json",
    ]
    kept = [
        directory / "results-x.json",
        directory / f"results-{OTHER_ENGINE}.json.bak",
        directory / "notes.txt",
        mixed / "notes.txt",
        directory / "summaries" / "notes" / f"{OTHER_ENGINE}-app.json",
    ]
    for file in [*removable, *kept]:
        file.write_text("{}")
        old(file)
    for folder in (store, mixed, directory / "summaries" / "notes"):
        old(folder)
    cache = Cache(directory, project)
    cache.put(str(project / "bad.py"), "key", ())
    cache.save()
    assert [file for file in removable if os.path.lexists(file)] == []
    assert not store.exists()
    assert [file for file in kept if not file.exists()] == []
    assert mixed.is_dir()  # what is not conclint's keeps its directory


# --- planted entries: a miss, never a hang or a traceback ----------------------------------------------------


def plant_dependency(project: Path, dependency: str, digest: str) -> None:
    """Make the cached entry of bad.py say: no findings, valid while `dependency` has `digest`."""
    file = results_file(project / ".conclint_cache")
    document = json.loads(file.read_text())
    (entry,) = document["entries"]["bad.py"]
    document["entries"]["bad.py"] = [[entry[0], [], {dependency: digest}]]
    file.write_text(json.dumps(document))


@pytest.fixture
def cached(project: Path) -> Path:
    """The project after a first run, its results cached."""
    completed = run_conclint(cwd=project)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    return project


def test_a_planted_entry_is_served_while_its_dependency_matches(cached: Path) -> None:
    """The control for the tests below: the planted entry (no findings) is honoured when its
    dependency is a plain file with the recorded content."""
    (cached / "helper.py").write_text("x = 1\n")
    plant_dependency(cached, str(cached / "helper.py"), content_digest(b"x = 1\n"))
    assert run_conclint(cwd=cached).returncode == 0


@needs_fifo
def test_a_fifo_dependency_is_a_miss_not_a_hang(cached: Path) -> None:
    fifo = cached / "pipe.py"
    os.mkfifo(fifo)
    plant_dependency(cached, str(fifo), content_digest(b""))
    completed = run_conclint(cwd=cached)  # the timeout fails the test if the FIFO is opened blocking
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    assert "Traceback" not in completed.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_dependency_is_a_miss_not_a_memory_error(cached: Path) -> None:
    plant_dependency(cached, "/dev/zero", content_digest(b""))
    completed = run_conclint(cwd=cached)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    assert completed.stderr == ""


@needs_symlinks
def test_a_dependency_linking_out_of_the_project_is_a_miss(cached: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.py").write_text("x = 1\n")
    (cached / "link.py").symlink_to(tmp_path / "outside.py")
    plant_dependency(cached, str(cached / "link.py"), content_digest(b"x = 1\n"))
    completed = run_conclint(cwd=cached)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)


@needs_symlinks
def test_a_dependency_linking_inside_the_project_is_read(cached: Path) -> None:
    (cached / "real.py").write_text("x = 1\n")
    (cached / "link.py").symlink_to(cached / "real.py")
    plant_dependency(cached, str(cached / "link.py"), content_digest(b"x = 1\n"))
    assert run_conclint(cwd=cached).returncode == 0


def test_an_oversize_dependency_is_a_miss(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (cached / "helper.py").write_text("x = 1\n")
    plant_dependency(cached, str(cached / "helper.py"), content_digest(b"x = 1\n"))
    monkeypatch.setattr(cache_module, "MAX_DEPENDENCY_BYTES", 5)
    exit_code, stdout, _ = invoke()
    assert exit_code == 1 and stdout.startswith(FINDING)


def test_a_results_file_nested_100000_deep_is_a_miss(cached: Path) -> None:
    file = results_file(cached / ".conclint_cache")
    file.write_text('{"format": 1, "entries": {"bad.py": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    completed = run_conclint(cwd=cached)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    assert completed.stderr == ""
    assert json.loads(file.read_text())["entries"]["bad.py"]  # and rewritten


def test_an_entry_that_cannot_be_encoded_again_does_not_stop_saving() -> None:
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    written = json.loads(cache_module._dump({"deep.py": nested, "new.py": ["entry"]}, {"new.py": ["entry"]}))
    assert written == {"format": cache_module.FORMAT_VERSION, "entries": {"new.py": ["entry"]}}


def test_an_oversize_results_file_is_a_miss(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = results_file(cached / ".conclint_cache").stat().st_size
    monkeypatch.setattr(cache_module, "MAX_RESULTS_BYTES", size)
    assert invoke()[0] == 1  # at the cap: served (and not rewritten: nothing changed)
    assert Cache(cached / ".conclint_cache", cached).has_entry("bad.py")
    monkeypatch.setattr(cache_module, "MAX_RESULTS_BYTES", size - 1)
    assert not Cache(cached / ".conclint_cache", cached).has_entry("bad.py")


@needs_fifo
def test_a_fifo_results_file_is_a_miss_and_replaced(cached: Path) -> None:
    file = results_file(cached / ".conclint_cache")
    file.unlink()
    os.mkfifo(file)
    completed = run_conclint(cwd=cached)
    assert completed.returncode == 1 and completed.stdout.startswith(FINDING)
    assert file.is_file() and json.loads(file.read_text())["entries"]["bad.py"]


@needs_fifo
def test_a_fifo_tag_is_not_conclints(project: Path) -> None:
    directory = project / ".conclint_cache"
    directory.mkdir()
    os.mkfifo(directory / "CACHEDIR.TAG")
    assert_refused(run_conclint(cwd=project), "is not conclint's")


# --- the summary store ------------------------------------------------------------------------------


def summary() -> ModuleSummary:
    return ModuleSummary({}, {}, {"os": "os"})


def test_the_store_marks_the_cache_directory_it_makes(tmp_path: Path) -> None:
    store = SummaryStore(tmp_path / "cache", "key")
    assert store.get("d" * 32, "app") is None  # a read makes nothing
    assert not (tmp_path / "cache").exists()
    store.put("d" * 32, "app", summary())
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text() == _TAG
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert SummaryStore(tmp_path / "cache", "key").get("d" * 32, "app") == summary()


def test_the_store_neither_reads_nor_writes_in_a_foreign_directory(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    (foreign / "summaries" / "key").mkdir(parents=True)
    (foreign / "summaries" / "key" / f"{'d' * 32}-app.json").write_text(json.dumps(summary().as_dict()))
    before = snapshot(foreign)
    store = SummaryStore(foreign, "key")
    assert store.get("d" * 32, "app") is None
    store.put("e" * 32, "app", summary())
    assert snapshot(foreign) == before
    with pytest.raises(CacheDirectoryError):
        Cache(foreign, tmp_path)


@needs_symlinks
def test_the_store_does_not_follow_a_symlinked_store(tmp_path: Path, victim: Path) -> None:
    make_cache_directory(tmp_path / "cache").close()
    (tmp_path / "cache" / "summaries").symlink_to(victim / "summaries", target_is_directory=True)
    before = snapshot(victim)
    store = SummaryStore(tmp_path / "cache", f"{OTHER_ENGINE}-{OTHER_ENGINE}")
    assert store.get(OTHER_ENGINE, "app") is None
    store.put(OTHER_ENGINE, "other", summary())
    assert snapshot(victim) == before


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000 + b"]" * 100_000, b'{"functions": [], "class_bases": {}, "imports": {"a": ' * 3000, b"\xff"],
    ids=["nested", "nested-objects", "binary"],
)
def test_a_malformed_stored_summary_is_a_miss(tmp_path: Path, content: bytes) -> None:
    store = SummaryStore(tmp_path / "cache", "key")
    store.put("d" * 32, "app", summary())
    (tmp_path / "cache" / "summaries" / "key" / f"{'d' * 32}-app.json").write_bytes(content)
    assert SummaryStore(tmp_path / "cache", "key").get("d" * 32, "app") is None


@needs_fifo
def test_a_fifo_or_oversize_stored_summary_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SummaryStore(tmp_path / "cache", "key")
    store.put("d" * 32, "app", summary())
    os.mkfifo(tmp_path / "cache" / "summaries" / "key" / f"{'e' * 32}-app.json")
    assert store.get("e" * 32, "app") is None  # returns at once: opened without blocking
    assert store.get("d" * 32, "app") == summary()
    monkeypatch.setattr(project_module, "MAX_SUMMARY_BYTES", 4)
    assert store.get("d" * 32, "app") is None
