"""Remove the imports that fixes left unused.

When a fix rewrites the last `time.sleep(...)` of a file into `await asyncio.sleep(...)`,
`import time` is left unused, and flake8 or ruff (F401) fails right after `conclint --fix`
in a pre-commit chain. `remove_imports_left_unused` compares the file before and after its
fixes and takes out the import names the fixes made unused, and only those: an import that
was unused before is the user's business.

The analysis is conservative, since removing an import that is still needed breaks the
code while keeping one only leaves a warning. A name goes only when nothing in the fixed
module refers to it: no read anywhere (in any scope, whatever binding a read may really
resolve to), no `del` or `global` of it, no mention in a string that may name it (string
annotations, `__all__`, `cast`, `TypeVar`, `getattr`, type comments); when it is bound once
in the module, by the same import before and after the fixes, so that the uses before were
uses of that import; when that import is not under a `try`, an `if TYPE_CHECKING:` or in a
class body, nor marked `noqa`. A module with a star import, or one that reaches its names
dynamically (`globals()`, `eval`...), is left alone, and so is any result that would not
compile.

The names are read with Python's `ast`, about ten times cheaper than libcst: most fixed
files lose no import, and pay only for that. The text is then edited line by line: a
statement that goes is deleted with its lines (the comments above it stay, and of the blank
lines around it as many as the wider gap had), and one that loses some of its names only
is rewritten by libcst, from its own lines alone, so that commas and parentheses stay right.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence, Union

if TYPE_CHECKING:
    import libcst as cst

# Calls whose string arguments may name a module-level name.
_NAMING_CALLS = frozenset(
    {
        "cast", "assert_type", "TypeVar", "TypeVarTuple", "ParamSpec", "NewType", "ForwardRef",
        "TypeAliasType", "NamedTuple", "TypedDict", "getattr", "hasattr", "setattr", "delattr",
    }
)
# Calls that reach the module's names in ways no reading of the code can follow.
_DYNAMIC_CALLS = frozenset({"globals", "locals", "vars", "eval", "exec"})
# Lower-case generics whose subscripts are types (`list["Path"]`).
_GENERIC_BUILTINS = frozenset({"list", "dict", "set", "frozenset", "tuple", "type"})
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_TYPE_COMMENT = re.compile(r"#\s*type:([^\r\n]*)")
_NOQA = re.compile(r"#.*noqa", re.IGNORECASE)
# Nodes under which imports are left alone: alternatives, class attributes (read as
# `Class.name`, which is no Name read).
_GUARDS = (ast.Try, ast.ClassDef) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def remove_imports_left_unused(before: str, after: str) -> str:
    """`after` (the fixed text of `before`) without the import names that were used in
    `before` and are unused in `after`; `after` itself when there are none, when either
    text cannot be analysed, or when anything goes wrong."""
    if before == after:
        return after
    try:
        return _remove(before, after)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a failure here must never cost the user the fix
        return after


def _remove(before: str, after: str) -> str:
    old = _names_of(before)
    new = _Names.of(after) if old is not None else None
    if old is None or new is None:
        return after
    doomed = {binding.place for name, binding in new.removable() if _left_unused(name, old, new)}
    if not doomed:
        return after
    text = _without_aliases(after, new.statements, doomed)
    return text if text is not None and _compiles(text) else after


@functools.lru_cache(maxsize=4)
def _names_of(text: str) -> _Names | None:
    """The names of the text before the fixes, kept for the next pass of the same file
    (`fix_text` compares every pass with the original text)."""
    return _Names.of(text)


def _left_unused(name: str, old: _Names, new: _Names) -> bool:
    """The fixes took away every use of `name`, and its one binding is the same import in
    both texts."""
    if old.uses[name] == 0 or new.uses[name] or name in new.mentioned or name in old.mentioned:
        return False
    if old.bindings[name] != 1 or new.bindings[name] != 1:
        return False
    before, after = old.imports.get(name, ()), new.imports.get(name, ())
    return len(before) == len(after) == 1 and before[0].description == after[0].description


@dataclass(frozen=True)
class _Binding:
    """A name an import binds: where (the import statement's rank among the module's
    import statements in source order, the alias's index in it), what it imports, and
    whether it may be removed at all."""

    place: tuple[int, int]
    description: tuple[object, ...]
    removable: bool


@dataclass(frozen=True)
class _Statement:
    """An import statement, where it stands: its block (a statement list of the tree) and
    its index there; `alone` when no other statement shares its lines, nor the header of
    a compound statement (`if x: import y`), so that its lines are its own."""

    node: Union[ast.Import, ast.ImportFrom]
    block: Sequence[ast.stmt]
    index: int
    in_module: bool
    alone: bool


@dataclass
class _Names:
    """What a module does with its names: reads, bindings, imports, string mentions, and
    the names each import statement binds, in source order."""

    uses: Counter[str] = field(default_factory=Counter)
    bindings: Counter[str] = field(default_factory=Counter)
    imports: dict[str, list[_Binding]] = field(default_factory=dict)
    mentioned: set[str] = field(default_factory=set)
    statements: list[_Statement] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> _Names | None:
        """The names of `text`, or None when they cannot be told: the text does not parse,
        has a star import, or reaches names dynamically."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        collector = _Collector(_LINE.findall(text))
        if not collector.read(tree):
            return None
        names = collector.names
        for comment in _TYPE_COMMENT.findall(text):
            names.mentioned.update(_IDENTIFIER.findall(comment))
        return names

    def removable(self) -> Iterator[tuple[str, _Binding]]:
        for name, bindings in self.imports.items():
            for binding in bindings:
                if binding.removable:
                    yield name, binding


class _Collector:
    """Counts the reads and the bindings of every name of a module, wherever they are.

    Reads are loads and `del`s of a name, `global` and `nonlocal` declarations, and the
    target of an augmented assignment; reads through any other binding of the same name
    are counted too, which only ever keeps an import."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.names = _Names()
        self._imports: list[tuple[int, int, ast.Import | ast.ImportFrom, bool]] = []
        self._places: dict[int, tuple[Sequence[ast.stmt], int, bool]] = {}

    def read(self, tree: ast.Module) -> bool:
        """Collect the names of `tree`; False when they cannot be told."""
        stack: list[tuple[ast.AST, bool]] = [(tree, False)]
        while stack:
            node, guarded = stack.pop()
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                    return False
                self._imports.append((node.lineno, node.col_offset, node, guarded))
                continue
            if not self._note(node):
                return False
            for name in ("body", "orelse", "finalbody"):
                block = getattr(node, name, None)
                if isinstance(block, list):
                    for index, statement in enumerate(block):
                        self._places[id(statement)] = (block, index, isinstance(node, ast.Module))
            inner = guarded or isinstance(node, _GUARDS) or (isinstance(node, ast.If) and _type_checking(node.test))
            stack.extend((child, inner) for child in ast.iter_child_nodes(node))
        self._imports.sort(key=lambda found: found[:2])
        for rank, (_, _, node, guarded) in enumerate(self._imports):
            self._bind_import(rank, node, guarded)
        return True

    def _note(self, node: ast.AST) -> bool:
        """Count what `node` itself reads, binds or mentions; False when it reaches names
        dynamically."""
        names = self.names
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                names.bindings[node.id] += 1
            else:
                names.uses[node.id] += 1
        elif isinstance(node, ast.AugAssign):
            # `x += 1` reads `x` too.
            if isinstance(node.target, ast.Name):
                names.uses[node.target.id] += 1
            if _is_dunder_all(node.target):
                self._mention(node.value)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.uses.update(node.names)
        elif isinstance(node, ast.arg):
            names.bindings[node.arg] += 1
            self._mention(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.bindings[node.name] += 1
            self._mention(getattr(node, "returns", None))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.bindings[node.name] += 1
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.bindings[node.name] += 1
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.bindings[node.rest] += 1
        elif isinstance(node, ast.AnnAssign):
            self._mention(node.annotation)
            if _is_dunder_all(node.target) or _last_name(node.annotation) == "TypeAlias":
                self._mention(node.value)
        elif isinstance(node, ast.Assign):
            if any(_is_dunder_all(target) for target in node.targets):
                self._mention(node.value)
        elif isinstance(node, ast.Call):
            return self._note_call(node)
        elif isinstance(node, ast.Subscript):
            generic = _last_name(node.value)
            if generic[:1].isupper() or generic in _GENERIC_BUILTINS:
                self._mention(node.slice)
        elif type(node).__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):  # type parameters, Python 3.12+
            names.bindings[node.name] += 1  # type: ignore[attr-defined]
            self._mention(getattr(node, "bound", None))
        elif type(node).__name__ == "TypeAlias":  # `type X = ...`, Python 3.12+ (its name is a stored Name)
            self._mention(node.value)  # type: ignore[attr-defined]
        return True

    def _note_call(self, node: ast.Call) -> bool:
        callee = _last_name(node.func)
        if callee in _DYNAMIC_CALLS or (callee == "dir" and not node.args):
            return False
        if callee in _NAMING_CALLS or (isinstance(node.func, ast.Attribute) and _is_dunder_all(node.func.value)):
            for argument in (*node.args, *(keyword.value for keyword in node.keywords)):
                self._mention(argument)
        return True

    def _mention(self, node: ast.AST | None) -> None:
        """The identifiers in the strings under `node`, which may name names."""
        if node is None:
            return
        for inner in ast.walk(node):
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                self.names.mentioned.update(_IDENTIFIER.findall(inner.value))

    def _bind_import(self, rank: int, node: ast.Import | ast.ImportFrom, guarded: bool) -> None:
        names = self.names
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__" and not node.level
        removable = not guarded and not future and not self._noqa(node)
        for index, alias in enumerate(node.names):
            if isinstance(node, ast.Import):
                name = alias.asname or alias.name.partition(".")[0]
                description: tuple[object, ...] = ("import", alias.name, alias.asname)
            else:
                name = alias.asname or alias.name
                description = ("from", node.level, node.module, alias.name, alias.asname)
            names.bindings[name] += 1
            names.imports.setdefault(name, []).append(_Binding((rank, index), description, removable))
        block, index, in_module = self._places[id(node)]
        names.statements.append(_Statement(node, block, index, in_module, self._alone(node, block, index)))

    def _alone(self, node: ast.stmt, block: Sequence[ast.stmt], index: int) -> bool:
        first, last = node.lineno, node.end_lineno or node.lineno
        if index > 0 and (block[index - 1].end_lineno or 0) >= first:
            return False
        if index + 1 < len(block) and block[index + 1].lineno <= last:
            return False
        return not self.lines[first - 1].encode()[: node.col_offset].strip()

    def _noqa(self, node: ast.stmt) -> bool:
        """A `noqa` comment on the import's lines says the user keeps it on purpose."""
        last = node.end_lineno or node.lineno
        return any(_NOQA.search(line) for line in self.lines[node.lineno - 1 : last])


def _type_checking(test: ast.expr) -> bool:
    return any(
        (isinstance(node, ast.Name) and node.id == "TYPE_CHECKING")
        or (isinstance(node, ast.Attribute) and node.attr == "TYPE_CHECKING")
        for node in ast.walk(test)
    )


def _is_dunder_all(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"


def _last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _without_aliases(text: str, statements: Sequence[_Statement], doomed: set[tuple[int, int]]) -> str | None:
    """`text` without the aliases at the `doomed` places; None when a statement cannot be
    rewritten. A block other than the module may not be left empty: its imports stay."""
    lines = _LINE.findall(text)
    indexes: dict[int, set[int]] = {}
    for rank, index in doomed:
        if statements[rank].alone:
            indexes.setdefault(rank, set()).add(index)
    whole = {rank for rank, found in indexes.items() if len(found) == len(statements[rank].node.names)}
    emptied = Counter(id(statements[rank].block) for rank in whole)
    for rank in sorted(indexes, key=lambda rank: -statements[rank].node.lineno):
        statement = statements[rank]
        first, last = statement.node.lineno, statement.node.end_lineno or statement.node.lineno
        if rank not in whole:
            rewritten = _rewritten(lines[first - 1 : last], statement.node, indexes[rank])
            if rewritten is None:
                return None
            lines[first - 1 : last] = [rewritten]
        elif statement.in_module or emptied[id(statement.block)] < len(statement.block):
            _delete(lines, first, last, at_start=statement.index == 0)
    return "".join(lines)


def _delete(lines: list[str], first: int, last: int, at_start: bool) -> None:
    """Delete lines `first` to `last` (from 1), and of the blank lines around them those
    that would widen the gap: where two gaps meet, the wider stays (a blank line between
    two sections and another do not add up); at the start of a block, where no blank line
    belongs, only the gap above stays."""
    above = _blank_run(reversed(lines[: first - 1]))
    below = _blank_run(lines[last:])
    drop = below if at_start else min(above, below)
    del lines[first - 1 : last + drop]


def _blank_run(lines: Iterable[str]) -> int:
    count = 0
    for line in lines:
        if line.strip(" \t\f\r\n"):
            break
        count += 1
    return count


def _rewritten(lines: Sequence[str], node: ast.Import | ast.ImportFrom, doomed: set[int]) -> str | None:
    """The lines of the import statement `node` without its aliases at the `doomed`
    indexes, rewritten by libcst from these lines alone (inside an `if` when indented).
    libcst is imported here, not with the module: `fix_text` may import this module in a
    run that fixes nothing, which must not pay for libcst."""
    import libcst as cst

    from conclint.syntax.parsing import parse_source

    code = "".join(lines)
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" \t\f"))]
    newline = lines[0][len(lines[0].rstrip("\r\n")) :] or "\n"
    prefix = f"if 1:{newline}" if indent else ""
    module = parse_source(prefix + code)
    holder: cst.BaseStatement = module.body[0]
    if indent:
        holder = holder.body.body[0]  # type: ignore[attr-defined]
    if not isinstance(holder, cst.SimpleStatementLine) or len(holder.body) != 1:
        return None
    statement = holder.body[0]
    if not isinstance(statement, (cst.Import, cst.ImportFrom)) or isinstance(statement.names, cst.ImportStar):
        return None
    if [_dotted(alias.name) for alias in statement.names] != [alias.name for alias in node.names]:
        return None
    names = statement.names
    kept = [alias for index, alias in enumerate(names) if index not in doomed]
    # The new last name takes the old last name's comma: none, or a trailing comma inside
    # parentheses.
    kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
    new = module.deep_replace(statement, statement.with_changes(names=kept)).code
    return new[len(prefix) :] if new.startswith(prefix) else None


def _dotted(node: cst.BaseExpression) -> str:
    """`a.b.c` of a libcst Name or Attribute (by field names, libcst not imported here)."""
    attr = getattr(node, "attr", None)
    if attr is not None:
        return f"{_dotted(node.value)}.{attr.value}"  # type: ignore[attr-defined]
    return str(getattr(node, "value", ""))


def _compiles(text: str) -> bool:
    """Whether Python compiles `text`. (libcst parsed the text the aliases were taken out
    of, and taking them out writes no syntax it could not parse.)"""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True
