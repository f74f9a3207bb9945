"""`--format sarif`: real output validated against the official SARIF 2.1.0 schema
(tests/data/sarif-schema-2.1.0.json, see tests/data/README.md), then checked field by field
against the JSON output of the same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conclint import RULE_PAGE_URL, __version__, cli
from conclint.docs import DEFAULT_DIRECTORY, render_rule_page
from conclint.rules.registry import all_rules

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"
TWO_LINE_CALL = "import time\n\nasync def handler():\n    time.sleep(\n        1)\n"


def invoke(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli.main, list(args), catch_exceptions=False)


def validate(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "service.py").write_text(BLOCKING)
    (tmp_path / "pkg" / "two lines.py").write_text(TWO_LINE_CALL)
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "clean.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif(*args: str) -> tuple[dict[str, Any], Result]:
    result = invoke("--format", "sarif", *args)
    log = json.loads(result.stdout)
    validate(log)
    return log, result


def test_output_is_valid_sarif_and_matches_the_json_findings(project: Path) -> None:
    log, result = sarif()
    assert result.exit_code == 1
    findings = json.loads(invoke("--format", "json").stdout)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(findings) == 3
    for finding, item in zip(findings, run["results"]):
        assert item["ruleId"] == finding["code"]
        assert rules[item["ruleIndex"]]["id"] == finding["code"]
        assert item["level"] == "error"
        assert item["message"]["text"] == finding["message"]
        (location,) = item["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"] == finding["path"].replace(os.sep, "/").replace(" ", "%20")
        assert location["physicalLocation"]["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }
        assert item["properties"]["suggestion"] == finding["suggestion"]
    locations = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    (multi_line,) = [where for where in locations if where["artifactLocation"]["uri"] == "pkg/two%20lines.py"]
    region = multi_line["region"]
    assert region["endLine"] == region["startLine"] + 1
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_the_driver_describes_every_rule(project: Path) -> None:
    log, _ = sarif()
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "conclint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    rules = all_rules()
    assert [descriptor["id"] for descriptor in driver["rules"]] == [cls.CODE for cls in rules]
    for descriptor, cls in zip(driver["rules"], rules):
        assert descriptor["name"] == cls.NAME
        assert descriptor["shortDescription"]["text"] == cls.summary()
        assert cls.summary() in " ".join(descriptor["fullDescription"]["text"].split())
        assert "Why is this bad?" in descriptor["help"]["text"]
        assert descriptor["help"]["markdown"] == render_rule_page(cls)
        assert descriptor["helpUri"] == RULE_PAGE_URL.format(code=cls.CODE)
        assert descriptor["defaultConfiguration"] == {"level": "error"}


def test_help_links_point_at_the_generated_rule_pages() -> None:
    """helpUri is the repository's `rules/CODE.md`, the page `python -m conclint.docs` writes."""
    for cls in all_rules():
        url = RULE_PAGE_URL.format(code=cls.CODE)
        assert url.endswith(f"/{DEFAULT_DIRECTORY.as_posix()}/{cls.CODE}.md")


def test_a_clean_run_is_valid_sarif_with_no_results(project: Path) -> None:
    log, result = sarif("clean.py")
    assert result.exit_code == 0
    assert log["runs"][0]["results"] == []


def test_paths_that_cannot_be_checked_become_notifications(project: Path) -> None:
    log, result = sarif("missing.py", "clean.py")
    assert result.exit_code == 2
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["message"]["text"] == "missing.py: no such file or directory"
    assert result.stderr == "missing.py: error: no such file or directory\n"


def test_uris_are_relative_to_the_working_directory_whatever_the_spelling(project: Path) -> None:
    absolute, _ = sarif(str(project / "pkg" / "service.py"))
    dotted, _ = sarif("./pkg/../pkg/service.py")
    for log in (absolute, dotted):
        location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "pkg/service.py", "uriBaseId": "%SRCROOT%"}


def test_a_file_outside_the_working_directory_gets_an_absolute_uri(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "pkg")
    log, _ = sarif("../broken.py")
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (project / "broken.py").resolve().as_uri()}


def test_output_file(project: Path) -> None:
    result = invoke("--format", "sarif", "--output-file", "report.sarif")
    assert result.exit_code == 1
    assert result.stdout == ""
    validate(json.loads((project / "report.sarif").read_text(encoding="utf-8")))


def test_statistics_is_refused_with_sarif(project: Path) -> None:
    result = invoke("--format", "sarif", "--statistics")
    assert result.exit_code == 2
    assert "--statistics" in result.stderr


def test_the_installed_command_writes_valid_sarif(project: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--format", "sarif", "pkg"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    log = json.loads(completed.stdout)
    validate(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"CCL101"}
