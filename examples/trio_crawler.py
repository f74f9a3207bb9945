"""A trio crawler that forgot which calls block."""

import subprocess
import urllib.request

import trio


async def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        return response.read()


async def archive(path: str) -> None:
    subprocess.run(["gzip", "-k", path], check=True)


async def crawl(urls: list[str]) -> None:
    async with trio.open_nursery() as nursery:
        for url in urls:
            nursery.start_soon(fetch, url)
    input("press enter to archive the results")
    await archive("results.txt")
