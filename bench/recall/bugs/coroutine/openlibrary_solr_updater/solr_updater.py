"""internetarchive/openlibrary#7891 (PR #8017 and follow-ups): the async main loop of
scripts/solr_updater.py reads and writes its state file with open(), commits to Solr through
a synchronous requests call, and sleeps with time.sleep."""
import datetime
import logging
import time

import update_work
from update_work import CommitRequest

logger = logging.getLogger("openlibrary.solr-updater")


def read_state_file(path, initial_state: str = None):
    try:
        return open(path).read()
    except OSError:
        logger.error("State file %s is not found. Reading log from the beginning of today", path)
        return initial_state or f"{datetime.date.today().isoformat()}:0"


class Solr:
    def __init__(self):
        self.reset()

    def reset(self):
        self.total_docs = 0
        self.t_start = time.time()

    def commit(self, ndocs):
        self.total_docs += ndocs
        if not self.total_docs:
            return
        dt = time.time() - self.t_start
        if self.total_docs > 100 or dt > 60:
            self._solr_commit()
            self.reset()

    def _solr_commit(self):
        logger.info("BEGIN commit")
        update_work.solr_update([CommitRequest()])
        logger.info("END commit")


async def update_keys(keys):
    await update_work.do_updates(list(keys))
    return len(keys)


async def main(state_file: str = "solr-update.state", commit: bool = True, initial_state: str = None):
    offset = read_state_file(state_file, initial_state)  # BUG: CCL104
    solr = Solr()
    while True:
        keys = [offset]
        count = await update_keys(keys)
        new_offset = offset + "+"
        if new_offset != offset:
            offset = new_offset
            logger.info("saving offset %s", offset)
            with open(state_file, "w") as f:  # BUG: CCL104
                f.write(offset)  # BUG: CCL104
        if commit:
            solr.commit(ndocs=count)  # BUG: CCL102
        if count == 0:
            logger.debug("No more log records available, sleeping...")
            time.sleep(5)  # BUG: CCL101
