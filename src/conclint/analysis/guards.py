"""Recognise `if __name__ == "__main__":` in all its spellings."""

from __future__ import annotations

import libcst as cst


def _is_dunder_name(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "__name__"


def _is_main_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value in ("__main__", b"__main__")


def main_guard_branch(test: cst.BaseExpression) -> str | None:
    """"body" when `if <test>:` runs its body only as the main module, "orelse" when only its
    else branch does (`__name__ != "__main__"`), None when the test is not a main guard."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    left, right = test.left, target.comparator
    if not (
        (_is_dunder_name(left) and _is_main_string(right))
        or (_is_main_string(left) and _is_dunder_name(right))
    ):
        return None
    if isinstance(target.operator, (cst.Equal, cst.Is)):
        return "body"
    if isinstance(target.operator, (cst.NotEqual, cst.IsNot)):
        return "orelse"
    return None
