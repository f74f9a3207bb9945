"""Lint ahead: a module the project index needs, linted whole when the run lints it anyway.

A coroutine of the file being linted calls `load_config()` of another module: the index parses
that module to summarize it. When the module is one of the run's files, it would be parsed a
second time for its own lint; linting it whole right then costs the same parse, teaches the
index its summary, and leaves the result for its turn: in this process, or, through a
directory of the run, in another worker. Measured in a 2-worker run over the benchmark
corpus: the index needed 160 of the run's modules before their turn; 147 were linted ahead
(parsed once); 13, most of them distributed's largest modules, over the size bound, were
still parsed twice (for the index, then for their own lint).

Lints ahead nest (the module's own helpers), at most MAX_LINTS_AHEAD deep, and only while the
files being linted in this process total at most LINT_AHEAD_MAX_BYTES, which bounds the trees
alive at once to what two heavy files (see `runner.HEAVY_FILE_BYTES`) cost.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from conclint.core.digests import content_digest
from conclint.project.discovery import file_size
from conclint.project.tasks import Linted, Task

LINT_AHEAD_MAX_BYTES = 256 * 1024
MAX_LINTS_AHEAD = 4

# (path, settings, index options, whether the index wants the summary) -> the file's outcome.
LintFile = Callable[..., "Linted"]


@dataclass
class RunState:
    """What this process knows of the run: how to lint a file, the run's tasks by absolute
    path, the directory where its workers leave the files they linted ahead (None when linting
    serially), the results linted ahead here, the files linted here, and the stack of files
    being linted (with their sizes)."""

    lint: LintFile
    tasks: dict[str, Task]
    stash: str | None
    ahead: dict[str, Linted] = field(default_factory=dict)
    linted: set[str] = field(default_factory=set)
    linting: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)


# Set by the runner for the length of a run (serially) or of a worker's life (a pool).
current: RunState | None = None


def by_path(tasks: Iterable[Task]) -> dict[str, Task]:
    """The tasks that lint with the project index, by the absolute path of their file."""
    return {os.path.abspath(task[0]): task for task in tasks if task[2] is not None}


def lint_task(task: Task, lint: LintFile) -> Linted:
    """Lint a task's file with `lint`, unless it was linted ahead (here or by another worker)."""
    run = current
    if run is None or task[2] is None:
        return lint(*task)
    key = os.path.abspath(task[0])
    found = run.ahead.pop(key, None) or unstash(run.stash, key)
    if found is not None:
        return found
    return _lint_tracked(run, key, task, file_size(key))


def lint_ahead(file: Path) -> bool:
    """The project index's hook: lint `file` now if it is a task of the run not linted here
    yet, asked for while a task is linted, within the depth and size bounds; whether it was."""
    run = current
    key = str(file)
    task = run.tasks.get(key) if run is not None else None
    if task is None or key in run.linted or not 0 < len(run.linting) <= MAX_LINTS_AHEAD:
        return False
    size = file_size(key)
    if size + sum(run.sizes) > LINT_AHEAD_MAX_BYTES:
        return False
    run.ahead[key] = linted = _lint_tracked(run, key, task, size, wanted=True)
    stash(run.stash, key, linted)
    return True


def _lint_tracked(run: RunState, key: str, task: Task, size: int, wanted: bool = False) -> Linted:
    run.linting.append(key)
    run.sizes.append(size)
    run.linted.add(key)
    try:
        return run.lint(*task, summary_wanted=wanted)
    finally:
        run.linting.pop()
        run.sizes.pop()


def stash_file(directory: str, key: str) -> str:
    return os.path.join(directory, content_digest(key.encode("utf-8", "surrogatepass")) + ".pickle")


def stash(directory: str | None, key: str, linted: Linted) -> None:
    """Leave a result linted ahead for the other workers (best effort)."""
    if directory is None:
        return
    target = stash_file(directory, key)
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as stream:
            pickle.dump(linted, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def unstash(directory: str | None, key: str) -> Linted | None:
    """The result another worker linted ahead for `key`, if any."""
    if directory is None:
        return None
    try:
        with open(stash_file(directory, key), "rb") as stream:
            return pickle.load(stream)  # type: ignore[no-any-return]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
