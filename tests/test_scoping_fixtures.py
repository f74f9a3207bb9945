"""Fixture files whose offending lines end with `# error: CODE[, CODE]`; every other line
must stay silent. These pin down name resolution and context tracking."""

from __future__ import annotations

from pathlib import Path

import pytest

from conclint.engine import lint_source
from fixture_annotations import expected_findings

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "scoping").glob("*.py"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_findings_match_annotations(fixture: Path) -> None:
    source = fixture.read_text()
    actual = {(d.line, d.code) for d in lint_source(source, str(fixture))}
    expected = expected_findings(source)
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, f"missing: {sorted(missing)}\nunexpected: {sorted(unexpected)}"
