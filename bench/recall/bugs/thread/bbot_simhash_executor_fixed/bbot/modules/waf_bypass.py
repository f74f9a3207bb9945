"""Fixed as blacklanternsecurity/bbot#3331 settled: the simhash runs on the process pool."""
from ..core.helpers.helper import ConfigAwareHelper
from ..core.helpers.simhash import compute_simhash


class waf_bypass:
    def __init__(self):
        self.helpers = ConfigAwareHelper()
        self.content_fingerprints = {}

    async def handle_event(self, event, response):
        if response is None:
            return
        simhash = await self.helpers.run_in_executor_mp(compute_simhash, response.text)
        self.content_fingerprints[event.data] = simhash
