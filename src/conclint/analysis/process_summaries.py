"""The processes each function of a module starts, as plain values, and the chains to them.

`ProcessSummary` holds, for every function of a module, the processes it starts and the
functions it calls (`FunctionProcesses`); it round-trips through `as_dict` for the project
index's store. `process_chain` follows the calls to a start (`main -> run_pool -> Pool()`)
through a lookup: one module's summary, or `project_processes`, which joins it with the
project's other modules through `external_calls`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

if TYPE_CHECKING:
    from conclint.analysis.project_index import ProjectView


@dataclass(frozen=True)
class FunctionProcesses:
    """What one function does about processes, in plain values.

    `starts`: the process starts it makes itself, as the source spells them (`Pool()`,
    `worker.start()`); `calls`: the functions of this module it calls (qualified names;
    `Class.__init__` for `Class()`), not those in its lambdas or nested defs;
    `external_calls`: the functions of other modules it calls (dotted names), for a project
    pass that joins the summaries of several modules.
    """

    qualname: str
    starts: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    external_calls: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "qualname": self.qualname,
            "starts": list(self.starts),
            "calls": list(self.calls),
            "external_calls": list(self.external_calls),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> FunctionProcesses:
        return cls(
            qualname=str(data["qualname"]),
            starts=tuple(data["starts"]),  # type: ignore[arg-type]
            calls=tuple(data["calls"]),  # type: ignore[arg-type]
            external_calls=tuple(data["external_calls"]),  # type: ignore[arg-type]
        )


ProcessLookup = Callable[[str], "FunctionProcesses | None"]


def process_chain(lookup: ProcessLookup, qualname: str) -> tuple[str, ...] | None:
    """The shortest call chain from `qualname` to a process start, as qualified names ending
    with the start's display (`("main", "run_pool", "Pool()")`), or None. `lookup` maps a
    qualified name to its summary: one module's, or a project's (then `external_calls` are
    followed too). Cycles end."""
    start = lookup(qualname)
    if start is None:
        return None
    parents: dict[str, str | None] = {start.qualname: None}
    pending = deque([start])
    while pending:
        summary = pending.popleft()
        if summary.starts:
            chain = [summary.qualname]
            while (parent := parents[chain[-1]]) is not None:
                chain.append(parent)
            return (*reversed(chain), summary.starts[0])
        for name in (*summary.calls, *summary.external_calls):
            callee = lookup(name)
            if callee is not None and callee.qualname not in parents:
                parents[callee.qualname] = summary.qualname
                pending.append(callee)
    return None


@dataclass(frozen=True)
class ProcessSummary:
    """Every function of a module, and the bases of its classes: classes of this module by
    their qualified name, library classes by their dotted name."""

    functions: Mapping[str, FunctionProcesses] = field(default_factory=dict)
    class_bases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def function(self, qualname: str) -> FunctionProcesses | None:
        """The summary of `qualname`; a method its class does not define is looked up in the
        class's bases of this module, depth first."""
        found = self.functions.get(qualname)
        if found is not None:
            return found
        owner, _, method = qualname.rpartition(".")
        seen: set[str] = set()
        pending = list(reversed(self.class_bases.get(owner, ())))
        while pending and method:
            base = pending.pop()
            if base in seen:
                continue
            seen.add(base)
            found = self.functions.get(f"{base}.{method}")
            if found is not None:
                return found
            pending.extend(reversed(self.class_bases.get(base, ())))
        return None

    def chain(self, qualname: str) -> tuple[str, ...] | None:
        return process_chain(self.function, qualname)

    def as_dict(self) -> dict[str, object]:
        return {
            "functions": [summary.as_dict() for summary in self.functions.values()],
            "class_bases": {name: list(bases) for name, bases in self.class_bases.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ProcessSummary:
        functions = [FunctionProcesses.from_dict(item) for item in data["functions"]]  # type: ignore[attr-defined]
        bases = {name: tuple(value) for name, value in data["class_bases"].items()}  # type: ignore[attr-defined]
        return cls({summary.qualname: summary for summary in functions}, bases)


def project_processes(summary: ProcessSummary, project: ProjectView | None) -> ProcessLookup:
    """A lookup over this module's process summaries (by qualified name) and, with a project
    index, the functions of the project's other modules (by absolute dotted name)."""
    if project is None:
        return summary.function

    def lookup(name: str) -> FunctionProcesses | None:
        found = summary.function(name)
        if found is not None:
            return found
        function = project.function(name)
        if function is None:
            return None
        return FunctionProcesses(function.qualname, function.process_starts, function.all_calls)

    return lookup

