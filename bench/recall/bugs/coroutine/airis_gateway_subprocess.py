"""agiletec-inc/airis-mcp-gateway#82: two async FastAPI endpoints of gateway.py ran
`docker compose` through subprocess.run, blocking every other request meanwhile."""
import subprocess

from fastapi import APIRouter, HTTPException

router = APIRouter()
COMPOSE_FILE = "/app/docker-compose.yml"


@router.get("/gateway/status")
async def gateway_status():
    result = subprocess.run(  # BUG: CCL103
        ["docker", "compose", "-f", COMPOSE_FILE, "ps", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return {"running": result.returncode == 0, "services": result.stdout}


@router.post("/gateway/restart")
async def restart_gateway():
    result = subprocess.run(  # BUG: CCL103
        ["docker", "compose", "-f", COMPOSE_FILE, "restart", "gateway"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise HTTPException(status_code=500, detail=result.stderr)
    return {"restarted": True}
