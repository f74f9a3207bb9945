"""Fixed as suggested in hotosm/tasking-manager#7303: await asyncio.sleep(0.5)."""
import asyncio

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
                await asyncio.sleep(0.5)
