import asyncio
import logging
import os
import subprocess
import tempfile
from asyncio.subprocess import Process

from codex.common.ai_block import ValidationError

logger = logging.getLogger(__name__)


async def exec_external_on_contents(
    command_arguments: list[str],
    file_contents,
    suffix: str = ".py",
    raise_file_contents_on_error: bool = False,
) -> str:
    errors = ""
    if len(command_arguments) == 0:
        raise AssertionError("No command arguments provided")

    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix) as temp_file:  # ALSO: CCL104
        temp_file_path = temp_file.name
        temp_file.write(file_contents.encode("utf-8"))  # ALSO: CCL104
        temp_file.flush()  # ALSO: CCL104

        command_arguments.append(str(temp_file_path))

        # Run Ruff on the temporary file
        try:
            r: Process = await asyncio.create_subprocess_exec(
                *command_arguments,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            result = await r.communicate()
            stdout, stderr = result[0].decode("utf-8"), result[1].decode("utf-8")
            logger.debug(f"Output: {stdout}")
            if temp_file_path in stdout:
                errors = stdout + "\n" + stderr

            with open(temp_file_path, "r") as f:  # ALSO: CCL104
                file_contents = f.read()  # ALSO: CCL104
        finally:
            os.remove(temp_file_path)  # ALSO: CCL104

    if not errors:
        return file_contents

    if raise_file_contents_on_error:
        raise ValidationError(f"Errors with generation: {errors}", file_contents)

    raise ValidationError(f"Errors with generation: {errors}")


TEMP_DIR = os.path.abspath("./../static_code_analysis")
DEFAULT_DEPS = ["prisma", "pyright", "pydantic"]


async def setup_if_required():
    if not os.path.exists(TEMP_DIR):  # ALSO: CCL104
        os.makedirs(TEMP_DIR, exist_ok=True)  # ALSO: CCL104

    if os.path.exists(f"{TEMP_DIR}/venv"):  # ALSO: CCL104
        return

    await execute_command(["python", "-m", "venv", "venv"], python_path=None)
    await execute_command(["pip", "install"] + DEFAULT_DEPS)


async def execute_command(
    command: list[str],
    cwd=TEMP_DIR,
    python_path: str | None = f"{TEMP_DIR}/venv/bin",
    raise_on_error: bool = True,
) -> str:
    try:
        venv = os.environ.copy()
        if python_path:
            original_python_path = venv["PATH"].split(":")[1:]
            venv["PATH"] = f"{python_path}:{':'.join(original_python_path)}"
        r = await asyncio.create_subprocess_exec(
            *command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=venv,
        )
        stdout, stderr = await r.communicate()
        return (stdout or stderr).decode("utf-8")
    except subprocess.CalledProcessError as e:
        if raise_on_error:
            raise ValidationError((e.stdout or e.stderr).decode("utf-8")) from e
        else:
            return e.output.decode("utf-8")
