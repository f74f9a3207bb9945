"""dustinblack/agent-dashboard#114: the async Socket.IO handlers of backend/app/socket.py take a
synchronous SQLAlchemy session with next(database.get_db()) and query it on the event loop."""
import socketio

from . import database, models

sio = socketio.AsyncServer(async_mode="asgi")


@sio.event
async def join_terminal(sid, data):
    db = next(database.get_db())
    session = db.query(models.TerminalSession).filter(models.TerminalSession.session_id == data["session_id"]).first()  # BUG: CCL106
    if session is None:
        await sio.emit("error", {"message": "unknown session"}, to=sid)
        return
    session.status = "attached"
    db.commit()  # BUG: CCL106
    await sio.enter_room(sid, data["session_id"])
