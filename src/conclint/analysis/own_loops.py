"""Coroutines on a loop of their own: a coroutine function run only by `asyncio.run(...)` or
`loop.run_until_complete(...)` inside a thread (a `Thread` subclass's `run`, a function given
as `Thread(target=...)`), or handed to a thread runner (`run_worker(coro(), thread=True)`),
runs on an event loop that no other task shares. Sleeping or waiting on a thread primitive
there pauses that thread only, as it would in any thread: CCL101 and CCL108 stay silent.

"Only": every other mention of the function's name in the module (an `await`, a
`create_task`, a reference passed on) makes it an ordinary coroutine again. The scan runs only
when the source mentions TOKENS, and once per module.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.scopes import dotted_name
from conclint.analysis.symbols import resolve

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts

TOKENS = (b"run_until_complete", b"asyncio.run", b"run_worker")

# A thread runner that runs a coroutine on a loop in a worker thread when called with the flag.
THREAD_RUNNERS = {"run_worker": "thread"}

_FOUND: weakref.WeakKeyDictionary[FileFacts, frozenset[str]] = weakref.WeakKeyDictionary()


def own_loop_coroutines(facts: FileFacts) -> frozenset[str]:
    """The qualified names of this module's coroutine functions that only ever run on a loop
    of their own, in another thread."""
    found = _FOUND.get(facts)
    if found is None:
        found = _FOUND[facts] = _scan(facts) if any(t in facts.source_bytes for t in TOKENS) else frozenset()
    return found


class _Scan(cst.CSTVisitor):
    def __init__(self, facts: FileFacts) -> None:
        super().__init__()
        self.facts = facts
        self.stack: list[str] = []
        self.thread_classes: set[str] = set()
        self.coroutines: dict[str, list[str]] = {}  # name -> qualnames of async defs
        self.thread_targets: set[str] = set()  # names given as Thread(target=...)
        self.runs: list[tuple[str, str]] = []  # (function running a loop, coroutine name)
        self.runner_names: list[str] = []  # coroutines handed to a thread runner
        self.mentions: dict[str, int] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qualname = ".".join([*self.stack, node.name.value])
        for base in node.bases:
            symbol = resolve(base.value, self.facts.module_scope)
            if symbol is not None and symbol.qualname == "threading.Thread":
                self.thread_classes.add(qualname)
        self.stack.append(node.name.value)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        qualname = ".".join([*self.stack, node.name.value])
        if node.asynchronous is not None:
            self.coroutines.setdefault(node.name.value, []).append(qualname)
        self.stack.append(node.name.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Name(self, node: cst.Name) -> None:
        self.mentions[node.value] = self.mentions.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if last == "Thread":
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "target":
                    name = _last_name(arg.value)
                    if name:
                        self.thread_targets.add(name)
        runs_loop = last == "run_until_complete" or dotted_name(func) == "asyncio.run"
        flag = THREAD_RUNNERS.get(last)
        if flag is not None:
            runs_loop = any(
                arg.keyword is not None and arg.keyword.value == flag and isinstance(arg.value, cst.Name) and arg.value.value == "True"
                for arg in node.args
            )
        if runs_loop and node.args and isinstance(node.args[0].value, cst.Call):
            name = _last_name(node.args[0].value.func)
            if name:
                where = ".".join(self.stack)
                if flag is not None:
                    self.runner_names.append(name)
                else:
                    self.runs.append((where, name))


def _last_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


def _scan(facts: FileFacts) -> frozenset[str]:
    scan = _Scan(facts)
    facts.module.visit(scan)
    in_thread: dict[str, int] = {}
    for where, name in scan.runs:
        owner, _, function = where.rpartition(".")
        if (function == "run" and owner in scan.thread_classes) or function in scan.thread_targets:
            in_thread[name] = in_thread.get(name, 0) + 1
    for name in scan.runner_names:
        in_thread[name] = in_thread.get(name, 0) + 1
    found: set[str] = set()
    for name, count in in_thread.items():
        definitions = scan.coroutines.get(name, [])
        # The def's own name is a mention too; any mention beyond those is another use.
        if definitions and scan.mentions.get(name, 0) == count + len(definitions):
            found.update(definitions)
    return frozenset(found)


__all__ = ["THREAD_RUNNERS", "TOKENS", "own_loop_coroutines"]
