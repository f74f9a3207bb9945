"""CCL002: a suppression comment for a conclint rule that silenced nothing in this run."""

from __future__ import annotations

from conclint.rules.base import Invalid, Rule, Valid

# Turned on by naming it: the default `select = ["ALL"]` leaves it off.
_ON = {"select": ("ALL", "CCL002")}


class UnusedNoqa(Rule):
    """
    ## What it does
    Reports the conclint codes of a `# noqa: CODES` or `# conclint: ignore[CODES]` comment
    that silenced no finding in this run: the finding was fixed, moved, or never there.

    This rule is selected only by its code or name (`select = ["ALL", "CCL002"]` or
    `--select ALL,CCL002`), never by `ALL` or a prefix. It is a rule, as ruff's RUF100 is,
    rather than a command-line flag, so that it is turned on in the configuration, ignored per
    file, counted by `--statistics` and shown in every output format like any other finding.

    Only codes that certainly silenced nothing are reported:

    - a bare `# noqa` (or `# conclint: ignore`) never is, nor a code of another tool
      (`E501`, or `ASYNC251`, which also silences CCL101);
    - a code of a rule that is not selected for the file, or that a prefix shares with one
      (`CCL1` while CCL104 is ignored), is left alone: that rule might use it;
    - a code of a blocking-call rule (CCL1) on a line outside an `async def` is left alone: it
      may silence a finding through a helper, reported in another module;
    - with `--per-file` (no project index) the codes of rules that follow calls into other
      modules are left alone, and so are, always, the codes of CCL301 and CCL302, which may
      run on a file only because the project index sent them there.

    The flake8 plugin does not run this rule: flake8 reads `# noqa` comments itself.

    ## Why is this bad?
    A suppression comment that silences nothing hides the next real finding on that line, and
    tells readers the line blocks or races when it no longer does.

    ## Example
    ```python
    async def handler():
        await asyncio.sleep(1)  # noqa: CCL101
    ```

    ## Use instead
    ```python
    async def handler():
        await asyncio.sleep(1)
    ```

    ## Fix safety
    There is no automatic fix: remove the codes the message names from the comment (the whole
    comment when it lists no other code).

    ## Options
    - `select`: name `CCL002` (or `unused-noqa`) to turn the rule on.

    ## References
    - [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    - [pylint: useless-suppression](https://pylint.readthedocs.io/en/stable/user_guide/messages/information/useless-suppression.html)
    """

    CODE = "CCL002"
    NAME = "unused-noqa"
    MESSAGE = "suppression of {codes} silences no finding; remove {them}"
    EXPLICIT_ONLY = True
    REQUIRED_TOKENS = (b"noqa", b"conclint:")
    VALID = (
        Valid(
            """
            import time

            async def handler():
                time.sleep(1)  # noqa: CCL101
            """,
            settings=_ON,
        ),
        Valid(
            """
            import asyncio

            async def handler():
                await asyncio.sleep(1)  # noqa
                await asyncio.sleep(1)  # noqa: E501, ASYNC251
            """,
            settings=_ON,
        ),
        Valid(
            """
            import time

            def helper():
                time.sleep(1)  # noqa: CCL101
            """,
            settings=_ON,
        ),
        Valid(
            """
            import asyncio

            async def handler():
                await asyncio.sleep(1)  # noqa: CCL101
            """,
        ),
        Valid(
            """
            import multiprocessing

            if __name__ == "__main__":
                multiprocessing.set_start_method("spawn")  # noqa: CCL304
            """,
            settings={"select": ("CCL002", "CCL301")},
        ),
        Valid(
            """
            import multiprocessing

            multiprocessing.set_start_method("spawn")  # noqa: CCL304
            """,
            settings=_ON,
        ),
    )
    INVALID = (
        Invalid(
            """
            import multiprocessing

            if __name__ == "__main__":
                multiprocessing.set_start_method("spawn")  # noqa: CCL304
            """,
            line=4,
            column=48,
            message_contains=("`CCL304`", "remove it"),
            settings=_ON,
        ),
        Invalid(
            """
            import multiprocessing

            multiprocessing.set_start_method("spawn")  # conclint: ignore[CCL304, CCL303]
            """,
            line=3,
            message_contains=("`CCL303`",),
            settings=_ON,
        ),
    )
