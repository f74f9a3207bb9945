"""Settings: what to check and how, as one frozen, hashable value shared by every file.

Plain data at the bottom of the layers: the engine, the rules and the analysis receive a
Settings; only `conclint.project.configuration` knows how pyproject.toml becomes one.
"""

from __future__ import annotations

from dataclasses import dataclass

# The largest file (in bytes of source) that is parsed; a larger one is reported as CCL001,
# unchecked. Measured (peak RSS of `engine.lint_source` and of `engine.summarize_source`,
# CPython 3.11, libcst 1.x): about 550 bytes of memory per byte of dense generated code with
# findings (1 MiB: 566 MiB; 2 MiB: 1.1 GiB), 280-330 per byte of standard-library code.
# Under a 1.5 GB address-space limit a run on a 2 MiB file passed and one on 3 MiB aborted
# in libcst's allocator. At 1 MiB a worker peaks near 0.6 GB, well under 1.5 GB, leaving
# room for the project index and the rest of the process.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """What to check and how; built by `conclint.project.configuration.load_settings`, passed unchanged to the engine.

    `select`/`ignore` hold rule selectors (a code such as ``CCL101``, a prefix such as
    ``CCL1``, a rule name such as ``blocking-sleep-in-async``, or ``ALL``).
    `extend_blocking_calls` pairs a qualified name with a category name
    (see `conclint.knowledge.blocking.Category`). `offload_decorators` names decorators
    (qualified names) that run each call of the function they decorate elsewhere, on a
    thread or another process: calls of such a function are not followed into its body.
    `respect_gitignore`: directories walked skip what git ignores (see
    `conclint.project.gitignore`); like `exclude`, it only decides which files are checked.
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_blocking_calls: tuple[tuple[str, str], ...] = ()
    target_version: str = "3.10"
    free_threaded: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    offload_decorators: tuple[str, ...] = ()
    respect_gitignore: bool = True


DEFAULT_SETTINGS = Settings()
