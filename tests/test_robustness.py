"""Huge, deeply nested and warning-laden files: each is linted or gets CCL001 with a reason,
quickly, and never an internal error, in the engine (default recursion limit) and through the
runner (whose lint thread has a raised limit and a larger stack)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from conclint.project import runner
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source

HEADER = "import time\nasync def handler(x):\n    time.sleep(1)\n"


def elif_chain(branches: int) -> str:
    return HEADER + "    if x == 0:\n        pass\n" + "".join(f"    elif x == {i}:\n        pass\n" for i in range(1, branches))


def long_sum(terms: int) -> str:
    return HEADER + "TOTAL = " + " + ".join("1" for _ in range(terms)) + "\n"


def string_concatenation(parts: int) -> str:
    return HEADER + "TEXT = (\n" + "".join(f"    'part {i}'\n" for i in range(parts)) + ")\n"


def codes(path: Path) -> list[str]:
    result = runner.lint_paths([str(path)], DEFAULT_SETTINGS)
    assert result.errors == []
    return [d.code for d in result.diagnostics]


@pytest.mark.parametrize("source", [elif_chain(800), long_sum(800), string_concatenation(1500)], ids=["elif", "sum", "strings"])
def test_deep_files_are_linted_by_the_runner_and_ccl001_in_the_engine(source: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text(source)
    assert codes(path) == ["CCL101"]
    # The engine alone, under the default limit: the finding's own statement is placed
    # without generating the deep code around it.
    assert [finding.code for finding in lint_source(source, "deep.py")] == ["CCL101"]


@pytest.mark.parametrize("depth", [800, 1500])
def test_a_finding_inside_deep_code_is_ccl001_in_the_engine(depth: int) -> None:
    # Under the default limit, libcst's code generation runs out of recursion on the
    # finding's own statement (which libcst turns into a KeyError): CCL001, not an internal
    # error.
    source = "import time\nasync def handler(x):\n    time.sleep(" + " + ".join("1" for _ in range(depth)) + ")\n"
    (finding,) = lint_source(source, "deep.py")
    assert finding.code == "CCL001" and "deeply nested" in finding.message


@pytest.mark.parametrize("terms", [20_000, 100_000])
def test_pathologically_deep_expressions_are_refused_fast(terms: int, tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text(long_sum(terms))
    started = time.perf_counter()
    assert codes(path) == ["CCL001"]
    assert time.perf_counter() - started < 10  # a raised limit must not let libcst's slow parse run


def test_a_huge_flat_file_is_linted(tmp_path: Path) -> None:
    path = tmp_path / "huge.py"
    path.write_text(HEADER + "".join(f"VALUE_{i} = {i}\n" for i in range(10_000)))
    assert codes(path) == ["CCL101"]


def test_compiler_warnings_are_neither_printed_nor_fatal() -> None:
    source = HEADER + 'PATTERN = "\\d+"\nNOT_CALLABLE = 1()\nSAME = x is 1\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [d.code for d in lint_source(source, "warns.py")] == ["CCL101"]


def test_worker_processes_lint_under_the_raised_recursion_limit(tmp_path: Path) -> None:
    """Deep files come out of the pool (--jobs 2) as from a serial run: an `elif` chain of 800
    branches is only linted under the raised limit, and pathological nesting is CCL001."""
    sources = {
        "elif.py": elif_chain(800),
        "sum.py": long_sum(800),
        "strings.py": string_concatenation(1500),
        "pathological.py": long_sum(20_000),
        "brackets.py": "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n",
    }
    for name, source in sources.items():
        (tmp_path / name).write_text(source)
    for number in range(runner.PARALLEL_MIN_FILES):
        (tmp_path / f"plain_{number:02}.py").write_text(HEADER)
    files = sorted(str(path) for path in tmp_path.glob("*.py"))
    serial = runner.lint_paths(files, DEFAULT_SETTINGS, tmp_path, jobs=1)
    parallel = runner.lint_paths(files, DEFAULT_SETTINGS, tmp_path, jobs=2)
    assert parallel == serial
    assert serial.errors == []
    by_file = {name: [d.code for d in serial.diagnostics if d.path.endswith(name)] for name in sources}
    assert by_file == {
        "elif.py": ["CCL101"],
        "sum.py": ["CCL101"],
        "strings.py": ["CCL101"],
        "pathological.py": ["CCL001"],
        "brackets.py": ["CCL001"],
    }


def test_parsing_without_libcsts_node_checks_gives_the_same_tree_and_keeps_the_checks() -> None:
    import libcst as cst
    from libcst._nodes.base import CSTNode

    from conclint.syntax.parsing import parse_source
    from conclint.rules.registry import all_rules

    before = CSTNode.__post_init__
    for source in [example.source for rule in all_rules() for example in (*rule.VALID, *rule.INVALID)]:
        try:
            expected = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        assert parse_source(source).deep_equals(expected)
    assert CSTNode.__post_init__ is before
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")  # nodes built outside a parse are still checked
