"""Types that flow into helpers (issue 14, item 1): a coroutine that passes an object of a
catalogued library type to a sync function of the project, which calls a blocking method on
that parameter (`fetch(session, url)` with `session.get(url)` in `fetch`), blocks there. The
helper's parameter has no type of its own; the call site's argument gives it one."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source, summarize_source
from conclint.project.runner import IndexOptions, check

from project_layout import app_package

HELPERS = """
    import io
    import pathlib
    import queue
    import socket
    import requests

    def fetch(session, url):
        return session.get(url).json()

    def save(handle, text, flush=False):
        if text:
            handle.write(text)

    def send(sock, payload):
        sock.sendall(payload)

    def relay(sock, payload):
        send(sock, payload)

    def enqueue(q, item):
        q.put(item)

    def rebound(session, url):
        session = make_session()
        return session.get(url)

    def make_session():
        return None

    def later(session, url):
        return lambda: session.get(url)

    def posix(path):
        if isinstance(path, pathlib.PurePath):
            return path.as_posix()
        return path.replace("\\\\", "/")

    def rename(path):
        return path.replace("archive")
"""


@pytest.mark.parametrize(
    ("setup", "call", "reported"),
    [
        ("session = requests.Session()", "fetch(session, url)", "CCL102"),
        ("path = pathlib.Path(url)", "posix(path)", None),  # `replace` is meant for a str there
        ("path = pathlib.Path(url)", "rename(path)", "CCL104"),
        ("handle = open(url, 'w')", "save(handle, url)", "CCL104"),
        ("handle = open(url, 'w')", "save(handle, '')", None),  # `if text:` is decided false
        ("sock = socket.create_connection((url, 80))", "send(sock, b'x')", "CCL105"),
        ("sock = socket.create_connection((url, 80))", "relay(sock, b'x')", "CCL105"),  # passed on
        ("sock = socket.socket()", "send(sock, b'x')", "CCL105"),
        ("sock = socket.socket(); sock.setblocking(False)", "send(sock, b'x')", None),
        ("q = queue.Queue()", "enqueue(q, 1)", None),  # put may be free: how `q` was made decides
        ("session = requests.Session()", "rebound(session, url)", None),  # not the caller's object
        ("session = requests.Session()", "later(session, url)", None),  # in a lambda, never called here
        ("session = object()", "fetch(session, url)", None),
        ("handle = io.StringIO()", "save(handle, url)", None),  # in memory
        ("session = requests.Session()", "await asyncio.to_thread(fetch, session, url)", None),
    ],
)
def test_a_catalogued_object_passed_to_a_helper(setup: str, call: str, reported: str | None) -> None:
    body = f"\nimport asyncio\n\nasync def main(url):\n    {setup}\n    {call}\n"
    source = textwrap.dedent(HELPERS).lstrip("\n") + body
    found = lint_source(source, "example.py", DEFAULT_SETTINGS)
    line = source.count("\n", 0, source.index(f"    {call}")) + 1
    assert [d.code for d in found if d.line == line] == ([reported] if reported else [])


def test_the_message_names_the_parameter_call_and_its_line() -> None:
    source = textwrap.dedent(HELPERS).lstrip("\n") + "\nasync def main(url):\n    session = requests.Session()\n    return fetch(session, url)\n"
    (finding,) = [d for d in lint_source(source, "example.py", DEFAULT_SETTINGS) if d.code == "CCL102"]
    assert finding.message == "`fetch()` blocks the event loop (run it in a worker thread) via fetch -> session.get() (line 8)"
    assert [link.line for link in finding.chain] == [7, 8]


def test_parameter_calls_round_trip_through_json() -> None:
    summary = summarize_source(textwrap.dedent(HELPERS))
    fetch = summary.function("fetch")
    assert fetch is not None and [call.callee for call in fetch.parameter_calls] == ["session.get"]
    assert summary.function("rebound").parameter_calls == ()  # type: ignore[union-attr]
    again = type(summary).from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again.function("fetch").parameter_calls == fetch.parameter_calls  # type: ignore[union-attr]
    # A method no catalogued type has is not kept: `json()` is called on a result, not a parameter.
    assert [call.callee for call in summary.function("save").parameter_calls] == ["handle.write"]  # type: ignore[union-attr]


def test_a_helper_of_another_module(tmp_path: Path) -> None:
    transport = """
        def fetch(session, url):
            response = session.get(url)
            return response.json()
        """
    api = """
        import requests

        from app.transport import fetch

        async def handler(url):
            session = requests.Session()
            return fetch(session, url)
        """
    package = app_package(tmp_path, {"transport.py": transport, "api.py": api})
    result = check([str(package / "api.py")], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    assert [(Path(d.path).name, d.line, d.code) for d in result.diagnostics] == [("api.py", 8, "CCL102")]
    finding = result.diagnostics[0]
    assert "via transport.fetch -> session.get() (line 3 of app/transport.py)" in finding.message


def test_only_an_object_a_call_made_decides_the_callees_tests() -> None:
    """An annotation (`session: requests.Session`, then kept in `self.session`) is a claim
    the caller may break (None, a mock): the value passed tells what a method called on it
    does ("o") and decides no test; an object a call made decides them ("t")."""
    source = textwrap.dedent(
        """
        import requests

        def close(session):
            return session

        class Client:
            def __init__(self, session: requests.Session):
                self.session = session

            def run(self):
                held = self.session
                close(held)
                made = requests.Session()
                close(made)
        """
    )
    run = summarize_source(source).function("Client.run")
    assert run is not None
    assert [site.args[0] for site in run.sites if site.callee == "close"] == [
        ("o", "requests.Session", None),
        ("t", "requests.Session", None),
    ]


@pytest.mark.parametrize(
    ("comment", "reported"),
    [("", True), ("# noqa: CCL102", False), ("# noqa: ASYNC210", False), ("# conclint: ignore[CCL102]", False)],
)
def test_a_suppression_on_the_parameter_call_silences_the_chains_through_it(comment: str, reported: bool, tmp_path: Path) -> None:
    helper = f"def fetch(session, url):\n    return session.get(url).json()  {comment}\n"
    caller = "import requests\n\n\nasync def main(url):\n    session = requests.Session()\n    return fetch(session, url)\n"
    assert bool(lint_source(helper + "\n\n" + caller, "example.py", DEFAULT_SETTINGS)) == reported
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "transport.py").write_text(helper)
    (package / "api.py").write_text("from app.transport import fetch\n" + caller)
    result = check([str(package / "api.py")], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors and bool(result.diagnostics) == reported
