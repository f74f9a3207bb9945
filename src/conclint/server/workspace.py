"""What the language server knows of a workspace, free of any protocol: its configuration,
the text of the open files, one project index per configuration kept warm, and which open
file's findings were drawn from which module.

Every method touches a project index, which is not thread-safe: the server calls them from
one thread at a time (its single lint worker). The linted code is read, never imported or
run: unsaved buffers reach the index as text (`ProjectIndex.replace_text`), other modules
are read from disk on demand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from conclint.core.settings import Settings
from conclint.project.configuration import Configurations
from conclint.project.lint_one import lint_buffer, new_project_index
from conclint.project.runner import settings_for_file

if TYPE_CHECKING:
    from conclint.analysis.project_index import ProjectIndex
    from conclint.core.model import Diagnostic

# The configuration file whose change makes the server read the configuration again.
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Options:
    """What the client says in `initializationOptions`: rule selectors over the configured
    ones (`select` replaces, `ignore` adds, as on the command line), and whether to follow
    calls into the project's other modules (`index`, on by default)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    index: bool = True

    @classmethod
    def from_client(cls, raw: Any) -> Options:
        """The options from the client's JSON (anything else than an object: the defaults).
        ValueError naming the key when a value has the wrong type."""
        if not isinstance(raw, dict):
            return cls()
        index = raw.get("index", True)
        if not isinstance(index, bool):
            raise ValueError("initializationOptions.index must be true or false")
        return cls(_selectors(raw.get("select"), "select"), _selectors(raw.get("ignore"), "ignore"), index)


def _selectors(raw: Any, key: str) -> tuple[str, ...] | None:
    """A list of selectors, or one comma-separated string of them, as a tuple; None if absent."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValueError(f"initializationOptions.{key} must be a list of rule codes, prefixes or names")
    return tuple(item.strip() for item in raw if item.strip()) or None


@dataclass(frozen=True)
class Outcome:
    """One lint of an open file: its findings, or why it could not be linted (an engine
    failure the server logs), and the text they were drawn from."""

    path: str
    text: bytes
    diagnostics: tuple[Diagnostic, ...]
    error: str | None


class Workspace:
    """The open files of one workspace folder and the indexes their lints share."""

    def __init__(self, root: Path, options: Options) -> None:
        self.root = Path(os.path.abspath(root))
        self.options = options
        self._texts: dict[str, bytes] = {}
        self._dependencies: dict[str, frozenset[str]] = {}
        self._indexes: dict[Settings, ProjectIndex] = {}
        # The configuration files in use, with their size and time of change when last read.
        self._stamps: dict[Path, tuple[int, int] | None] = {}
        self.configurations = self._configurations()

    def _configurations(self) -> Configurations:
        """The configurations of the workspace's files, as the CLI resolves them from the
        root (ConfigError when a file cannot be used)."""
        return Configurations(self.root, select=self.options.select, ignore=self.options.ignore)

    @property
    def open_paths(self) -> list[str]:
        return list(self._texts)

    def open(self, path: str, text: bytes) -> set[str]:
        """`path` is open with `text` (or changed to it): the open files whose findings
        depended on its former text, which must be linted again (none when the text is
        the same: a save, a file linted again for a helper's sake)."""
        if self._texts.get(path) == text:
            return set()
        self._texts[path] = text
        return self._replace(path, text)

    def close(self, path: str) -> set[str]:
        """`path` is closed: the index reads it from disk again; the open files that
        depended on its buffer."""
        self._texts.pop(path, None)
        self._dependencies.pop(path, None)
        return self._replace(path, None)

    def changed_on_disk(self, path: str) -> set[str]:
        """A file changed on disk (saved by another tool, a checkout): forget what the
        indexes derived from it, unless it is open (the buffer wins); its dependents."""
        if path in self._texts:
            return set()
        return self._replace(path, None)

    def reload_configuration(self) -> None:
        """Read the configuration again (a pyproject.toml changed); the indexes go with it,
        since summaries depend on the settings. ConfigError when the root's cannot be used:
        the previous configuration stays, and is not read again until a file changes again."""
        self._stamps = {source: _stamp(source) for source in self._stamps}
        configurations = self._configurations()
        configurations.for_directory(self.root)
        self.configurations = configurations
        self._indexes.clear()

    def configuration_changed(self) -> bool:
        """Whether a configuration file in use changed since it was read: the server
        reloads then, for clients that do not report changes on disk (watched files)."""
        return any(_stamp(source) != stamp for source, stamp in self._stamps.items())

    def dependents(self, path: str) -> set[str]:
        """The open files whose last findings were drawn from `path`."""
        return {other for other, used in self._dependencies.items() if path in used and other != path}

    def _replace(self, path: str, text: bytes | None) -> set[str]:
        for index in self._indexes.values():
            index.replace_text(Path(path), text)
        return self.dependents(path)

    def settings(self, path: str) -> Settings:
        """The settings of the file at `path`, per-file ignores folded in, as the CLI has them."""
        return settings_for_file(path, self.configurations, self.root)

    def lint(self, path: str) -> Outcome:
        """Lint the open file `path` from its buffer, with the index of its configuration."""
        text = self._texts[path]
        source = self.configurations.for_file(path).source
        if source is not None and source not in self._stamps:
            self._stamps[source] = _stamp(source)
        settings = self.settings(path)
        index = self._index(self.configurations.for_file(path).settings) if self.options.index else None
        result, _, dependencies = lint_buffer(text, path, settings, index)
        self._dependencies[path] = frozenset(dependencies)
        return Outcome(path, text, result.diagnostics, result.error)

    def _index(self, settings: Settings) -> ProjectIndex:
        """The index of a configuration, made on first use and told every open buffer. Its
        summaries stay in memory: the on-disk store would get the summary of every version
        of a buffer being typed (a file per lint), and opening a folder in an editor
        should not create a cache directory in it."""
        index = self._indexes.get(settings)
        if index is None:
            index = self._indexes[settings] = new_project_index(settings, None)
            for path, text in self._texts.items():
                index.replace_text(Path(path), text)
        return index


def _stamp(path: Path) -> tuple[int, int] | None:
    """The size and time of change of a file; None when it is gone."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def is_configuration(path: str) -> bool:
    """Whether a change of the file at `path` changes the configuration."""
    return os.path.basename(path) == PYPROJECT


def python_paths(paths: Iterable[str]) -> list[str]:
    """The Python files among `paths`, whose change the indexes care about."""
    return [path for path in paths if path.endswith((".py", ".pyi"))]
