"""Vuenc/TUM-Master-Informatics-Offered-Lectures#14: main() gave multiprocessing.Pool a lambda
as initializer: "AttributeError: Can't pickle local object 'main.<locals>.<lambda>'" under
spawn. (The lambda's body is reconstructed: the report names only the lambda.)"""
import multiprocessing
import signal

import requests


def fetch_lecture(url):
    return requests.get(url, timeout=30).text


def main():
    urls = [f"https://campus.tum.de/lectures/{i}" for i in range(100)]
    with multiprocessing.Pool(processes=8, initializer=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) as pool:  # BUG: CCL303
        pages = pool.map(fetch_lecture, urls)
    print(len(pages))


if __name__ == "__main__":
    main()
