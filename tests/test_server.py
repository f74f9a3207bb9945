"""`conclint server` end to end: a real LSP client (pytest-lsp) talks to the real server,
started as `python -m conclint server` in a subprocess, over standard input and output.

Every wait is for a notification, bounded by WAIT_SECONDS, never a sleep."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path
from typing import Callable, Sequence

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

# Long enough for a cold start on a loaded machine (the first lint imports libcst).
WAIT_SECONDS = 30

HELPER_CLEAN = """\
def load():
    return 1
"""
HELPER_BLOCKING = """\
import time


def load():
    time.sleep(1)
    return 1
"""
APP = """\
from app.helpers import load


async def handler():
    return load()
"""
SLEEPER = """\
import anyio


async def poll():
    import time
    time.sleep(1)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a package `app`: a coroutine in `main` calls `helpers.load`."""
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "helpers.py").write_text(HELPER_CLEAN, encoding="utf-8")
    (package / "main.py").write_text(APP, encoding="utf-8")
    (package / "sleeper.py").write_text(SLEEPER, encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "conclint", "server"]),
)
async def client(lsp_client: LanguageClient, project: Path):
    registered: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    lsp_client.registered = registered  # type: ignore[attr-defined]
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _uri(project: Path, name: str) -> str:
    return (project / "app" / name).as_uri()


def _open(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        )
    )


def _replace(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """The whole buffer replaced, as one change."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def _until(
    client: LanguageClient, uri: str, wanted: Callable[[Sequence[types.Diagnostic]], bool]
) -> Sequence[types.Diagnostic]:
    """The diagnostics of `uri` once `wanted` accepts them, waiting for publications."""

    async def wait() -> Sequence[types.Diagnostic]:
        while uri not in client.diagnostics or not wanted(client.diagnostics[uri]):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), WAIT_SECONDS)


def _codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(diagnostic.code) for diagnostic in diagnostics)


@pytest.mark.asyncio
async def test_open_publishes_findings_linked_to_rule_pages(client: LanguageClient, project: Path) -> None:
    uri = _uri(project, "sleeper.py")
    _open(client, uri, SLEEPER)
    found = await _until(client, uri, lambda d: bool(d))
    assert _codes(found) == ["CCL101"]
    finding = found[0]
    assert finding.range.start == types.Position(line=5, character=4)
    assert finding.code_description is not None and finding.code_description.href.endswith("/rules/CCL101.md")
    assert finding.source == "conclint"
    # The client is asked to report changes on disk of modules and configuration files.
    assert [r.method for r in client.registered] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_only_python_documents_are_linted_and_closing_clears(client: LanguageClient, project: Path) -> None:
    toml = (project / "pyproject.toml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=toml, language_id="toml", version=1, text="[tool.conclint]\n")
        )
    )
    uri = _uri(project, "sleeper.py")
    _open(client, uri, SLEEPER)  # linted after anything opened before it: one worker, in order
    await _until(client, uri, lambda d: bool(d))
    assert toml not in client.diagnostics
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert not await _until(client, uri, lambda d: not d)


@pytest.mark.asyncio
async def test_change_relints_the_buffer_not_the_file(client: LanguageClient, project: Path) -> None:
    uri = _uri(project, "sleeper.py")
    _open(client, uri, SLEEPER)
    await _until(client, uri, lambda d: bool(d))
    _replace(client, uri, SLEEPER.replace("time.sleep(1)", "await anyio.sleep(1)"), 2)
    assert await _until(client, uri, lambda d: not d) == ()
    _replace(client, uri, "def broken(:\n", 3)
    found = await _until(client, uri, lambda d: bool(d))
    assert _codes(found) == ["CCL001"]
    assert found[0].severity == types.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_cross_module_finding_follows_the_helper_buffer(client: LanguageClient, project: Path) -> None:
    app, helpers = _uri(project, "main.py"), _uri(project, "helpers.py")
    _open(client, app, APP)
    _open(client, helpers, HELPER_CLEAN)
    await _until(client, helpers, lambda d: not d)
    assert await _until(client, app, lambda d: not d) == ()
    # The helper's unsaved buffer starts blocking: the coroutine that calls it is reported.
    _replace(client, helpers, HELPER_BLOCKING, 2)
    found = await _until(client, app, lambda d: bool(d))
    assert _codes(found) == ["CCL101"]
    related = found[0].related_information or []
    assert [info.location.uri for info in related] == [helpers, helpers]
    assert [info.location.range.start.line for info in related] == [3, 4]
    assert (project / "app" / "helpers.py").read_text(encoding="utf-8") == HELPER_CLEAN  # nothing written
    # Fixed in the buffer: the finding goes away.
    _replace(client, helpers, HELPER_CLEAN, 3)
    assert await _until(client, app, lambda d: not d) == ()


@pytest.mark.asyncio
async def test_code_actions_fix_and_silence(client: LanguageClient, project: Path) -> None:
    uri = _uri(project, "sleeper.py")
    _open(client, uri, SLEEPER)
    found = await _until(client, uri, lambda d: bool(d))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=list(found)),
        )
    )
    assert actions is not None
    titles = [action.title for action in actions if isinstance(action, types.CodeAction)]
    assert len(titles) == 2 and titles[1] == "Suppress with `# noqa: CCL101`"
    fix, silence = (action for action in actions if isinstance(action, types.CodeAction))
    assert fix.is_preferred or "unsafe" in fix.title
    fixed = _applied(SLEEPER, fix)
    assert "await anyio.sleep(1)" in fixed
    _replace(client, uri, fixed, 2)
    assert await _until(client, uri, lambda d: not d) == ()
    silenced = _applied(SLEEPER, silence)
    assert "time.sleep(1)  # noqa: CCL101" in silenced
    _replace(client, uri, silenced, 3)
    await _until(client, uri, lambda d: True)
    _replace(client, uri, SLEEPER, 4)
    assert _codes(await _until(client, uri, lambda d: bool(d))) == ["CCL101"]
    _replace(client, uri, silenced, 5)
    assert await _until(client, uri, lambda d: not d) == ()


@pytest.mark.asyncio
async def test_configuration_reload(client: LanguageClient, project: Path) -> None:
    uri = _uri(project, "sleeper.py")
    _open(client, uri, SLEEPER)
    await _until(client, uri, lambda d: bool(d))
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.conclint]\nignore = ["CCL101"]\n', encoding="utf-8")
    _changed(client, pyproject)
    assert await _until(client, uri, lambda d: not d) == ()
    # A configuration that cannot be used is shown; the server keeps serving with the last one.
    pyproject.write_text('[tool.conclint]\nignore = ["NOPE999"]\n', encoding="utf-8")
    _changed(client, pyproject)

    async def shown() -> None:
        while not any("NOPE999" in message.message for message in client.messages):
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)

    await asyncio.wait_for(shown(), WAIT_SECONDS)
    pyproject.write_text("[tool.conclint]\n", encoding="utf-8")
    _changed(client, pyproject)
    assert _codes(await _until(client, uri, lambda d: bool(d))) == ["CCL101"]


def _changed(client: LanguageClient, path: Path) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed)])
    )


def _applied(text: str, action: types.CodeAction) -> str:
    """`text` with the edits of `action` (one document, edits that do not overlap)."""
    assert action.edit is not None and action.edit.changes is not None
    (edits,) = action.edit.changes.values()
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "conclint", "server"]),
)
async def client_without_index(lsp_client: LanguageClient, project: Path):
    """A client whose initializationOptions ignore CCL103 (subprocesses) and turn the project
    index off."""
    params = types.InitializeParams(
        capabilities=client_capabilities("neovim"),
        root_uri=project.as_uri(),
        initialization_options={"ignore": ["CCL103"], "index": False},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_initialization_options(client_without_index: LanguageClient, project: Path) -> None:
    client = client_without_index
    sleeper, app = _uri(project, "sleeper.py"), _uri(project, "main.py")
    (project / "app" / "helpers.py").write_text(HELPER_BLOCKING, encoding="utf-8")
    _open(client, sleeper, SLEEPER)
    _open(client, app, APP)
    assert _codes(await _until(client, sleeper, lambda d: bool(d))) == ["CCL101"]
    # Without the index, the blocking helper module is not followed: the call is unknown.
    await _until(client, app, lambda d: True)
    assert not client.diagnostics[app]
    _replace(client, sleeper, SLEEPER.replace("    import time\n    time.sleep(1)", "    import os\n    os.system('x')"), 2)
    await _until(client, sleeper, lambda d: not d)  # CCL103 (os.system) is ignored
