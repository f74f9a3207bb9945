"""muxi-ai/onellm PR #47 (review): the new in-process `local/` embedding provider's async
`create_embedding` calls the synchronous SentenceTransformer `st_model.encode(...)` directly
on the event loop; the code's own comment conceded it ("We rely on the caller's event-loop
tolerance"), the review flagged that it blocks every coroutine for the whole inference, and
the PR was merged with the encode (and, after a second review comment, the cold-start model
load) pushed to the default executor. The encode lines follow the PR's diff; the loader and
the rest of the provider are shortened from the project's `onellm/providers/local.py`."""

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

    def _load_model(self, repo: str, trust_remote_code: bool) -> Any:
        if repo in self._cache:
            self._cache_order.remove(repo)
            self._cache_order.append(repo)
            return self._cache[repo]
        from sentence_transformers import SentenceTransformer

        logger.info("Loading local embedding model %s", repo)
        with _normalize_errors(repo):
            model = SentenceTransformer(repo, trust_remote_code=trust_remote_code)
        if len(self._cache) >= self._cache_max:
            oldest = self._cache_order.pop(0)
            self._cache.pop(oldest, None)
        self._cache[repo] = model
        self._cache_order.append(repo)
        return model

    async def create_embedding(self, input: str | list[str], model: str, **kwargs: Any) -> EmbeddingResponse:
        inputs: list[str] = [input] if isinstance(input, str) else list(input)
        if not inputs or all(not t for t in inputs):
            raise InvalidRequestError("Input cannot be empty", provider="local", status_code=400)

        # Apply task prefix (if any) and load the model.
        inputs = self._apply_task_prefix(inputs, kwargs.get("task"))
        trust_flag = self._resolve_trust_remote_code(**kwargs)
        st_model = self._load_model(model, trust_flag)

        # sentence-transformers has no native async API; the encode call is
        # synchronous and CPU/GPU bound. We rely on the caller's event-loop
        # tolerance for this; a future enhancement could offload to a thread
        # pool if callers report event-loop blocking.
        with _normalize_errors(model):
            raw = st_model.encode(inputs, normalize_embeddings=True)  # BUG: CCL204
        vectors: list[list[float]] = [list(v) for v in raw.tolist()]

        data = [EmbeddingData(embedding=vec, index=i, object="embedding") for i, vec in enumerate(vectors)]
        total_chars = sum(len(t) for t in inputs)
        usage = UsageInfo(prompt_tokens=total_chars, completion_tokens=0, total_tokens=total_chars)
        return EmbeddingResponse(object="list", data=data, model=f"local/{model}", usage=usage)


register_provider("local", LocalProvider)
