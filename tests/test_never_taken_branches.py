"""Branches the source itself decides: literal tests and the module's constant flags."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from conclint.analysis.guards import context_vars_set_at_import, module_constants, module_literals, never_taken_branch
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source

MODULE = """
from x import IMPORTED

_IS_SYNC = False
DEBUG = True
DEBUG = False
try:
    FAST = True
except ImportError:
    FAST = False
if IMPORTED:
    IMPORTED = True
VERBOSE: bool = True
COUNT = 0
COUNT += 1

def rebind():
    global _OTHER
    _OTHER = True

_OTHER = False

ARGUMENT = False
for ARGUMENT in ("a", "b"):
    pass
VERBOSE_ARGS = False
for arg in ("-v",):
    if arg == "-v": VERBOSE_ARGS = True
STRICT = False
with open("x") as STRICT:
    pass
FAILED = False
try:
    pass
except ValueError as FAILED:
    pass
HOST = "127.0.0.1"
PORT = 7000
NOTHING = None
DATA = b"x"
"""


def test_module_constants_are_names_bound_once_to_a_boolean_number_or_string() -> None:
    constants = module_constants(cst.parse_module(MODULE))
    assert constants == {"_IS_SYNC": False, "VERBOSE": True, "HOST": "127.0.0.1", "PORT": 7000}
    # Without a `global` in the source there is no function that could rebind one.
    assert module_constants(cst.parse_module(MODULE), may_declare_global=False)["_OTHER"] is False
    # A parameter's default may name `None` bound once, or a name a `global` rebinds later.
    literals = module_literals(cst.parse_module(MODULE))
    assert literals["NOTHING"] is None and literals["_OTHER"] is False and "COUNT" not in literals


@pytest.mark.parametrize(
    ("test", "never"),
    [
        ("True", "orelse"),
        ("False", "body"),
        ("None", "body"),
        ("0", "body"),
        ("1", "orelse"),
        ("not False", "orelse"),
        ("_IS_SYNC", "body"),
        ("not _IS_SYNC", "orelse"),
        ("_IS_SYNC and connect", "body"),
        ("connect and _IS_SYNC", "body"),
        ("connect or not _IS_SYNC", "orelse"),
        ("_IS_SYNC or connect", None),
        ("connect", None),
        ("_IS_SYNC is False", None),
        ("'text'", None),
    ],
)
def test_never_taken_branch(test: str, never: str | None) -> None:
    assert never_taken_branch(cst.parse_expression(test), {"_IS_SYNC": False}) == never


def test_calls_in_a_branch_never_taken_are_not_reported() -> None:
    source = textwrap.dedent(
        """
        import asyncio
        import socket
        import time

        _IS_SYNC = False
        LEGACY = True
        LEGACY = False

        async def resolve(host, connect):
            if not _IS_SYNC:
                return await asyncio.get_running_loop().getaddrinfo(host, 80)
            else:
                return socket.getaddrinfo(host, 80)

        async def pause(connect):
            if _IS_SYNC and connect:
                time.sleep(1)
            elif 0:
                time.sleep(2)
            if LEGACY:
                time.sleep(3)
        """
    )
    assert [d.line for d in lint_source(source, "x.py", DEFAULT_SETTINGS)] == [22]


def test_an_except_clause_an_earlier_one_always_catches_first_never_runs() -> None:
    """crawl4ai's `execute_user_script`: a second `except Exception` after a first one."""
    source = textwrap.dedent(
        """
        import time

        async def main(run):
            try:
                run()
            except ValueError:
                time.sleep(1)
            except Exception:
                time.sleep(2)
            except Exception:
                time.sleep(3)
            except (KeyError, OSError):
                time.sleep(4)
            except BaseException:
                time.sleep(5)
            try:
                run()
            except:
                time.sleep(6)
            except Exception:
                time.sleep(7)
        """
    ).lstrip("\n")
    found = lint_source(source, "example.py", DEFAULT_SETTINGS)
    assert [d.line for d in found] == [7, 9, 15, 19]


CONTEXT_VARS = """
from contextvars import ContextVar
import contextvars

current: ContextVar[list] = ContextVar("current", default=[])
request = contextvars.ContextVar("request")
lazy = ContextVar("lazy", default=None)
request.set(None)

class Manager:
    @staticmethod
    def initialize():
        current.set([1])

    def reset(self):
        lazy.set(None)

def configure():
    lazy.set(1)

Manager.initialize()
"""


def test_context_vars_set_at_import_are_set_by_the_modules_own_statements() -> None:
    """flytekit's `FlyteContextManager.initialize()`, called at the end of its module, sets
    the context variable its getter tests; `lazy` is set only by functions nobody calls
    at import."""
    assert context_vars_set_at_import(cst.parse_module(CONTEXT_VARS)) == {"current", "request"}
    assert context_vars_set_at_import(cst.parse_module("x = 1\n")) == frozenset()
