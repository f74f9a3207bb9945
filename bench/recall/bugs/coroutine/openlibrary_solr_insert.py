"""internetarchive/openlibrary#7891 (fix PR #7895): the solr updater's async
solr_insert_documents posted the documents to Solr with requests.post."""
import json
import logging

import requests

logger = logging.getLogger("openlibrary.solr")


async def solr_insert_documents(documents: list[dict], solr_base_url: str, skip_id_check=False):
    params = {}
    if skip_id_check:
        params["overwrite"] = "false"
    logger.debug(f"POSTing update to {solr_base_url}/update {params}")
    resp = requests.post(  # BUG: CCL102
        f"{solr_base_url}/update",
        timeout=30,
        params=params,
        headers={"Content-Type": "application/json"},
        data=json.dumps(documents),
    )
    resp.raise_for_status()
