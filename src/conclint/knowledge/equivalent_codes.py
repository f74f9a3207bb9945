"""Codes of other linters that mean the same as a conclint rule, for suppression comments.

Authors who silence a deliberate blocking call for flake8-async or ruff (`time.sleep(0.1)  #
noqa: ASYNC251`) should not have to add a second code for conclint's rule on the same call.
Only rules that report the same thing are listed: a code of a broader or narrower check
(ruff's ASYNC101 and ASYNC102, since split into the codes below; ASYNC100, which meant a
blocking HTTP call in early ruff releases and a cancel scope without a checkpoint since) is
left out, so that a comment written for one thing never silences another.

The meanings are those of ruff's flake8-async rules (docs.astral.sh/ruff/rules), which keep
flake8-async's codes:

- ASYNC210 blocking-http-call-in-async-function, ASYNC212 the same for httpx clients;
- ASYNC220 create-subprocess, ASYNC221 run-process, ASYNC222 wait-for-process in an async
  function;
- ASYNC230 blocking-open-call, ASYNC232 blocking calls on a file object, ASYNC240
  blocking `os.path` and `pathlib.Path` methods in an async function;
- ASYNC250 blocking-input-in-async-function;
- ASYNC251 blocking-sleep-in-async-function;

and ruff's RUF006 asyncio-dangling-task: an `asyncio.create_task` or `ensure_future` whose
result nothing keeps (discord-py-interactions, mode-streaming and dagster write `# noqa:
RUF006` on tasks they start on purpose).
"""

from __future__ import annotations

from collections.abc import Mapping

# conclint code -> the codes of other linters that report the same finding.
EQUIVALENT_CODES: Mapping[str, tuple[str, ...]] = {
    "CCL101": ("ASYNC251",),
    "CCL102": ("ASYNC210", "ASYNC212"),
    "CCL103": ("ASYNC220", "ASYNC221", "ASYNC222"),
    "CCL104": ("ASYNC230", "ASYNC232", "ASYNC240"),
    "CCL107": ("ASYNC250",),
    "CCL403": ("RUF006",),
}


def _by_foreign_code() -> dict[str, frozenset[str]]:
    """Each foreign code -> the conclint codes it silences."""
    table: dict[str, set[str]] = {}
    for code, foreign in EQUIVALENT_CODES.items():
        for other in foreign:
            table.setdefault(other, set()).add(code)
    return {other: frozenset(codes) for other, codes in table.items()}


# Foreign code -> the conclint codes a suppression comment listing it silences too.
SILENCED_BY: Mapping[str, frozenset[str]] = _by_foreign_code()
