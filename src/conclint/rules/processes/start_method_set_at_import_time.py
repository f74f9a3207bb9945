"""CCL304: multiprocessing.set_start_method() called while the module is imported."""

from __future__ import annotations

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.process_display import callee_text
from conclint.analysis.process_layout import in_region, module_layout, runs_at_import_time
from conclint.analysis.process_literals import true_literal
from conclint.knowledge.processes import START_METHOD_SETTERS, START_METHOD_TOKENS
from conclint.rules.base import Invalid, Rule, Valid


class StartMethodSetAtImportTime(Rule):
    """
    ## What it does
    Finds `multiprocessing.set_start_method(...)` (also through `torch.multiprocessing`)
    called while the module is imported: at module level or in a class body there, outside
    the `if __name__ == "__main__":` guard.

    Not reported: calls with `force=True`; calls inside a `try` block whose handler catches
    `RuntimeError`; calls under an `if` that consults `get_start_method()` (such as
    `if mp.get_start_method(allow_none=True) is None:`).

    ## Why is this bad?
    A child started with spawn or forkserver sets the parent's start method first and then
    re-imports the main module (and the modules its work comes from). The second
    `set_start_method()` raises `RuntimeError: context has already been set`, and the child
    dies before it runs any work. Importing two modules that both set it fails the same way.

    ## Example
    ```python
    import multiprocessing as mp

    mp.set_start_method("spawn")

    def main():
        with mp.Pool() as pool:
            pool.map(print, range(3))

    if __name__ == "__main__":
        main()
    ```

    ## Use instead
    ```python
    import multiprocessing as mp

    def main():
        with mp.get_context("spawn").Pool() as pool:
            pool.map(print, range(3))

    if __name__ == "__main__":
        main()
    ```
    or call `mp.set_start_method("spawn")` as the first line under the guard.

    ## Fix safety
    No automatic fix. Moving the call under the guard changes the start method for code that
    imports this module, which a reviewer must judge.

    ## Options
    No options.

    ## References
    - [multiprocessing.set_start_method](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.set_start_method)
    - [multiprocessing: contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
    """

    CODE = "CCL304"
    NAME = "start-method-set-at-import-time"
    MESSAGE = (
        "`{call}` runs at import time; a child process started with spawn sets the start method and "
        "then re-imports this module, where this call raises RuntimeError: context has already been set"
    )
    SUGGESTION = (
        'Call it once under `if __name__ == "__main__":`, or create processes from '
        "`multiprocessing.get_context(...)` instead of setting the global start method."
    )
    REQUIRED_TOKENS = START_METHOD_TOKENS

    VALID = (
        Valid(
            """
            import multiprocessing as mp

            def main():
                with mp.Pool() as pool:
                    pool.map(print, range(3))

            if __name__ == "__main__":
                mp.set_start_method("spawn")
                main()
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            try:
                mp.set_start_method("spawn")
            except RuntimeError:
                pass
            """
        ),
        Valid(
            """
            import multiprocessing
            from multiprocessing import set_start_method

            set_start_method("forkserver", force=True)
            if multiprocessing.get_start_method(allow_none=True) is None:
                multiprocessing.set_start_method("spawn")
            """
        ),
        Valid(
            """
            import multiprocessing as mp

            def configure():
                mp.set_start_method("spawn")

            CTX = mp.get_context("spawn")
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import multiprocessing as mp

            mp.set_start_method("spawn")

            def main():
                with mp.Pool() as pool:
                    pool.map(print, range(3))

            if __name__ == "__main__":
                main()
            """,
            line=3,
            column=1,
            message_contains=("`mp.set_start_method()` runs at import time", "context has already been set", "get_context"),
        ),
        Invalid(
            """
            import sys
            import torch.multiprocessing as tmp

            if sys.platform == "darwin":
                tmp.set_start_method("spawn", force=False)
            """,
            line=5,
        ),
        Invalid(
            """
            from multiprocessing import set_start_method

            try:
                set_start_method("spawn")
            except ValueError:
                pass
            """,
            line=4,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.facts
        if not runs_at_import_time(facts, node):
            return
        symbol = facts.resolve(node.func)
        if symbol is None or symbol.local or symbol.instance or symbol.qualname not in START_METHOD_SETTERS:
            return
        if true_literal(call_argument(node, 1, "force")):
            return
        if in_region(facts, module_layout(facts).start_method_checked, node):
            return
        self.report(node, suggestion=self.SUGGESTION, call=f"{callee_text(node.func)}()")
