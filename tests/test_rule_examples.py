"""Every rule's VALID and INVALID examples, executed through the engine."""

from __future__ import annotations

import dataclasses

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.rules.registry import all_rules
from conclint.rules.base import DOC_SECTIONS, Invalid, Rule, Valid


def _cases(kind: str) -> list:
    params = []
    for rule in all_rules():
        for index, example in enumerate(getattr(rule, kind)):
            params.append(pytest.param(rule, example, id=f"{rule.CODE}-{kind.lower()}-{index}"))
    return params


def _settings(example: Valid | Invalid) -> Settings:
    overrides = dict(getattr(example, "settings", {}) or {})
    return dataclasses.replace(Settings(), **overrides)


@pytest.mark.parametrize(("rule", "example"), _cases("VALID"))
def test_valid_example_has_no_finding(rule: type[Rule], example: Valid) -> None:
    found = [d for d in lint_source(example.source, "example.py", _settings(example)) if d.code == rule.CODE]
    assert found == [], f"{rule.CODE} reported on a VALID example:\n{example.source}"


@pytest.mark.parametrize(("rule", "example"), _cases("INVALID"))
def test_invalid_example_is_reported(rule: type[Rule], example: Invalid) -> None:
    found = [d for d in lint_source(example.source, "example.py", _settings(example)) if d.code == rule.CODE]
    assert len(found) == example.count, f"expected {example.count} x {rule.CODE}, got {found}\n{example.source}"
    first = found[0]
    if example.line is not None:
        assert first.line == example.line, first
    if example.column is not None:
        assert first.column == example.column, first
    for fragment in example.message_contains:
        assert fragment in first.message or fragment in first.suggestion, (fragment, first)
    assert first.name == rule.NAME


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.CODE)
def test_rule_is_documented(rule: type[Rule]) -> None:
    sections = rule.doc_sections()
    missing = [title for title in DOC_SECTIONS if not sections.get(title)]
    assert not missing, f"{rule.CODE} lacks doc sections {missing}"
    assert rule.NAME and rule.NAME == rule.NAME.lower() and " " not in rule.NAME
    assert rule.MESSAGE
    assert rule.VALID and rule.INVALID, f"{rule.CODE} needs VALID and INVALID examples"


def test_codes_and_names_are_unique() -> None:
    rules = all_rules()
    assert len({r.CODE for r in rules}) == len(rules)
    assert len({r.NAME for r in rules}) == len(rules)
