"""How the CCL3 messages name a callee or a function: short, as the source spells it.

Kept apart from the analysis so every message and every process-start display
(`Pool()`, `worker.start()`, `main -> run_pool -> Pool()`) shortens names the same way.
"""

from __future__ import annotations

import libcst as cst

from conclint.analysis.scopes import dotted_name


def callee_text(func: cst.BaseExpression) -> str:
    """How the source names a callee, shortened: `mp.Pool`, `worker.start`,
    `get_context(...).Pool`, `Process(...).start`."""
    text = dotted_name(func)
    if text and len(text) <= 40:
        return text
    if isinstance(func, cst.Attribute):
        value = func.value
        if isinstance(value, cst.Call):
            inner = dotted_name(value.func).rpartition(".")[2] or "..."
            return f"{inner}({'...' if value.args else ''}).{func.attr.value}"
        return func.attr.value
    return "..."


def function_display(qualname: str) -> str:
    """`main`, `Runner.run`; a class's `__init__` is shown as the class being called."""
    name = qualname.replace(".<locals>.", ".")
    if name.endswith(".__init__"):
        return name[: -len(".__init__")]
    return name

