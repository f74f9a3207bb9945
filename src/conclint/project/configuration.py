"""Configuration: `[tool.conclint]` in pyproject.toml becomes one validated `Settings` value.

A run can meet several: each file uses the nearest pyproject.toml with a `[tool.conclint]`
table at or above its directory (`Configurations`), unless `--config` names one for every
file. A table that says `extend = "../pyproject.toml"` is merged over the one it names.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conclint.core.safe_files import read_regular
from conclint.core.settings import Settings

# Everything here turns `[tool.conclint]` into a validated Settings, so that a mistake in the
# configuration stops the run with one clear line instead of being silently ignored.

PYPROJECT = "pyproject.toml"
# The key naming the configuration a table is merged over; not a Settings field.
EXTEND_KEY = "extend"
# A pyproject.toml larger than this is refused: a tree being linted can plant anything there.
MAX_CONFIG_BYTES = 4 * 1024 * 1024


class ConfigError(Exception):
    """The configuration is unusable; the message is one line, naming where the problem is."""


def find_pyproject(start: Path) -> Path | None:
    """The nearest `pyproject.toml` in `start` or its parents that has a `[tool.conclint]` table.

    Files without the table are passed over, so a sub-package's own pyproject.toml does not
    hide the repository's configuration (ruff does the same). A file that is not valid TOML
    is returned rather than skipped, so that `load_settings` reports it instead of the run
    silently using another configuration.
    """
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / PYPROJECT
        if _configures_conclint(candidate):
            return candidate
    return None


def _configures_conclint(candidate: Path) -> bool:
    """Whether `candidate` is a pyproject.toml to use: it has a `[tool.conclint]` table, or it
    cannot be read as TOML (so that the error is reported, not another file silently used)."""
    if not candidate.is_file():
        return False
    try:
        document = tomllib.loads(read_regular(candidate, MAX_CONFIG_BYTES, follow=True).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return True
    except OSError as error:
        return error.errno == errno.EFBIG
    tool = document.get("tool", {})
    return isinstance(tool, dict) and "conclint" in tool


def load_settings(pyproject: Path | None, **cli_overrides: Any) -> Settings:
    """Settings from `[tool.conclint]` in `pyproject` (None: defaults), then the CLI overrides.

    Override keywords are Settings field names; a value of None means "not given". `select`
    and every other field replace the configured value, except `ignore`, which is added to
    the configured one (`--select` narrows the run, `--ignore` only ever removes more).
    Raises ConfigError for unreadable or malformed TOML, unknown keys, wrong value types and
    unknown rule codes or names.
    """
    values = _read_merged(pyproject)[0] if pyproject is not None else {}
    return _with_overrides(values, cli_overrides)


@dataclass(frozen=True)
class Configuration:
    """The settings of the files under one configuration file, and the directories its
    paths are relative to.

    `root` is the project directory: the directory of the file in use (the working directory
    when there is none), where the cache lives. `exclude_root` and `ignores_root` are the
    directories `exclude` and `per-file-ignores` patterns are relative to: the directory of
    the file that set them, which is an extended file's when the key came from there.
    """

    settings: Settings
    root: Path
    source: Path | None = None
    exclude_root: Path | None = None
    ignores_root: Path | None = None

    @property
    def exclude_base(self) -> Path:
        return self.exclude_root or self.root

    @property
    def ignores_base(self) -> Path:
        return self.ignores_root or self.root


class Configurations:
    """The configuration of each file of a run, found and read once per directory.

    A file's configuration is the nearest pyproject.toml with a `[tool.conclint]` table in
    its directory or above (files without the table are passed over, as ruff does), or
    `forced` (`--config`) for every file; none found: the defaults, rooted at
    `working_directory`. The command line's `overrides` (`load_settings` keywords) apply over
    every one. A file that cannot be used raises ConfigError when first met, naming it: the
    run stops rather than check some files with another configuration than they ask for.
    """

    def __init__(self, working_directory: Path, forced: Path | None = None, **overrides: Any) -> None:
        self.working_directory = Path(os.path.abspath(working_directory))
        self._overrides = overrides
        self._by_source: dict[Path | None, Configuration] = {}
        self._by_directory: dict[str, Configuration] = {}
        self._forced = self._load(Path(os.path.abspath(forced))) if forced is not None else None
        self._load(None)  # the command line's own mistakes are reported even when no file is read

    @property
    def forced(self) -> Configuration | None:
        """The configuration `--config` named, used for every file; None when not given."""
        return self._forced

    def for_file(self, path: str | os.PathLike[str]) -> Configuration:
        """The configuration of the file at `path`: that of its directory."""
        return self.for_directory(os.path.dirname(os.path.abspath(path)))

    def for_directory(self, directory: str | os.PathLike[str]) -> Configuration:
        """The configuration of the files directly in `directory` (and of the directory itself)."""
        if self._forced is not None:
            return self._forced
        current = os.path.abspath(directory)
        walked: list[str] = []
        found = self._by_directory.get(current)
        while found is None:
            walked.append(current)
            candidate = Path(current, PYPROJECT)
            parent = os.path.dirname(current)
            if _configures_conclint(candidate):
                found = self._load(candidate)
            elif parent == current:
                found = self._load(None)
            else:
                current = parent
                found = self._by_directory.get(current)
        for seen in walked:
            self._by_directory[seen] = found
        return found

    def _load(self, source: Path | None) -> Configuration:
        """The Configuration of `source` (None: the defaults), read once."""
        loaded = self._by_source.get(source)
        if loaded is None:
            values, origins = _read_merged(source) if source is not None else ({}, {})
            root = source.parent if source is not None else self.working_directory
            loaded = self._by_source[source] = Configuration(
                _with_overrides(values, self._overrides),
                root,
                source,
                origins.get("exclude"),
                origins.get("per_file_ignores"),
            )
        return loaded


def run_root(configurations: Configurations, paths: Sequence[str | os.PathLike[str]]) -> Path:
    """The project directory of a run as a whole: where its cache lives by default.

    The directory of `--config`; else that of the working directory's configuration; else,
    when every path given has the same configuration file, its directory (so `conclint proj`
    from proj's parent uses proj's cache, as `cd proj && conclint .` does); else the working
    directory. Each file's own settings never depend on this.
    """
    if configurations.forced is not None:
        return configurations.forced.root
    here = configurations.for_directory(configurations.working_directory)
    if here.source is not None:
        return here.root
    found = {_configuration_of_argument(configurations, path) for path in paths}
    if len(found) == 1:
        return found.pop().root
    return configurations.working_directory


def _configuration_of_argument(configurations: Configurations, path: str | os.PathLike[str]) -> Configuration:
    """The configuration of a path given on the command line: a directory's own, a file's directory's."""
    if os.path.isdir(path):
        return configurations.for_directory(path)
    return configurations.for_file(path)


def _with_overrides(configured: Mapping[str, Any], cli_overrides: Mapping[str, Any]) -> Settings:
    """Settings from the configured field values with the command line's over them."""
    values = dict(configured)
    given = {key: value for key, value in cli_overrides.items() if value is not None}
    unknown = sorted(set(given) - _FIELD_NAMES)
    if unknown:
        raise TypeError(f"load_settings() got unknown override(s): {', '.join(unknown)}")
    for key, value in given.items():
        option = "--" + key.replace("_", "-")
        converted = _CONVERTERS[key](value, f"command line: {option}")
        if key == "ignore":
            converted = values.get("ignore", ()) + converted
        values[key] = converted
    return Settings(**values)


def _read_merged(pyproject: Path, extended_by: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, Path]]:
    """The Settings field values `pyproject` configures, merged over those of the file it
    `extend`s (its own keys win, whole: a list is replaced, not appended to), and for each
    field the directory of the file that set it, which its patterns are relative to."""
    table = _read_table(pyproject)
    extend = table.pop(EXTEND_KEY, None)
    values: dict[str, Any] = {}
    origins: dict[str, Path] = {}
    if extend is not None:
        base = _extended_file(pyproject, extend, extended_by)
        values, origins = _read_merged(base, (*extended_by, pyproject))
    for field_name, value in table.items():
        values[field_name] = value
        origins[field_name] = pyproject.parent
    return values, origins


def _extended_file(pyproject: Path, extend: object, extended_by: tuple[Path, ...]) -> Path:
    """The file `extend = "..."` in `pyproject` names, relative to `pyproject`'s directory."""
    if not isinstance(extend, str) or not extend.strip():
        raise ConfigError(f"{pyproject}: [tool.conclint] extend: expected the path of a pyproject.toml, got {_describe(extend)}")
    target = Path(os.path.abspath(pyproject.parent / os.path.expanduser(extend)))
    if target in (*extended_by, pyproject):
        raise ConfigError(f"{pyproject}: [tool.conclint] extend: {extend!r} leads back to {target} (a cycle)")
    if not target.is_file():
        raise ConfigError(f"{pyproject}: [tool.conclint] extend: {extend!r} is not a file ({target})")
    return target


def _read_table(pyproject: Path) -> dict[str, Any]:
    """The `[tool.conclint]` table of `pyproject`, validated and converted to Settings fields
    (and `extend`, kept as written)."""
    try:
        text = read_regular(pyproject, MAX_CONFIG_BYTES, follow=True).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read: {_reason(error)}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML: {_one_line(str(error))}") from None
    table = document.get("tool", {}).get("conclint", {}) if isinstance(document.get("tool"), dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.conclint] must be a table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key == EXTEND_KEY:
            values[EXTEND_KEY] = raw
            continue
        field_name = _KEYS.get(key)
        if field_name is None:
            raise ConfigError(
                f"{pyproject}: unknown key {key!r} in [tool.conclint]; expected one of: {', '.join(sorted([*_KEYS, EXTEND_KEY]))}"
            )
        values[field_name] = _CONVERTERS[field_name](raw, f"{pyproject}: [tool.conclint] {key}")
    return values


# --- Value converters: raw TOML (or CLI) value -> Settings field value -----------------------


def _string_list(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, (list, tuple)) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(f"{where}: expected a list of strings, got {_describe(raw)}")
    return tuple(raw)


def _qualified_names(raw: object, where: str) -> tuple[str, ...]:
    names = tuple(item.strip() for item in _string_list(raw, where))
    bad = [name for name in names if not all(part.isidentifier() for part in name.split("."))]
    if bad:
        raise ConfigError(f"{where}: expected qualified names such as \"mylib.run_in_thread\", got {bad[0]!r}")
    return names


def _selectors(raw: object, where: str) -> tuple[str, ...]:
    selectors = tuple(item.strip() for item in _string_list(raw, where))
    _check_selectors(selectors, where)
    return selectors


def _check_selectors(selectors: tuple[str, ...], where: str) -> None:
    from conclint.rules.registry import UnknownSelectorError, check_selectors

    try:
        check_selectors(selectors)
    except UnknownSelectorError as error:
        raise ConfigError(f"{where}: {error}") from None


def _per_file_ignores(raw: object, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of glob pattern -> list of codes, got {_describe(raw)}")
    return tuple((pattern, _selectors(codes, f"{where} {pattern!r}")) for pattern, codes in raw.items())


_QUALNAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _blocking_calls(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    from conclint.knowledge.blocking import Category

    categories = {category.value for category in Category}
    if isinstance(raw, (list, tuple)):
        pairs = [(name, Category.OTHER.value) for name in _string_list(raw, where)]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ConfigError(
            f"{where}: expected a list of qualified names or a table of name -> category, got {_describe(raw)}"
        )
    for name, category in pairs:
        if not isinstance(name, str) or not _QUALNAME.fullmatch(name):
            raise ConfigError(f"{where}: {name!r} is not a qualified name such as 'mylib.client.fetch'")
        if category not in categories:
            raise ConfigError(
                f"{where}: unknown category {category!r} for {name!r}; expected one of: {', '.join(sorted(categories))}"
            )
    return tuple(pairs)


_VERSION = re.compile(r"(?:py)?3\.?(?P<minor>\d{1,2})", re.IGNORECASE)


def _target_version(raw: object, where: str) -> str:
    match = _VERSION.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise ConfigError(f"{where}: expected a Python version such as \"3.12\" or \"py312\", got {_describe(raw)}")
    return f"3.{int(match.group('minor'))}"


def _boolean(raw: object, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ConfigError(f"{where}: expected true or false, got {_describe(raw)}")
    return raw


# Units of a size written as text (`"4MB"`): binary multiples, as the sizes conclint reports.
_SIZE_UNITS: Mapping[str, int] = {"": 1, "B": 1, "KB": 1024, "KIB": 1024, "MB": 1024**2, "MIB": 1024**2, "GB": 1024**3, "GIB": 1024**3}
_SIZE = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[A-Za-z]*)")


def _byte_size(raw: object, where: str) -> int:
    """A positive number of bytes: an integer, or text such as "4MB", "512KB" or "1000"."""
    size = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        size = raw
    elif isinstance(raw, str):
        match = _SIZE.fullmatch(raw.strip())
        unit = _SIZE_UNITS.get(match.group("unit").upper()) if match else None
        if match and unit is not None:
            size = int(float(match.group("number")) * unit)
    if size is None or size <= 0:
        raise ConfigError(
            f"{where}: expected a positive size in bytes, such as 4194304 or \"4MB\" (units B, KB, MB, GB), got {_describe(raw)}"
        )
    return size


# TOML key -> Settings field; each field has one converter shared by the file and the CLI.
_KEYS: Mapping[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "per-file-ignores": "per_file_ignores",
    "exclude": "exclude",
    "extend-blocking-calls": "extend_blocking_calls",
    "target-version": "target_version",
    "free-threaded": "free_threaded",
    "max-file-size": "max_file_size",
    "offload-decorators": "offload_decorators",
    "respect-gitignore": "respect_gitignore",
}
_CONVERTERS: Mapping[str, Callable[[Any, str], Any]] = {
    "select": _selectors,
    "ignore": _selectors,
    "per_file_ignores": _per_file_ignores,
    "exclude": _string_list,
    "extend_blocking_calls": _blocking_calls,
    "target_version": _target_version,
    "free_threaded": _boolean,
    "max_file_size": _byte_size,
    "offload_decorators": _qualified_names,
    "respect_gitignore": _boolean,
}
_FIELD_NAMES = frozenset(_CONVERTERS)


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, (dict, list)) else type(value).__name__


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or _one_line(str(error))
