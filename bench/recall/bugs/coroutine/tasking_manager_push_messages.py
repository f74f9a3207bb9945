"""hotosm/tasking-manager#7303: MessageService._push_messages, an async function, throttled
every ten notifications with time.sleep(0.5), pausing every request on the worker."""
import time

from databases import Database


class MessageService:
    @staticmethod
    async def _push_messages(messages: list, db: Database):
        if len(messages) == 0:
            return
        for i, message in enumerate(messages):
            user = await db.fetch_one("SELECT * FROM users WHERE id = :id", {"id": message["to_user_id"]})
            if user is None:
                continue
            await db.execute("INSERT INTO messages (to_user_id, subject) VALUES (:id, :s)", {"id": user["id"], "s": message["subject"]})
            if (i + 1) % 10 == 0:
                time.sleep(0.5)  # BUG: CCL101
