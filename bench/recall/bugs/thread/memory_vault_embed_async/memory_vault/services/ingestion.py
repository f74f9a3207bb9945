"""
Ingestion pipeline — async queue that processes files into chunks.

Pipeline per file: read → detect adapter → parse → batch embed → insert.
Uses asyncio.PriorityQueue with configurable concurrency (shortened: the
adapters are reduced to paragraph splitting, graph extraction is left out).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from memory_vault.models.db import execute_query, fetch_one
from memory_vault.services.embedding import embed_batch

logger = logging.getLogger(__name__)

MAX_WORKERS = 5


@dataclass(order=True)
class IngestionJob:
    priority: int
    file_path: str = field(compare=False)
    space_id: int = field(compare=False)


class IngestionPipeline:
    """Async pipeline that ingests files into the vector database."""

    def __init__(self, max_workers: int = MAX_WORKERS) -> None:
        self._queue: asyncio.PriorityQueue[IngestionJob] = asyncio.PriorityQueue()
        self._max_workers = max_workers
        self._workers: list[asyncio.Task] = []
        self._running = False

    async def start(self) -> None:
        self._running = True
        for i in range(self._max_workers):
            self._workers.append(asyncio.create_task(self._worker(i)))

    async def _worker(self, worker_id: int) -> None:
        while self._running:
            try:
                job = await asyncio.wait_for(self._queue.get(), timeout=1.0)
            except TimeoutError:
                continue
            try:
                await self._process_file(job)
            except Exception:
                logger.exception("Worker %d failed on %s", worker_id, job.file_path)
            finally:
                self._queue.task_done()

    async def _process_file(self, job: IngestionJob) -> None:
        raw = Path(job.file_path).read_text(encoding="utf-8", errors="replace")  # ALSO: CCL104
        if not raw.strip():
            return
        texts = [p for p in raw.split("\n\n") if p.strip()]

        # Batch embed
        embeddings = embed_batch(texts)  # BUG: CCL204

        for index, (text, emb) in enumerate(zip(texts, embeddings, strict=True)):
            await execute_query(
                """INSERT INTO chunks (id, space_id, content, embedding, source, metadata, chunk_index)
                   VALUES (%s, %s, %s, %s::vector, %s, %s::jsonb, %s)""",
                (str(uuid.uuid4()), job.space_id, text, str(emb), job.file_path,
                 json.dumps({"source_file": job.file_path}), index),
            )


async def ingest_text(
    text: str,
    space: str = "default",
    source: str = "api",
    speaker: str | None = None,
) -> str:
    """Quick-ingest a single text string. Returns the chunk ID."""
    from memory_vault.services.embedding import embed

    row = await fetch_one("SELECT id FROM memory_spaces WHERE name = %s", (space,))
    if not row:
        raise ValueError(f"Unknown space: {space}")

    space_id = row["id"]
    chunk_id = str(uuid.uuid4())
    embedding = embed(text)  # BUG: CCL204

    await execute_query(
        """INSERT INTO chunks (id, space_id, content, embedding, source, speaker, chunk_index)
           VALUES (%s, %s, %s, %s::vector, %s, %s, 0)""",
        (chunk_id, space_id, text, str(embedding), source, speaker),
    )
    return chunk_id
