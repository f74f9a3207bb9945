"""What git ignores, for discovery: `.gitignore` files and `.git/info/exclude`, read with pathspec.

The rules follow git's, as ruff applies them (through the `ignore` crate): only inside a git
work tree (a directory holding `.git`, a directory or a file, at or above the path); the
`.gitignore` of each directory from the top of the work tree down applies to the paths below
its own directory, a deeper file overriding a higher one and, within a file, the last
matching line deciding (`!pattern` takes a path back); `.git/info/exclude` comes last. A
work tree nested in another (a submodule, a vendored clone) starts afresh: the outer tree's
files do not apply inside it. The user's global excludes file (`core.excludesFile`) is not
read: what a run checks should not depend on the machine it runs on.

Each directory's `.gitignore` is read once, and the list of files that apply to a directory
is built once from its parent's. A `.gitignore` that is a symbolic link, not a regular file or
larger than MAX_IGNORE_FILE_BYTES is not read (git refuses symbolic links there too).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from conclint.core.safe_files import read_regular

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

GITIGNORE = ".gitignore"
GIT_DIRECTORY = ".git"
INFO_EXCLUDE = os.path.join("info", "exclude")
# A real .gitignore is a few kilobytes; a larger one is someone else's idea, not read.
MAX_IGNORE_FILE_BYTES = 1024 * 1024

# (directory, its patterns): one ignore file and the directory its patterns are relative to.
Rules = tuple[str, "GitIgnoreSpec"]


@dataclass(frozen=True)
class _Scope:
    """The ignore files that apply in one directory of a work tree: `files`, deepest first,
    then `exclude` (`.git/info/exclude` of the work tree at `top`, when there is one)."""

    top: str
    files: tuple[Rules, ...]
    exclude: Rules | None


class GitIgnored:
    """Answers "does git ignore this path?" for the paths of one run, reading each ignore file once."""

    def __init__(self) -> None:
        self._scopes: dict[str, _Scope | None] = {}

    def ignored(self, path: str, is_dir: bool, floor: str | None = None) -> bool:
        """Whether git ignores `path` (a directory when `is_dir`).

        With `floor` (an absolute directory), only the `.gitignore` files at or below it
        count: a directory named on the command line that git ignores is walked anyway, and
        the rules that ignore it as a whole do not then hide everything in it.
        """
        absolute = os.path.abspath(path)
        scope = self._scope(os.path.dirname(absolute))
        if scope is None:
            return False
        suffix = "/" if is_dir else ""
        for directory, spec in scope.files:
            if floor is not None and not _within(directory, floor):
                return False
            decision = spec.check_file(_relative(absolute, directory) + suffix).include
            if decision is not None:
                return decision
        if scope.exclude is None or floor is not None:
            return False
        directory, spec = scope.exclude
        return bool(spec.check_file(_relative(absolute, directory) + suffix).include)

    def _scope(self, directory: str) -> _Scope | None:
        """The ignore files that apply in `directory` (absolute); None outside a work tree.

        Built from the nearest directory already known or the top of the work tree, downwards,
        without recursion: a deep tree must not reach the interpreter's recursion limit."""
        pending: list[str] = []
        current = directory
        while current not in self._scopes:
            pending.append(current)
            if os.path.lexists(os.path.join(current, GIT_DIRECTORY)):
                break
            parent = os.path.dirname(current)
            if parent == current:
                self._scopes[current] = None
                pending.pop()
                break
            current = parent
        for entry in reversed(pending):
            self._scopes[entry] = self._scope_of(entry)
        return self._scopes[directory]

    def _scope_of(self, directory: str) -> _Scope | None:
        """The scope of `directory`, its parent's being known unless it is a work tree's top."""
        own = _read_rules(directory, os.path.join(directory, GITIGNORE))
        mine = (own,) if own is not None else ()
        git = os.path.join(directory, GIT_DIRECTORY)
        if os.path.lexists(git):
            exclude = _read_rules(directory, os.path.join(git, INFO_EXCLUDE)) if os.path.isdir(git) else None
            return _Scope(directory, mine, exclude)
        outer = self._scopes.get(os.path.dirname(directory))
        if outer is None:
            return None
        return _Scope(outer.top, (*mine, *outer.files), outer.exclude)


def _read_rules(directory: str, file: str) -> Rules | None:
    """The patterns of the ignore file `file`, relative to `directory`; None when there are none."""
    try:
        text = read_regular(file, MAX_IGNORE_FILE_BYTES).decode("utf-8", errors="surrogateescape")
    except (OSError, ValueError):
        return None
    lines: Sequence[str] = text.splitlines()
    # Imported here, when an ignore file is met: a run on files named one by one (pre-commit,
    # an editor) reads none, and importing pathspec takes 10 to 15 ms.
    from pathspec import GitIgnoreSpec

    try:
        spec = GitIgnoreSpec.from_lines(lines)
    except (ValueError, TypeError):  # a pattern pathspec cannot read: the file is left out, as unreadable
        return None
    return (directory, spec) if len(spec) else None


def _relative(absolute: str, directory: str) -> str:
    """`absolute` relative to its ancestor `directory`, with forward slashes."""
    relative = absolute[len(directory) :].lstrip(os.sep)
    return relative.replace(os.sep, "/")


def _within(directory: str, floor: str) -> bool:
    return directory == floor or directory.startswith(floor.rstrip(os.sep) + os.sep)
