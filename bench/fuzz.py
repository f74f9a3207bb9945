"""Run the engine's property tests (tests/test_fuzz.py) for longer than CI does.

Usage: python bench/fuzz.py [--examples N] [--seed S] [pytest options...]

Each property test draws N examples (CI draws 60; the slower libcst-node strategy a third of
that). Nearly all the time goes into generating programs, not linting them: N = 1500 takes
about 4 minutes on 2 idle cores, and the time grows faster than N as hypothesis moves on to
larger programs. Add `--hypothesis-show-statistics` for the counts of examples per test.
Needs the test extra: `pip install '.[test]'`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests" / "test_fuzz.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per property test (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed, to repeat a run")
    args, pytest_options = parser.parse_known_args()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TESTS), *pytest_options]
    if args.seed is not None:
        command.append(f"--hypothesis-seed={args.seed}")
    env = {**os.environ, "CONCLINT_FUZZ_EXAMPLES": str(args.examples)}
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())
