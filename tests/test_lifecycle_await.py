"""CCL401 (coroutine-never-awaited) and CCL402 (async-callable-to-sync-api): coroutine
functions of another module of the project, beyond the rules' examples."""

from __future__ import annotations

import dataclasses
import shutil
import textwrap
from pathlib import Path

import pytest

from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.engine import lint_source
from conclint.project.cache import Cache
from conclint.project.runner import IndexOptions, check
from fixture_annotations import expected_findings

FIXTURES = Path(__file__).parent / "fixtures" / "lifecycle_await"
CODES = ("CCL401", "CCL402")
SETTINGS = dataclasses.replace(Settings(), select=CODES)


def _tree(tmp_path: Path) -> Path:
    """A copy of the fixture package in a project of its own (a `pyproject.toml` at its root)."""
    shutil.copytree(FIXTURES, tmp_path / "project")
    (tmp_path / "project" / "pyproject.toml").write_text("", encoding="utf-8")
    return tmp_path / "project"


def _findings(root: Path, *paths: str, per_file: bool = False) -> set[tuple[str, int, str]]:
    project = None if per_file else IndexOptions(None)
    result = check([str(root / path) for path in paths], DEFAULT_SETTINGS, root, project=project)
    assert not result.errors
    return {(Path(d.path).relative_to(root).as_posix(), d.line, d.code) for d in result.diagnostics if d.code in CODES}


def test_the_index_finds_the_coroutine_functions_of_another_module(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    expected = {("shop/b.py", line, code) for line, code in expected_findings((root / "shop/b.py").read_text())}
    assert expected and _findings(root, "shop/b.py") == expected


def test_the_whole_tree_gives_what_the_module_alone_gives(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert {finding for finding in _findings(root, ".") if finding[0] == "shop/b.py"} == _findings(root, "shop/b.py")
    assert not {finding for finding in _findings(root, ".") if finding[0] != "shop/b.py"}


def test_per_file_the_other_module_is_not_read(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert _findings(root, "shop/b.py", per_file=True) == set()


def test_the_message_names_the_module_defining_the_coroutine(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    result = check([str(root / "shop/b.py")], DEFAULT_SETTINGS, root, project=IndexOptions(None))
    messages = [d.message for d in result.diagnostics if d.code == "CCL401" and d.line == 16]
    assert messages == [
        "`fetch()` is never awaited: `shop.a.fetch` is an `async def` of shop/a.py, so the call only "
        "makes a coroutine, which never runs"
    ]


def test_a_cached_result_follows_the_callee_becoming_a_coroutine_function(tmp_path: Path) -> None:
    # The callee's module is only read as text while it defines `def fetch(`: that reading is a
    # dependency of the cached result all the same.
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "a.py").write_text("def fetch():\n    return 1\n", encoding="utf-8")
    (root / "pkg" / "b.py").write_text("from pkg.a import fetch\n\nasync def main():\n    fetch()\n", encoding="utf-8")
    runs = []
    for _ in range(2):
        cache = Cache(tmp_path / "cache", root)
        result = check([str(root / "pkg" / "b.py")], DEFAULT_SETTINGS, root, cache=cache, project=IndexOptions(None))
        runs.append([(d.line, d.code) for d in result.diagnostics if d.code in CODES])
        (root / "pkg" / "a.py").write_text("async def fetch():\n    return 1\n", encoding="utf-8")
    assert runs == [[], [(4, "CCL401")]]


def _lines(source: str) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", SETTINGS)]


@pytest.mark.parametrize(
    "source",
    [
        # a decorator conclint cannot resolve may make the function sync
        "from app import registry\n\n@registry.route\nasync def handler():\n    pass\n\ndef main():\n    handler()\n",
        # functools.lru_cache keeps the signature, not the kind of what the call returns to judge
        "import functools\n\n@functools.lru_cache\nasync def load():\n    pass\n\nasync def main():\n    load()\n",
        # a class of the module, even one with __await__: its instances are awaited later
        "class Job:\n    def __await__(self):\n        yield\n\nasync def main():\n    Job()\n",
        # a name read later, whatever reads it
        "async def f():\n    pass\n\ndef main():\n    coro = f()\n    print(coro)\n",
        # a name bound at module level: another module may import it
        "async def f():\n    pass\n\ncoro = f()\n",
        # code after a return never runs
        "async def f():\n    pass\n\nasync def main():\n    return\n    f()\n",
        # a parameter shadowing the coroutine function's name
        "async def f():\n    pass\n\ndef main(f):\n    f()\n",
        # a method through an attribute its class assigns twice: it may hold another type
        "class A:\n    async def go(self):\n        pass\n\nclass B:\n    def go(self):\n        pass\n\n"
        "class C:\n    def __init__(self):\n        self.x = A()\n\n    def sync(self):\n        self.x = B()\n"
        "        self.x.go()\n",
    ],
)
def test_silent(source: str) -> None:
    assert _lines(source) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a closure's coroutine function, called and dropped in it
        ("async def main():\n    async def step():\n        pass\n    step()\n", [(4, "CCL401")]),
        # elif and while tests, and `or` operands
        (
            "async def ready():\n    return True\n\nasync def main(x):\n    if x:\n        pass\n"
            "    elif ready():\n        pass\n    while x or ready():\n        break\n",
            [(7, "CCL401"), (9, "CCL401")],
        ),
        # an inherited method through self
        (
            "class Base:\n    async def close(self):\n        pass\n\nclass Child(Base):\n"
            "    def stop(self):\n        self.close()\n",
            [(7, "CCL401")],
        ),
        # a coroutine function given to an executor through functools.partial
        (
            "import functools\nfrom concurrent.futures import ThreadPoolExecutor\n\nasync def f(x):\n    pass\n\n"
            "def main():\n    with ThreadPoolExecutor() as pool:\n        pool.submit(functools.partial(f, 1)).result()\n",
            [(9, "CCL402")],
        ),
    ],
)
def test_reported(source: str, expected: list[tuple[int, str]]) -> None:
    assert _lines(source) == expected


@pytest.mark.parametrize(
    "reexport",
    [
        "from pkg.impl import fetch\n",
        "from pkg.impl import (\n    other,\n    fetch,\n)\n\nother = other\n",
    ],
)
def test_a_coroutine_function_re_exported_by_a_package_is_still_found(tmp_path: Path, reexport: str) -> None:
    # The package's `__init__` holds no `async def fetch`: its text must not rule the name out
    # when an import binds it there.
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "pkg" / "__init__.py").write_text(reexport, encoding="utf-8")
    (root / "pkg" / "impl.py").write_text("def other():\n    pass\n\nasync def fetch():\n    return 1\n", encoding="utf-8")
    (root / "app.py").write_text("import pkg\n\nasync def main():\n    pkg.fetch()\n    pkg.other()\n", encoding="utf-8")
    assert _findings(root, "app.py") == {("app.py", 4, "CCL401")}
