"""keybase/pykeybasebot#18: the reconnect decorator of Bot.start slept between retries with
time.sleep inside its async wrapper, so the bot's own event loop stopped for every retry."""
import logging
import time
from functools import wraps

from .cli import KeybaseNotConnectedError

RETRY_ATTEMPTS = 100
SLEEP_SECS_BETWEEEN_RETRIES = 1


def _with_reconnect_to_keybase(keybase_bot_start_function):
    @wraps(keybase_bot_start_function)
    async def wrapped_f(self, *args, **kwargs):
        attempts = RETRY_ATTEMPTS
        while True:
            try:
                await keybase_bot_start_function(self, *args, **kwargs)
            except KeybaseNotConnectedError:
                if self._initialized:
                    attempts = 0
                    self._initialized = False
                attempts += 1
                if attempts > RETRY_ATTEMPTS:
                    raise
                logging.info(f"RECONNECT: sleeping {SLEEP_SECS_BETWEEEN_RETRIES} seconds...")
                time.sleep(SLEEP_SECS_BETWEEEN_RETRIES)  # BUG: CCL101

    return wrapped_f
