"""Baselines: findings matched by path, code, enclosing function and helper chain (never by
line), counted per key; `--write-baseline` then `--baseline` through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conclint.core.model import ChainLink, Diagnostic, Span
from conclint.engine import lint_source
from conclint.project.baseline import (
    BASELINE_VERSION,
    BaselineError,
    BaselineKey,
    baseline_key,
    baseline_text,
    parse_baseline,
    without_baselined,
)
from conclint.project.cache import Cache

CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")

HELPERS = """\
import time


def load():
    time.sleep(1)


def fetch():
    load()
"""

SERVICE = """\
import time

from helpers import fetch


class Service:
    async def handle(self):
        fetch()
        time.sleep(1)
        time.sleep(2)
"""


def finding(line: int, code: str = "CCL101", function: str = "f", chain: tuple[ChainLink, ...] = ()) -> Diagnostic:
    return Diagnostic("pkg/a.py", Span(line, 1, line, 2), code, "name", f"message (line {line})", function=function, chain=chain)


def test_findings_know_their_function_and_chain(tmp_path: Path) -> None:
    source = "import time\n\ndef helper():\n    time.sleep(1)\n\nclass A:\n    async def m(self):\n        helper()\n        time.sleep(1)\n"
    keys = {d.line: baseline_key(d, tmp_path) for d in lint_source(source, str(tmp_path / "a.py"))}
    assert (keys[8].function, keys[8].chain[0]) == ("A.m", "helper")
    assert (keys[9].function, keys[9].chain) == ("A.m", ())
    assert keys[8] != keys[9]


def test_a_finding_at_module_level_is_keyed_on_the_module(tmp_path: Path) -> None:
    key = baseline_key(Diagnostic("x.py", Span(1, 1, 1, 2), "CCL001", "parse-error", "m"), tmp_path)
    assert key == BaselineKey("x.py", "CCL001", "<module>", ())


def test_the_key_ignores_lines_and_messages(tmp_path: Path) -> None:
    assert baseline_key(finding(3), tmp_path) == baseline_key(finding(30), tmp_path)
    assert baseline_key(finding(3), tmp_path) != baseline_key(finding(3, function="g"), tmp_path)
    chained = finding(3, chain=(ChainLink("", 8, "helper"), ChainLink("", 9, "open(path)")))
    assert baseline_key(chained, tmp_path).chain == ("helper",)
    assert baseline_key(finding(3), tmp_path) != baseline_key(chained, tmp_path)
    # The blocking call at the chain's end is shown as written: its arguments do not count.
    edited = finding(5, chain=(ChainLink("", 10, "helper"), ChainLink("", 12, "open(other)")))
    assert baseline_key(chained, tmp_path) == baseline_key(edited, tmp_path)


def test_the_path_is_relative_to_the_root_with_forward_slashes(tmp_path: Path) -> None:
    diagnostic = Diagnostic(str(tmp_path / "pkg" / "a.py"), Span(1, 1, 1, 2), "CCL101", "n", "m", function="f")
    assert baseline_key(diagnostic, tmp_path).path == "pkg/a.py"


def test_counts_per_key_drop_only_as_many_as_recorded(tmp_path: Path) -> None:
    recorded = parse_baseline(baseline_text([finding(3), finding(4)], tmp_path))
    kept, dropped = without_baselined([finding(10), finding(11), finding(12)], recorded, tmp_path)
    assert dropped == 2
    assert kept == [finding(12)]


def test_the_file_is_sorted_stable_and_versioned(tmp_path: Path) -> None:
    findings = [finding(9, function="z"), finding(3), finding(4), finding(5, code="CCL104")]
    text = baseline_text(findings, tmp_path)
    assert text == baseline_text(list(reversed(findings)), tmp_path)
    document = json.loads(text)
    assert document["version"] == BASELINE_VERSION
    assert document["findings"][0] == {"path": "pkg/a.py", "code": "CCL101", "function": "f", "chain": [], "count": 2}
    assert [entry["function"] for entry in document["findings"]] == ["f", "z", "f"]
    assert "line" not in text and "message" not in text


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "not json",
        '{"findings": []}',
        '{"version": 99, "findings": []}',
        f'{{"version": {BASELINE_VERSION}, "findings": [{{"path": "a.py", "code": "CCL101"}}]}}',
        f'{{"version": {BASELINE_VERSION}, "findings": [{{"path": "a.py", "code": "CCL101", "function": "f", "count": 0}}]}}',
        f'{{"version": {BASELINE_VERSION}, "findings": [{{"path": "a.py", "code": "CCL101", "function": "f", "chain": [1]}}]}}',
    ],
)
def test_malformed_baselines_are_refused(text: str) -> None:
    with pytest.raises(BaselineError):
        parse_baseline(text)


def test_the_cache_keeps_the_function(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", tmp_path)
    cache.put("pkg/a.py", "key", [finding(3, function="A.m")])
    cache.save()
    (got,) = Cache(tmp_path / "cache", tmp_path).get("pkg/a.py", "key") or ()
    assert got.function == "A.m"


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    return subprocess.run([str(CONCLINT), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n")
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "service.py").write_text(SERVICE)
    return tmp_path


def test_baseline_round_trip_survives_moved_code(project: Path) -> None:
    first = run_installed("--format", "json", cwd=project)
    assert first.returncode == 1
    chained = [f for f in json.loads(first.stdout) if "fetch" in f["message"]]
    assert len(chained) == 1  # the finding through helpers.py, which the baseline must keep
    written = run_installed("--write-baseline", "baseline.json", cwd=project)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == "Wrote a baseline of 3 findings to baseline.json."
    entries = json.loads((project / "baseline.json").read_text())["findings"]
    (chained_entry,) = [entry for entry in entries if entry["chain"]]
    assert (chained_entry["path"], chained_entry["function"], chained_entry["count"]) == ("service.py", "Service.handle", 1)
    assert chained_entry["chain"] == ["helpers.fetch", "helpers.load"]

    # Lines above the coroutine and above the helper's blocking call: every line moves.
    (project / "service.py").write_text(SERVICE.replace("class Service:", "import os\n\n\nclass Service:"))
    (project / "helpers.py").write_text(HELPERS.replace("def load():", "def unused():\n    pass\n\n\ndef load():"))
    moved = run_installed("--baseline", "baseline.json", cwd=project)
    assert moved.returncode == 0, moved.stdout
    assert "3 findings recorded in the baseline not shown." in moved.stderr

    # A third sleep in the same function is new: the count of that key is 2.
    (project / "service.py").write_text(SERVICE + "        time.sleep(3)\n")
    new = run_installed("--baseline", "baseline.json", cwd=project)
    assert new.returncode == 1
    assert len([line for line in new.stdout.splitlines() if " CCL101 " in line]) == 1


def test_a_bad_baseline_file_is_a_usage_error(project: Path) -> None:
    (project / "baseline.json").write_text("{}")
    completed = run_installed("--baseline", "baseline.json", cwd=project)
    assert completed.returncode == 2
    assert "baseline.json: not a conclint baseline" in completed.stderr
    missing = run_installed("--baseline", "missing.json", cwd=project)
    assert missing.returncode == 2
    assert "cannot read it" in missing.stderr


def test_add_noqa_leaves_baselined_findings_alone(project: Path) -> None:
    assert run_installed("--write-baseline", "baseline.json", cwd=project).returncode == 0
    (project / "service.py").write_text(SERVICE + "        time.sleep(3)\n")
    completed = run_installed("--baseline", "baseline.json", "--add-noqa", cwd=project)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "Added a noqa comment to 1 line in 1 file."
    lines = (project / "service.py").read_text().splitlines()
    assert [line for line in lines if "noqa" in line] == ["        time.sleep(3)  # noqa: CCL101"]


def test_the_innermost_definition_names_a_position() -> None:
    import libcst as cst

    from conclint.engine.enclosing import EnclosingNames
    from conclint.syntax.positions import node_positions

    source = (
        "class A:\n    if x:\n        def f():\n            pass\n    else:\n        try:\n            pass\n"
        "        finally:\n            async def k():\n                with y:\n                    def z():\n"
        "                        pass\n                return 1\nmatch q:\n    case 1:\n        def m():\n"
        "            pass\nv = 1\n"
    )
    module = cst.parse_module(source)
    names = EnclosingNames(module, node_positions(module))
    assert [names.name_at(line, 8) for line in (4, 12, 13, 17, 18)] == ["A.f", "A.k.<locals>.z", "A.k", "m", "<module>"]
    assert [names.in_coroutine(line, 8) for line in (12, 13, 4)] == [False, True, False]
