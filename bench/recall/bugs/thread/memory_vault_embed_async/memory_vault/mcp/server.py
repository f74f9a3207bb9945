"""
MCP server for Memory Vault (shortened to the `remember` tool).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

from mcp.server.fastmcp import FastMCP

from memory_vault.models.db import execute_query, fetch_one
from memory_vault.services.embedding import embed

logger = logging.getLogger("mcp.memory-vault")

mcp = FastMCP("memory-vault")


@mcp.tool()
async def remember(
    text: str,
    space: str = "default",
    source: str = "mcp",
    speaker: str = "human",
) -> str:
    """Store a new memory in the system."""
    if not text:
        return json.dumps({"stored": False, "error": "text must not be empty."})

    try:
        space_row = await fetch_one("SELECT id FROM memory_spaces WHERE name = %s", (space,))
        if not space_row:
            return json.dumps({"stored": False, "error": f"Unknown space '{space}'."})

        space_id = space_row["id"]

        # Embed
        embedding = embed(text)  # BUG: CCL204
        content_hash = hashlib.sha256(text.encode()).hexdigest()
        meta = json.dumps({"source": source, "content_hash": content_hash})

        chunk_id = str(uuid.uuid4())
        await execute_query(
            """INSERT INTO chunks
                   (id, space_id, chunk_index, speaker, content, embedding, source, metadata)
               VALUES (%s, %s, 0, %s, %s, %s::vector, %s, %s::jsonb)""",
            (chunk_id, space_id, speaker, text, str(embedding), f"mcp:{source}", meta),
        )
        return json.dumps({"stored": True, "chunk_id": chunk_id, "space": space})

    except Exception as e:
        logger.exception("remember failed")
        return json.dumps({"stored": False, "error": str(e)})
