"""fastapi/fastapi#1806: an async route calls a CPU-bound helper of another module (recursive
fib for N seconds); every other route, /health included, waits until it returns."""
from typing import Optional

from fastapi import APIRouter

from ..routes.fibonacci import run_fib_for_n_seconds

router = APIRouter()


@router.get("/fibonacci")
async def get_response_after_high_cpu_usage(max_number_fibo: Optional[int] = 100, time_on_execution: Optional[int] = 30):
    return run_fib_for_n_seconds(max_number_fibo, time_on_execution)  # BUG: CCL202
