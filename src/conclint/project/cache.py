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

The directory is not trusted: a repository can ship `.conclint_cache` as a symlink to `..`,
or a user can pass `--cache-dir .`. conclint writes and deletes only in a directory marked by
its own CACHEDIR.TAG (which it writes into a directory it creates, or into an empty one it
adopts), never through a symlink, and deletes only files named as it names them. Anything
else there is a `CacheDirectoryError`, which stops the CLI with one line. Inside, every file
is read as a regular file of bounded size (see `conclint.core.safe_files`), and so are the other
modules an entry's findings were drawn from: a FIFO, a device or a huge file is a miss.

Everything else here is best effort: an unreadable, corrupt or foreign file, or an entry that
does not decode, is a miss; a cache that cannot be written is skipped. Nothing in this module
imports libcst, so a run served entirely from the cache never loads it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import importlib.util
import json
import os
import re
import stat
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import conclint
from conclint.core.settings import Settings
from conclint.core.digests import content_digest
from conclint.core.model import ChainLink, Diagnostic, Edit, Fix, Span
from conclint.core.safe_files import TEMPORARY_NAME, Directory, read_regular

DEFAULT_DIRECTORY_NAME = ".conclint_cache"
FORMAT_VERSION = 3
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This directory holds conclint's cache; see https://bford.info/cachedir/\n"
# Results kept per file: one per recent key, so that runs alternating between settings (a
# pre-commit hook with `--select`, a full run) do not evict each other.
KEYS_PER_FILE = 3
# Results files of other engines (an older conclint, another libcst) older than this are removed.
STALE_AFTER_SECONDS = 7 * 24 * 3600
TAG_NAME = "CACHEDIR.TAG"
GITIGNORE_NAME = ".gitignore"
# Where `conclint.project.summary_store.SummaryStore` keeps its stores, one per engine and settings.
SUMMARIES_DIRECTORY_NAME = "summaries"
_GITIGNORE = "# Created by conclint.\n*\n"
# A results file larger than this is a miss, left unread: a planted one must not take the
# memory of the run. conclint's own are far below it: an entry takes ~126 bytes for a clean
# file and ~500 more per finding (measured over conclint's own tree), so this is ~500,000
# files. Past it a project would lose its cache, not its results.
MAX_RESULTS_BYTES = 64 * 1024 * 1024
# A module an entry's findings were drawn from is re-hashed to validate the entry; a larger
# one makes the entry a miss. Ten times the largest (generated) Python module found on a
# developer machine, 6 MB: only a planted path (a sparse file) reaches it.
MAX_DEPENDENCY_BYTES = 64 * 1024 * 1024
# CACHEDIR.TAG and .gitignore are two short lines; a larger one is not conclint's.
MAX_MARKER_BYTES = 4096
# The names conclint gives what it keeps in the cache directory: only these are ever deleted
# (`_remove_stale`), and only when they are regular files (stores of summaries: directories).
_RESULTS_NAME = re.compile(r"results-(?P<engine>[0-9a-f]{32})\.json")
_STORE_NAME = re.compile(r"(?P<engine>[0-9a-f]{32})-[0-9a-f]{32}")
# In a store: `<content digest>-<module anchor>.json`, and older conclints' temporary
# `<content digest>-<module anchor>.<pid>.tmp`.
_SUMMARY_NAME = re.compile(r"[0-9a-f]{32}-[^/\\]+\.(?:json|[0-9]+\.tmp)")
# Temporary files of older conclints' results (tempfile.mkstemp's 8 random characters).
_OLD_RESULTS_TEMPORARY = re.compile(r"results-[0-9a-f]{32}\.json\.[a-z0-9_]{8}\.tmp")


class CacheDirectoryError(Exception):
    """The cache directory exists and is not conclint's: a symlink, not a directory, or a
    directory without conclint's CACHEDIR.TAG that holds something. conclint neither writes
    nor deletes anything there; the message says what to do, in one line."""


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
    """The results file of this engine in `directory`; `get` and `put` entries, then `save`.

    CacheDirectoryError when `directory` exists and is not conclint's (see `open_cache_directory`).
    """

    def __init__(self, directory: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory)
        self._root = os.path.abspath(root if root is not None else os.getcwd())
        self._real_root: str | None = None
        self._name = f"results-{engine_fingerprint()}.json"
        self._entries: dict[str, list[Any]] = self._load_entries()
        self._changed: dict[str, list[Any]] = {}
        # Content digests of dependency files, read at most once per run.
        self._digests: dict[str, str] = {}

    def _load_entries(self) -> dict[str, list[Any]]:
        try:
            directory = open_cache_directory(self.directory)
        except OSError:
            return {}
        if directory is None:
            return {}
        with directory:
            return _load(directory, self._name)

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
                self._digests[file] = self._dependency_digest(file)
            if self._digests[file] != digest:
                return False
        return True

    def _dependency_digest(self, file: str) -> str:
        """The content digest of `file`, a module an entry's findings were drawn from; "" (the
        entry is a miss) when it cannot be read safely. The entry may be planted: its paths
        can name a FIFO (reading it would wait forever), a device (`/dev/zero` never ends), a
        huge file, or a symlink leading out of the project; those are not read."""
        try:
            real = os.path.realpath(file)
            if real != os.path.abspath(file) and not _is_within(real, self._project_root()):
                return ""
            return content_digest(read_regular(real, MAX_DEPENDENCY_BYTES))
        except (OSError, ValueError):  # ValueError: a path holding a NUL
            return ""

    def _project_root(self) -> str:
        if self._real_root is None:
            self._real_root = os.path.realpath(self._root)
        return self._real_root

    def save(self) -> None:
        """Write the entries added since loading, merged into what is on disk now (another
        run may have written meanwhile), atomically. Failures are silent: a cache is optional,
        and a directory that has become foreign since the run started is left alone."""
        if not self._changed:
            return
        try:
            with make_cache_directory(self.directory) as directory:
                entries = _load(directory, self._name)
                entries.update(self._changed)
                directory.write(self._name, _dump(entries, self._changed))
                self._changed = {}
                self._remove_stale(directory)
        except (OSError, CacheDirectoryError):
            pass

    def _remove_stale(self, directory: Directory) -> None:
        """Results files, and stores of module summaries (`summaries/<engine>-<settings>/`,
        see `conclint.analysis.project_index`), of other engines, unused for STALE_AFTER_SECONDS,
        and temporary files a crash left. Only names conclint gives, only regular files (and
        the store directories), never through a symlink."""
        now = time.time()
        engine = _RESULTS_NAME.fullmatch(self._name)
        for name in directory.names():
            if name != self._name and _is_generated_file(name) and _is_stale(directory, name, stat.S_ISREG, now):
                with contextlib.suppress(OSError):
                    directory.unlink(name)
        try:
            summaries = directory.subdirectory(SUMMARIES_DIRECTORY_NAME)
        except OSError:
            return
        with summaries:
            for name in summaries.names():
                store = _STORE_NAME.fullmatch(name)
                if store is None or (engine is not None and store["engine"] == engine["engine"]):
                    continue
                if _is_stale(summaries, name, stat.S_ISDIR, now):
                    _remove_store(summaries, name)


def open_cache_directory(path: Path) -> Directory | None:
    """The cache directory at `path`, opened without following a symlink, or None when there
    is none yet (nor an empty directory there, to be adopted by the first write). A
    `.gitignore` that a crash or a full disk left empty or cut short is written again.

    CacheDirectoryError when `path` is a symlink, not a directory, or a directory that holds
    something and no CACHEDIR.TAG of conclint's.
    """
    directory = _open_existing(path)
    if directory is None:
        return None
    try:
        owned = _claim(directory, adopt=False)
    except BaseException:
        directory.close()
        raise
    if not owned:
        directory.close()
        return None
    return directory


def make_cache_directory(path: Path) -> Directory:
    """`open_cache_directory`, the directory made (its parents too) or adopted when needed:
    CACHEDIR.TAG is written first, so the directory is conclint's before anything else is
    written there; then `.gitignore`."""
    directory = _open_existing(path)
    if directory is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.mkdir(path, 0o755)
        directory = _open_existing(path)
        if directory is None:
            raise FileNotFoundError(errno.ENOENT, "cache directory vanished", str(path))
    try:
        _claim(directory, adopt=True)
    except BaseException:
        directory.close()
        raise
    return directory


def _open_existing(path: Path) -> Directory | None:
    """The directory at `path`, None when nothing is there; CacheDirectoryError for a symlink
    or a file that is not a directory."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # NotADirectoryError: a parent is a file
        return None
    if stat.S_ISLNK(mode):
        raise CacheDirectoryError(
            f"cache directory {path} is a symbolic link; conclint does not write through one: "
            "remove it or pass another --cache-dir"
        )
    if not stat.S_ISDIR(mode):
        raise CacheDirectoryError(f"cache directory {path} is not a directory; remove it or pass another --cache-dir")
    return Directory.open(path)


def _claim(directory: Directory, adopt: bool) -> bool:
    """Whether `directory` is conclint's: it holds conclint's CACHEDIR.TAG (`.gitignore` is
    then repaired), or it holds nothing but what an interrupted creation leaves and `adopt`
    (the tag and `.gitignore` are then written). CacheDirectoryError when it holds anything
    else."""
    if _read_marker(directory, TAG_NAME) == _TAG:
        _repair_gitignore(directory)
        return True
    if not all(_is_creation_leftover(directory, name) for name in directory.names()):
        raise CacheDirectoryError(
            f"cache directory {directory.path} is not conclint's (no CACHEDIR.TAG written by conclint); "
            "remove it or pass another --cache-dir"
        )
    if not adopt:
        return False
    directory.write(TAG_NAME, _TAG.encode())
    _repair_gitignore(directory)
    return True


def _is_creation_leftover(directory: Directory, name: str) -> bool:
    """Whether the entry `name` of a directory without a tag is what conclint leaves when it is
    stopped while creating it: a marker file cut short (older conclints wrote them in place),
    or a temporary file of one."""
    temporary = TEMPORARY_NAME.fullmatch(name)
    if temporary is not None and temporary["target"] in (TAG_NAME, GITIGNORE_NAME):
        with contextlib.suppress(OSError):
            return stat.S_ISREG(directory.lstat(name).st_mode)
        return False
    expected = {TAG_NAME: _TAG, GITIGNORE_NAME: _GITIGNORE}.get(name)
    text = _read_marker(directory, name) if expected is not None else None
    return text is not None and expected is not None and expected.startswith(text)


def _read_marker(directory: Directory, name: str) -> str | None:
    """The text of a marker file (CACHEDIR.TAG, .gitignore); None when it is missing, not a
    regular file, too long or not text."""
    try:
        return directory.read(name, MAX_MARKER_BYTES).decode("utf-8")
    except (OSError, ValueError):
        return None


def _repair_gitignore(directory: Directory) -> None:
    """Write `.gitignore` again unless it ignores everything (a `*` line): a full disk or a
    crash may have left it empty. A user's additions to it are kept. Best effort."""
    text = _read_marker(directory, GITIGNORE_NAME)
    if text is None or "*" not in text.splitlines():
        with contextlib.suppress(OSError):
            directory.write(GITIGNORE_NAME, _GITIGNORE.encode())


def _is_generated_file(name: str) -> bool:
    """Whether `name`, in the cache directory, is a results file or a temporary file conclint
    would name so (the markers' own temporary files included)."""
    temporary = TEMPORARY_NAME.fullmatch(name)
    target = temporary["target"] if temporary is not None else name
    if temporary is not None and target in (TAG_NAME, GITIGNORE_NAME):
        return True
    return _RESULTS_NAME.fullmatch(target) is not None or _OLD_RESULTS_TEMPORARY.fullmatch(name) is not None


def _is_stale(directory: Directory, name: str, kind: Callable[[int], bool], now: float) -> bool:
    """Whether the entry `name` is of `kind` (`stat.S_ISREG`, `stat.S_ISDIR`; never a
    symlink) and unchanged for STALE_AFTER_SECONDS."""
    try:
        status = directory.lstat(name)
    except OSError:
        return False
    return kind(status.st_mode) and now - status.st_mtime > STALE_AFTER_SECONDS


def _remove_store(summaries: Directory, name: str) -> None:
    """Remove the store of summaries `name`: the files in it named as conclint names them,
    then the directory, if that left it empty."""
    try:
        store = summaries.subdirectory(name)
    except OSError:
        return
    with store:
        for entry in store.names():
            temporary = TEMPORARY_NAME.fullmatch(entry)
            if _SUMMARY_NAME.fullmatch(temporary["target"] if temporary is not None else entry) is None:
                continue
            with contextlib.suppress(OSError):
                if stat.S_ISREG(store.lstat(entry).st_mode):
                    store.unlink(entry)
    with contextlib.suppress(OSError):
        summaries.rmdir(name)


def _is_within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _is_entry(item: object) -> bool:
    return isinstance(item, list) and len(item) in (2, 3)


def _load(directory: Directory, name: str) -> dict[str, list[Any]]:
    """The entries of the results file `name`; {} when it is missing, not a regular file,
    larger than MAX_RESULTS_BYTES, corrupt, or nested deeper than the JSON decoder recurses
    (a planted `[[[[...`)."""
    try:
        document = json.loads(directory.read(name, MAX_RESULTS_BYTES))
    except (OSError, ValueError, RecursionError, MemoryError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT_VERSION:
        return {}
    entries = document.get("entries")
    return entries if isinstance(entries, dict) else {}


def _dump(entries: Mapping[str, Any], changed: Mapping[str, Any]) -> bytes:
    """The results file holding `entries`; holding only `changed` (this run's, which always
    encode) when an entry read from disk nests too deeply to encode again, so that one bad
    entry cannot keep every later run from saving."""
    try:
        return json.dumps({"format": FORMAT_VERSION, "entries": entries}).encode()
    except (RecursionError, ValueError):
        return json.dumps({"format": FORMAT_VERSION, "entries": changed}).encode()


def _encode(diagnostic: Diagnostic) -> list[Any]:
    span = diagnostic.span
    fix = diagnostic.fix
    encoded_fix = None
    if fix is not None:
        edits = [[*_span_values(edit.span), edit.replacement] for edit in fix.edits]
        encoded_fix = [edits, fix.safe, fix.description]
    return [
        *_span_values(span),
        diagnostic.code,
        diagnostic.name,
        diagnostic.message,
        diagnostic.suggestion,
        encoded_fix,
        diagnostic.function,
        [_encode_link(link, diagnostic.path) for link in diagnostic.chain],
    ]


def _encode_link(link: ChainLink, path: str) -> list[Any]:
    """`[where, line, function]`: where is "" for the finding's own file, else the link's file
    relative to the finding's directory, so that the entry still holds when the run names
    files differently (from another working directory, or absolutely)."""
    if link.path == path:
        where = ""
    else:
        try:
            where = os.path.relpath(os.path.abspath(link.path), os.path.dirname(os.path.abspath(path)))
        except ValueError:  # another drive: kept absolute
            where = os.path.abspath(link.path)
    return [where.replace(os.sep, "/"), link.line, link.function]


def _decode_link(item: Any, path: str) -> ChainLink:
    where, line, function = item
    if type(line) is not int:
        raise ValueError("malformed chain link")
    where = _text(where)
    if where and not os.path.isabs(where):
        where = os.path.normpath(os.path.join(os.path.dirname(path), where))
    return ChainLink(where or path, line, _text(function))


def _span_values(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _decode(path: str, item: list[Any]) -> Diagnostic:
    line, column, end_line, end_column, code, name, message, suggestion, encoded_fix, function, chain = item
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
        function=_text(function),
        chain=tuple(_decode_link(link, path) for link in chain),
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
