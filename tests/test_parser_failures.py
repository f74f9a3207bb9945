"""Whatever the parser raises on one file is that file's CCL001, never an internal error.

libcst 1.9 raises `CSTLogicError` ("Logic error!") on implicitly concatenated t-strings
(Python 3.14 syntax, as in sqlalchemy's test/sql/test_tstrings_py314.py); before, that
one file was an internal error and failed the whole run (exit 2). Other exceptions are
simulated by replacing libcst's `parse_module`. RecursionError keeps its own reason, and
MemoryError and KeyboardInterrupt still propagate: they are not the file's fault alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import libcst
import pytest

from conclint.project import runner
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source
from conclint.syntax.parsing import SourceError, parse_source

GOOD = "import time\nasync def handler():\n    time.sleep(1)\n"
# Implicitly concatenated t-strings: libcst's own parser raises CSTLogicError on them.
T_STRINGS = GOOD + 'QUERY = (\n    t"select {a}"\n    t" from {b}"\n)\n'
ACCEPTED = GOOD  # CPython accepts it: libcst's failure is the only reason
REJECTED = GOOD + "x = = 1\n"  # CPython rejects it, on line 4

FAILURES: list[Callable[[], Exception]] = [
    lambda: libcst.CSTLogicError("Logic error!"),
    lambda: RuntimeError("parser state\ncorrupted"),
    lambda: KeyError("tok"),
    lambda: AssertionError(),
    lambda: IndexError("list index out of range"),
]
FAILURE_IDS = ["CSTLogicError", "RuntimeError", "KeyError", "AssertionError", "IndexError"]


def libcst_raising(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def parse_module(*args: object, **kwargs: object) -> libcst.Module:
        raise error

    monkeypatch.setattr(libcst, "parse_module", parse_module)


def test_t_string_concatenation_is_ccl001_through_the_command(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "tstrings.py").write_text(T_STRINGS)
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--format", "json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert completed.stderr == ""  # no "internal error" for the file
    assert completed.returncode == 1
    found = sorted((f["path"], f["code"]) for f in json.loads(completed.stdout))
    assert found == [("good.py", "CCL101"), ("tstrings.py", "CCL001")]


def test_t_string_concatenation_is_a_source_error() -> None:
    # Python 3.11 to 3.13 reject t-strings (CCL001 gives CPython's syntax error); 3.14
    # accepts them and only libcst fails. Either way: a SourceError, nothing else.
    with pytest.raises(SourceError) as raised:
        parse_source(T_STRINGS)
    if sys.version_info < (3, 14):  # the message names the Python that judged the syntax
        assert raised.value.message.startswith(f"syntax error under Python 3.{sys.version_info.minor}: ")


@pytest.mark.parametrize("make_error", FAILURES, ids=FAILURE_IDS)
def test_any_parser_exception_on_accepted_code_is_a_source_error(
    monkeypatch: pytest.MonkeyPatch, make_error: Callable[[], Exception]
) -> None:
    error = make_error()
    libcst_raising(monkeypatch, error)
    for checked in (False, True):
        with pytest.raises(SourceError) as raised:
            parse_source(ACCEPTED, checked=checked)
        message = raised.value.message
        assert message.startswith("libcst, the parser conclint uses, fails on code that Python accepts (")
        assert type(error).__name__ in message and "\n" not in message


def test_a_parser_exception_on_rejected_code_reports_cpythons_syntax_error(monkeypatch: pytest.MonkeyPatch) -> None:
    libcst_raising(monkeypatch, libcst.CSTLogicError("Logic error!"))
    with pytest.raises(SourceError) as raised:
        parse_source(REJECTED)
    assert raised.value.message.startswith(f"syntax error under Python {sys.version_info.major}.{sys.version_info.minor}: ")
    assert raised.value.line == 4


@pytest.mark.parametrize("make_error", FAILURES, ids=FAILURE_IDS)
def test_the_engine_reports_ccl001(monkeypatch: pytest.MonkeyPatch, make_error: Callable[[], Exception]) -> None:
    libcst_raising(monkeypatch, make_error())
    (finding,) = lint_source(ACCEPTED, "app.py")
    assert finding.code == "CCL001" and "libcst" in finding.message


def test_the_runner_reports_ccl001_not_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "app.py"
    path.write_text(ACCEPTED)
    libcst_raising(monkeypatch, RuntimeError("boom"))
    result = runner.lint_paths([str(path)], DEFAULT_SETTINGS, tmp_path)
    assert result.errors == []
    assert [d.code for d in result.diagnostics] == ["CCL001"]


def test_recursion_error_keeps_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    libcst_raising(monkeypatch, RecursionError("maximum recursion depth exceeded"))
    with pytest.raises(SourceError, match="too deeply nested"):
        parse_source(ACCEPTED)


@pytest.mark.parametrize("error", [MemoryError(), KeyboardInterrupt()], ids=["MemoryError", "KeyboardInterrupt"])
def test_memory_error_and_interrupts_propagate(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    libcst_raising(monkeypatch, error)
    with pytest.raises(type(error)):
        parse_source(ACCEPTED)
