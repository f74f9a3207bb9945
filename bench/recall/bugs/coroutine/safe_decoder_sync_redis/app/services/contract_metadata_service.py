from typing import cast

from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from sqlmodel.ext.asyncio.session import AsyncSession

from ..datasources.cache.redis import get_redis
from ..datasources.db.models import Contract


class ContractMetadataService:
    @staticmethod
    async def should_attempt_download(
        session: AsyncSession,
        contract_address: ChecksumAddress,
        chain_id: int,
        max_retries: int,
    ) -> bool:
        redis = get_redis()
        cache_key = (
            f"should_attempt_download:{contract_address}:{chain_id}:{max_retries}"
        )
        # Try from cache first
        cached_retries = cast(str, redis.get(cache_key))  # BUG: CCL106
        if cached_retries:
            return bool(int(cached_retries))
        else:
            contract = await Contract.get_contract(
                session, address=HexBytes(contract_address), chain_id=chain_id
            )

            if contract and (contract.fetch_retries > max_retries or contract.abi_id):
                redis.set(cache_key, 0)  # BUG: CCL106
                return False

            return True
