"""Baselines: the findings a project accepts for now, so that only new ones fail a run.

`--write-baseline FILE` records the findings of a run; `--baseline FILE` drops the findings
the file records and reports the rest. A finding is matched by what stays the same while
code around it changes: its path (relative to the project root, with forward slashes), its
code, the qualified name of the function (or class) holding it (`<module>` at module level),
and for a finding through helpers the names of the functions of the chain (not the blocking
call at its end, whose text changes with its arguments). Line numbers and messages are left
out, since they change whenever lines are added above the finding or the helper it goes
through moves. Each key keeps a count: two identical findings in one function are two
findings, and a third one there is new.

The file is JSON with a `version` key and its entries sorted, so that it diffs well and a
run on unchanged code writes the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conclint.core.model import MODULE_LEVEL, Diagnostic
from conclint.core.safe_files import read_regular
from conclint.project.runner import project_relative_path

# 2: nested functions are named `outer.<locals>.inner`, as everywhere else.
BASELINE_VERSION = 2
# A baseline larger than this is not a file conclint wrote for a real project.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


class BaselineError(ValueError):
    """A baseline file that cannot be read or is not one conclint wrote."""


@dataclass(frozen=True, order=True)
class BaselineKey:
    """What a finding is matched by."""

    path: str
    code: str
    function: str
    chain: tuple[str, ...] = ()


def baseline_key(diagnostic: Diagnostic, root: Path) -> BaselineKey:
    """The key of `diagnostic`; its path is made relative to the project `root`."""
    # The chain's functions by name; its last link is the blocking call itself, shown as
    # written (`Path(p).read_text()`), which an edit of its arguments would change.
    chain = tuple(link.function for link in diagnostic.chain[:-1])
    return BaselineKey(
        project_relative_path(diagnostic.path, root), diagnostic.code, diagnostic.function or MODULE_LEVEL, chain
    )


def baseline_counts(diagnostics: Iterable[Diagnostic], root: Path) -> Counter[BaselineKey]:
    """How many findings there are of each key."""
    return Counter(baseline_key(diagnostic, root) for diagnostic in diagnostics)


def baseline_text(diagnostics: Iterable[Diagnostic], root: Path) -> str:
    """The baseline file recording `diagnostics`: sorted JSON, one entry per key with a count."""
    counts = baseline_counts(diagnostics, root)
    entries = [
        {"path": key.path, "code": key.code, "function": key.function, "chain": list(key.chain), "count": count}
        for key, count in sorted(counts.items())
    ]
    return json.dumps({"version": BASELINE_VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, diagnostics: Sequence[Diagnostic], root: Path) -> int:
    """Write the baseline of `diagnostics` to `path` (UTF-8, LF); the number of findings.
    OSError when it cannot be written."""
    path.write_text(baseline_text(diagnostics, root), encoding="utf-8", newline="\n")
    return len(diagnostics)


def parse_baseline(text: str) -> Counter[BaselineKey]:
    """The counts a baseline file records; BaselineError when it is not a baseline."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BaselineError(f"not JSON ({error})") from None
    if not isinstance(document, dict) or "version" not in document:
        raise BaselineError("not a conclint baseline (no version key)")
    if document["version"] != BASELINE_VERSION:
        raise BaselineError(f"baseline version {document['version']!r} is not {BASELINE_VERSION}; write it again")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError("not a conclint baseline (no list of findings)")
    counts: Counter[BaselineKey] = Counter()
    for entry in entries:
        key, count = _entry(entry)
        counts[key] += count
    return counts


def _entry(entry: Any) -> tuple[BaselineKey, int]:
    """One entry of a baseline file, checked."""
    if not isinstance(entry, dict):
        raise BaselineError("an entry of the baseline is not an object")
    texts = [entry.get(name) for name in ("path", "code", "function")]
    chain, count = entry.get("chain", []), entry.get("count", 1)
    if (
        not all(isinstance(text, str) for text in texts)
        or not isinstance(chain, list)
        or not all(isinstance(link, str) for link in chain)
        or type(count) is not int
        or count < 1
    ):
        raise BaselineError(f"malformed baseline entry: {json.dumps(entry)[:200]}")
    return BaselineKey(texts[0], texts[1], texts[2], tuple(chain)), count


def read_baseline(path: Path) -> Counter[BaselineKey]:
    """The baseline in file `path`; BaselineError when it cannot be read or is malformed."""
    try:
        data = read_regular(path, MAX_BASELINE_BYTES, follow=True)
    except OSError as error:
        raise BaselineError(f"cannot read it: {(error.strerror or str(error)).lower()}") from None
    try:
        return parse_baseline(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BaselineError("not UTF-8") from None


def without_baselined(
    diagnostics: Sequence[Diagnostic], baseline: Counter[BaselineKey], root: Path
) -> tuple[list[Diagnostic], int]:
    """The findings the baseline does not record (each key up to its count, in output order),
    and how many it did."""
    remaining = Counter(baseline)
    kept = []
    for diagnostic in diagnostics:
        key = baseline_key(diagnostic, root)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(diagnostic)
    return kept, len(diagnostics) - len(kept)
