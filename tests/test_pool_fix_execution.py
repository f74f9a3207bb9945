"""CCL201's fix, swapping a `ThreadPoolExecutor` for a `ProcessPoolExecutor` (issue 15).

The swap is only right when every function the pool runs is CPU-bound and pickles: the first
part checks that a pool with one other task (I/O-bound, unknown, a lambda, ...) or one that
escapes its scope keeps its threads. The second part proves by execution that where the swap
applies, the program still does what it did: each program runs unfixed under `fork` (as it
always ran) and fixed, by the real `--fix --unsafe-fixes` code path with every rule, under
`spawn` (the strictest start method: the workers import the module afresh and receive
everything pickled), in fresh interpreters; output and exit status must be the same, the
fixed text must compile and settle (fixing again changes nothing), and this rule's rewrite
must give pyflakes nothing new to say. Where `fork` does not exist (Windows), the unfixed
program runs under `spawn` as well.
"""

from __future__ import annotations

import ast
import multiprocessing
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conclint.autofix.apply import FixMode, fix_text
from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.rules.threads.cpu_bound_function_on_thread import CpuBoundFunctionOnThread

UNSAFE = FixMode(unsafe=True)
CODE = CpuBoundFunctionOnThread.CODE
# Seconds per subprocess: the programs take a fraction of one; the margin is for a loaded machine.
TIMEOUT = 60
# Runs a file as `__main__` under the start method given first: `set_start_method` must come
# before any pool exists, which a plain `python file.py` cannot arrange.
RUNNER = (
    "import multiprocessing, runpy, sys\n"
    "multiprocessing.set_start_method(sys.argv[1])\n"
    "runpy.run_path(sys.argv[2], run_name='__main__')\n"
)


def _dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


# ----- when the swap may not apply --------------------------------------------------------

# One CPU-bound function submitted to a pool, plus `{other}`: another use of the same pool.
POOL_WITH_ANOTHER_USE = _dedent(
    """
    import functools
    import math
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def crunch(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    def fetch(url):
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()

    def handle(item):
        return item.process()

    def keep(pool):
        return pool

    def main(worker, holder):
        with ThreadPoolExecutor() as pool:
            first = pool.submit(crunch, 10**6)
            {other}
        return first
    """
)

# The other use of the pool, by why it keeps the pool a thread pool.
KEEPS_THREADS = {
    "also-runs-io": 'pool.submit(fetch, "https://example.com")',
    "also-runs-unknown-work": "pool.submit(handle, worker)",
    "also-maps-io": 'list(pool.map(fetch, ["https://example.com"]))',
    "also-runs-a-lambda": "pool.submit(lambda: crunch(10))",
    "also-runs-a-partial": "pool.submit(functools.partial(crunch, 10))",
    "also-runs-a-method-of-an-object": "pool.submit(worker.run, 1)",
    "also-runs-a-library-function": "pool.submit(math.factorial, 10)",
    "gives-work-in-a-nested-function": 'def later(): return pool.submit(fetch, "https://example.com")',
    "passed-to-a-function": "keep(pool)",
    "stored-on-an-object": "holder.pool = pool",
    "stored-in-a-list": "pools = [pool]",
    "returned": "return pool",
}


def _variant(other: str) -> str:
    return POOL_WITH_ANOTHER_USE.replace("{other}", other)


def _crunch_findings(source: str) -> list:
    found = lint_source(source, "example.py", Settings(select=(CODE,)))
    return [d for d in found if d.code == CODE and "`crunch`" in d.message]


def test_the_pool_becomes_a_process_pool_when_all_its_work_is_cpu_bound() -> None:
    """The control for the cases below: the same program with a second CPU-bound task."""
    source = _variant("second = pool.submit(crunch, 10**5)")
    assert all(d.fixable for d in _crunch_findings(source))
    assert "with ProcessPoolExecutor() as pool:" in fix_text(source, "example.py", mode=UNSAFE).text


@pytest.mark.parametrize("other", KEEPS_THREADS.values(), ids=KEEPS_THREADS.keys())
def test_the_pool_keeps_its_threads(other: str) -> None:
    source = _variant(other)
    found = _crunch_findings(source)
    assert found, "the CPU-bound function must still be reported"
    assert not [d for d in found if d.fixable]
    assert "ProcessPoolExecutor" in found[0].suggestion  # the advice stays, in words
    assert "ProcessPoolExecutor" not in fix_text(source, "example.py", mode=UNSAFE).text


# ----- what becomes of the import -------------------------------------------------------

POOL_IN_A_FUNCTION = _dedent(
    """
    def crunch(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    def main():
        with {name}(max_workers=2) as pool:
            return pool.submit(crunch, 10).result()
    """
)

# The imports before the fix, the name the pool is made with, and the imports after it: an
# import of the thread pool serving only this pool is renamed or dropped, never left unused,
# (see below for when it stays).
IMPORTS = {
    "renamed": (
        "from concurrent.futures import ThreadPoolExecutor\n",
        "ThreadPoolExecutor",
        "from concurrent.futures import ProcessPoolExecutor\n",
    ),
    "renamed-from-an-alias": (
        "from concurrent.futures import ThreadPoolExecutor as TPE\n",
        "TPE",
        "from concurrent.futures import ProcessPoolExecutor\n",
    ),
    "renamed-among-others": (
        "from concurrent.futures import ThreadPoolExecutor, wait\nprint(wait)\n",
        "ThreadPoolExecutor",
        "from concurrent.futures import ProcessPoolExecutor, wait\nprint(wait)\n",
    ),
    "dropped-before-a-semicolon": (
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor; import os\n"
        "print(os, ProcessPoolExecutor)\n",
        "ThreadPoolExecutor",
        "from concurrent.futures import ProcessPoolExecutor; import os\nprint(os, ProcessPoolExecutor)\n",
    ),
    "dropped-last-in-parentheses": (
        "from concurrent.futures import (\n    ProcessPoolExecutor,\n    ThreadPoolExecutor,\n)\n"
        "print(ProcessPoolExecutor)\n",
        "ThreadPoolExecutor",
        "from concurrent.futures import (\n    ProcessPoolExecutor,\n)\nprint(ProcessPoolExecutor)\n",
    ),
}


@pytest.mark.parametrize(("before", "name", "after"), IMPORTS.values(), ids=IMPORTS.keys())
def test_the_thread_pool_import(before: str, name: str, after: str) -> None:
    source = before + POOL_IN_A_FUNCTION.replace("{name}", name)
    fixed = fix_text(source, "example.py", Settings(select=(CODE,)), UNSAFE)
    assert fixed.error is None and fixed.fixed[CODE] == 1
    assert fixed.text == after + POOL_IN_A_FUNCTION.replace("{name}", "ProcessPoolExecutor")


def test_the_thread_pool_import_stays_when_the_name_appears_elsewhere() -> None:
    """A string annotation (like an `__all__` entry, or a comment) may need the name: the
    import stays, and `ProcessPoolExecutor` is imported (where is the import adder's choice)."""
    before = "from concurrent.futures import ThreadPoolExecutor\nx: 'ThreadPoolExecutor'\n"
    source = before + POOL_IN_A_FUNCTION.replace("{name}", "ThreadPoolExecutor")
    fixed = fix_text(source, "example.py", Settings(select=(CODE,)), UNSAFE)
    assert fixed.error is None and fixed.fixed[CODE] == 1
    assert _imported_from_futures(fixed.text) == {"ProcessPoolExecutor", "ThreadPoolExecutor"}
    assert "with ProcessPoolExecutor(max_workers=2) as pool:" in fixed.text


# A function importing the thread pool for itself, as several functions of a module may:
# the name is then bound several times in the module, which the general removal of unused
# imports leaves alone, so the swap itself renames or drops the function's import.
POOL_IMPORTED_BY_ITS_FUNCTION = _dedent(
    """
    def crunch(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    def first():
        {imports}
        with ThreadPoolExecutor() as pool:
            return pool.submit(crunch, 10).result(){also}

    def second():
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=2) as pool:
            return pool.submit(crunch, 20).result()
    """
)
SECOND_FIXED = (
    "def second():\n"
    "    from concurrent.futures import ProcessPoolExecutor\n"
    "    with ProcessPoolExecutor(max_workers=2) as pool:\n"
)

# `first`'s imports before and after the fix, and what else it returns (`{also}`).
IMPORTS_IN_A_FUNCTION = {
    "renamed": (
        "from concurrent.futures import ThreadPoolExecutor",
        "from concurrent.futures import ProcessPoolExecutor",
        "",
    ),
    "renamed-in-parentheses": (
        "from concurrent.futures import (\n        ThreadPoolExecutor,\n        wait,\n    )",
        "from concurrent.futures import (\n        ProcessPoolExecutor,\n        wait,\n    )",
        ", wait",
    ),
    "dropped-in-parentheses-keeping-the-indentation": (
        "from concurrent.futures import (\n        ProcessPoolExecutor,\n        ThreadPoolExecutor,\n    )",
        "from concurrent.futures import (\n        ProcessPoolExecutor,\n    )",
        ", ProcessPoolExecutor",
    ),
}


def _imported_by_its_function(imports: str, also: str) -> str:
    return POOL_IMPORTED_BY_ITS_FUNCTION.replace("{imports}", imports).replace("{also}", also)


@pytest.mark.parametrize(("before", "after", "also"), IMPORTS_IN_A_FUNCTION.values(), ids=IMPORTS_IN_A_FUNCTION.keys())
def test_the_thread_pool_import_of_a_function(before: str, after: str, also: str) -> None:
    source = _imported_by_its_function(before, also)
    fixed = fix_text(source, "example.py", Settings(select=(CODE,)), UNSAFE)
    assert fixed.error is None and fixed.fixed[CODE] == 2
    assert fixed.text == _imported_by_its_function(after, also).replace("ThreadPoolExecutor", "ProcessPoolExecutor")
    assert SECOND_FIXED in fixed.text
    assert fix_text(fixed.text, "example.py", Settings(select=(CODE,)), UNSAFE).text == fixed.text


def test_a_function_importing_both_pools_on_their_own_lines_keeps_its_threads() -> None:
    """Its own statement would be left unused (the function imports the process pool too):
    no swap of that pool, rather than a fix that leaves work for flake8."""
    imports = "from concurrent.futures import ProcessPoolExecutor\n    from concurrent.futures import ThreadPoolExecutor"
    source = _imported_by_its_function(imports, ", ProcessPoolExecutor")
    fixed = fix_text(source, "example.py", Settings(select=(CODE,)), UNSAFE)
    assert fixed.fixed[CODE] == 1 and SECOND_FIXED in fixed.text
    assert "    with ThreadPoolExecutor() as pool:" in fixed.text
    assert _pyflakes_text(fixed.text) == set()


def test_two_pools_of_one_name_in_one_function_keep_their_threads() -> None:
    """Both `pool`s resolve to one creation (the name's binding in the scope): the swap
    planned for the first pool's finding would change the second pool, and the finding
    would stay, marked fixable. Neither gets a fix."""
    source = _dedent(
        """
        from concurrent.futures import ThreadPoolExecutor

        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total

        def both():
            with ThreadPoolExecutor() as pool:
                first = list(pool.map(crunch, [10, 20]))
            with ThreadPoolExecutor() as pool:
                second = pool.submit(crunch, 30).result()
            return first, second
        """
    )
    found = _crunch_findings(source)
    assert len(found) == 2 and not [d for d in found if d.fixable]
    assert fix_text(source, "example.py", mode=UNSAFE).text == source


def _pyflakes_text(text: str) -> set[str]:
    checker = pytest.importorskip("pyflakes.checker")
    found = checker.Checker(ast.parse(text), "example.py")
    return {message.message % message.message_args for message in found.messages}


def _imported_from_futures(source: str) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module == "concurrent.futures"
        for alias in node.names
    }


# ----- proof by execution -----------------------------------------------------------------

# Programs beyond the rule's examples, for the ways a pool is made, named and imported.
PROGRAMS = {
    "function-scope-pool-with-shutdown": """
        from concurrent.futures import ThreadPoolExecutor, as_completed

        def factorial_digits(n):
            product = 1
            for i in range(2, n + 1):
                product *= i
            return len(str(product))

        def main():
            pool = ThreadPoolExecutor(max_workers=2)
            futures = [pool.submit(factorial_digits, n) for n in (200, 400, 800)]
            print(sorted(future.result() for future in as_completed(futures)))
            pool.shutdown()

        if __name__ == "__main__":
            main()
        """,
    "pool-named-through-its-module": """
        import concurrent.futures

        def square_sum(n):
            total = 0
            for i in range(n):
                total += i * i
            return total

        if __name__ == "__main__":
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                print(list(pool.map(square_sum, [10, 100, 1000])))
        """,
    "process-pool-imported-already": """
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)

        def main():
            with ProcessPoolExecutor(max_workers=1) as processes:
                first = processes.submit(fib, 15).result()
            with ThreadPoolExecutor(max_workers=2) as pool:
                rest = list(pool.map(fib, range(10, 18)))
            print(first, rest)

        if __name__ == "__main__":
            main()
        """,
    "two-functions-each-importing-the-thread-pool": """
        def digit_sum(n):
            total = 0
            for i in range(n):
                total += sum(int(d) for d in str(i * i))
            return total

        def first():
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor() as pool:
                return list(pool.map(digit_sum, [10, 200, 3000]))

        def second():
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=2) as pool:
                return pool.submit(digit_sum, 4000).result()

        if __name__ == "__main__":
            print(first(), second())
        """,
    "pool-made-at-import-time": """
        from concurrent.futures import ThreadPoolExecutor

        def collatz_steps(n):
            steps = 0
            while n != 1:
                n = n // 2 if n % 2 == 0 else 3 * n + 1
                steps += 1
            return steps

        with ThreadPoolExecutor(max_workers=2) as pool:
            steps = list(pool.map(collatz_steps, range(1, 300)))
        print(max(steps), sum(steps))
        """,
}


def _stdlib_only(source: str) -> bool:
    """Whether every module `source` imports is in the standard library, so that it runs here."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                return False
            modules.add((node.module or "").partition(".")[0])
    return modules <= set(sys.stdlib_module_names)


def _runnable() -> list:
    examples = [
        pytest.param(example.source, id=f"{CODE}-invalid-{index}")
        for index, example in enumerate(CpuBoundFunctionOnThread.INVALID)
        if example.fixed is not None and _stdlib_only(example.source)
    ]
    assert examples, f"{CODE} has no runnable example with a fix"
    return examples + [pytest.param(_dedent(source), id=name) for name, source in PROGRAMS.items()]


def _run(path: Path, start_method: str) -> subprocess.CompletedProcess[str]:
    """`path` run as `__main__` in a fresh, isolated interpreter under `start_method`."""
    return subprocess.run(
        [sys.executable, "-I", "-c", RUNNER, start_method, str(path)],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _pyflakes(*paths: Path) -> dict[Path, set[str]]:
    """pyflakes' messages per file, without their positions (which the fix shifts)."""
    done = subprocess.run(
        [sys.executable, "-m", "pyflakes", *map(str, paths)], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode in (0, 1), done.stderr
    messages: dict[Path, set[str]] = {path: set() for path in paths}
    for path in paths:
        prefix = re.compile(re.escape(str(path)) + r":\d+:(\d+:)? ")
        messages[path] = {prefix.sub("", line) for line in done.stdout.splitlines() if prefix.match(line)}
    return messages


@pytest.mark.parametrize("source", _runnable())
def test_the_fixed_program_runs_as_before(source: str, tmp_path: Path) -> None:
    # What pyflakes must not object to is this rule's own rewrite; the run needs every fix
    # (CCL301's `__main__` guard for a pool made at import time).
    own_settings, all_settings = Settings(select=(CODE,)), Settings()
    own = fix_text(source, "program.py", own_settings, UNSAFE)
    result = fix_text(source, "program.py", all_settings, UNSAFE)
    for settings, fixed in ((own_settings, own), (all_settings, result)):
        assert fixed.error is None
        assert fixed.fixed[CODE] >= 1 and "ThreadPoolExecutor" not in fixed.text, fixed.text
        compile(fixed.text, "program.py", "exec")
        assert fix_text(fixed.text, "program.py", settings, UNSAFE).text == fixed.text

    paths = {name: tmp_path / f"{name}.py" for name in ("original", "own", "fixed")}
    for name, text in zip(paths, (source, own.text, result.text)):
        paths[name].write_text(text, encoding="utf-8")
    flakes = _pyflakes(*paths.values())
    assert flakes[paths["own"]] <= flakes[paths["original"]], own.text

    before_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    before, after = _run(paths["original"], before_method), _run(paths["fixed"], "spawn")
    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, f"{after.stderr}\n{result.text}"
    assert after.stdout == before.stdout
    if "print(" in source:
        assert before.stdout.strip(), "a program that prints must print something to compare"



# ----- imported targets, judged through the project index ---------------------------------

# Runs a program as `python program.py` would, its directory first on `sys.path`, so that it
# imports the other modules of its project; under spawn the workers receive that path.
PROJECT_RUNNER = (
    "import multiprocessing, os, runpy, sys\n"
    "multiprocessing.set_start_method(sys.argv[1])\n"
    "sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[2])))\n"
    "runpy.run_path(sys.argv[2], run_name='__main__')\n"
)

MATHS = """
    def digit_sum(n):
        total = 0
        for i in range(n):
            total += sum(int(d) for d in str(i * i))
        return total

    def collatz_steps(n):
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps
    """

# Projects (file -> text) whose `program.py` sends work imported from another module of the
# project to a thread pool.
PROJECTS = {
    "imported-by-name": {
        "maths.py": MATHS,
        "program.py": """
            from concurrent.futures import ThreadPoolExecutor

            from maths import digit_sum

            def main():
                with ThreadPoolExecutor(max_workers=2) as pool:
                    print(list(pool.map(digit_sum, [10, 200, 3000])))

            if __name__ == "__main__":
                main()
            """,
    },
    "through-the-module": {
        "maths.py": MATHS,
        "program.py": """
            import concurrent.futures

            import maths

            if __name__ == "__main__":
                with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                    futures = [pool.submit(maths.collatz_steps, n) for n in (27, 97, 871)]
                    print([future.result() for future in futures])
            """,
    },
    "from-a-package-with-a-function-of-the-program": {
        "tools/__init__.py": "",
        "tools/maths.py": MATHS,
        "program.py": """
            from concurrent.futures import ThreadPoolExecutor

            from tools.maths import collatz_steps, digit_sum

            def squares(n):
                total = 0
                for i in range(n):
                    total += i * i
                return total

            def main():
                pool = ThreadPoolExecutor(max_workers=2)
                jobs = [pool.submit(digit_sum, 500), pool.submit(squares, 1000)]
                print([job.result() for job in jobs], list(pool.map(collatz_steps, range(1, 50))))
                pool.shutdown()

            if __name__ == "__main__":
                main()
            """,
    },
}


def _write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dedent(text), encoding="utf-8")
    return root / "program.py"


def _conclint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line run in the project's directory: the project index is on."""
    return subprocess.run(
        [sys.executable, "-m", "conclint", "--no-cache", "--unsafe-fixes", "--select", CODE, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _no_fixes(root: Path, *args: str) -> bool:
    """Whether `--diff` of the project's program shows nothing to fix."""
    done = _conclint(root, *args, "--diff", "program.py")
    return done.returncode == 0 and not done.stdout and "No fixes to apply" in done.stderr


def _run_project(program: Path, start_method: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-c", PROJECT_RUNNER, start_method, str(program)],
        cwd=program.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@pytest.mark.parametrize("files", PROJECTS.values(), ids=PROJECTS.keys())
def test_a_pool_of_imported_cpu_bound_functions_is_swapped_and_runs_as_before(files: dict[str, str], tmp_path: Path) -> None:
    original, fixed = tmp_path / "original", tmp_path / "fixed"
    before_program, program = _write_project(original, files), _write_project(fixed, files)
    reported = _conclint(fixed, "--format", "json", "program.py")
    assert '"fixable": true' in reported.stdout and '"fixable": false' not in reported.stdout, reported.stdout

    done = _conclint(fixed, "--fix", "program.py")
    assert done.returncode == 0, done.stdout + done.stderr
    text = program.read_text(encoding="utf-8")
    assert "ProcessPoolExecutor(max_workers=2)" in text and "ThreadPoolExecutor" not in text, text
    assert _no_fixes(fixed)
    flakes = _pyflakes(before_program, program)
    assert flakes[program] <= flakes[before_program], text

    before_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    before, after = _run_project(before_program, before_method), _run_project(program, "spawn")
    assert before.returncode == 0 and before.stdout.strip(), before.stderr
    assert after.returncode == 0, f"{after.stderr}\n{text}"
    assert after.stdout == before.stdout


# A helpers module, and what the pool runs besides, by why the pool keeps its threads.
HELPERS = """
    import functools
    import urllib.request

    def tally(function):
        def counted(*args):
            return function(*args)
        return counted

    def crunch(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    @tally
    def counted_crunch(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    class Maths:
        @staticmethod
        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total

    def fetch(url):
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    """
IMPORTED_KEEPS_THREADS = {
    "also-runs-an-imported-io-function": ("crunch", 'pool.submit(fetch, "https://example.com")', ""),
    "decorated-by-a-wrapper-of-another-name": ("counted_crunch", "", ""),
    "a-method": ("Maths.crunch", "", ""),
    "its-module-starts-processes": ("crunch", "", "from concurrent.futures import ProcessPoolExecutor as _Pool\n"),
}


@pytest.mark.parametrize(("target", "other", "also"), IMPORTED_KEEPS_THREADS.values(), ids=IMPORTED_KEEPS_THREADS.keys())
def test_a_pool_of_imported_work_that_does_not_move_keeps_its_threads(
    target: str, other: str, also: str, tmp_path: Path
) -> None:
    program = f"""
        from concurrent.futures import ThreadPoolExecutor

        from helpers import Maths, counted_crunch, crunch, fetch

        def main():
            with ThreadPoolExecutor(max_workers=2) as pool:
                first = pool.submit({target}, 10**5)
                {other}
            return first, Maths, counted_crunch, crunch, fetch
        """
    _write_project(tmp_path, {"helpers.py": HELPERS + also, "program.py": program})
    reported = _conclint(tmp_path, "--format", "json", "program.py").stdout
    assert f"`helpers.{target}` is CPU-bound" in reported, "the function must still be reported"
    assert '"fixable": true' not in reported
    assert _no_fixes(tmp_path)


def test_without_the_project_index_an_imported_target_gets_no_swap(tmp_path: Path) -> None:
    """`--per-file` (and the flake8 plugin) know nothing of the imported function."""
    _write_project(tmp_path, PROJECTS["imported-by-name"])
    assert _no_fixes(tmp_path, "--per-file")
