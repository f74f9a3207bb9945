"""`StatementPositions` gives every node the position `node_positions` gives it, and the
name of its enclosing definition that `EnclosingNames` gives its start, while generating
only the statements asked about."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from conclint.engine.enclosing import EnclosingNames
from conclint.syntax.positions import node_positions
from conclint.syntax.statement_positions import StatementPositions, _Walk
from conclint.syntax.traversal import _child_fields

SOURCES = {
    "elif chain": "def f(x):\n    if x == 1:\n        a()\n    elif x == 2:\n        a()\n    elif x:\n        b()\n    else:\n        a()\n",
    "no trailing newline": "import time\n\nasync def f():\n    time.sleep(1)\n\ntime.sleep(1)",
    "crlf": "import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n    time.sleep(1)\r\n",
    "lone cr": "import time\r\rasync def f():\r    time.sleep(1)\r",
    "tabs and odd indents": "class A:\n\tdef m(self):\n\t\tif self:\n\t\t   return 1\n\t\treturn 2\n\n\tx = 1\n",
    "repeated lines": "def f():\n    a()\n    a()\n\ndef g():\n    a()\n    a()\n\nclass C:\n    def f():\n        a()\n",
    "decorators and comments": (
        "# header\n\n@dec(a())\n# between\n@other\nasync def f(x=a(), *, y: int = b()) -> None:\n"
        "    @inner(c())\n    def g(): return d()\n    class K(Base, metaclass=M):\n        z = e()\n"
        "    # trailing comment\n\n# footer\n"
    ),
    "one line suites": "if x: a(); b()\nelse: c()\nwhile y: d()\nclass E: pass\n",
    "nested blocks": (
        "async def f():\n    try:\n        with a() as b:\n            for c in b:\n                match c:\n"
        "                    case 1:\n                        d()\n                    case _:\n                        e()\n"
        "    except OSError:\n        f()\n    finally:\n        g()\n"
    ),
}


def _check(source: str) -> None:
    module = cst.parse_module(source)
    whole = node_positions(module)
    names = EnclosingNames(module, whole)
    walk = _Walk(module, _child_fields)
    nodes = [node for node in whole if walk.context_of(node) is not None]
    assert nodes
    shared = StatementPositions(module, source, lambda: whole)
    statements = [node for node in nodes if isinstance(node, cst.BaseStatement)]
    for number, node in enumerate(nodes):
        alone = StatementPositions(module, source, lambda: whole)
        # As a rule reports: the statement holding the node (the innermost one, or any
        # other, which must not change the answer).
        hinted = StatementPositions(module, source, lambda: whole)
        own = walk.context_of(node).statement  # type: ignore[union-attr]
        hinted.expect(node, own if number % 3 else statements[number % len(statements)])
        for positions in (alone, hinted, shared):
            assert positions[node] == whole[node], (type(node).__name__, whole[node])
        start = whole[node].start
        for positions in (alone, hinted):
            if positions.enclosing_name(node) is not None:
                assert positions.enclosing_name(node) == names.name_at(start.line, start.column), (type(node).__name__, start)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_and_names_match_the_whole_module(name: str) -> None:
    _check(SOURCES[name])


def test_positions_match_on_this_projects_own_code() -> None:
    for path in sorted((Path(__file__).parents[1] / "src" / "conclint" / "syntax").glob("*.py")):
        _check(path.read_text(encoding="utf-8"))


def test_only_the_statement_asked_about_is_generated() -> None:
    body = "".join(f"def f{index}():\n    return {index}\n\n" for index in range(200))
    source = body + "async def target():\n    time.sleep(1)\n"
    module = cst.parse_module(source)
    call = module.body[-1].body.body[0].body[0].value  # type: ignore[attr-defined]
    positions = StatementPositions(module, source, lambda: pytest.fail("the whole module was generated"))
    assert positions[call].start.line == 602
    assert positions._generated < len(source) / 20


def test_a_statement_repeated_word_for_word_is_placed_through_its_enclosing_one() -> None:
    source = "def f():\n    a()\n\ndef g():\n    a()\n"
    module = cst.parse_module(source)
    second = module.body[1].body.body[0]  # type: ignore[attr-defined]
    positions = StatementPositions(module, source, lambda: pytest.fail("the whole module was generated"))
    assert positions[second].start.line == 5
