"""Precision of CCL204 and of the library and spin-loop evidence of CCL201-CCL203 (issue 14)
on projects that run models or pure-Python libraries from async or threaded code.

    python bench/precision/ccl204_run.py --work DIR            # download, unpack, lint, print
    python bench/precision/ccl204_run.py --work DIR --output findings.json --conclint REF/bin/conclint

The 48 projects of `run.py` use none of the libraries these checks know (sentence-transformers,
transformers, llama-cpp, whisper, onnxruntime, networkx ...), so they cannot measure them. The
projects below were chosen, before conclint ran on them, for calling such libraries from
coroutines (servers, agents) or threads. Each is fetched with `pip download --no-deps
--no-binary :all:` into `DIR/sdists` (never built, installed or imported), unpacked under
`DIR/src` and linted from its root with `conclint --no-cache --format json`. Printed, one per
line: the CCL204 findings, and the CCL201/CCL202/CCL203 findings whose message names a
pure-Python library computation or a busy-waiting target. `CCL204_REVIEW.md` holds the verdicts.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _unpack, is_library  # noqa: E402  (run.py is a script beside this one)

# (PyPI name, version, why it was chosen)
PROJECTS = (
    ("khoj", "1.42.10", "FastAPI server: SentenceTransformer / CrossEncoder wrappers used by async routes"),
    ("fschat", "0.2.36", "FastChat's FastAPI model worker: transformers models generating from async endpoints"),
    ("llama-index-embeddings-huggingface", "0.8.0", "async embedding methods over SentenceTransformer.encode"),
    ("infinity-emb", "0.0.78", "embedding server over sentence-transformers / ONNX that batches on threads"),
    ("llama-cpp-python", "0.3.36", "its OpenAI-compatible FastAPI server runs Llama completions"),
    ("rembg", "2.0.86", "FastAPI server running onnxruntime InferenceSession sessions"),
    ("wyoming-faster-whisper", "3.8.1", "asyncio Wyoming server transcribing in an async event handler"),
    ("nemoguardrails", "0.17.0", "async guardrails runtime computing embeddings (sentence-transformers)"),
    ("xinference", "4.1.0", "async actors serving transformers, sentence-transformers, llama-cpp, whisper, diffusers"),
    ("lightrag-hku", "1.5.7", "networkx graph storage behind async methods"),
    ("graphrag", "3.3.0", "networkx graph operations in async indexing workflows"),
    ("math-verify", "0.9.0", "sympy simplification and solving behind timeouts (threads or signals)"),
    ("pipecat-ai", "1.14.0", "asyncio voice-agent pipeline: onnxruntime (Silero VAD) and whisper in frame processors"),
    ("livekit-plugins-turn-detector", "1.8.9", "onnxruntime InferenceSession.run in the inference executor of async agents"),
    ("livekit-plugins-silero", "1.8.9", "onnxruntime Silero VAD driven by async audio streams"),
    ("mem0ai", "2.2.1", "AsyncMemory calling embedders (sentence-transformers) from async methods"),
    ("python-can", "4.6.1", "bus reader and notifier threads that poll buses in loops (spin loops)"),
    ("vnpy", "4.5.0", "trading event engine and gateways run by threads polling queues (spin loops)"),
    ("semantic-kernel", "1.45.0", "HuggingFace connectors: a transformers pipeline and SentenceTransformer in async services"),
    ("autogen-ext", "0.7.5", "async chat-completion client over llama-cpp-python"),
    ("agno", "3.1.10", "agent framework: SentenceTransformer embedder with async embedding methods"),
    ("agent-rag-mcp", "1.1.9", "MCP server: ChromaDB and sentence-transformers behind (async) tools"),
    ("bird-id-mcp", "0.1.1", "MCP server: YOLO detection and a classifier behind tools"),
    ("iflow-mcp-gongrzhe-yolo-mcp-server", "0.1.1", "MCP server: ultralytics YOLO behind tools"),
    ("graphmem-mcp", "1.0.0", "Graph-RAG MCP server with local embeddings"),
)

CODES = {"CCL201", "CCL202", "CCL203"}
# Messages of those codes that come from the new evidence: a library's long computation
# ("(a backtest in pure Python)", "(RLP encoding in Python)") or a spin loop.
EVIDENCE = re.compile(r"in (pure )?Python\)|busy-waits")


def fetch(work: Path, name: str, version: str) -> Path:
    """The unpacked tree of `name==version` under `work/src`, downloaded once."""
    target = work / "src" / f"{name}-{version}"
    if target.exists():
        return target
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    before = set(sdists.iterdir())
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(sdists), f"{name}=={version}"],
        check=True,
    )
    wanted = name.lower().replace("-", "_")
    new = sorted(set(sdists.iterdir()) - before) or sorted(
        p for p in sdists.iterdir() if p.name.lower().replace("-", "_").startswith(f"{wanted}_{version}")
    )
    _unpack(new[-1], work / "src" / f".{name}").rename(target)
    return target


def wanted(finding: dict[str, object]) -> bool:
    """CCL204, or a CCL201-CCL203 finding whose evidence is new in issue 14."""
    code = str(finding["code"])
    return code == "CCL204" or (code in CODES and bool(EVIDENCE.search(str(finding["message"]))))


def lint(tree: Path, conclint: str) -> list[dict[str, object]]:
    """conclint's JSON findings for the tree, run from its root as a user would."""
    run = subprocess.run([conclint, ".", "--no-cache", "--format", "json", "--exit-zero"], cwd=tree, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"{tree.name}: conclint exited {run.returncode}\n{run.stderr}")
    return json.loads(run.stdout)


def listed(name: str, version: str, found: list[dict[str, object]]) -> list[dict[str, object]]:
    """Print a project's findings, one per line, and return them with the project, version and
    whether each is in library code."""
    items = []
    for item in found:
        path = str(item["path"])
        library = is_library(path)
        print(f"{name}\t{path}\t{item['line']}\t{item['code']}\t{'lib' if library else 'non-lib'}\t{item['message']}", flush=True)
        items.append({"project": name, "version": version, **item, "library": library})
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True, help="directory for the sdists and unpacked trees")
    parser.add_argument("--conclint", default="conclint", help="the conclint executable to run")
    parser.add_argument("--output", type=Path, help="also write the selected findings as JSON")
    parser.add_argument("names", nargs="*", help="only these projects")
    args = parser.parse_args()
    selected: list[dict[str, object]] = []
    for name, version, _why in PROJECTS:
        if args.names and name not in args.names:
            continue
        tree = fetch(args.work.resolve(), name, version)
        found = [f for f in lint(tree, args.conclint) if wanted(f)]
        print(f"# {name} {version}: {len(found)} findings", flush=True)
        selected += listed(name, version, found)
    if args.output:
        args.output.write_text(json.dumps(selected, indent=1) + "\n")


if __name__ == "__main__":
    main()
