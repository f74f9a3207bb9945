"""The constant values of literal arguments the process analysis reads.

A start method (`get_context("fork")`), a joblib backend and `n_jobs`, `force=True`: only
what the source spells as a literal counts; anything computed is unknown (None / False).
"""

from __future__ import annotations

import libcst as cst


def string_literal(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def integer_literal(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = integer_literal(node.expression)  # type: ignore[arg-type]
        return -inner if inner is not None else None
    return None


def true_literal(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"

