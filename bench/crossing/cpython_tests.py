"""CCL305 on CPython's own test suite: the forks its tests make while other threads run.

    python bench/crossing/cpython_tests.py [--python PYTHON] [--tests DIR] [--conclint PATH]

CPython reproduces fork-after-threads deadlocks it fixed in its regression tests, and since
3.12 its own runtime check warns at such a fork ("This process is multi-threaded, use of
fork() may lead to deadlocks in the child"), which those tests silence where they fork on
purpose. This bench copies the `test` package of an interpreter's standard library (or the
directory given) into a temporary directory, lints it with `conclint test --select CCL305
--no-cache` (nothing of it is imported or run), and compares the findings with the forks
listed below, found by their test function and statement, not by line, so that any CPython
3.12 or 3.13 test suite will do. Debian and Ubuntu ship the suite apart (`libpython3.X-testsuite`).
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from real_bugs import lint  # bench/crossing/real_bugs.py, beside this script


@dataclass(frozen=True)
class Fork:
    """A fork a test makes while another thread runs, and why the suite has it."""

    path: str  # under the `test` package
    function: str  # the test function holding the fork
    statement: str  # the fork, as its line reads
    why: str


FORKS = (
    Fork("fork_wait.py", "test_wait", "os.fork()", "forks while the test's threads run (the warning silenced)"),
    Fork("test_fork1.py", "test_threaded_import_lock_fork", "os.fork()", "fork while another thread holds the import lock"),
    Fork("test_thread.py", "fork_thread", "os.fork()", "fork on a thread while the main thread runs (the warning silenced)"),
    Fork("test_threading.py", "test_is_alive_after_fork", "os.fork()", "fork after starting 20 threads (issue 18418; the warning silenced)"),
    Fork("test_threading.py", "test_clear_threads_states_after_fork", "os.fork()", "fork after starting threads (issue 17094; the warning silenced)"),
    Fork("test_logging.py", "test_post_fork_child_no_deadlock", "os.fork()", "fork while a thread holds logging's locks (bpo-6721)"),
    Fork(
        "test_concurrent_futures/test_thread_pool.py", "test_hang_global_shutdown_lock", "workers.submit(",
        "a fork-context ProcessPoolExecutor while a ThreadPoolExecutor's worker runs (bpo-45021)",
    ),
)


def fork_line(tests: Path, fork: Fork) -> int | None:
    """The line of the fork's statement inside its test function, None when the suite at hand
    has no such function or statement (another CPython version)."""
    path = tests / fork.path
    if not path.is_file():
        return None
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == fork.function:
            for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                if fork.statement in lines[number - 1].partition("#")[0]:  # not in a comment
                    return number
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose standard library's `test` package is linted")
    parser.add_argument("--tests", type=Path, help="a CPython `Lib/test` directory (instead of --python's)")
    parser.add_argument("--conclint", default="conclint", help="the conclint command to run")
    args = parser.parse_args()
    tests = args.tests
    if tests is None:
        stdlib = subprocess.run(
            [args.python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], capture_output=True, text=True, check=True
        ).stdout.strip()
        tests = Path(stdlib) / "test"
    if not (tests / "test_threading.py").is_file():
        raise SystemExit(f"{tests} holds no CPython test suite (on Debian: apt install libpython3.X-testsuite)")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(tests, root / "test", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        findings = [f for f in lint(root, args.conclint) if f["code"] == "CCL305"]
    found = {(str(f["path"]), int(f["line"])) for f in findings}  # type: ignore[call-overload]
    print("| test | fork at | why the suite has it | reported |")
    print("|---|---|---|:-:|")
    expected: set[tuple[str, int]] = set()
    for fork in FORKS:
        line = fork_line(tests, fork)
        if line is None:
            print(f"| `{fork.function}` | not in this suite | {fork.why} | - |")
            continue
        where = (f"test/{fork.path}", line)
        expected.add(where)
        print(f"| `{fork.function}` | {where[0]}:{line} | {fork.why} | {'T' if where in found else 'F'} |")
    others = sorted(found - expected)
    print(f"\nother CCL305 findings: {len(others)}")
    for path, line in others:
        print(f"  {path}:{line}")


if __name__ == "__main__":
    main()
