from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class TerminalSession(Base):
    __tablename__ = "terminal_sessions"
    id = Column(Integer, primary_key=True)
    session_id = Column(String, unique=True)
    status = Column(String)
