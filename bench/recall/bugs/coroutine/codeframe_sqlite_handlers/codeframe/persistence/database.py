import sqlite3


class Database:
    def __init__(self, db_path: str):
        self.conn = sqlite3.connect(db_path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row

    def list_tasks(self, project_id: int) -> list[dict]:
        cursor = self.conn.cursor()
        cursor.execute("SELECT * FROM tasks WHERE project_id = ?", (project_id,))
        return [dict(row) for row in cursor.fetchall()]

    def get_token_usage(self, project_id: int) -> list[dict]:
        cursor = self.conn.execute("SELECT * FROM token_usage WHERE project_id = ?", (project_id,))
        return [dict(row) for row in cursor.fetchall()]
