"""PrefectHQ/prefect#20887 (fixed in #21276): CPU-bound work inside an async flow blocked the
event loop, so the flow's heartbeat task never ran and healthy runs were marked as zombies. The
user-side mistake: a pure-Python computation called directly in the async flow."""
import httpx
from prefect import flow, task


def score_rows(rows):
    total = 0.0
    for row in rows:
        for value in row:
            total += (value * 31 + 7) % 1009
    return total


@task
async def load_rows(n):
    async with httpx.AsyncClient() as client:
        response = await client.get("https://warehouse.internal/rows", params={"limit": n})
    return response.json()


@flow
async def nightly_scoring(n: int = 200_000):
    rows = await load_rows(n)
    score = score_rows(rows)  # BUG: CCL202
    return score
