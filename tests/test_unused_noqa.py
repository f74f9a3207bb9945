"""CCL002 unused-noqa: reported only for conclint codes that certainly silenced nothing, and
only when the rule is named (ALL and prefixes leave it off)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conclint import cli
from conclint.rules.registry import select_catalog

SERVICE = """\
import asyncio
import time

from loader import load


def helper():
    time.sleep(1)  # noqa: CCL101


async def handler():
    await asyncio.sleep(1)  # noqa: CCL101
    time.sleep(1)  # noqa: CCL101, CCL104
    load()  # noqa: CCL104
    text = "# noqa: CCL101"
    await asyncio.sleep(1)  # noqa: E501, ASYNC251
    await asyncio.sleep(1)  # noqa
    await asyncio.sleep(1)  # noqa: CCL101, CCL002
    helper()  # conclint: ignore[CCL101]
"""

LOADER = 'def load():\n    with open("data") as stream:\n        return stream.read()\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "service.py").write_text(SERVICE)
    (tmp_path / "loader.py").write_text(LOADER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lines_reported(*args: str) -> list[tuple[int, str]]:
    result = CliRunner().invoke(cli.main, ["--no-cache", *args], catch_exceptions=False)
    reported = []
    for line in result.stdout.splitlines():
        if " CCL002 " in line:
            where, message = line.split(" CCL002 ", 1)
            reported.append((int(where.split(":")[1]), message))
    return reported


def test_only_codes_that_silenced_nothing(project: Path) -> None:
    assert lines_reported("--select", "ALL,CCL002") == [
        (12, "suppression of `CCL101` silences no finding; remove it"),
        (13, "suppression of `CCL104` silences no finding; remove it"),
    ]
    # Line 14's CCL104 silences the chain through loader.py; line 18 silences its own
    # CCL002; the helper's comment (line 8) may serve chains from other modules; line 19 is
    # used by the chain through helper; the string on line 15 is no comment.


def test_without_the_project_index_codes_of_rules_that_follow_calls_are_left(project: Path) -> None:
    assert lines_reported("--select", "ALL,CCL002", "--per-file") == []


def test_a_code_of_a_rule_not_selected_is_not_unused(project: Path) -> None:
    assert lines_reported("--select", "ALL,CCL002", "--ignore", "CCL104") == [
        (12, "suppression of `CCL101` silences no finding; remove it"),
    ]


def test_the_rule_is_off_unless_named(project: Path) -> None:
    assert lines_reported() == []
    assert lines_reported("--select", "CCL0,CCL1") == []
    assert [line for line, _ in lines_reported("--select", "CCL1,unused-noqa")] == [12, 13]


def test_selection_by_exact_code_or_name_only() -> None:
    def codes(*select: str) -> set[str]:
        return {rule.code for rule in select_catalog(select, ())}

    assert "CCL002" not in codes("ALL")
    assert "CCL002" not in codes("CCL0")
    assert "CCL002" not in codes("CCL")
    assert "CCL002" in codes("ALL", "CCL002")
    assert "CCL002" in codes("unused-noqa")
    assert "CCL001" in codes("CCL0")


def test_the_finding_points_at_the_comment(project: Path) -> None:
    result = CliRunner().invoke(cli.main, ["--no-cache", "--select", "CCL002,CCL101", "--format", "json"], catch_exceptions=False)
    (first, *_) = [f for f in json.loads(result.stdout) if f["code"] == "CCL002"]
    assert (first["line"], first["column"], first["end_column"]) == (12, 29, 29 + len("# noqa: CCL101"))
