"""Fixed as internetarchive/openlibrary#7895 did: an httpx.AsyncClient post."""
import json
import logging

import httpx

logger = logging.getLogger("openlibrary.solr")


async def solr_insert_documents(documents: list[dict], solr_base_url: str, skip_id_check=False):
    params = {}
    if skip_id_check:
        params["overwrite"] = "false"
    logger.debug(f"POSTing update to {solr_base_url}/update {params}")
    async with httpx.AsyncClient() as client:
        resp = await client.post(
            f"{solr_base_url}/update",
            timeout=30,
            params=params,
            headers={"Content-Type": "application/json"},
            content=json.dumps(documents),
        )
    resp.raise_for_status()
