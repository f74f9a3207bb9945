"""Fixed as #262 proposes: the encode calls run on a worker thread through asyncio.to_thread
(torch releases the GIL during the forward pass)."""
import asyncio
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
        return await asyncio.to_thread(self._encode_one, text)

    def _encode_one(self, text):
        embedding = self.model.encode(text, convert_to_tensor=True, show_progress_bar=False)
        return embedding.cpu().tolist()

    async def get_embeddings(self, texts):
        return await asyncio.to_thread(self._encode_many, texts)

    def _encode_many(self, texts):
        embeddings = self.model.encode(texts, convert_to_tensor=True, show_progress_bar=False, batch_size=32)
        return [e.cpu().tolist() for e in embeddings]

    async def search_similar_profiles(self, query, store, limit=5):
        vector = await self.get_embedding(query)
        return await store.search(vector, limit=limit)
