from psycopg2.extras import execute_values
from psycopg2 import pool
import os

_pool = None


def get_pool():
    global _pool
    if _pool is None:
        _pool = pool.ThreadedConnectionPool(minconn=2, maxconn=10, dsn=os.getenv("DATABASE_URL"))
    return _pool


def get_connection():
    """Borrow a connection from the pool."""
    return get_pool().getconn()


def release_connection(conn):
    if conn:
        get_pool().putconn(conn)


def get_file_hashes(project_id):
    """Retrieve all file paths and their SHA-256 hashes for a project."""
    conn = get_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT file_path, sha256 FROM files WHERE project_id = %s", (project_id,))
            return {row[0]: row[1] for row in cur.fetchall()}
    finally:
        release_connection(conn)


def replace_file_index(project_id, file_path, symbols, imports, calls):
    """Replace one file's graph records using a single transaction."""
    conn = get_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM symbols WHERE project_id = %s AND file_path = %s", (project_id, file_path))
            if symbols:
                execute_values(
                    cur,
                    "INSERT INTO symbols (id, project_id, parent_id, file_path, name, kind, signature, start_line, end_line) VALUES %s",
                    [(s["id"], project_id, s["parent_id"], file_path, s["name"], s["kind"], s["signature"], s["start_line"], s["end_line"]) for s in symbols],
                )
            if imports:
                execute_values(
                    cur,
                    "INSERT INTO imports (id, project_id, file_path, module, name, alias) VALUES %s",
                    [(i["id"], project_id, file_path, i["module"], i["name"], i["alias"]) for i in imports],
                )
            if calls:
                execute_values(
                    cur,
                    "INSERT INTO calls (id, project_id, source_symbol_id, call_name, line_number) VALUES %s",
                    [(c["id"], project_id, c["source_symbol_id"], c["call_name"], c["line_number"]) for c in calls],
                )
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        release_connection(conn)


def upsert_file_hash(project_id, file_path, sha256):
    """Insert or update a file's SHA-256 hash."""
    conn = get_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO files (project_id, file_path, sha256) VALUES (%s, %s, %s) "
                "ON CONFLICT (project_id, file_path) DO UPDATE SET sha256 = EXCLUDED.sha256",
                (project_id, file_path, sha256),
            )
            conn.commit()
    finally:
        release_connection(conn)
