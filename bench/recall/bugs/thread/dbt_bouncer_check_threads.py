"""godatadriven/dbt-bouncer#984 (and #631 before it): `runner()` ran the checks in batches, one
batch per check class, on a ThreadPoolExecutor (added in #579, batched in #621). The checks are
pure-Python work over dbt artifacts already parsed in memory (regex matching, attribute access,
string operations) that never releases the GIL: #984 measured the threaded path 20-28% slower
than a plain loop, with multi-second worst-case spikes, and replaced the pool by a sequential
loop."""
import logging
import re
import traceback
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed

_MAX_BATCH_SIZE = 500


class DbtBouncerFailedCheckError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def get_clean_model_name(unique_id):
    return unique_id.split(".")[-1]


class CheckModelNames:
    name = "check_model_names"
    description = None

    def __init__(self, model, model_name_pattern):
        self.model = model
        self.model_name_pattern = model_name_pattern

    def execute(self):
        if re.compile(self.model_name_pattern.strip()).match(self.model.name) is None:
            raise DbtBouncerFailedCheckError(
                f"`{get_clean_model_name(self.model.unique_id)}` does not match the supplied regex `{self.model_name_pattern.strip()}`."
            )


class CheckModelMaxUpstreamDependencies:
    name = "check_model_max_upstream_dependencies"
    description = None

    def __init__(self, model, max_upstream_models=5, max_upstream_sources=1):
        self.model = model
        self.max_upstream_models = max_upstream_models
        self.max_upstream_sources = max_upstream_sources

    def execute(self):
        num_upstream_models = len([m for m in self.model.depends_on.nodes if m.split(".")[0] == "model"])
        num_upstream_sources = len([m for m in self.model.depends_on.nodes if m.split(".")[0] == "source"])
        if num_upstream_models > self.max_upstream_models:
            raise DbtBouncerFailedCheckError(
                f"`{get_clean_model_name(self.model.unique_id)}` has {num_upstream_models} upstream models, which is more than the permitted maximum of {self.max_upstream_models}."
            )
        if num_upstream_sources > self.max_upstream_sources:
            raise DbtBouncerFailedCheckError(
                f"`{get_clean_model_name(self.model.unique_id)}` has {num_upstream_sources} upstream sources, which is more than the permitted maximum of {self.max_upstream_sources}."
            )


def runner(checks_to_run):
    def _execute_check(check):
        logging.debug(f"Running {check['check_run_id']}...")
        try:
            check["check"].execute()
            check["outcome"] = "success"
        except Exception as e:
            if isinstance(e, DbtBouncerFailedCheckError):
                failure_message = e.message
            else:
                failure_message = list(traceback.TracebackException.from_exception(e).format())[-1].strip()
            if check["check"].description:
                failure_message = f"{check['check'].description} - {failure_message}"
            check["outcome"] = "failed"
            check["failure_message"] = failure_message
        return check

    def _execute_batch(batch):
        for check in batch:
            _execute_check(check)
        return len(batch)

    batches = defaultdict(list)
    for check in checks_to_run:
        batches[check["check"].__class__.__name__].append(check)

    batches_to_run = []
    for batch in batches.values():
        for i in range(0, max(len(batch), 1), _MAX_BATCH_SIZE):
            batches_to_run.append(batch[i : i + _MAX_BATCH_SIZE])

    done = 0
    with ThreadPoolExecutor() as executor:
        futures = {executor.submit(_execute_batch, batch): batch for batch in batches_to_run}  # BUG: CCL201
        for future in as_completed(futures):
            done += future.result()
    logging.info(f"Ran {done} checks")
    return [c for c in checks_to_run if c["outcome"] == "failed"]
