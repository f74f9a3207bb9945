"""Fixed: the functions are trained one after the other (threads gave no parallelism)."""
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


def train(funcs, alpha=0.0025):
    lock = threading.Lock()
    for fn in funcs:
        for seq in fn["sequences"]:
            _train_sequence(fn["v"], seq, alpha, lock)
