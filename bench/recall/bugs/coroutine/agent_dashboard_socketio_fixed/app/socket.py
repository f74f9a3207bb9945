"""Fixed as the issue's short-term plan says: the database work runs in asyncio.to_thread."""
import asyncio

import socketio

from . import database, models

sio = socketio.AsyncServer(async_mode="asgi")


def _attach(session_id: str) -> bool:
    db = next(database.get_db())
    session = db.query(models.TerminalSession).filter(models.TerminalSession.session_id == session_id).first()
    if session is None:
        return False
    session.status = "attached"
    db.commit()
    return True


@sio.event
async def join_terminal(sid, data):
    if not await asyncio.to_thread(_attach, data["session_id"]):
        await sio.emit("error", {"message": "unknown session"}, to=sid)
        return
    await sio.enter_room(sid, data["session_id"])
