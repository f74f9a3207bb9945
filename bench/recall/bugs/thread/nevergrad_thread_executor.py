"""facebookresearch/nevergrad#1435: the documentation's parallel example passed a
ThreadPoolExecutor to optimizer.minimize for a CPU-bound objective; under the GIL the workers
ran one at a time, and the PR switched the docs to a ProcessPoolExecutor."""
from concurrent import futures

import nevergrad as ng


def square(x):
    tmp = 1
    for k in range(4_000_000):
        tmp += 1
        tmp -= 1
    return sum((x - 0.5) ** 2) * tmp


optimizer = ng.optimizers.NGOpt(parametrization=2, budget=100, num_workers=10)
with futures.ThreadPoolExecutor(max_workers=optimizer.num_workers) as executor:
    recommendation = optimizer.minimize(square, executor=executor, batch_mode=False)  # BUG: CCL201
