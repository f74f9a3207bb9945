"""Sockets and descriptors that cannot block: a handle set non-blocking
(`sock.setblocking(False)`, `sock.settimeout(0)`, `os.set_blocking(fd, False)`, a descriptor
opened with `O_NONBLOCK`, a socket made with `SOCK_NONBLOCK`) returns at once from `recv`,
`send`, `os.read`, `os.write`; and a call made inside `try: ... except BlockingIOError:`
(the reader/writer-callback pattern of event loops and of trio's and anyio's own backends)
is written to expect exactly that.

Handles are told apart by how the source spells them (`sock`, `self._sock`): a handle
spelled the same way and set non-blocking anywhere in the module counts. The scan runs only
when the source mentions one of TOKENS.
"""

from __future__ import annotations

import libcst as cst

from conclint.analysis.scopes import dotted_name

TOKENS = (b"setblocking", b"settimeout", b"set_blocking", b"NONBLOCK")

# `except` clauses naming one of these mark a non-blocking attempt.
NONBLOCKING_ERRORS = frozenset(
    {"BlockingIOError", "InterruptedError", "SSLWantReadError", "SSLWantWriteError", "EAGAIN", "EWOULDBLOCK"}
)


def _is_false_or_zero(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "False"
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.value.replace("_", "")) == 0
    return False


def _mentions(node: cst.CSTNode, name: str) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Name(self, inner: cst.Name) -> None:
            nonlocal found
            found = found or inner.value == name

    node.visit(Finder())
    return found


class _Scan(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.handles: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or not node.args:
            return
        method, first = func.attr.value, node.args[0].value
        if method in ("setblocking", "settimeout") and _is_false_or_zero(first):
            self._add(func.value)
        elif method == "set_blocking" and len(node.args) > 1 and _is_false_or_zero(node.args[1].value):
            self._add(first)

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if isinstance(value, cst.Call) and _mentions(value, "O_NONBLOCK") or _mentions(value, "SOCK_NONBLOCK"):
            for target in node.targets:
                self._add(target.target)

    def _add(self, node: cst.BaseExpression) -> None:
        text = dotted_name(node)
        if text:
            self.handles.add(text)


def nonblocking_handles(module: cst.Module, source: str | bytes) -> frozenset[str]:
    """The spellings of the handles `module` sets non-blocking (empty when its source does
    not mention any of TOKENS)."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if not any(token in data for token in TOKENS):
        return frozenset()
    scan = _Scan()
    module.visit(scan)
    return frozenset(scan.handles)


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
