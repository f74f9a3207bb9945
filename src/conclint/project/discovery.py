"""Paths on the command line -> the Python files to check, plus the paths that could not be used.

Directories are walked for `*.py` files; tool, cache, build and virtual-environment
directories are skipped, and so is anything the configured `exclude` patterns match or, in a
git work tree, git ignores (`gitignore.py`; off with `respect-gitignore = false`). With
`Configurations`, each path walked is judged by the configuration of the directory holding
it, `exclude` patterns relative to that configuration's directory. A file named on the command
line is checked whatever its suffix (pre-commit passes files), unless `exclude` matches it;
a path named on the command line is checked even if git ignores it. Every directory is
entered at most once, however many symlinks lead to it, so symlink loops end; a file
reachable through several names is checked once.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable, Sequence

from conclint.project.configuration import Configuration, Configurations
from conclint.project.gitignore import GitIgnored

PYTHON_SUFFIX = ".py"

# Directory names never worth walking into: VCS metadata, tool caches, build output.
SKIPPED_DIR_NAMES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".conclint_cache",
        "node_modules",
    }
)
SKIPPED_DIR_GLOBS = ("*.egg-info",)
# A directory holding this file is a virtual environment, whatever it is called.
VENV_MARKER = "pyvenv.cfg"

PathError = tuple[str, str]


def discover(
    paths: Iterable[str | os.PathLike[str]],
    exclude: Sequence[str] = (),
    root: str | os.PathLike[str] | None = None,
    *,
    respect_gitignore: bool = True,
    configurations: Configurations | None = None,
) -> tuple[list[str], list[PathError]]:
    """The files to check under `paths`, sorted, and the `(path, message)` pairs that failed.

    Reported paths keep the spelling the user gave (`src/` -> `src/pkg/mod.py`, `.` ->
    `pkg/mod.py`). `exclude` holds glob patterns matched against the path relative to
    `root` (the project directory; the working directory when None), against each of its
    leading sub-paths and against each single path component. With `configurations`, the
    `exclude` and `respect-gitignore` of each path's own configuration are used instead of
    `exclude`, `root` and `respect_gitignore`.
    """
    default = _Excluder(exclude, Path(root) if root is not None else Path.cwd())
    walker = _Walker(_Rules(default, respect_gitignore, configurations))
    for given in paths:
        walker.add_argument(os.fspath(given))
    walker.walk_deferred()
    return sorted(walker.files), sorted(walker.errors)


def is_skipped_dir(directory: os.DirEntry[str] | Path) -> bool:
    """Whether a directory found while walking is one conclint never looks into."""
    name = directory.name
    if name in SKIPPED_DIR_NAMES or any(fnmatch.fnmatchcase(name, glob) for glob in SKIPPED_DIR_GLOBS):
        return True
    location = directory.path if isinstance(directory, os.DirEntry) else directory
    return os.path.isfile(os.path.join(location, VENV_MARKER))


@dataclass
class _Excluder:
    """Matches paths against the configured `exclude` globs, relative to the project root."""

    patterns: Sequence[str]
    root: Path
    _root_resolved: Path = field(init=False)

    def __post_init__(self) -> None:
        self.patterns = tuple(p.replace("\\", "/").removeprefix("./").rstrip("/") for p in self.patterns if p.strip())
        self._root_resolved = self.root.resolve()

    def excluded(self, path: str) -> bool:
        if not self.patterns:
            return False
        parts = self._relative_parts(path)
        prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
        candidates = [*prefixes, *parts]
        return any(fnmatch.fnmatch(candidate, pattern) for pattern in self.patterns for candidate in candidates)

    def _relative_parts(self, path: str) -> tuple[str, ...]:
        """The path's components relative to the root; its own components when outside it."""
        absolute = Path(os.path.abspath(path))
        real_parent = Path(os.path.realpath(absolute.parent)) / absolute.name
        for candidate, base in (
            (absolute, self.root.absolute()),
            (absolute, self._root_resolved),
            (real_parent, self._root_resolved),
        ):
            try:
                return candidate.relative_to(base).parts
            except ValueError:
                continue
        return tuple(part for part in PurePath(path).parts if part not in (".", os.sep))


@dataclass
class _Rules:
    """Which paths discovery skips: `exclude` patterns, and what git ignores.

    Without `configurations`, `default` and `respect_gitignore` apply everywhere; with them,
    each path follows the configuration of the directory holding it (a directory named on
    the command line, its own), and each configuration's excluder is built once.
    """

    default: _Excluder
    respect_gitignore: bool
    configurations: Configurations | None
    gitignore: GitIgnored = field(default_factory=GitIgnored)
    _excluders: dict[Path | None, _Excluder] = field(default_factory=dict)

    def excluded(self, path: str, own_directory: bool = False) -> bool:
        """Whether `exclude` drops `path`, judged in its directory (`own_directory`: itself)."""
        return self._excluder(self._configuration(path, own_directory)).excluded(path)

    def skipped(self, path: str, is_dir: bool, floor: str | None) -> bool:
        """Whether a path met while walking is left out: excluded, or ignored by git (counting
        only the ignore files at or below `floor` when given, see `GitIgnored.ignored`)."""
        configuration = self._configuration(path, False)
        if self._excluder(configuration).excluded(path):
            return True
        respect = configuration.settings.respect_gitignore if configuration is not None else self.respect_gitignore
        return respect and self.gitignore.ignored(path, is_dir, floor)

    def ignored_by_git(self, directory: str) -> bool:
        """Whether git ignores a directory named on the command line (it is walked anyway)."""
        configuration = self._configuration(directory, True)
        respect = configuration.settings.respect_gitignore if configuration is not None else self.respect_gitignore
        return respect and self.gitignore.ignored(directory, True)

    def _configuration(self, path: str, own_directory: bool) -> Configuration | None:
        if self.configurations is None:
            return None
        if own_directory:
            return self.configurations.for_directory(path)
        return self.configurations.for_file(path)

    def _excluder(self, configuration: Configuration | None) -> _Excluder:
        if configuration is None:
            return self.default
        found = self._excluders.get(configuration.source)
        if found is None:
            found = self._excluders[configuration.source] = _Excluder(
                configuration.settings.exclude, configuration.exclude_base
            )
        return found


@dataclass
class _Walker:
    """Collects files and errors; remembers which directories and files it has already seen."""

    rules: _Rules
    files: list[str] = field(default_factory=list)
    errors: list[PathError] = field(default_factory=list)
    _seen_dirs: set[tuple[int, int]] = field(default_factory=set)
    _seen_files: set[tuple[int, int]] = field(default_factory=set)
    _deferred: list[tuple[str, str | None]] = field(default_factory=list)

    def add_argument(self, given: str) -> None:
        """One command-line path: a directory to walk, or a file checked whatever its suffix."""
        try:
            info = os.stat(given)
        except FileNotFoundError:
            reason = "broken symbolic link" if os.path.islink(given) else "no such file or directory"
            self.errors.append((given, reason))
            return
        except OSError as error:
            self.errors.append((given, _reason(error)))
            return
        is_dir = stat.S_ISDIR(info.st_mode)
        if self.rules.excluded(given, own_directory=is_dir):
            return
        if is_dir:
            # Named, so walked even if git ignores it; then only the ignore files inside count.
            floor = os.path.abspath(given) if self.rules.ignored_by_git(given) else None
            self._walk(given, info, floor)
        elif stat.S_ISREG(info.st_mode):
            self._add_file(given, info)
        else:
            self.errors.append((given, "not a regular file"))

    def walk_deferred(self) -> None:
        """Walk directories reached only through symlinks, after every real directory was seen.

        Deferring them means a file is reported under its real location when the walk
        reaches that too, rather than under whichever symlink sorts first.
        """
        while self._deferred:
            pending, self._deferred = sorted(self._deferred, key=lambda item: item[0]), []
            for directory, floor in pending:
                try:
                    info = os.stat(directory)
                except OSError:
                    continue  # the link broke meanwhile; nothing to check
                self._walk(directory, info, floor)

    def _walk(self, top: str, info: os.stat_result, floor: str | None = None) -> None:
        """Walk `top` depth-first with an explicit stack: no recursion limit on deep trees.
        `floor`: see `GitIgnored.ignored`."""
        stack = [(top, info)]
        while stack:
            directory, dir_info = stack.pop()
            key = (dir_info.st_dev, dir_info.st_ino)
            if key in self._seen_dirs:
                continue
            self._seen_dirs.add(key)
            subdirs = self._scan(directory, floor)
            stack.extend(reversed(subdirs))

    def _scan(self, directory: str, floor: str | None) -> list[tuple[str, os.stat_result]]:
        """Record the Python files in `directory`; return its sub-directories to walk next."""
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.errors.append((directory, _reason(error)))
            return []
        subdirs = []
        for entry in entries:
            path = _join(directory, entry.name)
            try:
                if entry.is_dir():
                    if is_skipped_dir(entry) or self.rules.skipped(path, True, floor):
                        continue
                    if entry.is_symlink():
                        self._deferred.append((path, floor))
                    else:
                        subdirs.append((path, entry.stat()))
                elif (
                    entry.is_file()
                    and entry.name.endswith(PYTHON_SUFFIX)
                    and not self.rules.skipped(path, False, floor)
                ):
                    self._add_file(path, entry.stat())
                # Anything else (FIFOs, sockets, broken symlinks such as editor lock files) is not source.
            except OSError as error:
                self.errors.append((path, _reason(error)))
        return subdirs

    def _add_file(self, path: str, info: os.stat_result) -> None:
        key = (info.st_dev, info.st_ino)
        if key in self._seen_files:
            return
        self._seen_files.add(key)
        self.files.append(path)


def _join(directory: str, name: str) -> str:
    """`directory/name`, without a leading `./` when the user asked for the current directory."""
    if os.path.normpath(directory) == os.curdir and not os.path.isabs(directory):
        return name
    return os.path.join(directory, name)


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def file_size(path: str) -> int:
    """The size of the file at `path` in bytes; 0 when it cannot be told (the file is then
    reported when it is read)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
