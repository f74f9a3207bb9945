"""Module summaries kept on disk between runs, under the cache directory.

The project index (`conclint.analysis.project_index`) summarizes the modules a lint follows;
this store keeps those summaries by content digest, so the next run reads a JSON file instead
of parsing the module again. It lives with the cache because it obeys the cache's rules: it
writes only in a directory conclint created and marked, never through a symlink.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from conclint.analysis.summaries import ModuleSummary
from conclint.core.safe_files import Directory
from conclint.project.cache import SUMMARIES_DIRECTORY_NAME, CacheDirectoryError, make_cache_directory, open_cache_directory

# A stored summary larger than this is a miss, left unread (a planted file must not take the
# run's memory). A summary's JSON is about as large as its module's source (tkinter's
# `__init__.py`: 172 KB of source, 156 KB of summary), so this passes modules well above the
# largest generated one seen on a developer machine (6 MB).
MAX_SUMMARY_BYTES = 16 * 1024 * 1024


class SummaryStore:
    """Module summaries on disk, one JSON file per content digest and module name (which
    anchors relative imports), under `directory`.

    `key` names what else a summary depends on (the engine and the settings): stores of
    other keys live side by side. `directory` is a cache directory, checked and marked as
    the results cache's is (`conclint.project.cache.make_cache_directory`); the store and its files
    are opened without following symlinks, and read as regular files of bounded size. Best
    effort: unreadable, corrupt or foreign entries are misses, failed writes are skipped, and
    in a directory that is not conclint's nothing is read or written.
    """

    def __init__(self, directory: str | os.PathLike[str], key: str) -> None:
        self.directory = Path(directory) / SUMMARIES_DIRECTORY_NAME / key
        self._cache_directory = Path(directory)
        self._key = key
        self._opened: Directory | None = None
        self._refused = False

    def get(self, digest: str, anchor: str) -> ModuleSummary | None:
        store = self._store(create=False)
        if store is None:
            return None
        try:
            return ModuleSummary.from_dict(json.loads(store.read(f"{digest}-{anchor}.json", MAX_SUMMARY_BYTES)))
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError):
            return None  # OverflowError: `int()` of an infinity; RecursionError: a planted `[[[[...`

    def put(self, digest: str, anchor: str, summary: ModuleSummary) -> None:
        store = self._store(create=True)
        if store is not None:
            with contextlib.suppress(OSError, ValueError):
                store.write(f"{digest}-{anchor}.json", json.dumps(summary.as_dict(), separators=(",", ":")).encode())

    def _store(self, create: bool) -> Directory | None:
        """This store's directory, opened once (made with `create`); None while there is none,
        and for good once the cache directory turned out not to be conclint's."""
        if self._opened is None and not self._refused:
            try:
                self._opened = _open_store(self._cache_directory, self._key, create)
            except CacheDirectoryError:
                self._refused = True
            except OSError:
                pass
        return self._opened


def _open_store(cache_directory: Path, key: str, create: bool) -> Directory | None:
    """`summaries/<key>` in the cache directory, each level opened without following a symlink."""
    cache = make_cache_directory(cache_directory) if create else open_cache_directory(cache_directory)
    if cache is None:
        return None
    with cache, cache.subdirectory(SUMMARIES_DIRECTORY_NAME, create) as summaries:
        return summaries.subdirectory(key, create)
