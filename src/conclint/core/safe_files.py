"""Files read and written without trusting what is on disk there.

A cache directory can come with the repository being linted (committed, or a symlink to
`..`), so everything conclint reads from it or writes into it goes through here: no symlink
is followed at the last step (a symlink is an error, not its target), only regular files are
read (a FIFO would block the run, `/dev/zero` never ends), nothing is read past a size cap,
and a file is written under a temporary name, then renamed into place, so that a crash or a
full disk leaves either the old content or the new one, never half of it.

A `Directory` is opened once and the names inside it are resolved relative to it
(`dir_fd`), so a directory swapped for a symlink after it was checked is not followed either.
Where the platform cannot resolve names relative to a directory (Windows), paths are joined
and checked with `lstat` instead.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import weakref
from pathlib import Path
from types import TracebackType

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; with it open()
# returns at once and fstat tells what the file is. It changes nothing for a regular file.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW | _CLOEXEC | _BINARY
# O_EXCL: the temporary name is new, never an existing file or a symlink planted there.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
# Whether every operation below can take a directory descriptor (POSIX, not Windows).
_RELATIVE = {os.open, os.stat, os.unlink, os.rename, os.mkdir, os.rmdir} <= os.supports_dir_fd and (
    os.scandir in os.supports_fd
)
# `write` names its temporary files `<name>.<16 hex digits>.tmp` (random, so that processes
# writing the same file at once do not collide); a crash can leave one behind.
TEMPORARY_NAME = re.compile(r"(?P<target>.+)\.[0-9a-f]{16}\.tmp")
_TEMPORARY_RANDOM_BYTES = 8


def read_regular(path: str | os.PathLike[str], limit: int, dir_fd: int | None = None, follow: bool = False) -> bytes:
    """The bytes of the regular file at `path` (relative to `dir_fd` when given), not through a
    symlink unless `follow`; OSError for anything else, and for a file larger than `limit` bytes."""
    descriptor = os.open(path, _READ_FLAGS & ~_NOFOLLOW if follow else _READ_FLAGS, dir_fd=dir_fd)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        if status.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit} bytes", os.fspath(path))
        with os.fdopen(descriptor, "rb", closefd=True) as stream:
            descriptor = -1
            data = stream.read(limit + 1)  # the file may have grown since fstat
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit} bytes", os.fspath(path))
    return data


class Directory:
    """A directory opened without following a symlink to it; the names given to its methods
    are entries of it (no `/`), never followed when they are symlinks."""

    def __init__(self, path: Path, descriptor: int | None) -> None:
        self.path = path
        self._descriptor = descriptor
        # Closes the descriptor when the object goes away without `close` (a store kept by a
        # worker process for its whole life).
        self._finalizer = weakref.finalize(self, os.close, descriptor) if descriptor is not None else None

    @classmethod
    def open(cls, path: str | os.PathLike[str], parent: Directory | None = None) -> Directory:
        """The directory at `path` (an entry of `parent` when given); OSError when it is
        missing, a symlink or not a directory."""
        where = Path(path) if parent is None else parent.path / path
        if not _RELATIVE:
            if not stat.S_ISDIR(os.lstat(where).st_mode):  # S_ISDIR is false for a symlink
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(where))
            return cls(where, None)
        descriptor = os.open(path, _DIRECTORY_FLAGS, dir_fd=parent._descriptor if parent is not None else None)
        return cls(where, descriptor)

    def __enter__(self) -> Directory:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()

    def _at(self, name: str) -> str:
        """What to pass with `dir_fd=self._descriptor` to mean the entry `name`."""
        if os.sep in name or (os.altsep and os.altsep in name) or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        return name if self._descriptor is not None else str(self.path / name)

    def read(self, name: str, limit: int) -> bytes:
        """The bytes of the regular file `name`; see `read_regular`."""
        return read_regular(self._at(name), limit, dir_fd=self._descriptor)

    def write(self, name: str, data: bytes) -> None:
        """Replace the entry `name` (a symlink there is replaced, not followed) by a regular file
        holding `data`, through a temporary file renamed into place."""
        temporary = f"{name}.{secrets.token_hex(_TEMPORARY_RANDOM_BYTES)}.tmp"
        descriptor = os.open(self._at(temporary), _CREATE_FLAGS, 0o644, dir_fd=self._descriptor)
        try:
            with os.fdopen(descriptor, "wb", closefd=True) as stream:
                stream.write(data)
            os.replace(self._at(temporary), self._at(name), src_dir_fd=self._descriptor, dst_dir_fd=self._descriptor)
        except BaseException:
            try:
                os.unlink(self._at(temporary), dir_fd=self._descriptor)
            except OSError:
                pass
            raise

    def names(self) -> list[str]:
        with os.scandir(self._descriptor if self._descriptor is not None else self.path) as entries:
            return [entry.name for entry in entries]

    def lstat(self, name: str) -> os.stat_result:
        return os.stat(self._at(name), dir_fd=self._descriptor, follow_symlinks=False)

    def subdirectory(self, name: str, create: bool = False) -> Directory:
        """The directory `name` in this one (made first when `create`); OSError when it is
        missing, a symlink or not a directory."""
        if create:
            try:
                os.mkdir(self._at(name), 0o755, dir_fd=self._descriptor)
            except FileExistsError:
                pass
        self._at(name)  # checks that `name` is a plain name
        return Directory.open(name, self)

    def unlink(self, name: str) -> None:
        os.unlink(self._at(name), dir_fd=self._descriptor)

    def rmdir(self, name: str) -> None:
        os.rmdir(self._at(name), dir_fd=self._descriptor)


__all__ = ["Directory", "TEMPORARY_NAME", "read_regular"]
