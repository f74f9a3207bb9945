"""blacklanternsecurity/bbot#3331 (review): waf_bypass computed the simhash of each response
through run_in_executor_cpu, the shared thread pool; compute_simhash is pure Python, and at the
module's concurrency the thread pool took 11.8 s against 0.33 s for the process pool."""
from ..core.helpers.helper import ConfigAwareHelper
from ..core.helpers.simhash import compute_simhash


class waf_bypass:
    def __init__(self):
        self.helpers = ConfigAwareHelper()
        self.content_fingerprints = {}

    async def handle_event(self, event, response):
        if response is None:
            return
        simhash = await self.helpers.run_in_executor_cpu(compute_simhash, response.text)  # BUG: CCL201
        self.content_fingerprints[event.data] = simhash
