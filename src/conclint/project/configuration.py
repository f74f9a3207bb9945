"""Configuration: `[tool.conclint]` in pyproject.toml becomes one validated `Settings` value."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Callable, Mapping

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conclint.core.settings import Settings

# Everything here turns `[tool.conclint]` into a validated Settings, so that a mistake in the
# configuration stops the run with one clear line instead of being silently ignored.

PYPROJECT = "pyproject.toml"


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
        if not candidate.is_file():
            continue
        try:
            document = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return candidate
        except OSError:
            continue
        if "conclint" in document.get("tool", {}):
            return candidate
    return None


def load_settings(pyproject: Path | None, **cli_overrides: Any) -> Settings:
    """Settings from `[tool.conclint]` in `pyproject` (None: defaults), then the CLI overrides.

    Override keywords are Settings field names; a value of None means "not given". `select`
    and every other field replace the configured value, except `ignore`, which is added to
    the configured one (`--select` narrows the run, `--ignore` only ever removes more).
    Raises ConfigError for unreadable or malformed TOML, unknown keys, wrong value types and
    unknown rule codes or names.
    """
    values: dict[str, Any] = {}
    if pyproject is not None:
        values = _read_table(pyproject)
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


def _read_table(pyproject: Path) -> dict[str, Any]:
    """The `[tool.conclint]` table of `pyproject`, validated and converted to Settings fields."""
    try:
        text = pyproject.read_text(encoding="utf-8")
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
        field_name = _KEYS.get(key)
        if field_name is None:
            raise ConfigError(
                f"{pyproject}: unknown key {key!r} in [tool.conclint]; expected one of: {', '.join(sorted(_KEYS))}"
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
}
_FIELD_NAMES = frozenset(_CONVERTERS)


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, (dict, list)) else type(value).__name__


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or _one_line(str(error))
