"""Fixture files whose offending lines end with `# error: CODE[, CODE]`; every other line
must stay silent. These pin down name resolution and context tracking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conclint.engine import lint_source

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "scoping").glob("*.py"))
_EXPECTED = re.compile(r"#\s*error:\s*(?P<codes>CCL\d{3}(?:\s*,\s*CCL\d{3})*)\s*$")


def expected_findings(source: str) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            found.update((number, code.strip()) for code in match.group("codes").split(","))
    return found


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_findings_match_annotations(fixture: Path) -> None:
    source = fixture.read_text()
    actual = {(d.line, d.code) for d in lint_source(source, str(fixture))}
    expected = expected_findings(source)
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, f"missing: {sorted(missing)}\nunexpected: {sorted(unexpected)}"
