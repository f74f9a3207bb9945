import json
import os
import uuid

from codex.common.ai_block import ValidationError
from codex.common.exec_external_tool import (
    TEMP_DIR,
    exec_external_on_contents,
    execute_command,
    setup_if_required,
)


class CodeValidator:
    def __init__(self, invoke_params: dict):
        self.db_schema: str = invoke_params["database_schema"]
        self.func_name: str = invoke_params["function_name"]

    def validate_code(self, compiled_route_id: str, packages: list, code: str) -> dict:
        result = {
            "compiled_route_id": compiled_route_id,
            "packages": packages,
            "imports": [],
            "rawCode": code,
            "db_schema": self.db_schema,
        }
        validation_errors = static_code_analysis(result)
        if validation_errors:
            raise ValidationError(validation_errors)
        return result


def static_code_analysis(func: dict) -> list[str]:
    validation_errors = []
    validation_errors += __execute_ruff(func)
    validation_errors += __execute_pyright(func)
    return validation_errors


def __execute_ruff(func: dict) -> list[str]:
    separator = "#------Code-Start------#"
    code = "\n".join(func["imports"] + [separator, func["rawCode"]])
    try:
        code = exec_external_on_contents(
            command_arguments=["ruff", "check", "--fix", "--ignore", "F841", "--ignore", "E402"],
            file_contents=code,
            suffix=".py",
            raise_file_contents_on_error=True,
        )
        split = code.split(separator)
        func["imports"] = split[0].splitlines()
        func["rawCode"] = split[1].strip()
        return []
    except ValidationError as e:
        return [v for v in str(e).split("\n") if v.strip()]


def __execute_pyright(func: dict) -> list[str]:
    separator = "#------Code-Start------#"
    code = "\n".join(func["imports"] + [separator, func["rawCode"]])

    temp_dir = os.path.join(TEMP_DIR, str(object=uuid.uuid4()))
    os.makedirs(temp_dir, exist_ok=True)

    def __execute_pyright_commands(code: str) -> list[str]:
        setup_if_required()

        execute_command(["pip", "install", "-r", "requirements.txt"], temp_dir)

        if func["db_schema"]:
            execute_command(["prisma", "generate"], temp_dir)

        result = execute_command(["pyright", "--outputjson"], temp_dir)
        if not result:
            return []

        return [
            e["message"]
            for e in json.loads(result)["generalDiagnostics"]
            if e.get("severity") == "error"
        ]

    try:
        with open(f"{temp_dir}/code.py", "w") as f:
            with open(f"{temp_dir}/requirements.txt", "w") as r:
                r.write("\n".join([str(p) for p in func["packages"]]))
                r.flush()
                f.write(code)
                f.flush()
                return __execute_pyright_commands(code)
    finally:
        execute_command(["rm", "-rf", temp_dir])
