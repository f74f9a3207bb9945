"""[tool.conclint] -> Settings: accepted values, CLI overrides, and one-line errors for mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.project.configuration import ConfigError, find_pyproject, load_settings


def write_pyproject(directory: Path, body: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --- find_pyproject ------------------------------------------------------------------------


def test_find_pyproject_returns_nearest_file_with_conclint_table(tmp_path: Path) -> None:
    root = write_pyproject(tmp_path, "[tool.conclint]\nselect = ['CCL1']\n")
    package = tmp_path / "packages" / "sub"
    package.mkdir(parents=True)
    write_pyproject(tmp_path / "packages", "[project]\nname = 'sub'\n")  # no [tool.conclint]: passed over
    assert find_pyproject(package) == root.resolve()
    assert find_pyproject(tmp_path) == root.resolve()


def test_find_pyproject_prefers_the_nearest_table(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.conclint]\n")
    (tmp_path / "inner").mkdir()
    inner = write_pyproject(tmp_path / "inner", "[tool.conclint]\n")
    assert find_pyproject(tmp_path / "inner") == inner.resolve()


def test_find_pyproject_returns_malformed_file_so_the_error_is_reported(tmp_path: Path) -> None:
    broken = write_pyproject(tmp_path, "[tool.conclint\n")
    assert find_pyproject(tmp_path) == broken.resolve()
    with pytest.raises(ConfigError):
        load_settings(broken)


def test_find_pyproject_ignores_files_without_table(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[project]\nname = 'x'\n")
    found = find_pyproject(tmp_path)
    # Whatever lies above the temporary directory is not ours to control; nothing inside it qualifies.
    assert found is None or tmp_path.resolve() not in found.parents


def test_find_pyproject_accepts_a_file_as_start(tmp_path: Path) -> None:
    root = write_pyproject(tmp_path, "[tool.conclint]\n")
    module = tmp_path / "mod.py"
    module.write_text("")
    assert find_pyproject(module) == root.resolve()


# --- load_settings: values ----------------------------------------------------------------------


def test_no_pyproject_gives_defaults() -> None:
    assert load_settings(None) == DEFAULT_SETTINGS


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(write_pyproject(tmp_path, "[project]\nname = 'x'\n")) == DEFAULT_SETTINGS


def test_every_key_is_converted(tmp_path: Path) -> None:
    pyproject = write_pyproject(
        tmp_path,
        """
[tool.conclint]
select = ["CCL1", "parse-error"]
ignore = ["CCL101"]
exclude = ["legacy", "tests/data/*"]
target-version = "py312"
free-threaded = true
offload-decorators = ["mylib.in_thread", "asgiref.sync.sync_to_async"]

[tool.conclint.per-file-ignores]
"tests/*" = ["CCL1"]
"scripts/*.py" = ["CCL001", "blocking-sleep-in-async"]

[tool.conclint.extend-blocking-calls]
"mylib.client.fetch" = "http"
"mylib.wait_for" = "wait"
""",
    )
    settings = load_settings(pyproject)
    assert settings == Settings(
        select=("CCL1", "parse-error"),
        ignore=("CCL101",),
        per_file_ignores=(("tests/*", ("CCL1",)), ("scripts/*.py", ("CCL001", "blocking-sleep-in-async"))),
        exclude=("legacy", "tests/data/*"),
        extend_blocking_calls=(("mylib.client.fetch", "http"), ("mylib.wait_for", "wait")),
        target_version="3.12",
        free_threaded=True,
        offload_decorators=("mylib.in_thread", "asgiref.sync.sync_to_async"),
    )
    hash(settings)  # settings are shared by every file and used as cache keys: they must hash


def test_extend_blocking_calls_list_means_category_other(tmp_path: Path) -> None:
    pyproject = write_pyproject(tmp_path, '[tool.conclint]\nextend-blocking-calls = ["mylib.block", "legacy_wait"]\n')
    assert load_settings(pyproject).extend_blocking_calls == (("mylib.block", "other"), ("legacy_wait", "other"))


@pytest.mark.parametrize("spelling", ["3.11", "py311", "PY311", "311"])
def test_target_version_spellings(tmp_path: Path, spelling: str) -> None:
    pyproject = write_pyproject(tmp_path, f'[tool.conclint]\ntarget-version = "{spelling}"\n')
    assert load_settings(pyproject).target_version == "3.11"


# --- load_settings: CLI overrides -------------------------------------------------------------


def test_cli_select_replaces_and_ignore_extends(tmp_path: Path) -> None:
    pyproject = write_pyproject(tmp_path, '[tool.conclint]\nselect = ["CCL0"]\nignore = ["CCL001"]\n')
    settings = load_settings(pyproject, select=("CCL1",), ignore=("CCL101",), free_threaded=None)
    assert settings.select == ("CCL1",)
    assert settings.ignore == ("CCL001", "CCL101")
    assert settings.free_threaded is False


def test_cli_free_threaded_overrides_config(tmp_path: Path) -> None:
    pyproject = write_pyproject(tmp_path, "[tool.conclint]\nfree-threaded = true\n")
    assert load_settings(pyproject, free_threaded=False).free_threaded is False
    assert load_settings(None, free_threaded=True).free_threaded is True


def test_cli_unknown_code_is_a_config_error_naming_the_option() -> None:
    with pytest.raises(ConfigError, match=r"--select.*CCL999"):
        load_settings(None, select=("CCL999",))


# --- load_settings: errors, each one line naming the file -----------------------------------------

BAD_CONFIGS = {
    "malformed TOML": ("[tool.conclint\nselect = 1\n", "invalid TOML"),
    "unknown key": ("[tool.conclint]\nextend-select = ['CCL1']\n", "unknown key 'extend-select'"),
    "select not a list": ('[tool.conclint]\nselect = "CCL101"\n', "expected a list of strings"),
    "select list of ints": ("[tool.conclint]\nselect = [101]\n", "expected a list of strings"),
    "unknown code in select": ('[tool.conclint]\nselect = ["CCL999"]\n', "CCL999"),
    "unknown name in ignore": ('[tool.conclint]\nignore = ["no-such-rule"]\n', "no-such-rule"),
    "unknown code in per-file-ignores": (
        '[tool.conclint.per-file-ignores]\n"tests/*" = ["XYZ1"]\n',
        "XYZ1",
    ),
    "per-file-ignores not a table": ('[tool.conclint]\nper-file-ignores = ["CCL1"]\n', "expected a table"),
    "exclude not a list": ('[tool.conclint]\nexclude = "build"\n', "expected a list of strings"),
    "unknown blocking category": (
        '[tool.conclint.extend-blocking-calls]\n"mylib.fetch" = "slow"\n',
        "unknown category 'slow'",
    ),
    "blocking name not qualified": ('[tool.conclint]\nextend-blocking-calls = ["not a name"]\n', "qualified name"),
    "blocking calls wrong type": ("[tool.conclint]\nextend-blocking-calls = 3\n", "expected a list"),
    "bad target version": ('[tool.conclint]\ntarget-version = "2.7"\n', "Python version"),
    "target version not a string": ("[tool.conclint]\ntarget-version = 3.10\n", "Python version"),
    "offload decorator not a name": ('[tool.conclint]\noffload-decorators = ["my lib"]\n', "qualified names"),
    "offload decorators not a list": ('[tool.conclint]\noffload-decorators = "mylib.x"\n', "expected a list of strings"),
    "free-threaded not a bool": ('[tool.conclint]\nfree-threaded = "yes"\n', "true or false"),
    "table not a table": ('[tool]\nconclint = ["CCL1"]\n', "must be a table"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_config_errors_are_one_line_and_name_the_file(tmp_path: Path, case: str) -> None:
    body, expected = BAD_CONFIGS[case]
    pyproject = write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_settings(pyproject)
    message = str(caught.value)
    assert expected in message
    assert str(pyproject) in message
    assert "\n" not in message


def test_undecodable_pyproject_is_a_config_error(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b"[tool.conclint]\nselect = ['\xff']\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(pyproject)
