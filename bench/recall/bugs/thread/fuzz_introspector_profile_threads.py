"""ossf/fuzz-introspector#900 (the threads came in #592): `load_all_profiles` loaded every
fuzzer's profile on its own thread, "and due to Python GIL it seems that they do not actually
use multi-processing": each load parses a large YAML file with PyYAML's pure-Python loader and
builds the profile's function tables in Python. #900 switched the threads to
multiprocessing.Process with a Manager dict. The threaded loader is reconstructed from the
process version #900 left; the helpers follow the project's code."""
import logging
import os
import re
import threading

import yaml

logger = logging.getLogger(name=__name__)


def get_all_files_in_tree_with_regex(basedir, regex_str):
    """Returns absolute paths of all files in basedir whose name matches regex_str."""
    files = []
    for root, _, filenames in os.walk(basedir):
        for f in filenames:
            if re.search(regex_str, f):
                files.append(os.path.join(root, f))
    return files


def data_file_read_yaml(filename):
    """Reads a yaml file, returns None on failure."""
    if not os.path.isfile(filename):
        return None
    with open(filename, "r") as stream:
        try:
            return yaml.safe_load(stream)
        except yaml.YAMLError:
            return None


class FuzzerProfile:
    """Functions reached by one fuzzer, with their cyclomatic complexity."""

    def __init__(self, cfg_file, data_dict_yaml, target_lang):
        self.introspector_data_file = cfg_file
        self.target_lang = target_lang
        self.fuzzer_source_file = data_dict_yaml["Fuzzer filename"]
        self.all_class_functions = {}
        for elem in data_dict_yaml["All functions"]["Elements"]:
            self.all_class_functions[elem["functionName"]] = elem
        self.functions_reached_by_fuzzer = set()
        for func in self.all_class_functions.values():
            for callsite in func.get("functionsReached", []):
                self.functions_reached_by_fuzzer.add(callsite)
        self.total_cyclomatic_complexity = 0
        for name in self.functions_reached_by_fuzzer:
            if name in self.all_class_functions:
                self.total_cyclomatic_complexity += self.all_class_functions[name]["CyclomaticComplexity"]

    def has_entry_point(self):
        return "LLVMFuzzerTestOneInput" in self.all_class_functions


def read_fuzzer_data_file_to_profile(cfg_file, language):
    """For a given .data file (CFG) read the corresponding .yaml file."""
    logger.info(f" - loading {cfg_file}")
    if not os.path.isfile(cfg_file) or not os.path.isfile(cfg_file + ".yaml"):
        return None
    data_dict_yaml = data_file_read_yaml(cfg_file + ".yaml")
    if data_dict_yaml is None or not isinstance(data_dict_yaml, dict):
        return None
    profile = FuzzerProfile(cfg_file, data_dict_yaml, language)
    if not profile.has_entry_point():
        logger.info("Found no entrypoints")
        return None
    return profile


def _load_profile(data_file, language, manager, semaphore=None):
    """Internal function used for multithreaded profile loading"""
    if semaphore is not None:
        semaphore.acquire()
    profile = read_fuzzer_data_file_to_profile(data_file, language)
    if profile is not None:
        manager[data_file] = profile
    if semaphore is not None:
        semaphore.release()


def load_all_profiles(target_folder, language, parallelise=True):
    """Loads all profiles in target_folder in a multi-threaded manner"""
    semaphore_count = 3 if language == "jvm" else 6
    profiles = []
    data_files = get_all_files_in_tree_with_regex(target_folder, r"fuzzerLogFile.*\.data$")
    logger.info(f" - found {len(data_files)} profiles to load")
    if parallelise:
        semaphore = threading.Semaphore(semaphore_count)
        return_dict = dict()
        jobs = []
        for data_file in data_files:
            p = threading.Thread(target=_load_profile, args=(data_file, language, return_dict, semaphore))  # BUG: CCL201
            jobs.append(p)
            p.start()
        for proc in jobs:
            proc.join()
        for k, v in return_dict.items():
            profiles.append(v)
    else:
        return_dict_gen = dict()
        for data_file in data_files:
            _load_profile(data_file, language, return_dict_gen, None)
        for k, v in return_dict_gen.items():
            profiles.append(v)
    return profiles
