"""The cost of a change: cold conclint runs of this checkout against a reference install, in
the same session, alternating, best of K.

Usage: python bench/reference_cost.py --reference REF_PYTHON PATH [PATH ...] [--jobs N] [--repeat K]

REF_PYTHON is the interpreter of a virtual environment where the reference commit is
installed (`git worktree add ../ref COMMIT && python -m venv ../ref-venv &&
../ref-venv/bin/pip install -e ../ref`). Each run is cold (a fresh `--cache-dir`), in project
mode, over each PATH in turn; the runs of the two installs alternate, so the machine's noise
falls on both, and the best wall time of each is kept, and the best CPU time (the run and its
workers, user and system): on a machine shared with other work, CPU time moves less than wall
time. Prints per path and in total the times and their ratios (this checkout / reference).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

import compare  # bench/compare.py, beside this script


def run(python: str, path: Path, jobs: int, extra: list[str]) -> tuple[float, float]:
    """(wall time, CPU time of the run and all its workers) of one cold run, measured as
    `bench/compare.py` measures its rows (its forkserver's workers counted through the
    subreaper)."""
    with tempfile.TemporaryDirectory() as cache:
        command = [python, "-m", "conclint", "--cache-dir", cache, "--format", "json", "--exit-zero", "--jobs", str(jobs), *extra, "."]
        with contextlib.redirect_stdout(io.StringIO()):
            measured = compare.measure(python, command, path)
    if measured.returncode not in (0, 1, 2):
        raise SystemExit(f"{python} failed on {path}: {measured.stderr[-2000:]}")  # type: ignore[attr-defined]
    return measured.wall, measured.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="the reference install's python")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--this-args", default="", help="more options for this checkout's runs only (`--ignore CCL4`: its cost without a family)"
    )
    options = parser.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # Every process would compile its imports from source, and an install with more or
        # larger modules would pay for it in every worker: not what an installed conclint does.
        print("warning: PYTHONDONTWRITEBYTECODE is set; run `python -m compileall` on both installs and unset it", file=sys.stderr)
    if not compare._become_subreaper():
        print("warning: not a subreaper: the CPU time of forkserver workers is not counted", file=sys.stderr)
    kinds = ("wall", "cpu")
    totals = {(install, kind): 0.0 for install in ("reference", "this") for kind in kinds}
    print("| path | reference wall (s) | this wall (s) | ratio | reference CPU (s) | this CPU (s) | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in options.paths:
        best = {key: float("inf") for key in totals}
        for _ in range(options.repeat):
            for install, python in (("reference", options.reference), ("this", sys.executable)):
                extra = options.this_args.split() if install == "this" else []
                for kind, value in zip(kinds, run(python, path, options.jobs, extra)):
                    best[install, kind] = min(best[install, kind], value)
        for key in totals:
            totals[key] += best[key]
        print(f"| {path.name} | {_row(best)} |", flush=True)
    print(f"| total | {_row(totals)} |")


def _row(times: dict[tuple[str, str], float]) -> str:
    return " | ".join(
        f"{times['reference', kind]:.2f} | {times['this', kind]:.2f} | {times['this', kind] / times['reference', kind]:.3f}"
        for kind in ("wall", "cpu")
    )


if __name__ == "__main__":
    main()
