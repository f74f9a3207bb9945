"""Fixed (PR #145): `validate` is a coroutine awaited by `invoke`, the validator's chain is
async and the external tools run through `asyncio.create_subprocess_exec`. The temporary-file
I/O around them stayed on the loop (marked ALSO)."""
import logging
from typing import Any

from openai import AsyncOpenAI
from prisma.fields import Json
from pydantic import BaseModel

logger = logging.getLogger(__name__)


class LLMFailure(Exception):
    pass


class ValidationError(Exception):
    pass


class ValidatedResponse(BaseModel):
    response: Any
    message: str


class AIBlock:
    model = ""

    def __init__(self, oai_client: AsyncOpenAI):
        self.oai_client = oai_client
        self.call_template_id = None

    def parse(self, response) -> ValidatedResponse:
        message = response.choices[0].message
        return ValidatedResponse(response=message.content, message=message.content)

    async def validate(
        self, invoke_params: dict, response: ValidatedResponse
    ) -> ValidatedResponse:
        raise NotImplementedError("Validate Method not implemented")

    async def store_call_attempt(self, ids, response, attempt: int, prompt: Json):
        pass

    async def invoke(self, ids, invoke_params: dict, max_retries=3) -> Any:
        validated_response = None
        presponse = None
        retries = 0
        request_params = {
            "model": self.model,
            "messages": [{"role": "user", "content": invoke_params["prompt"]}],
        }
        try:
            response = await self.oai_client.chat.completions.create(**request_params)
            presponse = self.parse(response)
            await self.store_call_attempt(
                ids, presponse, retries, Json(request_params["messages"])
            )

            validated_response = await self.validate(invoke_params, presponse)
        except ValidationError as validation_error:
            logger.warning(f"Failed initial generation attempt: {validation_error}")
            while retries < max_retries:
                retries += 1
                try:
                    invoke_params["generation"] = presponse.message
                    invoke_params["error"] = str(validation_error)
                    response = await self.oai_client.chat.completions.create(
                        **request_params
                    )
                    presponse = self.parse(response)
                    await self.store_call_attempt(
                        ids, presponse, retries, Json(request_params["messages"])
                    )
                    validated_response = await self.validate(invoke_params, presponse)
                    break
                except Exception as retry_error:
                    logger.warning(f"{retries}/{max_retries} Failed: {retry_error}")
                    continue
            if not validated_response:
                raise LLMFailure(f"Error validating response: {validation_error}")

        stored_obj = await self.create_item(ids, validated_response)
        return stored_obj if stored_obj else validated_response.response

    async def create_item(self, ids, validated_response: ValidatedResponse):
        raise NotImplementedError("Create Item Method not implemented")
