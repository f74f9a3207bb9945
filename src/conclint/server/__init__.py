"""`conclint server`: a language server (LSP) that lints open files as they are edited, with
the project index kept warm across edits. Needs the `server` extra (pygls, lsprotocol);
`serve` says so when it is missing. Nothing here is imported by a plain `conclint` run."""

from __future__ import annotations


class ServerUnavailable(Exception):
    """The language server's dependencies are not installed."""


def serve(tcp: tuple[str, int] | None = None, ws: tuple[str, int] | None = None) -> None:
    """Serve one client over standard input and output, or on a TCP or WebSocket address,
    until it disconnects or asks the server to exit. ServerUnavailable without pygls and
    lsprotocol (or, for `ws`, websockets)."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as error:
        raise ServerUnavailable(
            f"the language server needs pygls and lsprotocol ({error}): pip install 'conclint[server]'"
        ) from None
    if ws is not None:
        try:
            import websockets  # noqa: F401
        except ImportError:
            raise ServerUnavailable("--ws needs the websockets package: pip install 'pygls[ws]'") from None
    import gc

    from conclint.project.lint_one import LINT_GC_THRESHOLDS
    from conclint.server.protocol import build_server

    # The process lints, as a run's workers do: the same collector thresholds (a file's libcst
    # tree is hundreds of thousands of objects that the default thresholds traverse again and again).
    gc.set_threshold(*LINT_GC_THRESHOLDS)
    server = build_server()
    if tcp is not None:
        server.start_tcp(*tcp)
    elif ws is not None:
        server.start_ws(*ws)
    else:
        server.start_io()
