"""Read a Python file for fixing, and write the fixed text back without harming the file.

Text is decoded the way Python decodes source (a BOM, else a PEP 263 coding cookie, else
UTF-8) and never has its newlines translated, so CRLF files keep CRLF. Writing encodes with
the same codec (the BOM included), into a temporary file in the same directory that gets
the original's permission bits and then replaces it, so a reader never sees half a file.
It refuses a file that is read-only, or whose content or modification time changed since
it was read (an editor saved it meanwhile): the other writer's change wins.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass


class WriteRefused(Exception):
    """The fixed text was not written; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    """A file as read for fixing: its bytes, their text, and what writing back must keep."""

    path: str
    data: bytes
    text: str
    encoding: str  # a codec name; "utf-8-sig" for a UTF-8 file with a BOM
    mode: int
    mtime_ns: int


def read_source_file(path: str) -> SourceFile:
    """`path` read and decoded; OSError when unreadable, UnicodeError/SyntaxError when it
    does not decode as Python source."""
    with open(path, "rb") as stream:
        status = os.fstat(stream.fileno())
        data = stream.read()
    encoding = source_encoding(data)
    text = data.decode(encoding)
    return SourceFile(path, data, text, encoding, status.st_mode, status.st_mtime_ns)


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


def write_fixed(source: SourceFile, text: str) -> None:
    """Replace the file `source` was read from with `text`, atomically; WriteRefused when
    the file is read-only, changed since it was read, or cannot be written."""
    data = encode_text(source, text)
    target = os.path.realpath(source.path)  # a symlink keeps pointing at the fixed file
    # The permission bits count even for a user whom the system lets write anyway (root).
    if not os.access(target, os.W_OK) or not stat.S_IMODE(source.mode) & 0o222:
        raise WriteRefused("the file is read-only")
    directory = os.path.dirname(target) or "."
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".conclint", dir=directory)
    except OSError as error:
        raise WriteRefused(f"cannot create a temporary file next to it: {_reason(error)}") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(source.mode))
        _refuse_if_changed(source, target)
        os.replace(temporary, target)
    except OSError as error:
        _remove(temporary)
        raise WriteRefused(f"cannot write it: {_reason(error)}") from None
    except BaseException:
        _remove(temporary)
        raise


def _refuse_if_changed(source: SourceFile, target: str) -> None:
    """Checked right before the replace: the file holds what was read, untouched since."""
    try:
        with open(target, "rb") as stream:
            status = os.fstat(stream.fileno())
            current = stream.read()
    except OSError as error:
        raise WriteRefused(f"it cannot be read again before writing: {_reason(error)}") from None
    if current != source.data or status.st_mtime_ns != source.mtime_ns:
        raise WriteRefused("it changed since it was read; run again to fix the new content")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()
