"""The prefilter: a rule's REQUIRED_TOKENS keep files it cannot apply to away from libcst, and
the rule catalog lets selection work without importing any rule."""

from __future__ import annotations

import dataclasses

import pytest

import conclint.syntax.parsing
from conclint.engine import lint as engine
from conclint.syntax import prefilter
from conclint.rules import registry
from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.knowledge import processes
from conclint.knowledge.types import CANONICAL_PREFIXES
from conclint.rules.registry import all_rules, rule_catalog

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

    monkeypatch.setattr(conclint.syntax.parsing.cst, "parse_module", refuse)


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


def _example_cases() -> list:
    return [
        pytest.param(rule, example, id=f"{rule.CODE}-{kind.lower()}-{index}")
        for rule in all_rules()
        for kind in ("VALID", "INVALID")
        for index, example in enumerate(getattr(rule, kind))
    ]


@pytest.mark.parametrize(("rule", "example"), _example_cases())
def test_every_example_gives_the_same_findings_with_and_without_the_prefilter(
    rule: type, example: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prefilter may only save work: with the rule selected alone (so its own tokens decide),
    each example yields exactly what the engine finds when every rule applies to every file."""
    overrides = dict(getattr(example, "settings", {}) or {})
    settings = dataclasses.replace(Settings(), **{**overrides, "select": ("CCL001", rule.CODE), "ignore": ()})
    source = example.source  # type: ignore[attr-defined]
    filtered = lint_source(source.encode(), "example.py", settings)
    monkeypatch.setattr(engine, "_may_apply", lambda cls, source: True)
    assert filtered == lint_source(source.encode(), "example.py", settings)


# The CCL3 catalog tables each rule matches against, and the tokens it requires.
_PROCESS_TABLES = {
    "CCL301": (
        processes.PROCESS_STARTING_CALLS,
        processes.PROCESS_TYPES,
        processes.PROCESS_BASE_CLASSES,
        processes.PROCESS_EXECUTOR_TYPES,
        processes.JOBLIB_PARALLEL,
        processes.JOBLIB_BACKEND_CONTEXTS,
    ),
    "CCL303": (processes.POOL_DISPATCH, processes.CONSTRUCTOR_DISPATCH),
    "CCL304": (processes.START_METHOD_SETTERS,),
}
_PROCESS_TABLES["CCL302"] = _PROCESS_TABLES["CCL301"]


@pytest.mark.parametrize("code", sorted(_PROCESS_TABLES))
def test_every_process_catalog_name_holds_a_token_of_its_rule(code: str) -> None:
    """Names reach a file through imports and attributes, which spell every component; a name
    holding a token can therefore only match in a file that holds the token."""
    tokens = [token.decode() for token in registry.rule_for(code).REQUIRED_TOKENS]  # type: ignore[union-attr]
    for table in _PROCESS_TABLES[code]:
        for name in table:
            assert any(token in name for token in tokens), (code, name)


def test_canonical_spellings_never_invent_a_process_token() -> None:
    """`canonical_name` rewrites dotted prefixes; a rewrite must not add a token the file lacks."""
    for source, target in CANONICAL_PREFIXES.items():
        for token in processes.START_TOKENS:
            if token.decode() in target:
                assert token.decode() in source, (source, target)


@pytest.mark.usefixtures("libcst_forbidden")
def test_with_every_rule_selected_a_file_without_tokens_is_not_parsed() -> None:
    source = b"import os\nimport concurrent.futures\n\ndef main():\n    return os.getpid()\n\nmain()\n"
    assert lint_source(source, "plain.py", Settings()) == []


@pytest.mark.parametrize(
    "source",
    [
        "from multiprocessing import Pool as P\nP(4)\n",
        "import torch.multiprocessing as tmp\ntmp.set_start_method('spawn')\n",
        "from concurrent.futures import ProcessPoolExecutor as PPE\n"
        "def f():\n    with PPE() as ex:\n        ex.submit(lambda: 1)\n",
    ],
)
def test_aliased_process_apis_still_pass_the_prefilter(source: str) -> None:
    assert lint_source(source, "aliased.py", Settings(select=("CCL3",)))


def test_a_multiprocessing_dummy_pool_without_the_word_thread_reaches_the_thread_rule() -> None:
    source = (
        "from multiprocessing import dummy as d\n"
        "def crunch(n):\n    total = 0\n    for i in range(n):\n        for j in range(n):\n"
        "            total += i * j\n    return total\n"
        "def main():\n    with d.Pool(4) as pool:\n        return pool.map(crunch, range(100))\n"
    )
    assert [d.code for d in lint_source(source, "dummy.py", Settings(select=("CCL2",)))] == ["CCL201"]


@pytest.mark.parametrize(
    "spelling",
    ["async def", "async  def", "async\tdef", "async\fdef", "async \\\n    def", "async\\\r\ndef", "async\\\rdef"],
)
def test_every_spelling_of_a_coroutine_passes_the_pattern(spelling: str) -> None:
    source = f"import time\n{spelling} handler():\n    time.sleep(1)\n"
    assert prefilter.holds((b"async",), prefilter.COROUTINE, source.encode())
    assert [d.code for d in lint_source(source.encode(), "a.py", CCL1_ONLY)] == ["CCL101"]


@pytest.mark.usefixtures("libcst_forbidden")
def test_a_file_that_mentions_async_without_a_coroutine_is_not_parsed() -> None:
    source = b"import asyncio  # async helpers live elsewhere\nimport time\ndef f():\n    time.sleep(1)\n"
    assert lint_source(source, "sync.py", CCL1_ONLY) == []
    assert lint_source(source.decode(), "sync.py", CCL1_ONLY) == []


def test_the_coroutine_rules_need_a_coroutine() -> None:
    for rule in all_rules():
        if rule.REQUIRED_TOKENS == (b"async",):
            assert rule.REQUIRED_PATTERN is prefilter.COROUTINE, rule.CODE
