"""Findings through helpers in every output (issue 19 item 4): a short one-line message with
the chain cut when long, the whole chain as `{path, line, function}` links in JSON, SARIF
related locations and a code flow (validated against the schema), and the links kept by the
cache whichever directory the next run starts from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conclint.core.model import ChainLink, Diagnostic, Span
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source
from conclint.project.cache import Cache

CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")
SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

UTIL = """\
import time


def nap():
    time.sleep(1)


def rest():
    nap()


def pause():
    rest()
"""
API = """\
import asyncio
from shop.util import nap, pause


def local():
    nap()


async def main():
    local()
    pause()
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src" / "shop").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.conclint]\n")
    (root / "src" / "shop" / "__init__.py").write_text("")
    (root / "src" / "shop" / "util.py").write_text(UTIL)
    (root / "src" / "shop" / "api.py").write_text(API)
    return root


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CONCLINT), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_one_line_message_is_short_and_cuts_long_chains() -> None:
    source = textwrap.dedent(
        """
        import time

        def a():
            b()

        def b():
            time.sleep(1)

        def c():
            d()

        def d():
            a()

        async def main():
            a()
            c()
        """
    )
    first, second = lint_source(source, "m.py", DEFAULT_SETTINGS)
    assert first.message == "`a()` blocks the event loop (run it in a worker thread) via a -> b -> time.sleep() (line 8)"
    # c -> d -> a -> b -> time.sleep(): five links, shown by the first and the last
    assert second.message == "`c()` blocks the event loop (run it in a worker thread) via c -> … -> time.sleep() (line 8)"
    assert second.chain == (
        ChainLink("m.py", 10, "c"),
        ChainLink("m.py", 13, "d"),
        ChainLink("m.py", 4, "a"),
        ChainLink("m.py", 7, "b"),
        ChainLink("m.py", 8, "time.sleep()"),
    )
    assert "asyncio.to_thread" in second.suggestion or "worker thread" in second.suggestion
    assert all(not d.chain for d in lint_source("import time\nasync def f():\n    time.sleep(1)\n"))


def chains(stdout: str) -> list[list[dict[str, Any]]]:
    return [finding["chain"] for finding in json.loads(stdout)]


def test_json_chain_links_across_modules_from_any_directory(shop: Path) -> None:
    here = run("--no-cache", "--format", "json", "src/shop/api.py", cwd=shop)
    local, imported = chains(here.stdout)
    assert local == [
        {"path": "src/shop/api.py", "line": 5, "function": "local"},
        {"path": "src/shop/util.py", "line": 4, "function": "shop.util.nap"},
        {"path": "src/shop/util.py", "line": 5, "function": "time.sleep()"},
    ]
    assert [link["function"] for link in imported] == ["shop.util.pause", "shop.util.rest", "shop.util.nap", "time.sleep()"]
    assert [link["line"] for link in imported] == [12, 8, 4, 5]
    # run from the parent, then again from the project: paths are written as the finding's own
    run("--format", "json", "proj/src/shop/api.py", cwd=shop.parent)  # fills the cache
    for cwd, prefix in ((shop, ""), (shop.parent, "proj/")):
        again = chains(run("--format", "json", f"{prefix}src/shop/api.py", cwd=cwd).stdout)
        expected = [[{**link, "path": prefix + link["path"]} for link in chain] for chain in (local, imported)]
        assert again == expected, cwd


def test_sarif_has_related_locations_and_a_code_flow(shop: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    completed = run("--no-cache", "--format", "sarif", "src/shop/api.py", cwd=shop)
    log = json.loads(completed.stdout)
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    errors = list(validator.iter_errors(log))
    assert not errors, [error.message for error in errors[:5]]
    result = log["runs"][0]["results"][0]
    related = result["relatedLocations"]
    assert [location["id"] for location in related] == [1, 2, 3]
    assert [location["physicalLocation"]["artifactLocation"]["uri"] for location in related] == [
        "src/shop/api.py",
        "src/shop/util.py",
        "src/shop/util.py",
    ]
    assert [location["physicalLocation"]["region"]["startLine"] for location in related] == [5, 4, 5]
    assert related[0]["message"]["text"] == "`local` calls `shop.util.nap`"
    assert related[-1]["message"]["text"] == "`time.sleep()` blocks"
    (flow,) = result["codeFlows"]
    (thread,) = flow["threadFlows"]
    steps = thread["locations"]
    assert steps[0]["location"]["message"]["text"] == "`local()` is called here"
    assert steps[0]["location"]["physicalLocation"]["region"]["startLine"] == 10
    assert [step["location"]["physicalLocation"]["region"]["startLine"] for step in steps[1:]] == [5, 4, 5]


def test_a_finding_without_a_chain_has_neither(shop: Path) -> None:
    (shop / "direct.py").write_text("import time\nasync def f():\n    time.sleep(1)\n")
    result = json.loads(run("--no-cache", "--format", "sarif", "direct.py", cwd=shop).stdout)["runs"][0]["results"][0]
    assert "relatedLocations" not in result and "codeFlows" not in result


def test_the_cache_keeps_chain_links_relative_to_the_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the paths of a run are relative to its working directory
    cache = Cache(tmp_path / "cache", tmp_path)
    links = (ChainLink("pkg/a.py", 3, "helper"), ChainLink("lib/io.py", 9, "io.read"), ChainLink("lib/io.py", 0, "open()"))
    stored = Diagnostic("pkg/a.py", Span(7, 5, 7, 13), "CCL104", "n", "m", function="main", chain=links)
    cache.put("pkg/a.py", "key", [stored])
    cache.save()
    reloaded = Cache(tmp_path / "cache", tmp_path)
    (same,) = reloaded.get("pkg/a.py", "key") or ()
    assert same.chain == links
    # the same file named from elsewhere: its links follow
    (moved,) = reloaded.get(str(tmp_path / "pkg" / "a.py"), "key") or ()
    assert [link.path for link in moved.chain] == [
        str(tmp_path / "pkg" / "a.py"),
        str(tmp_path / "lib" / "io.py"),
        str(tmp_path / "lib" / "io.py"),
    ]


# --- calls shown as written ------------------------------------------------------------------------


def test_a_method_of_a_made_object_is_shown_as_written_and_the_advice_runs() -> None:
    source = "import asyncio\nfrom pathlib import Path\n\nasync def load(x):\n    return Path(x).read_bytes()\n"
    (finding,) = lint_source(source, "m.py", DEFAULT_SETTINGS)
    assert finding.message.startswith("`Path(x).read_bytes()` blocks the event loop")
    assert "pathlib.Path.read_bytes" not in finding.message + finding.suggestion
    assert "`await asyncio.to_thread(Path(x).read_bytes)`" in finding.suggestion
    # the advice, copied, is code that does the same read on a thread
    compile("async def load(x):\n    return await asyncio.to_thread(Path(x).read_bytes)\n", "advice", "exec")


def test_the_advice_says_dots_only_for_calls_that_pass_arguments() -> None:
    source = "import asyncio\nimport time\n\ndef nap():\n    time.sleep(1)\n\nasync def main():\n    nap()\n    time.sleep(2)\n"
    helper, direct = lint_source(source, "m.py", DEFAULT_SETTINGS)
    assert "`await asyncio.to_thread(nap)`" in helper.suggestion
    assert "`await asyncio.sleep(...)`" in direct.suggestion  # the native replacement keeps its placeholder


WITNESSES = """\
import os
from pathlib import Path


def parse(p, local):
    path = Path(p)
    if local:
        return path.absolute().as_uri()
    with path.open("rb") as fh:
        return fh.read()


def where():
    return os.getcwd()


async def send(p):
    return parse(p, False)


async def send_local(p):
    return parse(p, True)


async def either(p, flag):
    return parse(p, flag)


async def here():
    return where()
"""


def test_a_chain_names_a_working_directory_read_only_when_nothing_heavier_runs() -> None:
    found = {d.line: d.message for d in lint_source(WITNESSES, "m.py", DEFAULT_SETTINGS)}
    assert found[18].endswith("via parse -> path.open() (line 9)")
    # either branch may run: the open is the witness a reader believes
    assert found[26].endswith("via parse -> path.open() (line 9)")
    # `local` is true: only the working directory is read on the way, as in `here()`
    assert 22 not in found and 30 not in found


def test_a_working_directory_read_is_reported_where_the_coroutine_makes_it() -> None:
    source = "import os\n\nasync def here():\n    return os.getcwd()\n"
    assert [(d.line, d.code) for d in lint_source(source, "m.py", DEFAULT_SETTINGS)] == [(4, "CCL104")]
