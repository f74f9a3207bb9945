"""aden-hive/hive#4120 (fixed by aden-hive/hive#4869, merged): `LLMNode.execute` is a coroutine
(nodes run concurrently on one event loop with `enable_parallel_execution`), and it extracts the
structured output with the synchronous `_extract_json`, whose fallback `find_json_object` walks the
LLM response character by character in Python (brace matching, string and escape states). On large
LLM outputs (the report: over 100 KB, "potentially megabytes") the scan blocks the loop and the
other steps stall. #4869 added `find_json_object_async`, which yields to the loop every 1000
characters for inputs over 100 KB, and made `execute` await `_extract_json_async`. Shortened from
the project's `core/framework/graph/node.py` before the fix (the validation retry loop, the
compaction retries and the LLM clean-up fallback are left out)."""
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
            parsed = self._extract_json(  # BUG: CCL202
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

    def _extract_json(
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
        json_str = find_json_object(content)
        if json_str:
            try:
                parsed = json.loads(json_str)
                if isinstance(parsed, dict):
                    return parsed
            except json.JSONDecodeError:
                pass

        raise ValueError(f"Cannot parse JSON with expected keys {output_keys}")
