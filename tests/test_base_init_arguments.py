"""Issue 14, "types that flow": an attribute a base class's `__init__` sets from what a
subclass hands it through `super().__init__(...)` or `Base.__init__(self, ...)`, and a field a
class body declares and fills through the keyword of its name (pydantic, dataclass-like
bases), holds the value the subclass passed."""

from __future__ import annotations

import textwrap

from conclint.core.settings import Settings
from conclint.engine import lint_source


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
