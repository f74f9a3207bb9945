"""conclint's positions are libcst's PositionProvider positions, computed without the
MetadataWrapper traversal that doubles their cost."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from conclint.syntax.positions import node_positions
from conclint.rules.registry import all_rules

SOURCES = [example.source for rule in all_rules() for example in (*rule.VALID, *rule.INVALID)]
SOURCES += [
    path.read_text(encoding="utf-8")
    for path in sorted((Path(__file__).parent.parent / "examples").rglob("*.py"))
]
SOURCES += [
    "x = 1\r\ny = (\r\n  2)\r\n",
    "if a:\r    b = '''x\ry'''\r",
    "\ufeffdef f(a,\n      b):\n\treturn a \\\n  + b\n",
    '@dec\nclass C(Base, metaclass=M):\n    """doc\n    string"""\n    x: int = 1\n',
]


@pytest.mark.parametrize("source", SOURCES)
def test_positions_equal_libcsts(source: str) -> None:
    try:
        expected = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True).resolve(PositionProvider)
    except cst.ParserSyntaxError:
        pytest.skip("an example of a file that does not parse")
    module = cst.parse_module(source)
    found = node_positions(module)
    # Same nodes (by identity the trees differ: compare in traversal order) and positions.
    assert sorted(found.values(), key=_key) == sorted(expected.values(), key=_key)


def _key(position: object) -> tuple[int, int, int, int]:
    start, end = position.start, position.end  # type: ignore[attr-defined]
    return (start.line, start.column, end.line, end.column)


def test_positions_cover_every_node() -> None:
    module = cst.parse_module("import time\nasync def f(x):\n    await g(x, *y, **z)\n    return [i for i in x]\n")
    found = node_positions(module)
    seen: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            seen.append(node)
            return True

    module.visit(Collect())
    assert all(node in found for node in seen)
