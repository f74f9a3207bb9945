"""Issue 14, "types that flow": what a factory function of the module returns, and what
`next()` of a generator function of the module yields, types the name it is bound to."""

from __future__ import annotations

import textwrap

from conclint.core.settings import Settings
from conclint.engine import lint_source

HEADER = """
import requests
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
"""


def _lines(body: str) -> list[int]:
    source = HEADER + textwrap.dedent(body)
    offset = HEADER.count("\n")
    found = lint_source(source, "example.py", Settings())
    return sorted(d.line - offset for d in found if d.code in ("CCL102", "CCL106"))


def test_a_factory_returning_one_value_types_its_call() -> None:
    body = """
        def make_session():
            session = requests.Session()
            session.headers["User-Agent"] = "bot"
            return session

        def maybe_session(enabled):
            if not enabled:
                return None
            return requests.Session()

        async def fetch(url):
            made = make_session()
            made.get(url)
            maybe_session(True).get(url)
    """
    assert _lines(body) == [14, 15]


def test_next_of_a_dependency_generator_is_the_value_it_yields() -> None:
    body = """
        def get_db():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()

        async def handler(data):
            db = next(get_db())
            db.commit()
    """
    assert _lines(body) == [11]


def test_what_is_not_typed() -> None:
    body = """
        def either(flag):
            if flag:
                return requests.Session()
            return requests

        def sessions():
            yield requests.Session()
            yield requests.Session()

        async def make_async():
            return requests.Session()

        def generator():
            yield requests.Session()

        async def handler(url):
            either(True).get(url)
            next(sessions()).get(url)
            (await make_async()).get(url)
            generator().get(url)
    """
    assert _lines(body) == []


def test_a_module_global_annotated_and_set_to_none_has_its_annotated_type() -> None:
    body = """
        from typing import Optional

        client: requests.Session = None
        maybe: Optional[requests.Session] = None
        unknown = None

        async def fetch(url):
            client.get(url)
            maybe.get(url)
            unknown.get(url)
    """
    assert _lines(body) == [9, 10]


def test_the_parts_of_a_returned_tuple_are_typed_by_position() -> None:
    body = """
        def connect(url):
            session = requests.Session()
            return session, url.rstrip("/")

        async def fetch(url):
            session, base = connect(url)
            session.get(base)
            base.get(url)
            a, b, c = connect(url)
            a.get(url)
            *rest, last = connect(url)
            rest[0].get(url)
    """
    assert _lines(body) == [8]


def test_a_container_built_empty_has_the_elements_its_annotation_says() -> None:
    body = """
        sessions: dict[str, requests.Session] = {}
        pending: list[requests.Session] = []
        untyped = {}

        async def fetch(host, url):
            sessions[host].get(url)
            pending[0].get(url)
            untyped[host].get(url)
    """
    assert _lines(body) == [7, 8]


def test_a_declared_return_type_types_a_call_whose_returns_do_not_show_it() -> None:
    # A cache: one return hands back what a dict held, the other what it just made; the
    # annotation (a string naming a TYPE_CHECKING import, or a plain name) says what both are.
    body = """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from requests import Session

        SESSIONS = {}

        def session_for(host) -> "Session":
            found = SESSIONS.get(host)
            if found is not None:
                return found
            found = SESSIONS[host] = requests.Session()
            return found

        def untyped_for(host):
            return SESSIONS[host]

        class Client:
            def _session(self, host) -> requests.Session:
                return SESSIONS[host]

            async def _aio_session(self, host) -> requests.Session:
                return SESSIONS[host]

            async def fetch(self, host, url):
                session_for(host).get(url)
                self._session(host).get(url)
                untyped_for(host).get(url)  # nothing says what it is
                return (await self._aio_session(host)).get(url)  # a coroutine's result: not followed
    """
    assert _lines(body) == [27, 28]


def test_a_method_of_the_module_returning_one_value_types_its_call() -> None:
    # `self._client()` of a class of this module: what the sync method returns, through its
    # bases of the module too; not what a method returns on one path only, nor a generator.
    body = """
        class Base:
            def _client(self):
                client = requests.Session()
                client.headers["User-Agent"] = "bot"
                return client

        class Fetcher(Base):
            def _either(self, flag):
                if flag:
                    return requests.Session()
                return requests

            def _sessions(self):
                yield requests.Session()

            async def fetch(self, url):
                self._client().get(url)
                self._either(True).get(url)
                self._sessions().get(url)

        async def handler(url):
            Fetcher()._client().get(url)
    """
    assert _lines(body) == [18, 23]


def test_a_memoizing_function_returns_what_it_makes() -> None:
    # muxi-ai/onellm#47: `_load_model` returns the model it kept or the one it just made.
    body = """
        _SESSIONS = {}

        def session_for(host):
            if host in _SESSIONS:
                return _SESSIONS[host]
            session = requests.Session()
            _SESSIONS[host] = session
            return session

        class Pool:
            def __init__(self):
                self._cache = {}

            def _session(self, host):
                found = self._cache.get(host)
                if found is not None:
                    return found
                return self._cache.get(host)

            def _kept(self, host):
                if host in self._cache:
                    return self._cache[host]
                session = requests.Session()
                self._cache[host] = session
                return session

            def _other_cache(self, host, other):
                if host in other:
                    return other[host]
                session = requests.Session()
                self._cache[host] = session
                return session

            async def fetch(self, host, url):
                session_for(host).get(url)
                self._kept(host).get(url)
                self._session(host).get(url)  # no value is made: nothing says what it is
                self._other_cache(host, {}).get(url)  # reads a container it does not fill
    """
    assert _lines(body) == [36, 37]
