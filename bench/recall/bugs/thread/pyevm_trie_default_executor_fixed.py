"""Fixed as the issue asks: the trie building runs on an explicit ProcessPoolExecutor, shared by
the syncer (as #1157 later did for all services)."""
import asyncio
import functools
from concurrent.futures import ProcessPoolExecutor

import rlp
from trie import HexaryTrie

from evm.constants import BLANK_ROOT_HASH
from p2p.cancel_token import wait_with_token


def make_trie_root_and_nodes(items):
    return _make_trie_root_and_nodes(tuple(rlp.encode(item) for item in items))


@functools.lru_cache(128)
def _make_trie_root_and_nodes(items):
    kv_store = {}
    trie = HexaryTrie(kv_store, BLANK_ROOT_HASH)
    with trie.squash_changes() as memory_trie:
        for index, item in enumerate(items):
            index_key = rlp.encode(index, sedes=rlp.sedes.big_endian_int)
            memory_trie[index_key] = item
    return trie.root_hash, kv_store


_executor = None


def get_process_pool_executor():
    global _executor
    if _executor is None:
        _executor = ProcessPoolExecutor()
    return _executor


class DownloadedBlockPart:
    def __init__(self, part, unique_key):
        self.part = part
        self.unique_key = unique_key


class FastChainSyncer:
    def __init__(self, chaindb, cancel_token):
        self.chaindb = chaindb
        self.cancel_token = cancel_token
        self._downloaded_receipts = asyncio.Queue()
        self._downloaded_bodies = asyncio.Queue()

    async def _handle_block_receipts(self, peer, receipts):
        loop = asyncio.get_event_loop()  # ALSO: CCL404
        iterator = map(make_trie_root_and_nodes, receipts)
        receipts_tries = await wait_with_token(
            loop.run_in_executor(get_process_pool_executor(), list, iterator),
            token=self.cancel_token)
        downloaded = []
        for (receipt, (receipt_root, trie_dict_data)) in zip(receipts, receipts_tries):
            await self.chaindb.coro_persist_trie_data_dict(trie_dict_data)
            downloaded.append(DownloadedBlockPart(receipt, receipt_root))
        self._downloaded_receipts.put_nowait((peer, downloaded))

    async def _handle_block_bodies(self, peer, bodies):
        loop = asyncio.get_event_loop()  # ALSO: CCL404
        iterator = map(make_trie_root_and_nodes, [body.transactions for body in bodies])
        transactions_tries = await wait_with_token(
            loop.run_in_executor(get_process_pool_executor(), list, iterator),
            token=self.cancel_token)
        downloaded = []
        for (body, (tx_root, trie_dict_data)) in zip(bodies, transactions_tries):
            await self.chaindb.coro_persist_trie_data_dict(trie_dict_data)
            uncles_hash = await self.chaindb.coro_persist_uncles(body.uncles)
            downloaded.append(DownloadedBlockPart(body, (tx_root, uncles_hash)))
        self._downloaded_bodies.put_nowait((peer, downloaded))
