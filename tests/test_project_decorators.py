"""Decorators of the project, as the chains read them: one that keeps the signature of what it
decorates lets a call's arguments bind to the decorated function's parameters, so what they
decide in its body (no theme, no file to read) holds along the chain; one whose wrapper hands
the function to a helper that offloads it runs the function off the loop. Each kind is checked
with a near miss, where the chain stays reported."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source, summarize_source
from conclint.project.runner import IndexOptions, check

from project_layout import app_package

_CHAIN = """
from pathlib import Path
{imports}

{decorator}

def theme_files(theme):
    if theme is None:
        return []
    return [Path(theme).read_text()]

@{applied}
def page(*args, theme=None):
    return [*args, *theme_files(theme)]

async def render():
    return page("Hello")
"""


def _findings(decorator: str, applied: str, imports: str = "") -> list[str]:
    source = textwrap.dedent(_CHAIN).format(decorator=textwrap.dedent(decorator), applied=applied, imports=imports)
    return [d.code for d in lint_source(source, "example.py")]


KEEPING = {
    "returns what it is given": (
        """
        REGISTRY = {}

        def register(func):
            REGISTRY[func.__name__] = func
            return func
        """,
        "register",
    ),
    "a factory of such a decorator": (
        """
        def documented(*, note=""):
            def decorate(func):
                if note:
                    func.__doc__ = note
                    return func
                return func
            return decorate
        """,
        "documented(note='x')",
    ),
    "a wrapper handing on its arguments": (
        """
        import functools

        def logged(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                print("calling", func.__name__)
                return func(*args, **kwargs)
            return wrapper
        """,
        "logged",
    ),
    "a factory annotated to keep the type": (
        """
        from typing import Callable, TypeVar

        F = TypeVar("F")

        def traced(name: str) -> Callable[[F], F]:
            return make_tracer(name)
        """,
        "traced('page')",
    ),
}

CHANGING = {
    "a wrapper that adds an argument": (
        """
        def themed(func):
            def wrapper(*args, **kwargs):
                return func(*args, theme="dark.css", **kwargs)
            return wrapper
        """,
        "themed",
    ),
    "a decorator that returns something else": (
        """
        def cached(func):
            return Cache(func)
        """,
        "cached",
    ),
    "annotated with plain callables": (
        """
        from typing import Callable

        def traced(func: Callable) -> Callable:
            return make_tracer(func)
        """,
        "traced",
    ),
    "a library's decorator": ("", "click.pass_context"),
}


@pytest.mark.parametrize("kind", sorted(KEEPING))
def test_a_decorator_that_keeps_the_signature_lets_the_arguments_decide(kind: str) -> None:
    decorator, applied = KEEPING[kind]
    assert _findings(decorator, applied) == []


@pytest.mark.parametrize("kind", sorted(CHANGING))
def test_a_decorator_that_may_change_the_arguments_leaves_them_unknown(kind: str) -> None:
    decorator, applied = CHANGING[kind]
    assert _findings(decorator, applied, imports="import click") == ["CCL104"]


def test_the_summary_keeps_the_written_parameters_and_the_decorators_verdict() -> None:
    summary = summarize_source(
        textwrap.dedent(
            """
            def register(func):
                return func

            @register
            def page(*args, theme=None):
                return args
            """
        ),
        located=False,
    )
    page = summary.functions["page"]
    assert page.params is None  # the catalog does not know `register`
    assert [param.name for param in page.decorated_params or ()] == ["theme", "args"]
    assert summary.functions["register"].keeps_signature
    assert not summary.functions["page"].keeps_signature  # it returns a list, not `args`


OFFLOADING = """
import functools

async def run_in_executor(self, fn, *args, **kwargs):
    preloaded = functools.partial(fn, *args, **kwargs)
    return await self.loop.run_in_executor(self.executor, preloaded)

def run_inline(self, fn, *args, **kwargs):
    return fn(*args, **kwargs)

def executor_decorator(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        return await run_in_executor(args[0], func, *args, **kwargs)
    return wrapper

def inline_decorator(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        return run_inline(args[0], func, *args, **kwargs)
    return wrapper
"""

APPS = """
from app.utils import executor_decorator, inline_decorator

class Apps:
    @executor_decorator
    def read_config(self, path):
        with open(path) as f:
            return f.read()

    @inline_decorator
    def read_inline(self, path):
        with open(path) as f:
            return f.read()

    async def check(self):
        await self.read_config("apps.yaml")
        await self.read_inline("apps.yaml")
"""


def test_a_decorator_whose_wrapper_hands_the_function_to_an_offloading_helper_offloads_it(tmp_path: Path) -> None:
    # appdaemon's `@utils.executor_decorator`, applied in another module.
    package = app_package(tmp_path, {"utils.py": OFFLOADING, "apps.py": APPS})
    result = check([str(package)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    assert [(Path(d.path).name, d.line, d.code) for d in result.diagnostics] == [("apps.py", 17, "CCL104")]


def test_what_a_decorator_hands_on_survives_the_summarys_round_trip() -> None:
    summary = summarize_source(OFFLOADING, located=False)
    again = type(summary).from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again == summary
    assert again.functions["executor_decorator"].hands_on == ("<local>.run_in_executor",)
    assert again.functions["run_in_executor"].offloads_argument
    assert not again.functions["run_inline"].offloads_argument
