"""CCL106: a synchronous database driver used in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine

_KV_STORE = """
            import asyncio
            import psycopg2

            class PostgresStore:
                def __init__(self, dsn):
                    self.conn = psycopg2.connect(dsn)
                    self.cursor = self.conn.cursor()

                async def get(self, key):
                    {execute}
                    row = self.cursor.fetchone()
                    return row[0] if row else None
"""
_OFFLOADED_QUERY = 'await asyncio.to_thread(self.cursor.execute, "SELECT v FROM kv WHERE k = %s", (key,))'


class BlockingDatabaseCallInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds calls of synchronous database drivers inside an `async def`: `sqlite3`, `psycopg2`
    and `pymysql` connections and cursors (`connect`, `execute`, `executemany`, `commit`,
    ..., and `sqlite3`'s `fetchone`, `fetchall`, which step the query), every command of a `redis.Redis` client (`get`, `set`,
    `hgetall`, ..., and `Pipeline.execute`), and `pymongo` client and collection operations
    (`find_one`, `insert_one`, `update_many`, `aggregate`, ...), psycopg 3 (`psycopg.connect`,
    `execute`, `commit`, `rollback`, the cursor's `execute`), `mysql.connector` connections
    and cursors, and synchronous SQLAlchemy and SQLModel: a `Session`'s `execute`, `scalars`,
    `scalar`, `get`, `exec`, `commit`, `flush`, `refresh`, `rollback`, a query's `all()`,
    `first()`, `one()`, `count()`, ..., an `Engine`'s `connect()` and `begin()`, and a
    `Connection`'s `execute`. Connections, cursors, sessions and collections are followed from
    the calls that create them (`conn = sqlite3.connect(...)`, `cur = conn.cursor()`,
    `client.db.users`, `self.redis = redis.Redis()` in `__init__`, `with Session(engine) as
    session:`, `SessionLocal()` of a module's `SessionLocal = sessionmaker(...)`) and from
    annotations (`db: Session`).

    The async APIs are not reported: SQLAlchemy's `AsyncSession` and `create_async_engine`,
    `psycopg.AsyncConnection`, and any awaited call. Nor are calls that wait for no server:
    `Session.add()`, making a cursor, the fetch methods of a client-side cursor of psycopg 3,
    psycopg2 or pymysql (their default), whose rows `execute()` has already received (a
    named psycopg2 cursor or pymysql's `SSCursor` fetches from the server: not told apart),
    and `sqlite3.connect(":memory:")`, which
    opens no file.

    ## Why is this bad?
    A synchronous driver waits for the database server (or, for sqlite3, the disk) on the
    calling thread. Under an event loop, one slow query stalls every request the process
    is serving, and a lock held by the database can freeze the loop indefinitely.

    ## Example
    ```python
    import sqlite3

    async def count_users(path):
        conn = sqlite3.connect(path)
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]
    ```

    ## Use instead
    ```python
    import aiosqlite

    async def count_users(path):
        async with aiosqlite.connect(path) as db:
            async with db.execute("SELECT count(*) FROM users") as cursor:
                return (await cursor.fetchone())[0]
    ```
    Async drivers exist for most databases: SQLAlchemy's `AsyncSession` over an async
    driver, `asyncpg` or `psycopg.AsyncConnection` for PostgreSQL, `aiomysql`/`asyncmy` for MySQL, `redis.asyncio.Redis` for Redis,
    `pymongo.AsyncMongoClient` (or motor) for MongoDB. Where none fits (trio), run the whole
    transaction in a worker thread: `await trio.to_thread.run_sync(do_transaction)`.

    ## Fix safety
    {offload_fix} A driver
    that ties a connection to its thread refuses the call (sqlite3 does by default, unless
    `check_same_thread=False`): review each fix. Async drivers differ in set-up, placeholders
    and transactions, so moving to one is left to you.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; entries with the category
      `"database"` are reported by this rule.

    ## References
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [aiosqlite](https://aiosqlite.omnilib.dev/en/stable/)
    - [asyncpg](https://magicstack.github.io/asyncpg/current/)
    - [psycopg 3: asynchronous operations](https://www.psycopg.org/psycopg3/docs/advanced/async.html)
    - [SQLAlchemy: asynchronous I/O](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html)
    - [redis-py: asyncio examples](https://redis.readthedocs.io/en/stable/examples/asyncio_examples.html)
    - [PyMongo async API](https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/index.html)
    - [trio.to_thread.run_sync](https://trio.readthedocs.io/en/stable/reference-core.html#trio.to_thread.run_sync)
    """

    CODE = "CCL106"
    NAME = "blocking-database-call-in-async"
    CATEGORY = Category.DATABASE
    VALID = (
        # llama-stack's Postgres store runs the query on a worker thread; the rows are then on
        # the client-side cursor already.
        Valid(_KV_STORE.format(execute=_OFFLOADED_QUERY)),
        # An in-memory database (Pyrogram's MemoryStorage): no file is opened.
        Valid(
            """
            import sqlite3

            class MemoryStorage:
                async def open(self):
                    self.conn = sqlite3.connect(":memory:", check_same_thread=False)
            """
        ),
        Valid(
            """
            import sqlite3

            class Store:
                def __init__(self, path):
                    self._path = path
                    self._rows = []

                @property
                def rows(self):
                    with sqlite3.connect(self._path) as con:
                        return con.execute("SELECT * FROM items").fetchall()

                @rows.setter
                def rows(self, value):
                    self._rows = value

                @property
                def path(self):
                    return self._path

                async def reset(self):
                    self.rows = []  # the setter runs, not the getter
                    return self.path  # a getter that only reads an attribute
            """
        ),
        Valid(
            """
            import redis

            async def index(client: redis.Redis):
                # Awaiting a method of what ft() returned works only on the async client:
                # the annotation is wrong, the object is redis.asyncio.Redis.
                await client.ft().create_index(["title"])
            """
        ),
        Valid(
            """
            import aiosqlite

            async def count_users(path):
                async with aiosqlite.connect(path) as db:
                    async with db.execute("SELECT count(*) FROM users") as cursor:
                        row = await cursor.fetchone()
                    await db.commit()
                return row[0]
            """
        ),
        Valid(
            """
            import asyncpg

            async def users(dsn):
                conn = await asyncpg.connect(dsn)
                rows = await conn.fetch("SELECT * FROM users")
                await conn.execute("DELETE FROM sessions")
                return rows
            """
        ),
        Valid(
            """
            import redis.asyncio

            async def hit(key):
                client = redis.asyncio.Redis()
                pipe = client.pipeline()
                pipe.incr(key)
                await pipe.execute()
                return await client.get(key)
            """
        ),
        Valid(
            """
            from pymongo import AsyncMongoClient

            async def find(user_id):
                client = AsyncMongoClient()
                cursor = client.app.users.find({"owner": user_id})
                return await client.app.users.find_one({"_id": user_id}), cursor
            """
        ),
        Valid(
            """
            import asyncio
            import sqlite3

            def count_users(path):
                conn = sqlite3.connect(path)
                return conn.execute("SELECT count(*) FROM users").fetchone()[0]

            async def main(path):
                return await asyncio.to_thread(count_users, path)
            """
        ),
        Valid(
            """
            import sqlite3
            import trio

            async def main(path):
                def transaction():
                    with sqlite3.connect(path) as conn:
                        conn.execute("UPDATE counters SET n = n + 1")
                await trio.to_thread.run_sync(transaction)
            """
        ),
        Valid(
            """
            import redis

            r = redis.Redis()

            async def handler(cache, key, rows):
                pipe = r.pipeline()
                lock = r.lock("resource")
                return cache.get(key), rows.execute(), pipe, lock
            """
        ),
        Valid(
            """
            import anyio
            import sqlite3

            async def main(path):
                return await anyio.to_thread.run_sync(sqlite3.connect, path)
            """
        ),
        Valid(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

            SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite:///app.db"))

            async def rename(User, user_id, name):
                async with SessionLocal() as db:
                    (await db.get(User, user_id)).name = name
                    await db.commit()
            """
        ),
        Valid(
            """
            import psycopg
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

            engine = create_async_engine("postgresql+asyncpg://app")

            async def users(session: AsyncSession, dsn, User):
                session.add(User(name="new"))
                await session.commit()
                async with engine.connect() as conn:
                    await conn.execute(select(User))
                async with await psycopg.AsyncConnection.connect(dsn) as aconn:
                    await aconn.execute("SELECT 1")
                return (await session.execute(select(User))).scalars().all()
            """
        ),
        Valid(
            """
            import psycopg
            from sqlalchemy.orm import Session

            async def stage(session: Session, conn: psycopg.Connection, user):
                session.add(user)  # sent at the next flush or commit
                return conn.cursor()
            """
        ),
    )
    INVALID = (
        # The same store running the query on the loop's thread: one finding, the execute.
        Invalid(
            _KV_STORE.format(execute='self.cursor.execute("SELECT v FROM kv WHERE k = %s", (key,))'),
            line=10,
            message_contains=("`self.cursor.execute()` blocks the event loop",),
            fixed=_KV_STORE.format(execute=_OFFLOADED_QUERY),
        ),
        # Lazy set-up (jupyter_server's SessionManager.cursor): the getter connects only
        # while `_cursor` is unset, and sets it. The first read in the coroutine may connect;
        # the second finds the cursor made (one finding, not two).
        Invalid(
            """
            import sqlite3

            class Sessions:
                _cursor = None

                def __init__(self, path):
                    self.path = path

                @property
                def cursor(self):
                    if self._cursor is None:
                        self._cursor = sqlite3.connect(self.path).cursor()
                    return self._cursor

                async def exists(self, path):
                    cursor = self.cursor
                    again = self.cursor
                    return cursor is again
            """,
            line=16,
            count=1,
            message_contains=("`self.cursor` blocks the event loop",),
        ),
        # The same getter read for a query the coroutine runs on it: one finding, the
        # query's; the set-up the read may do is on that line, and the next read finds it made.
        Invalid(
            """
            import sqlite3

            class Sessions:
                _cursor = None

                @property
                def cursor(self):
                    if self._cursor is None:
                        self._cursor = sqlite3.connect(":memory:").cursor()
                        self._cursor.execute("CREATE TABLE IF NOT EXISTS session (id)")
                    return self._cursor

                async def delete(self, session_id):
                    self.cursor.execute("DELETE FROM session WHERE id=?", (session_id,))
            """,
            line=14,
            count=1,
            message_contains=("`self.cursor.execute()` blocks the event loop",),
        ),
        Invalid(
            """
            import sqlite3

            class Screenshots:
                def __init__(self, db_path):
                    self.db_path = db_path

                @property
                def new_rows(self):
                    with sqlite3.connect(self.db_path) as con:
                        return con.execute("SELECT * FROM screenshots").fetchall()

                async def handle_batch(self, emit):
                    for row in self.new_rows:  # reading the property runs the query
                        await emit(row)
            """,
            line=13,
            message_contains=("`self.new_rows` blocks the event loop", "asyncio.to_thread(lambda: self.new_rows)"),
        ),
        Invalid(
            """
            import sqlite3

            async def count_users(path):
                conn = sqlite3.connect(path)
                cur = conn.cursor()
                cur.execute("SELECT count(*) FROM users")
                return cur.fetchone()[0]
            """,
            line=4,
            count=3,
            message_contains=("sqlite3.connect()", "aiosqlite"),
        ),
        Invalid(
            """
            import psycopg2 as pg

            async def users(dsn):
                with pg.connect(dsn) as conn:
                    with conn.cursor() as cur:
                        cur.execute("SELECT * FROM users")
                        return cur.fetchall()
            """,
            line=4,
            count=2,  # the connect and the execute; the fetch reads rows already received
            message_contains=("psycopg2.connect()", "asyncpg"),
        ),
        Invalid(
            """
            import anyio
            from psycopg2.extensions import connection

            async def close_day(conn: connection):
                with conn.cursor() as cur:
                    cur.execute("UPDATE days SET closed = true")
                conn.commit()
            """,
            line=6,
            count=2,
            message_contains=("cur.execute()", "psycopg.AsyncConnection", "anyio.to_thread.run_sync(cur.execute, ...)"),
            fixed="""
            import anyio
            from psycopg2.extensions import connection

            async def close_day(conn: connection):
                with conn.cursor() as cur:
                    await anyio.to_thread.run_sync(cur.execute, "UPDATE days SET closed = true")
                await anyio.to_thread.run_sync(conn.commit)
            """,
        ),
        Invalid(
            """
            import redis

            class Cache:
                def __init__(self, url):
                    self.redis = redis.Redis.from_url(url)

                async def get(self, key):
                    return self.redis.get(key)
            """,
            line=8,
            message_contains=("self.redis.get()", "redis.asyncio.Redis"),
        ),
        Invalid(
            """
            from pymongo import MongoClient

            client = MongoClient()

            async def find(user_id):
                return client.app.users.find_one({"_id": user_id})
            """,
            line=6,
            message_contains=("pymongo.AsyncMongoClient",),
        ),
        Invalid(
            """
            async def save(rows):
                import pymysql
                conn = pymysql.connect(host="db")
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO t VALUES (%s)", rows)
                conn.commit()
            """,
            line=3,
            count=3,
        ),
        Invalid(
            """
            import redis

            r = redis.Redis()

            async def values(keys):
                return [r.get(key) for key in keys]
            """,
            line=6,
        ),
        Invalid(
            """
            import sqlite3

            async def rows(path):
                conn = sqlite3.connect(path)
                for row in conn.execute("SELECT * FROM t"):
                    yield row
            """,
            line=4,
            count=2,
        ),
        Invalid(
            """
            import redis
            import trio

            r = redis.Redis()

            async def flush():
                pipe = r.pipeline()
                pipe.set("a", 1)
                pipe.execute()
            """,
            line=9,
            message_contains=("pipe.execute()", "trio.to_thread.run_sync(pipe.execute)"),
            fixed="""
            import redis
            import trio

            r = redis.Redis()

            async def flush():
                pipe = r.pipeline()
                pipe.set("a", 1)
                await trio.to_thread.run_sync(pipe.execute)
            """,
        ),
        Invalid(
            """
            from sqlalchemy.orm import Session

            from app.models import User

            async def touch(db: Session, user_id: int):
                user = db.get(User, user_id)
                user.visits += 1
                db.commit()
                return db.query(User).filter(User.active).count()
            """,
            line=6,
            count=3,
            message_contains=("db.get()", "AsyncSession"),
        ),
        Invalid(
            """
            from sqlmodel import Session, create_engine, select

            engine = create_engine("sqlite:///heroes.db")

            async def heroes(Hero):
                with Session(engine) as session:
                    found = session.exec(select(Hero)).all()
                with engine.connect() as conn:
                    conn.exec_driver_sql("VACUUM")
                return found
            """,
            line=7,
            count=3,
            message_contains=("session.exec()",),
        ),
        Invalid(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///app.db"))

            async def rename(User, user_id, name):
                db = SessionLocal()
                db.get(User, user_id).name = name
                db.commit()
            """,
            line=8,
            count=2,
            message_contains=("db.get()",),
        ),
        Invalid(
            """
            import psycopg

            async def archive(dsn, day):
                with psycopg.connect(dsn) as conn:
                    conn.execute("DELETE FROM events WHERE day < %s", (day,))
                    conn.commit()
            """,
            line=4,
            count=3,
            message_contains=("psycopg.connect()", "psycopg.AsyncConnection"),
        ),
        Invalid(
            """
            import mysql.connector

            async def names():
                cnx = mysql.connector.connect(database="app")
                cursor = cnx.cursor()
                cursor.execute("SELECT name FROM users")
                return cursor.fetchall()
            """,
            line=4,
            count=3,
            message_contains=("mysql.connector.aio",),
        ),
    )
