"""Fixed: the CPU-bound helper runs in a process pool; the route awaits it."""
import asyncio
from concurrent.futures import ProcessPoolExecutor
from typing import Optional

from fastapi import APIRouter

from ..routes.fibonacci import run_fib_for_n_seconds

router = APIRouter()
pool = ProcessPoolExecutor(max_workers=2)


@router.get("/fibonacci")
async def get_response_after_high_cpu_usage(max_number_fibo: Optional[int] = 100, time_on_execution: Optional[int] = 30):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, run_fib_for_n_seconds, max_number_fibo, time_on_execution)
