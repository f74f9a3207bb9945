"""Lint results kept between runs, so that an unchanged file is never parsed again.

A file's result is reused when its cache key is unchanged. The key is made of:

- the file's content (a blake2b digest of its bytes);
- the effective settings for the file (a digest of the Settings value, per-file ignores
  already folded in by the runner);
- whether the project index was used (`dependencies` of `cache_key`), and then the other
  modules its findings were drawn from: each entry remembers their paths and content
  digests, and is reused only while every one of them still has that content;
- the engine itself: conclint's version and source files, libcst, and the Python version
  (whose parser decides CCL001). A change there starts a new results file.

Layout under the cache directory (`.conclint_cache/` in the project root by default):
`.gitignore` (holding `*`, so the directory never reaches version control), `CACHEDIR.TAG`,
and one `results-<engine>.json` per engine, mapping each file's path (relative to the
project root) to its findings under its few most recent keys. Paths are the index, so a file
that changes replaces its own entries and the cache does not grow with every edit.

Everything here is best effort: an unreadable, corrupt or foreign file, or an entry that
does not decode, is a miss; a cache that cannot be written is skipped. Nothing in this module
imports libcst, so a run served entirely from the cache never loads it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import conclint
from conclint.config import Settings
from conclint.model import Diagnostic, Edit, Fix, Span

DEFAULT_DIRECTORY_NAME = ".conclint_cache"
FORMAT_VERSION = 1
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This directory holds conclint's cache; see https://bford.info/cachedir/\n"
# Results kept per file: one per recent key, so that runs alternating between settings (a
# pre-commit hook with `--select`, a full run) do not evict each other.
KEYS_PER_FILE = 3
# Results files of other engines (an older conclint, another libcst) older than this are removed.
STALE_AFTER_SECONDS = 7 * 24 * 3600


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_SETTINGS_DIGESTS: dict[Settings, str] = {}


def settings_digest(settings: Settings) -> str:
    """A stable digest of everything in `settings` that can change a file's findings.

    `exclude` only decides which files are checked, so it is left out.
    """
    found = _SETTINGS_DIGESTS.get(settings)
    if found is None:
        fields = dataclasses.asdict(dataclasses.replace(settings, exclude=()))
        text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        found = _SETTINGS_DIGESTS[settings] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return found


def cache_key(content: str, settings: Settings, dependencies: str = "") -> str:
    """The key a file's cached findings are valid for; `content` is its `content_digest`."""
    return f"{content}:{settings_digest(settings)}:{dependencies}"


def engine_fingerprint() -> str:
    """A digest of what produces the findings: conclint's sources, libcst, Python's parser.

    conclint's own source files are hashed (not just its version), so an editable install
    never serves results of code that has since changed. libcst is identified by its
    package's `__init__.py` (size and time), found without importing it.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT_VERSION}\0{conclint.__version__}\0{sys.version}\0".encode())
    package = Path(conclint.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0")
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"?")
    try:
        spec = importlib.util.find_spec("libcst")
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin else None
        digest.update(f"{origin}\0{stat.st_size}\0{stat.st_mtime_ns}".encode() if stat else b"no libcst")
    except (OSError, ImportError, ValueError):
        digest.update(b"no libcst")
    return digest.hexdigest()


class Cache:
    """The results file of this engine in `directory`; `get` and `put` entries, then `save`."""

    def __init__(self, directory: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory)
        self._root = os.path.abspath(root if root is not None else os.getcwd())
        self._file = self.directory / f"results-{engine_fingerprint()}.json"
        self._entries: dict[str, list[Any]] = _load(self._file)
        self._changed: dict[str, list[Any]] = {}
        # Content digests of dependency files, read at most once per run.
        self._digests: dict[str, str] = {}

    def entry_name(self, path: str) -> str:
        """The index of `path`: relative to the project root, with forward slashes."""
        absolute = os.path.abspath(path)
        prefix = self._root.rstrip(os.sep) + os.sep
        name = absolute[len(prefix) :] if absolute.startswith(prefix) else absolute
        return name.replace(os.sep, "/")

    def has_entry(self, path: str) -> bool:
        return self.entry_name(path) in self._entries

    def get(self, path: str, key: str) -> tuple[Diagnostic, ...] | None:
        """The cached findings of `path` under `key` (with `path` as their path), or None
        when there are none or a module they were drawn from has changed since."""
        try:
            for entry in self._entries.get(self.entry_name(path), ()):
                if entry[0] == key:
                    if len(entry) > 2 and not self._unchanged(entry[2]):
                        return None
                    return tuple(_decode(path, item) for item in entry[1])
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            pass
        return None

    def put(
        self, path: str, key: str, diagnostics: Sequence[Diagnostic], dependencies: Mapping[str, str] | None = None
    ) -> None:
        """Remember `diagnostics` for `path` under `key`, next to the results of its
        KEYS_PER_FILE - 1 most recent other keys (runs with other settings). `dependencies`
        maps the other files the findings were drawn from to their content digests."""
        name = self.entry_name(path)
        previous = self._entries.get(name)
        kept = [item for item in previous if _is_entry(item) and item[0] != key] if isinstance(previous, list) else []
        new: list[Any] = [key, [_encode(diagnostic) for diagnostic in diagnostics]]
        if dependencies:
            new.append(dict(dependencies))
        entry = [new, *kept[: KEYS_PER_FILE - 1]]
        self._entries[name] = self._changed[name] = entry

    def _unchanged(self, dependencies: Mapping[str, str]) -> bool:
        """True when every file in `dependencies` still has the content digest recorded."""
        for file, digest in dependencies.items():
            if file not in self._digests:
                try:
                    self._digests[file] = content_digest(Path(file).read_bytes())
                except OSError:
                    self._digests[file] = ""
            if self._digests[file] != digest:
                return False
        return True

    def save(self) -> None:
        """Write the entries added since loading, merged into what is on disk now (another
        run may have written meanwhile), atomically. Failures are silent: a cache is optional."""
        if not self._changed:
            return
        try:
            self._prepare_directory()
            entries = _load(self._file)
            entries.update(self._changed)
            _write_atomically(self._file, json.dumps({"format": FORMAT_VERSION, "entries": entries}))
            self._changed = {}
            self._remove_stale_results()
        except OSError:
            pass

    def _prepare_directory(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# Created by conclint.\n*\n"), ("CACHEDIR.TAG", _TAG)):
            with contextlib.suppress(FileExistsError), open(self.directory / name, "x", encoding="utf-8") as marker:
                marker.write(text)

    def _remove_stale_results(self) -> None:
        """Results files, and stores of module summaries (`summaries/<engine>-<settings>/`,
        see `conclint.analysis.project`), of other engines, unused for STALE_AFTER_SECONDS."""
        now = time.time()
        for other in self.directory.glob("results-*.json"):
            try:
                if other != self._file and now - other.stat().st_mtime > STALE_AFTER_SECONDS:
                    other.unlink()
            except OSError:
                continue
        engine = self._file.stem.removeprefix("results-")
        for store in self.directory.glob("summaries/*"):
            try:
                if not store.name.startswith(engine) and now - store.stat().st_mtime > STALE_AFTER_SECONDS:
                    shutil.rmtree(store)
            except OSError:
                continue


def _is_entry(item: object) -> bool:
    return isinstance(item, list) and len(item) in (2, 3)


def _load(file: Path) -> dict[str, list[Any]]:
    try:
        document = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT_VERSION:
        return {}
    entries = document.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write_atomically(file: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=file.name + ".", suffix=".tmp", dir=file.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp's 0o600 would hide the cache from a shared checkout's other users
        os.replace(temporary, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _encode(diagnostic: Diagnostic) -> list[Any]:
    span = diagnostic.span
    fix = diagnostic.fix
    encoded_fix = None
    if fix is not None:
        edits = [[*_span_values(edit.span), edit.replacement] for edit in fix.edits]
        encoded_fix = [edits, fix.safe, fix.description]
    return [*_span_values(span), diagnostic.code, diagnostic.name, diagnostic.message, diagnostic.suggestion, encoded_fix]


def _span_values(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _decode(path: str, item: list[Any]) -> Diagnostic:
    line, column, end_line, end_column, code, name, message, suggestion, encoded_fix = item
    fix = None
    if encoded_fix is not None:
        edits, safe, description = encoded_fix
        fix = Fix(tuple(Edit(_span(edit[:4]), _text(edit[4])) for edit in edits), bool(safe), _text(description))
    return Diagnostic(
        path=path,
        span=_span([line, column, end_line, end_column]),
        code=_text(code),
        name=_text(name),
        message=_text(message),
        suggestion=_text(suggestion),
        fix=fix,
    )


def _span(values: Iterable[Any]) -> Span:
    numbers = list(values)
    if len(numbers) != 4 or not all(type(number) is int for number in numbers):
        raise ValueError("malformed span")
    return Span(*numbers)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("malformed text")
    return value
