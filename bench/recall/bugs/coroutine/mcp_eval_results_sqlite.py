"""IBM/mcp-context-forge#5627: ResultsStore.store_evaluation_result, an async method of the MCP
eval server, opened and wrote its SQLite database with the synchronous sqlite3 module."""
import json
import sqlite3
import uuid
from datetime import datetime


class ResultsStore:
    def __init__(self, db_path: str = "evaluation_results.db"):
        self.db_path = db_path

    async def store_evaluation_result(self, tool_name: str, evaluation_type: str, result: dict) -> str:
        result_id = str(uuid.uuid4())
        with sqlite3.connect(self.db_path) as conn:  # BUG: CCL106
            conn.execute(  # BUG: CCL106
                "INSERT INTO evaluation_results (id, tool_name, evaluation_type, result_json, created_at) VALUES (?, ?, ?, ?, ?)",
                (result_id, tool_name, evaluation_type, json.dumps(result), datetime.now().isoformat()),
            )
            conn.commit()  # BUG: CCL106
        return result_id
