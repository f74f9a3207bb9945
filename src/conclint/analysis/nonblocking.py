"""Sockets and descriptors that cannot block: a handle set non-blocking
(`sock.setblocking(False)`, `sock.settimeout(0)`, `os.set_blocking(fd, False)`, a descriptor
opened with `O_NONBLOCK`, a socket made with `SOCK_NONBLOCK`) returns at once from `recv`,
`send`, `os.read`, `os.write`; and a call made inside `try: ... except BlockingIOError:`
(the reader/writer-callback pattern of event loops and of trio's and anyio's own backends)
is written to expect exactly that.

Handles are told apart by how the source spells them (`sock`, `self._sock`): a handle
spelled the same way and set non-blocking anywhere in the module counts, and so does what
the module stores such a handle in (`self.fd = fd`). The source is
searched only when it mentions one of TOKENS.
"""

from __future__ import annotations

import re

import libcst as cst

TOKENS = (b"setblocking", b"settimeout", b"set_blocking", b"NONBLOCK")

# `except` clauses naming one of these mark a non-blocking attempt.
NONBLOCKING_ERRORS = frozenset(
    {"BlockingIOError", "InterruptedError", "SSLWantReadError", "SSLWantWriteError", "EAGAIN", "EWOULDBLOCK"}
)


_HANDLE = rb"([A-Za-z_][\w.]*)"
_FALSE = rb"\s*(?:False|0|0\.0)\s*"
# The spellings that make a handle non-blocking, as patterns over the source: a regular
# expression pass costs a fraction of a walk of the tree, and the handle is only compared
# by its spelling anyway.
_PATTERNS = (
    re.compile(_HANDLE + rb"\.(?:setblocking|settimeout)\(" + _FALSE + rb"\)"),
    re.compile(rb"\bset_blocking\(\s*" + _HANDLE + rb"\s*,\s*False\s*\)"),
    re.compile(rb"^[ \t]*" + _HANDLE + rb"\s*=[^\n]*\b(?:O_NONBLOCK|SOCK_NONBLOCK)\b", re.MULTILINE),
)


def nonblocking_handles(source: str | bytes) -> frozenset[str]:
    """The spellings of the handles the source sets non-blocking (`sock`, `self._sock`)."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if not any(token in data for token in TOKENS):
        return frozenset()
    found = {match.group(1).decode("utf-8", "replace") for pattern in _PATTERNS for match in pattern.finditer(data)}
    return frozenset(found | _kept_as(found, data))


def _kept_as(handles: set[str], data: bytes) -> set[str]:
    """What the source stores a non-blocking handle in (`self.fd = fd` beside
    `os.set_blocking(fd, False)`): the methods then read it by that spelling."""
    names = [handle for handle in handles if handle.isidentifier()]
    if not names:
        return set()
    stored = re.compile(
        rb"^[ \t]*" + _HANDLE + rb"\s*=\s*(" + b"|".join(re.escape(n.encode()) for n in names) + rb")[ \t]*(?:#[^\n]*)?$",
        re.MULTILINE,
    )
    return {match.group(1).decode("utf-8", "replace") for match in stored.finditer(data)}


def catches_nonblocking_errors(node: cst.Try) -> bool:
    """`try: ... except (BlockingIOError, InterruptedError):`, `except ssl.SSLWantReadError:`."""
    for handler in node.handlers:
        if handler.type is not None and any(
            isinstance(n, cst.Name) and n.value in NONBLOCKING_ERRORS or isinstance(n, cst.Attribute) and n.attr.value in NONBLOCKING_ERRORS
            for n in _names(handler.type)
        ):
            return True
    return False


def _names(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.Tuple):
        return [element.value for element in node.elements]
    return [node]


__all__ = ["NONBLOCKING_ERRORS", "TOKENS", "catches_nonblocking_errors", "nonblocking_handles"]
