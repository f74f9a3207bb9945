"""
Hybrid search engine — vector similarity + full-text keyword matching + RRF merging
(shortened: one query variation step, the vector arm, and the merge).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from memory_vault.config import settings
from memory_vault.models.db import fetch_all
from memory_vault.services.embedding import embed, embed_batch

_RRF_K = settings.rrf_k


@dataclass
class SearchResult:
    chunk_id: str
    content: str
    similarity: float
    space: str
    created_at: datetime | None
    metadata: dict = field(default_factory=dict)


def expand_query(query_text: str) -> list[str]:
    # Shortened: the project extracts key terms with the model's WordPiece tokenizer.
    variations = [query_text]
    cleaned = re.sub(r"[?!.,;:]", "", query_text).strip()
    if cleaned != query_text:
        variations.append(cleaned)
    return variations[:3]


async def hybrid_search(
    query_text: str,
    space_ids: list[int] | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    *,
    enrich: bool = True,
) -> tuple[list[SearchResult], list[str], int]:
    if limit is None:
        limit = settings.search_default_limit

    start = time.perf_counter()

    # Generate variations and embed
    variations = expand_query(query_text) if enrich else [query_text]
    if len(variations) > 1:
        vectors = embed_batch(variations)  # BUG: CCL204
    else:
        vectors = [embed(variations[0])]  # BUG: CCL204

    candidates: dict[str, dict] = {}
    for vec in vectors:
        params: list[Any] = [str(vec), str(vec), limit * 3]
        rows = await fetch_all(
            """SELECT c.id AS chunk_id, c.content, ms.name AS space, c.created_at, c.metadata,
                      1 - (c.embedding <=> %s::vector) AS similarity
               FROM chunks c JOIN memory_spaces ms ON ms.id = c.space_id
               ORDER BY c.embedding <=> %s::vector LIMIT %s""",
            tuple(params),
        )
        for rank, row in enumerate(rows, start=1):
            info = candidates.setdefault(str(row["chunk_id"]), {"row": row, "rrf": 0.0})
            info["rrf"] += 1.0 / (_RRF_K + rank)

    scored = sorted(candidates.items(), key=lambda kv: kv[1]["rrf"], reverse=True)
    elapsed_ms = int((time.perf_counter() - start) * 1000)
    results = [
        SearchResult(chunk_id=cid, content=info["row"]["content"],
                     similarity=round(info["row"]["similarity"], 4), space=info["row"]["space"],
                     created_at=info["row"]["created_at"], metadata=info["row"]["metadata"] or {})
        for cid, info in scored[:limit]
    ]
    return results, variations, elapsed_ms
