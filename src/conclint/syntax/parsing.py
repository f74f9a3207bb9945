"""Turn source into a libcst Module without ever taking the process down.

libcst's native parser overflows the C stack (a segmentation fault, not an exception) on
inputs nested a few thousand levels deep, and takes minutes and gigabytes on some others.
CPython's own parser refuses such inputs cleanly and costs about a tenth of libcst's, so
every file passes through it first; only what it accepts, or rejects for ordinary syntax
reasons (libcst may know newer syntax than the running interpreter), reaches libcst.
"""

from __future__ import annotations

import ast
import sys
import warnings

import libcst as cst
from libcst._nodes.base import CSTNode

# CPython keeps `a and b and c ...` flat, libcst nests it: long chains pass CPython's
# depth limits and still overflow libcst (seen from about 10,000 operands).
MAX_BOOLEAN_OPERANDS = 2000
# CPython's default; see `_compile_at_default_limit`.
PRECHECK_RECURSION_LIMIT = 1000
_NESTING_MESSAGES = ("too many nested", "too many levels", "too many statically nested", "too complex")


class SourceError(Exception):
    """The source cannot be analysed; carries the reason and where it was found."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


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


def _cpython_precheck(source: str | bytes) -> tuple[ast.Module | None, SourceError | None]:
    """Raise SourceError for what must not reach libcst; return CPython's tree, or its
    ordinary syntax error to report should libcst reject the file too."""
    try:
        tree = _compile_at_default_limit(source)
    except SyntaxError as error:
        located = SourceError(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1)
        if any(marker in error.msg for marker in _NESTING_MESSAGES) or "null bytes" in error.msg:
            raise located from None
        if isinstance(error, UnicodeError) or "encoding" in error.msg or "decode" in error.msg:
            raise SourceError(f"cannot decode the file: {error.msg}", error.lineno or 1, 1) from None
        return None, located
    except (RecursionError, MemoryError):
        raise SourceError("the file is too deeply nested for the parser") from None
    except ValueError as error:
        raise SourceError(f"cannot parse the file: {error}") from None
    if _may_hold_long_boolean_chain(source):
        _check_boolean_chains(tree)
    global _last_checked
    _last_checked = (source, tree)  # type: ignore[assignment]
    return tree, None  # type: ignore[return-value]


# The tree of the last source CPython's check accepted, with that source: the lint that
# checked it asks for it again right after (`cpython_tree`), and need not parse it twice.
_last_checked: tuple[str | bytes, ast.Module] | None = None


def cpython_tree(source: str | bytes) -> ast.Module | None:
    """CPython's tree of `source`, which the check of this very source object built when it
    was the last one checked; parsed anew otherwise. None when CPython rejects it."""
    last = _last_checked
    if last is not None and last[0] is source:
        return last[1]
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _compile_at_default_limit(source: str | bytes) -> ast.AST:
    """CPython's AST of `source`, built under the default recursion limit.

    Up to Python 3.11, the depth of the AST CPython agrees to build grows with the recursion
    limit (about 3 levels per unit). At the default limit nothing deeper than ~3,000 levels
    passes, and libcst's parse, whose time grows with the square of the depth, stays within
    a few seconds (measured: 2 s at 3,000 levels; over a minute at 20,000, which a raised
    limit lets through). Worker threads raise the limit for libcst's recursive code
    generation; this check must not follow them.
    """
    limit = sys.getrecursionlimit()
    lowered = False
    if limit > PRECHECK_RECURSION_LIMIT:
        try:
            sys.setrecursionlimit(PRECHECK_RECURSION_LIMIT)
            lowered = True
        except RecursionError:  # already deeper than that: check at the current limit
            pass
    try:
        # Compiling warns about questionable code (`1()`, an invalid escape sequence, which is
        # a SyntaxWarning from 3.12): not ours to print, and under `-W error` it would raise
        # and turn a valid file into CCL001.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile(source, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    finally:
        if lowered:
            sys.setrecursionlimit(limit)


def _may_hold_long_boolean_chain(source: str | bytes) -> bool:
    if isinstance(source, bytes):
        return source.count(b" and ") + source.count(b" or ") > MAX_BOOLEAN_OPERANDS
    return source.count(" and ") + source.count(" or ") > MAX_BOOLEAN_OPERANDS


def _check_boolean_chains(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.BoolOp) and len(node.values) > MAX_BOOLEAN_OPERANDS:
            raise SourceError(
                f"a boolean expression with {len(node.values)} operands is too long to analyse",
                getattr(node, "lineno", 1),
                getattr(node, "col_offset", 0) + 1,
            )
