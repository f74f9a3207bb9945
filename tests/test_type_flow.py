"""Types that flow (issue 14, items 1 and 3): a use of a name sees the binding that reaches it
in execution order (conclint.analysis.flow), joins of paths with different bindings stay
unknown, and imports with an `except ImportError:` fallback keep the imported name."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from conclint.analysis.flow import reaching_binding
from conclint.analysis.scopes import Scope, bind_parameters, collect_bindings
from conclint.analysis.symbols import resolve
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source


def findings(source: str, prefix: str = "CCL1") -> list[tuple[int, str]]:
    found = lint_source(textwrap.dedent(source).lstrip("\n"), "example.py", DEFAULT_SETTINGS)
    return sorted((d.line, d.code) for d in found if d.code.startswith(prefix))


def lines(source: str, prefix: str = "CCL1") -> list[int]:
    return [line for line, _ in findings(source, prefix)]


# ----- flow-sensitive locals ---------------------------------------------------------------


def test_a_name_keeps_its_type_until_it_is_rebound() -> None:
    source = """
        from pathlib import Path

        async def sizes(f, items):
            path = Path(f)
            path.stat()
            for path, m in items:
                print(path, m)
    """
    assert lines(source) == [5]


def test_a_loop_over_strings_makes_the_name_a_string_there() -> None:
    source = """
        from pathlib import Path

        async def check(f, strings):
            path = Path(f)
            path.stat()
            for path in strings:
                path.stat()
    """
    assert lines(source) == [5]


def test_a_use_before_the_typed_binding_is_not_typed() -> None:
    source = """
        from pathlib import Path

        async def check(f, strings):
            for path in strings:
                path.stat()
            path = Path(f)
            path.exists()
    """
    assert lines(source) == [7]


def test_a_parameter_rebound_to_a_typed_value() -> None:
    source = """
        from pathlib import Path

        async def load(path):
            path.read_text()
            path = Path(path)
            path.read_text()
    """
    assert lines(source) == [6]


def test_a_rebinding_to_an_unknown_object_is_not_reported() -> None:
    source = """
        import threading

        async def run(make, share):
            lock = threading.Lock()
            share(lock)  # handed out: the acquire below may wait
            lock.acquire()
            lock = make()
            lock.acquire()
    """
    assert lines(source) == [6]


def test_branches_that_disagree_leave_the_name_unknown() -> None:
    source = """
        import threading

        async def run(flag, other):
            lock = threading.Lock()
            if flag:
                lock = other
            lock.acquire()
    """
    assert lines(source) == []


def test_branches_that_agree_keep_the_type() -> None:
    source = """
        from pathlib import Path

        async def run(flag, a, b):
            if flag:
                path = Path(a)
            else:
                path = Path(b)
            path.read_text()
    """
    assert lines(source) == [8]


@pytest.mark.parametrize(
    "conversion",
    [
        "if isinstance(path, str):\n    path = Path(path)",
        "if isinstance(path, (str, bytes)):\n    path = pathlib.Path(path)",
        "if not isinstance(path, Path):\n    path = Path(path)",
        "if not isinstance(path, pathlib.Path):\n    path = pathlib.Path(path, 'x')",
    ],
)
def test_a_parameter_converted_under_isinstance_has_the_converted_type(conversion: str) -> None:
    # aiohttp's FileResponse (aio-libs/aiohttp#3313): `path` arrives as text or as a Path.
    source = f"""
import pathlib
from pathlib import Path

class FileResponse:
    def __init__(self, path):
{textwrap.indent(conversion, "        ")}
        self._path = path

    async def prepare(self):
        return self._path.stat()

async def size(path):
{textwrap.indent(conversion, "    ")}
    return path.stat()
"""
    assert lines(source) == [11, 16]


@pytest.mark.parametrize(
    "conversion",
    [
        # The converted path's type is unknown, or not a conversion of the name.
        "if isinstance(path, str):\n    path = convert(path)",
        "if isinstance(path, str):\n    path = Path(other)",
        # Not text: the paths that skip it hold something else.
        "if isinstance(path, int):\n    path = Path(path)",
        # A negated test of one class, converted to another.
        "if not isinstance(path, str):\n    path = Path(path)",
        # An `else` says what the other path holds.
        "if isinstance(path, str):\n    path = Path(path)\nelse:\n    path = other",
    ],
)
def test_conversions_the_idiom_does_not_cover_stay_unknown(conversion: str) -> None:
    source = f"""
from pathlib import Path

async def size(path, other):
{textwrap.indent(conversion, "    ")}
    return path.stat()
"""
    assert lines(source) == []


def test_a_converted_name_that_was_typed_before_keeps_the_merge() -> None:
    # Only a parameter takes the converted type: a local bound to something else stays
    # unknown where the paths join.
    source = """
        import threading
        from pathlib import Path

        async def run(other):
            path = threading.Lock()
            if isinstance(path, str):
                path = Path(path)
            path.stat()
    """
    assert lines(source) == []


def test_a_branch_that_returns_does_not_reach_what_follows() -> None:
    source = """
        from pathlib import Path

        async def run(flag, a, b):
            path = Path(a)
            if flag:
                path = b
                return path
            path.read_text()
    """
    assert lines(source) == [8]


def test_a_rebinding_later_in_a_loop_reaches_the_top_of_the_loop() -> None:
    source = """
        from pathlib import Path

        async def run(a, names):
            path = Path(a)
            for name in names:
                path.read_text()
                path = name
    """
    assert lines(source) == []


def test_a_handler_may_see_the_binding_from_before_the_try() -> None:
    source = """
        import threading

        async def run(make):
            lock = threading.Lock()
            try:
                lock = make()
            except OSError:
                lock.acquire()
    """
    assert lines(source) == []


def test_a_walrus_rebinding_leaves_the_name_unknown() -> None:
    source = """
        from pathlib import Path

        async def run(a, get):
            path = Path(a)
            while (path := get()):
                path.read_text()
            path = Path(a)
    """
    assert lines(source) == []


def test_a_nested_function_sees_any_binding() -> None:
    source = """
        from pathlib import Path

        async def run(a, name):
            path = Path(a)

            async def inner():
                path.read_text()

            path = name
            await inner()
    """
    assert lines(source) == []


def test_a_comprehension_reads_the_binding_that_reaches_it() -> None:
    source = """
        from pathlib import Path

        async def run(a, names):
            path = Path(a)
            sizes = [path.stat() for _ in names]
            path = names[0]
            return sizes
    """
    assert lines(source) == [5]


def test_a_module_name_rebound_under_a_condition_is_unknown_in_functions() -> None:
    source = """
        import sys
        import threading

        lock = threading.Lock()
        if sys.platform == "win32":
            lock = sys.modules["fake"].Lock()

        async def run():
            lock.acquire()
    """
    assert lines(source) == []


def test_a_module_name_rebound_to_the_same_type_keeps_it() -> None:
    source = """
        import sys
        import threading

        lock = threading.Lock()
        if sys.platform == "win32":
            lock = threading.Lock()

        async def run():
            lock.acquire()
    """
    assert lines(source) == [9]


# ----- imports that fall back --------------------------------------------------------------


def test_a_fallback_import_keeps_the_module_the_try_imported() -> None:
    source = """
        try:
            import asyncio
        except ImportError:
            import uasyncio as asyncio

        async def main():
            asyncio.run(main())
    """
    assert findings(source) == [(7, "CCL109")]


def test_a_fallback_from_import_keeps_the_try_s_name() -> None:
    source = """
        try:
            from requests import get
        except ModuleNotFoundError:
            from urllib3 import request as get

        async def fetch(url):
            return get(url)
    """
    assert findings(source) == [(7, "CCL102")]


def test_a_fallback_definition_stands_in_for_the_import() -> None:
    source = """
        try:
            from time import sleep
        except ImportError:
            def sleep(seconds):
                pass

        async def wait():
            sleep(1)
    """
    assert findings(source) == [(8, "CCL101")]


def test_a_handler_of_other_errors_is_not_a_fallback() -> None:
    source = """
        try:
            from time import sleep
        except Exception:
            from asyncio import sleep

        async def wait():
            sleep(1)
    """
    assert findings(source) == []


def test_a_fallback_to_none_keeps_the_import() -> None:
    source = """
        try:
            import requests
        except ImportError:
            requests = None

        async def fetch(url):
            return requests.get(url)
    """
    assert findings(source) == [(7, "CCL102")]


def test_a_fallback_in_a_function_keeps_the_import() -> None:
    source = """
        async def fetch(url):
            try:
                from requests import get
            except ImportError:
                from urllib.request import urlopen as get
            return get(url)
    """
    assert findings(source) == [(6, "CCL102")]


# ----- the pass itself ---------------------------------------------------------------------


def _function_scope(source: str) -> tuple[Scope, cst.FunctionDef]:
    module = cst.parse_module(textwrap.dedent(source))
    module_scope = Scope("module", "", None, module)
    collect_bindings(module_scope, module.body)
    function = next(node for node in module.body if isinstance(node, cst.FunctionDef))
    scope = Scope("function", function.name.value, module_scope, function)
    bind_parameters(scope, function.params, None)
    collect_bindings(scope, function.body.body)
    return scope, function


def _reads(function: cst.FunctionDef, name: str) -> list[cst.Name]:
    """The receivers named `name` of the method calls in `function`, in source order."""
    found: list[cst.Name] = []

    class Reads(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            if isinstance(node.value, cst.Name) and node.value.value == name:
                found.append(node.value)

    function.body.visit(Reads())
    return found


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # each read of `x`, in order: the type it resolves to, or None
        ("x = Path(a)\nx.stat()\nx = 1\nx.bit_length()", ["pathlib.Path", None]),
        ("x = Path(a)\nwhile c:\n    x.stat()\n    x = Path(b)", ["pathlib.Path"]),
        ("x = Path(a)\nwhile c:\n    x.stat()\n    x = b", [None]),
        ("x = Path(a)\nwith m:\n    x = b\nx.stat()", [None]),
        ("x = Path(a)\ndel x\nx = b\nx.stat()", [None]),
        ("x = b\ntry:\n    x = Path(a)\nfinally:\n    x.stat()", [None]),
        ("x = b\ntry:\n    x = Path(a)\nexcept OSError:\n    raise\nx.stat()", ["pathlib.Path"]),
        ("x = b\nmatch c:\n    case [x]:\n        pass\nx = Path(a)\nx.stat()", [None]),
    ],
)
def test_which_binding_a_read_sees(body: str, expected: list[str | None]) -> None:
    source = "from pathlib import Path\n\ndef f(a, b, c, m):\n" + textwrap.indent(body, "    ") + "\n"
    scope, function = _function_scope(source)
    reads = _reads(function, "x")
    assert all(reaching_binding(read, scope) is not None for read in reads)
    types = []
    for read in reads:
        symbol = resolve(read, scope)
        types.append(symbol.qualname if symbol is not None and symbol.instance else None)
    assert types == expected


# ----- containers and loops ----------------------------------------------------------------


def test_elements_of_a_comprehension_of_threads() -> None:
    source = """
        import threading

        async def stop(n, k):
            threads = [threading.Thread(target=print) for _ in range(n)]
            for t in threads:
                t.join()
            threads[k].join()
    """
    assert lines(source) == [6, 7]


def test_futures_built_in_a_comprehension_and_a_dict() -> None:
    source = """
        from concurrent.futures import ThreadPoolExecutor

        async def run(jobs):
            with ThreadPoolExecutor() as executor:
                futures = [executor.submit(print, job) for job in jobs]
                futures[0].result()
                by_job = {job: executor.submit(print, job) for job in jobs}
                by_job["a"].result()
                for future in by_job.values():
                    future.result()
    """
    assert [line for line in lines(source) if line != 4] == [6, 8, 10]


def test_paths_yielded_by_iterdir_and_glob() -> None:
    source = """
        from pathlib import Path

        def listing(root):
            for child in Path(root).iterdir():
                pass
            return [p for p in Path(root).glob("*.txt")]

        async def read(root: Path):
            for child in sorted(root.rglob("*.py")):
                child.read_text()
    """
    assert lines(source) == [9, 10]


def test_tuple_unpacking_pairs_values() -> None:
    source = """
        from pathlib import Path

        async def read():
            first, second = Path("x"), Path("y")
            second.read_text()
            left, right = Path("x"), "y"
            right.read_text()
    """
    assert lines(source) == [5]


def test_list_annotations_type_their_elements() -> None:
    source = """
        import threading
        from typing import Sequence

        async def stop(workers: list[threading.Thread], names: Sequence[str], more: "list[threading.Thread]"):
            for worker in workers:
                worker.join()
            for name in names:
                name.join()
            [other.join() for other in more]
    """
    assert lines(source) == [6, 9]


def test_containers_of_unknown_or_mixed_elements_stay_unknown() -> None:
    source = """
        import threading
        from pathlib import Path

        async def valid(strings, workers):
            for path in strings:
                path.stat()
            items = [Path("a"), "b"]
            for item in items:
                item.read_text()
            pool = []
            for t in pool:
                t.join()
            for key in {"a": threading.Thread()}:
                key.join()
            async for worker in workers:
                worker.join()
    """
    assert lines(source) == []


def test_a_loop_variable_after_the_loop_may_be_the_earlier_value() -> None:
    source = """
        import threading

        async def stop(threads, other):
            t = other
            for t in [threading.Thread(), threading.Thread()]:
                t.join()
            t.join()
    """
    assert lines(source) == [6]


# ----- classes -----------------------------------------------------------------------------


def test_self_in_a_subclass_of_a_catalogued_class() -> None:
    source = """
        import queue
        import threading

        class Jobs(queue.LifoQueue):
            async def take(self):
                return self.get()

        class Worker(threading.Thread):
            async def stop(self):
                self.join()

        async def drain(jobs: Jobs):
            return Jobs().get()
    """
    assert lines(source) == [6, 10, 13]


def test_what_a_subclass_defines_or_may_inherit_unseen_is_not_the_base_s() -> None:
    source = """
        import queue
        from elsewhere import Mixin

        class Unbounded(queue.Queue):
            async def push(self, item):
                self.put(item)

        class Own(queue.Queue):
            def get(self):
                return self.get_nowait()

            async def take(self):
                return self.get()

        class Mixed(Mixin, queue.Queue):
            async def take(self):
                return self.get()

        class Local:
            def get(self):
                return 1

        class Both(Local, queue.Queue):
            async def take(self):
                return self.get()
    """
    assert lines(source) == []


def test_attributes_a_local_base_assigns_and_super() -> None:
    source = """
        import requests

        class Base:
            def __init__(self):
                self.http = requests.Session()

        class Client(Base):
            def __init__(self):
                super().__init__()

            async def fetch(self, url):
                return self.http.get(url)

        class Session(requests.Session):
            async def fetch(self, url):
                super().__init__()
                return super().get(url)
    """
    assert lines(source) == [12, 17]


def test_a_class_held_in_an_attribute_and_a_future_built_directly() -> None:
    source = """
        import concurrent.futures
        import requests

        class Api:
            _session_class = requests.Session

            def __init__(self):
                self.session = self._session_class()

            async def fetch(self, url):
                return self.session.get(url)

        async def wait():
            future = concurrent.futures.Future()
            return future.result()
    """
    assert lines(source) == [11, 15]


# ----- context managers and annotated classes ----------------------------------------------


def test_with_binds_what_a_local_enter_is_annotated_to_return() -> None:
    source = """
        from requests_oauthlib import OAuth2Session

        class Sessions:
            def __enter__(self) -> OAuth2Session:
                return OAuth2Session(client=None)

            def __exit__(self, *exc):
                return False

        class Closing:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def get(self, url):
                return url

        async def fetch(url):
            with Sessions() as api:
                api.get(url)
            with Closing() as closing:
                closing.get(url)
    """
    assert lines(source) == [22]


def test_with_on_a_local_enter_returning_something_else_is_unknown() -> None:
    source = """
        import threading

        class Guard(threading.Thread):
            def __enter__(self):
                return make_handle()

            def __exit__(self, *exc):
                return False

        async def run():
            with Guard() as handle:
                handle.join()
            Guard().join()
    """
    assert lines(source) == [13]


def test_a_parameter_annotated_with_a_local_class() -> None:
    source = """
        import sqlite3
        from typing import Protocol

        class Database:
            def __init__(self, path):
                self.conn = sqlite3.connect(path)

            def list_tasks(self):
                return self.conn.execute("SELECT * FROM tasks").fetchall()

        class Store(Protocol):
            def list_tasks(self): ...

        async def tasks(db: Database, store: Store, other: "Database"):
            db.list_tasks()
            store.list_tasks()
            other.list_tasks()
    """
    assert lines(source) == [15, 17]


def test_a_parameter_annotated_with_an_uncatalogued_library_class_is_unknown() -> None:
    source = """
        import argparse

        async def run(options: argparse.Namespace):
            options.join()
    """
    assert lines(source) == []


def test_a_join_of_many_bindings_is_left_unknown() -> None:
    """Past MAX_CANDIDATES bindings a join is not compared (generated code would make the
    comparison quadratic): unknown, which only costs a finding."""
    branches = "".join(f"    if c == {i}:\n        x = Path(a)\n" for i in range(40))
    source = f"from pathlib import Path\n\nasync def f(a, c):\n    x = Path(a)\n{branches}    x.stat()\n"
    assert lines(source) == []
    few = "".join(f"    if c == {i}:\n        x = Path(a)\n" for i in range(3))
    assert lines(f"from pathlib import Path\n\nasync def f(a, c):\n    x = Path(a)\n{few}    x.stat()\n") == [11]


def test_a_walrus_is_a_binding_the_pre_scan_sees() -> None:
    source = """
        from pathlib import Path

        async def run(a, get, items):
            path = Path(a)
            path.read_text()
            if (path := get()):
                path.read_text()
            other = Path(a)
            found = [other for item in items if (other := item)]
            other.read_text()
    """
    assert lines(source) == [5]


def test_a_lazy_call_bound_to_a_name_is_judged_by_where_the_name_is_iterated() -> None:
    source = textwrap.dedent(
        """
        import asyncio
        from pathlib import Path

        async def main(root: Path):
            offloaded = root.glob("*.toml")
            kept = root.glob("*.cfg")
            first = await asyncio.to_thread(sorted, offloaded)
            return first, sorted(kept)
        """
    ).lstrip("\n")
    found = [(d.code, d.line) for d in lint_source(source, "app.py", DEFAULT_SETTINGS)]
    # The thread iterates `offloaded`; `kept` is iterated on the loop.
    assert found == [("CCL104", 6)]


def test_a_conditional_expression_whose_branches_make_one_type_has_that_type() -> None:
    """agno's workspace provider: `self.root = Path(root).expanduser().resolve() if root is not
    None else Path.cwd().resolve()` holds a Path either way, so it is not None where it is
    passed on (`Workspace(root=self.root)` skips its `if root is None:` branch); branches of
    two types (a file or a buffer) make no type."""
    source = textwrap.dedent(
        """
        import io
        from pathlib import Path

        class Workspace:
            def __init__(self, root=None):
                if root is None:
                    self.root = Path("default")
                    self.root.mkdir()

        class Provider:
            def __init__(self, root=None, raw=False):
                self.root = Path(root) if root is not None else Path("x")
                self.stream = open(root) if raw else io.StringIO()

            async def tools(self):
                self.stream.read()
                Workspace(root=self.root)
                Workspace(root=None)
        """
    ).lstrip("\n")
    found = lint_source(source, "example.py", DEFAULT_SETTINGS)
    assert [(d.line, d.code) for d in found] == [(18, "CCL104")]  # only `Workspace(root=None)`
