"""CPython's half of the check every file passes before libcst sees it (see `parsing`),
in a module of its own that does not import libcst: a run whose files no rule needs to parse
checks their syntax with this alone, and never pays for importing libcst."""

from __future__ import annotations

import ast
import sys
import warnings

# CPython keeps `a and b and c ...` flat, libcst nests it: long chains pass CPython's
# depth limits and still overflow libcst (seen from about 10,000 operands).
MAX_BOOLEAN_OPERANDS = 2000
# CPython's default; see `_compile_at_default_limit`.
PRECHECK_RECURSION_LIMIT = 1000
# Syntax errors are Python's own, of the version conclint runs on: code written for a newer
# one (a t-string on 3.13) is an error there, and the message says which version judged it.
PYTHON_NAMED = f"under Python {sys.version_info.major}.{sys.version_info.minor}"
_NESTING_MESSAGES = ("too many nested", "too many levels", "too many statically nested", "too complex")


class SourceError(Exception):
    """The source cannot be analysed; carries the reason and where it was found."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def cpython_precheck(source: str | bytes, *, keep: bool = False) -> tuple[ast.Module | None, SourceError | None]:
    """Raise SourceError for what must not reach libcst; return CPython's tree, or its
    ordinary syntax error to report should libcst reject the file too.

    `keep`: the caller hands the same source object to the engine right after (see
    `project.parse_needed`), whose own check then takes the tree instead of compiling again."""
    global _last_checked
    last = _last_checked
    if last is not None and last[0] is source:
        _last_checked = last if _holds_walrus(source) else None  # `cpython_tree` asks again
        return last[1], None
    try:
        tree = _compile_at_default_limit(source)
    except SyntaxError as error:
        located = SourceError(f"syntax error {PYTHON_NAMED}: {error.msg}", error.lineno or 1, error.offset or 1)
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
    # Kept only for a source that holds `:=`, or one the caller will check again: a tree
    # kept alive through the libcst parse that follows makes every garbage collection of
    # that parse walk it too (measured: the whole lint of aiohttp 8 % slower).
    _last_checked = (source, tree) if keep or _holds_walrus(source) else None  # type: ignore[assignment]
    return tree, None  # type: ignore[return-value]


def _holds_walrus(source: str | bytes) -> bool:
    return (":=" if isinstance(source, str) else b":=") in source  # type: ignore[operator]


# The tree of the last source CPython's check accepted that holds `:=` (or was checked with
# `keep`), with that source: the lint that checked it asks for it again right after
# (`cpython_tree`, for the scopes that bind with `:=`; the engine's own check), and need not
# parse it twice.
_last_checked: tuple[str | bytes, ast.Module] | None = None


def release(source: str | bytes) -> None:
    """Let go of the tree kept for `source` (checked with `keep`, not checked again)."""
    global _last_checked
    if _last_checked is not None and _last_checked[0] is source:
        _last_checked = None


def cpython_tree(source: str | bytes) -> ast.Module | None:
    """CPython's tree of `source`, which the check of this very source object built when it
    was the last one checked (handed over once, then let go); parsed anew otherwise. None
    when CPython rejects it."""
    global _last_checked
    last = _last_checked
    if last is not None and last[0] is source:
        _last_checked = None
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
