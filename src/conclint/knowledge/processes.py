"""What starts processes, what sends work to them, and what is harmless: the CCL3 catalog.

Names are the qualified names `analysis.symbols.resolve` produces: the canonical module path
of a function or class, or `Type.method` for a method of an instance of a known type (the
types come from `knowledge.types.CALL_RESULTS`). Every entry was checked against the CPython
3.11 sources of `multiprocessing` and `concurrent.futures` and against joblib 1.4 / loky 3.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

# ----- starting processes ----------------------------------------------------------------------

POOL = "pool"
MANAGER = "manager"
PROCESS = "process"
EXECUTOR = "executor"
JOBLIB = "joblib"
DATALOADER = "dataloader"

# What a start does, for messages: "`Pool()` starts a pool of worker processes".
EFFECTS: Mapping[str, str] = {
    POOL: "starts a pool of worker processes",
    MANAGER: "starts a manager server process",
    PROCESS: "starts a process",
    EXECUTOR: "starts the worker processes of a ProcessPoolExecutor",
    JOBLIB: "starts joblib worker processes (backend=\"multiprocessing\")",
    DATALOADER: "starts the worker processes of a DataLoader (num_workers > 0)",
}

# Calling one of these starts processes at once. `multiprocessing.Pool.__init__` starts its
# workers, `multiprocessing.Manager()` starts the manager's server process before returning.
PROCESS_STARTING_CALLS: Mapping[str, str] = {
    "multiprocessing.Pool": POOL,
    "multiprocessing.pool.Pool": POOL,
    "multiprocessing.context.BaseContext.Pool": POOL,
    "multiprocessing.Manager": MANAGER,
    "multiprocessing.context.BaseContext.Manager": MANAGER,
    "torch.multiprocessing.Pool": POOL,
    "torch.multiprocessing.Manager": MANAGER,
    "torch.multiprocessing.spawn": PROCESS,
    "torch.multiprocessing.start_processes": PROCESS,
}

# Instances of these types start a process when `.start()` is called or when they are entered
# as a context manager (managers only: `BaseManager.__enter__` calls `start()`).
PROCESS_TYPES: Mapping[str, str] = {
    "multiprocessing.Process": PROCESS,
    "multiprocessing.managers.BaseManager": MANAGER,
    "multiprocessing.managers.SyncManager": MANAGER,
}
STARTING_METHOD = "start"

# Base classes whose subclasses, defined in the module, are processes or managers.
PROCESS_BASE_CLASSES: Mapping[str, str] = {
    "multiprocessing.Process": PROCESS,
    "multiprocessing.context.BaseContext.Process": PROCESS,
    "multiprocessing.context.SpawnProcess": PROCESS,
    "multiprocessing.context.ForkProcess": PROCESS,
    "multiprocessing.context.ForkServerProcess": PROCESS,
    "multiprocessing.process.BaseProcess": PROCESS,
    "torch.multiprocessing.Process": PROCESS,
    "multiprocessing.managers.BaseManager": MANAGER,
    "multiprocessing.managers.SyncManager": MANAGER,
}

# A ProcessPoolExecutor starts its workers when work is first submitted, not when it is
# created (CPython >= 3.9: `_adjust_process_count` runs from `submit`). A module-level
# executor that is only used by functions is therefore fine under spawn: each child creates an
# idle executor of its own. Using it at import time, or entering it in a `with` block there,
# is not.
PROCESS_EXECUTOR_TYPES = frozenset({"concurrent.futures.ProcessPoolExecutor"})
EXECUTOR_DISPATCH_METHODS = frozenset({"submit", "map"})

# joblib: the default backend, loky, starts workers that do not re-import the main module
# (loky's `LokyProcess(init_main_module=False)`; joblib's docs: "The 'loky' backend used by
# default in joblib 0.12 and later does not impose this anymore"). Only the multiprocessing
# backend re-imports it under spawn.
JOBLIB_PARALLEL = frozenset({"joblib.Parallel", "joblib.parallel.Parallel"})
JOBLIB_BACKEND_CONTEXTS = frozenset(
    {"joblib.parallel_backend", "joblib.parallel.parallel_backend", "joblib.parallel_config", "joblib.parallel.parallel_config"}
)
JOBLIB_REIMPORTING_BACKENDS = frozenset({"multiprocessing"})
# Positions of `n_jobs` and `backend` in `Parallel(...)`, `parallel_backend(...)`, `parallel_config(...)`.
JOBLIB_PARALLEL_ARGS = {"n_jobs": 0, "backend": 1}
JOBLIB_CONTEXT_ARGS = {
    "parallel_backend": {"backend": 0, "n_jobs": 1},
    "parallel_config": {"backend": 0, "n_jobs": 1},
}
# `n_jobs` values that certainly start more than one worker, besides integer literals != 1.
CPU_COUNT_CALLS = frozenset({"os.cpu_count", "multiprocessing.cpu_count", "joblib.cpu_count", "os.process_cpu_count"})

# PyTorch's DataLoader starts `num_workers` worker processes each time it is iterated
# (`DataLoader.__iter__` builds a `_MultiProcessingDataLoaderIter`, whose `__init__` starts
# them), with the start method of multiprocessing: under spawn they re-import the main module.
# `num_workers` is 0 by default, and 0 loads in the main process. Checked against torch 2.3.
DATALOADER_TYPES = frozenset({"torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader"})
DATALOADER_WORKERS = (5, "num_workers")  # DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers)
# `multiprocessing_context="fork"` (or a fork context) makes the workers forked children.
DATALOADER_CONTEXT_KEYWORD = "multiprocessing_context"
# Calls that iterate their argument at once (`iter(loader)`, `list(loader)`).
ITERATING_CALLS = frozenset(f"builtins.{name}" for name in "iter list tuple set sorted".split())
# Lazy wrappers that iterate what they wrap when they are iterated (`for i, batch in
# enumerate(tqdm(loader))`): every positional argument is iterated.
LAZY_ITERATION_WRAPPERS = frozenset(
    "builtins.enumerate builtins.zip itertools.islice itertools.chain "
    "tqdm.tqdm tqdm.auto.tqdm tqdm.notebook.tqdm tqdm.std.tqdm".split()
)

# ----- the start method --------------------------------------------------------------------------

START_METHOD_SETTERS = frozenset(
    {"multiprocessing.set_start_method", "torch.multiprocessing.set_start_method", "multiprocess.set_start_method"}
)
START_METHOD_GETTERS = frozenset(
    {"multiprocessing.get_start_method", "torch.multiprocessing.get_start_method", "multiprocess.get_start_method"}
)
GET_CONTEXT = frozenset({"multiprocessing.get_context", "torch.multiprocessing.get_context"})
# The start method under which nothing is pickled to start a process.
FORK = "fork"

# `if` tests that consult these run their block in the parent only (or only in a child): an
# alternative to the `__main__` guard (`if mp.parent_process() is None:`). Tests of
# START_METHOD_GETTERS count too: `if mp.get_start_method() == "fork":` knows what it does.
PROCESS_IDENTITY_CALLS = frozenset(
    {"multiprocessing.current_process", "multiprocessing.parent_process", "multiprocessing.process.current_process", "multiprocessing.process.parent_process"}
)

# Calls after which the rest of their block never runs: they end the process (or raise
# SystemExit), as `raise` ends a block. So does `os.kill(os.getpid(), sig)`, the process
# signalling itself (SELF_SIGNAL: the function, then the call its first argument makes): the
# default action of the signals sent that way ends the process, and SIGINT raises
# KeyboardInterrupt (dagster's crash-injection hook sleeps after it, waiting to be killed).
# EXITS_PROCESS are the library's calls (CCL407 takes them as leaving a cancelled task's
# loop too); `exit()` and `quit()`, the site module's builtins, raise SystemExit as well.
EXITS_PROCESS = frozenset({"sys.exit", "os._exit", "os.abort"})
ENDS_PROCESS = EXITS_PROCESS | {"builtins.exit", "builtins.quit"}
SELF_SIGNAL = ("os.kill", "os.getpid")

# ----- sending work to processes -----------------------------------------------------------------


@dataclass(frozen=True)
class Dispatch:
    """An argument that holds a callable a child process runs.

    `position` / `keyword`: where the callable is passed. `always_pickled`: the callable goes
    through a queue (pool tasks) and is pickled under every start method; otherwise it is
    pickled only when the process is started with spawn or forkserver (a `Process` target, a
    pool initializer).
    """

    position: int
    keyword: str
    always_pickled: bool


_POOL_TASK = Dispatch(0, "func", True)
_EXECUTOR_TASK = Dispatch(0, "fn", True)

# `BaseManager.start(initializer=None, initargs=())`: the manager's server process runs the
# initializer, pickled to it under spawn and forkserver.
_MANAGER_INITIALIZER = Dispatch(0, "initializer", False)

# Methods of process pools and managers that send a callable to a child, by instance type.
POOL_DISPATCH: Mapping[str, Mapping[str, Dispatch]] = {
    "multiprocessing.pool.Pool": {
        method: _POOL_TASK
        for method in ("map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async", "apply", "apply_async")
    },
    "concurrent.futures.ProcessPoolExecutor": {"submit": _EXECUTOR_TASK, "map": _EXECUTOR_TASK},
    "multiprocessing.managers.BaseManager": {"start": _MANAGER_INITIALIZER},
    "multiprocessing.managers.SyncManager": {"start": _MANAGER_INITIALIZER},
}

# Constructors that take a callable a child runs, by qualified name.
CONSTRUCTOR_DISPATCH: Mapping[str, tuple[Dispatch, ...]] = {
    "multiprocessing.Process": (Dispatch(1, "target", False),),
    "multiprocessing.context.BaseContext.Process": (Dispatch(1, "target", False),),
    "multiprocessing.Pool": (Dispatch(1, "initializer", False),),
    "multiprocessing.pool.Pool": (Dispatch(1, "initializer", False),),
    "multiprocessing.context.BaseContext.Pool": (Dispatch(1, "initializer", False),),
    "concurrent.futures.ProcessPoolExecutor": (Dispatch(2, "initializer", False),),
    "torch.multiprocessing.spawn": (Dispatch(0, "fn", True),),
    "torch.multiprocessing.start_processes": (Dispatch(0, "fn", True),),
}
# Keywords that name the start context of a pool or executor.
CONTEXT_KEYWORDS = frozenset({"mp_context", "context"})

# `loop.run_in_executor(executor, func, ...)`: a process pool executor makes it a dispatch.
RUN_IN_EXECUTOR = "run_in_executor"
RUN_IN_EXECUTOR_DISPATCH = Dispatch(1, "func", True)

PARTIAL = frozenset({"functools.partial"})

# ----- not processes, or harmless -----------------------------------------------------------------

# Not in these tables on purpose: joblib, loky, `multiprocess` and pathos pickle callables
# with cloudpickle or dill, which handle lambdas and closures.

# Thread pools share the parent's memory: nothing is pickled and nothing re-imports the module.
THREAD_POOL_TYPES = frozenset(
    {"multiprocessing.pool.ThreadPool", "concurrent.futures.ThreadPoolExecutor", "threading.Thread"}
)
THREAD_POOL_CALLS = frozenset(
    {
        "multiprocessing.pool.ThreadPool",
        "multiprocessing.dummy.Pool",
        "multiprocessing.dummy.Process",
        "multiprocessing.dummy.Manager",
        "concurrent.futures.ThreadPoolExecutor",
    }
)

# Module-level calls that start nothing and are safe to repeat in every child.
HARMLESS_CALLS = frozenset(
    {
        "multiprocessing.cpu_count",
        "multiprocessing.freeze_support",
        "multiprocessing.set_executable",
        "multiprocessing.set_forkserver_preload",
        "multiprocessing.get_start_method",
        "multiprocessing.get_all_start_methods",
        "multiprocessing.get_context",
        "multiprocessing.get_logger",
        "multiprocessing.log_to_stderr",
        "multiprocessing.current_process",
        "multiprocessing.parent_process",
        "multiprocessing.active_children",
        "multiprocessing.allow_connection_pickling",
        "multiprocessing.Queue",
        "multiprocessing.JoinableQueue",
        "multiprocessing.SimpleQueue",
        "multiprocessing.Lock",
        "multiprocessing.RLock",
        "multiprocessing.Semaphore",
        "multiprocessing.BoundedSemaphore",
        "multiprocessing.Event",
        "multiprocessing.Condition",
        "multiprocessing.Barrier",
        "multiprocessing.Value",
        "multiprocessing.Array",
        "multiprocessing.Pipe",
        # Creating these starts nothing: a Process starts on `.start()`, an executor on its
        # first `submit`/`map`, a joblib Parallel when called.
        "multiprocessing.Process",
        "multiprocessing.managers.BaseManager.register",
        "multiprocessing.managers.SyncManager.register",
        "concurrent.futures.ProcessPoolExecutor",
        "joblib.Parallel",
        "joblib.cpu_count",
    }
)

# ----- the prefilter (Rule.REQUIRED_TOKENS) -------------------------------------------------------

# Every library name above reaches a file through an import statement (or an attribute of an
# imported module), and `from x import y as z` still spells `x` and `y`; so a file can match an
# entry only if its bytes contain a component of the entry's name. `multiprocess` is part of
# `multiprocessing`, `torch.multiprocessing` and dill's `multiprocess`; ProcessPoolExecutor is the
# only concurrent.futures entry; every joblib entry starts with `joblib`. tests/test_prefilter.py
# checks each table against these tuples.
MULTIPROCESSING_TOKEN = b"multiprocess"
# CCL301/CCL302: starts (multiprocessing, torch, ProcessPoolExecutor, joblib Parallel, the
# DataLoader of torch.utils.data).
DATALOADER_TOKEN = b"DataLoader"
START_TOKENS = (MULTIPROCESSING_TOKEN, b"ProcessPoolExecutor", b"joblib", DATALOADER_TOKEN)
# CCL303: pools, executors and constructors that send callables to children.
DISPATCH_TOKENS = (MULTIPROCESSING_TOKEN, b"ProcessPoolExecutor")
# CCL304: `set_start_method` of multiprocessing, torch.multiprocessing and multiprocess.
START_METHOD_TOKENS = (MULTIPROCESSING_TOKEN,)
