"""Finds the rule classes under `conclint.rules` and selects them by code, prefix or name.

Selection works on the rule catalog, each rule's code and name, which is read from the rule
modules' source text without importing them: importing a rule imports libcst, and a run
whose every result comes from the cache must not pay for that (see `rule_catalog`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from conclint.rules.base import Rule


@dataclass(frozen=True)
class RuleInfo:
    """What selection needs to know about a rule: its code, its name, and whether only its
    exact code or name selects it (`Rule.EXPLICIT_ONLY`)."""

    code: str
    name: str
    explicit: bool = False


# One rule class per module (docs/ARCHITECTURE.md, "Adding a rule"), its CODE and NAME written as string literals.
_CODE_LINE = re.compile(r"""^[ \t]+CODE[ \t]*(?::[^=\n]*)?=[ \t]*["']([A-Z]+[0-9]+)["']""", re.MULTILINE)
_NAME_LINE = re.compile(r"""^[ \t]+NAME[ \t]*(?::[^=\n]*)?=[ \t]*["']([a-z0-9-]+)["']""", re.MULTILINE)
_EXPLICIT_LINE = re.compile(r"^[ \t]+EXPLICIT_ONLY[ \t]*(?::[^=\n]*)?=[ \t]*True\b", re.MULTILINE)


class UnknownSelectorError(ValueError):
    """A selector that names no rule: a configuration or usage error."""


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    """Every concrete rule class, sorted by code; modules are imported once per process."""
    import conclint.rules as package
    from conclint.rules.base import Rule

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


@lru_cache(maxsize=None)
def rule_catalog() -> tuple[RuleInfo, ...]:
    """The code and name of every rule, sorted by code, read from the rule modules' text.

    Equal to what `all_rules` yields (a test checks it); when a module does not follow the
    one-rule-per-module pattern with literal CODE and NAME, or the package is not a plain
    directory, this falls back to importing the rules.
    """
    import conclint.rules as package

    found: list[RuleInfo] = []
    try:
        for directory in package.__path__:
            for module in sorted(Path(directory).rglob("*.py")):
                text = module.read_text(encoding="utf-8")
                codes, names = _CODE_LINE.findall(text), _NAME_LINE.findall(text)
                if len(codes) != len(names) or len(codes) > 1:
                    return _imported_catalog()
                explicit = bool(codes) and _EXPLICIT_LINE.search(text) is not None
                found.extend(RuleInfo(code, name, explicit) for code, name in zip(codes, names))
    except (OSError, UnicodeDecodeError):
        return _imported_catalog()
    if not found or len({info.code for info in found}) != len(found):
        return _imported_catalog()
    return tuple(sorted(found, key=lambda info: info.code))


def _imported_catalog() -> tuple[RuleInfo, ...]:
    return tuple(RuleInfo(cls.CODE, cls.NAME, cls.EXPLICIT_ONLY) for cls in all_rules())


@lru_cache(maxsize=None)
def category_codes() -> dict[str, str]:
    """The code of the CCL1 rule that reports each category of blocking call."""
    return {rule.CATEGORY.value: rule.CODE for rule in all_rules() if hasattr(rule, "CATEGORY")}


def rule_for(code_or_name: str) -> type[Rule] | None:
    """The rule with this exact code or name (case-insensitive for codes)."""
    key = code_or_name.strip()
    for cls in all_rules():
        if cls.CODE == key.upper() or cls.NAME == key.lower():
            return cls
    return None


def _matches(rule: RuleInfo, selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    return rule.code.startswith(selector.upper()) or rule.name == selector.lower()


def check_selectors(selectors: Iterable[str]) -> None:
    """Raise UnknownSelectorError for the first selector that matches no rule."""
    rules = rule_catalog()
    for selector in selectors:
        if not any(_matches(rule, selector) for rule in rules):
            raise UnknownSelectorError(f"unknown rule code or name: {selector!r}")


@lru_cache(maxsize=64)
def select_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[type[Rule], ...]:
    """The rules matched by `select` and not by `ignore`; the more specific selector wins."""
    codes = {info.code for info in select_catalog(select, ignore)}
    return tuple(cls for cls in all_rules() if cls.CODE in codes)


@lru_cache(maxsize=64)
def select_catalog(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[RuleInfo, ...]:
    """`select_rules` on the catalog: the same choice, without importing any rule."""
    check_selectors(select + ignore)

    def specificity(rule: RuleInfo, selectors: tuple[str, ...]) -> int:
        best = -1
        for selector in selectors:
            if rule.explicit and selector.strip().upper() != rule.code and selector.strip().lower() != rule.name:
                continue
            if _matches(rule, selector):
                if selector.strip().upper() == "ALL":
                    weight = 0
                elif selector.strip().lower() == rule.name:
                    weight = 99
                else:
                    weight = len(selector.strip())
                best = max(best, weight)
        return best

    chosen = []
    for rule in rule_catalog():
        selected, ignored = specificity(rule, select), specificity(rule, ignore)
        if selected >= 0 and selected > ignored:
            chosen.append(rule)
    return tuple(chosen)
