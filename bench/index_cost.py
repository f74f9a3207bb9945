"""What the project index costs, and what it finds: conclint on one tree with and without it.

Usage: python bench/index_cost.py PATH [PATH ...] [--jobs N] [--repeat K]

For each PATH, runs `conclint` cold (a fresh, empty `--cache-dir`, as on a first run) in
per-file mode (`--per-file`: calls followed within each file only) and in project mode (the
default: calls followed into the project's other modules, whose summaries the workers share
through the cache directory), alternating, K times each, and prints the best wall time of each
mode, the ratio, and the findings project mode adds (to be judged by hand).
A benchmark, not a test: the machine's noise is why runs alternate and the best is kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(path: Path, jobs: int, per_file: bool) -> tuple[float, list[dict[str, object]]]:
    with tempfile.TemporaryDirectory() as cache:
        command = [sys.executable, "-m", "conclint", "--cache-dir", cache, "--format", "json", "--jobs", str(jobs), "."]
        if per_file:
            command.append("--per-file")
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=path, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    if completed.returncode not in (0, 1, 2) or not completed.stdout.strip():
        raise SystemExit(f"conclint failed on {path}: {completed.stderr[-2000:]}")
    document = json.loads(completed.stdout)
    findings = document if isinstance(document, list) else document.get("diagnostics", [])
    return wall, findings


def key(finding: dict[str, object]) -> tuple[object, ...]:
    return (finding.get("path") or finding.get("filename"), finding.get("line"), finding.get("code"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    for path in options.paths:
        files = sum(1 for _ in path.rglob("*.py"))
        best = {True: float("inf"), False: float("inf")}
        results: dict[bool, list[dict[str, object]]] = {}
        for _ in range(options.repeat):
            for per_file in (True, False):
                wall, findings = run(path, options.jobs, per_file)
                best[per_file] = min(best[per_file], wall)
                results[per_file] = findings
        before = {key(finding) for finding in results[True]}
        added = [finding for finding in results[False] if key(finding) not in before]
        lost = {key(finding) for finding in results[True]} - {key(finding) for finding in results[False]}
        print(f"## {path.name} ({files} files, --jobs {options.jobs}, cold, best of {options.repeat})")
        print(f"per-file mode: {best[True]:.2f} s, {len(results[True])} findings")
        print(f"project mode:  {best[False]:.2f} s, {len(results[False])} findings ({best[False] / best[True]:.2f}x)")
        print(f"findings only project mode has: {len(added)}; only per-file mode has: {len(lost)}")
        for finding in added:
            print(f"- {finding.get('path') or finding.get('filename')}:{finding.get('line')} {finding.get('code')} {finding.get('message')}")
        print()


if __name__ == "__main__":
    main()
