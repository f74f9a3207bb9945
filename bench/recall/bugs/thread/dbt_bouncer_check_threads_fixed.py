"""Fixed as #984 did: the checks run one after another in the calling thread."""
import logging
import re
import traceback


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

    done = 0
    for check in checks_to_run:
        _execute_check(check)
        done += 1
    logging.info(f"Ran {done} checks")
    return [c for c in checks_to_run if c["outcome"] == "failed"]
