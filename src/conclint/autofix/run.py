"""`--fix` and `--diff` over the files of a run: which files to fix, fixing them, the diffs.

Only files with a usable fix among their findings are read again; each is fixed as text
(`fixing.fix_text`) and, unless only a diff is wanted, written back by `writing.write_fixed`.
Failures (a fix that would not compile, a file that changed meanwhile or is read-only) leave
the file as it was and are reported per file.

Writes are confined to the tree the user asked about: a file is written only when its real
path lies under the project root or under one of the paths given (see `writable_roots`), so
a symlink planted in the tree cannot make `--fix` rewrite a file outside it.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conclint.core.settings import Settings
from conclint.project.configuration import Configurations
from conclint.autofix.apply import FixMode, fix_text
from conclint.core.model import Diagnostic
from conclint.project.lint_one import project_view
from conclint.project.runner import IndexOptions, RunResult, settings_for_file
from conclint.autofix.writing import OverwroteEdit, WriteRefused, read_source_file, real_root, write_fixed


@dataclass
class FileFix:
    """What fixing one file did: findings removed per code, the diff, or why it failed."""

    path: str
    fixed: Counter[str] = field(default_factory=Counter)
    diff: str = ""
    error: str | None = None


@dataclass
class FixRun:
    files: list[FileFix] = field(default_factory=list)

    @property
    def fixed(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for file in self.files:
            if file.error is None:
                total.update(file.fixed)
        return total

    @property
    def fixed_count(self) -> int:
        return sum(self.fixed.values())

    @property
    def changed(self) -> list[FileFix]:
        return [file for file in self.files if file.diff and file.error is None]

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(file.path, file.error) for file in self.files if file.error is not None]


def fixable_paths(diagnostics: list[Diagnostic], mode: FixMode) -> list[str]:
    """The paths with at least one finding a fix of `mode` would remove, in output order."""
    return list(dict.fromkeys(d.path for d in diagnostics if mode.usable(d.fix)))


def fix_files(
    result: RunResult,
    settings: Settings | Configurations,
    root: str | os.PathLike[str] | None,
    mode: FixMode,
    write: bool,
    project: IndexOptions | None = None,
    paths: Iterable[str | os.PathLike[str]] = (),
) -> FixRun:
    """Fix every file of `result` that has a usable fix; write them back when `write`.
    Each file is fixed with its own settings (`settings_for_file`: those of its configuration,
    given the run's `Configurations`). With `project`, files are linted with the project
    index, as the run was. Only files
    under `root` or the `paths` the run was given are written (`writable_roots`)."""
    base = Path(root) if root is not None else Path.cwd()
    allowed = writable_roots(paths, base)
    run = FixRun()
    for path in fixable_paths(result.diagnostics, mode):
        run.files.append(fix_file(path, settings_for_file(path, settings, base), mode, write, project, allowed))
    return run


def writable_roots(paths: Iterable[str | os.PathLike[str]], root: str | os.PathLike[str]) -> list[str]:
    """The real paths `--fix` may write under: the project root, and each path given.

    A given directory counts by its real location (the user named that tree, wherever a
    symlink puts it). A given file counts only at its own name in its real directory: tools
    such as pre-commit name every file of a change, a planted `evil.py -> ../outside/lib.py`
    among them, and naming the link must not make its target writable."""
    roots = [real_root(root)]
    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.isdir(absolute):
            roots.append(real_root(absolute))
        else:
            roots.append(os.path.join(real_root(os.path.dirname(absolute)), os.path.basename(absolute)))
    return roots


def fix_file(
    path: str,
    settings: Settings,
    mode: FixMode,
    write: bool,
    project: IndexOptions | None = None,
    allowed: list[str] | None = None,
) -> FileFix:
    """Fix one file; write it back when `write` (only under the real paths `allowed`, when
    given). Every failure is returned as the FileFix's error, the file left as it was."""
    try:
        source = read_source_file(path)
    except (OSError, UnicodeError, SyntaxError, LookupError) as error:
        return FileFix(path, error=f"not fixed: cannot read it again: {error}")
    lint = None
    if project is not None:
        from conclint.engine import lint_source

        def lint(text: str, path: str, settings: Settings) -> list[Diagnostic]:
            return lint_source(text, path, settings, project_view(path, settings, project))

    outcome = fix_text(source.text, path, settings, mode, lint=lint)
    if outcome.error is not None:
        return FileFix(path, error=outcome.error)
    if outcome.text == source.text:
        return FileFix(path)
    fixed = FileFix(path, outcome.fixed, unified_diff(path, source.text, outcome.text))
    if write:
        try:
            write_fixed(source, outcome.text, allowed)
        except WriteRefused as error:
            return FileFix(path, error=f"not fixed: {error}")
        except OverwroteEdit as error:
            return FileFix(path, error=f"fixed, but {error}")
    return fixed


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of the two texts, every line ending in a newline."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=path, tofile=path
    )
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)
