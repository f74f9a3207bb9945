"""Fixed as #129 asks (and PR #178's threaded regime shows): the embedding graph call runs on a
bounded ThreadPoolExecutor through run_in_executor; torch releases the GIL in the forward pass."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

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
embed_pool = ThreadPoolExecutor(max_workers=2)


async def live(request):
    return JSONResponse({"status": "ok"})


async def graph_create_node(request):
    body = await request.json()
    loop = asyncio.get_running_loop()
    node_id = await loop.run_in_executor(embed_pool, graph.add_node, body["label"], body["content"])
    return JSONResponse({"id": node_id})


app = Starlette(routes=[
    Route("/live", live),
    Route("/nodes", graph_create_node, methods=["POST"]),
])
