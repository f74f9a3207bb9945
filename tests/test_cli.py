"""The command-line contract: output formats, exit codes, options, configuration errors.

Most tests drive `conclint.cli.main` in-process with click's CliRunner; a few run the
installed `conclint` command (and `python -m conclint`) to check the real entry points.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conclint import __version__, cli
from conclint.rules.registry import rule_for
from conclint.rules.base import DOC_SECTIONS

BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\nasync def handler():\n    await asyncio.sleep(1)\n"
FINDING_LINE = "bad.py:3:5: CCL101 "
JSON_KEYS = ["path", "line", "column", "end_line", "end_column", "code", "name", "message", "suggestion", "fixable", "chain"]
CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")


def make_runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes the streams unless told not to
    except TypeError:
        return CliRunner()


def invoke(*args: str) -> Result:
    return make_runner().invoke(cli.main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with its own (empty) configuration, one bad file and one clean file."""
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "bad.py").write_text(BLOCKING)
    (tmp_path / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text("[tool.conclint]\n" + body)


# --- text output -------------------------------------------------------------------------------


def test_text_output_one_line_per_finding_and_summary(project: Path) -> None:
    result = invoke()
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(FINDING_LINE)
    assert "time.sleep" in lines[0]
    assert lines[1] == "Found 1 problem in 1 file."
    assert result.stderr == ""


def test_clean_run_exits_zero(project: Path) -> None:
    result = invoke("clean.py")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed.\n"


def test_default_path_is_the_current_directory(project: Path) -> None:
    assert invoke().stdout == invoke(".").stdout


def test_paths_are_reported_as_given(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "mod.py").write_text(BLOCKING)
    assert invoke("pkg", "-q").stdout.startswith(os.path.join("pkg", "mod.py") + ":3:5: CCL101 ")
    assert invoke("./pkg/", "-q").stdout.startswith("./pkg/mod.py:3:5: CCL101 ")


def test_quiet_prints_only_findings(project: Path) -> None:
    result = invoke("--quiet")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith(FINDING_LINE)
    assert invoke("-q", "clean.py").stdout == ""


def test_exit_zero_keeps_findings_but_exits_zero(project: Path) -> None:
    result = invoke("--exit-zero")
    assert result.exit_code == 0
    assert FINDING_LINE in result.stdout


# --- json output -------------------------------------------------------------------------------


def test_json_output_contract(project: Path) -> None:
    result = invoke("--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)  # the whole of stdout is one JSON document: no summary
    assert isinstance(findings, list) and len(findings) == 1
    finding = findings[0]
    assert list(finding) == JSON_KEYS
    assert finding["path"] == "bad.py"
    assert (finding["line"], finding["column"]) == (3, 5)
    assert (finding["end_line"], finding["end_column"]) == (3, 18)
    assert finding["code"] == "CCL101"
    assert finding["name"] == "blocking-sleep-in-async"
    assert isinstance(finding["message"], str) and finding["message"]
    assert isinstance(finding["suggestion"], str)
    assert isinstance(finding["fixable"], bool)


def test_json_output_without_findings_is_an_empty_array(project: Path) -> None:
    result = invoke("--format", "json", "clean.py")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_json_statistics(project: Path) -> None:
    result = invoke("--format", "json", "--statistics")
    assert json.loads(result.stdout) == [{"code": "CCL101", "name": "blocking-sleep-in-async", "count": 1}]


def test_unknown_format_is_a_usage_error(project: Path) -> None:
    result = invoke("--format", "xml")
    assert result.exit_code == 2


# --- rule selection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "reported"),
    [
        (["--select", "CCL1"], True),
        (["--select", "CCL0"], False),
        (["--select", "CCL0,CCL101"], True),
        (["--select", "CCL0", "--select", "blocking-sleep-in-async"], True),
        (["--ignore", "CCL101"], False),
        (["--ignore", "blocking-sleep-in-async"], False),
        (["--select", "ALL", "--ignore", "CCL0,CCL1"], False),
    ],
)
def test_select_and_ignore(project: Path, args: list[str], reported: bool) -> None:
    result = invoke(*args)
    assert (FINDING_LINE in result.stdout) is reported
    assert result.exit_code == (1 if reported else 0)


def test_cli_select_replaces_config_select(project: Path) -> None:
    configure(project, 'select = ["CCL0"]\n')
    assert invoke().exit_code == 0
    assert invoke("--select", "CCL101").exit_code == 1


def test_cli_ignore_adds_to_config_ignore(project: Path) -> None:
    configure(project, 'ignore = ["CCL0"]\n')
    assert invoke().exit_code == 1
    assert invoke("--ignore", "CCL101").exit_code == 0


def test_unknown_code_on_the_command_line_exits_2(project: Path) -> None:
    result = invoke("--select", "CCL999")
    assert result.exit_code == 2
    assert "CCL999" in result.stderr
    assert result.stdout == ""


# --- statistics, explain, version ------------------------------------------------------------------


def test_statistics_counts_per_code(project: Path) -> None:
    (project / "more.py").write_text(BLOCKING + "async def other():\n    time.sleep(2)\n")
    (project / "broken.py").write_text("def f(:\n")
    result = invoke("--statistics")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "3  CCL101  blocking-sleep-in-async",
        "1  CCL001  parse-error",
        "Found 4 problems in 3 files.",
    ]


@pytest.mark.parametrize("selector", ["CCL101", "ccl101", "blocking-sleep-in-async"])
def test_explain_prints_the_whole_rule_page_as_markdown(selector: str) -> None:
    result = invoke("--explain", selector, "--format", "markdown")
    assert result.exit_code == 0
    rule = rule_for("CCL101")
    assert rule is not None
    assert result.stdout.startswith("# CCL101: blocking-sleep-in-async\n")
    assert rule.MESSAGE in result.stdout
    sections = rule.doc_sections()
    for title in DOC_SECTIONS:
        if title in sections:
            assert f"## {title}\n\n{sections[title]}" in result.stdout


def test_explain_unknown_code_exits_2() -> None:
    result = invoke("--explain", "CCL999")
    assert result.exit_code == 2
    assert "unknown rule" in result.stderr
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"conclint {__version__}\n"


# --- configuration ---------------------------------------------------------------------------------

CONFIG_ERRORS = {
    "unknown key": ("bogus = 1\n", "unknown key 'bogus'"),
    "unknown code": ('select = ["CCL999"]\n', "CCL999"),
    "malformed TOML": ("select = [\n", "invalid TOML"),
    "wrong type": ("free-threaded = 1\n", "true or false"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_ERRORS))
def test_config_errors_exit_2_with_one_line(project: Path, case: str) -> None:
    body, expected = CONFIG_ERRORS[case]
    configure(project, body)
    result = invoke()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "pyproject.toml" in result.stderr


def test_explicit_config_file(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("config") / "pyproject.toml"
    elsewhere.write_text('[tool.conclint]\nignore = ["CCL101"]\n')
    assert invoke().exit_code == 1
    assert invoke("--config", str(elsewhere)).exit_code == 0


def test_missing_config_file_is_a_usage_error(project: Path) -> None:
    assert invoke("--config", "nope.toml").exit_code == 2


def test_config_is_found_in_a_parent_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(project, 'ignore = ["CCL101"]\n')
    (project / "sub").mkdir()
    (project / "sub" / "bad.py").write_text(BLOCKING)
    monkeypatch.chdir(project / "sub")
    assert invoke().exit_code == 0


def test_config_exclude_and_per_file_ignores(project: Path) -> None:
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(BLOCKING)
    (project / "scripts").mkdir()
    (project / "scripts" / "tool.py").write_text(BLOCKING)
    configure(project, 'exclude = ["legacy"]\n[tool.conclint.per-file-ignores]\n"scripts/*" = ["CCL1"]\n')
    lines = invoke("-q").stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(FINDING_LINE)
    assert invoke("-q", "legacy/old.py").stdout == ""  # excluded even when named


def test_free_threaded_flag_reaches_settings(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real_check = cli.check

    def spy(paths, settings, root=None, **options):  # type: ignore[no-untyped-def]
        seen.append(settings.free_threaded)
        return real_check(paths, settings, root, **options)

    monkeypatch.setattr(cli, "check", spy)
    invoke("--free-threaded")
    invoke("--no-free-threaded")
    configure(project, "free-threaded = true\n")
    invoke()
    invoke("--no-free-threaded")
    assert seen == [True, False, True, False]


# --- paths that cannot be checked ------------------------------------------------------------------


def test_missing_path_exits_2_and_other_files_are_still_checked(project: Path) -> None:
    result = invoke("missing.py", "bad.py")
    assert result.exit_code == 2
    assert FINDING_LINE in result.stdout
    assert result.stderr == "missing.py: error: no such file or directory\n"


def test_exit_zero_does_not_hide_errors(project: Path) -> None:
    assert invoke("--exit-zero", "missing.py").exit_code == 2


def test_empty_directory(project: Path) -> None:
    (project / "empty").mkdir()
    result = invoke("empty")
    assert result.exit_code == 0
    assert result.stdout == "No Python files found.\n"


# --- the installed entry points ----------------------------------------------------------------------


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    return subprocess.run([str(CONCLINT), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_installed_command_text(project: Path) -> None:
    completed = run_installed(cwd=project)
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[0].startswith(FINDING_LINE)
    assert completed.stdout.splitlines()[-1] == "Found 1 problem in 1 file."
    assert completed.stderr == ""


def test_installed_command_json(project: Path) -> None:
    completed = run_installed("--format", "json", cwd=project)
    assert completed.returncode == 1
    assert [list(item) for item in json.loads(completed.stdout)] == [JSON_KEYS]


def test_installed_command_exit_codes(project: Path) -> None:
    assert run_installed("clean.py", cwd=project).returncode == 0
    assert run_installed("bad.py", cwd=project).returncode == 1
    assert run_installed("--exit-zero", "bad.py", cwd=project).returncode == 0
    failed = run_installed("missing.py", "bad.py", cwd=project)
    assert failed.returncode == 2
    assert failed.stderr == "missing.py: error: no such file or directory\n"
    configure(project, "bogus = 1\n")
    broken = run_installed(cwd=project)
    assert broken.returncode == 2
    assert len(broken.stderr.strip().splitlines()) == 1
    assert "Traceback" not in broken.stderr


def test_python_dash_m(project: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--format", "json"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 1
    assert json.loads(completed.stdout)[0]["code"] == "CCL101"


# --- the JSON contract as a schema ---------------------------------------------------------------------

JSON_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": JSON_KEYS,
        "properties": {
            "path": {"type": "string", "minLength": 1},
            "line": {"type": "integer", "minimum": 1},
            "column": {"type": "integer", "minimum": 1},
            "end_line": {"type": "integer", "minimum": 1},
            "end_column": {"type": "integer", "minimum": 1},
            "code": {"type": "string", "pattern": "^CCL[0-9]{3}$"},
            "name": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "message": {"type": "string", "minLength": 1},
            "suggestion": {"type": "string"},
            "fixable": {"type": "boolean"},
            "chain": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["path", "line", "function"],
                    "properties": {
                        "path": {"type": "string", "minLength": 1},
                        "line": {"type": ["integer", "null"], "minimum": 1},
                        "function": {"type": "string", "minLength": 1},
                    },
                },
            },
        },
    },
}


def test_json_output_matches_the_schema(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    (project / "broken.py").write_text("def f(:\n")
    (project / "more.py").write_text(BLOCKING * 2)
    findings = json.loads(invoke("--format", "json").stdout)
    assert len(findings) == 4
    jsonschema.validate(findings, JSON_SCHEMA)
    assert findings == sorted(findings, key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
