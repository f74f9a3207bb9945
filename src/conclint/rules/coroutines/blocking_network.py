"""CCL105: blocking socket calls and DNS lookups in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine

_ADDRESSES = """
            import socket

            def sort_addresses(infos):
                infos = sorted(infos, key=lambda info: info[0] != socket.AF_INET6)
                return [socket.getnameinfo(info[4], {flags})[0] for info in infos]

            async def cache_entry(cache, name, infos):
                cache[name] = sort_addresses(infos)
"""

# psycopg writes its async module and generates the sync one from it; `if True:  # ASYNC`
# keeps the sync flavour's code in the branch the async module never takes.
_FLAVOURS = """
            import asyncio
            import socket

            async def resolve(host, port):
                if {flavour}:  # ASYNC
                    loop = asyncio.get_running_loop()
                    return await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                else:
                    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
"""


# A node class that resolves only "localhost", built with a module constant (valkey).
_CLUSTER_NODE = """
import socket

default_host = "{host}"

class ClusterNode:
    def __init__(self, host, port):
        if host == "localhost":
            host = socket.gethostbyname(host)
        self.host, self.port = host, port

async def test_nodes():
    return [ClusterNode(default_host, port) for port in (7000, 7001)]
"""


class BlockingNetworkCallInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds blocking network calls of the standard `socket` module inside an `async def`:
    `socket.create_connection`, the name-resolution functions (`getaddrinfo`,
    `gethostbyname`, `gethostbyaddr`, `getfqdn`, ...) and the I/O methods of `socket.socket`
    objects (`connect`, `accept`, `recv`, `send`, `sendall`, `sendfile`, ...) and of the TLS
    sockets `SSLContext.wrap_socket()` returns (the same, and `read`, `write`,
    `do_handshake`, `unwrap`); `os.sendfile`; and the clients of other protocols: `smtplib`
    (`SMTP`, `SMTP_SSL`: `starttls`, `login`, `sendmail`, `send_message`, `quit`, ...),
    `ftplib` (`FTP`, `FTP_TLS`: `login`, `retrbinary`, `storbinary`, `nlst`, `cwd`, ...)
    and `paramiko` (`SSHClient.connect`, `exec_command`, `open_sftp`, and the `SFTPClient`
    methods `get`, `put`, `open`, `listdir`, `stat`, ..., and reads and writes of its files).

    `smtplib.SMTP(host)` and `ftplib.FTP(host)` connect at once and are reported; without a
    host (or with an empty one) they do not connect and are not, and neither is
    `wrap_socket()`, which shakes hands only on a socket that is already connected: the calls
    that follow them are reported.

    Not reported: `getaddrinfo(..., flags=socket.AI_NUMERICHOST)`, which only parses a
    numeric address, and `getnameinfo(sockaddr, socket.NI_NUMERICHOST)`, which only writes
    one back as digits; calls on a socket the module sets non-blocking (`sock.setblocking(False)`,
    `sock.settimeout(0)`, made with `SOCK_NONBLOCK`; the socket spelled the same way,
    `self._sock`, anywhere in the module); and calls inside a `try` that catches
    `BlockingIOError` or `InterruptedError`, the pattern of code written for non-blocking
    sockets (event loops' reader and writer callbacks).

    ## Why is this bad?
    A standard socket blocks the thread in `connect`, `accept` and `recv` until the peer
    answers, which may be never; a DNS lookup through the C resolver can take seconds. The
    event loop runs on that thread, so every other task waits as long.

    ## Example
    ```python
    import socket

    async def ping(host, port):
        with socket.create_connection((host, port), timeout=5) as conn:
            conn.sendall(b"PING\\r\\n")
            return conn.recv(1024)
    ```

    ## Use instead
    ```python
    import asyncio

    async def ping(host, port):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"PING\\r\\n")
        await writer.drain()
        answer = await reader.read(1024)
        writer.close()
        await writer.wait_closed()
        return answer
    ```
    In a trio module use `await trio.open_tcp_stream(host, port)`, in an anyio module
    `await anyio.connect_tcp(host, port)`. Resolve names with `await loop.getaddrinfo(...)`,
    `await trio.socket.getaddrinfo(...)` or `await anyio.getaddrinfo(...)`, and addresses
    with their `getnameinfo`. For TLS, pass
    `ssl=context` to `open_connection`, or use `trio.open_ssl_over_tcp_stream` or
    `anyio.connect_tcp(..., tls=True)`. asyncio has async clients for mail (`aiosmtplib`),
    FTP (`aioftp`) and SSH (`asyncssh`); elsewhere, run the session in a worker thread.

    ## Fix safety
    {offload_fix} The
    socket is then used from another thread, which sockets allow; streams or
    `loop.sock_recv(...)` / `sock_sendall(...)` change the socket's whole use and are left to
    you.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; entries with the category
      `"network"` are reported by this rule.

    ## References
    - [asyncio: streams](https://docs.python.org/3/library/asyncio-stream.html)
    - [asyncio: loop.getaddrinfo](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.getaddrinfo)
    - [asyncio: working with socket objects directly](https://docs.python.org/3/library/asyncio-eventloop.html#working-with-socket-objects-directly)
    - [trio.open_tcp_stream](https://trio.readthedocs.io/en/stable/reference-io.html#trio.open_tcp_stream)
    - [AnyIO: using sockets and streams](https://anyio.readthedocs.io/en/stable/networking.html)
    - [aiosmtplib](https://aiosmtplib.readthedocs.io/en/stable/)
    - [asyncssh](https://asyncssh.readthedocs.io/en/stable/)
    """

    CODE = "CCL105"
    NAME = "blocking-network-call-in-async"
    CATEGORY = Category.NETWORK
    VALID = (
        # valkey's cluster tests: the node resolves only "localhost", and the module's
        # constant, bound once, is an address.
        Valid(_CLUSTER_NODE.format(host="127.0.0.1")),
        Valid(_FLAVOURS.format(flavour="True")),
        # ESPHome's dashboard sorts the addresses mDNS gave it: numeric in, numeric out.
        Valid(
            _ADDRESSES.format(flags="socket.NI_NUMERICHOST")
        ),
        Valid(
            """
            import os
            import socket

            class Connection:
                def __init__(self, address):
                    self._sock = socket.create_connection(address)
                    self._sock.setblocking(False)

                async def push(self, data):
                    return self._sock.send(data)  # non-blocking: returns at once

                async def pull(self):
                    try:
                        return self._other.recv(4096)
                    except BlockingIOError:  # written for a non-blocking socket
                        return b""

            async def parse(address):
                return socket.getaddrinfo(address, None, flags=socket.AI_NUMERICHOST)  # no lookup
            """
        ),
        Valid(
            """
            import asyncio

            async def ping(host, port):
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(b"PING")
                await writer.drain()
                return await reader.read(1024)
            """
        ),
        Valid(
            """
            import asyncio
            import socket

            async def ping(sock: socket.socket, address):
                loop = asyncio.get_running_loop()
                sock.setblocking(False)
                await loop.sock_connect(sock, address)
                await loop.sock_sendall(sock, b"PING")
                return await loop.sock_recv(sock, 1024)
            """
        ),
        Valid(
            """
            import trio

            async def ping(host, port):
                stream = await trio.open_tcp_stream(host, port)
                await stream.send_all(b"PING")
                infos = await trio.socket.getaddrinfo(host, port)
                return await stream.receive_some(1024), infos
            """
        ),
        Valid(
            """
            import anyio

            async def ping(host, port):
                async with await anyio.connect_tcp(host, port) as stream:
                    await stream.send(b"PING")
                    return await stream.receive(), await anyio.getaddrinfo(host, port)
            """
        ),
        Valid(
            """
            import asyncio
            import socket

            async def resolve(host):
                loop = asyncio.get_running_loop()
                first = await loop.getaddrinfo(host, 443)
                second = await asyncio.to_thread(socket.gethostbyname, host)
                return first, second, socket.gethostname(), socket.inet_aton("127.0.0.1")
            """
        ),
        Valid(
            """
            import socket

            def ping(host, port):
                with socket.create_connection((host, port)) as conn:
                    conn.sendall(b"PING")
                    return conn.recv(1024)
            """
        ),
        Valid(
            """
            async def relay(connection, queue):
                connection.send(b"x")
                queue.send(await connection.recv())
            """
        ),
        Valid(
            """
            import smtplib
            import socket
            import ssl

            import aiosmtplib
            import asyncssh

            async def notify(message, host):
                await aiosmtplib.send(message, hostname="mail.example.com", start_tls=True)
                async with asyncssh.connect(host) as conn:
                    await conn.run("uptime")
                # Neither is connected yet: no handshake, no greeting.
                tls = ssl.create_default_context().wrap_socket(socket.socket(), server_hostname=host)
                return tls, smtplib.SMTP(), smtplib.SMTP(host="")
            """
        ),
    )
    INVALID = (
        # The same node given a module constant that is "localhost": resolved on the loop.
        Invalid(_CLUSTER_NODE.format(host="localhost"), line=12, message_contains=("via ClusterNode.__init__ -> socket.gethostbyname()",)),
        Invalid(
            _FLAVOURS.format(flavour="False"),
            line=9,
            message_contains=("`socket.getaddrinfo()` blocks the event loop",),
            fixed=_FLAVOURS.format(flavour="False").replace(
                "return socket.getaddrinfo(host, port,", "return await asyncio.to_thread(socket.getaddrinfo, host, port,"
            ),
        ),
        # The same helper asking for host names: a reverse lookup per address.
        Invalid(
            _ADDRESSES.format(flags="0"),
            line=8,
            message_contains=("`sort_addresses()` blocks the event loop", "socket.getnameinfo() (line 5)"),
        ),
        Invalid(
            """
            import socket

            class Connection:
                def __init__(self, address):
                    self._sock = socket.create_connection(address)

                async def push(self, data):
                    return self._sock.send(data)

            async def resolve(host):
                return socket.getaddrinfo(host, None)
            """,
            line=8,
            count=2,
            message_contains=("`self._sock.send()` blocks the event loop",),
        ),
        Invalid(
            """
            import socket

            async def ping(host, port):
                with socket.create_connection((host, port)) as conn:
                    conn.sendall(b"PING")
                    return conn.recv(1024)
            """,
            line=4,
            column=10,
            count=3,
            message_contains=("socket.create_connection()", "await asyncio.open_connection(...)"),
        ),
        Invalid(
            """
            from socket import gethostbyname as lookup

            async def address(host):
                return lookup(host)
            """,
            line=4,
            message_contains=("socket.gethostbyname()", "await loop.getaddrinfo(...)"),
        ),
        Invalid(
            """
            import trio

            async def connect(host, port):
                import socket
                sock = socket.socket()
                sock.connect((host, port))
                return sock
            """,
            line=6,
            message_contains=("sock.connect()", "await trio.open_tcp_stream(...)"),
            fixed="""
            import trio

            async def connect(host, port):
                import socket
                sock = socket.socket()
                await trio.to_thread.run_sync(sock.connect, (host, port))
                return sock
            """,
        ),
        Invalid(
            """
            import anyio
            import socket

            async def connect(host, port):
                return socket.create_connection((host, port))
            """,
            line=5,
            message_contains=("await anyio.connect_tcp(...)",),
            fixed="""
            import anyio
            import socket

            async def connect(host, port):
                return await anyio.to_thread.run_sync(socket.create_connection, (host, port))
            """,
        ),
        Invalid(
            """
            import socket

            class Server:
                def __init__(self):
                    self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

                async def serve(self):
                    while True:
                        client, _ = self.listener.accept()
                        yield client
            """,
            line=9,
            message_contains=("self.listener.accept()",),
        ),
        Invalid(
            """
            import socket

            async def resolve_all(hosts):
                return [socket.getaddrinfo(host, 443) for host in hosts]
            """,
            line=4,
        ),
        Invalid(
            """
            import ssl
            import trio

            async def fetch_banner(raw, host, request):
                context = ssl.create_default_context()
                tls = context.wrap_socket(raw, server_hostname=host)
                tls.sendall(request)
                return tls.recv(1024)
            """,
            line=7,
            count=2,
            message_contains=("tls.sendall()", "trio.open_ssl_over_tcp_stream"),
            fixed="""
            import ssl
            import trio

            async def fetch_banner(raw, host, request):
                context = ssl.create_default_context()
                tls = context.wrap_socket(raw, server_hostname=host)
                await trio.to_thread.run_sync(tls.sendall, request)
                return await trio.to_thread.run_sync(tls.recv, 1024)
            """,
        ),
        Invalid(
            """
            import smtplib

            async def notify(message):
                with smtplib.SMTP("mail.example.com", 587) as smtp:
                    smtp.starttls()
                    smtp.send_message(message)
            """,
            line=4,
            count=3,
            message_contains=("smtplib.SMTP()", "aiosmtplib"),
        ),
        Invalid(
            """
            import ftplib

            async def download(name, sink):
                ftp = ftplib.FTP_TLS("ftp.example.com")
                ftp.login()
                ftp.retrbinary(f"RETR {name}", sink.write)
            """,
            line=4,
            count=3,
            message_contains=("ftplib.FTP_TLS()", "aioftp"),
        ),
        Invalid(
            """
            import anyio
            import paramiko

            async def fetch_log(host):
                client = paramiko.SSHClient()
                client.connect(host)
                sftp = client.open_sftp()
                sftp.get("/var/log/app.log", "app.log")
            """,
            line=6,
            count=3,
            message_contains=("client.connect()", "anyio.to_thread.run_sync(client.connect, ...)"),
            fixed="""
            import anyio
            import paramiko

            async def fetch_log(host):
                client = paramiko.SSHClient()
                await anyio.to_thread.run_sync(client.connect, host)
                sftp = await anyio.to_thread.run_sync(client.open_sftp)
                await anyio.to_thread.run_sync(sftp.get, "/var/log/app.log", "app.log")
            """,
        ),
        Invalid(
            """
            import os

            async def send_file(sock, fd, size):
                os.sendfile(sock.fileno(), fd, 0, size)
            """,
            line=4,
            message_contains=("os.sendfile()", "loop.sock_sendfile"),
        ),
    )
