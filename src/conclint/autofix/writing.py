"""Read a Python file for fixing, and write the fixed text back without harming the file.

Text is decoded the way Python decodes source (a BOM, else a PEP 263 coding cookie, else
UTF-8) and never has its newlines translated, so CRLF files keep CRLF. Writing encodes with
the same codec (the BOM included), into a temporary file in the same directory (fsynced)
that then replaces the original, so a reader never sees half a file and a failure leaves
the original and no temporary behind.

What writing keeps or refuses, and why:

* Only a file whose real path lies under one of the allowed roots is written: a symlink in
  the tree pointing out of it (`evil.py -> ../outside/lib.py`) would otherwise let whoever
  planted it have `--fix` rewrite a file the user never asked about.
* The replacement gets the original's permission bits, owner and group (a `--fix` run as
  root must not hand a user's file to root). When the owner cannot be kept (not root, the
  file belongs to someone else) the file is refused rather than silently given away.
* A file with several hard links is refused: replacing it gives this name a new inode and
  leaves the other names with the old text, which is worse than not fixing it.
* A read-only file (by its permission bits, even for root) is refused.
* Another writer's change wins. The file is compared with what was read (inode, device,
  size, modification time, link count, and the whole content) once more after the
  temporary file is written and fsynced, immediately before the replace, while holding an
  exclusive `flock` on the original; the lock is kept until the replace is done.

The guarantee, and its limit: a change that reached the file before that last check is
never overwritten, and a writer that takes `flock` itself (another conclint run, tools
that lock) cannot slip in at all. `flock` is advisory, and POSIX has no rename that fails
when its target changed, so a writer that does not lock and writes in the microseconds
between the last check and the replace (or through a descriptor it opened before the
replace) writes into the file being replaced. Such a write is looked for once more after
the replace, through the descriptor still open on the old file, and reported
(`OverwroteEdit`) rather than passed over in silence; it cannot be undone safely, since
the other writer may not have finished.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import tempfile
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

try:
    import fcntl
except ImportError:  # Windows: no flock; the checks before the replace still run
    fcntl = None  # type: ignore[assignment]

# Opening the original for the last check must not follow a symlink put in its place since
# the real path was resolved; 0 where the platform has no such flag.
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Whether the original stays open (and locked) across the replace: Windows cannot replace a
# file that is open, and has no flock to hold.
HOLD_ACROSS_REPLACE = fcntl is not None
# Errors of a non-blocking flock that mean another process holds the lock (the rest, such
# as an NFS mount without locking, mean locking is unavailable and the checks go on alone).
LOCK_HELD = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES}


class WriteRefused(Exception):
    """The fixed text was not written; the message says why."""


class OverwroteEdit(Exception):
    """The fixed text was written, but another program changed the file in the instant
    between the last check and the replace; that change is lost and the message says so."""


@dataclass(frozen=True)
class SourceFile:
    """A file as read for fixing: its bytes, their text, and what writing back must keep
    or check (the identity and times of the file as read)."""

    path: str
    data: bytes
    text: str
    encoding: str  # a codec name; "utf-8-sig" for a UTF-8 file with a BOM
    mode: int
    mtime_ns: int
    uid: int
    gid: int
    inode: int
    device: int
    links: int


def read_source_file(path: str) -> SourceFile:
    """`path` read and decoded; OSError when unreadable, UnicodeError/SyntaxError when it
    does not decode as Python source."""
    with open(path, "rb") as stream:
        status = os.fstat(stream.fileno())
        data = stream.read()
    encoding = source_encoding(data)
    text = data.decode(encoding)
    return SourceFile(
        path,
        data,
        text,
        encoding,
        status.st_mode,
        status.st_mtime_ns,
        status.st_uid,
        status.st_gid,
        status.st_ino,
        status.st_dev,
        status.st_nlink,
    )


def source_encoding(data: bytes) -> str:
    """The codec Python uses for source `data` (SyntaxError for an unknown cookie)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return codecs.lookup(encoding).name if encoding != "utf-8-sig" else encoding


def encode_text(source: SourceFile, text: str) -> bytes:
    """`text` in the file's own encoding (WriteRefused when a character does not fit)."""
    try:
        return text.encode(source.encoding)
    except UnicodeEncodeError as error:
        raise WriteRefused(f"the fixed text cannot be encoded as {source.encoding}: {error.reason}") from None


def real_root(path: str | os.PathLike[str]) -> str:
    """The real path of a directory (or file) that writes are allowed under."""
    return os.path.realpath(path)


def is_within(path: str, roots: Sequence[str]) -> bool:
    """Whether real path `path` is one of `roots` or lies under one (all real paths)."""
    candidate = os.path.normcase(path)
    for root in roots:
        base = os.path.normcase(root)
        try:
            if os.path.commonpath([candidate, base]) == base:
                return True
        except ValueError:  # different drives, or a relative path mixed with absolute ones
            continue
    return False


def write_fixed(source: SourceFile, text: str, allowed: Sequence[str] | None = None) -> None:
    """Replace the file `source` was read from with `text`, atomically.

    `allowed`: the real paths writes may go to (a file under one of them); None allows any.
    WriteRefused when the file is outside them, hard-linked, read-only, changed since it was
    read, locked by another process, or cannot be written with its owner kept; nothing is
    written then. OverwroteEdit when the text was written but a concurrent edit is lost.
    """
    data = encode_text(source, text)
    target = os.path.realpath(source.path)  # a symlink keeps pointing at the fixed file
    _refuse_unsafe_target(source, target, allowed)
    temporary = _write_temporary(source, target, data)
    try:
        late_edit = _replace_if_unchanged(source, temporary, target)
    except BaseException:
        _remove(temporary)  # still there: every failure comes before the replace
        raise
    if late_edit:
        raise OverwroteEdit("another program changed it at the same instant and that change was lost; check it")


def _refuse_unsafe_target(source: SourceFile, target: str, allowed: Sequence[str] | None) -> None:
    """The refusals that need no temporary file: outside the tree, hard links, read-only."""
    if allowed is not None and not is_within(target, allowed):
        raise WriteRefused(
            f"its real path {target} lies outside the paths given and the project;"
            " symbolic links are not followed out of them"
        )
    if source.links > 1:
        raise WriteRefused(f"it has {source.links} hard links, which replacing it would break; it is not written")
    # The permission bits count even for a user whom the system lets write anyway (root).
    if not os.access(target, os.W_OK) or not stat.S_IMODE(source.mode) & 0o222:
        raise WriteRefused("the file is read-only")


def _write_temporary(source: SourceFile, target: str, data: bytes) -> str:
    """A temporary file next to `target` holding `data` on disk, with the original's owner,
    group and mode; removed again (and WriteRefused) when any step fails."""
    directory = os.path.dirname(target) or "."
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".conclint", dir=directory)
    except OSError as error:
        raise WriteRefused(f"cannot create a temporary file next to it: {_reason(error)}") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            _keep_owner(source, stream.fileno())
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(source.mode))  # after chown, which may clear set-id bits
    except OSError as error:
        _remove(temporary)
        raise WriteRefused(f"cannot write it: {_reason(error)}") from None
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _keep_owner(source: SourceFile, descriptor: int) -> None:
    """Give the temporary file the original's owner and group when they differ."""
    status = os.fstat(descriptor)
    if (status.st_uid, status.st_gid) == (source.uid, source.gid):
        return
    try:
        os.fchown(descriptor, source.uid, source.gid)
    except OSError as error:
        raise WriteRefused(
            f"its owner or group ({source.uid}:{source.gid}) cannot be kept: {_reason(error)}; it is not written"
        ) from None


def _replace_if_unchanged(source: SourceFile, temporary: str, target: str) -> bool:
    """Move `temporary` over `target` if the file is still exactly what was read (the last
    check and the replace under an exclusive flock on the original); WriteRefused, with
    nothing replaced, otherwise. Whether the old file was written to after the last check."""
    before_final_check(target)
    try:
        descriptor = os.open(target, os.O_RDONLY | NO_FOLLOW)
    except OSError as error:
        raise WriteRefused(f"it cannot be read again before writing: {_reason(error)}") from None
    try:
        _lock(descriptor)
        _refuse_if_changed(source, descriptor, target)
        if not HOLD_ACROSS_REPLACE:
            os.close(descriptor)
            descriptor = -1
        try:
            os.replace(temporary, target)
        except OSError as error:
            raise WriteRefused(f"cannot write it: {_reason(error)}") from None
        return descriptor >= 0 and _written_since(source, descriptor)
    finally:
        if descriptor >= 0:
            os.close(descriptor)  # releases the lock


def before_final_check(target: str) -> None:
    """Called once the temporary file is on disk, right before the last check; does nothing.

    A seam for tests, which replace it to edit the file exactly in this window."""


def _lock(descriptor: int) -> None:
    """An exclusive flock on the original, or WriteRefused when another process holds one.
    Where locking is unavailable the checks go on without it (flock is advisory anyway)."""
    if fcntl is None:
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in LOCK_HELD:
            raise WriteRefused("another program holds a lock on it; run again to fix it") from None


def _refuse_if_changed(source: SourceFile, descriptor: int, target: str) -> None:
    """WriteRefused unless the file open as `descriptor` is the one read, untouched since,
    and `target` still names it."""
    try:
        status = os.fstat(descriptor)
        named = os.stat(target, follow_symlinks=False)
        current = _read_all(descriptor)
    except OSError as error:
        raise WriteRefused(f"it cannot be read again before writing: {_reason(error)}") from None
    if (
        _fingerprint(status) != (source.device, source.inode, source.mtime_ns, len(source.data), source.links)
        or (named.st_dev, named.st_ino) != (status.st_dev, status.st_ino)
        or current != source.data
    ):
        raise WriteRefused("it changed since it was read (edited during the fix); run again to fix the new content")


def _written_since(source: SourceFile, descriptor: int) -> bool:
    """Whether the old file, still open as `descriptor` after the replace, no longer holds
    what was read: an edit that came between the last check and the replace."""
    try:
        status = os.fstat(descriptor)
        current = _read_all(descriptor)
    except OSError:
        return False
    return (status.st_mtime_ns, status.st_size) != (source.mtime_ns, len(source.data)) or current != source.data


def _fingerprint(status: os.stat_result) -> tuple[int, int, int, int, int]:
    """What identifies a file's version without reading it: device, inode, time, size, links."""
    return (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size, status.st_nlink)


def _read_all(descriptor: int) -> bytes:
    """Everything in the file open as `descriptor`, from its start."""
    with os.fdopen(os.dup(descriptor), "rb") as stream:
        stream.seek(0)
        return stream.read()


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()
