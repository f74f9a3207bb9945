"""Fixed as the PR did: a module-level initializer function."""
import multiprocessing
import signal

import requests


def fetch_lecture(url):
    return requests.get(url, timeout=30).text


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def main():
    urls = [f"https://campus.tum.de/lectures/{i}" for i in range(100)]
    with multiprocessing.Pool(processes=8, initializer=ignore_sigint) as pool:
        pages = pool.map(fetch_lecture, urls)
    print(len(pages))


if __name__ == "__main__":
    main()
