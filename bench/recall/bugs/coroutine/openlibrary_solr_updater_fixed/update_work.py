"""The part of openlibrary/solr/update_work.py the updater script calls: a synchronous Solr
update over requests."""
import json
import logging

import requests

logger = logging.getLogger("openlibrary.solr")
solr_base_url = "http://solr:8983/solr/openlibrary"


class CommitRequest:
    def to_json_command(self):
        return '"commit": {}'


def solr_update(requests_list, skip_id_check=False):
    body = "{" + ",".join(r.to_json_command() for r in requests_list) + "}"
    resp = requests.post(f"{solr_base_url}/update", timeout=30, data=body, headers={"Content-Type": "application/json"})
    resp.raise_for_status()


async def do_updates(keys):
    logger.info("updating %s", json.dumps(keys))
