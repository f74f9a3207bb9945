"""The prefilter: a rule's REQUIRED_TOKENS keep files it cannot apply to away from libcst, and
the rule catalog lets selection work without importing any rule."""

from __future__ import annotations

import pytest

import conclint.parsing
from conclint import registry
from conclint.config import Settings
from conclint.engine import lint_source
from conclint.registry import all_rules, rule_catalog

RULES_WITH_TOKENS = [rule for rule in all_rules() if rule.REQUIRED_TOKENS]


def test_the_catalog_read_from_source_matches_the_rule_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_import() -> None:
        raise AssertionError("the catalog fell back to importing the rules")

    monkeypatch.setattr(registry, "_imported_catalog", no_import)
    catalog = rule_catalog.__wrapped__()
    assert [(info.code, info.name) for info in catalog] == [(rule.CODE, rule.NAME) for rule in all_rules()]


def test_selection_on_the_catalog_matches_selection_on_classes() -> None:
    for select, ignore in [(("ALL",), ()), (("CCL1",), ("CCL101",)), (("CCL",), ("blocking-sleep-in-async",))]:
        chosen = registry.select_rules(select, ignore)
        assert [info.code for info in registry.select_catalog(select, ignore)] == [rule.CODE for rule in chosen]


def test_the_coroutine_rules_need_async() -> None:
    coroutine_rules = [rule for rule in all_rules() if rule.CODE.startswith("CCL1")]
    assert coroutine_rules and all(rule.REQUIRED_TOKENS == (b"async",) for rule in coroutine_rules)


@pytest.mark.parametrize("rule", RULES_WITH_TOKENS, ids=lambda rule: rule.CODE)
def test_every_invalid_example_holds_a_required_token(rule: type) -> None:
    """A token list that missed a pattern would silently hide findings: every documented
    finding must survive the prefilter."""
    for example in rule.INVALID:
        assert any(token.decode() in example.source for token in rule.REQUIRED_TOKENS), example.source


@pytest.fixture
def libcst_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("libcst was asked to parse a prefiltered file")

    monkeypatch.setattr(conclint.parsing.cst, "parse_module", refuse)


CCL1_ONLY = Settings(select=("CCL001", "CCL1"))


@pytest.mark.usefixtures("libcst_forbidden")
def test_a_file_no_rule_applies_to_is_not_parsed_by_libcst() -> None:
    assert lint_source(b"import time\ndef f():\n    time.sleep(1)\n", "plain.py", CCL1_ONLY) == []
    assert lint_source("x = 1\n", "plain.py", Settings(select=("CCL001",))) == []


@pytest.mark.usefixtures("libcst_forbidden")
def test_a_prefiltered_file_still_gets_ccl001_for_what_cpython_refuses_outright() -> None:
    for source in (b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n", b"x = 1\x00\n", b"# coding: unknown-codec\nx = 1\n"):
        (finding,) = lint_source(source, "broken.py", CCL1_ONLY)
        assert finding.code == "CCL001"


def test_a_prefiltered_syntax_error_is_still_ccl001() -> None:
    (finding,) = lint_source(b"def broken(:\n    pass\n", "broken.py", CCL1_ONLY)
    assert finding.code == "CCL001" and finding.line == 1 and "syntax error" in finding.message


def test_a_file_with_the_token_is_checked() -> None:
    source = b"import time\nasync def f():\n    time.sleep(1)\n"
    assert [d.code for d in lint_source(source, "a.py", CCL1_ONLY)] == ["CCL101"]
    assert [d.code for d in lint_source(source.decode(), "a.py", CCL1_ONLY)] == ["CCL101"]
