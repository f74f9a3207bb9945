"""Edit-to-diagnostics latency of `conclint server` on a real file, with the project index on.

Usage: python bench/server_latency.py [--sdist SPEC] [--file PATH] [--edits N] [--work DIR]

Downloads the source distribution SPEC (default starlette==0.37.2) with
`pip download --no-deps --no-binary :all:` into DIR (default a temporary directory; an
archive already there is reused), unpacks it, starts `python -m conclint server` in it (the
unpacked project is the workspace folder, so calls into its other modules are followed), opens
PATH (default starlette/routing.py, 922 lines), and waits for its first diagnostics (the cold
lint: libcst imported, the helper modules summarized). Then N times (default 50): one edit (a
new statement appended, as typed), then the time until the diagnostics of that version of the
document arrive. Edits are made one after the other, each once the previous one is answered,
as a person pausing while typing would (the server lints such a change at once). Prints the
cold time, the median and the 95th percentile of the edits. Then BURSTS bursts of fast typing,
timed from the end of each burst to its diagnostics: there the server's debounce
(`protocol.DEBOUNCE_SECONDS`) and the lint still running when the burst ends count too. Last,
the single edits linted in this process without the protocol, for comparison.

Needs the server extra (pygls, lsprotocol). The goal of issue 18: 150 ms or less for a
1,000-line file on this machine's class of CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from conclint.server.protocol import DEBOUNCE_SECONDS

# Bursts of typing after the single edits: BURST_KEYS keystrokes BURST_GAP_SECONDS apart (a
# fast typist), then the statement's end; timed from the last keystroke to its diagnostics.
BURSTS = 10
BURST_KEYS = 5
BURST_GAP_SECONDS = 0.02


def fetch(spec: str, work: Path) -> Path:
    """The unpacked source distribution of `spec` under `work` (downloaded once)."""
    archives = sorted(work.glob("*.tar.gz"))
    if not archives:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(work), spec],
            check=True,
        )
        archives = sorted(work.glob("*.tar.gz"))
    archive = archives[0]
    target = work / archive.name.removesuffix(".tar.gz")
    if not target.is_dir():
        with tarfile.open(archive) as bundle:
            bundle.extractall(work, filter="data")
    return target


class Timer:
    """The arrival time of each published version of one document."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.arrived: dict[int | None, asyncio.Future[float]] = {}

    def wanted(self, version: int | None) -> asyncio.Future[float]:
        return self.arrived.setdefault(version, asyncio.get_running_loop().create_future())

    def published(self, params: types.PublishDiagnosticsParams) -> None:
        if params.uri == self.uri:
            found = self.wanted(params.version)
            if not found.done():
                found.set_result(time.perf_counter())


async def measure(project: Path, file: Path, text: str, edits: int) -> tuple[float, list[float], list[float], int]:
    """Cold time, the latency of each edit, of each burst's last keystroke, the findings of
    the last version (`text`: the file's content, read before the loop runs)."""
    client = LanguageClient("server-latency", "1")
    uri = file.as_uri()
    timer = Timer(uri)
    counts: list[int] = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        counts.append(len(params.diagnostics))
        timer.published(params)

    await client.start_io(sys.executable, "-m", "conclint", "server", cwd=str(project))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=project.as_uri())
    )
    client.initialized(types.InitializedParams())
    lines = text.count("\n")
    started = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
    )
    cold = await asyncio.wait_for(timer.wanted(1), 600) - started
    latencies = []
    for number in range(2, edits + 2):
        line = lines + number - 2
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 0), types.Position(line, 0)), text=f"_edit_{number} = {number}\n"
        )
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(uri=uri, version=number), [change])
        )
        latencies.append(await asyncio.wait_for(timer.wanted(number), 60) - started)
    bursts = []
    version = edits + 1
    for burst in range(BURSTS):
        line = lines + edits + burst  # a new line after the last one typed
        for key in range(BURST_KEYS):
            version += 1
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, key), types.Position(line, key)), text="x"
            )
            started = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change])
            )
            if key + 1 < BURST_KEYS:
                await asyncio.sleep(BURST_GAP_SECONDS)
        client.text_document_did_change(  # end the statement typed: `xxxxx = 0`
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
                [types.TextDocumentContentChangePartial(range=types.Range(types.Position(line, BURST_KEYS), types.Position(line, BURST_KEYS)), text=" = 0\n")],
            )
        )
        version += 1
        bursts.append(await asyncio.wait_for(timer.wanted(version), 60) - started)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return cold, latencies, bursts, counts[-1]


def lint_alone(project: Path, file: Path, text: str, edits: int) -> list[float]:
    """The same edits linted in this process through the server's `Workspace` (warm index,
    no protocol, no debounce): what the server adds is the difference."""
    import gc

    from conclint.project.lint_one import LINT_GC_THRESHOLDS
    from conclint.server.workspace import Options, Workspace

    gc.set_threshold(*LINT_GC_THRESHOLDS)
    workspace = Workspace(project, Options())
    path = str(file)
    workspace.open(path, text.encode())
    workspace.lint(path)
    times = []
    for number in range(2, edits + 2):
        text += f"_edit_{number} = {number}\n"
        started = time.perf_counter()
        workspace.open(path, text.encode())
        workspace.lint(path)
        times.append(time.perf_counter() - started)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", default="starlette==0.37.2", help="the source distribution to download")
    parser.add_argument("--file", default="starlette/routing.py", help="the file to edit, relative to the unpacked sdist")
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--work", type=Path, default=None, help="where to download and unpack (default: a temporary directory)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="conclint-latency-") as temporary:
        work = arguments.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        project = fetch(arguments.sdist, work)
        file = project / arguments.file
        text = file.read_text(encoding="utf-8")
        size = text.count("\n")
        cold, latencies, bursts, findings = asyncio.run(measure(project, file, text, arguments.edits))
        alone = lint_alone(project, file, text, arguments.edits)
    print(f"{arguments.sdist} {arguments.file} ({size} lines): {len(latencies)} edits, {findings} findings on the last version")
    print(f"cold (open to first diagnostics): {cold * 1000:.0f} ms")
    print(
        f"edit to diagnostics: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(
        f"after a burst of {BURST_KEYS} keystrokes {BURST_GAP_SECONDS * 1000:.0f} ms apart (debounce "
        f"{DEBOUNCE_SECONDS * 1000:.0f} ms): median {statistics.median(bursts) * 1000:.0f} ms, "
        f"max {max(bursts) * 1000:.0f} ms from the last keystroke"
    )
    print(
        f"the same edits linted in-process (no protocol, no debounce): median {statistics.median(alone) * 1000:.0f} ms, "
        f"p95 {percentile(alone, 0.95) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
