"""Helper chains that know which branch runs (conditions.py, branch_guards.py): a chain is not
reported through a call or a blocking call whose guard is decided false with what the caller
passes, and is reported when the guard holds or cannot be decided."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conclint.analysis.conditions import CallSite, ClassFacts, Frame, Param, class_attribute, dead, enter, set_only_by_owner
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine import lint_source, summarize_source
from conclint.project.runner import IndexOptions, check

from project_layout import app_package


def lines(source: str, code: str = "CCL1") -> list[int]:
    found = lint_source(textwrap.dedent(source).lstrip("\n"), "example.py", DEFAULT_SETTINGS)
    return sorted(d.line for d in found if d.code.startswith(code))


HELPERS = """
    import os, time

    def remove(path=None, *, force=False, mode="soft"):
        if path is None:
            return
        if force:
            os.unlink(path)
        elif mode == "hard":
            os.remove(path)

    def nap(seconds=0):
        assert seconds
        time.sleep(seconds)

    def either(flag):
        flag and time.sleep(1)

    def unless(a, b):
        if not a or not b:
            return
        time.sleep(1)

    def walk(paths=()):
        for p in paths:
            os.stat(p)

    def forward(path, force):
        remove(path, force=force)
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("remove()", False),
        ("remove('/x')", False),  # force is False, mode is "soft"
        ("remove('/x', force=True)", True),
        ("remove('/x', mode='hard')", True),
        ("remove('/x', mode=name)", True),  # undecided
        ("remove(*args)", True),  # the arguments cannot be told
        ("remove(**options)", True),
        ("nap()", False),
        ("nap(2)", True),
        ("either(False)", False),
        ("either(True)", True),
        ("unless(1, 0)", False),
        ("unless(1, 2)", True),
        ("walk()", False),
        ("walk([])", False),
        ("walk(['a'])", True),
        ("forward('/x', False)", False),  # the caller's literal decides two links down
        ("forward('/x', True)", True),
        ("forward(None, True)", False),
    ],
)
def test_guards_are_decided_with_the_callers_values(call: str, reported: bool) -> None:
    source = HELPERS + f"\n    async def handler(name, args, options):\n        {call}\n"
    assert bool(lines(source)) is reported, call


def test_isinstance_against_known_types() -> None:
    source = """
        import io

        class Upload:
            def __init__(self, fp):
                self.fp = fp if isinstance(fp, io.IOBase) else open(fp, "rb")

        async def send(data, path, anything):
            Upload(io.BytesIO(data))
            Upload(io.StringIO("x"))
            Upload(path)
            Upload("name.bin")
            Upload(anything())
        """
    assert lines(source) == [10, 11, 12]


def test_class_attributes_of_the_class_constructed() -> None:
    source = """
        from pathlib import Path

        class Widget:
            STYLE = None

            def __init__(self):
                if self.STYLE:
                    Path(self.STYLE).read_text()

        class Fancy(Widget):
            STYLE = "fancy.css"

        class Plain(Fancy):
            STYLE = None

        class Assigned(Widget):
            def configure(self, style):
                self.STYLE = style

        async def build():
            Widget()
            Fancy()
            Plain()
            Assigned()
        """
    # Fancy overrides the attribute; Assigned's methods assign it, so it is unknown there.
    assert lines(source) == [22, 24]


def test_generators_run_only_where_iterated_or_entered() -> None:
    source = """
        import contextlib

        def rows(path):
            with open(path) as fh:
                yield from fh

        @contextlib.contextmanager
        def opened(path):
            with open(path) as fh:
                yield fh

        async def use(path, sink):
            rows(path)
            sink.later = rows(path)
            for row in rows(path):
                pass
            list(rows(path))
            with opened(path):
                pass
        """
    assert lines(source) == [15, 17, 18]


def test_offloading_decorators_from_the_catalog_and_the_setting() -> None:
    source = textwrap.dedent(
        """
        import time
        from asgiref.sync import sync_to_async
        from textual import work
        import mylib

        @sync_to_async
        def a():
            time.sleep(1)

        @work(thread=True)
        def b():
            time.sleep(1)

        @work
        def c():
            time.sleep(1)

        @mylib.in_thread
        def d():
            time.sleep(1)

        @work(exclusive=True, thread=True)
        def e():
            time.sleep(1)

        @work(exclusive=True, thread=False)
        def f():
            time.sleep(1)

        async def main():
            await a()
            b()
            c()
            d()
            e()  # other flags beside thread=True: still a thread worker (textual's weather05)
            f()
        """
    )
    default = [d.line for d in lint_source(source, "x.py", DEFAULT_SETTINGS)]
    assert default == [34, 35, 37]
    configured = DEFAULT_SETTINGS.__class__(offload_decorators=("mylib.in_thread",))
    assert [d.line for d in lint_source(source, "x.py", configured)] == [34, 37]


def test_a_memoized_function_of_no_arguments_runs_once() -> None:
    source = textwrap.dedent(
        """
        import functools
        from functools import lru_cache
        from pathlib import Path

        @lru_cache(maxsize=None)
        def settings():
            return Path("settings.toml").read_text()

        @functools.lru_cache
        def template(name):
            return Path(name).read_text()

        @functools.cache
        def wrapped():
            return template("page.html")

        class Site:
            @functools.cache
            def index(self):
                return Path("index.html").read_text()

        @functools.wraps(settings)
        def copied():
            return Path("copy.toml").read_text()

        async def main(site: Site):
            settings()
            wrapped()
            template("page.html")
            site.index()
            copied()
        """
    )
    # Per argument and per instance, a cache still reads at each new key.
    assert [d.line for d in lint_source(source, "x.py", DEFAULT_SETTINGS)] == [30, 31, 32]


def test_conditions_move_up_across_modules(tmp_path: Path) -> None:
    files = """
        import os

        class Store:
            ROOT = None

            def __init__(self, path=None):
                self.clear(path)

            def clear(self, path):
                if path is not None and self.ROOT:
                    os.unlink(path)

        class Local(Store):
            ROOT = "/srv"

        def cleanup(sock_path=None):
            if sock_path is None:
                return
            os.unlink(sock_path)
        """
    api = """
        from app.files import cleanup, Local, Store

        async def stop():
            cleanup()
            cleanup("/run/x.sock")
            Store("/srv/a")
            Local()
            Local("/srv/b")
        """
    package = app_package(tmp_path, {"files.py": files, "api.py": api})
    result = check([str(package)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    # The source starts with a blank line: cleanup("/run/x.sock") is line 6, Local("/srv/b") 9.
    assert [(Path(d.path).name, d.line) for d in result.diagnostics] == [("api.py", 6), ("api.py", 9)]


def test_one_finding_per_call_site_naming_the_other_categories() -> None:
    source = """
        import time

        def both(path):
            time.sleep(1)
            return open(path).read()

        async def main(path):
            both(path)
        """
    found = lint_source(textwrap.dedent(source), "x.py", DEFAULT_SETTINGS)
    assert [(d.line, d.code) for d in found] == [(9, "CCL101")]
    assert "both -> time.sleep() (line 5); it also calls " in found[0].message
    only_files = DEFAULT_SETTINGS.__class__(select=("CCL104",))
    assert [(d.line, d.code) for d in lint_source(textwrap.dedent(source), "x.py", only_files)] == [(9, "CCL104")]


def test_summaries_with_guards_round_trip_through_json() -> None:
    summary = summarize_source(textwrap.dedent(HELPERS), DEFAULT_SETTINGS)
    again = type(summary).from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again == summary
    remove = again.functions["remove"]
    assert remove.params == (
        Param("path", "p", True, ("c", None)),
        Param("force", "k", True, ("c", False)),
        Param("mode", "k", True, ("c", "soft")),
    )
    assert remove.blocking[0].guard == (("none", ("p", "path"), None, False), ("truthy", ("p", "force"), None, True))


def test_undecided_and_mismatched_values_keep_the_call() -> None:
    def attribute(class_name: str, name: str) -> None:
        return None

    params = (Param("x", "p", True, ("c", None)),)
    frame = enter(params, "", CallSite("f", args=(("t", "builtins.list", None),)), Frame(()), attribute)
    assert not dead((("truthy", ("p", "x"), None, True),), frame, attribute)  # a list of unknown length
    assert dead((("none", ("p", "x"), None, True),), frame, attribute)  # but not None
    frame = enter(params, "", CallSite("f", args=(("c", 1),)), Frame(()), attribute)
    assert not dead((("eq", ("p", "x"), True, True),), frame, attribute)  # 1 == True in Python
    assert not dead((("isinstance", ("p", "x"), ("collections.abc.Hashable",), True),), frame, attribute)  # an ABC may claim it
    assert dead((("isinstance", ("p", "x"), ("os.PathLike",), True),), frame, attribute)  # but no int has __fspath__


def test_class_attribute_lookup_stops_at_unknown_bases() -> None:
    classes = {
        "A": ClassFacts(("B",), {"X": ("c", None)}, frozenset()),
        "B": ClassFacts(("pkg.Unknown",), {}, frozenset()),
        "C": ClassFacts(("builtins.object",), {"X": ("c", 1)}, frozenset({"Y"})),
    }
    assert class_attribute(classes.get, "A", "X") is None  # pkg.Unknown might assign it
    assert class_attribute(classes.get, "C", "X") == ("c", 1)
    assert class_attribute(classes.get, "C", "Y") is None


def test_a_chain_from_a_coroutine_knows_a_loop_runs() -> None:
    source = """
        import asyncio
        import contextlib
        import threading

        def running_loop():
            with contextlib.suppress(RuntimeError):
                return asyncio.get_running_loop()
            return None

        def start(make):
            loop = running_loop()
            if loop is not None:
                return
            threading.Event().wait()

        def start_if_missing():
            loop = make_loop()
            if loop:
                return
            threading.Event().wait()

        async def main(make_loop):
            start(None)
            start_if_missing()
        """
    # make_loop() is not known to return the running loop: its test stays undecided.
    assert lines(source) == [24]


def test_scans_that_break_are_not_numeric_work() -> None:
    source = """
        def first_divisor(n):
            for i in range(2, 10**6):
                if n % i == 0:
                    break
            return i

        def total(n):
            t = 0
            for i in range(10**6):
                t += i * n
            return t

        async def main(n):
            return first_divisor(n), total(n)
        """
    assert lines(source, "CCL202") == [14]


GLOBALS = """
    import threading, time

    _options = None
    _lock = threading.RLock()
    _closed = False
    _conn = None

    def get_options(force=False):
        global _options
        with _lock:
            if _options and not force:
                return _options
            time.sleep(1)  # loading, once per process
            _options = {}
        return _options

    def close():
        global _closed
        if not _closed:
            time.sleep(1)
        _closed = True

    def stop():
        global _conn
        if _conn is not None:
            time.sleep(1)
            _conn = None

    def unrelated(flag):
        global _conn
        if flag and _conn:
            return
        time.sleep(1)

    def copied():
        global _options
        options = _options
        if options is not None:
            return options
        time.sleep(1)  # loading, once per process
        _options = options = {}
        return options

    def recopied():
        global _options
        options = _options
        options = dict(options or {})
        if options:
            return options
        time.sleep(1)
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("get_options()", False),  # lazy set-up of a module global: done once, taken as done
        ("get_options(force=True)", True),  # forced: the loading runs again
        ("close()", False),  # runs only while the flag it sets is unset
        ("stop()", True),  # runs while the global is set
        ("unrelated(False)", True),  # the global decides nothing when `flag` is false
        ("unrelated(True)", False),  # with the global taken as set, it returns first
        ("copied()", False),  # tested through a local copy: double-checked set-up
        ("recopied()", True),  # the local tested is no longer the copy
    ],
)
def test_module_globals_the_helper_sets_are_taken_as_set_up(call: str, reported: bool) -> None:
    source = GLOBALS + f"""
    async def handler():
        {call}
    """
    assert bool(lines(source, "CCL101")) == reported


def test_alternatives_on_a_module_global_round_trip_through_json() -> None:
    summary = summarize_source(textwrap.dedent(GLOBALS), DEFAULT_SETTINGS)
    again = type(summary).from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again == summary
    (sleep,) = [e for e in again.functions["get_options"].blocking if e.category == "sleep"]
    assert sleep.guard == (("any", None, (("truthy", ("g", "_options"), None, False), ("truthy", ("p", "force"), None, True)), True),)


KEPT = """
    import time

    class Client:
        _instance = None

        def __new__(cls):
            if cls._instance is None:
                cls._instance = super().__new__(cls)
            return cls._instance

        def connect(self):
            if self._conn is None:
                time.sleep(1)  # connecting, once for the one client
                self._conn = object()
            return self._conn

        def pause(self):
            if self.busy:
                time.sleep(1)  # the method does not set `busy`: any call may wait

    class Fresh:
        def connect(self):
            if self._conn is None:
                time.sleep(1)  # every new object connects
                self._conn = object()
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("Client().connect()", False),  # the one kept instance, set up at its first use
        ("Client().pause()", True),
        ("Fresh().connect()", True),
    ],
)
def test_attributes_a_method_sets_on_a_kept_instance_are_taken_as_set_up(call: str, reported: bool) -> None:
    source = KEPT + f"""
    async def handler():
        {call}
    """
    assert bool(lines(source, "CCL101")) == reported


def test_a_kept_instance_is_set_up_across_modules_of_the_project(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "client.py").write_text(textwrap.dedent(KEPT))
    (tmp_path / "pkg" / "app.py").write_text(
        "from pkg.client import Client, Fresh\n\nasync def kept():\n    Client().connect()\n\nasync def fresh():\n    Fresh().connect()\n"
    )
    report = check([str(tmp_path)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert [(Path(d.path).name, d.line, d.code) for d in report.diagnostics] == [("app.py", 7, "CCL101")]


def test_stream_calls_of_a_parameter_given_an_in_memory_stream_do_not_block() -> None:
    source = """
    from io import BytesIO, StringIO
    from typing import IO

    def checksum(file: IO[bytes]) -> int:
        return len(file.read())

    async def downloaded(body, path, stream):
        buf = BytesIO(body)
        checksum(buf)
        checksum(BytesIO(body))
        checksum(StringIO("x"))
        checksum(stream)
        other = BytesIO(body)
        other = open(path, "rb")
        checksum(other)
    """
    assert lines(source, "CCL104") == [12, 14, 15]  # unknown, the open, the file opened


def test_a_parameter_rebound_after_its_test_is_still_the_callers_value_there() -> None:
    source = """
    import requests

    def fetch(url):
        return requests.get(url).text

    class Page:
        def __init__(self, title, article=None):
            if article is not None:
                article = fetch(article)
            self.article = article

    def again(article=None):
        article = article or "https://example.com"
        if article is not None:
            fetch(article)

    async def build():
        Page("home")
        Page("home", "https://example.com/a.md")
        again()
    """
    assert lines(source, "CCL102") == [19, 20]  # the URL passed; a test after the rebinding


DATA_URIS = """
import urllib.request

def checked(uri):
    if not uri.startswith("data:"):
        return None
    return urllib.request.urlopen(uri).read()

def checked_late(uri):
    body = urllib.request.urlopen(uri).read()
    if not uri.startswith("data:"):
        raise ValueError(uri)
    return body

def rebound(uri):
    if not uri.startswith("data:"):
        raise ValueError(uri)
    uri = uri.replace("data:", "https:")
    return urllib.request.urlopen(uri).read()

def decoded(value):
    if value.startswith("data:"):
        return urllib.request.urlopen(value).read()
    return urllib.request.urlopen("https://example.com/" + value).read()

async def handler(uri):
    urllib.request.urlopen("data:text/plain,hello").read()
    checked(uri)
    checked_late(uri)
    rebound(uri)
    urllib.request.urlopen("https://example.com")
    decoded(uri)
"""


def test_urlopen_of_a_data_uri_reads_memory() -> None:
    # only the open after the check, or in its branch (agno's `_decode_base64`), of the
    # name as the caller passed it, is a data URI; `decoded` opens another URL too
    assert lines(DATA_URIS, "CCL102") == [28, 29, 30, 31]
    only_branch = DATA_URIS.replace('    return urllib.request.urlopen("https://example.com/" + value).read()\n', "    return None\n")
    assert lines(only_branch, "CCL102") == [28, 29, 30]


STORED = """
import time

class Stored:
    def __init__(self, wait=False, other=False):
        self.wait = wait
        if self.wait:
            time.sleep(1)  # decided by what the caller passes
        self.other = other
        self.other = not other
        if self.other:
            time.sleep(1)  # assigned twice: unknown

class Early:
    def __init__(self, wait=False):
        if self.wait:
            time.sleep(1)  # read before it is stored: a class attribute or a subclass's
        self.wait = wait

class Reset:
    def __init__(self, wait=False):
        self.wait = wait
        if self.wait:
            time.sleep(1)

    def force(self):
        self.wait = True
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("Stored()", True),  # `self.other` is assigned twice in `__init__`
        ("Stored(other=None)", True),
        ("Early()", True),
        ("Reset()", True),  # another method assigns `self.wait`
    ],
)
def test_a_parameter_stored_in_self_is_tested_as_the_caller_passed_it(call: str, reported: bool) -> None:
    source = STORED + f"""
    async def handler():
        {call}
    """
    assert bool(lines(source, "CCL101")) == reported


def test_a_parameter_stored_in_self_decides_the_test_that_follows() -> None:
    source = STORED.replace("        self.other = not other\n", "") + """
    async def handler():
        Stored()
        Stored(wait=True)
    """
    assert lines(source, "CCL101") == [29]  # `Stored(wait=True)`


def test_a_new_that_may_return_a_fresh_object_keeps_no_instance() -> None:
    source = """
    import time

    class Client:
        _instance = None

        def __new__(cls, shared=True):
            if not shared:
                return super().__new__(cls)
            if cls._instance is None:
                cls._instance = super().__new__(cls)
            return cls._instance

        def connect(self):
            if self._conn is None:
                time.sleep(1)
                self._conn = object()

    async def handler():
        Client(shared=False).connect()
    """
    assert lines(source, "CCL101") == [19]


def test_a_get_in_the_block_of_a_test_that_the_queue_is_not_empty_returns_at_once() -> None:
    source = textwrap.dedent(
        """
        import multiprocessing
        import queue

        class Actor:
            def __init__(self):
                self.queue = queue.Queue()
                self.results = multiprocessing.Queue()

            async def drain(self, ready):
                items = []
                while not self.queue.empty():
                    items.append(self.queue.get())
                if ready and not self.queue.empty():
                    items.append(self.queue.get())
                return items

            async def process(self, handle, other):
                while not self.queue.empty():
                    await handle(None)
                    handle(self.queue.get())
                if not other.empty():
                    self.queue.get()
                if not self.queue.empty():
                    pass
                else:
                    self.queue.get()
                while not self.results.empty():
                    self.results.get()
        """
    )
    # An await before it, another queue tested, the else branch, a multiprocessing queue.
    assert [d.line for d in lint_source(source, "x.py", DEFAULT_SETTINGS)] == [21, 23, 27, 29]


FIXED_ATTRIBUTES = """
    import os, threading

    class Buffer:
        def __init__(self):
            self.cond = threading.Condition()

        def close(self):
            with self.cond:
                self.cond.notify_all()

    class Decoder:
        def __init__(self, kind, path=None):
            self._inline = kind == "wav"
            self._path = path
            self._mode = kind
            self._buffer = Buffer()

        def close(self):
            if self._inline:
                return
            self._buffer.close()

        def save(self):
            if self._path is None:
                return
            os.remove(self._path)

        def switch(self):
            if not self._mode:
                return
            os.remove("mode")

        async def aclose(self):
            if self._inline:
                self.close()  # decided: the call returns before the buffer
                return
            self.close()  # reported: the buffer's condition is waited for
            if not self._path:
                self.save()  # reported: a path that is not true may be "", which is not None
            if self._path is None:
                self.save()  # decided through "none"
            if not self._mode:
                self._mode = "mp3"
                self.switch()  # reported: aclose sets the mode, so what it tested no longer holds

        async def other(self, decoder: "Decoder"):
            if self._inline:
                decoder.close()  # reported: another object's attribute is not known
"""


def test_a_test_of_an_attribute_only_init_sets_holds_in_the_methods_called_on_the_same_self() -> None:
    # `_mode` is set again by aclose: what aclose tested of it may not hold in switch().
    assert lines(FIXED_ATTRIBUTES) == [37, 39, 44, 48]


def test_an_attribute_set_outside_init_or_by_setattr_is_not_carried() -> None:
    reassigned = FIXED_ATTRIBUTES.replace('            self._buffer = Buffer()\n', '            self._buffer = Buffer()\n\n        def reset(self):\n            self._inline = False\n')
    assert lines(reassigned) == [38, 40, 42, 47, 51]
    anything = FIXED_ATTRIBUTES.replace(
        "            self._buffer = Buffer()\n", "            self._buffer = Buffer()\n\n        def configure(self, name):\n            setattr(self, name, 1)\n"
    )
    assert lines(anything) == [38, 40, 42, 44, 47, 51]  # no attribute is fixed: `self._path is None` too


def test_known_literals_round_trip_and_imply_the_other_test() -> None:
    site = CallSite("Decoder.close", (("truthy", ("a", "_inline"), None, True),), bound=True, on_self=True, known=(("truthy", ("a", "_inline"), None, True),))
    assert CallSite.from_list(json.loads(json.dumps(site.as_list()))) == site

    def attribute(class_name: str, name: str) -> None:
        return None

    frame = enter(None, "self", site, Frame(()), attribute)
    assert frame.known == site.known
    assert dead((("truthy", ("a", "_inline"), None, False),), frame, attribute)
    assert not dead((("none", ("a", "_inline"), None, False),), frame, attribute)  # true: not None
    assert dead((("none", ("a", "_inline"), None, True),), frame, attribute)
    assert not dead((("truthy", ("a", "other"), None, False),), frame, attribute)
    # A call on another receiver starts with nothing known, and passes nothing on.
    assert enter(None, "self", site._replace(on_self=False), frame, attribute).known == ()
    inner = enter(None, "self", CallSite("Decoder.save", bound=True, on_self=True), frame, attribute)
    assert inner.known == site.known


def test_code_after_a_call_that_ends_the_process_never_runs() -> None:
    source = """
        import os, signal, sys, time

        def crash(sig):
            os.kill(os.getpid(), sig)
            time.sleep(10)

        def leave(code):
            if code:
                sys.exit(code)
                time.sleep(1)
            os._exit(0)
            time.sleep(2)

        def stop(pid):
            os.kill(pid, signal.SIGTERM)
            time.sleep(1)

        async def tick(pid):
            crash(signal.SIGKILL)
            leave(1)
            stop(pid)
            exit()
            time.sleep(3)
        """
    assert lines(source) == [21]  # stop() signals another process, then waits


DERIVED = """
    from pathlib import Path

    class Tools:
        def __init__(self, save=False, directory=None, strict=True):
            self.save = save or (directory is not None)
            self.lenient = not strict
            if self.save:
                self.output = Path.cwd().resolve()
            if self.lenient:
                Path("lenient").mkdir()
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("Tools()", False),  # neither alternative of `save or directory is not None` holds
        ("Tools(save=True)", True),
        ("Tools(directory='out')", True),
        ("Tools(save=flag)", True),  # undecided
        ("Tools(strict=False)", True),  # `self.lenient = not strict`
    ],
)
def test_a_test_the_method_stored_in_self_is_tested_as_the_caller_passed_it(call: str, reported: bool) -> None:
    """agno's SlackTools: `self.save_downloads = save_downloads or (output_directory is not
    None)`, then `if self.save_downloads:` resolves the download directory."""
    source = DERIVED + f"""
    async def handler(flag):
        {call}
    """
    assert bool(lines(source, "CCL104")) == reported


NOT_NONE = """
    from pathlib import Path

    class Store:
        def __init__(self, db=None, url=None):
            if db is not None:
                self.db = db
            else:
                Path(url).parent.mkdir()

    def wrap(source):
        if hasattr(source, "engine"):
            return Store(db=source)

    def checked(source):
        if source:
            return Store(db=source)

    def typed(source):
        if isinstance(source, bytes):
            return Store(db=source)

    def plain(source):
        return Store(db=source)

    def named(source):
        if isinstance(source, str):
            Path(source).mkdir()

    def named_if_given(source):
        if source:
            named(source)
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("wrap(source)", False),  # `hasattr(source, ...)`: None has no such attribute
        ("checked(source)", False),
        ("typed(source)", False),
        ("plain(source)", True),
        ("wrap(None)", False),
        ("named_if_given(source)", True),  # not None says nothing of its type
    ],
)
def test_a_parameter_passed_on_under_a_test_that_none_fails_is_not_none(call: str, reported: bool) -> None:
    """agno's `_as_backend`: `if hasattr(source, "db_engine"): return DbFileSystem(db=source)`,
    whose `else` branch (no db given) makes the database file's directory."""
    source = NOT_NONE + f"""
    async def handler(source):
        {call}
    """
    assert bool(lines(source, "CCL104")) == reported


SPREAD = """
    from pathlib import Path

    def image(path=None, data=None):
        if path is not None:
            with open(path, "rb") as f:
                data = f.read()
        return data

    def prompt(*items, role="user"):
        for item in items:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Path):
                yield image(path=item)

    def user(*items):
        return list(prompt(*items, role="user"))

    def first(head, *items):
        return list(prompt(*items))

    def rebound(*items):
        items = [Path(i) for i in items]
        for item in items:
            if isinstance(item, Path):
                image(path=item)
"""


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ('user("hello")', False),  # each element is a string: the `Path` branch never runs
        ('user(f"hi {name}", "there")', False),  # two strings: one type, decided
        ('first(Path("a.png"), "text")', False),  # the first argument is not spread
        ('user("x", Path("a.png"))', True),  # a path among them: its branch runs
        ("user(name)", True),  # unknown
        ('user(*names)', True),  # what is spread there is unknown
        ('user("x", None)', True),  # no one type
        ('rebound("a.png")', True),  # `items` rebound: its elements are no longer the arguments
        ('first("text")', True),  # nothing spread: the loop's variable is unknown
    ],
)
def test_the_variable_of_a_loop_over_args_is_one_of_the_arguments_spread_there(call: str, reported: bool) -> None:
    """fast-agent's `Prompt.user("text")`: `for item in content_items:` reads a file only for
    an item that is a `Path`, through `User(*content_items)` and `MCPPrompt(*content_items)`."""
    source = SPREAD + f"""
    async def handler(name, names):
        {call}
    """
    assert bool(lines(source, "CCL104")) == reported


def test_arguments_spread_on_are_known_across_modules(tmp_path: Path) -> None:
    api = """
        from pathlib import Path
        from app.content import user

        async def reply():
            user("hello")
            user("x", Path("a.png"))
    """
    package = app_package(tmp_path, {"content.py": SPREAD, "api.py": api})
    for run in (1, 2):  # the second run reads the summaries back from the store
        result = check([str(package)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(str(tmp_path / "store"), run))
        assert not result.errors
        assert [(Path(d.path).name, d.line) for d in result.diagnostics] == [("api.py", 7)]



def test_a_function_defined_under_a_test_of_an_annotated_parameter_passes_it_on_as_tested(tmp_path: Path) -> None:
    # weaviate-client: `colour: executor.Colour` (a type of another module) is "async" inside
    # the coroutine defined under `if colour == "async":`, more than its annotation tells.
    executor = """
        from typing import Literal

        Colour = Literal["async", "sync"]
        """
    auth = """
        import httpx

        def use(url, colour):
            if colour == "async":
                return None
            return httpx.get(url)
        """
    client = """
        from app import auth, executor

        def connect(url, colour: executor.Colour):
            if colour == "async":

                async def execute():
                    return auth.use(url, colour)

                return execute()
            if colour != "async":

                async def fetch():
                    return auth.use(url, colour)

                return fetch()
        """
    package = app_package(tmp_path, {"executor.py": executor, "auth.py": auth, "client.py": client})
    result = check([str(package)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    # Only the coroutine defined where the colour is not "async" reaches httpx.get.
    assert [(Path(d.path).name, d.line, d.code) for d in result.diagnostics] == [("client.py", 14, "CCL102")]


BUILT = """
    class Journal:
        def __init__(self, log_file=None, verbose=True):
            self.log_file = log_file
            self.verbose = verbose

        def write(self, message):
            if self.log_file:
                with open(self.log_file, "a") as f:
                    f.write(message)

        def note(self, message):
            if self.verbose:
                print(message)
            self.write(message)

    quiet = Journal(verbose=False)
    keeping = Journal("run.log")

    async def module_level():
        quiet.note("a")  # decided: the default None is stored in log_file
        keeping.note("b")  # reported

    async def local(path):
        mine = Journal()
        mine.note("c")  # decided
        mine = Journal(path)
        mine.note("d")  # reported: the path is not a constant
        given = Journal(log_file="x.log")
        given.note("e")  # reported
"""


def test_a_receiver_built_with_constants_holds_what_init_stored_from_them() -> None:
    assert lines(BUILT, "CCL104") == [21, 27, 29]


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        # Another method sets the attribute: the stored value may be gone.
        ("        def reopen(self, path):\n            self.log_file = path\n\n", [20, 21, 25, 27, 29]),
        # `__init__` sets it again (or only under a test): not a plain store.
        ("        def _unused(self):\n            pass\n\n", [21, 27, 29]),
    ],
)
def test_a_store_another_method_may_change_is_not_carried(change: str, reported: list[int]) -> None:
    source = BUILT.replace("        def write(self, message):\n", change + "        def write(self, message):\n")
    shift = change.count("\n")
    assert lines(source, "CCL104") == [line + shift if line > 6 else line for line in reported]


def test_a_store_under_a_test_or_of_a_rebound_parameter_is_not_carried() -> None:
    guarded = BUILT.replace("            self.log_file = log_file\n", "            if verbose:\n                self.log_file = log_file\n")
    assert lines(guarded, "CCL104") == [21, 22, 26, 28, 30]
    rebound = BUILT.replace("            self.log_file = log_file\n", "            log_file = log_file or None\n            self.log_file = log_file\n")
    assert lines(rebound, "CCL104") == [21, 22, 26, 28, 30]
    twice = BUILT.replace("            self.verbose = verbose\n", "            self.verbose = verbose\n            if verbose:\n                self.log_file = 'v.log'\n")
    assert lines(twice, "CCL104") == [22, 23, 27, 29, 31]


def test_a_method_called_on_the_construction_itself_sees_what_init_stored() -> None:
    # llama-stack's `RefreshableBotoSession(region_name=...).refreshable_session()`.
    chained = BUILT + """
    async def chained(path):
        Journal(verbose=False).note("f")  # decided
        Journal(path).note("g")  # reported
"""
    assert lines(chained, "CCL104") == [21, 27, 29, 33]


def test_a_module_name_bound_twice_is_not_known() -> None:
    twice = BUILT.replace('    keeping = Journal("run.log")\n', '    keeping = Journal("run.log")\n    quiet = Journal("other.log")\n')
    assert lines(twice, "CCL104") == [21, 22, 28, 30]
    # A subclass of the module setting the attribute: the module's stores are told by the
    # attribute's name, so no construction of the module fixes it any more.
    subclass = BUILT.replace(
        "    quiet = Journal(verbose=False)\n",
        "    class Rotating(Journal):\n        def rotate(self):\n            self.log_file = 'next.log'\n\n    quiet = Rotating(verbose=False)\n",
    )
    assert lines(subclass, "CCL104") == [24, 25, 29, 31, 33]


def test_built_receivers_and_stores_round_trip_through_json() -> None:
    summary = summarize_source(textwrap.dedent(BUILT), DEFAULT_SETTINGS)
    again = type(summary).from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again == summary
    assert again.functions["Journal.__init__"].stores == (("log_file", "log_file"), ("verbose", "verbose"))
    note = next(site for site in again.functions["module_level"].sites if site.built)
    assert note.built == ("<local>.Journal", (), (("verbose", ("c", False)),))


def test_a_receiver_built_from_a_class_of_another_module_is_known_across_modules(tmp_path: Path) -> None:
    journal = BUILT.split("    quiet =")[0]
    api = """
        from app.journal import Journal

        journal = Journal(verbose=True)
        keeping = Journal("run.log")

        async def migrate():
            journal.note("start")
            keeping.note("start")
        """
    package = app_package(tmp_path, {"journal.py": journal, "api.py": api})
    result = check([str(package)], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    assert not result.errors
    assert [(Path(d.path).name, d.line) for d in result.diagnostics] == [("api.py", 9)]


def test_a_stored_attribute_holds_unless_a_class_along_the_bases_assigns_it() -> None:
    classes = {
        "app.Journal": ClassFacts((), {}, frozenset({"log_file"})),  # its __init__ stores it
        "app.Rotating": ClassFacts(("app.Journal",), {}, frozenset({"log_file"})),
        "app.Quiet": ClassFacts(("app.Journal",), {}, frozenset({"muted"})),
        "app.Mixed": ClassFacts(("app.Journal", "lib.Base"), {}, frozenset()),
    }
    assert set_only_by_owner(classes.get, "app.Journal", "app.Journal", "log_file")
    assert set_only_by_owner(classes.get, "app.Quiet", "app.Journal", "log_file")
    assert not set_only_by_owner(classes.get, "app.Rotating", "app.Journal", "log_file")
    assert not set_only_by_owner(classes.get, "app.Mixed", "app.Journal", "log_file")  # a base out of sight


ATTRIBUTE_BUILT = """
    class Conversation:
        def __init__(self, name="", memory_md_path=None):
            self.name = name
            self.memory_md_path = memory_md_path
            self.history = []

        def add(self, role, content):
            self.history.append((role, content))
            if self.memory_md_path:
                with open(self.memory_md_path, "a") as f:
                    f.write(content)

    class GroupChat:
        def __init__(self, name, path):
            self.conversation = Conversation(name=name)
            self.archive = Conversation(memory_md_path=path)
            self.journal = Conversation()

        def reset(self):
            self.journal = Conversation(memory_md_path="journal.md")

        def _post(self, content):
            self.conversation.add("user", content)

        async def run(self, task):
            self._post(task)  # decided: every assignment of `conversation` keeps no file
            self.conversation.add("user", task)  # decided
            self.archive.add("user", task)  # reported: the path is not a constant
            self.journal.add("user", task)  # reported: reset() makes one with a file
"""


def test_an_attribute_every_assignment_of_which_builds_the_same_object_holds_its_stores() -> None:
    assert lines(ATTRIBUTE_BUILT, "CCL104") == [28, 29]
    # Set to something else anywhere in the module, or by `setattr`: unknown.
    elsewhere = ATTRIBUTE_BUILT.replace("        def reset(self):\n", "        def adopt(self, other):\n            self.conversation = other\n\n        def reset(self):\n")
    assert lines(elsewhere, "CCL104") == [29, 30, 31, 32]
    anything = ATTRIBUTE_BUILT.replace("        def reset(self):\n", "        def load(self, key, value):\n            setattr(self, key, value)\n\n        def reset(self):\n")
    assert lines(anything, "CCL104") == [29, 30, 31, 32]


@pytest.mark.parametrize(
    ("probe", "handler", "reported"),
    [
        ("loop = asyncio.get_running_loop()", "except RuntimeError:", False),
        ("asyncio.get_event_loop().create_task(work())", "except RuntimeError as error:", False),
        ("loop = asyncio.get_running_loop()", "except Exception:", True),  # may be anything else
        ("prepare()", "except RuntimeError:", True),  # no loop asked for first
    ],
)
def test_the_no_running_loop_fallback_never_runs_in_a_chain_from_a_coroutine(probe: str, handler: str, reported: bool) -> None:
    source = f"""
        import asyncio, time

        async def work():
            pass

        def prepare():
            pass

        def close():
            try:
                {probe}
            {handler}
                time.sleep(1)

        async def main():
            close()
        """
    assert bool(lines(source, "CCL101")) == reported


def test_a_built_receiver_whose_attributes_the_module_sets_is_not_known() -> None:
    changed = BUILT.replace('    keeping = Journal("run.log")\n', '    keeping = Journal("run.log")\n    quiet.log_file = "quiet.log"\n')
    assert lines(changed, "CCL104") == [21, 22, 28, 30]
    local = BUILT.replace('        mine.note("c")  # decided\n', '        setattr(mine, "log_file", path)\n        mine.note("c")  # decided\n')
    assert lines(local, "CCL104") == [21, 26, 28, 30]


LOOP_EXIT = """
    from pathlib import Path

    def initialize(paths, load=False):
        for path in paths:
            if not load:
                {leave}
            Path(path).resolve()

    async def default():
        initialize(["a.py"])

    async def loading():
        initialize(["a.py"], load=True)
"""


@pytest.mark.parametrize("leave", ["continue", "break", "return"])
def test_what_follows_an_if_that_leaves_the_round_runs_only_when_its_test_fails(leave: str) -> None:
    # strands-agents' `initialize_tools`: `if not load_tools_from_directory: continue`.
    assert lines(LOOP_EXIT.format(leave=leave), "CCL104") == [13]


def test_a_round_left_under_a_test_of_the_item_keeps_what_follows() -> None:
    source = LOOP_EXIT.format(leave="continue").replace("if not load:", "if not path.endswith('.py'):")
    assert lines(source, "CCL104") == [10, 13]


def test_a_module_constant_bound_once_is_what_a_call_passes() -> None:
    """valkey's cluster tests pass `default_host = "127.0.0.1"` to a node that resolves only
    "localhost": the constant decides the test. A parameter or local of the same name, a
    constant bound twice or rebound through `global`, decides nothing."""
    source = """
        import socket

        HOST = "127.0.0.1"
        LOCAL = "localhost"
        TWICE = "127.0.0.1"
        TWICE = "localhost"
        SET_LATER = "127.0.0.1"

        def configure():
            global SET_LATER
            SET_LATER = "localhost"

        def node(host):
            if host == "localhost":
                return socket.gethostbyname(host)
            return host

        async def run(other, HOST=HOST):
            node(HOST)
            node(LOCAL)
            node(TWICE)
            node(SET_LATER)

        async def fixed():
            node(HOST)
    """
    assert lines(source) == [19, 20, 21, 22]


def test_an_early_return_in_a_with_block_guards_what_follows_the_block() -> None:
    """pyrate-limiter's `_try_acquire`: `with self._lock: ... if _force_async: return ...`,
    then the sync wait after the block, which the async caller never reaches. A manager that
    may swallow an exception (`contextlib.suppress`) lets what follows run without the test."""
    source = """
        import contextlib, threading, time

        lock = threading.Lock()

        def acquire(force_async=False):
            with lock:
                if force_async:
                    return None
            time.sleep(1)

        def quietly(force_async=False):
            with contextlib.suppress(ValueError):
                if force_async:
                    return None
            time.sleep(1)

        async def run():
            acquire(force_async=True)
            quietly(force_async=True)
            acquire()
    """
    assert lines(source) == [19, 20]


def test_a_context_variable_its_module_sets_at_import_is_set_in_a_coroutine() -> None:
    """flytekit's `current_context()` sets up its context variable only `if not
    flyte_context_Var.get()`, and the module calls `initialize()` at import: every task
    starts from a copy of a context where it is set. A variable only a later call sets
    stays undecided."""
    source = """
        import pathlib
        from contextvars import ContextVar

        context_var = ContextVar("context", default=[])
        other_var = ContextVar("other", default=[])

        class Manager:
            @staticmethod
            def current():
                if not context_var.get():
                    Manager.initialize()
                return context_var.get()[-1]

            @staticmethod
            def initialize():
                pathlib.Path("space").mkdir(exist_ok=True)
                context_var.set([object()])

            @staticmethod
            def other():
                if other_var.get() == []:
                    pathlib.Path("space").mkdir(exist_ok=True)
                    other_var.set([1])
                return other_var.get()

        async def run():
            Manager.current()
            Manager.other()

        Manager.initialize()
    """
    assert lines(source) == [28]


def test_a_default_naming_a_module_literal_is_that_literal() -> None:
    """seleniumbase's `Config(browser_executable_path=AUTO)` with `AUTO = None`: `Config()`
    never takes the `== "_chromium_"` branch that downloads a browser. A name bound twice
    tells nothing."""
    source = """
        import time

        AUTO = None
        TWICE = None
        TWICE = "_chromium_"

        def config(path=AUTO, other=TWICE):
            if path == "_chromium_":
                time.sleep(1)
            if other == "_chromium_":
                time.sleep(2)

        async def run():
            config(other="chrome")
            config(path="chrome")
    """
    assert lines(source) == [15]
