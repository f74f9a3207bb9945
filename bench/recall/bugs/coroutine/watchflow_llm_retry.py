"""warestack/watchflow#68: the async evaluate() of an LLM-assisted rule condition backed off
between retries with time.sleep(wait_time) (2 to 8 seconds), freezing webhook processing."""
import logging
import time

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
                time.sleep(wait_time)  # BUG: CCL101
        return {"is_violated": False}
