"""Fixed as the report suggested: aiosqlite."""
import json
import uuid
from datetime import datetime

import aiosqlite


class ResultsStore:
    def __init__(self, db_path: str = "evaluation_results.db"):
        self.db_path = db_path

    async def store_evaluation_result(self, tool_name: str, evaluation_type: str, result: dict) -> str:
        result_id = str(uuid.uuid4())
        async with aiosqlite.connect(self.db_path) as conn:
            await conn.execute(
                "INSERT INTO evaluation_results (id, tool_name, evaluation_type, result_json, created_at) VALUES (?, ?, ?, ?, ?)",
                (result_id, tool_name, evaluation_type, json.dumps(result), datetime.now().isoformat()),
            )
            await conn.commit()
        return result_id
