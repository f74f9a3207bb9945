"""Finds the rule classes under `conclint.rules` and selects them by code, prefix or name."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Iterable

from conclint.rule import Rule


class UnknownSelectorError(ValueError):
    """A selector that names no rule: a configuration or usage error."""


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    """Every concrete rule class, sorted by code; modules are imported once per process."""
    import conclint.rules as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    found: dict[str, type[Rule]] = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.is_concrete() and cls.__module__.startswith(package.__name__ + "."):
            found[cls.CODE] = cls
    return tuple(found[code] for code in sorted(found))


def rule_for(code_or_name: str) -> type[Rule] | None:
    """The rule with this exact code or name (case-insensitive for codes)."""
    key = code_or_name.strip()
    for cls in all_rules():
        if cls.CODE == key.upper() or cls.NAME == key.lower():
            return cls
    return None


def _matches(cls: type[Rule], selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    return cls.CODE.startswith(selector.upper()) or cls.NAME == selector.lower()


def check_selectors(selectors: Iterable[str]) -> None:
    """Raise UnknownSelectorError for the first selector that matches no rule."""
    rules = all_rules()
    for selector in selectors:
        if not any(_matches(cls, selector) for cls in rules):
            raise UnknownSelectorError(f"unknown rule code or name: {selector!r}")


@lru_cache(maxsize=64)
def select_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[type[Rule], ...]:
    """The rules matched by `select` and not by `ignore`; the more specific selector wins."""
    check_selectors(select + ignore)

    def specificity(cls: type[Rule], selectors: tuple[str, ...]) -> int:
        best = -1
        for selector in selectors:
            if _matches(cls, selector):
                if selector.strip().upper() == "ALL":
                    weight = 0
                elif selector.strip().lower() == cls.NAME:
                    weight = 99
                else:
                    weight = len(selector.strip())
                best = max(best, weight)
        return best

    chosen = []
    for cls in all_rules():
        selected, ignored = specificity(cls, select), specificity(cls, ignore)
        if selected >= 0 and selected > ignored:
            chosen.append(cls)
    return tuple(chosen)
