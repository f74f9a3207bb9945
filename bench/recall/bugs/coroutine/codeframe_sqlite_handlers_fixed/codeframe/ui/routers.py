"""Fixed as the acceptance criteria say: the database work is offloaded with asyncio.to_thread."""
import asyncio

from fastapi import APIRouter, Depends, Request

from ..persistence.database import Database

router = APIRouter()


def get_db(request: Request) -> Database:
    return request.app.state.db


@router.get("/api/v2/projects/{project_id}/tasks")
async def list_tasks(project_id: int, db: Database = Depends(get_db)):
    tasks = await asyncio.to_thread(db.list_tasks, project_id)
    return {"tasks": tasks, "total": len(tasks)}


@router.get("/api/v2/projects/{project_id}/costs")
async def get_costs(project_id: int, db: Database = Depends(get_db)):
    usage = await asyncio.to_thread(db.get_token_usage, project_id)
    return {"total_cost": sum(u["cost_usd"] for u in usage)}
