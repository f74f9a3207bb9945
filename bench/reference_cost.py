"""The cost of a change: cold conclint runs of this checkout against a reference install, in
the same session, alternating, best of K.

Usage: python bench/reference_cost.py --reference REF_PYTHON PATH [PATH ...] [--jobs N] [--repeat K]

REF_PYTHON is the interpreter of a virtual environment where the reference commit is
installed (`git worktree add ../ref COMMIT && python -m venv ../ref-venv &&
../ref-venv/bin/pip install -e ../ref`). Each run is cold (a fresh `--cache-dir`), in project
mode, over each PATH in turn; the runs of the two installs alternate, so the machine's noise
falls on both, and the best wall time of each is kept. Prints per path and in total the two
times and their ratio (this checkout / reference).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(python: str, path: Path, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as cache:
        command = [python, "-m", "conclint", "--cache-dir", cache, "--format", "json", "--exit-zero", "--jobs", str(jobs), "."]
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=path, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    if completed.returncode not in (0, 2):
        raise SystemExit(f"{python} failed on {path}: {completed.stderr[-2000:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="the reference install's python")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # Every process would compile its imports from source, and an install with more or
        # larger modules would pay for it in every worker: not what an installed conclint does.
        print("warning: PYTHONDONTWRITEBYTECODE is set; run `python -m compileall` on both installs and unset it", file=sys.stderr)
    totals = {"reference": 0.0, "this": 0.0}
    print("| path | reference (s) | this checkout (s) | ratio |")
    print("|---|---:|---:|---:|")
    for path in options.paths:
        best = {"reference": float("inf"), "this": float("inf")}
        for _ in range(options.repeat):
            best["reference"] = min(best["reference"], run(options.reference, path, options.jobs))
            best["this"] = min(best["this"], run(sys.executable, path, options.jobs))
        for name in totals:
            totals[name] += best[name]
        print(f"| {path.name} | {best['reference']:.2f} | {best['this']:.2f} | {best['this'] / best['reference']:.3f} |", flush=True)
    print(f"| total | {totals['reference']:.2f} | {totals['this']:.2f} | {totals['this'] / totals['reference']:.3f} |")


if __name__ == "__main__":
    main()
