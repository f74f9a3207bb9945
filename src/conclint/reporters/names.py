"""File names as reports can show them.

A POSIX file name is bytes. Python decodes the bytes that are not valid in the file system
encoding as lone surrogates (`os.fsdecode`'s surrogate escapes), which no UTF-8 stream,
JSON reader or SARIF viewer accepts; and a name may hold a newline, which would split a
line-based report (and, on stderr in GitHub Actions, start a workflow command). These
helpers give the one-line, encodable form a reader can still recognise the file by.
"""

from __future__ import annotations

import os
import re
import sys

_SURROGATE = re.compile("[\ud800-\udfff]")
# Unicode's control characters (Cc) and the two characters that end a line without being one.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def encodable(text: str) -> str:
    """`text` with each undecodable byte of a file name written as `\\xNN`, so that it
    encodes as UTF-8; everything else, newlines included, unchanged."""
    if not _SURROGATE.search(text):
        return text
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:  # a surrogate no file name decoding produced
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode(sys.getfilesystemencoding(), "backslashreplace")


def one_line(text: str) -> str:
    """`encodable(text)` with control characters written as escapes (`\\n`, `\\r`, `\\t`,
    `\\x1b`), as `ls -b` shows names: one line, whatever the name holds."""
    return _CONTROL.sub(_escape, encodable(text))


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")
