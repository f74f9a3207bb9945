"""`per-file-ignores` patterns are relative to the project root (the directory of the
pyproject.toml in use), whatever the working directory and however the path is spelled."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conclint import cli
from conclint.core.settings import Settings
from conclint.project.runner import project_relative_path, settings_for_file

BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.conclint.per-file-ignores]\n"scripts/*" = ["CCL1"]\n')
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "tool.py").write_text(BLOCKING)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "service.py").write_text(BLOCKING)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def reported(*args: str) -> list[str]:
    result = CliRunner().invoke(cli.main, ["--format", "github", *args], catch_exceptions=False)
    return [line.split(",")[0].removeprefix("::error file=") for line in result.stdout.splitlines()]


def test_from_the_project_root(project: Path) -> None:
    assert reported() == ["app/service.py"]


def test_from_a_subdirectory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "scripts")
    assert reported("tool.py") == []
    assert reported() == []
    assert reported("../app/service.py") == ["../app/service.py"]


def test_from_a_sibling_subdirectory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "app")
    assert reported("..") == ["../app/service.py"]
    assert reported("../scripts/tool.py") == []


def test_with_absolute_and_dotted_paths(project: Path) -> None:
    assert reported(str(project / "scripts" / "tool.py"), str(project / "app")) == [
        str(project / "app" / "service.py").replace("\\", "/")
    ]
    assert reported("./scripts/../scripts/tool.py") == []


def test_with_an_explicit_config_from_elsewhere(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(elsewhere)
        result = runner.invoke(
            cli.main,
            ["--format", "github", "--config", str(project / "pyproject.toml"), str(project)],
            catch_exceptions=False,
        )
    files = [line.split(",")[0].removeprefix("::error file=") for line in result.stdout.splitlines()]
    assert files == [str(project / "app" / "service.py").replace("\\", "/")]


def test_a_per_file_ignore_beats_a_more_specific_select(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.conclint]\nselect = ["blocking-sleep-in-async"]\n'
        '[tool.conclint.per-file-ignores]\n"scripts/*" = ["CCL1"]\n'
    )
    assert reported() == ["app/service.py"]


def test_settings_for_file_folds_matches_into_ignore(tmp_path: Path) -> None:
    settings = Settings(per_file_ignores=(("scripts/*", ("CCL101",)), ("*.pyi", ("CCL1",))))
    folded = settings_for_file(str(tmp_path / "scripts" / "x.py"), settings, tmp_path)
    assert folded.per_file_ignores == ()
    assert folded.ignore == ("blocking-sleep-in-async",)
    untouched = settings_for_file(str(tmp_path / "app" / "x.py"), settings, tmp_path)
    assert untouched.ignore == () and untouched.per_file_ignores == ()


def test_project_relative_path(tmp_path: Path) -> None:
    assert project_relative_path(str(tmp_path / "a" / "b.py"), tmp_path) == "a/b.py"
    outside = str(tmp_path.parent / "elsewhere.py")
    assert project_relative_path(outside, tmp_path) == outside.replace("\\", "/")
