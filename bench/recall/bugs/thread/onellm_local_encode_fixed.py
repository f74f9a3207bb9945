"""Fixed as the merged PR did (muxi-ai/onellm#47, `onellm/providers/local.py`): the encode runs
on the default executor through `loop.run_in_executor`, and the cold-start model construction
moved to `_load_model_async`, which also runs it on the executor; cache bookkeeping stays on
the loop."""

import asyncio
import logging
import os
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

from ..errors import APIError, InvalidRequestError, OneLLMError
from ..models import EmbeddingData, EmbeddingResponse, UsageInfo
from .base import Provider, register_provider

logger = logging.getLogger(__name__)

_DEFAULT_CACHE_SIZE = 2
_TRUST_REMOTE_CODE_ENV = "ONELLM_ALLOW_TRUST_REMOTE_CODE"


@contextmanager
def _normalize_errors(repo: str) -> Generator[None, None, None]:
    try:
        yield
    except OneLLMError:
        raise
    except Exception as exc:
        raise APIError(f"[local/{repo}] Unexpected error: {type(exc).__name__}: {exc}", provider="local") from exc


class LocalProvider(Provider):
    def __init__(self, **kwargs: Any) -> None:
        self._cache: dict[str, Any] = {}
        self._cache_order: list[str] = []
        self._cache_max: int = max(1, int(kwargs.get("cache_size", _DEFAULT_CACHE_SIZE)))

    @staticmethod
    def _resolve_trust_remote_code(**kwargs: Any) -> bool:
        if os.environ.get(_TRUST_REMOTE_CODE_ENV, "true").lower() == "false":
            return False
        caller_value = kwargs.get("trust_remote_code")
        return True if caller_value is None else bool(caller_value)

    @staticmethod
    def _apply_task_prefix(texts: list[str], task: str | None) -> list[str]:
        if not task:
            return texts
        return [f"{task}: {t}" for t in texts]

    def _instantiate_model(self, repo: str, trust_remote_code: bool) -> Any:
        from sentence_transformers import SentenceTransformer

        logger.info("Loading local embedding model %s", repo)
        with _normalize_errors(repo):
            return SentenceTransformer(repo, trust_remote_code=trust_remote_code)

    def _cache_lookup(self, repo: str) -> Any | None:
        if repo in self._cache:
            self._cache_order.remove(repo)
            self._cache_order.append(repo)
            return self._cache[repo]
        return None

    def _cache_insert(self, repo: str, model: Any) -> None:
        if repo in self._cache:
            return
        if len(self._cache) >= self._cache_max:
            oldest = self._cache_order.pop(0)
            self._cache.pop(oldest, None)
        self._cache[repo] = model
        self._cache_order.append(repo)

    async def _load_model_async(self, repo: str, trust_remote_code: bool) -> Any:
        cached = self._cache_lookup(repo)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        model = await loop.run_in_executor(None, lambda: self._instantiate_model(repo, trust_remote_code))
        self._cache_insert(repo, model)
        return model

    async def create_embedding(self, input: str | list[str], model: str, **kwargs: Any) -> EmbeddingResponse:
        inputs: list[str] = [input] if isinstance(input, str) else list(input)
        if not inputs or all(not t for t in inputs):
            raise InvalidRequestError("Input cannot be empty", provider="local", status_code=400)

        inputs = self._apply_task_prefix(inputs, kwargs.get("task"))
        trust_flag = self._resolve_trust_remote_code(**kwargs)
        st_model = await self._load_model_async(model, trust_flag)

        # The synchronous encode is CPU/GPU-bound: offload to the default
        # executor so the event loop stays responsive.
        loop = asyncio.get_running_loop()
        with _normalize_errors(model):
            raw = await loop.run_in_executor(None, lambda: st_model.encode(inputs, normalize_embeddings=True))
        vectors: list[list[float]] = [list(v) for v in raw.tolist()]

        data = [EmbeddingData(embedding=vec, index=i, object="embedding") for i, vec in enumerate(vectors)]
        total_chars = sum(len(t) for t in inputs)
        usage = UsageInfo(prompt_tokens=total_chars, completion_tokens=0, total_tokens=total_chars)
        return EmbeddingResponse(object="list", data=data, model=f"local/{model}", usage=usage)


register_provider("local", LocalProvider)
