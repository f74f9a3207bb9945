"""zksync-sdk/zksync-python#29: Transaction.await_committed polled the provider and waited
between attempts with time.sleep inside the coroutine."""
import time
from typing import Optional


class Transaction:
    def __init__(self, provider, transaction_hash: str):
        self.provider = provider
        self.transaction_hash = transaction_hash

    async def await_committed(self, attempts: Optional[int] = None, attempts_timeout: Optional[int] = None):
        while True:
            if attempts is not None and attempts <= 0:
                return None
            transaction_details = await self.provider.get_tx_receipt(self.transaction_hash)
            if attempts is not None:
                attempts -= 1
            block = transaction_details.get("block")
            if block is not None and block.get("committed"):
                return block
            if attempts_timeout is not None:
                time.sleep(attempts_timeout / 1000)  # BUG: CCL101
