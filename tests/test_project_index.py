"""The project index: calls from coroutines followed into helpers of other modules."""

from __future__ import annotations

import collections
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from conclint.analysis.project_index import module_location
from conclint.core.model import Diagnostic
from conclint.project.cache import Cache
from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.project import runner
from conclint.project.runner import IndexOptions, check

SHOP = {
    "pyproject.toml": "",
    "src/shop/__init__.py": """
        from .config import load_config
        from . import storage
        """,
    "src/shop/config.py": """
        import json
        from shop.util.files import read_text

        def load_config(path):
            return json.loads(read_text(path))
        """,
    "src/shop/util/__init__.py": "",
    "src/shop/util/files.py": """
        import asyncio
        import time

        def read_text(path):
            with open(path) as fh:
                return fh.read()

        def read_later(path):
            return asyncio.to_thread(read_text, path)

        def nap(seconds=0):
            if seconds:
                time.sleep(seconds)
        """,
    "src/shop/storage.py": """
        from .util import files

        class Store:
            def archive(self):
                files.nap(1)

            def ping(self, n):
                return pong(n)

        def pong(n):
            from shop.storage import Store
            return Store().ping(n - 1) if n else n
        """,
    "src/shop/api.py": """
        import shop
        import shop.util.files as sfiles
        from shop import load_config
        from . import config as cfg
        from .storage import Store
        from .util.files import read_later

        class Handler:
            def __init__(self):
                self.store = Store()

            async def get(self):
                load_config("a")
                cfg.load_config("b")
                shop.load_config("c")
                self.store.archive()
                self.store.ping(3)
                await read_later("d")
                sfiles.nap(2)
        """,
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def findings(root: Path, *paths: str, per_file: bool = False, cache: Cache | None = None) -> list[tuple[str, int, str, str]]:
    project = None if per_file else IndexOptions(None)
    result = check([str(root / path) for path in paths], DEFAULT_SETTINGS, root, cache=cache, project=project)
    assert not result.errors
    return [
        (Path(d.path).relative_to(root).as_posix(), d.line, d.code, d.message) for d in result.diagnostics
    ]


OFFLOAD = "(run it in a worker thread)"


def test_follows_imports_reexports_aliases_and_methods_across_modules(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SHOP)
    found = findings(root, "src/shop/api.py")
    # functions of other modules by the last two parts of their names; the file is named at the end
    chain = "config.load_config -> files.read_text -> open() (line 5 of src/shop/util/files.py)"
    assert found == [
        ("src/shop/api.py", 13, "CCL104", f"`load_config()` blocks the event loop {OFFLOAD} via {chain}"),
        ("src/shop/api.py", 14, "CCL104", f"`cfg.load_config()` blocks the event loop {OFFLOAD} via {chain}"),
        ("src/shop/api.py", 15, "CCL104", f"`shop.load_config()` blocks the event loop {OFFLOAD} via {chain}"),
        (
            "src/shop/api.py",
            16,
            "CCL101",
            f"`self.store.archive()` blocks the event loop {OFFLOAD} via Store.archive -> "
            "files.nap -> time.sleep() (line 13 of src/shop/util/files.py)",
        ),
        (
            "src/shop/api.py",
            19,
            "CCL101",
            f"`sfiles.nap()` blocks the event loop {OFFLOAD} via files.nap -> time.sleep() "
            "(line 13 of src/shop/util/files.py)",
        ),
    ]


def test_one_file_alone_gives_what_the_whole_tree_gives_for_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SHOP)
    alone = findings(root, "src/shop/api.py")
    whole = [finding for finding in findings(root, ".") if finding[0] == "src/shop/api.py"]
    assert alone == whole
    # Only the files asked for are reported on: the helpers are read, not linted.
    assert {finding[0] for finding in alone} == {"src/shop/api.py"}


# `routes.py` learns from `util.py` that `resolved()` returns a Path: its own coroutine's
# `is_dir()` is reported. A chain from `server.py` into `fetch` reads the summary the index
# makes of `routes.py` from its text alone, whichever file is linted first.
TYPED_ELSEWHERE = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/util.py": """
        from pathlib import Path

        def resolved(name) -> Path:
            return Path(name)
        """,
    "app/routes.py": """
        import os
        from app import util

        def fetch(name):
            path = util.resolved(name)
            if path.is_dir():
                raise IsADirectoryError(name)
            return os.stat(path)

        async def probe(name):
            return util.resolved(name).is_dir()
        """,
    "app/server.py": """
        from app.routes import fetch

        async def handle(name):
            return fetch(name)
        """,
}


def test_a_chain_reads_the_same_summary_however_the_run_reached_the_module(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TYPED_ELSEWHERE)
    witness = "via routes.fetch -> os.stat() (line 8 of app/routes.py)"
    alone = findings(root, "app/server.py")
    assert [message.endswith(witness) for _, _, _, message in alone] == [True]
    for diagnostics in runs_in_any_order(root, "app/routes.py", "app/server.py"):
        found = sorted((Path(d.path).name, d.line, d.message) for d in diagnostics)
        assert [(name, line) for name, line, _ in found] == [("routes.py", 11), ("server.py", 4)]
        assert found[1][2] == alone[0][3]


def runs_in_any_order(root: Path, first: str, second: str) -> Iterator[list[Diagnostic]]:
    """The findings of linting two files of `root`, in either order, with one or two workers:
    what the project index learns first differs from run to run."""
    for files in ([first, second], [second, first]):
        for jobs in (1, 2):
            yield runner.lint_paths([str(root / name) for name in files], DEFAULT_SETTINGS, root, project=IndexOptions(None), jobs=jobs).diagnostics


def test_a_chain_into_an_overloaded_function_names_the_line_of_its_implementation(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/infer.py": """
                from pathlib import Path
                from typing import overload

                @overload
                def infer(spec: int) -> int: ...
                @overload
                def infer(spec: str) -> bool: ...
                def infer(spec):
                    if isinstance(spec, str):
                        return Path(spec).exists()
                    return spec
                """,
            "app/main.py": """
                from app.infer import infer

                async def main(name):
                    return infer(name)
                """,
        },
    )
    [(_, _, _, message)] = findings(root, "app/main.py")
    assert message.endswith("via infer.infer -> Path(spec).exists() (line 10 of app/infer.py)")


def test_a_module_reached_under_two_names_gives_its_chain_links_their_lines(tmp_path: Path) -> None:
    # `ns` is a namespace package: linted itself, `ns/core/types.py` is `core.types`, while
    # `engine.py` imports it as `ns.core.types`.
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "ns/core/__init__.py": "",
            "ns/core/types.py": """
                import time

                class Block:
                    async def asplit(self):
                        return [self]

                    def split(self):
                        time.sleep(1)
                        return [self]
                """,
            "ns/core/engine.py": """
                from ns.core.types import Block

                class Engine:
                    def nodes(self, block: Block):
                        return block.split()

                    async def run(self, block):
                        return self.nodes(block)
                """,
        },
    )
    for [finding] in runs_in_any_order(root, "ns/core/types.py", "ns/core/engine.py"):
        assert [(Path(link.path).name, link.line) for link in finding.chain] == [("engine.py", 4), ("types.py", 7), ("types.py", 8)]


def test_per_file_mode_follows_only_functions_of_the_same_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SHOP)
    assert findings(root, "src/shop/api.py", per_file=True) == []


def test_cycles_and_recursion_across_modules_terminate(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "setup.cfg": "",
            "pkg/__init__.py": "",
            "pkg/a.py": """
                from pkg import b

                def ping(n):
                    return b.pong(n - 1) if n else 0

                def spin(n):
                    return spin(n - 1) if n else b.pong(0)
                """,
            "pkg/b.py": """
                from pkg.a import ping

                def pong(n):
                    return ping(n - 1) if n else 0
                """,
            "pkg/main.py": """
                from pkg.a import ping, spin

                async def game():
                    return ping(10), spin(3)
                """,
        },
    )
    assert [finding for finding in findings(root, "pkg/main.py") if finding[2].startswith("CCL1")] == []
    (root / "pkg/b.py").write_text("import time\nfrom pkg.a import ping\n\ndef pong(n):\n    time.sleep(n)\n    return ping(n)\n")
    found = [finding for finding in findings(root, "pkg/main.py") if finding[2].startswith("CCL1")]
    assert [(line, code) for _, line, code, _ in found] == [(4, "CCL101"), (4, "CCL101")]
    assert "a.ping -> b.pong -> time.sleep() (line 5 of pkg/b.py)" in found[0][3]
    # spin -> spin (its recursion) -> pong -> time.sleep(): four links, cut to the first and last
    assert "via a.spin -> … -> time.sleep() (line 5 of pkg/b.py)" in found[1][3]


def test_a_script_sees_the_modules_next_to_it_and_not_third_party_code(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "tools/helpers.py": """
                import subprocess

                def run(command):
                    return subprocess.run(command, check=True)
                """,
            "tools/serve.py": """
                import thirdparty
                from helpers import run

                async def main():
                    run(["true"])
                    thirdparty.blocking()
                """,
            ".venv/lib/python3.11/site-packages/thirdparty.py": """
                import time

                def blocking():
                    time.sleep(1)
                """,
        },
    )
    found = findings(root, "tools/serve.py")
    assert [(line, code) for _, line, code, _ in found] == [(5, "CCL103")]
    assert found[0][3].endswith("helpers.run -> subprocess.run() (line 4 of tools/helpers.py)")


def test_a_helper_that_offloads_is_not_reported_and_a_branch_is(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/io.py": """
                import asyncio
                import os

                def offloaded(path):
                    return asyncio.to_thread(os.listdir, path)

                def sometimes(path, cached=None):
                    if cached is None:
                        cached = os.listdir(path)
                    return cached
                """,
            "app/main.py": """
                from app.io import offloaded, sometimes

                async def main():
                    await offloaded(".")
                    sometimes(".", cached=[])  # `cached` is tested before it is rebound
                    return sometimes(".")
                """,
        },
    )
    found = findings(root, "app/main.py")
    assert [(line, code) for _, line, code, _ in found] == [(6, "CCL104")]


def test_cached_results_follow_changes_to_the_helpers(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SHOP)
    cache_dir = tmp_path / "cache"
    first = findings(root, "src/shop/api.py", cache=Cache(cache_dir, root))
    assert findings(root, "src/shop/api.py", cache=Cache(cache_dir, root)) == first
    helper = root / "src/shop/util/files.py"
    helper.write_text(helper.read_text().replace("time.sleep(seconds)", "pass"), encoding="utf-8")
    after = findings(root, "src/shop/api.py", cache=Cache(cache_dir, root))
    assert [code for _, _, code, _ in after] == ["CCL104", "CCL104", "CCL104"]


def test_summaries_are_stored_by_content(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SHOP)
    store = tmp_path / "store"
    result = check([str(root / "src/shop/api.py")], DEFAULT_SETTINGS, root, project=IndexOptions(str(store)))
    assert len(result.diagnostics) == 5
    stored = list((store / "summaries").rglob("*.json"))
    assert len(stored) >= 4  # shop, shop.config, shop.util.files, shop.storage


@pytest.mark.parametrize(
    ("path", "name", "anchor"),
    [
        ("src/shop/api.py", "shop.api", "shop.api"),
        ("src/shop/__init__.py", "shop", "shop.__init__"),
        ("src/shop/util/files.py", "shop.util.files", "shop.util.files"),
        ("pyproject.toml", "pyproject", "pyproject"),
    ],
)
def test_module_location(tmp_path: Path, path: str, name: str, anchor: str) -> None:
    root = write_tree(tmp_path, SHOP)
    location = module_location(root / path)
    assert (location.name, location.anchor) == (name, anchor)


def test_installed_command_follows_helpers_of_a_single_file(tmp_path: Path) -> None:
    """What pre-commit does: one changed file on the command line, run from the root."""
    root = write_tree(tmp_path, SHOP)
    completed = subprocess.run(
        [sys.executable, "-m", "conclint", "--no-cache", "src/shop/api.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "files.read_text -> open() (line 5 of src/shop/util/files.py)" in completed.stdout


WORKERS = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/work.py": """
        from multiprocessing import Pool

        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total

        def fetch(url):
            return url.upper()

        def run_pool():
            with Pool() as pool:
                return pool.map(crunch, range(10))

        class Farm:
            def __init__(self):
                self.results = run_pool()

        def main():
            print(run_pool())
        """,
    "app/threads.py": """
        import threading
        from concurrent.futures import ThreadPoolExecutor
        from app.work import crunch, fetch

        threading.Thread(target=crunch, args=(10**7,)).start()
        with ThreadPoolExecutor() as pool:
            pool.submit(fetch, "x")
        """,
    "run.py": """
        from app.work import main, Farm

        main()
        farm = Farm()
        if __name__ == "__main__":
            main()
        """,
}


def test_thread_rules_judge_a_target_imported_from_another_module(tmp_path: Path) -> None:
    root = write_tree(tmp_path, WORKERS)
    # The thread rules only: the dropped `pool.submit(...)` future is CCL405's.
    found = [finding for finding in findings(root, "app/threads.py") if finding[2].startswith("CCL2")]
    assert [(line, code) for _, line, code, _ in found] == [(5, "CCL201")]
    assert found[0][3].startswith(
        "`app.work.crunch` is CPU-bound (loop over range() doing arithmetic at line 5 of app/work.py)"
    )
    assert [finding for finding in findings(root, "app/threads.py", per_file=True) if finding[2].startswith("CCL2")] == []


def test_process_rules_follow_an_imported_function_from_a_file_that_names_no_process(tmp_path: Path) -> None:
    root = write_tree(tmp_path, WORKERS)
    found = findings(root, "run.py")
    assert [(line, code) for _, line, code, _ in found] == [(3, "CCL302"), (4, "CCL302")]
    assert "(app.work.main() -> app.work.run_pool() -> Pool())" in found[0][3]
    assert "(app.work.Farm() -> app.work.run_pool() -> Pool())" in found[1][3]
    assert findings(root, "run.py", per_file=True) == []


def test_a_suppression_comment_on_the_blocking_call_in_a_helper_silences_its_chains(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/io.py": """
                import time

                def settle():
                    time.sleep(0.01)  # noqa: CCL101 - a short, deliberate pause

                def rest():
                    time.sleep(1)  # noqa: CCL104 - another rule's code
                """,
            "app/main.py": """
                import time
                from app.io import settle, rest

                def local_pause():
                    time.sleep(0.01)  # conclint: ignore[CCL101]

                async def main():
                    settle()
                    local_pause()
                    rest()
                """,
        },
    )
    for per_file in (False, True):
        found = findings(root, "app/main.py", per_file=per_file)
        expected = [] if per_file else [(10, "CCL101")]
        assert [(line, code) for _, line, code, _ in found] == expected


def test_a_suppressed_blocking_call_stays_silent_when_its_module_is_linted_first(tmp_path: Path) -> None:
    # `app/io.py` holds a coroutine, so it is linted (and its summary learned from that lint)
    # before `app/main.py` follows a call into it.
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/io.py": """
                import time

                def settle():
                    time.sleep(0.01)  # noqa: CCL101 - a short, deliberate pause

                def rest():
                    time.sleep(1)

                async def idle():
                    return None
                """,
            "app/main.py": """
                from app.io import settle, rest

                async def main():
                    settle()
                    rest()
                """,
        },
    )
    found = findings(root, "app/io.py", "app/main.py")
    assert [(path, line, code) for path, line, code, _ in found] == [("app/main.py", 5, "CCL101")]


@pytest.mark.parametrize(("depth", "reported"), [(5, True), (6, False)])
def test_chains_are_followed_through_at_most_five_functions(depth: int, reported: bool) -> None:
    from conclint.engine import lint_source

    helpers = [f"def f{i}():\n    return f{i + 1}()\n" for i in range(1, depth)]
    source = "import time\n" + "".join(helpers) + f"def f{depth}():\n    time.sleep(1)\n" + "async def main():\n    f1()\n"
    found = [d for d in lint_source(source, "deep.py") if d.code == "CCL101"]
    assert bool(found) is reported
    if reported:
        # the message shows the first and last links; the finding's chain has all of them
        assert "via f1 -> … -> time.sleep() (line 11)" in found[0].message
        assert [link.function for link in found[0].chain] == ["f1", "f2", "f3", "f4", "f5", "time.sleep()"]


def test_fixing_offloads_calls_of_helpers_in_other_modules(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**SHOP, "src/shop/api.py": "import asyncio\n" + textwrap.dedent(SHOP["src/shop/api.py"])})
    command = [sys.executable, "-m", "conclint", "--no-cache", "--fix", "--unsafe-fixes", "src/shop/api.py"]
    first = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    fixed = (root / "src/shop/api.py").read_text()
    assert 'await asyncio.to_thread(load_config, "a")' in fixed
    assert "await asyncio.to_thread(self.store.archive)" in fixed
    compile(fixed, "api.py", "exec")
    second = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert second.returncode == 0 and (root / "src/shop/api.py").read_text() == fixed


def _all_files(root: Path) -> list[str]:
    return sorted(str(path) for path in root.rglob("*.py"))


def test_a_module_the_index_needs_is_linted_ahead_and_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conclint.engine import lint as engine
    from conclint.project import lint_ahead
    from conclint.project import runner

    root = write_tree(tmp_path, SHOP)
    files = _all_files(root)
    real_parse = engine.parse_source

    def parses(lints_ahead: int) -> tuple[runner.RunResult, collections.Counter[bytes]]:
        parsed: collections.Counter[bytes] = collections.Counter()

        def counting_parse(source: bytes, **options: bool) -> object:
            parsed[source] += 1
            return real_parse(source, **options)

        with monkeypatch.context() as patch:
            patch.setattr(lint_ahead, "MAX_LINTS_AHEAD", lints_ahead)
            patch.setattr(engine, "parse_source", counting_parse)
            return runner.lint_paths(files, DEFAULT_SETTINGS, root, project=IndexOptions(None)), parsed

    without, parsed_without = parses(0)
    ahead, parsed_ahead = parses(lint_ahead.MAX_LINTS_AHEAD)
    assert ahead == without
    assert len(ahead.diagnostics) >= 5
    # api.py, linted before the helpers it calls, has the index lint util/files.py ahead:
    # one parse fewer. The line the messages cite comes from the blocking call's offset in
    # the summary and the `def` line in CPython's tree: no parse of its own.
    helper = (root / "src/shop/util/files.py").read_bytes()
    assert (parsed_without[helper], parsed_ahead[helper]) == (2, 1)
    assert parsed_ahead - parsed_without == collections.Counter()


def test_workers_share_what_they_linted_ahead_and_leave_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conclint.project import pool, runner

    root = write_tree(tmp_path / "project", SHOP)
    for number in range(runner.PARALLEL_MIN_FILES):
        (root / f"src/shop/extra_{number}.py").write_text(
            f"from shop.config import load_config\n\nasync def handler_{number}():\n    return load_config('x')\n",
            encoding="utf-8",
        )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(pool.tempfile, "tempdir", str(temporary))
    files = _all_files(root)
    serial = runner.lint_paths(files, DEFAULT_SETTINGS, root, project=IndexOptions(None))
    parallel = runner.lint_paths(files, DEFAULT_SETTINGS, root, project=IndexOptions(None), jobs=2)
    assert parallel == serial
    assert sum(Path(d.path).name.startswith("extra_") for d in parallel.diagnostics) == runner.PARALLEL_MIN_FILES
    assert [path for path in temporary.iterdir() if path.name.startswith("conclint")] == []


def test_a_result_left_by_another_worker_is_read_back(tmp_path: Path) -> None:
    from conclint.project import lint_ahead
    from conclint.project import runner

    linted = (runner.FileResult("a.py", error="x"), "digest", {"b.py": "d"})
    lint_ahead.stash(str(tmp_path), "/abs/a.py", linted)
    assert lint_ahead.unstash(str(tmp_path), "/abs/a.py") == linted
    assert lint_ahead.unstash(str(tmp_path), "/abs/other.py") is None
    Path(lint_ahead.stash_file(str(tmp_path), "/abs/a.py")).write_bytes(b"not a pickle")
    assert lint_ahead.unstash(str(tmp_path), "/abs/a.py") is None


def test_text_names_reads_definitions_and_imports_off_the_text() -> None:
    from conclint.analysis.project_index import TextNames

    names = TextNames.of(
        b"from .a import (fetch,\n    store as keep)\nimport os, json as j\n"
        b"class C:\n    async  def run(self): ...\n    def stop(self): ...\nasync def main(): ...\n"
    )
    assert names.async_defined == {b"run", b"main"}
    assert names.classes == {b"C"}
    assert names.defined == {b"C", b"run", b"main", b"stop"}
    assert {b"fetch", b"store", b"keep", b"os", b"json", b"j"} <= names.imported
    assert b"C" not in names.imported and b"stop" not in names.imported


def test_a_name_the_module_never_defines_or_imports_is_not_summarized_to_find_it(tmp_path: Path) -> None:
    from conclint.engine import summarize_source
    from conclint.analysis.project_index import ProjectIndex

    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/signals.py": "from .dispatch import Signal\nready = Signal()\n",
            "app/dispatch.py": "class Signal:\n    def send(self):\n        return 1\n",
            "app/api.py": "from .dispatch import Signal as Exported\n",
            "app/tasks.py": "def task(f):\n    return f\n\n@task\ndef add(a, b):\n    def inner():\n        return a\n    return inner\n",
        },
    )
    summarized: list[str] = []

    def summarize(source: bytes, anchor: str, located: bool):  # type: ignore[no-untyped-def]
        summarized.append(anchor)
        return summarize_source(source, DEFAULT_SETTINGS, anchor, located=located)

    view = ProjectIndex(summarize).view(root / "app/api.py")
    # `ready` is an object made at import time: no summary has a function under its name.
    assert view.function("app.signals.ready.send") is None
    # Nor is an attribute of a function (a task's `add.delay`).
    assert view.function("app.tasks.add.delay") is None
    assert summarized == []
    # What a module defines, or imports and so re-exports, is still found.
    assert view.function("app.dispatch.Signal.send") is not None
    assert view.function("app.api.Exported.send") is not None
    assert summarized == ["app.dispatch", "app.api"]
    assert view.function("app.tasks.add.<locals>.inner") is not None
    assert summarized[-1] == "app.tasks"
    # The text read decides the answer: a change to the module must miss the cache.
    assert str(root / "app/signals.py") in view.dependencies


def _lint_recording_summaries(path: Path) -> tuple[list, list[str]]:  # type: ignore[type-arg]
    """The findings of linting `path` with a project index, and the modules the index
    summarized for it, in order."""
    from conclint.analysis.project_index import ProjectIndex
    from conclint.engine import lint_source, summarize_source

    summarized: list[str] = []

    def summarize(source: bytes, anchor: str, located: bool):  # type: ignore[no-untyped-def]
        summarized.append(anchor)
        return summarize_source(source, DEFAULT_SETTINGS, anchor, located=located)

    view = ProjectIndex(summarize).view(path)
    return lint_source(path.read_text(encoding="utf-8"), str(path), DEFAULT_SETTINGS, view), summarized


FACTORIES = {
    "pyproject.toml": "[tool.conclint]\n",
    "app/__init__.py": "",
    "app/database.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        SessionLocal = sessionmaker(bind=create_engine("sqlite://"))

        def get_db():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()

        def new_session():
            return SessionLocal()
    """,
    "app/handlers.py": """
        from . import database
        from .database import new_session

        async def join(data):
            db = next(database.get_db())
            db.commit()
            session = new_session()
            session.commit()
            database.get_db().commit()
    """,
}


def test_what_a_function_of_another_module_returns_or_yields_types_the_caller(tmp_path: Path) -> None:
    root = write_tree(tmp_path, FACTORIES)
    assert [(path, line, code) for path, line, code, _ in findings(root, "app/handlers.py")] == [
        ("app/handlers.py", 6, "CCL106"),
        ("app/handlers.py", 8, "CCL106"),
    ]


def test_the_callers_findings_follow_a_change_of_what_the_factory_returns(tmp_path: Path) -> None:
    root = write_tree(tmp_path, FACTORIES)
    cache_dir = tmp_path / "cache"
    assert len(findings(root, "app/handlers.py", cache=Cache(cache_dir, root))) == 2
    module = root / "app/database.py"
    module.write_text(module.read_text().replace("return SessionLocal()", "return None"), encoding="utf-8")
    assert [line for _, line, _, _ in findings(root, "app/handlers.py", cache=Cache(cache_dir, root))] == [6]


def test_a_module_that_names_no_library_with_the_method_is_not_summarized_for_it(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.conclint]\n",
        "app/__init__.py": "",
        "app/settings.py": """
            def load():
                return {"debug": True}
        """,
        "app/handlers.py": """
            from . import settings

            def show():
                config = settings.load()
                return config.get("debug")

            async def ping():
                return "pong"
        """,
    }
    found, summarized = _lint_recording_summaries(write_tree(tmp_path, files) / "app/handlers.py")
    assert found == []
    # `get` is a method of catalogued types (`requests.Session` ...); settings.py names none
    # of their libraries, so the question was answered off its text. (Called in a coroutine,
    # `load` would have its module summarized anyway, to follow the call.)
    assert "app.settings" not in summarized


def test_relative_imports_anchor_a_module_of_a_namespace_package(tmp_path: Path) -> None:
    files = dict(FACTORIES)
    del files["app/__init__.py"]
    root = write_tree(tmp_path, files)
    assert [(path, line) for path, line, _, _ in findings(root, "app/handlers.py")] == [
        ("app/handlers.py", 6),
        ("app/handlers.py", 8),
    ]


GLOBALS = {
    "pyproject.toml": "[tool.conclint]\n",
    "app/__init__.py": "",
    "app/clients.py": """
        from typing import Dict

        import requests
        from sentence_transformers import SentenceTransformer

        session = requests.Session()
        models: Dict[str, SentenceTransformer] = {}
        encoder: SentenceTransformer = None

        retrying = requests.Session()
        retrying = requests.Session() if retrying else None
    """,
    "app/config.py": """
        settings = dict(debug=True)
    """,
    "app/handlers.py": """
        from . import clients, config
        from .clients import session

        async def fetch(url, name):
            session.get(url)
            clients.session.get(url)
            clients.models[name].encode(url)
            clients.encoder.encode(url)
            clients.retrying.get(url)
            return config.settings.get("debug")
    """,
}


def test_a_global_of_another_module_holds_what_it_was_bound_to(tmp_path: Path) -> None:
    root = write_tree(tmp_path, GLOBALS)
    assert [(line, code) for _, line, code, _ in findings(root, "app/handlers.py")] == [
        (5, "CCL102"),
        (6, "CCL102"),
        (7, "CCL204"),
        (8, "CCL204"),
    ]


def test_a_global_of_a_module_importing_no_library_with_the_method_is_not_looked_up(tmp_path: Path) -> None:
    found, summarized = _lint_recording_summaries(write_tree(tmp_path, GLOBALS) / "app/handlers.py")
    assert len(found) == 4
    # `settings.get`: config.py imports no library with a catalogued `get`, so its text
    # answered; clients.py was summarized for its globals.
    assert "app.clients" in summarized and "app.config" not in summarized


def test_an_annotated_global_of_another_module_may_hold_a_class_of_the_project(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.conclint]\n",
        "app/__init__.py": "",
        "app/embeddings.py": """
            import requests

            class Embedder:
                def embed(self, text):
                    return requests.post("https://embed.internal", json={"text": text}).json()
        """,
        "app/state.py": """
            from typing import Dict

            from app.embeddings import Embedder

            embedders: Dict[str, Embedder] = None
            default: Embedder = None
        """,
        "app/handlers.py": """
            from app import state

            async def search(name, query):
                vector = state.embedders[name].embed(query)
                return vector, state.default.embed(query)
        """,
    }
    root = write_tree(tmp_path, files)
    assert [(line, code) for _, line, code, _ in findings(root, "app/handlers.py")] == [(4, "CCL102"), (5, "CCL102")]


def test_a_configured_function_is_reported_in_its_own_module_too(tmp_path: Path) -> None:
    # `extend-blocking-calls` names a function and the methods of a class of the project: calls of them
    # from their own module block like calls from any other, directly or through a helper.
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "mypkg/__init__.py": "",
            "mypkg/db.py": """
                import _native

                def query(sql):
                    return _native.run(sql)

                def helper(sql):
                    return query(sql)

                class Client:
                    def fetch(self, key):
                        return _native.get(key)

                    async def aget(self, key):
                        return self.fetch(key)

                async def handler(sql):
                    return query(sql), helper(sql)

                def unrelated(sql):
                    return sql
                """,
            "mypkg/api.py": """
                from mypkg.db import helper, unrelated

                async def endpoint(sql):
                    return helper(sql), unrelated(sql)
                """,
        },
    )
    settings = Settings(extend_blocking_calls=(("mypkg.db.query", "database"), ("mypkg.db.Client.*", "other")))
    result = check([str(root / "mypkg")], settings, root, project=IndexOptions(None))
    found = sorted((Path(d.path).name, d.line, d.code, d.message) for d in result.diagnostics)
    assert [(name, line, code) for name, line, code, _ in found] == [
        ("api.py", 4, "CCL106"),
        ("db.py", 14, "CCL110"),
        ("db.py", 17, "CCL106"),
        ("db.py", 17, "CCL106"),
    ]
    assert found[0][3].endswith("via db.helper -> mypkg.db.query() (line 7 of mypkg/db.py)")


def test_a_module_linted_under_one_name_is_summarized_again_when_imported_under_another(tmp_path: Path) -> None:
    # Linted itself, `src/app/agents/web/_surfer.py` is `web._surfer` (`agents` has no
    # `__init__.py`), whose `from .controller import Controller` names `web.controller`; the
    # test imports it as `app.agents.web._surfer`, where the import names
    # `app.agents.web.controller`. The summary the lint of `_surfer.py` makes (it has a
    # coroutine, so its lint makes one) must not stand for the other name: autogen-ext's
    # tests lost their chains when the web surfer's module was linted first.
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "src/app/__init__.py": "",
            "src/app/agents/web/__init__.py": "from ._surfer import Surfer\n",
            "src/app/agents/web/controller.py": """
                class Controller:
                    def __init__(self):
                        with open("page_script.js") as fh:
                            self.script = fh.read()
                """,
            "src/app/agents/web/_surfer.py": """
                from .controller import Controller

                class Surfer:
                    def __init__(self):
                        self.controller = Controller()

                    async def run(self):
                        return self.controller
                """,
            "tests/test_surfer.py": """
                from app.agents.web import Surfer

                async def test_surfer():
                    Surfer()
                """,
        },
    )
    assert module_location(root / "src/app/agents/web/_surfer.py").name == "web._surfer"
    for diagnostics in runs_in_any_order(root, "src/app/agents/web/_surfer.py", "tests/test_surfer.py"):
        assert [(Path(d.path).name, d.line) for d in diagnostics] == [("test_surfer.py", 4)]
