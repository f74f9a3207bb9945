"""Fixed the way aden-hive/hive#4869 describes it (the fixed node.py is not in the index; the
names follow the PR and its tests): `find_json_object_async` runs the same scan but, for inputs
over `_ASYNC_YIELD_THRESHOLD` (100 KB), awaits `asyncio.sleep(0)` every 1000 characters, and
`LLMNode.execute` awaits `_extract_json_async`."""
import asyncio
import json
import logging
import re
import time
from typing import Any

from framework.llm.provider import LLMProvider

logger = logging.getLogger(__name__)


def find_json_object(text: str) -> str | None:
    """Find the first valid JSON object in text using balanced brace matching."""
    start = text.find("{")
    if start == -1:
        return None

    depth = 0
    in_string = False
    escape_next = False

    for i, char in enumerate(text[start:], start):
        if escape_next:
            escape_next = False
            continue

        if char == "\\" and in_string:
            escape_next = True
            continue

        if char == '"' and not escape_next:
            in_string = not in_string
            continue

        if in_string:
            continue

        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]

    return None


_ASYNC_YIELD_THRESHOLD = 100_000
_YIELD_EVERY_CHARS = 1000


async def find_json_object_async(text: str, yield_func=None) -> str | None:
    """Like find_json_object, but yields to the event loop while scanning large inputs."""
    if len(text) <= _ASYNC_YIELD_THRESHOLD:
        return find_json_object(text)
    if yield_func is None:
        yield_func = lambda: asyncio.sleep(0)  # noqa: E731

    start = text.find("{")
    if start == -1:
        return None

    depth = 0
    in_string = False
    escape_next = False
    chars_since_yield = 0

    for i, char in enumerate(text[start:], start):
        chars_since_yield += 1
        if chars_since_yield >= _YIELD_EVERY_CHARS:
            chars_since_yield = 0
            await yield_func()

        if escape_next:
            escape_next = False
            continue

        if char == "\\" and in_string:
            escape_next = True
            continue

        if char == '"' and not escape_next:
            in_string = not in_string
            continue

        if in_string:
            continue

        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]

    return None


class NodeResult:
    def __init__(self, success: bool, output: dict | None = None, error: str | None = None,
                 tokens_used: int = 0, latency_ms: int = 0):
        self.success = success
        self.output = output or {}
        self.error = error
        self.tokens_used = tokens_used
        self.latency_ms = latency_ms


class LLMNode:
    """A node that uses an LLM with tools."""

    def __init__(self, cleanup_llm_model: str | None = None):
        self.cleanup_llm_model = cleanup_llm_model

    async def execute(self, ctx) -> NodeResult:
        """Execute the LLM node."""
        llm: LLMProvider = ctx.llm
        start = time.time()

        response = llm.complete(
            messages=ctx.messages,
            system=ctx.node_spec.system_prompt,
            json_mode=True,
            max_tokens=ctx.max_tokens,
        )
        latency_ms = int((time.time() - start) * 1000)

        output: dict[str, Any] = {"result": response.content}
        try:
            parsed = await self._extract_json_async(
                response.content, ctx.node_spec.output_keys, self.cleanup_llm_model
            )
            if isinstance(parsed, dict):
                for key in ctx.node_spec.output_keys:
                    if key in parsed:
                        ctx.memory.write(key, parsed[key], validate=False)
                        output[key] = parsed[key]
        except (json.JSONDecodeError, Exception) as e:
            logger.error(f"      ✗ Failed to extract structured output: {e}")
            return NodeResult(success=False, error=f"Output extraction failed: {e}",
                              latency_ms=latency_ms)

        return NodeResult(
            success=True,
            output=output,
            tokens_used=response.input_tokens + response.output_tokens,
            latency_ms=latency_ms,
        )

    async def _extract_json_async(
        self, raw_response: str, output_keys: list[str], cleanup_llm_model: str | None = None
    ) -> dict[str, Any]:
        """Extract clean JSON from potentially verbose LLM response."""
        content = raw_response.strip()

        # Try direct JSON parse first (fast path)
        try:
            parsed = json.loads(content)
            if isinstance(parsed, dict):
                return parsed
        except json.JSONDecodeError as e:
            logger.info(f"      Direct JSON parse failed: {e}")

        # Try to extract JSON from markdown code blocks
        code_block_match = re.search(r"```(?:json|JSON)?\s*\n([\s\S]*?)\n```", content, re.DOTALL)
        if code_block_match:
            try:
                parsed = json.loads(code_block_match.group(1).strip())
                if isinstance(parsed, dict):
                    return parsed
            except json.JSONDecodeError:
                pass

        # Try to find JSON object by matching balanced braces
        json_str = await find_json_object_async(content)
        if json_str:
            try:
                parsed = json.loads(json_str)
                if isinstance(parsed, dict):
                    return parsed
            except json.JSONDecodeError:
                pass

        raise ValueError(f"Cannot parse JSON with expected keys {output_keys}")
