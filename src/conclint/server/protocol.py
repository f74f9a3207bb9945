"""The language server itself: pygls handlers that keep a `Workspace` up to date and publish
its findings.

Lints run one at a time on a single worker thread (the project index is not thread-safe),
so the event loop stays free to read the client's messages while a file is linted. Changes
are debounced on both edges: a change to a file with no lint pending or running is linted at
once (the latency a person waits for after an edit is the lint's, bench/server_latency.py);
changes that come while one is pending or running are linted together, DEBOUNCE_SECONDS
after the last of them, and cancel the publication of the stale result (a lint not started
yet is dropped). After a module's text changes, the open files whose findings were drawn
from it are linted again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Coroutine

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from conclint import __version__
from conclint.core.model import Diagnostic
from conclint.project.configuration import ConfigError
from conclint.server import convert
from conclint.server.workspace import Options, Outcome, Workspace, is_configuration, python_paths

logger = logging.getLogger(__name__)

# Changes made while a lint of their file is pending or running are linted once this long has
# passed without another: a burst of keystrokes costs one more lint, not one each.
DEBOUNCE_SECONDS = 0.05
# Files whose change on disk the server asks the client to report.
WATCHED = ("**/*.py", "**/pyproject.toml")


class ConclintServer(LanguageServer):
    """The server's state: the workspace, the findings last published per document (with
    the text they were drawn from, for code actions), and the pending lints."""

    def __init__(self) -> None:
        super().__init__("conclint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.state: Workspace | None = None
        self.options = Options()
        self.lint_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="conclint-server")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.shown: dict[str, tuple[str, list[tuple[Diagnostic, types.Diagnostic]]]] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        # The open documents conclint lints: Python ones (a client may send every file it opens).
        self.linted: set[str] = set()
        # Their URIs as the client spells them, by path (a URI made from a path may differ).
        self.uris: dict[str, str] = {}
        # The configuration error shown last: shown once, not on every keystroke.
        self.config_error: str | None = None

    def background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` on the event loop, holding its task until it ends (the loop holds
        tasks only weakly)."""
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Lint the open document `uri` after `delay`, replacing a lint pending for it. No
        `delay` (a change): at once when none is pending, else after DEBOUNCE_SECONDS."""
        previous = self.pending.pop(uri, None)
        if delay is None:
            delay = DEBOUNCE_SECONDS if previous is not None and not previous.done() else 0
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        path = _path(uri)
        if path is None or self.state is None or uri not in self.linted:
            return
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        loop = asyncio.get_running_loop()
        try:
            outcome, dependents = await loop.run_in_executor(self.lint_worker, _lint_job, self.state, path, text)
        except ConfigError as error:
            self.show_config_error(error)
            return
        except Exception:  # noqa: BLE001 - one failed lint must not stop the server: log it, keep serving
            self.log(types.MessageType.Error, f"conclint failed on {path}:\n{traceback.format_exc()}")
            return
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]
        if uri not in self.linted:  # closed while it was linted
            return
        self.config_error = None
        self.publish(uri, text, outcome, version)
        self.relint(dependents)

    def show_config_error(self, error: ConfigError) -> None:
        """Show a configuration that cannot be used, unless it is the one shown last."""
        message = f"conclint: {error}"
        if message != self.config_error:
            self.config_error = message
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def publish(self, uri: str, text: str, outcome: Outcome, version: int | None = None) -> None:
        """Send `outcome`'s findings for `uri` (drawn from its `version`); an engine failure
        is logged instead, and the findings shown before stay."""
        if outcome.error is not None:
            self.log(types.MessageType.Error, f"conclint: {outcome.path}: {outcome.error}")
            return
        lines = convert.Lines(text)
        pairs = [(finding, convert.diagnostic(finding, lines)) for finding in outcome.diagnostics]
        self.shown[uri] = (text, pairs)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[shown for _, shown in pairs], version=version)
        )

    def relint(self, paths: set[str]) -> None:
        """Lint the open documents at `paths` again, now."""
        for path in sorted(paths):
            uri = self.uris.get(path)
            if uri is not None and uri in self.linted:
                self.schedule(uri, 0)

    def relint_all(self) -> None:
        if self.state is not None:
            self.relint(set(self.state.open_paths))


def _lint_job(state: Workspace, path: str, text: str) -> tuple[Outcome, set[str]]:
    """On the lint worker: give the workspace the buffer, lint it; the open files to lint
    again: those that depended on its former text, or all when the configuration changed
    on disk unreported (read again first; ConfigError when it cannot be used)."""
    dependents = state.open(path, text.encode("utf-8", "surrogatepass"))
    if state.configuration_changed():
        state.reload_configuration()
        dependents = set(state.open_paths) - {path}
    return state.lint(path), dependents


def _path(uri: str) -> str | None:
    """The absolute path of a `file:` URI; None for other schemes (an untitled buffer)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return os.path.normpath(path) if path and os.path.isabs(path) else None


def _root(params: types.InitializeParams) -> Path:
    """The workspace folder: the first one, else the root URI, else the working directory."""
    for uri in [folder.uri for folder in params.workspace_folders or ()] + [params.root_uri or ""]:
        path = _path(uri) if uri else None
        if path is not None:
            return Path(path)
    return Path(params.root_path) if params.root_path else Path.cwd()


def build_server() -> ConclintServer:
    """A server with every handler registered."""
    server = ConclintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ConclintServer, params: types.InitializeParams) -> None:
        try:
            ls.options = Options.from_client(params.initialization_options)
        except ValueError as error:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"conclint: {error}"))
        try:
            ls.state = Workspace(_root(params), ls.options)
        except ConfigError as error:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"conclint: {error}"))
            ls.state = Workspace(_root(params), Options(index=ls.options.index))

    @server.feature(types.INITIALIZED)
    def initialized(ls: ConclintServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        watching = capabilities.did_change_watched_files if capabilities is not None else None
        if watching is not None and watching.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
            )
            registration = types.Registration(
                id="conclint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ConclintServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        path = _path(document.uri)
        if path is not None and (document.language_id == "python" or path.endswith((".py", ".pyi"))):
            ls.linted.add(document.uri)
            ls.uris[path] = document.uri
            ls.schedule(document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ConclintServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.linted:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ConclintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if path is not None and is_configuration(path):
            _reload(ls)
        elif params.text_document.uri in ls.linted:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ConclintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in ls.linted:
            return
        ls.linted.discard(uri)
        path = _path(uri)
        if path is not None and ls.uris.get(path) == uri:
            del ls.uris[path]
        pending = ls.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.shown.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if path is not None and ls.state is not None:
            ls.background(_closed(ls, path))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: ConclintServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [path for path in (_path(change.uri) for change in params.changes) if path is not None]
        if any(is_configuration(path) for path in paths):
            _reload(ls)
        elif python_paths(paths) and ls.state is not None:
            ls.background(_changed_on_disk(ls, python_paths(paths)))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls: ConclintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        text, pairs = ls.shown.get(params.text_document.uri, ("", []))
        if not pairs or ls.workspace.get_text_document(params.text_document.uri).source != text:
            return []  # none, or drawn from an older text: their edits would land in the wrong place
        wanted = [(finding, shown) for finding, shown in pairs if convert.overlaps(shown.range, params.range)]
        if not wanted:
            return []
        return convert.code_actions(params.text_document.uri, wanted, text, convert.Lines(text))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ConclintServer, params: Any) -> None:
        for task in ls.pending.values():
            task.cancel()
        ls.lint_worker.shutdown(wait=False, cancel_futures=True)

    return server


def _reload(ls: ConclintServer) -> None:
    """Read the configuration again and lint every open file with it; a configuration that
    cannot be used is shown to the user, and the previous one stays."""
    if ls.state is None:
        return
    ls.background(_reloaded(ls))


async def _reloaded(ls: ConclintServer) -> None:
    assert ls.state is not None
    try:
        await asyncio.get_running_loop().run_in_executor(ls.lint_worker, ls.state.reload_configuration)
    except ConfigError as error:
        ls.show_config_error(error)
        return
    ls.config_error = None
    ls.log(types.MessageType.Info, "conclint: configuration reloaded")
    ls.relint_all()


async def _closed(ls: ConclintServer, path: str) -> None:
    assert ls.state is not None
    ls.relint(await asyncio.get_running_loop().run_in_executor(ls.lint_worker, ls.state.close, path))


async def _changed_on_disk(ls: ConclintServer, paths: list[str]) -> None:
    assert ls.state is not None
    state = ls.state
    found: set[str] = set()
    for path in paths:
        found |= await asyncio.get_running_loop().run_in_executor(ls.lint_worker, state.changed_on_disk, path)
    ls.relint(found)
