"""The language server's parts in this process: positions, code actions, options, the
workspace's dependency tracking, failures logged; and the server process's life (it ends
when its client goes away; without the extra it says what to install)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")
from lsprotocol import types  # noqa: E402

from conclint.core.model import Diagnostic, Edit, Fix, Span  # noqa: E402
from conclint.project.configuration import ConfigError  # noqa: E402
from conclint.server import convert  # noqa: E402
from conclint.server.protocol import ConclintServer  # noqa: E402
from conclint.server.workspace import Options, Outcome, Workspace  # noqa: E402


def _finding(line: int, column: int, end_column: int, fix: Fix | None = None, code: str = "CCL101") -> Diagnostic:
    return Diagnostic("a.py", Span(line, column, line, end_column), code, "name", "message", "do this", fix=fix)


def test_columns_are_utf16_code_units() -> None:
    lines = convert.Lines("s = '😀'; x()\r\nend")
    assert lines.position(1, 11) == types.Position(line=0, character=11)  # the emoji counts twice
    assert lines.position(2, 4) == types.Position(line=1, character=3)


def test_a_finding_shows_its_suggestion_and_page() -> None:
    shown = convert.diagnostic(_finding(1, 1, 3), convert.Lines("x()\n"))
    assert shown.message == "message\ndo this"
    assert shown.severity == types.DiagnosticSeverity.Warning
    assert shown.code_description is not None and shown.code_description.href.endswith("rules/CCL101.md")
    assert convert.diagnostic(_finding(1, 1, 3, code="CCL001"), convert.Lines("x(\n")).severity == types.DiagnosticSeverity.Error


def test_unsafe_fix_is_labelled_and_not_preferred() -> None:
    text = "async def f():\n    x()\n"
    fix = Fix((Edit(Span(2, 5, 2, 8), "await y()"),), safe=False, description="Await y")
    finding = _finding(2, 5, 8, fix)
    lines = convert.Lines(text)
    unsafe, silence = convert.code_actions("file:///a.py", [(finding, convert.diagnostic(finding, lines))], text, lines)
    assert "unsafe" in unsafe.title and not unsafe.is_preferred
    assert unsafe.edit is not None and unsafe.edit.changes is not None
    (edit,) = unsafe.edit.changes["file:///a.py"]
    assert edit.new_text == "await y()" and edit.range.start == types.Position(line=1, character=4)
    assert silence.title == "Suppress with `# noqa: CCL101`"


def test_noqa_goes_where_the_engine_reads_it() -> None:
    """A finding on a line that cannot end with a comment (it ends inside a string) is
    silenced on its statement's first line, added to the codes of a `noqa` comment there."""
    text = 'async def f():\n    x(  # noqa: CCL102\n        y("""a\nb"""),\n    )\n'
    finding = _finding(3, 9, 10)
    lines = convert.Lines(text)
    (silence,) = convert.code_actions("file:///a.py", [(finding, convert.diagnostic(finding, lines))], text, lines)
    assert silence.edit is not None and silence.edit.changes is not None
    (edit,) = silence.edit.changes["file:///a.py"]
    assert edit.range.start.line == edit.range.end.line == 1
    assert edit.new_text == "    x(  # noqa: CCL102, CCL101"


def test_options_from_the_client() -> None:
    assert Options.from_client(None) == Options()
    assert Options.from_client({"select": "CCL1, CCL3", "ignore": ["CCL104"], "index": False}) == Options(
        ("CCL1", "CCL3"), ("CCL104",), False
    )
    with pytest.raises(ValueError, match="select"):
        Options.from_client({"select": 3})


def test_a_helper_buffer_relints_its_dependents(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    helper = tmp_path / "app" / "helpers.py"
    helper.write_text("def load():\n    return 1\n", encoding="utf-8")
    app = str(tmp_path / "app" / "main.py")
    workspace = Workspace(tmp_path, Options())
    assert workspace.open(app, b"from app.helpers import load\n\nasync def f():\n    load()\n") == set()
    assert workspace.lint(app).diagnostics == ()
    assert workspace.dependents(str(helper)) == {app}
    assert workspace.open(str(helper), b"import time\n\ndef load():\n    time.sleep(1)\n") == {app}
    assert [d.code for d in workspace.lint(app).diagnostics] == ["CCL101"]
    assert workspace.open(str(helper), b"import time\n\ndef load():\n    time.sleep(1)\n") == set()  # same text
    assert workspace.close(str(helper)) == {app}  # back to the file on disk
    assert workspace.lint(app).diagnostics == ()


def test_a_configuration_changed_on_disk_is_noticed(tmp_path: Path) -> None:
    """For clients that do not report changes on disk: the file in use is looked at."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.conclint]\n", encoding="utf-8")
    path = str(tmp_path / "sleeper.py")
    workspace = Workspace(tmp_path, Options())
    workspace.open(path, b"import anyio\n\nasync def f():\n    import time\n    time.sleep(1)\n")
    assert [d.code for d in workspace.lint(path).diagnostics] == ["CCL101"]
    assert not workspace.configuration_changed()
    pyproject.write_text('[tool.conclint]\nignore = ["CCL101"]\n', encoding="utf-8")
    assert workspace.configuration_changed()
    workspace.reload_configuration()
    assert not workspace.configuration_changed()
    assert workspace.lint(path).diagnostics == ()
    pyproject.write_text('[tool.conclint]\nignore = ["NOPE999"]\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        workspace.reload_configuration()
    assert not workspace.configuration_changed()  # not read again on every keystroke
    assert workspace.lint(path).diagnostics == ()  # the last configuration that worked


def test_a_failed_lint_is_logged_and_the_findings_shown_stay() -> None:
    server = ConclintServer()
    logged: list[types.LogMessageParams] = []
    published: list[types.PublishDiagnosticsParams] = []
    server.window_log_message = logged.append  # type: ignore[method-assign]
    server.text_document_publish_diagnostics = published.append  # type: ignore[method-assign]
    server.publish("file:///a.py", "x()\n", Outcome("/a.py", b"x()\n", (_finding(1, 1, 3),), None))
    server.publish("file:///a.py", "x()\n", Outcome("/a.py", b"x()\n", (), "internal error: RecursionError"))
    assert len(published) == 1 and len(published[0].diagnostics) == 1
    assert logged[0].type == types.MessageType.Error and "RecursionError" in logged[0].message
    server.lint_worker.shutdown()


def test_the_server_ends_when_its_client_goes_away() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "conclint", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert server.stdin is not None
        server.stdin.close()
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_without_the_extra_the_command_says_what_to_install() -> None:
    blocked = "import sys; sys.modules['pygls'] = None; from conclint.cli import main; main(['server'])"
    done = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pip install 'conclint[server]'" in done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_server_answers_on_tcp() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "conclint", "server", "--tcp", f"127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not listen"
                time.sleep(0.05)
        with connection:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
            connection.sendall(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
            connection.settimeout(60)
            received = b""
            while b'"serverInfo"' not in received:
                chunk = connection.recv(65536)
                assert chunk, received
                received += chunk
        assert b'"conclint"' in received
    finally:
        server.kill()
        server.wait()


def test_an_address_needs_a_host_and_a_port() -> None:
    done = subprocess.run([sys.executable, "-m", "conclint", "server", "--tcp", "localhost"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "HOST:PORT" in done.stderr
