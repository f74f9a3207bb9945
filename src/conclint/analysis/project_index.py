"""The project index: which file holds which module, and the function summaries of the
modules a lint needs, read on demand.

A coroutine in `app/api.py` that calls `load_config()` imported from `app/config.py` blocks
when `load_config` does. The engine sees one file; this index finds `app.config` on disk
(packages, `src/` layouts, scripts next to each other), summarizes it, follows its own calls
and imports (`from .io import read` re-exported by a package's `__init__`), and answers with
summaries whose names are absolute (`app.config.load_config`), so the joins of
`conclint.analysis.summaries` run over many modules as over one.

Files are read only when a chain of calls leads to them, so linting one file of a package
gives the same findings as linting the whole package, and a pre-commit hook given a few
changed files still follows their helpers. Modules outside the project (the standard library,
site-packages) are never found here: the blocking catalog speaks for them.

Summaries are kept per process and, with a `SummaryStorage` handed in, on disk by content digest. Every
module a lint consulted is recorded with its digest (`ProjectView.dependencies`), so a cached
result is reused only while those files are unchanged. This module does not import libcst:
`summarize` (the engine's) is handed in.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol

from conclint.analysis.conditions import ClassFacts
from conclint.analysis.summaries import LOCAL, FunctionSummary, ModuleSummary, absolutized, parameter_call_index, reaches_process_start
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.processes import START_TOKENS
from conclint.core.digests import content_digest
from conclint.core.safe_files import read_regular
from conclint.core.settings import DEFAULT_MAX_FILE_SIZE

# A directory holding one of these is a project root: `root` and `root/src` are searched.
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
# `from a import b` chains followed through package `__init__` files, at most.
MAX_REEXPORT_DEPTH = 8

# (source bytes, module name for anchoring relative imports, whether to fill in line numbers)
# -> summary; raises on bad input.
Summarize = Callable[[bytes, str, bool], ModuleSummary]
# Lint the file now if it is one the run lints anyway (the lint teaches the index its summary
# through `learn`, at the cost of the parse a summary takes); whether it did.
LintAhead = Callable[[Path], bool]


@dataclass(frozen=True)
class ModuleLocation:
    """Where a file sits in the import system.

    `name`: its dotted module name (`app.config`; a package's `__init__.py` is `app`).
    `anchor`: the name relative imports are resolved against (`app.__init__` for a package,
    so that `from . import x` there means `app.x`). `entry`: the directory its top-level
    package sits in, the `sys.path` entry it is imported from.
    """

    name: str
    anchor: str
    entry: Path


def module_location(path: Path, source: bytes | None = None) -> ModuleLocation:
    """The module a file is, found by walking up through directories holding `__init__.py`.
    A file whose directory holds none but whose `source` imports relatively (`from . import
    database`) sits in a namespace package: Python runs such an import only inside a package,
    so each leading dot of its deepest one names a directory above the file as a package."""
    directory = path.parent
    parts = [] if path.name == "__init__.py" else [path.stem]
    if source is not None and parts and not (directory / "__init__.py").is_file():
        for _ in range(max((len(dots) for dots in _RELATIVE_IMPORT.findall(source)), default=0)):
            if not directory.name.isidentifier() or directory.parent == directory:
                break
            parts.insert(0, directory.name)
            directory = directory.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    name = ".".join(parts)
    return ModuleLocation(name, _anchor(path, name) if name else name, directory)


# The dots of a relative import statement at the start of a line.
_RELATIVE_IMPORT = re.compile(rb"^[ \t]*from[ \t]+(\.+)", re.MULTILINE)


def project_root(path: Path) -> Path | None:
    """The nearest directory at or above `path` holding a pyproject.toml, setup.cfg or .git."""
    for directory in (path, *path.parents):
        if any((directory / marker).exists() for marker in PROJECT_MARKERS):
            return directory
    return None


@dataclass
class LoadedModule:
    """A module of the project as read: its file, content digest and summary (None when the
    file cannot be read or parsed: its functions are then unknown, like a library's)."""

    name: str
    path: Path
    digest: str
    summary: ModuleSummary | None


class SummaryStorage(Protocol):
    """Where module summaries outlive the process (`conclint.project.summary_store.SummaryStore`):
    handed in, so that the index knows nothing of cache directories."""

    def get(self, digest: str, anchor: str) -> ModuleSummary | None: ...

    def put(self, digest: str, anchor: str, summary: ModuleSummary) -> None: ...


@dataclass(frozen=True)
class _Resolution:
    """What resolving a dotted name found, and every module read on the way."""

    summary: FunctionSummary | None
    module: LoadedModule | None
    consulted: tuple[LoadedModule, ...]


class ProjectIndex:
    """Module files and summaries, shared by every file linted in this process."""

    def __init__(
        self,
        summarize: Summarize,
        store: SummaryStorage | None = None,
        lint_ahead: LintAhead | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    ) -> None:
        self._summarize = summarize
        self._max_file_size = max_file_size
        self._store = store
        self._lint_ahead = lint_ahead
        self._files: dict[tuple[tuple[Path, ...], str], Path | None] = {}
        # By file and the name it is imported under: a file a run reaches under two names
        # (`src/app/agents/web.py` as `app.agents.web` from a test, as `agents.web` when linted
        # itself below a directory with no `__init__.py`) has a summary of each, whose
        # relative imports resolve differently; the first one made must not answer for the other.
        self._modules: dict[tuple[Path, str], LoadedModule] = {}
        self._resolved: dict[tuple[tuple[Path, ...], str], _Resolution] = {}
        self._roots: dict[Path, Path | None] = {}
        self._packages: dict[tuple[tuple[Path, ...], str], bool] = {}
        self._located: dict[tuple[Path, str], ModuleSummary | None] = {}
        self._definitions: dict[Path, dict[str, int]] = {}
        self._mentions: dict[tuple[Path, Mentioned], bool] = {}
        self._text_names: dict[Path, TextNames] = {}
        # The content digest of each file whose text `mentions` read: a dependency of the lint.
        self._digests: dict[Path, str] = {}
        self._texts_read: dict[Path, bytes] = {}
        # Text that stands for a file's bytes on disk: an editor's unsaved buffer (`replace_text`).
        self._texts: dict[Path, bytes] = {}

    def replace_text(self, file: Path, source: bytes | None) -> None:
        """From now on read `source` as the content of `file` (None: the file on disk again),
        and forget what was derived from the file before: its summary, lines and mentions, the
        resolutions that consulted it, and the modules that were not found (it may be new).
        A language server calls this when a buffer changes; a run of the CLI never does."""
        if source is None:
            self._texts.pop(file, None)
        else:
            self._texts[file] = source
        self._modules = {key: module for key, module in self._modules.items() if key[0] != file}
        self._located = {key: summary for key, summary in self._located.items() if key[0] != file}
        self._definitions.pop(file, None)
        self._mentions = {key: value for key, value in self._mentions.items() if key[0] != file}
        self._text_names.pop(file, None)
        self._digests.pop(file, None)
        self._texts_read.pop(file, None)
        self._resolved = {
            key: found
            for key, found in self._resolved.items()
            if all(module.path != file for module in found.consulted)
        }
        self._files = {key: found for key, found in self._files.items() if found is not None}
        self._packages = {key: known for key, known in self._packages.items() if known}

    def view(self, path: str | os.PathLike[str], digest: str = "", source: bytes | None = None) -> ProjectView:
        """What the file at `path` (whose content has `digest`, and is `source` when given)
        can see of the project."""
        file = Path(os.path.abspath(path))
        location = module_location(file, source)
        root = self._project_root(file.parent)
        roots = [location.entry]
        if root is not None:
            roots += [root, root / "src"]
        return ProjectView(self, location, tuple(dict.fromkeys(roots)), root or location.entry, file, digest)

    def _project_root(self, directory: Path) -> Path | None:
        if directory not in self._roots:
            self._roots[directory] = project_root(directory)
        return self._roots[directory]

    def resolve(self, name: str, roots: tuple[Path, ...]) -> _Resolution:
        """The function `name` (absolute dotted name) denotes, searched for under `roots`."""
        key = (roots, name)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(name, roots, MAX_REEXPORT_DEPTH)
        return found

    def _resolve(self, name: str, roots: tuple[Path, ...], depth: int) -> _Resolution:
        found = self.defining_module(name, roots)
        if found is None:
            return _Resolution(None, None, ())
        module_name, file, rest = found
        if (file, module_name) not in self._modules and not self.text_names(file).may_hold_function(rest):
            # The method of a module-level object (`signals.beat_init.send`) or an attribute
            # of a function (a task's `add.delay`) is no function a summary holds: not worth
            # summarizing the module to learn that (celery: 6 % of a run).
            return _Resolution(None, None, (LoadedModule(module_name, file, self.mentions_digest(file), None),))
        module = self.load(file, module_name)
        if module.summary is None:
            return _Resolution(None, None, (module,))
        function = module.summary.function(".".join(rest))
        if function is None and rest[-1][:1].isupper():
            function = module.summary.function(".".join([*rest, "__init__"]))  # `Workers()`
        if function is not None:
            # The module as named here: a file reached under two names (a namespace package
            # seen from inside and from its parent) keeps the one it was first loaded under,
            # and the summary's names are absolute under this one.
            named = module if module.name == module_name else replace(module, name=module_name)
            return _Resolution(absolutized(function, module_name), named, (module,))
        target = module.summary.imports.get(rest[0])
        if target is not None and depth > 0:
            # A re-export: `from .io import read` in the package's `__init__`.
            further = self._resolve(".".join([target, *rest[1:]]), roots, depth - 1)
            return _Resolution(further.summary, further.module, (module, *further.consulted))
        return _Resolution(None, None, (module,))

    def defining_module(self, name: str, roots: tuple[Path, ...]) -> tuple[str, Path, list[str]] | None:
        """The module of the project that holds `name`, the longest prefix of it that is one:
        its name, its file, and the rest of `name` (`Store.archive`). None when there is none."""
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module_name = ".".join(parts[:cut])
            file = self._find(module_name, roots)
            if file is not None:
                return module_name, file, parts[cut:]
        return None

    def learn(self, file: Path, location: ModuleLocation, digest: str, summary: ModuleSummary) -> None:
        """The summary of a module linted in this process, made by the lint pass: the index
        need not parse the file again (here, or in other processes, through the store)."""
        if (file, location.name) not in self._modules:
            self._modules[file, location.name] = LoadedModule(location.name, file, digest, summary)
            if self._store is not None and self._store.get(digest, location.anchor) is None:
                self._store.put(digest, location.anchor, summary)

    def located(self, module: LoadedModule) -> ModuleSummary | None:
        """`module`'s summary with line numbers, which only a reported finding needs: the
        summaries are made without them, and the few modules a message points into are read
        again."""
        key = (module.path, module.name)
        found = self._located.get(key)
        if found is None and key not in self._located:
            try:
                found = self._summarize(self._read(module.path), _anchor(module.path, module.name), True)
            except Exception:  # noqa: BLE001 - the message then goes without the line
                found = None
            self._located[key] = found
        return found

    def definition_lines(self, module: LoadedModule) -> dict[str, int]:
        """The line of each function's `def` in `module`, by qualified name. A chain's links
        need only these: read off CPython's tree, they cost a fraction of the summary with
        every line (`located`), which only the module holding the blocking call needs."""
        found = self._definitions.get(module.path)
        if found is None:
            from conclint.syntax.parsing import check_source  # libcst: not at start-up

            try:
                tree = check_source(self._read(module.path))
            except Exception:  # noqa: BLE001 - the link then goes without its line
                tree = None
            found = self._definitions[module.path] = _definition_lines(tree.body) if tree is not None else {}
        return found

    def mentions(self, file: Path, tokens: Mentioned) -> bool:
        """Whether the text of `file` holds one of `tokens`, or a match of a pattern
        (remembered per file and question)."""
        key = (file, tokens)
        found = self._mentions.get(key)
        if found is None:
            found = self._mentions[key] = _holds(tokens, self._text_of(file))
        return found

    def text_names(self, file: Path) -> TextNames:
        """The names `file`'s text defines with `async def` and names in import statements,
        read once per file: rules ask this of many names of the same module."""
        found = self._text_names.get(file)
        if found is None:
            found = self._text_names[file] = TextNames.of(self._text_of(file))
        return found

    def _text_of(self, file: Path) -> bytes:
        """The bytes `mentions` reads. Rules ask many questions of the same few modules: the
        last MENTIONED_TEXTS files read are kept (a bounded memory), and each file's digest,
        a dependency of the findings, is computed once."""
        data = self._texts_read.pop(file, None)
        if data is None:
            try:
                data = self._read(file)
            except OSError:
                data = b""
            if file not in self._digests:
                self._digests[file] = content_digest(data)
            if len(self._texts_read) >= MENTIONED_TEXTS:
                del self._texts_read[next(iter(self._texts_read))]
        self._texts_read[file] = data  # the most recent last
        return data

    def mentions_digest(self, file: Path) -> str:
        """The content digest of `file` as `mentions` read it ("" before it did)."""
        return self._digests.get(file, "")

    def _read(self, file: Path) -> bytes:
        """A module's bytes: a regular file (a FIFO would block, a device never end) of at most
        `max_file_size` bytes (a larger one would not be summarised anyway); OSError otherwise.
        The text `replace_text` gave for the file, when there is one."""
        text = self._texts.get(file)
        if text is not None:
            if len(text) > self._max_file_size:
                raise OSError(0, "file too large", str(file))
            return text
        return read_regular(file, self._max_file_size, follow=True)

    def is_project_package(self, name: str, roots: tuple[Path, ...]) -> bool:
        key = (roots, name)
        if key not in self._packages:
            self._packages[key] = (
                bool(name)
                and name.isidentifier()
                and not is_library_name(name)
                and any((root / f"{name}.py").is_file() or (root / name).is_dir() for root in roots)
            )
        return self._packages[key]

    def _find(self, module_name: str, roots: tuple[Path, ...]) -> Path | None:
        key = (roots, module_name)
        if key not in self._files:
            self._files[key] = _find_module(module_name, roots)
        return self._files[key]

    def load(self, file: Path, module_name: str) -> LoadedModule:
        loaded = self._modules.get((file, module_name))
        if loaded is not None:
            return loaded
        try:
            source = self._read(file)
        except OSError:
            loaded = LoadedModule(module_name, file, "", None)
        else:
            digest = content_digest(source)
            anchor = _anchor(file, module_name)
            summary = self._store.get(digest, anchor) if self._store is not None else None
            if summary is None and self._lint_ahead is not None and self._lint_ahead(file):
                learned = self._modules.get((file, module_name))
                if learned is not None and learned.digest == digest:
                    return learned
            if summary is None:
                summary = self._summary(source, digest, anchor)
            loaded = LoadedModule(module_name, file, digest, summary)
        self._modules[file, module_name] = loaded
        return loaded

    def _summary(self, source: bytes, digest: str, anchor: str) -> ModuleSummary | None:
        """The summary of a module read for the index (None when it cannot be analysed), kept
        in the store."""
        try:
            summary = self._summarize(source, anchor, False)
        except Exception:  # noqa: BLE001 - a helper module we cannot analyse is an unknown one
            return None
        if self._store is not None:
            self._store.put(digest, anchor, summary)
        return summary


@dataclass
class ProjectView:
    """The project as one file sees it: its own module name, where its imports are searched,
    and the modules its findings were drawn from (`dependencies`: path -> content digest)."""

    index: ProjectIndex
    location: ModuleLocation
    roots: tuple[Path, ...]
    root: Path
    file: Path
    digest: str = ""
    dependencies: dict[str, str] = field(default_factory=dict)
    # The index asked for this module's summary: its lint makes one even if no rule needs it.
    summary_wanted: bool = False
    _where: dict[str, LoadedModule] = field(default_factory=dict)

    @property
    def module_name(self) -> str:
        return self.location.name

    def learn(self, summary: ModuleSummary) -> None:
        """This file's own summary, made while linting it (lines not filled in)."""
        if self.digest:
            self.index.learn(self.file, self.location, self.digest, summary)

    def function(self, name: str) -> FunctionSummary | None:
        """The summary of the function with absolute dotted name `name`, names absolute;
        None for functions outside the project (see `is_project_module`)."""
        if not self.is_project_module(name):
            return None
        found = self.index.resolve(name, self.roots)
        for module in found.consulted:
            self.dependencies[str(module.path)] = module.digest
        if found.summary is not None and found.module is not None:
            self._where[found.summary.qualname] = found.module
        return found.summary

    def class_facts(self, name: str) -> ClassFacts | None:
        """What the class with absolute dotted name `name` says about its attributes (its
        bases named absolutely); None outside the project or when it cannot be found."""
        if not self.is_project_module(name):
            return None
        found = self.index.defining_module(name, self.roots)
        if found is None:
            return None
        module_name, file, rest = found
        module = self.index.load(file, module_name)
        self.dependencies[str(module.path)] = module.digest
        return module.summary.class_facts(".".join(rest), module_name) if module.summary is not None else None

    def global_type(self, name: str) -> tuple[str, str] | None:
        """What the module-level name `name` (absolute dotted name) of a project module holds
        and its elements hold (`ModuleSummary.globals`); None when unknown."""
        if not self.is_project_module(name):
            return None
        found = self.index.defining_module(name, self.roots)
        if found is None or len(found[2]) != 1:
            return None
        module_name, file, rest = found
        module = self.index.load(file, module_name)
        self.dependencies[str(module.path)] = module.digest
        held = module.summary.globals.get(rest[0]) if module.summary is not None else None
        if held is None:
            return None
        # A class of that module is named `<local>.Class` in its summary.
        kind, element = (f"{module_name}.{type_name.removeprefix(LOCAL)}" if type_name.startswith(LOCAL) else type_name for type_name in held)
        return kind, element

    def starts_processes(self, name: str) -> bool:
        """Whether calling the function `name` (absolute dotted name) starts processes,
        directly or through the project's functions it calls."""
        return reaches_process_start(self.function, name)

    def returns_worker_loader(self, name: str) -> bool:
        """Whether the function `name` (absolute dotted name) returns a DataLoader whose
        iteration starts worker processes (its summary's `returns_worker_loader`)."""
        summary = self.function(name)
        return summary is not None and summary.returns_worker_loader

    def names_process_starts(self, name: str) -> bool:
        """Whether the module defining `name` mentions a process start at all (its text
        holds START_TOKENS): a cheap test, read off the file without parsing it."""
        return self.module_mentions(name, START_TOKENS)

    def module_text_names(self, name: str) -> TextNames | None:
        """`ProjectIndex.text_names` of the project module defining `name`; None when there
        is none."""
        found = self.index.defining_module(name, self.roots)
        if found is None:
            return None
        names = self.index.text_names(found[1])
        self.dependencies[str(found[1])] = self.index.mentions_digest(found[1])
        return names

    def module_mentions(self, name: str, tokens: Mentioned) -> bool:
        """Whether the text of the project module defining `name` holds one of `tokens` (or
        a match of a pattern): a test read off the file, before summarizing the module for
        what only such text makes."""
        found = self.index.defining_module(name, self.roots)
        if found is None:
            return False
        file = found[1]
        mentioned = self.index.mentions(file, tokens)
        # What the text says (or does not) decides findings: a change to it must miss the cache.
        self.dependencies[str(file)] = self.index.mentions_digest(file)
        return mentioned

    def is_project_module(self, name: str) -> bool:
        """Whether the top-level package of module `name` lies in the project (a module, a
        package or a namespace directory under one of the search roots), and is not one of
        the standard library or the catalogued packages shadowed by a file of that name."""
        return self.index.is_project_package(name.partition(".")[0], self.roots)

    def is_method(self, function: str) -> bool:
        """Whether `function` (found earlier by `function`) is defined in a class."""
        module = self._where.get(function)
        return module is not None and "." in function[len(module.name) + 1 :]

    def line(self, function: str, evidence: str, index: int) -> int:
        """The line of the `index`-th item of `evidence` ("blocking" or "cpu_evidence") of
        `function` (found earlier by `function`); 0 when it cannot be told. A blocking call's
        is its offset from the `def` line, read off CPython's tree of the module (a tenth of
        summarizing it again with positions, which the other evidence needs)."""
        module = self._where.get(function)
        position = parameter_call_index(index) if evidence == "blocking" else None
        if position is not None:  # a method called on a parameter, blocking by what the caller passed
            evidence, index = "parameter_calls", position
        if evidence in ("blocking", "parameter_calls") and module is not None and module.summary is not None:
            summary = module.summary.functions.get(function[len(module.name) + 1 :])
            items = getattr(summary, evidence) if summary is not None else ()
            offset = items[index].offset if index < len(items) else -1
            start = self.definition_line(function) if offset >= 0 else 0
            if start:
                return start + offset
        located = self.index.located(module) if module is not None else None
        if module is None or located is None:
            return 0
        summary = located.function(function[len(module.name) + 1 :])
        items = getattr(summary, evidence, ()) if summary is not None else ()
        return items[index].line if index < len(items) else 0

    def definition_line(self, function: str) -> int:
        """The line of the `def` of `function` (found earlier by `function`); 0 when it
        cannot be told."""
        module = self._where.get(function)
        if module is None:
            return 0
        return self.index.definition_lines(module).get(function[len(module.name) + 1 :], 0)

    def function_file(self, function: str) -> str:
        """The absolute path of the file defining `function` (found earlier), or ""."""
        module = self._where.get(function)
        return os.path.abspath(module.path) if module is not None else ""

    def where(self, function: str) -> str:
        """The file defining `function` (found earlier by `function`), relative to the root."""
        module = self._where.get(function)
        if module is None:
            return "?"
        with contextlib.suppress(ValueError):
            return module.path.relative_to(self.root).as_posix()
        return module.path.name


# What `ProjectIndex.mentions` asks of a module's text: one of some tokens, or a match.
Mentioned = tuple[bytes, ...] | re.Pattern[bytes]

# The names after `async def`, and the statements that import names: on one line, or in a
# parenthesized list (a name there is a whole word of the statement's text).
_DEFINED = re.compile(rb"\b(?:(async[ \t]+)?def|(class))[ \t]+(\w+)")
_IMPORT_LINE = re.compile(rb"\bimport\b([^\n;#(]*)")
_IMPORT_LIST = re.compile(rb"\bimport\s*\(([^)]*)")
_WORD = re.compile(rb"\w+")
# A module-level annotated name, `embeddings_model: Dict[str, EmbeddingsModel] = None`: a word
# at the start of a line followed by a colon (`else:` and its like are left out below).
_ANNOTATED = re.compile(rb"^(\w+)[ \t]*:(?!=)", re.MULTILINE)
_BLOCK_KEYWORDS = frozenset({b"else", b"try", b"finally"})


@dataclass(frozen=True)
class TextNames:
    """What a module's text says of its names, read without parsing it: those defined with
    `def` or `class`, those with `async def` (anywhere, methods included), those annotated
    at module level (`client: Session = None`), and the words of its import
    statements (a name bound by an import; comments and strings that look like one count
    too, which only makes the answer "maybe" more often)."""

    defined: frozenset[bytes]
    async_defined: frozenset[bytes]
    imported: frozenset[bytes]
    classes: frozenset[bytes] = frozenset()
    annotated: frozenset[bytes] = frozenset()

    def may_hold_function(self, rest: list[str]) -> bool:
        """Whether a summary of the module may hold a function named `rest` (`func`,
        `Class.method`, `outer.<locals>.inner`), or the module re-export one: its first name
        bound by a `def`, a `class` or an import, and, when a name follows it, by a `class`
        or an import (`task.delay` of a function `task` names no function of the module).
        The words are read as ASCII: a name that is not is always "maybe"."""
        first = rest[0]
        if not first.isascii():
            return True
        word = first.encode()
        if word in self.imported:
            return True
        if len(rest) == 1 or rest[1] == "<locals>":
            return word in self.defined
        return word in self.classes

    @classmethod
    def of(cls, text: bytes) -> TextNames:
        definitions = _DEFINED.findall(text)
        imported = {word for pattern in (_IMPORT_LINE, _IMPORT_LIST) for match in pattern.finditer(text) for word in _WORD.findall(match.group(1))}
        return cls(
            frozenset(name for _, _, name in definitions),
            frozenset(name for is_async, _, name in definitions if is_async),
            frozenset(imported),
            frozenset(name for _, is_class, name in definitions if is_class),
            frozenset(_ANNOTATED.findall(text)) - _BLOCK_KEYWORDS,
        )
# How many modules' texts `ProjectIndex.mentions` keeps at once.
MENTIONED_TEXTS = 32


def _holds(tokens: Mentioned, data: bytes) -> bool:
    """Whether `data` holds one of `tokens`, or a match of a pattern."""
    if isinstance(tokens, re.Pattern):
        return tokens.search(data) is not None
    return any(token in data for token in tokens)


def _definition_lines(body: list[ast.stmt], prefix: str = "") -> dict[str, int]:
    """`{qualified name: line of its def}` for the functions of `body`, named as the scopes
    name them (`Class.method`, `outer.<locals>.inner`), through the blocks of compound
    statements. A name defined more than once is the last definition in the source, the one
    its summary describes (`@overload` stubs come before the implementation)."""
    found: dict[str, int] = {}
    pending = list(reversed(body))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{node.name}"
            if not isinstance(node, ast.ClassDef):
                found[name] = node.lineno
            inner = f"{name}.<locals>." if not isinstance(node, ast.ClassDef) else f"{name}."
            found.update(_definition_lines(node.body, inner))
            continue
        blocks = [child for field_name in ("body", "handlers", "orelse", "finalbody", "cases") for child in getattr(node, field_name, ())]
        pending.extend(reversed(blocks))
    return found


def _anchor(file: Path, module_name: str) -> str:
    """What relative imports in `file`, imported as `module_name`, are resolved against."""
    return f"{module_name}.__init__" if file.name == "__init__.py" else module_name


def _find_module(module_name: str, roots: tuple[Path, ...]) -> Path | None:
    parts = module_name.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    for root in roots:
        base = root.joinpath(*parts)
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


__all__ = [
    "LoadedModule",
    "ModuleLocation",
    "ProjectIndex",
    "ProjectView",
    "SummaryStorage",
    "module_location",
    "project_root",
]
