"""Issue 14, "types that flow": an attribute a base class's `__init__` sets from what a
subclass hands it through `super().__init__(...)` or `Base.__init__(self, ...)`, and a field a
class body declares and fills through the keyword of its name (pydantic, dataclass-like
bases), holds the value the subclass passed."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.engine import lint_source
from conclint.project.runner import IndexOptions, check

from project_layout import app_package


def _found(source: str) -> list[tuple[int, str]]:
    found = lint_source(textwrap.dedent(source), "example.py", Settings())
    return sorted((d.line, d.code) for d in found)


def test_a_base_sets_the_attribute_from_the_argument_a_subclass_passes() -> None:
    source = """
        import requests

        class Client:
            def __init__(self, base_url, session):
                self.base_url = base_url
                self.session = session

        class GitHub(Client):
            def __init__(self):
                super().__init__("https://api.github.com", session=requests.Session())

            async def user(self, name):
                return self.session.get(f"{self.base_url}/users/{name}")

        class Gitea(Client):
            def __init__(self, url):
                Client.__init__(self, url, requests.Session())

            async def user(self, name):
                return self.session.get(f"{self.base_url}/users/{name}")
    """
    assert _found(source) == [(14, "CCL102"), (21, "CCL102")]


def test_a_declared_field_filled_by_keyword_holds_the_value() -> None:
    source = """
        from typing import Any

        from pydantic import BaseModel
        from sentence_transformers import SentenceTransformer

        class Embedder(BaseModel):
            generator: Any

            def __init__(self, name: str):
                super().__init__(generator=SentenceTransformer(name))

            async def embed(self, texts):
                return self.generator.encode(texts)
    """
    assert _found(source) == [(14, "CCL204")]


def test_what_is_not_taken_from_the_subclass() -> None:
    source = """
        import requests

        class Client:
            def __init__(self, session=None):
                session = session or requests.Session()
                self.session = session

        class Wrapped(Client):
            def __init__(self, factory):
                super().__init__(factory())

            async def ping(self):
                self.session.get("https://example.org")

        class Base:
            def __init__(self, session):
                self.session = session

        class Passes(Base):
            def __init__(self, session):
                super().__init__(session)

            async def ping(self):
                self.session.get("https://example.org")

        class Twice(Base):
            def __init__(self, fast):
                if fast:
                    super().__init__(requests.Session())
                else:
                    super().__init__(object())

            async def ping(self):
                self.session.get("https://example.org")

        class Unpacked:
            def __init__(self, session, retries):
                session, retries = session or requests.Session(), retries or 3
                self.session = session

        class Retried(Unpacked):
            def __init__(self):
                super().__init__(requests.Session(), 5)

            async def ping(self):
                self.session.get("https://example.org")

        class Undeclared(Unknown):
            def __init__(self):
                super().__init__(session=requests.Session())

            async def ping(self):
                self.session.get("https://example.org")
    """
    # `session or Session()` is rebound first (alone or in a tuple); `session` is a parameter
    # of unknown type; two calls of the base's `__init__`; a keyword of a base nobody sees,
    # for no declared field.
    assert _found(source) == []


def test_a_base_of_another_module_keeps_the_keyword_an_init_takes_out_of_kwargs(tmp_path: Path) -> None:
    """newrelic's traces, three modules: `FunctionTrace(name=...)` takes `source` out of its
    `**kwargs` and passes it to the `__init__` of its base, imported from another module,
    which stores it; `FunctionTrace.__enter__` runs `TimeTrace.__enter__(self)`, which reads a
    source file only for a trace given one."""
    time_trace = """
        import inspect

        class TimeTrace:
            def __init__(self, parent=None, source=None):
                self.parent = parent
                self._source = source

            def __enter__(self):
                if self._source is not None:
                    self.code_path = inspect.getsourcefile(self._source)
                return self
    """
    function_trace = """
        from app.time_trace import TimeTrace

        class FunctionTrace(TimeTrace):
            def __init__(self, name, group=None, **kwargs):
                parent = kwargs.pop("parent", None)
                source = kwargs.pop("source", None)
                super().__init__(parent=parent, source=source)
                self.name = name

            def __enter__(self):
                return TimeTrace.__enter__(self)
    """
    hooks = """
        from app.function_trace import FunctionTrace

        async def without_source(wrapped):
            trace = FunctionTrace(name=wrapped.__name__, group="Llm")
            trace.__enter__()
            return await wrapped()

        async def with_source(wrapped):
            trace = FunctionTrace(name=wrapped.__name__, source=wrapped)
            trace.__enter__()
            return await wrapped()
    """
    package = app_package(tmp_path, {"time_trace.py": time_trace, "function_trace.py": function_trace, "hooks.py": hooks})
    result = check([str(package)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    # The sources start with a blank line: with_source's `trace.__enter__()` is line 11.
    assert [(Path(d.path).name, d.line, d.code) for d in result.diagnostics] == [("hooks.py", 11, "CCL104")]
