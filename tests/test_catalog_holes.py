"""Issue 14 item 2 ("catalog holes"): the cases the rule examples do not show, where the new
catalog entries meet the lookup rules (wildcards, types that flow through calls, helpers)."""

from __future__ import annotations

import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.knowledge.blocking import blocking_catalog


def _findings(source: str) -> list[tuple[int, str]]:
    """(line, code) of the CCL1 findings in `source`."""
    found = lint_source(textwrap.dedent(source), "example.py", Settings())
    return sorted((d.line, d.code) for d in found if d.code.startswith("CCL1"))


@pytest.mark.parametrize(
    ("qualname", "blocks"),
    [
        ("botocore.client.BaseClient.put_object", True),
        # Exceptions belong to their type: `pipeline` is redis's helper, a request elsewhere.
        ("botocore.client.BaseClient.pipeline", True),
        ("redis.Redis.pipeline", False),
        ("botocore.client.BaseClient.get_paginator", False),
        ("botocore.client.BaseClient.generate_presigned_url", False),
        ("redis.Redis.get_paginator", True),
        ("boto3.resources.base.ServiceResource.create_bucket", True),
        ("boto3.resources.base.ServiceResource.Bucket", False),
        ("boto3.resources.base.ServiceResource.get_available_subresources", False),
    ],
)
def test_wildcard_exceptions_are_per_type(qualname: str, blocks: bool) -> None:
    assert (qualname in blocking_catalog()) is blocks


def test_scoped_session_proxies_the_session() -> None:
    source = """
        from sqlalchemy.orm import scoped_session, sessionmaker

        Session = scoped_session(sessionmaker())

        async def purge(Log):
            Session.query(Log).filter(Log.old).filter_by(kind="debug").delete()
            Session.commit()
    """
    assert _findings(source) == [(7, "CCL106"), (8, "CCL106")]


def test_socket_from_ssl_wrap_socket_and_sftp_file_reads() -> None:
    source = """
        import ssl
        import paramiko

        async def pull(raw, transport):
            tls = ssl.wrap_socket(raw)
            tls.read(10)
            sftp = paramiko.SFTPClient.from_transport(transport)
            with sftp.open("/etc/motd") as remote:
                return remote.read()
    """
    assert _findings(source) == [(7, "CCL105"), (9, "CCL105"), (10, "CCL105")]


def test_http_client_response_reads() -> None:
    source = """
        import http.client

        async def status(host):
            conn = http.client.HTTPSConnection(host)
            conn.request("GET", "/")
            response = conn.getresponse()
            return response.status, response.readlines()
    """
    assert _findings(source) == [(6, "CCL102"), (7, "CCL102"), (8, "CCL102")]


def test_sync_helper_using_a_session_is_followed() -> None:
    source = """
        from sqlalchemy.orm import Session

        def save(session: Session, row):
            session.add(row)
            session.commit()

        async def handler(session: Session, row):
            save(session, row)
    """
    assert _findings(source) == [(9, "CCL106")]


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        # The block awaits nothing: the exit waits for the submitted work.
        ("pool.submit(job)", True),
        # An await inside a nested function does not run in this block.
        ("async def later():\n        await job()\n    pool.submit(job)", True),
        ("await loop.run_in_executor(pool, job)", False),
        ("async for item in feed:\n        pool.submit(job, item)", False),
        ("async with lock:\n        pool.submit(job)", False),
    ],
)
def test_executor_block_exit(body: str, reported: bool) -> None:
    source = (
        "from concurrent.futures import ThreadPoolExecutor\n\n"
        "async def run(job, loop, feed, lock):\n"
        "  with ThreadPoolExecutor() as pool:\n"
        f"    {body}\n"
    )
    assert _findings(source) == ([(4, "CCL108")] if reported else [])


def test_executor_map_waits_only_when_consumed_on_the_loop() -> None:
    source = """
        import anyio
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor()

        async def sizes(paths):
            lazy = pool.map(len, paths)
            ahead = await anyio.to_thread.run_sync(list, lazy)
            squares = {n: n * n for n in pool.map(len, paths)}
            return ahead, squares, tuple(pool.map(len, paths)), (n for n in pool.map(len, paths))
    """
    assert _findings(source) == [(10, "CCL108"), (11, "CCL108")]


def test_a_wait_after_polling_until_exit_reaps_at_once_unless_the_loop_can_break() -> None:
    source = """
        import asyncio
        import subprocess

        async def finish(process: subprocess.Popen):
            while process.poll() is None:
                await asyncio.sleep(0.1)
            process.wait()

        async def give_up(process: subprocess.Popen, late):
            while process.poll() is None:
                if late():
                    break
                await asyncio.sleep(0.1)
            process.wait()

        async def nested(process: subprocess.Popen):
            while process.poll() is None:
                await asyncio.sleep(0.1)
            if process.returncode:
                process.wait()
    """
    assert _findings(source) == [(15, "CCL103"), (21, "CCL103")]


def test_only_the_null_device_itself_is_left_out() -> None:
    source = """
    import os
    from os import devnull
    from pathlib import Path

    async def quiet(path):
        Path(os.devnull).open("rb")
        open(devnull, "w")
        os.stat("/dev/null")
        open("/dev/nullx")
        Path(os.curdir).open()
        Path(path).open()
        Path(os.devnull, "x").open()
    """
    # the last opens a path under the null device's, not the device
    assert _findings(source) == [(10, "CCL104"), (11, "CCL104"), (12, "CCL104"), (13, "CCL104")]


def test_open_of_a_descriptor_wraps_it_and_a_path_is_opened() -> None:
    source = """
    async def main(path, fd):
        open(0, "rb", closefd=False)
        open(path)
        open("0")
        open(fd)
    """
    # `fd` may hold a descriptor or a path: only a literal integer is told apart
    assert _findings(source) == [(4, "CCL104"), (5, "CCL104"), (6, "CCL104")]
