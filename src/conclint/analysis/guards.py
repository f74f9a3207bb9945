"""Recognise `if __name__ == "__main__":` in all its spellings."""

from __future__ import annotations

import libcst as cst


def _is_dunder_name(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "__name__"


def _is_main_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value in ("__main__", b"__main__")


def main_guard_branch(test: cst.BaseExpression) -> str | None:
    """"body" when `if <test>:` runs its body only as the main module, "orelse" when only its
    else branch does (`__name__ != "__main__"`), None when the test is not a main guard.

    A guard joined with `and` still guards the body (`if __name__ == "__main__" and args:`);
    one joined with `or` still guards the else branch; `not` swaps the branches."""
    if isinstance(test, cst.BooleanOperation):
        wanted = "body" if isinstance(test.operator, cst.And) else "orelse"
        sides = (main_guard_branch(test.left), main_guard_branch(test.right))
        return wanted if wanted in sides else None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return {"body": "orelse", "orelse": "body"}.get(main_guard_branch(test.expression) or "")
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


# Literal tests whose truth the source states: `if True:  # ASYNC` in code generated for
# both an async and a sync flavour, `if 0:` around disabled code.
_CONSTANT_TRUTH = {"True": True, "False": False, "None": False}


def never_taken_branch(test: cst.BaseExpression) -> str | None:
    """"body" when `if <test>:` never runs its body (`if False:`, `if 0:`), "orelse" when it
    never runs its else branch (`if True:`), None when the test is not such a literal."""
    truth = _literal_truth(test)
    if truth is None:
        return None
    return "orelse" if truth else "body"


def _literal_truth(test: cst.BaseExpression) -> bool | None:
    if isinstance(test, cst.Name):
        return _CONSTANT_TRUTH.get(test.value)
    if isinstance(test, cst.Integer):
        return test.evaluated_value != 0
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _literal_truth(test.expression)
        return None if inner is None else not inner
    return None
