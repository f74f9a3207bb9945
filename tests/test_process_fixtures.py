"""Fixture files for the CCL3 rules (multiprocessing entry points and pickling).

Each offending line ends with `# error: CCL3xx[, CCL3xx]`; every other line must not get a
CCL3 finding. Findings of other families are not compared here: these files pin down where
processes start, what runs at import time and what a child process can unpickle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conclint.engine import lint_source
from conclint.knowledge.processes import HARMLESS_CALLS
from fixture_annotations import expected_findings

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "processes").glob("*.py"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_findings_match_annotations(fixture: Path) -> None:
    source = fixture.read_text()
    actual = {(d.line, d.code) for d in lint_source(source, str(fixture)) if d.code.startswith("CCL3")}
    expected = expected_findings(source)
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, f"missing: {sorted(missing)}\nunexpected: {sorted(unexpected)}"



def test_harmless_calls_at_module_level_are_not_reported() -> None:
    """The catalog's harmless calls, each made at module level, start nothing."""
    modules = sorted({name.split(".")[0] for name in HARMLESS_CALLS})
    lines = [f"import {module}" for module in modules] + [f"{name}()" for name in sorted(HARMLESS_CALLS)]
    source = "\n".join(lines) + "\n"
    found = [d for d in lint_source(source, "harmless.py") if d.code.startswith("CCL3")]
    assert found == [], found
