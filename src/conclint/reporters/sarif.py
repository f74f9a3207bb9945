"""`--format sarif`: one SARIF 2.1.0 log (OASIS standard), as GitHub code scanning and other
viewers read it.

The driver lists every rule (id, name, descriptions, help text and Markdown, a link to the
rule's page); each result points at its rule by id and index and carries a physical
location whose URI is relative to `%SRCROOT%` (the working directory unless told otherwise),
with forward slashes. Columns are Unicode code points, 1-based, the end column exclusive,
exactly as in the text and JSON formats. Paths that could not be checked become tool
execution notifications, and the invocation is then marked unsuccessful.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from conclint import REPOSITORY_URL, RULE_PAGE_URL, __version__
from conclint.docs import render_rule_page
from conclint.core.model import Diagnostic
from conclint.rules.registry import all_rules
from conclint.reporters.names import encodable
from conclint.rules.base import DOC_SECTIONS, Rule

if TYPE_CHECKING:
    from conclint.reporters.options import ReportOptions
    from conclint.project.runner import RunResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
SOURCE_ROOT = "%SRCROOT%"
LEVEL = "error"  # every finding fails the run (exit code 1), so every finding is an error


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(sarif_log(result, options.source_root or Path.cwd()), stream, indent=2)
    stream.write("\n")


def sarif_log(result: RunResult, source_root: Path) -> dict[str, Any]:
    """The whole log: one run of conclint over `result`, locations relative to `source_root`."""
    rules = all_rules()
    index = {cls.CODE: position for position, cls in enumerate(rules)}
    root = Path(os.path.abspath(source_root))
    return {
        "$schema": SCHEMA_URI,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "conclint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY_URL,
                        "rules": [rule_descriptor(cls) for cls in rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": [
                            _notification(path, message, root) for path, message in result.errors
                        ],
                    }
                ],
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index, root) for d in result.diagnostics],
            }
        ],
    }


def rule_descriptor(cls: type[Rule]) -> dict[str, Any]:
    sections = cls.doc_sections()
    described = [title for title in ("What it does", "Why is this bad?") if sections.get(title)]
    helped = [title for title in DOC_SECTIONS if sections.get(title)]
    return {
        "id": cls.CODE,
        "name": cls.NAME,
        "shortDescription": {"text": cls.summary()},
        "fullDescription": {"text": "\n\n".join(sections[title] for title in described) or cls.summary()},
        "help": {
            "text": "\n\n".join(f"{title}\n{sections[title]}" for title in helped) or cls.summary(),
            "markdown": render_rule_page(cls),
        },
        "helpUri": RULE_PAGE_URL.format(code=cls.CODE),
        "defaultConfiguration": {"level": LEVEL},
    }


def _result(diagnostic: Diagnostic, rule_index: dict[str, int], root: Path) -> dict[str, Any]:
    span = diagnostic.span
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": LEVEL,
        "message": {"text": encodable(diagnostic.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(diagnostic.path, root),
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": span.end_column,
                    },
                }
            }
        ],
        "properties": {"name": diagnostic.name, "suggestion": diagnostic.suggestion, "fixable": diagnostic.fixable},
    }
    if diagnostic.code in rule_index:
        result["ruleIndex"] = rule_index[diagnostic.code]
    if diagnostic.chain:
        related = chain_locations(diagnostic, root)
        result["relatedLocations"] = related
        # One thread: the call in the coroutine, then each link; viewers (GitHub code scanning)
        # show it as the path from the report down to the blocking call.
        start = {"location": {**result["locations"][0], "message": {"text": f"{_first_call(diagnostic)} is called here"}}}
        steps = [{"location": {key: value for key, value in link.items() if key != "id"}} for link in related]
        result["codeFlows"] = [{"threadFlows": [{"locations": [start, *steps]}]}]
    return result


def chain_locations(diagnostic: Diagnostic, root: Path) -> list[dict[str, Any]]:
    """The chain of a finding through helpers as related locations: each function where it
    is defined (saying what it calls), then the blocking call."""
    links = diagnostic.chain
    locations = []
    for number, link in enumerate(links):
        if number + 1 < len(links):
            text = f"`{link.function}` calls `{links[number + 1].function}`"
        else:
            text = f"`{link.function}` blocks"
        physical: dict[str, Any] = {"artifactLocation": artifact_location(link.path, root)}
        if link.line > 0:
            physical["region"] = {"startLine": link.line}
        locations.append({"id": number + 1, "physicalLocation": physical, "message": {"text": encodable(text)}})
    return locations


def _first_call(diagnostic: Diagnostic) -> str:
    """`load()` from a message that starts with the call as written, else the first link."""
    message = diagnostic.message
    if message.startswith("`") and "`" in message[1:]:
        return message[: message.index("`", 1) + 1]
    return f"`{diagnostic.chain[0].function}`"


def _notification(path: str, message: str, root: Path) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": encodable(f"{path}: {message}")},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path, root)}}],
    }


def artifact_location(path: str, root: Path) -> dict[str, str]:
    """A URI relative to `%SRCROOT%` for a file under `root`; an absolute file URI otherwise.

    URIs name bytes (RFC 3986 and 8089): the name's own bytes are percent-encoded, from
    `os.fsencode`, so that a name that is not valid UTF-8 (decoded with surrogate escapes)
    still gets a valid URI of that very file, as `Path.as_uri` gives absolute ones."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(os.fsencode(relative.as_posix())), "uriBaseId": SOURCE_ROOT}
