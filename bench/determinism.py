"""Does conclint give the same findings however a run goes? Lints each tree several times, with
different hash seeds (which change the order of sets and the order in which dicts of sets are
filled) and different numbers of workers (which change the order in which files are linted and
the project index learns modules), and compares the JSON output byte for byte.

    python bench/determinism.py DIR [DIR ...] [--seeds 0 5 11] [--jobs 1 2] [--conclint PATH]

Prints one line per tree: the number of findings and whether every run agreed; where runs
differ, the findings that are not in every run, with the runs that have them. Exits 1 when a
tree's runs differ. Each run is `conclint --no-cache --format json --exit-zero` from the
tree's root, so the project index and its lint-ahead are in play; nothing is cached between
runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def run(tree: Path, conclint: str, seed: int, jobs: int) -> list[dict[str, object]]:
    environment = {**os.environ, "PYTHONHASHSEED": str(seed)}
    completed = subprocess.run(
        [conclint, "--no-cache", "--format", "json", "--exit-zero", "--jobs", str(jobs), "."],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def key(finding: dict[str, object]) -> str:
    return f"{finding['path']}:{finding['line']}:{finding['column']} {finding['code']} {finding['message']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 5, 11])
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--conclint", default="conclint")
    args = parser.parse_args()
    differs = False
    for tree in args.trees:
        runs = {(seed, jobs): run(tree, args.conclint, seed, jobs) for seed in args.seeds for jobs in args.jobs}
        outputs = {label: json.dumps(found, sort_keys=True) for label, found in runs.items()}
        first = next(iter(runs.values()))
        if len(set(outputs.values())) == 1:
            print(f"{tree.name}: {len(first)} findings, {len(runs)} runs agree")
            continue
        differs = True
        print(f"{tree.name}: runs differ")
        seen: dict[str, list[tuple[int, int]]] = {}
        for label, found in runs.items():
            for finding in found:
                seen.setdefault(key(finding), []).append(label)
        for text, labels in sorted(seen.items()):
            if len(labels) != len(runs):
                print(f"   in runs (seed, jobs) {labels}: {text}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
