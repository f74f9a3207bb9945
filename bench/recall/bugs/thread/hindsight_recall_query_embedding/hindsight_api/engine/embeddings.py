"""
Embeddings abstraction for the memory system (shortened to the local provider).
"""

import logging
import os
from abc import ABC, abstractmethod

logger = logging.getLogger(__name__)

DEFAULT_EMBEDDINGS_LOCAL_MODEL = "BAAI/bge-small-en-v1.5"


class Embeddings(ABC):
    """Abstract base class for embedding generation."""

    @property
    @abstractmethod
    def provider_name(self) -> str:
        pass

    @abstractmethod
    async def initialize(self) -> None:
        pass

    @abstractmethod
    def encode(self, texts: list[str]) -> list[list[float]]:
        pass


class LocalSTEmbeddings(Embeddings):
    """Local embeddings implementation using SentenceTransformers."""

    def __init__(self, model_name: str | None = None, force_cpu: bool = False):
        self.model_name = model_name or DEFAULT_EMBEDDINGS_LOCAL_MODEL
        self.force_cpu = force_cpu
        self._model = None
        self._dimension: int | None = None

    @property
    def provider_name(self) -> str:
        return "local"

    async def initialize(self) -> None:
        if self._model is not None:
            return
        from sentence_transformers import SentenceTransformer

        logger.info(f"Embeddings: initializing local provider with model {self.model_name}")
        device = "cpu" if self.force_cpu else None
        self._model = SentenceTransformer(self.model_name, device=device, model_kwargs={"low_cpu_mem_usage": False})
        self._dimension = self._model.get_sentence_embedding_dimension()

    def encode(self, texts: list[str]) -> list[list[float]]:
        if self._model is None:
            raise RuntimeError("Embeddings not initialized. Call initialize() first.")

        embeddings = self._model.encode(texts, convert_to_numpy=True, show_progress_bar=False)
        return [emb.tolist() for emb in embeddings]


def create_embeddings_from_env() -> Embeddings:
    provider = os.environ.get("HINDSIGHT_API_EMBEDDINGS_PROVIDER", "local")
    if provider == "local":
        return LocalSTEmbeddings(
            model_name=os.environ.get("HINDSIGHT_API_EMBEDDINGS_LOCAL_MODEL"),
            force_cpu=os.environ.get("HINDSIGHT_API_EMBEDDINGS_LOCAL_FORCE_CPU", "") == "true",
        )
    raise ValueError(f"Unknown embeddings provider: {provider}")
