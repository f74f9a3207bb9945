import logging
import os
import subprocess
import tempfile

from codex.common.ai_block import ValidationError

logger = logging.getLogger(__name__)


def exec_external_on_contents(
    command_arguments: list[str],
    file_contents,
    suffix: str = ".py",
    raise_file_contents_on_error: bool = False,
) -> str:
    errors = ""
    if len(command_arguments) == 0:
        raise AssertionError("No command arguments provided")

    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix) as temp_file:
        temp_file_path = temp_file.name
        temp_file.write(file_contents.encode("utf-8"))
        temp_file.flush()

        command_arguments.append(str(temp_file_path))

        # Run Ruff on the temporary file
        try:
            result = subprocess.run(
                args=command_arguments,
                capture_output=True,
                text=True,
            )
            logger.debug(f"Output: {result.stdout}")
            if temp_file_path in result.stdout:
                errors = result.stdout + "\n" + result.stderr

            with open(temp_file_path, "r") as f:
                file_contents = f.read()
        finally:
            os.remove(temp_file_path)

    if not errors:
        return file_contents

    if raise_file_contents_on_error:
        raise ValidationError(f"Errors with generation: {errors}", file_contents)

    raise ValidationError(f"Errors with generation: {errors}")


TEMP_DIR = os.path.abspath("./../static_code_analysis")
DEFAULT_DEPS = ["prisma", "pyright", "pydantic"]


def setup_if_required():
    if not os.path.exists(TEMP_DIR):
        os.makedirs(TEMP_DIR, exist_ok=True)

    if os.path.exists(f"{TEMP_DIR}/venv"):
        return

    execute_command(["python", "-m", "venv", "venv"], python_path=None)
    execute_command(["pip", "install"] + DEFAULT_DEPS)


def execute_command(
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
        r = subprocess.run(
            command, cwd=cwd, shell=False, env=venv, capture_output=True, check=True
        )
        return (r.stdout or r.stderr or b"").decode("utf-8")
    except subprocess.CalledProcessError as e:
        if raise_on_error:
            raise ValidationError((e.stdout or e.stderr).decode("utf-8")) from e
        else:
            return e.output.decode("utf-8")
