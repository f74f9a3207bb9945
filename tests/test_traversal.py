"""The engine's traversal must reach the same nodes, in the same nesting, as libcst's own."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from conclint.syntax.traversal import CachedVisitorMethods, names_within, visit_batched

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLES = [STDLIB / name for name in ("asyncio/tasks.py", "json/decoder.py", "concurrent/futures/process.py")]
INTERESTING = ("Call", "Name", "Attribute", "FunctionDef", "ClassDef", "Lambda", "Await", "With", "If", "ListComp")


class Recorder(CachedVisitorMethods, cst.BatchableCSTVisitor):
    """Records (event, node type, depth) for the node types rules care about."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, int]] = []
        self.depth = 0

    def on(self, event: str, node: cst.CSTNode) -> None:
        self.events.append((event, type(node).__name__, id(node)))


def _make_methods() -> None:
    for name in INTERESTING:
        setattr(Recorder, f"visit_{name}", lambda self, node, n=name: self.on("visit", node))
        setattr(Recorder, f"leave_{name}", lambda self, node, n=name: self.on("leave", node))
    Recorder.visit_FunctionDef_body = lambda self, node: self.on("enter-body", node)  # type: ignore[attr-defined]
    Recorder.leave_FunctionDef_body = lambda self, node: self.on("leave-body", node)  # type: ignore[attr-defined]


_make_methods()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_same_events_as_libcst(path: Path) -> None:
    module = cst.parse_module(path.read_bytes())
    ours, theirs = Recorder(), Recorder()
    visit_batched(module, [ours])
    cst.visit_batched(module, [theirs])
    assert sorted(ours.events) == sorted(theirs.events)
    assert len(ours.events) > 100


def test_deep_trees_do_not_exhaust_the_stack() -> None:
    # 2,900 nested attribute accesses: within CPython's limits, deeper than Python's recursion limit.
    module = cst.parse_module("x = a" + ".b" * 2900 + "\n")
    recorder = Recorder()
    visit_batched(module, [recorder])
    assert sum(1 for event in recorder.events if event[:2] == ("visit", "Attribute")) == 2900


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_names_within_finds_the_names_the_traversal_visits(path: Path) -> None:
    module = cst.parse_module(path.read_bytes())
    visited = [event[2] for event in _events(module) if event[:2] == ("visit", "Name")]
    found = [id(name) for name in names_within(module)]
    assert sorted(found) == sorted(visited) and len(found) > 100


def _events(module: cst.Module) -> list[tuple[str, str, int]]:
    recorder = Recorder()
    visit_batched(module, [recorder])
    return recorder.events
