"""Fixed as proposed in warestack/watchflow#68: await asyncio.sleep(wait_time)."""
import asyncio
import logging

logger = logging.getLogger(__name__)


class LLMAssistedCondition:
    max_retries = 3

    def __init__(self, llm):
        self.llm = llm

    async def evaluate(self, prompt: str) -> dict:
        for attempt in range(self.max_retries):
            try:
                return await self.llm.ainvoke(prompt)
            except Exception as error:
                wait_time = 2 ** (attempt + 1)
                logger.warning("LLM call failed (%s), retrying in %ss", error, wait_time)
                await asyncio.sleep(wait_time)
        return {"is_violated": False}
