"""A line silenced for flake8-async's or ruff's rule of the same meaning is silenced for
conclint's rule too, and only for that rule (knowledge/equivalent_codes.py)."""

from __future__ import annotations

import pytest

from conclint.engine import lint_source
from conclint.engine.suppression import is_suppressed
from conclint.knowledge.equivalent_codes import EQUIVALENT_CODES, SILENCED_BY
from conclint.rules.registry import rule_for


def codes(source: str) -> list[str]:
    return [diagnostic.code for diagnostic in lint_source(source)]


def test_asyncio_sleep_comment_silences_ccl101() -> None:
    source = "import time\n\nasync def handler():\n    time.sleep(0.1)  # noqa: ASYNC251\n"
    assert codes(source) == []
    assert codes(source.replace("  # noqa: ASYNC251", "")) == ["CCL101"]


def test_an_equivalent_code_on_the_statement_line_counts() -> None:
    source = (
        "import subprocess\n\nasync def handler():\n"
        "    subprocess.run(  # noqa: ASYNC221\n        ['ls'],\n    )\n"
    )
    assert codes(source) == []


def test_a_code_of_another_rule_does_not_silence() -> None:
    # ASYNC230 is about opening files: it says nothing about a sleep.
    source = "import time\n\nasync def handler():\n    time.sleep(0.1)  # noqa: ASYNC230\n"
    assert codes(source) == ["CCL101"]


def test_an_equivalent_code_is_matched_exactly_not_as_a_prefix() -> None:
    assert not is_suppressed("time.sleep(1)  # noqa: ASYNC25", "CCL101")
    assert is_suppressed("time.sleep(1)  # conclint: ignore[ASYNC251]", "CCL101")


@pytest.mark.parametrize("code", sorted(EQUIVALENT_CODES))
def test_every_conclint_code_of_the_table_is_a_rule(code: str) -> None:
    assert rule_for(code) is not None
    assert all(not other.startswith("CCL") for other in EQUIVALENT_CODES[code])


def test_the_reverse_table_holds_every_pair() -> None:
    pairs = {(other, code) for code, others in EQUIVALENT_CODES.items() for other in others}
    assert pairs == {(other, code) for other, codes in SILENCED_BY.items() for code in codes}


def test_ruffs_dangling_task_comment_silences_ccl403() -> None:
    # How discord-py-interactions keeps a task it starts on purpose out of ruff's report.
    source = (
        "import asyncio\n\nasync def work():\n    await asyncio.sleep(1)\n\n"
        "async def handler():\n    _ = asyncio.create_task(work())  # noqa: RUF006\n"
    )
    assert codes(source) == []
    assert codes(source.replace("  # noqa: RUF006", "")) == ["CCL403"]
