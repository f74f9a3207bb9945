"""Time `conclint FILE` cold on one small file of a project: what pre-commit and editors run.

Usage: python bench/cold_single_file.py [--python INTERPRETER]... [--rounds N] [--modules M]

Builds a throwaway project (a `pyproject.toml` with a `[tool.conclint]` table, a package
whose 20-line `app/handlers.py` has a coroutine that blocks directly and through a helper of
`app/storage.py`, and M unrelated modules), then runs `python -m conclint app/handlers.py`
with each interpreter given (default: this one), the rounds alternating between them so that
a change in the machine's load hits all alike. Every run is cold: the cache directory is
deleted first. Prints, per interpreter, the best and the median wall and CPU (user + system
of the child) times, and once, from `-X importtime`, the sum of import times and which of
the modules a one-file run should not need were imported anyway.

Bytecode: each interpreter runs once before the timed rounds with bytecode writing on, into
a private `PYTHONPYCACHEPREFIX`, as after `pip install` (which compiles it): an environment
with PYTHONDONTWRITEBYTECODE set would otherwise recompile conclint on every run of an
editable install and measure the compiler. The outputs of all interpreters must agree.
A second file, `app/plain.py`, which no rule needs to parse, is timed too: such a run must
not import libcst at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HANDLERS = '''import asyncio
import time

from app.storage import load


async def fetch(url: str) -> str:
    await asyncio.sleep(0.1)
    return url.upper()


async def handler(request: dict) -> dict:
    time.sleep(0.5)
    data = load(request["id"])
    body = await fetch(request["url"])
    return {"body": body, "data": data}


def main() -> None:
    asyncio.run(handler({"id": 1, "url": "x"}))
'''
STORAGE = 'def load(key):\n    with open(f"/tmp/{key}") as f:\n        return f.read()\n'
PLAIN = "".join(f"def scale_{i}(values, factor):\n    return [v * factor for v in values]\n\n\n" for i in range(5))
FILLER = "from app import storage\n\n\ndef helper_{i}(key):\n    return storage.load(key)\n"
# Modules for something else than one small file in text format: the worker pool, the JSON
# and SARIF reporters, .gitignore matching (only when walking directories). (`json` itself is
# needed: the cache is JSON.)
NOT_NEEDED = (
    "multiprocessing",
    "concurrent.futures",
    "pathspec",
    "conclint.reporters.sarif",
    "conclint.reporters.json_reporter",
    "conclint.project.pool",
)
# Needed only to tell which findings `--fix` would fix: a run without findings does without.
FIXING = "conclint.autofix.unused_imports"


def make_project(root: Path, modules: int) -> None:
    """The project linted: handlers.py (20 lines), its helper module, `modules` others."""
    package = root / "app"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n\n[tool.conclint]\nignore = ["CCL107"]\n')
    (package / "__init__.py").write_text("")
    (package / "handlers.py").write_text(HANDLERS)
    (package / "storage.py").write_text(STORAGE)
    (package / "plain.py").write_text(PLAIN)
    for i in range(modules):
        (package / f"filler_{i}.py").write_text(FILLER.format(i=i))


def child_environment(pycache: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def run_once(python: str, target: str, project: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """One cold run: (wall seconds, CPU seconds of the child, its stdout)."""
    shutil.rmtree(project / ".conclint_cache", ignore_errors=True)
    start = time.perf_counter()
    child = subprocess.Popen(
        [python, "-m", "conclint", target], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{python} -m conclint {target}: exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, output


def import_report(python: str, target: str, project: Path, env: dict[str, str], findings: int) -> str:
    """The sum of `-X importtime` self times and the unneeded modules that were imported."""
    shutil.rmtree(project / ".conclint_cache", ignore_errors=True)
    completed = subprocess.run(
        [python, "-X", "importtime", "-m", "conclint", target], cwd=project, env=env, capture_output=True, text=True
    )
    imported = {}
    for line in completed.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| \s*(\S+)", line)
        if match:
            imported[match[2]] = int(match[1])
    unneeded = [name for name in (*NOT_NEEDED, *([] if findings else [FIXING])) if name in imported]
    libcst = "libcst imported" if "libcst" in imported else "libcst not imported"
    return (
        f"imports {sum(imported.values()) / 1e6:.3f} s ({len(imported)} modules), {libcst}; "
        f"not needed but imported: {', '.join(unneeded) or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="an interpreter with conclint installed (repeatable)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--modules", type=int, default=200, help="unrelated modules in the project")
    args = parser.parse_args()
    pythons = args.python or [sys.executable]
    with tempfile.TemporaryDirectory(prefix="conclint-cold-") as temporary:
        project = Path(temporary, "project")
        make_project(project, args.modules)
        print(f"load average (1 min) at start: {os.getloadavg()[0]:.2f}; {args.rounds} rounds, {args.modules} other modules")
        for target in ("app/handlers.py", "app/plain.py"):
            envs = {python: child_environment(Path(temporary, f"pycache-{index}")) for index, python in enumerate(pythons)}
            outputs = {python: run_once(python, target, project, envs[python])[2] for python in pythons}  # warm-up
            if len(set(outputs.values())) > 1:
                raise SystemExit(f"the interpreters disagree on {target}:\n" + "\n".join(outputs.values()))
            times: dict[str, list[tuple[float, float]]] = {python: [] for python in pythons}
            for _ in range(args.rounds):
                for python in pythons:
                    wall, cpu, _ = run_once(python, target, project, envs[python])
                    times[python].append((wall, cpu))
            findings = outputs[pythons[0]].count("\n") - 1
            print(f"\nconclint {target} ({findings} findings, cold: no cache)")
            for python in pythons:
                walls = [wall for wall, _ in times[python]]
                cpus = [cpu for _, cpu in times[python]]
                print(
                    f"  {python}: wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
                    f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s"
                )
                print(f"    {import_report(python, target, project, envs[python], findings)}")
        print(f"\nload average (1 min) at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
