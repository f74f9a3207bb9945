"""Fixed as facebookresearch/nevergrad#1435 did: a ProcessPoolExecutor (and a main guard)."""
from concurrent import futures

import nevergrad as ng


def square(x):
    tmp = 1
    for k in range(4_000_000):
        tmp += 1
        tmp -= 1
    return sum((x - 0.5) ** 2) * tmp


if __name__ == "__main__":
    optimizer = ng.optimizers.NGOpt(parametrization=2, budget=100, num_workers=10)
    with futures.ProcessPoolExecutor(max_workers=optimizer.num_workers) as executor:
        recommendation = optimizer.minimize(square, executor=executor, batch_mode=False)
