"""Lancern/asm2vec#7: training submits one closure per function to a ThreadPoolExecutor; the
work is Python loops over instruction windows with small numpy vectors (d=200), which hold the
GIL, so the jobs=4 threads do not train in parallel. The issue only asks this (nothing
measured, no answer); whether numpy holds the GIL here depends on d (see CORPUS.md)."""
import concurrent.futures
import threading

import numpy as np


def _sigmoid(x: float) -> float:
    return 1 / (1 + np.exp(x))


def _train_sequence(fn_vec, seq, alpha, lock):
    for k in range(1, len(seq) - 1):
        delta = np.average([seq[k - 1], fn_vec, seq[k + 1]], axis=0)
        g = (1 - _sigmoid(np.dot(delta, seq[k]))) * alpha
        with lock:
            fn_vec -= g / 3 * seq[k]


def train(funcs, jobs=4, alpha=0.0025):
    lock = threading.Lock()

    def train_function(fn):
        for seq in fn["sequences"]:
            _train_sequence(fn["v"], seq, alpha, lock)

    executor = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    futures = []
    for f in funcs:
        futures.append(executor.submit(train_function, f))  # BUG: CCL201
    done, not_done = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_EXCEPTION)
    if len(not_done) > 0:
        raise RuntimeError("Train failed due to one or more failed task.")
