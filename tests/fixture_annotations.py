"""Expected findings written into fixture files: an offending line ends with
`# error: CODE[, CODE]`, and every other line must stay silent."""

from __future__ import annotations

import re

_EXPECTED = re.compile(r"#\s*error:\s*(?P<codes>CCL\d{3}(?:\s*,\s*CCL\d{3})*)\s*$")


def expected_findings(source: str) -> set[tuple[int, str]]:
    """The (line, code) pairs the annotations of `source` ask for."""
    found = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            found.update((number, code.strip()) for code in match.group("codes").split(","))
    return found
