"""Pure walks over CST expressions, for the summary collector to judge loops and operands.

Each function here looks only at the nodes it is given: which operators count as
arithmetic, which names a loop target binds, whether an expression reads one of a set of
names or takes a `len()`, whether an inner loop walks what an outer loop produced, whether
a recursive call is driven by numbers. None of them resolves a name or keeps state, so they
live apart from `SummaryCollector` (`conclint.analysis.summary_collector`), which walks the
module and asks them about what it meets.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from conclint.analysis.scopes import dotted_name, is_none
from conclint.analysis.summaries import DATA, NUMERIC
from conclint.knowledge.threads import ITERATING_METHODS
from conclint.syntax.traversal import names_within, nodes_within

ARITHMETIC_OPERATORS: tuple[type, ...] = (
    cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power,
    cst.LeftShift, cst.RightShift, cst.BitXor, cst.BitAnd, cst.BitOr, cst.MatrixMultiply,
)  # fmt: skip
# Operators that rarely appear outside computation (`+` also joins strings, `|` merges sets).
MULTIPLICATIVE_OPERATORS: tuple[type, ...] = (
    cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power, cst.LeftShift,
    cst.RightShift, cst.BitXor, cst.MatrixMultiply,
)  # fmt: skip
# Operators whose result, computed as a statement of its own and thrown away, can only have
# been computation (`k * k`); `+`, `|` and the shifts double as joins and pipelines.
COMPUTING_OPERATORS: tuple[type, ...] = (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power)
AUGMENTED_ARITHMETIC = tuple(getattr(cst, f"{op.__name__}Assign") for op in ARITHMETIC_OPERATORS)
AUGMENTED_MULTIPLICATIVE = tuple(getattr(cst, f"{op.__name__}Assign") for op in MULTIPLICATIVE_OPERATORS)
STRING_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


def recursion_kind(call: cst.CSTNode) -> str:
    """`fib(n - 1)`, `halve(n // 2)`: a number shrinking by a literal drives the recursion;
    `walk(child)`, `diff(a[k], path=path + (k,))`: the data does."""
    arguments = call.args if isinstance(call, cst.Call) else ()
    numeric = any(_shrinks_by_literal(arg.value) for arg in arguments)
    return NUMERIC if numeric else DATA


_SHRINKING = (cst.Subtract, cst.FloorDivide, cst.Divide, cst.RightShift)


def _shrinks_by_literal(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.BinaryOperation)
        and isinstance(node.operator, _SHRINKING)
        and isinstance(node.left, (cst.Name, cst.Attribute))
        and isinstance(node.right, (cst.Integer, cst.Float))
    )


def is_classmethod(node: cst.FunctionDef) -> bool:
    return any(dotted_name(d.decorator) == "classmethod" for d in node.decorators)


def bound_names(target: cst.BaseExpression) -> list[str]:
    """The plain names an assignment or loop target binds (`i`, `a, b`)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in bound_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []


def capped_names(test: cst.BaseExpression, small: Callable[[cst.BaseExpression], bool]) -> list[str]:
    """The names a `while` test keeps below a small constant (`depth < _MAX_DEPTH`, alone or
    in an `and`): `small(bound)` tells whether a bound is one."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return capped_names(test.left, small) + capped_names(test.right, small)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name):
        comparison = test.comparisons[0]
        if isinstance(comparison.operator, (cst.LessThan, cst.LessThanEqual)) and small(comparison.comparator):
            return [test.left.value]
    return []


def counts_up(body: cst.BaseSuite, name: str) -> bool:
    """The loop's body adds a positive integer written out to `name` (`depth += 1`)."""
    return any(
        isinstance(node.target, cst.Name) and node.target.value == name and isinstance(node.operator, cst.AddAssign)
        and isinstance(node.value, cst.Integer) and node.value.evaluated_value > 0
        for node in nodes_within(body, (cst.AugAssign,))
    )


def set_up_once(block: cst.If) -> bool:
    """`if _registry is None: _registry = Registry()`, `if not self._index: self._index =
    {...}`: a block that runs only while a value is unset, and sets it. It runs once (per
    process, or per object); every later pass finds the value set and only tests it."""
    unset = _unset(block.test)
    return bool(unset) and any(
        dotted_name(target.target) == unset for assign in nodes_within(block.body, (cst.Assign,)) for target in assign.targets  # type: ignore[attr-defined]
    )


def _unset(test: cst.BaseExpression) -> str:
    """The name or attribute `x is None` or `not x` tests."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return dotted_name(test.expression)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        if isinstance(comparison.operator, cst.Is) and is_none(comparison.comparator):
            return dotted_name(test.left)
    return ""


def walks_element(iterable: cst.BaseExpression, outer: set[str]) -> bool:
    """True when an inner loop walks what an outer loop produced (`for cell in row`,
    `for item in groups[key]`, `enumerate(row.cells)`, `range(len(row) - 1)`,
    `getattr(item, "children", None) or []`): together the loops visit the data
    once. A window over other data (`samples[start:start + w]`) or independent data
    (`for b in points`) makes the nesting quadratic."""
    node: cst.BaseExpression = iterable
    for _ in range(8):
        if isinstance(node, cst.Name):
            return node.value in outer
        if isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Subscript):
            if any(isinstance(e.slice, cst.Index) and mentions(e.slice.value, outer) for e in node.slice):
                return True
            node = node.value
        elif isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in ITERATING_METHODS:
                node = node.func.value
                continue
            return any(walks_element(arg.value, outer) for arg in node.args)
        elif isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
            # `range(0, len(row) - 1, 2)`, `getattr(item, "tools", None) or []`
            return walks_element(node.left, outer) or walks_element(node.right, outer)
        else:
            return False
    return False


def mentions(node: cst.CSTNode, names: set[str]) -> bool:
    """True when the expression reads one of `names` (a bounded look at its operands)."""
    if not names:
        return False
    pending: list[cst.CSTNode] = [node]
    budget = 40
    while pending and budget:
        budget -= 1
        current = pending.pop()
        operands = _operands(current)
        if operands:
            pending += operands
        elif isinstance(current, cst.Name):
            if current.value in names:
                return True
        elif isinstance(current, cst.Attribute):
            pending.append(current.value)
        elif isinstance(current, cst.Subscript):
            pending.append(current.value)
            for element in current.slice:
                index = element.slice
                if isinstance(index, cst.Index):
                    pending.append(index.value)
                else:
                    pending += (part for part in (index.lower, index.upper, index.step) if part is not None)
        elif isinstance(current, cst.Call):
            pending += (arg.value for arg in current.args)
        elif isinstance(current, cst.IfExp):
            pending += (current.test, current.body, current.orelse)
        elif isinstance(current, (cst.Tuple, cst.List)):
            pending += (element.value for element in current.elements)
    return False


# Augmented assignments that shrink a number geometrically (`n >>= 1`, `n //= 2`): a loop
# driven by them ends after a logarithm's worth of rounds.
SHRINKING_ASSIGNMENTS = (cst.RightShiftAssign, cst.FloorDivideAssign, cst.DivideAssign)
_SHRINKING_OPERATORS = (cst.RightShift, cst.FloorDivide, cst.Divide)


def shrinks_itself(targets: set[str], value: cst.BaseExpression) -> bool:
    """`n = n // 2`, `m = m >> 1`: the one name assigned is divided or shifted, as the
    SHRINKING_ASSIGNMENTS do it."""
    return (
        len(targets) == 1
        and isinstance(value, cst.BinaryOperation)
        and isinstance(value.operator, _SHRINKING_OPERATORS)
        and isinstance(value.left, cst.Name)
        and value.left.value in targets
    )


def tests_membership(node: cst.BaseExpression) -> bool:
    """`name in taken`, `key not in seen`: a test only of whether something is already there
    (a loop with such a test looks for what is not taken yet)."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        node = node.expression
    return (
        isinstance(node, cst.Comparison)
        and len(node.comparisons) == 1
        and isinstance(node.comparisons[0].operator, (cst.In, cst.NotIn))
    )


def masked_below(node: cst.BinaryOperation, limit: int) -> bool:
    """`value & 0x0F`: a bitwise and with an integer literal below `limit`, which bounds it."""
    return any(isinstance(side, cst.Integer) and side.evaluated_value < limit for side in (node.left, node.right))


def names_read(node: cst.BaseExpression) -> set[str]:
    """The names a test compares or combines (`mantissa > LIMIT` reads `mantissa` and
    `LIMIT`; `abs(seconds) > LIMIT`, the size of `seconds`, reads `seconds`), attributes by
    their dotted spelling (`self._origin_ms < end` reads `self._origin_ms`); names inside
    other calls and subscripts are not counted."""
    found: set[str] = set()
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        operands = _operands(current)
        if operands:
            pending += operands
        elif isinstance(current, cst.Name):
            found.add(current.value)
        elif isinstance(current, cst.Attribute) and (spelled := dotted_name(current)):
            found.add(spelled)
        elif _is_abs(current):
            pending.append(current.args[0].value)  # type: ignore[attr-defined]
    return found


def _is_abs(node: cst.CSTNode) -> bool:
    """`abs(x)`: one positional argument to the builtin."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "abs"
        and len(node.args) == 1
        and not node.args[0].keyword
        and not node.args[0].star
    )


def mentions_len(node: cst.BaseExpression) -> bool:
    """`len(x)`, `len(x) - 1`, `i < len(x)`: a size taken from existing data."""
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Call):
            if isinstance(current.func, cst.Name) and current.func.value == "len":
                return True
        else:
            pending += _operands(current)
    return False


def indexes_by_name(node: cst.BaseExpression) -> bool:
    """`messages[start - 1]` in `while start and isinstance(messages[start - 1], Request)`: a
    test that reads an element of a sequence at a computed index walks data held already, as
    a `for` over it would, rather than counting."""
    return any(
        next(names_within(element.slice), None) is not None
        for subscript in nodes_within(node, (cst.Subscript,))
        for element in subscript.slice  # type: ignore[attr-defined]
    )


def reads_element_at(body: cst.BaseSuite, names: set[str]) -> bool:
    """The loop's body takes the element at a tested index (`event = events[i]` in `while i >=
    0:`): the loop walks a sequence held already, as a `for` over it would."""
    return any(
        isinstance(node.value, cst.Subscript)
        and len(node.value.slice) == 1
        and isinstance(node.value.slice[0].slice, cst.Index)
        and isinstance(node.value.slice[0].slice.value, cst.Name)
        and node.value.slice[0].slice.value.value in names
        for node in nodes_within(body, (cst.Assign,))
    )


def _operands(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """The operands of an arithmetic, boolean, unary or comparison expression; () otherwise."""
    if isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
        return (node.left, node.right)
    if isinstance(node, cst.UnaryOperation):
        return (node.expression,)
    if isinstance(node, cst.Comparison):
        return (node.left, *(target.comparator for target in node.comparisons))
    return ()


def idle_body(body: cst.BaseSuite) -> bool:
    """A block of `pass` and `...` only: a loop with such a body does nothing but count."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else (body,)
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if not isinstance(small, cst.Pass) and not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis)):
                return False
    return True


def literal_only(node: cst.BaseExpression) -> bool:
    """`3 ** 20`, `-2 * 4.5`: numbers only, which the compiler folds into one constant."""
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    operands = _operands(node)
    return bool(operands) and all(literal_only(operand) for operand in operands)  # type: ignore[arg-type]


def is_bytes_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return "b" in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return is_bytes_literal(node.left)
    return False


def is_cls_receiver(receiver: cst.BaseExpression, cls_name: str) -> bool:
    """`cls` in a classmethod, or an instance it makes (`cls(...)`): `cls.m()`, `cls(x).m()`."""
    if isinstance(receiver, cst.Call):
        receiver = receiver.func
    return isinstance(receiver, cst.Name) and receiver.value == cls_name
