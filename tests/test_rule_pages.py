"""The rule reference in rules/ is generated from the rule classes and must be up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conclint import docs
from conclint.docs import INDEX, check_rule_pages, expected_pages, render_rule_page, write_rule_pages
from conclint.rules.registry import all_rules
from conclint.rules.base import DOC_SECTIONS

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"


def test_rules_directory_is_up_to_date() -> None:
    problems = check_rule_pages(RULES_DIR)
    assert problems == [], f"rules/ is out of date {problems}; run `python -m conclint.docs` from the repository root"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.CODE)
def test_page_holds_everything_about_the_rule_in_order(rule: type) -> None:
    page = render_rule_page(rule)
    assert page.startswith(f"# {rule.CODE}: {rule.NAME}\n")
    assert rule.MESSAGE in page
    sections = rule.doc_sections()
    assert "What it does" in sections, "every rule documents what it does"
    headings = [f"## {title}\n\n{sections[title]}" for title in DOC_SECTIONS if title in sections]
    if rule.VALID:
        headings.append("## Examples that are not reported")
    if rule.INVALID:
        headings.append("## Examples that are reported")
    positions = [page.find(heading) for heading in headings]
    assert -1 not in positions
    assert positions == sorted(positions)
    for example in (*rule.VALID, *rule.INVALID):
        assert example.source.rstrip() in page


def test_index_lists_every_rule() -> None:
    index = expected_pages()[INDEX]
    for rule in all_rules():
        assert f"| [{rule.CODE}]({rule.CODE}.md) | `{rule.NAME}` |" in index


def test_check_finds_missing_stale_and_extra_pages(tmp_path: Path) -> None:
    assert {problem for _, problem in check_rule_pages(tmp_path)} == {"missing"}
    write_rule_pages(tmp_path)
    assert check_rule_pages(tmp_path) == []

    first, second = (f"{rule.CODE}.md" for rule in all_rules()[:2])
    (tmp_path / first).unlink()
    (tmp_path / second).write_text((tmp_path / second).read_text() + "hand edit\n")
    (tmp_path / "CCL999.md").write_text("# a rule that no longer exists\n")
    assert check_rule_pages(tmp_path) == sorted([(first, "missing"), (second, "stale"), ("CCL999.md", "extra")])

    assert sorted(write_rule_pages(tmp_path)) == sorted([first, second, "CCL999.md"])
    assert check_rule_pages(tmp_path) == []


def test_check_ignores_line_ending_conversion(tmp_path: Path) -> None:
    write_rule_pages(tmp_path)
    page = tmp_path / INDEX
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    assert check_rule_pages(tmp_path) == []


def test_command_line_check_and_regenerate(tmp_path: Path) -> None:
    runner = CliRunner()
    stale = runner.invoke(docs.main, ["--check", str(tmp_path)])
    assert stale.exit_code == 1
    assert f"{tmp_path / INDEX}: missing" in stale.output
    assert runner.invoke(docs.main, [str(tmp_path)]).exit_code == 0
    fresh = runner.invoke(docs.main, ["--check", str(tmp_path)])
    assert fresh.exit_code == 0, fresh.output
