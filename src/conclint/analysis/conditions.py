"""Which branch runs: the conditions a summary records on its calls, and their evaluation at a
call site with what the caller passes.

A function summary records, for each blocking call and each call of another function, the
*guard* it sits under: the tests on the function's own parameters or `self` attributes that
must hold for it to run (`if sock_path is None: return` guards everything after it with
`sock_path is not None`). A call site records what it passes (`cleanup()` passes nothing, so
`sock_path` takes its default, None). Evaluated together, the guard may be decided false: the
call can never run there, and no chain is reported through it. Anything this module cannot
tell (a value computed at run time, a test on the environment) leaves the guard undecided,
and undecided keeps the chain.

Everything here is plain, JSON-able values (tuples and scalars), so summaries keep their
round trip through the cache and the project index. `conclint.analysis.branch_guards` builds them
from the syntax tree.

Values (what a parameter or attribute holds, as far as a call site can tell):
  ("c", scalar)             a constant: None, True, 3, "x"
  ("t", type, truthy)       an object of a known type (`io.BytesIO(...)`, `[]`): truthy is
                            True, False or None (unknown)
  ("o", type, None)         an object its annotation says is of that type (`x: Path | None`):
                            no test is decided by it, only what a method called on it does
  ("n", "", None)           an object of unknown type that is not None (NOT_NONE)
  ("f", function)           a function of the project, passed uncalled (`retry(load)`,
                            `functools.partial(load, path)`, `lambda: load(path)`): its
                            qualified name, `<local>.`-prefixed in its own module until
                            `absolutized`, or the dotted name of another module's
  ("b", name, category, shown) a lambda whose body is one blocking call of the catalog
                            (`lambda: requests.get(url)`), passed uncalled
  ("*", name)               only last in a call site's positional arguments: the caller's
                            own `*name` spread (`User(*content_items)`), whose elements the
                            caller's frame knows as the parameter SPREAD + name
  ("p", name) / ("a", name) only in a call site's arguments: the caller's own parameter, or
  / ("k", name)             its `self.name`, passed through (resolved against the caller's
                            environment as the search moves down the chain)
  None                      unknown

Subjects of literals: ("p", name) a parameter (("p", SPREAD + name): the variable of a `for`
over the function's `*name`, one of the arguments spread there), ("a", name) an attribute of `self`,
("e", "running-loop") a local or attribute the function assigned from
`asyncio.get_running_loop()` (or `get_event_loop()`), and ("r", callee) one it assigned from a
call of the project's function `callee`. A chain starts in a coroutine and runs on the loop's
thread, so the running loop exists there: the first is always a loop; the second is one when
`callee` returns `asyncio.get_running_loop()` (its summary's `returns_running_loop`).
("g", name) is a module global the function declares `global`, so sets: a chain from a
coroutine takes it as set up (SET_UP), since code that runs only while such a global is unset
(`if _config is None: _config = load()`) is lazy set-up, done once per process, mostly before
the loop serves anything. ("k", name) is likewise an attribute of `self` the method sets
itself, in a class whose `__new__` returns an instance kept on the class (`return
cls._instances[port]`): one object per process, set up by its first use (prefect's ephemeral
API server, started by the first `get_client()`).

A literal is (test, subject, operand, wanted): test "truthy", "none", "eq" (operand a scalar),
"isinstance" (operand a tuple of type names) or "hasattr" (operand an attribute name); subject ("p", name) or ("a", name); the
literal holds when the test's result equals `wanted`. ("any", None, literals, True) holds
when one of its literals does: what follows `if _options and not force: return _options`
(kept only when one of them tests a module global). A guard is a tuple of literals, all of
which must hold.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

from conclint.knowledge.types import CLAIMS_NO_KNOWN_TYPE, TYPE_ANCESTORS

Value = tuple  # see the module docstring
Literal = tuple  # (test, subject, operand, wanted)
Guard = tuple  # tuple[Literal, ...]

# Parameter kinds in `Param.kind`.
POSITIONAL_ONLY, POSITIONAL, KEYWORD_ONLY, VAR_POSITIONAL, VAR_KEYWORD = "o", "p", "k", "*", "**"
# A frame's name for what every element of its `*args` holds: "*args".
SPREAD = "*"


class Param(NamedTuple):
    """One parameter of a function: its name, kind, and default (`has_default`, and the
    default's value when a call site can tell it: a literal)."""

    name: str
    kind: str = POSITIONAL
    has_default: bool = False
    default: Value | None = None


class CallSite(NamedTuple):
    """One call a function makes of another function (of its module, or `external`: of
    another module, by dotted name): the guard it sits under, the values it passes, whether
    it is a method call on a receiver (`self.f()`, `Cls()`: the callee's first parameter is
    the receiver), the class it constructs (`Cls()`), whether its result is iterated or
    entered (a generator's body runs only then), and whether the arguments could be told at
    all (`*args` or `**kwargs` make them unknown). `on_self`: the receiver is the caller's own
    `self` (`self.f()`); `known`: the literals of `guard` on attributes of that `self` that
    only `__init__` assigns, which hold in the callee too (`known_facts`); `built`: for a
    method call on an object the caller's code made itself from a class of the project (`log
    = Logger(verbose=True)` at module level or in the function, then `log.info(...)`), that
    class (`<local>.`-prefixed when of the caller's module, until `absolutized`) and the
    constants the construction passed, `(class, args, keywords)`: what `__init__` stores
    from them is what the method's `self` holds (`built_attributes`)."""

    callee: str
    guard: Guard = ()
    args: tuple = ()
    keywords: tuple = ()  # ((name, value), ...)
    bound: bool = False
    new_class: str = ""
    iterated: bool = False
    external: bool = False
    splat: bool = False
    on_self: bool = False
    known: Guard = ()
    built: tuple = ()  # (class, args, keywords) of the construction that made the receiver

    def as_list(self) -> list[object] | str:
        """JSON-ready and short: a site with nothing but its callee is that name ("@name"
        when external); otherwise a list whose trailing default fields are left out."""
        fields: list[object] = [
            self.callee,
            [list(lit) for lit in self.guard],
            # Arguments none of whose values is known are stored as their count.
            [_value_list(v) for v in self.args] if any(v is not None for v in self.args) else len(self.args),
            [[name, _value_list(v)] for name, v in self.keywords],
            self.bound,
            self.new_class,
            self.iterated,
            self.external,
            self.splat,
            self.on_self,
            [list(lit) for lit in self.known],
            _built_list(self.built),
        ]
        while len(fields) > 1 and fields[-1] == _SITE_DEFAULTS[len(fields) - 1]:
            fields.pop()
        if len(fields) == 1:
            return self.callee
        if len(fields) == 8 and fields[7] is True and not any(fields[1:7]):
            return "@" + self.callee
        return fields

    @classmethod
    def from_list(cls, data: Sequence[object] | str) -> CallSite:
        if isinstance(data, str):
            return cls(data[1:], external=True) if data.startswith("@") else cls(data)
        fields = list(data) + list(_SITE_DEFAULTS[len(data) :])
        callee, guard, args, keywords, bound, new_class, iterated, external, splat, on_self, known, built = fields
        return cls(
            str(callee),
            guard_from_lists(guard),  # type: ignore[arg-type]
            (None,) * args if isinstance(args, int) else tuple(value_from_list(v) for v in args),  # type: ignore[attr-defined]
            tuple((str(name), value_from_list(v)) for name, v in keywords),  # type: ignore[attr-defined]
            bool(bound),
            str(new_class),
            bool(iterated),
            bool(external),
            bool(splat),
            bool(on_self),
            guard_from_lists(known),  # type: ignore[arg-type]
            _built_from_list(built),  # type: ignore[arg-type]
        )


# The JSON form of CallSite's fields when they hold their defaults (callee has none).
_SITE_DEFAULTS: tuple[object, ...] = (None, [], 0, [], False, "", False, False, False, False, [], [])


def _built_list(built: tuple) -> list[object]:
    if not built:
        return []
    name, args, keywords = built
    return [name, [_value_list(v) for v in args], [[key, _value_list(v)] for key, v in keywords]]


def _built_from_list(data: Sequence[object]) -> tuple:
    if not data:
        return ()
    name, args, keywords = data
    return (
        str(name),
        tuple(value_from_list(v) for v in args),  # type: ignore[attr-defined]
        tuple((str(key), value_from_list(v)) for key, v in keywords),  # type: ignore[attr-defined]
    )


def _value_list(value: Value | None) -> list[object] | None:
    return list(value) if value is not None else None


def value_from_list(data: object) -> Value | None:
    if data is None:
        return None
    items = list(data)  # type: ignore[call-overload]
    return tuple(tuple(item) if isinstance(item, list) else item for item in items)


def guard_from_lists(data: Iterable[Sequence[object]]) -> Guard:
    """A guard read back from JSON (lists) as tuples."""
    return tuple(
        (str(test), None, guard_from_lists(operand), bool(wanted))
        if test == "any"
        else (str(test), value_from_list(subject), tuple(operand) if isinstance(operand, list) else operand, bool(wanted))
        for test, subject, operand, wanted in data
    )


def params_from_lists(data: Iterable[Sequence[object] | str] | None) -> tuple[Param, ...] | None:
    if data is None:
        return None
    return tuple(
        Param(item) if isinstance(item, str) else Param(str(item[0]), str(item[1]), bool(item[2]), value_from_list(item[3]))
        for item in data
    )


def params_as_lists(params: tuple[Param, ...] | None) -> list[list[object] | str] | None:
    """JSON-ready; a plain positional parameter without a default is just its name."""
    if params is None:
        return None
    return [
        p.name if p.kind == POSITIONAL and not p.has_default else [p.name, p.kind, p.has_default, _value_list(p.default)]
        for p in params
    ]


# ----- the environment of a function in a chain ---------------------------------------------


class Frame(NamedTuple):
    """What is known inside one function of a chain: its parameters' values (`env`, only
    the known ones), the class of its `self` when the chain constructed it (`Cls()`), the
    literals on attributes of its `self` that hold there (`known`, see `known_facts`), and
    the values of attributes of its `self` that the construction of a `built` receiver fixed
    (`attributes`, see `CallSite.built`)."""

    env: tuple  # ((name, value), ...), sorted, so frames compare and hash
    self_class: str = ""
    known: Guard = ()
    attributes: tuple = ()  # ((name, value), ...), sorted

    def value(self, subject: Value, world: World) -> Value | None:
        kind, name = subject
        if kind == "p":
            return dict(self.env).get(name)
        if kind == "a" and self.attributes:
            held = dict(self.attributes).get(name)
            if held is not None:
                return held
        return world(subject, self.self_class)

    def fact(self, test: str, subject: Value, operand: object = None) -> bool | None:
        """The result of `test` on `subject` (against `operand`) that a known literal tells,
        else None: the test itself, or for "truthy" and "none" the other (a value that is None
        is false, one that is true is not None); a known equality to a constant answers any
        test as that constant would."""
        for known_test, known_subject, known_operand, wanted in self.known:
            if known_subject != subject:
                continue
            if known_test == "eq" and wanted:
                return _test(test, ("c", known_operand), operand)
            if known_test == test and (test != "eq" or known_operand == operand):
                return bool(wanted)
            if (known_test, wanted, test) in (("none", True, "truthy"), ("truthy", True, "none")):
                return False
        return None


UNKNOWN_FRAME = Frame(())

# What a chain knows beyond the parameters: world(subject, self_class) for subjects of kinds
# "a", "e" and "r" (see the module docstring); None when unknown.
World = Callable[[Value, str], "Value | None"]

# The value of the running loop, for subjects of kind "e".
RUNNING_LOOP: Value = ("t", "asyncio.AbstractEventLoop", True)
# The value of a module global, or an attribute of a kept instance, the function sets
# itself, for subjects of kinds "g" and "k": set up.
SET_UP: Value = ("t", "builtins.object", True)
SET_UP_KINDS = frozenset({"g", "k"})
# The subjects a call site may pass on as arguments, resolved in the caller's frame.
PASSED_SUBJECTS = frozenset({"p", "a", "k"})


def enter(
    params: tuple[Param, ...] | None,
    method: str,
    site: CallSite,
    caller: Frame,
    attribute: World,
    constructs: str = "",
    attributes: tuple = (),
) -> Frame:
    """The frame of the callee of `site`, made from what the caller (in `caller`) passes and
    the callee's defaults. `method`: the receiver the callee takes first, "cls" (always
    supplied) or "self" (supplied by a call on an instance, `site.bound`, or a construction);
    `constructs`: the class whose instance is `self` there, when known; `attributes`: what
    the construction of a `built` receiver fixed (`built_attributes`). A call on the
    caller's own `self` keeps what the caller knew of it."""
    self_class = constructs or (caller.self_class if site.bound else "")
    known = tuple(dict.fromkeys((*caller.known, *site.known))) if site.on_self else ()
    held = attributes or (caller.attributes if site.on_self else ())
    if params is None:
        return Frame((), self_class, known, held)
    ordered = [p for p in params if p.kind in (POSITIONAL_ONLY, POSITIONAL)]
    if ordered and (method == "cls" or (method == "self" and (site.bound or constructs))):
        ordered = ordered[1:]
    args = site.args
    spread = args[-1] if args and args[-1] is not None and args[-1][0] == "*" else None
    if spread is not None:
        args = args[:-1]
    env: dict[str, Value] = {}
    given: set[str] = set()
    for param, value in zip(ordered, args):
        given.add(param.name)
        resolved = _resolve(value, caller, attribute) or _not_none_by_guard(value, site.guard)
        if resolved is not None:
            env[param.name] = resolved
    for name, value in site.keywords:
        given.add(name)
        resolved = _resolve(value, caller, attribute) or _not_none_by_guard(value, site.guard)
        if resolved is not None:
            env[name] = resolved
    star = next((p.name for p in params if p.kind == VAR_POSITIONAL), None)
    if star is not None and len(args) >= len(ordered) and (spread is not None or not site.splat):
        spread_values = [_resolve(value, caller, attribute) for value in args[len(ordered) :]]
        if spread is not None:
            spread_values.append(caller.value(("p", SPREAD + spread[1]), attribute))
        element = _common_value(spread_values)
        if element is not None:
            env[SPREAD + star] = element
    if not site.splat:
        positional_left = len(site.args) < len(ordered)
        for param in params:
            if param.name in given or not param.has_default or param.default is None:
                continue
            if param.kind in (POSITIONAL_ONLY, POSITIONAL) and not positional_left:
                continue
            env[param.name] = param.default
    return Frame(tuple(sorted(env.items())), self_class, known, held)


def _common_value(values: Sequence[Value | None]) -> Value | None:
    """What every one of `values` is, as far as tests on it can tell: the value itself when
    they are all equal, else an object of their one type (`"a"` and `"b"`: a string)."""
    if not values or any(value is None for value in values):
        return None
    first = values[0]
    if all(value == first for value in values):
        return first
    types = {_type_of(value) for value in values}  # type: ignore[arg-type]
    kind = types.pop() if len(types) == 1 else None
    return ("t", kind, None) if kind else None


def _type_of(value: Value) -> str | None:
    """The type a constant or a made object has; None for what only an annotation says."""
    if value[0] == "c":
        return "builtins.NoneType" if value[1] is None else f"builtins.{type(value[1]).__name__}"
    return value[1] if value[0] == "t" else None


# An object of unknown type that is not None: what a caller passes of its own parameter
# under a test that rules None out.
NOT_NONE: Value = ("n", "", None)


def _not_none_by_guard(value: Value | None, guard: Guard) -> Value | None:
    """NOT_NONE when the caller passes its own parameter or attribute (`value`) under a test
    that None fails (`if db is not None:`, `if db:`, `isinstance(db, Engine)`, `hasattr(db,
    "db_engine")`): the callee's `if db is None:` is decided there."""
    if value is None or value[0] not in PASSED_SUBJECTS:
        return None
    for test, subject, operand, wanted in guard:
        if subject != value:
            continue
        if (test, wanted) in (("none", False), ("truthy", True), ("hasattr", True)):
            return NOT_NONE
        if test == "isinstance" and wanted and "builtins.NoneType" not in operand:
            return NOT_NONE
    return None


def _resolve(value: Value | None, caller: Frame, attribute: World) -> Value | None:
    if value is None:
        return None
    if value[0] in PASSED_SUBJECTS:
        return caller.value(value, attribute)
    return value


# ----- evaluation ---------------------------------------------------------------------------


def dead(guard: Guard, frame: Frame, attribute: World) -> bool:
    """True when some literal of `guard` is decided false in `frame`: the guarded call cannot
    run there."""
    for test, subject, operand, wanted in guard:
        if test == "any":
            if all(dead((alternative,), frame, attribute) for alternative in operand):
                return True
            continue
        result = frame.fact(test, subject, operand) if test in FACT_TESTS else None
        if result is None:
            value = frame.value(subject, attribute)
            if value is None:
                continue
            result = _test(test, value, operand)
        if result is not None and result is not wanted:
            return True
    return False


# The tests whose literals on `self` attributes a call on the same `self` carries into the
# callee (`CallSite.known`): their result depends on the attribute alone (and, for "eq", on
# the constant it is compared with, `self._colour == "async"`).
FACT_TESTS = frozenset({"truthy", "none", "eq"})


def known_facts(guard: Guard, fixed: Callable[[str], bool]) -> Guard:
    """The literals of `guard` that still hold inside a method the guarded call runs on the
    same `self`: tests of an attribute that only `__init__` assigns (`fixed`), so that no
    method can have changed it since. `if self._is_wav: self.end_input()` enters
    `end_input` knowing `self._is_wav` is true, and its `if self._is_wav: return` then
    decides that nothing after it runs (livekit-agents' WAV decoder)."""
    return tuple(lit for lit in guard if lit[0] in FACT_TESTS and lit[1] is not None and lit[1][0] == "a" and fixed(lit[1][1]))


def _test(test: str, value: Value, operand: object) -> bool | None:
    kind = value[0]
    if kind == "o":
        return None
    if kind == "n":
        return False if test == "none" else None
    if kind in ("f", "b"):
        return True if test == "truthy" else False if test == "none" else None
    if test == "truthy":
        return bool(value[1]) if kind == "c" else value[2]
    if test == "none":
        return value[1] is None if kind == "c" else False
    if test == "eq":
        if kind == "c":
            return bool(value[1] == operand)
        return None
    if test == "isinstance":
        return _isinstance(value, operand)  # type: ignore[arg-type]
    if test == "hasattr" and kind == "c" and value[1] is None:
        return False
    return None


def _isinstance(value: Value, types: tuple[str, ...]) -> bool | None:
    """`isinstance(value, types)`: True or False when the value's type and its ancestors are
    known (builtins, the library types of TYPE_ANCESTORS), None otherwise."""
    name = _type_of(value)
    if name is None:
        return None
    if name in types:
        return True
    ancestors = TYPE_ANCESTORS.get(name)
    if ancestors is None:
        return None
    if any(ancestor in types for ancestor in ancestors):
        return True
    # False only when every type tested is one this table knows, or an ABC that claims none
    # of its types: another protocol or ABC (`collections.abc.Mapping`) or a class of the
    # project may claim it.
    return False if all(t in TYPE_ANCESTORS or t in CLAIMS_NO_KNOWN_TYPE for t in types) else None


def class_attribute(
    classes: Callable[[str], "ClassFacts | None"], class_name: str, attribute: str
) -> Value | None:
    """What `self.attribute` holds for an instance of `class_name`, when only the class
    bodies assign it (`CSS_PATH = None`, overridden by a subclass's `CSS_PATH = "x.css"`):
    the value the nearest class along the bases assigns. Unknown when any method of the
    classes assigns `self.attribute`, or a base cannot be looked into."""
    lineage = _lineage(classes, class_name)
    if lineage is None or any(attribute in facts.assigned or "*" in facts.assigned for _, facts in lineage):
        return None
    return next((facts.values[attribute] for _, facts in lineage if attribute in facts.values), None)


def set_only_by_owner(classes: Callable[[str], "ClassFacts | None"], class_name: str, owner: str, attribute: str) -> bool:
    """Whether no class along the bases of `class_name` but `owner` (the class whose
    `__init__` stores the attribute, which vouches for its own methods) has a method that
    assigns `self.attribute`: then what the construction stored is still there."""
    lineage = _lineage(classes, class_name)
    return lineage is not None and not any(
        name != owner and (attribute in facts.assigned or "*" in facts.assigned) for name, facts in lineage
    )


def _lineage(classes: Callable[[str], "ClassFacts | None"], class_name: str) -> list[tuple[str, ClassFacts]] | None:
    """The facts of `class_name` and of each class along its bases, nearest first, each once;
    None when one of them cannot be looked into (`_opaque_base`)."""
    found: list[tuple[str, ClassFacts]] = []
    seen: set[str] = set()
    pending = [class_name]
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        facts = classes(name)
        if facts is None:
            if _opaque_base(name):
                return None
            continue
        found.append((name, facts))
        pending.extend(facts.bases)
    return found


def _opaque_base(name: str) -> bool:
    """A base class no summary describes: a builtin or `object` assigns nothing of ours; any
    other might (a project module out of reach, or a library base setting the attribute)."""
    return not name.startswith("builtins.") and name not in ("object", "typing.Generic", "abc.ABC")


class ClassFacts(NamedTuple):
    """What a class's body and methods say about its attributes: its bases, the values its
    body assigns (when a call site could tell them), and the attributes its methods assign
    through `self`."""

    bases: tuple[str, ...]
    values: Mapping[str, Value]
    assigned: frozenset[str]


__all__ = [
    "PASSED_SUBJECTS",
    "RUNNING_LOOP",
    "SET_UP",
    "SPREAD",
    "SET_UP_KINDS",
    "UNKNOWN_FRAME",
    "World",
    "CallSite",
    "ClassFacts",
    "Frame",
    "Param",
    "class_attribute",
    "dead",
    "set_only_by_owner",
    "enter",
    "guard_from_lists",
    "known_facts",
    "params_as_lists",
    "params_from_lists",
    "value_from_list",
]
