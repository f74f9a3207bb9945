from codex.common.ai_block import AIBlock, ValidatedResponse, ValidationError
from codex.develop.code_validation import CodeValidator


class DevelopAIBlock(AIBlock):
    prompt_template_name = "develop"
    model = "gpt-4-0125-preview"

    async def validate(
        self, invoke_params: dict, response: ValidatedResponse
    ) -> ValidatedResponse:
        text = response.response
        code_blocks = text.split("```python")
        code_blocks.pop(0)
        if len(code_blocks) == 0:
            raise ValidationError("No code blocks found in the response")
        code = code_blocks[0].split("```")[0]

        response.response = await CodeValidator(invoke_params).validate_code(
            compiled_route_id=invoke_params["compiled_route_id"],
            packages=[],
            code=code,
        )
        return response

    async def create_item(self, ids, validated_response: ValidatedResponse):
        return validated_response.response


async def develop_route(ids, oai_client, invoke_params: dict):
    return await DevelopAIBlock(oai_client).invoke(ids=ids, invoke_params=invoke_params)
