"""An asyncio order service with the blocking calls that creep into real handlers."""

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import requests

CONFIG_PATH = Path("config.json")


class OrderService:
    def __init__(self, db_path: str) -> None:
        self.db = sqlite3.connect(db_path, check_same_thread=False)
        self.http = requests.Session()

    async def load_config(self) -> dict:
        return json.loads(CONFIG_PATH.read_text())

    async def place_order(self, order: dict) -> int:
        self.db.execute("insert into orders values (?)", (json.dumps(order),))
        self.db.commit()
        response = self.http.post("https://payments.example.com/charge", json=order)
        response.raise_for_status()
        return response.status_code

    async def retry_later(self, order: dict) -> None:
        for attempt in range(3):
            try:
                await self.place_order(order)
                return
            except requests.RequestException:
                time.sleep(2**attempt)


async def main() -> None:
    service = OrderService("orders.db")
    await service.place_order({"sku": "A-1", "qty": 2})


if __name__ == "__main__":
    asyncio.run(main())
