"""frankbria/codeframe#751: async FastAPI handlers (tasks_v2.py:237, costs_v2.py:298) call the
synchronous sqlite-backed Database directly, serialising requests behind disk I/O."""
from fastapi import APIRouter, Depends, Request

from ..persistence.database import Database

router = APIRouter()


def get_db(request: Request) -> Database:
    return request.app.state.db


@router.get("/api/v2/projects/{project_id}/tasks")
async def list_tasks(project_id: int, db: Database = Depends(get_db)):
    tasks = db.list_tasks(project_id)  # BUG: CCL106
    return {"tasks": tasks, "total": len(tasks)}


@router.get("/api/v2/projects/{project_id}/costs")
async def get_costs(project_id: int, db: Database = Depends(get_db)):
    usage = db.get_token_usage(project_id)  # BUG: CCL106
    return {"total_cost": sum(u["cost_usd"] for u in usage)}
