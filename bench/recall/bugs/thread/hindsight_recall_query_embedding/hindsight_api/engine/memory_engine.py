"""
Memory Engine for Memory Banks (shortened to the recall path's query embedding).
"""

import asyncio
import logging
import time

import asyncpg

from .embeddings import Embeddings, create_embeddings_from_env
from .retain import embedding_utils

logger = logging.getLogger(__name__)


class MemoryEngine:
    def __init__(self, db_url: str, embeddings: Embeddings | None = None):
        self.db_url = db_url
        self._pool: asyncpg.Pool | None = None
        self._search_semaphore = asyncio.Semaphore(32)
        if embeddings is not None:
            self.embeddings = embeddings
        else:
            self.embeddings = create_embeddings_from_env()

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            self._pool = await asyncpg.create_pool(self.db_url)
        return self._pool

    async def recall_async(self, bank_id: str, query: str, fact_type: list[str], thinking_budget: int = 300):
        async with self._search_semaphore:
            max_retries = 3
            for attempt in range(max_retries + 1):
                try:
                    return await self._search_with_retries(bank_id, query, fact_type, thinking_budget)
                except asyncpg.TooManyConnectionsError:
                    if attempt == max_retries:
                        raise
                    await asyncio.sleep(0.5 * (2**attempt))

    async def _search_with_retries(self, bank_id: str, query: str, fact_type: list[str], thinking_budget: int):
        pool = await self._get_pool()
        log_buffer = []

        # Step 1: Generate query embedding (for semantic search)
        step_start = time.time()
        query_embedding = embedding_utils.generate_embedding(self.embeddings, query)  # BUG: CCL204
        step_duration = time.time() - step_start
        log_buffer.append(f"  [1] Generate query embedding: {step_duration:.3f}s")

        # Step 2: semantic retrieval
        query_embedding_str = str(query_embedding)
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                """
                SELECT id, text, fact_type, 1 - (embedding <=> $1::vector) AS similarity
                FROM memory_units
                WHERE bank_id = $2 AND fact_type = ANY($3::text[])
                ORDER BY embedding <=> $1::vector
                LIMIT $4
                """,
                query_embedding_str,
                bank_id,
                fact_type,
                thinking_budget,
            )
        logger.info("\n".join(log_buffer))
        return [dict(row) for row in rows]
