"""The results cache: reused only while content, settings and engine are unchanged; never an
error when broken; and a run it fully answers never imports libcst."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conclint.project import cache as cache_module
from conclint import cli
from conclint.project import lint_one
from conclint.project.cache import Cache, cache_key, content_digest, settings_digest
from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.core.model import Diagnostic, Edit, Fix, Span
from test_cli import make_runner

BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "bad.py").write_text(BLOCKING)
    (tmp_path / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = make_runner().invoke(cli.main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the engine is asked to lint (through the runner, in this process)."""
    seen: list[str] = []
    real = lint_one.lint_source

    def spy(source: bytes, path: str, settings: Settings, project: object = None) -> list[Diagnostic]:
        seen.append(os.path.basename(path))
        return real(source, path, settings, project)  # type: ignore[arg-type]

    monkeypatch.setattr(lint_one, "lint_source", spy)
    return seen


def results_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("results-*.json"))


def test_second_run_is_served_from_the_cache(project: Path, linted: list[str]) -> None:
    first = invoke()
    assert sorted(linted) == ["bad.py", "clean.py"]
    linted.clear()
    assert invoke() == first
    assert linted == []
    directory = project / ".conclint_cache"
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (directory / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert len(results_files(directory)) == 1


def test_changed_content_is_linted_again(project: Path, linted: list[str]) -> None:
    invoke()
    linted.clear()
    (project / "clean.py").write_text(BLOCKING)
    exit_code, stdout, _ = invoke("-q")
    assert linted == ["clean.py"]
    assert exit_code == 1 and "clean.py:3:5: CCL101" in stdout


def test_changed_settings_lint_again(project: Path, linted: list[str]) -> None:
    invoke()
    linted.clear()
    assert invoke("--ignore", "CCL101")[0] == 0
    assert sorted(linted) == ["bad.py", "clean.py"]
    linted.clear()
    (project / "pyproject.toml").write_text('[tool.conclint]\nexclude = ["nothing"]\n')
    invoke()  # `exclude` does not change any file's findings: still cached
    assert linted == []


def test_per_file_ignores_are_part_of_the_key(project: Path, linted: list[str]) -> None:
    invoke()
    linted.clear()
    (project / "pyproject.toml").write_text('[tool.conclint.per-file-ignores]\n"bad.py" = ["CCL1"]\n')
    assert invoke()[0] == 0
    assert linted == ["bad.py"]


def test_no_cache_neither_reads_nor_writes(project: Path, linted: list[str]) -> None:
    invoke("--no-cache")
    invoke("--no-cache")
    assert sorted(linted) == ["bad.py", "bad.py", "clean.py", "clean.py"]
    assert not (project / ".conclint_cache").exists()


def test_cache_dir_option(project: Path, tmp_path_factory: pytest.TempPathFactory, linted: list[str]) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "cache"
    invoke("--cache-dir", str(elsewhere))
    assert results_files(elsewhere) and not (project / ".conclint_cache").exists()
    linted.clear()
    invoke("--cache-dir", str(elsewhere))
    assert linted == []


def test_cache_is_found_from_a_subdirectory(project: Path, linted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "mod.py").write_text(BLOCKING)
    invoke()
    linted.clear()
    monkeypatch.chdir(project / "sub")
    exit_code, stdout, _ = invoke("-q")
    assert linted == [] and exit_code == 1
    assert stdout.startswith("mod.py:3:5: CCL101 ")  # paths as given, even from the cache
    assert not (project / "sub" / ".conclint_cache").exists()


@pytest.mark.parametrize(
    "corruption",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"format": 1, "entries": []}',
        b'{"format": 999, "entries": {}}',
    ],
    ids=["empty", "truncated", "binary", "wrong-type", "wrong-entries", "other-format"],
)
def test_a_corrupt_results_file_is_ignored(project: Path, linted: list[str], corruption: bytes) -> None:
    expected = invoke()
    (file,) = results_files(project / ".conclint_cache")
    file.write_bytes(corruption)
    linted.clear()
    assert invoke() == expected
    assert sorted(linted) == ["bad.py", "clean.py"]
    linted.clear()
    assert invoke() == expected  # and it was rewritten
    assert linted == []


@pytest.mark.parametrize(
    "entry",
    [
        "not a list",
        ["key-only"],
        ["KEY", "not a list of findings"],
        ["KEY", [[1, 2, 3]]],
        ["KEY", [["1", 1, 1, 2, "CCL101", "n", "m", "s", None]]],
        ["KEY", [[1, 1, 1, 2, "CCL101", "n", "m", "s", ["bad fix"]]]],
    ],
)
def test_a_malformed_entry_is_a_miss(project: Path, linted: list[str], entry: object) -> None:
    expected = invoke()
    (file,) = results_files(project / ".conclint_cache")
    document = json.loads(file.read_text())
    key = document["entries"]["bad.py"][0][0]
    if isinstance(entry, list) and entry[:1] == ["KEY"]:
        entry = [key, *entry[1:]]
    document["entries"]["bad.py"] = [entry]
    file.write_text(json.dumps(document))
    linted.clear()
    assert invoke() == expected
    assert linted == ["bad.py"]


def test_an_unwritable_cache_is_not_an_error(project: Path, linted: list[str]) -> None:
    (project / "blocker").write_text("a file where the cache directory should go")
    exit_code, stdout, stderr = invoke("--cache-dir", "blocker/cache")
    assert exit_code == 1 and "bad.py:3:5: CCL101" in stdout and stderr == ""


def test_unreadable_files_and_parse_errors(project: Path, linted: list[str]) -> None:
    (project / "broken.py").write_text("def broken(:\n")
    first = invoke("broken.py", "missing.py")
    linted.clear()
    assert invoke("broken.py", "missing.py") == first
    assert first[0] == 2 and "CCL001" in first[1] and "missing.py: error" in first[2]
    assert linted == []  # a CCL001 is a result like any other; a missing file is not cached


def test_findings_round_trip_with_fixes(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", tmp_path)
    fix = Fix((Edit(Span(1, 1, 1, 5), "await asyncio.sleep(1)"),), safe=False, description="use asyncio")
    path = str(tmp_path / "a.py")
    diagnostics = (
        Diagnostic(path, Span(3, 5, 3, 18), "CCL101", "blocking-sleep-in-async", "m", "s", fix),
        Diagnostic(path, Span(4, 1, 4, 2), "CCL102", "blocking-http-call-in-async", "m2"),
    )
    key = cache_key(content_digest(b"source"), DEFAULT_SETTINGS)
    cache.put(path, key, diagnostics)
    cache.save()
    reloaded = Cache(tmp_path / "cache", tmp_path)
    found = reloaded.get(path, key)
    assert found == diagnostics and found is not None and found[0].fix == fix
    assert reloaded.get(path, key + "x") is None


def test_settings_digest_is_stable_and_ignores_exclude() -> None:
    assert settings_digest(Settings()) == settings_digest(Settings())
    assert settings_digest(Settings(exclude=("x",))) == settings_digest(Settings())
    for changed in (
        Settings(select=("CCL1",)),
        Settings(ignore=("CCL101",)),
        Settings(free_threaded=True),
        Settings(target_version="3.12"),
        Settings(extend_blocking_calls=(("a.b", "other"),)),
    ):
        assert settings_digest(changed) != settings_digest(Settings())
    # stable across processes, not just within one (no hash randomisation, no ids)
    code = "from conclint.project.cache import settings_digest; from conclint.project.configuration import Settings; print(settings_digest(Settings()))"
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    assert outputs == {settings_digest(Settings()) + "\n"}


def test_a_new_engine_starts_a_new_results_file(project: Path, monkeypatch: pytest.MonkeyPatch, linted: list[str]) -> None:
    invoke()
    linted.clear()
    monkeypatch.setattr(cache_module, "engine_fingerprint", lambda: "another-engine")
    invoke()
    assert sorted(linted) == ["bad.py", "clean.py"]
    assert len(results_files(project / ".conclint_cache")) == 2


WARM_RUN = textwrap.dedent(
    """
    import sys
    from conclint.cli import main
    try:
        main(["-q"])
    except SystemExit as exit:
        code = exit.code
    loaded = sorted(name for name in sys.modules if name == "libcst" or name.startswith("libcst."))
    print("exit", code, "libcst modules:", len(loaded))
    """
)


@pytest.mark.parametrize("options", [[], ["--format", "json"], ["--select", "CCL1", "--ignore", "blocking-sleep-in-async"]])
def test_a_fully_cached_run_never_imports_libcst(project: Path, options: list[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.conclint]\nper-file-ignores = { "clean.py" = ["CCL2"] }\n')
    code = WARM_RUN.replace('["-q"]', repr(["-q", *options]))
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not cold.stdout.endswith("libcst modules: 0\n")  # the first run did lint
    assert warm.stdout.splitlines()[-1].endswith("libcst modules: 0")
    assert warm.stdout == cold.stdout.replace(cold.stdout.splitlines()[-1], warm.stdout.splitlines()[-1])
