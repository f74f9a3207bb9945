"""A report service that hands pure-Python number crunching to threads, where the GIL runs it
one thread at a time, and crunches numbers on the event loop."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import requests


def rolling_variance(samples, window):
    out = []
    for start in range(len(samples) - window):
        mean = sum(samples[start : start + window]) / window
        out.append(sum((x - mean) ** 2 for x in samples[start : start + window]) / window)
    return out


def fetch_samples(url):
    # I/O-bound: threads overlap here, and this is not reported.
    return requests.get(url, timeout=10).json()


def monte_carlo_pi(trials, seed):
    inside, x = 0, seed
    for _ in range(trials):
        x = (x * 1103515245 + 12345) % 2**31
        y = (x * 1103515245 + 12345) % 2**31
        if (x / 2**31) ** 2 + (y / 2**31) ** 2 <= 1:
            inside += 1
    return 4 * inside / trials


class Recalculator(threading.Thread):
    def __init__(self, matrix):
        super().__init__(daemon=True)
        self.matrix = matrix

    def run(self):
        self.result = self.determinant(self.matrix)

    def determinant(self, m):
        if len(m) == 1:
            return m[0][0]
        return sum((-1) ** c * m[0][c] * self.determinant([row[:c] + row[c + 1 :] for row in m[1:]]) for c in range(len(m)))


async def report(urls, loop):
    with ThreadPoolExecutor(max_workers=8) as pool:
        samples = list(pool.map(fetch_samples, urls))
        variances = [pool.submit(rolling_variance, s, 50) for s in samples]
        estimate = await loop.run_in_executor(None, monte_carlo_pi, 10**7, 42)
    histogram = [0] * 10
    for i in range(10**6):
        histogram[(i * 7919) % 10] += 1
    return variances, estimate, histogram
