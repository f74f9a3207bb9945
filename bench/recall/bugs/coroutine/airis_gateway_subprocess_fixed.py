"""Fixed as the project did: asyncio.create_subprocess_exec."""
import asyncio

from fastapi import APIRouter, HTTPException

router = APIRouter()
COMPOSE_FILE = "/app/docker-compose.yml"


async def _compose(*args: str, timeout: float) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        "docker", "compose", "-f", COMPOSE_FILE, *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, stdout.decode(), stderr.decode()


@router.get("/gateway/status")
async def gateway_status():
    code, out, _ = await _compose("ps", "--format", "json", timeout=30)
    return {"running": code == 0, "services": out}


@router.post("/gateway/restart")
async def restart_gateway():
    code, _, err = await _compose("restart", "gateway", timeout=120)
    if code != 0:
        raise HTTPException(status_code=500, detail=err)
    return {"restarted": True}
