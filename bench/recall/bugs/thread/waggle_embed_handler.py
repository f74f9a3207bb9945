"""Abhigyan-Shekhar/Waggle-mcp#129 (stall measured in #130 / PR #178): the MCP server's request
handlers are async, but every `embed()` runs the embedding model's forward pass synchronously,
so while one request embeds, every other one, health checks included, waits; PR #178's
heartbeat measured the stall of the `graph_create_node` handler calling `graph.add_node(...)`
directly. The handler chain (handler -> graph.add_node -> _embed_with_metadata ->
EmbeddingModel.embed) follows the issue and the PR; the bodies are shortened."""
from sentence_transformers import SentenceTransformer
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


class EmbeddingModel:
    def __init__(self, model_name="all-MiniLM-L6-v2"):
        self._model = SentenceTransformer(model_name)

    def embed(self, text):
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


class MemoryGraph:
    def __init__(self, embedder):
        self.embedder = embedder
        self.nodes = {}

    def _embed_with_metadata(self, label, content):
        return self.embedder.embed(f"{label}: {content}")

    def add_node(self, label, content):
        vector = self._embed_with_metadata(label, content)
        node_id = len(self.nodes) + 1
        self.nodes[node_id] = {"label": label, "content": content, "vector": vector}
        return node_id


graph = MemoryGraph(EmbeddingModel())


async def live(request):
    return JSONResponse({"status": "ok"})


async def graph_create_node(request):
    body = await request.json()
    node_id = graph.add_node(body["label"], body["content"])  # BUG: CCL204
    return JSONResponse({"id": node_id})


app = Starlette(routes=[
    Route("/live", live),
    Route("/nodes", graph_create_node, methods=["POST"]),
])
