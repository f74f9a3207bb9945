"""Async PostgreSQL helpers (psycopg 3 pool), shortened from the project's models/db.py."""

import logging
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from memory_vault.config import settings

logger = logging.getLogger(__name__)

_pool: AsyncConnectionPool | None = None


async def get_pool() -> AsyncConnectionPool:
    global _pool
    if _pool is None:
        _pool = AsyncConnectionPool(conninfo=settings.database_url, open=False,
                                    kwargs={"row_factory": dict_row, "autocommit": False})
        await _pool.open()
    return _pool


async def execute_query(sql: str, params: tuple | dict | None = None) -> int:
    pool = await get_pool()
    async with pool.connection() as conn:
        cur = await conn.execute(sql, params)
        await conn.commit()
        return cur.rowcount


async def fetch_one(sql: str, params: tuple | dict | None = None) -> dict[str, Any] | None:
    pool = await get_pool()
    async with pool.connection() as conn:
        cur = await conn.execute(sql, params)
        return await cur.fetchone()


async def fetch_all(sql: str, params: tuple | dict | None = None) -> list[dict[str, Any]]:
    pool = await get_pool()
    async with pool.connection() as conn:
        cur = await conn.execute(sql, params)
        return await cur.fetchall()
