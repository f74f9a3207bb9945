"""AOSSIE-Org/Devr.AI#261 (fix proposed in #262): `EmbeddingService` exposes async methods but
calls the synchronous SentenceTransformer `self.model.encode(...)` inside `get_embedding` and
`get_embeddings`; while one request embeds, "the entire process is blocked: other HTTP requests,
agent tools, and background tasks stall until the encode finishes". The methods follow the
issue; the model set-up is shortened."""
import logging

from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

MODEL_NAME = "BAAI/bge-small-en-v1.5"


class EmbeddingService:
    def __init__(self, model_name=MODEL_NAME, device="cpu"):
        self.model_name = model_name
        self.device = device
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = SentenceTransformer(self.model_name, device=self.device)
        return self._model

    async def get_embedding(self, text):
        embedding = self.model.encode(text, convert_to_tensor=True, show_progress_bar=False)  # BUG: CCL204
        return embedding.cpu().tolist()

    async def get_embeddings(self, texts):
        embeddings = self.model.encode(texts, convert_to_tensor=True, show_progress_bar=False, batch_size=32)  # BUG: CCL204
        return [e.cpu().tolist() for e in embeddings]

    async def search_similar_profiles(self, query, store, limit=5):
        vector = await self.get_embedding(query)
        return await store.search(vector, limit=limit)
