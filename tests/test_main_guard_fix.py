"""The `__main__`-guard fix of CCL301/CCL302 (issue 15, item 2): what stays at module level,
where the moved code goes, and when the fix is only a suggestion because the split would
change the program."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conclint.autofix.apply import FixMode, fix_text
from conclint.engine import lint_source

UNSAFE = FixMode(unsafe=True)
CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")


def _source(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


def _fixed(code: str) -> str:
    result = fix_text(_source(code), "example.py", mode=UNSAFE)
    assert result.error is None
    return result.text


# Programs whose split would change them: each finding keeps its suggestion, without a fix.
NO_FIX = {
    "a call that stays runs after the start": """
        import multiprocessing as mp

        def work(x):
            return x * SCALE

        pool = mp.Pool(2)
        SCALE = len(mp.active_children())
        print(pool.map(work, [1, 2]))
        """,
    "a constant that stays rebinds a name": """
        import multiprocessing as mp

        N = 1

        def work(x):
            return x * N

        pool = mp.Pool(2)
        N = 2
        print(pool.map(work, [1, 2]))
        """,
    "a guard with a condition runs after the start": """
        import multiprocessing as mp
        import sys

        pool = mp.Pool(2)
        if __name__ == "__main__" and len(sys.argv) > 1:
            print(sys.argv)
        print(pool.map(abs, [-1]))
        """,
    "the moved code would sit on both sides of the guard": """
        import multiprocessing as mp

        pool = mp.Pool(2)

        if __name__ == "__main__":
            print("main")

        results = pool.map(abs, [-1])
        """,
    "the guard reads what the start binds": """
        import multiprocessing as mp

        pool = mp.Pool(2)

        if __name__ == "__main__":
            print(pool.map(abs, [-1]))
        """,
    "__all__ exports the pool": """
        import multiprocessing as mp

        __all__ = ["pool"]
        pool = mp.Pool(2)
        """,
    "the module reads names through globals()": """
        import multiprocessing as mp

        def lookup(name):
            return globals()[name]

        pool = mp.Pool(2)
        """,
    "a star import that stays runs after the start": """
        import multiprocessing as mp
        import sys

        pool = mp.Pool(2)
        if sys.platform == "win32":
            from os import *
        """,
    "the moved code holds a star import": """
        import multiprocessing as mp
        import sys

        pool = mp.Pool(2)
        if sys.platform == "win32":
            from os import *
            print(getcwd())
        """,
    "a function rebinds the start's name": """
        import multiprocessing as mp

        def reset():
            global pool
            pool = None

        pool = mp.Pool(2)
        """,
}


@pytest.mark.parametrize("code", NO_FIX.values(), ids=NO_FIX.keys())
def test_a_split_that_would_change_the_program_is_only_suggested(code: str) -> None:
    found = [d for d in lint_source(_source(code), "example.py") if d.code in ("CCL301", "CCL302")]
    assert found and not [d for d in found if d.fixable]
    assert all('if __name__ == "__main__":' in d.suggestion for d in found)


def test_code_binding_no_name_goes_straight_under_the_guard() -> None:
    fixed = _fixed(
        """
        import multiprocessing as mp

        def work():
            pass

        mp.Process(target=work).start()
        print("started")
        """
    )
    assert fixed.endswith('\n\nif __name__ == "__main__":\n    mp.Process(target=work).start()\n    print("started")\n')
    assert "def main" not in fixed


def test_statements_after_the_start_keep_their_order_in_main() -> None:
    fixed = _fixed(
        """
        import multiprocessing as mp

        def work(x):
            return x

        pool = mp.Pool(2)
        print("first")
        results = pool.map(work, [1])
        print("second", results)
        """
    )
    assert fixed.endswith(
        "def main():\n"
        "    pool = mp.Pool(2)\n"
        '    print("first")\n'
        "    results = pool.map(work, [1])\n"
        '    print("second", results)\n'
        '\n\nif __name__ == "__main__":\n    main()\n'
    )


def test_a_statement_before_the_start_that_runs_code_keeps_earlier_ones_in_place() -> None:
    """`print` stays (it binds nothing); moving `ctx` past it would change their order."""
    fixed = _fixed(
        """
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        print("starting")
        pool = ctx.Pool(2)
        """
    )
    assert fixed.startswith('import multiprocessing as mp\n\nctx = mp.get_context("spawn")\nprint("starting")\n')
    assert "def main():\n    pool = ctx.Pool(2)\n" in fixed


def test_a_taken_main_that_cannot_take_the_code_gives_main_underscore() -> None:
    fixed = _fixed(
        """
        import multiprocessing as mp

        def main(argv=None):
            print(argv)

        with mp.Pool(2) as pool:
            pool.map(abs, [-1])

        if __name__ == "__main__":
            main()
        """
    )
    assert "def _main():\n    with mp.Pool(2) as pool:\n" in fixed
    assert fixed.endswith('if __name__ == "__main__":\n    _main()\n    main()\n')


@pytest.mark.parametrize(
    "guard_body",
    ["print('first')\n    main()", "main()\n    main()"],
    ids=["not-called-first", "called-twice"],
)
def test_main_receives_the_code_only_when_the_guard_calls_it_first_and_once(guard_body: str) -> None:
    source = (
        "import multiprocessing as mp\n\ndef main():\n    print('done')\n\n"
        "pool = mp.Pool(2)\npool.map(abs, [-1])\n\n"
        f"if __name__ == '__main__':\n    {guard_body}\n"
    )
    fixed = fix_text(source, "example.py", mode=UNSAFE).text
    assert "def main():\n    print('done')\n" in fixed
    assert "def _main():\n    pool = mp.Pool(2)\n" in fixed


def test_main_whose_locals_clash_with_the_moved_code_is_not_reused() -> None:
    fixed = _fixed(
        """
        import multiprocessing as mp

        def main():
            pool = None
            print(pool)

        pool = mp.Pool(2)
        pool.map(abs, [-1])

        if __name__ == "__main__":
            main()
        """
    )
    assert "def _main():\n    pool = mp.Pool(2)\n" in fixed


def test_all_start_findings_share_the_fix_that_moves_them() -> None:
    source = _source(
        """
        import multiprocessing as mp

        pool = mp.Pool(2)
        manager = mp.Manager()
        """
    )
    first, second = lint_source(source, "example.py")
    assert first.fix is not None and second.fix is not None
    assert first.fix.edits is second.fix.edits


# --- the project: a module of a package may have its public names imported ---------------------

JOBS = """\
import multiprocessing as mp

SETTINGS = {"workers": 2}

def _work(x):
    return x + 1

with mp.Pool(SETTINGS["workers"]) as _pool:
    print(_pool.map(_work, [1, 2]))
"""


@pytest.mark.skipif(not CONCLINT.exists(), reason="the conclint command is not installed next to the interpreter")
def test_in_a_package_public_names_stay_where_importers_find_them(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "jobs.py").write_text(JOBS)
    (package / "pooled.py").write_text(JOBS.replace("_pool", "pool"))
    (tmp_path / "script.py").write_text(JOBS)
    done = subprocess.run(
        [str(CONCLINT), "--no-cache", "--fix", "--unsafe-fixes", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # app/pooled.py keeps its finding
    jobs = (package / "jobs.py").read_text()
    assert jobs.startswith('import multiprocessing as mp\n\nSETTINGS = {"workers": 2}\n')
    assert 'def main():\n    with mp.Pool(SETTINGS["workers"]) as _pool:\n' in jobs
    # `pool` is public: another module may import it, so the pool cannot become a local.
    assert (package / "pooled.py").read_text() == JOBS.replace("_pool", "pool")
    # Outside a package nothing imports the script: the constant only the pool uses moves.
    assert 'def main():\n    SETTINGS = {"workers": 2}\n' in (tmp_path / "script.py").read_text()
