"""Configuration where the code is (issue 19 items 1 and 2): each file's nearest
`[tool.conclint]`, `extend`, `--config` for every file, and what git ignores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conclint import cli
from conclint.project.configuration import ConfigError, Configurations, run_root
from conclint.project.discovery import discover
from conclint.project.gitignore import GitIgnored

BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"
CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")


def write(root: Path, relative: str, text: str = BLOCKING) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 keeps stderr apart already
        runner = CliRunner()
    return runner.invoke(cli.main, ["--no-cache", *args], catch_exceptions=False)


def findings(result: Result, prefix: str = "") -> list[tuple[str, str]]:
    """(path relative to the project, code) of each finding of a `--format json` run."""
    assert result.exit_code in (0, 1), result.stderr
    return sorted((item["path"].removeprefix(prefix), item["code"]) for item in json.loads(result.stdout))


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with its own configuration and two packages with theirs."""
    write(tmp_path, "pyproject.toml", '[tool.conclint]\nexclude = ["generated"]\n')
    write(tmp_path, "tools/run.py")
    write(tmp_path, "generated/out.py")
    write(tmp_path, "proj/pyproject.toml", '[tool.conclint.per-file-ignores]\n"scripts/*" = ["CCL1"]\n')
    write(tmp_path, "proj/scripts/tool.py")
    write(tmp_path, "proj/app/main.py")
    write(tmp_path, "proj/generated/kept.py")  # proj's configuration does not exclude it
    write(tmp_path, "plain/pyproject.toml", "[project]\nname = 'plain'\n")  # no table: passed over
    write(tmp_path, "plain/generated/dropped.py")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- which configuration a file uses ------------------------------------------------------------


def test_each_file_uses_its_nearest_configuration(monorepo: Path) -> None:
    assert findings(invoke("--format", "json")) == [
        ("proj/app/main.py", "CCL101"),
        ("proj/generated/kept.py", "CCL101"),
        ("tools/run.py", "CCL101"),
    ]


def test_the_parent_and_the_package_itself_give_the_same_findings(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_parent = findings(invoke("--format", "json", "proj"), prefix="proj/")
    monkeypatch.chdir(monorepo / "proj")
    from_inside = findings(invoke("--format", "json"))
    from_inside_file = findings(invoke("--format", "json", "scripts/tool.py", "app/main.py", "generated/kept.py"))
    assert from_parent == from_inside == from_inside_file == [("app/main.py", "CCL101"), ("generated/kept.py", "CCL101")]


def test_a_file_named_from_far_away_uses_its_own_configuration(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = monorepo / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert invoke("-q", str(monorepo / "proj" / "scripts" / "tool.py")).stdout == ""


def test_config_option_applies_one_file_to_every_file(monorepo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("shared") / "pyproject.toml"
    outside.write_text('[tool.conclint]\nselect = ["CCL2"]\n', encoding="utf-8")
    assert findings(invoke("--format", "json", "--config", str(outside))) == []
    # the package's own per-file-ignores no longer apply; the named file's exclude does, everywhere
    named = findings(invoke("--format", "json", "--config", str(monorepo / "pyproject.toml"), "proj"))
    assert named == [("proj/app/main.py", "CCL101"), ("proj/scripts/tool.py", "CCL101")]


def test_command_line_options_override_every_configuration(monorepo: Path) -> None:
    write(monorepo, "proj/pyproject.toml", '[tool.conclint]\nselect = ["CCL2"]\n')
    assert findings(invoke("--format", "json", "--select", "CCL1", "proj")) == [
        ("proj/app/main.py", "CCL101"),
        ("proj/generated/kept.py", "CCL101"),
        ("proj/scripts/tool.py", "CCL101"),
    ]
    assert findings(invoke("--format", "json", "--ignore", "CCL101")) == []


def test_a_malformed_nested_configuration_stops_the_run_naming_it(monorepo: Path) -> None:
    broken = write(monorepo, "proj/pyproject.toml", "[tool.conclint\n")
    result = invoke()
    assert result.exit_code == 2
    assert str(broken) in result.stderr and "invalid TOML" in result.stderr
    assert result.stdout == ""


def test_configurations_read_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", "[tool.conclint]\n")
    for index in range(5):
        write(tmp_path, f"pkg/sub{index}/mod.py")
    from conclint.project import configuration

    reads: list[Path] = []
    real = configuration._read_table
    monkeypatch.setattr(configuration, "_read_table", lambda path: reads.append(path) or real(path))
    configurations = Configurations(tmp_path)
    sources = {configurations.for_file(tmp_path / f"pkg/sub{index}/mod.py").source for index in range(5)}
    assert sources == {tmp_path / "pyproject.toml"}
    assert reads == [tmp_path / "pyproject.toml"]


def test_the_cache_follows_the_configuration_of_the_paths(monorepo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no configuration above it
    configurations = Configurations(elsewhere)
    assert run_root(configurations, [str(monorepo / "proj")]) == monorepo / "proj"
    assert run_root(configurations, [str(monorepo / "proj" / "app" / "main.py")]) == monorepo / "proj"
    assert run_root(configurations, [str(monorepo / "proj"), str(monorepo / "tools")]) == elsewhere
    assert run_root(Configurations(monorepo / "proj" / "app"), ["."]) == monorepo / "proj"
    assert run_root(Configurations(monorepo, forced=monorepo / "proj" / "pyproject.toml"), ["."]) == monorepo / "proj"


def test_settings_for_file_takes_the_configurations_as_the_fix_stage_passes_them(monorepo: Path) -> None:
    from conclint.project.runner import settings_for_file

    configurations = Configurations(monorepo)
    script = settings_for_file(str(monorepo / "proj" / "scripts" / "tool.py"), configurations, monorepo)
    app = settings_for_file("proj/app/main.py", configurations, monorepo)
    assert "blocking-sleep-in-async" in script.ignore
    assert "blocking-sleep-in-async" not in app.ignore


# --- extend -------------------------------------------------------------------------------------


def test_extend_merges_the_extending_file_over_the_extended_one(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.conclint]\nselect = ["CCL1"]\nignore = ["CCL102"]\nexclude = ["legacy"]\n')
    write(tmp_path, "pkg/pyproject.toml", '[tool.conclint]\nextend = "../pyproject.toml"\nignore = ["CCL103"]\n')
    configuration = Configurations(tmp_path).for_directory(tmp_path / "pkg")
    assert configuration.settings.select == ("CCL1",)  # inherited
    assert configuration.settings.ignore == ("CCL103",)  # replaced whole, not appended to
    assert configuration.settings.exclude == ("legacy",)
    assert configuration.root == tmp_path / "pkg"
    assert configuration.exclude_base == tmp_path  # relative to the file that wrote it


def test_inherited_patterns_stay_relative_to_the_file_that_wrote_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", '[tool.conclint.per-file-ignores]\n"pkg/scripts/*" = ["CCL1"]\n')
    write(tmp_path, "pkg/pyproject.toml", '[tool.conclint]\nextend = "../pyproject.toml"\n')
    write(tmp_path, "pkg/scripts/tool.py")
    write(tmp_path, "pkg/app.py")
    monkeypatch.chdir(tmp_path / "pkg")
    assert findings(invoke("--format", "json")) == [("app.py", "CCL101")]


@pytest.mark.parametrize(
    ("extend", "message"),
    [
        ('"missing.toml"', "is not a file"),
        ('"pyproject.toml"', "a cycle"),
        ("3", "expected the path of a pyproject.toml"),
    ],
)
def test_a_bad_extend_is_a_one_line_error(tmp_path: Path, extend: str, message: str) -> None:
    write(tmp_path, "pyproject.toml", f"[tool.conclint]\nextend = {extend}\n")
    with pytest.raises(ConfigError, match=message):
        Configurations(tmp_path).for_directory(tmp_path)


def test_extend_cycle_between_two_files(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.conclint]\nextend = "pkg/pyproject.toml"\n')
    write(tmp_path, "pkg/pyproject.toml", '[tool.conclint]\nextend = "../pyproject.toml"\n')
    with pytest.raises(ConfigError, match="a cycle"):
        Configurations(tmp_path).for_directory(tmp_path / "pkg")


# --- .gitignore ---------------------------------------------------------------------------------


@pytest.fixture
def work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local_*.py\n")
    write(tmp_path, ".gitignore", "out/\n*_gen.py\n!keep_gen.py\n/top_only.py\n")
    write(tmp_path, "pkg/.gitignore", "!again_gen.py\nsecret.py\n")
    for name in (
        "main.py", "out/built.py", "a_gen.py", "keep_gen.py", "top_only.py", "local_notes.py",
        "pkg/top_only.py", "pkg/b_gen.py", "pkg/again_gen.py", "pkg/secret.py", "other/secret.py",
    ):
        write(tmp_path, name, "x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitignore_nested_and_negated_patterns(work_tree: Path) -> None:
    assert discover(["."])[0] == [
        "keep_gen.py", "main.py", "other/secret.py", "pkg/again_gen.py", "pkg/top_only.py",
    ]


def test_no_respect_gitignore_walks_everything(work_tree: Path) -> None:
    assert len(discover(["."], respect_gitignore=False)[0]) == 11
    result = invoke("-q", "--no-respect-gitignore", "--select", "CCL1", ".")
    assert result.exit_code == 0  # the files hold no findings; the option is accepted
    write(work_tree, "pyproject.toml", "[tool.conclint]\nrespect-gitignore = false\n")
    assert len(discover(["."], configurations=Configurations(work_tree))[0]) == 11
    assert len(discover(["."], configurations=Configurations(work_tree, respect_gitignore=True))[0]) == 5


def test_a_path_named_explicitly_is_checked_even_if_ignored(work_tree: Path) -> None:
    assert discover(["a_gen.py", "pkg/secret.py"])[0] == ["a_gen.py", "pkg/secret.py"]
    # a named ignored directory is walked; only the ignore files inside it count there
    write(work_tree, "out/.gitignore", "skip.py\n")
    write(work_tree, "out/skip.py", "x = 1\n")
    write(work_tree, "out/c_gen.py", "x = 1\n")
    assert discover(["out"])[0] == [os.path.join("out", "built.py"), os.path.join("out", "c_gen.py")]


def test_gitignore_applies_only_inside_a_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, ".gitignore", "*.py\n")
    write(tmp_path, "mod.py", "x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert discover(["."])[0] == ["mod.py"]


def test_a_nested_work_tree_starts_afresh(work_tree: Path) -> None:
    (work_tree / "vendored" / ".git").mkdir(parents=True)
    write(work_tree, "vendored/x_gen.py", "x = 1\n")
    write(work_tree, "vendored/.gitignore", "ignored.py\n")
    write(work_tree, "vendored/ignored.py", "x = 1\n")
    ignored = GitIgnored()
    assert not ignored.ignored(str(work_tree / "vendored" / "x_gen.py"), False)
    assert ignored.ignored(str(work_tree / "vendored" / "ignored.py"), False)
    assert ignored.ignored(str(work_tree / "a_gen.py"), False)


def test_installed_command_from_the_parent_of_a_git_project(tmp_path: Path) -> None:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    project = tmp_path / "proj"
    (project / ".git").mkdir(parents=True)
    write(project, ".gitignore", "scratch/\n")
    write(project, "pyproject.toml", '[tool.conclint.per-file-ignores]\n"scripts/*" = ["CCL101"]\n')
    write(project, "scripts/tool.py")
    write(project, "scratch/try.py")
    write(project, "app.py")

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CONCLINT), "-q", *args], cwd=cwd, capture_output=True, text=True, timeout=120)

    from_parent = run("proj", cwd=tmp_path)
    assert from_parent.returncode == 1, from_parent.stderr
    assert [line.split(":")[0] for line in from_parent.stdout.splitlines()] == ["proj/app.py"]
    from_inside = run(cwd=project)
    assert [line.split(":")[0] for line in from_inside.stdout.splitlines()] == ["app.py"]
    named = run("proj/scratch/try.py", cwd=tmp_path)
    assert named.stdout.startswith("proj/scratch/try.py:3:5: CCL101")
    everything = run("--no-respect-gitignore", "proj", cwd=tmp_path)
    assert sorted(line.split(":")[0] for line in everything.stdout.splitlines()) == ["proj/app.py", "proj/scratch/try.py"]
    assert (project / ".conclint_cache").is_dir() and not (tmp_path / ".conclint_cache").exists()
