"""Recall kept on a peer's published suite: conclint on flake8-async's ASYNC2xx eval files, this
checkout against a reference install.

Usage: python bench/peer_suite.py [--reference REF_PYTHON] [--work DIR]

Downloads the flake8-async sdist (pinned) at run time, copies its `tests/eval_files/async2*.py`
into DIR, runs `python -m conclint` over them with this interpreter and, with --reference, with
the reference install's interpreter too, and prints the lines each finds and the lines one finds
that the other does not. flake8-async marks its expected findings with `# ASYNC2xx:` comments;
the count of those lines is printed as the suite's size.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PEER = ("flake8-async", "26.8.1")
EXPECTED = re.compile(r"#\s*ASYNC2\d\d")


def fetch(work: Path) -> Path:
    evals = work / "evals"
    if evals.exists():
        return evals
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    name, version = PEER
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(sdists), f"{name}=={version}"],
        check=True,
    )
    archive = next(sdists.glob("*.tar.gz"))
    with tarfile.open(archive) as tarred:
        tarred.extractall(work / "src", filter="data")
    evals.mkdir()
    for path in (work / "src").glob("*/tests/eval_files/async2*.py"):
        shutil.copy(path, evals / path.name)
    return evals


def found(python: str, evals: Path) -> set[tuple[str, int]]:
    run = subprocess.run(
        [python, "-m", "conclint", ".", "--no-cache", "--format", "json", "--exit-zero"], cwd=evals, capture_output=True, text=True, check=True
    )
    return {(item["path"], item["line"]) for item in json.loads(run.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", help="the reference install's python")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "conclint-peer-suite")
    options = parser.parse_args()
    evals = fetch(options.work)
    expected = {
        (path.name, number)
        for path in evals.glob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if EXPECTED.search(line)
    }
    mine = found(sys.executable, evals)
    print(f"{len(expected)} lines marked ASYNC2xx in {PEER[0]} {PEER[1]}'s eval files")
    print(f"this checkout: {len(mine)} lines with a finding, {len(mine & expected)} of them marked")
    if options.reference:
        theirs = found(options.reference, evals)
        print(f"reference:     {len(theirs)} lines with a finding, {len(theirs & expected)} of them marked")
        print("marked lines the reference finds and this checkout does not:", sorted((theirs - mine) & expected))
        print("lines this checkout finds and the reference does not:", sorted(mine - theirs))


if __name__ == "__main__":
    main()
