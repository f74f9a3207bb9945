"""Recall kept while precision work removes findings: every finding the examples had when
reachability-aware summaries started (tests/data/examples_findings.json, written by running
`conclint . --format json` in examples/) must still be reported."""

from __future__ import annotations

import json
from pathlib import Path

from conclint.core.settings import DEFAULT_SETTINGS
from conclint.project.runner import check
from conclint.project.tasks import IndexOptions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_every_example_finding_of_the_baseline_is_still_reported() -> None:
    baseline = {tuple(row) for row in json.loads((ROOT / "tests" / "data" / "examples_findings.json").read_text())}
    result = check([EXAMPLES], DEFAULT_SETTINGS, root=EXAMPLES, jobs=1, project=IndexOptions(run=1))
    now = {(Path(d.path).resolve().relative_to(EXAMPLES).as_posix(), d.line, d.code) for d in result.diagnostics}
    assert len(baseline) > 20
    assert sorted(baseline - now) == []
