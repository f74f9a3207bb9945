"""Turn source into a libcst Module without ever taking the process down.

libcst's native parser overflows the C stack (a segmentation fault, not an exception) on
inputs nested a few thousand levels deep, and takes minutes and gigabytes on some others.
CPython's own parser refuses such inputs cleanly and costs about a tenth of libcst's, so
every file passes through it first; only what it accepts, or rejects for ordinary syntax
reasons (libcst may know newer syntax than the running interpreter), reaches libcst.
"""

from __future__ import annotations

import ast

import libcst as cst
from libcst._nodes.base import CSTNode

from conclint.syntax.cpython_check import (  # noqa: F401 - re-exported: callers import them from here
    SourceError,
    cpython_precheck as _cpython_precheck,
    cpython_tree,
)


def parse_source(source: str | bytes, *, checked: bool = False) -> cst.Module:
    """The libcst Module of `source`, or SourceError saying why there is none, whatever
    libcst raises (MemoryError and interrupts aside). `checked`: `check_source` has passed
    it already, so CPython's check is not run a second time."""
    cpython_error = None if checked else _cpython_precheck(source)[1]
    try:
        if cpython_error is None:
            return _parse_unvalidated(source)
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        if cpython_error is not None:
            raise cpython_error from None
        message = " ".join(str(error.message).split()).removeprefix("parser error: ")
        raise SourceError(
            f"libcst, the parser conclint uses, rejects code that Python accepts: {message}",
            error.editor_line,
            error.editor_column,
        ) from None
    except RecursionError:
        raise SourceError("the file is too deeply nested for the parser") from None
    except (KeyError, IndexError) as error:  # lookup errors, but not an unknown encoding's
        raise _parser_failure(error, cpython_error) from None
    except (UnicodeError, LookupError) as error:
        raise SourceError(f"cannot decode the file: {error}") from None
    except (ValueError, SyntaxError, TypeError, cst.CSTValidationError) as error:
        raise SourceError(f"cannot parse the file: {error}") from None
    except MemoryError:
        raise  # not this file's fault alone: the caller decides
    except Exception as error:  # noqa: BLE001 - a libcst failure is this file's CCL001
        raise _parser_failure(error, cpython_error) from None


def _parser_failure(error: Exception, cpython_error: SourceError | None) -> SourceError:
    """The SourceError for an exception libcst was not meant to raise (`CSTLogicError` on
    implicitly concatenated t-strings, from libcst 1.9): one file libcst cannot handle must
    be that file's CCL001, not an internal error that fails the whole run. When CPython
    rejected the source too, its syntax error is the one the user can act on."""
    if cpython_error is not None:
        return cpython_error
    detail = " ".join(str(error).split())
    reason = type(error).__name__ + (f": {detail}" if detail else "")
    return SourceError(f"libcst, the parser conclint uses, fails on code that Python accepts ({reason})")


def _parse_unvalidated(source: str | bytes) -> cst.Module:
    """`cst.parse_module`, without the check libcst makes of every node it builds
    (`CSTNode.__post_init__` validates the node's fields: 12% of the parse, measured over
    the benchmark corpus). A source CPython accepts parses into valid nodes; what CPython
    rejects goes through `cst.parse_module` with the check. The hook is swapped for the
    length of the parse only: nodes built elsewhere (fixes) are still checked."""
    CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = _VALIDATE  # type: ignore[method-assign]


def _no_validation(self: CSTNode) -> None:
    return None


_VALIDATE = CSTNode.__post_init__


def check_source(source: str | bytes) -> ast.Module | None:
    """SourceError when `source` cannot be parsed, as from `parse_source`, but without a
    libcst parse for what CPython accepts: the check for files no rule needs to parse.
    Returns CPython's tree of the source (None when only libcst could parse it)."""
    tree, error = _cpython_precheck(source)
    if error is not None:
        parse_source(source)  # CPython rejects it; libcst, which may know newer syntax, decides
    return tree
