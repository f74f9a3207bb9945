"""The Rule base class: one batchable libcst visitor per rule, holding its docs and examples."""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ClassVar, Mapping, Sequence, Union

import libcst as cst

from conclint.core.model import ChainLink
from conclint.syntax.traversal import CachedVisitorMethods

if TYPE_CHECKING:
    import re

    from conclint.analysis.facts import FileFacts
    from conclint.core.settings import Settings
    from conclint.fixes.plan import PlanSource

DOC_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "Options",
    "References",
)


@dataclass(frozen=True)
class Valid:
    """Source that must produce no finding of the rule, under `settings` (Settings field overrides)."""

    code: str
    settings: Mapping[str, object] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")


@dataclass(frozen=True)
class Invalid:
    """Source that must produce findings of the rule: `count` of them, the first on `line`.

    `message_contains` lists fragments the first finding's message or suggestion must hold.
    `fixed`: the source after `--fix --unsafe-fixes` with this rule's fixes, when it has any.
    """

    code: str
    line: int | None = None
    column: int | None = None
    count: int = 1
    message_contains: tuple[str, ...] = ()
    settings: Mapping[str, object] = field(default_factory=dict)
    fixed: str | None = None

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")

    @property
    def fixed_source(self) -> str | None:
        return None if self.fixed is None else textwrap.dedent(self.fixed).lstrip("\n")


# Words that need line numbers (of evidence elsewhere in the file) are written once the
# engine knows positions: a callable taking `line_of(node)` and returning the text.
LineOf = Callable[[cst.CSTNode], int]
Text = Union[str, Callable[[LineOf], str]]
# A helper chain's links, or (as for Text) a callable giving them once lines are known.
Chain = Union[tuple[ChainLink, ...], Callable[[LineOf], tuple[ChainLink, ...]]]


@dataclass(frozen=True)
class Report:
    """A finding before positions are known: the node to point at, and the words."""

    node: cst.CSTNode
    statement: cst.CSTNode | None
    code: str
    name: str
    message: Text
    suggestion: Text
    fix: PlanSource | None = None
    # Where a finding reported elsewhere comes from (the blocking call inside a helper): a
    # suppression comment there silences it too.
    origin: cst.CSTNode | None = None
    # For a finding through helpers, the functions from the callee down, then the blocking
    # call: a baseline matches it by their names (its lines move when the helpers do), the
    # reports show where each one is. A link's empty path is the reported file.
    chain: Chain = ()


class Rule(CachedVisitorMethods, cst.BatchableCSTVisitor):
    """Base of every rule. Subclasses set CODE, NAME, MESSAGE, a sectioned docstring and examples.

    A rule subscribes to the node types it needs (``visit_Call`` ...), asks ``self.facts``
    for shared analysis, and calls ``self.report``. It never changes the tree.
    """

    CODE: ClassVar[str] = ""
    NAME: ClassVar[str] = ""
    MESSAGE: ClassVar[str] = ""
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    # Off when `free-threaded` is set: the rule is about the GIL.
    REQUIRES_GIL: ClassVar[bool] = False
    # The engine runs the function-summary collector (`facts.summaries`) only for such rules.
    USES_SUMMARIES: ClassVar[bool] = False
    # Prefilter: the rule can only report in a file whose bytes contain one of these (empty:
    # every file). The engine does not parse a file for a rule it cannot apply to.
    REQUIRED_TOKENS: ClassVar[tuple[bytes, ...]] = ()
    # Checked only in a file that holds a token: the rule also needs a match of this pattern
    # (`conclint.syntax.prefilter.COROUTINE` for rules about coroutines). None: the tokens decide.
    REQUIRED_PATTERN: ClassVar[re.Pattern[bytes] | None] = None
    # With a project index, the rule also runs on files without its tokens that call, at
    # import time, a function they import from the project (the call may lead to its tokens).
    FOLLOWS_IMPORTED_CALLS: ClassVar[bool] = False
    # Selected only when named by its exact code or name, never by ALL or a prefix: for a
    # rule about the linting itself (CCL002) that a project turns on when it wants it. Written
    # as the literal `EXPLICIT_ONLY = True`, which the rule catalog reads from the source text.
    EXPLICIT_ONLY: ClassVar[bool] = False

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__()
        self.facts = facts
        self.settings = settings
        self.reports: list[Report] = []

    @classmethod
    def is_concrete(cls) -> bool:
        return bool(cls.CODE)

    def report(
        self,
        node: cst.CSTNode,
        message: Text | None = None,
        *,
        suggestion: Text = "",
        statement: cst.CSTNode | None = None,
        fix: PlanSource | None = None,
        origin: cst.CSTNode | None = None,
        helper_chain: Chain = (),
        **fields: object,
    ) -> None:
        """Record a finding at `node`; MESSAGE is formatted with `fields` unless `message` is given.

        `statement` (for suppression comments) defaults to the statement being visited; a rule
        reporting from `leave_Module` passes the one it remembered. `fix`: the rewrite that
        removes the finding (see `conclint.fixes.plan`), if there is one. `helper_chain`: for a
        finding through helpers, the links from the callee to the blocking call.
        """
        if self.facts.unreachable:
            return  # code after a `raise` or `return` of its block never runs
        text = message if message is not None else self.MESSAGE.format(**fields)
        self.reports.append(
            Report(
                node=node,
                statement=statement if statement is not None else self.facts.current_statement,
                code=self.CODE,
                name=self.NAME,
                message=text,
                suggestion=suggestion,
                fix=fix,
                origin=origin,
                chain=helper_chain,
            )
        )

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split into its named sections (`## Title` headings)."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        sections: dict[str, str] = {}
        current: str | None = None
        lines: list[str] = []
        for line in doc.splitlines():
            if line.startswith("## "):
                if current is not None:
                    sections[current] = "\n".join(lines).strip()
                current, lines = line[3:].strip(), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            sections[current] = "\n".join(lines).strip()
        return sections

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of "What it does": one line for tables and SARIF."""
        text = cls.doc_sections().get("What it does", "")
        return " ".join(text.split("\n\n")[0].split())
