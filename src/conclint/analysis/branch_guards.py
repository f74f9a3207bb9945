"""From syntax to the guards and values of `conclint.analysis.conditions`: which tests on a
function's own parameters and `self` attributes a call sits under, and what a call site
passes.

Only what can be told for certain is recorded. A test this module does not understand, or on
anything but a parameter the function has not rebound there or an attribute of `self`, adds nothing
to a guard (the call may run); `a and b` in an `if` adds both, `a or b` adds nothing, and
`not (a or b)` adds both negated, since that is what holds in the branch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence

import libcst as cst

from conclint.analysis.conditions import (
    KEYWORD_ONLY,
    PASSED_SUBJECTS,
    POSITIONAL,
    POSITIONAL_ONLY,
    SET_UP_KINDS,
    SPREAD,
    VAR_KEYWORD,
    VAR_POSITIONAL,
    Literal,
    Param,
    Value,
)
from conclint.analysis.flow import assigned_here, reaching_binding
from conclint.analysis.scopes import assignment_counts, attributes_set_on, dotted_name, instance_attributes, is_none, keeps_its_instance, last_name
from conclint.analysis.summaries import LOCAL
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.types import CONSTRUCTED_TYPES

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.scopes import Binding, Scope

# What the function assigned from calls, by the spelling of the target (`loop`, `self.loop`).
Results = Optional[Mapping[str, tuple]]

# Calls that consume an iterable they are given (`list(gen())`): a generator passed to them runs.
CONSUMERS = frozenset(
    "builtins." + name
    for name in "list tuple set frozenset dict sorted sum min max any all next enumerate zip map filter reversed iter".split()
)

_CONSTRUCTED_NAMES = frozenset(name.rpartition(".")[2] for name in CONSTRUCTED_TYPES)

_DISPLAYS: dict[type, str] = {cst.List: "builtins.list", cst.Tuple: "builtins.tuple", cst.Set: "builtins.set", cst.Dict: "builtins.dict"}


def _function_scope(scope: Scope) -> Scope | None:
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    return scope if scope.kind == "function" else None


def subject(expression: cst.BaseExpression, facts: FileFacts, results: Results = None) -> Value | None:
    """("p", name) for a parameter of the current function where the read sees the caller's
    value (not rebound before it), ("g", name) for a module global it declares, ("a",
    name) for `self.name` in a method (("k", name) when the method sets it on an instance
    its class keeps); for a local or attribute the function assigned from a
    call before (`results`, by spelling), what that call is known to return; else None."""
    scope = _function_scope(facts.scope)
    if scope is None:
        return None
    kind = type(expression)
    if kind is cst.Call:
        return _context_var_read(expression, facts)  # type: ignore[arg-type]
    if kind is not cst.Name and kind is not cst.Attribute:
        return None
    if results:
        known = results.get(dotted_name(expression))
        if known is not None:
            return known
    if kind is cst.Name:
        name = expression.value  # type: ignore[attr-defined]
        if name in scope.declared_global:
            return ("g", name)
        # A parameter rebound later (`if article is not None: article = fetch(article)`) is
        # still the caller's value where the test reads it.
        rebound = scope.rebound.get(name)
        binding = scope.bindings.get(name) if rebound is None else reaching_binding(expression, scope)  # type: ignore[arg-type]
        if binding is None:
            return None
        if binding.kind == "param":
            return ("p", name)
        if binding.kind == "element" and rebound is None:
            spread = _spread_parameter(binding.node, scope)
            if spread is not None:
                return ("p", SPREAD + spread)
        if binding.kind == "assign" and rebound is None and isinstance(scope.node, cst.FunctionDef) and scope.node.params.star_kwarg:
            key = next((key for statement, key in _taken_keywords(scope.node) if id(statement) == binding.site), None)
            if key is not None:
                return ("p", key)
        return _global_copied(binding, scope)
    if type(expression.value) is cst.Name:  # type: ignore[attr-defined]
        binding = scope.bindings.get(expression.value.value)
        if binding is not None and binding.kind == "self":
            receiver, name = expression.value.value, expression.attr.value  # type: ignore[attr-defined]
            parameter = _parameter_held(scope, receiver, name, facts)
            if parameter is not None:
                return ("p", parameter)
            return ("k", name) if _sets_kept_attribute(scope, receiver, name) else ("a", name)
    return None


def _context_var_read(call: cst.Call, facts: FileFacts) -> Value | None:
    """("g", name) for `var.get()` of a context variable of the module that its import sets
    (`guards.context_vars_set_at_import`): set up, as a global the function sets is."""
    func = call.func
    if call.args or type(func) is not cst.Attribute or func.attr.value != "get" or type(func.value) is not cst.Name:  # type: ignore[attr-defined]
        return None
    name = func.value.value  # type: ignore[attr-defined]
    if name not in facts.context_vars_set() or not _module_binding(name, facts):
        return None
    return ("g", name)


def _spread_parameter(iterable: cst.CSTNode | None, scope: Scope) -> str | None:
    """The name of the function's `*args` when `iterable` is it: a `for item in args:`
    variable is one of the arguments the call site spread there (`Prompt.user("text")`
    makes `item` a string in `for item in content_items:`)."""
    if not isinstance(iterable, cst.Name) or not isinstance(scope.node, cst.FunctionDef):
        return None
    star = scope.node.params.star_arg
    if not isinstance(star, cst.Param) or star.name.value != iterable.value or iterable.value in scope.rebound:
        return None
    return iterable.value


def _global_copied(binding: Binding, scope: Scope) -> Value | None:
    """("g", name) for a local the function copied a global it declares into (`provider =
    _PROVIDER`, then `if provider is not None: return provider`: the double-checked lazy
    set-up of openai-agents' `get_trace_provider`)."""
    value = binding.node
    if binding.kind == "assign" and binding.scope is scope and type(value) is cst.Name and value.value in scope.declared_global:  # type: ignore[union-attr]
        return ("g", value.value)  # type: ignore[union-attr]
    return None


def _parameter_held(scope: Scope, receiver: str, name: str, facts: FileFacts) -> str | None:
    """The parameter `self.name` holds where the method reads it: a statement of the method's
    own body (`self.c4a_script = c4a_script` in `__init__`) stored it there before the one
    reading it, nothing else in the class assigns `self.name`, and the method never rebinds
    the parameter. A test on it is a test on what the caller passed (crawl4ai's
    `CrawlerRunConfig()` compiles a script only `if self.c4a_script`)."""
    value = _held_here(scope, receiver, name, facts)
    if not isinstance(value, cst.Name):
        return None
    binding = scope.bindings.get(value.value)
    return value.value if binding is not None and binding.kind == "param" and value.value not in scope.rebound else None


def _held_here(scope: Scope, receiver: str, name: str, facts: FileFacts) -> cst.BaseExpression | None:
    """What a statement of the method's own body stored in `self.name` before the statement
    reading it, when nothing else in the class assigns `self.name`."""
    owner = scope.parent
    function = scope.node
    if owner is None or not isinstance(owner.node, cst.ClassDef) or not isinstance(function, cst.FunctionDef):
        return None
    if not isinstance(function.body, cst.IndentedBlock) or assignment_counts(owner.node, owner)[name] != 1:
        return None
    stored = _stored_values(function, receiver, scope).get(name)
    if stored is None:
        return None
    value, index = stored
    body = function.body.body
    reading = next((position for position, statement in enumerate(body) for open_ in facts.statements if open_ is statement), None)
    return value if reading is not None and reading > index else None


def _stored_values(function: cst.FunctionDef, receiver: str, scope: Scope) -> dict[str, tuple[cst.BaseExpression, int]]:
    """`self.x = <value>` statements of the function's own body (not nested in a block): the
    attribute, the value and the statement's index; kept on the module scope."""
    module = scope.module()
    found = module.stored_parameters.get(id(function))
    if found is None:
        found = {}
        for index, statement in enumerate(function.body.body):  # type: ignore[attr-defined]
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                    continue
                target = small.targets[0].target
                if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == receiver:
                    found[target.attr.value] = (small.value, index)
        module.stored_parameters[id(function)] = found
    return found


def _derived_test(test: cst.BaseExpression, facts: FileFacts) -> cst.BaseExpression | None:
    """The test `self.name` holds the result of, stored by the method itself before reading it
    (`self.save_downloads = save_downloads or output_directory is not None`, then `if
    self.save_downloads:`), so that testing it tests what the caller passed."""
    if not (isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name)):
        return None
    scope = _function_scope(facts.scope)
    binding = scope.bindings.get(test.value.value) if scope is not None else None
    if scope is None or binding is None or binding.kind != "self":
        return None
    value = _held_here(scope, test.value.value, test.attr.value, facts)
    return value if isinstance(value, (cst.BooleanOperation, cst.Comparison, cst.UnaryOperation)) else None


def _derived_literals(test: cst.BaseExpression, wanted: bool, facts: FileFacts, results: Results) -> list[Literal]:
    """`literals` of a stored test: `a or b` true is one ("any", ...) literal of its parts
    when each part is one literal (what the caller passed decides each)."""
    if not (isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And) != wanted):
        return literals(test, wanted, facts, results)
    alternatives = _alternatives(test, wanted, facts, results)
    return [("any", None, alternatives, True)] if alternatives is not None else []


def _sets_kept_attribute(scope: Scope, receiver: str, name: str) -> bool:
    """The method sets `self.name` itself, on an instance its class keeps for the process
    (`scopes.keeps_its_instance`): a test on it there is lazy set-up, like one on a module
    global the function declares (conclint.analysis.conditions)."""
    owner = scope.parent
    if owner is None or owner.kind != "class" or not isinstance(owner.node, cst.ClassDef) or scope.node is None:
        return False
    if not keeps_its_instance(owner.node, owner):
        return False
    return name in attributes_set_on(scope.node, receiver)


def literals(test: cst.BaseExpression, wanted: bool, facts: FileFacts, results: Results = None) -> list[Literal]:
    """The literals that hold where `test` evaluated to `wanted` (a conjunction; may be empty)."""
    derived = _derived_test(test, facts) if type(test) is cst.Attribute else None
    if derived is not None:
        return _derived_literals(derived, wanted, facts, results)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return literals(test.expression, not wanted, facts, results)
    if isinstance(test, cst.BooleanOperation):
        conjunction = isinstance(test.operator, cst.And)
        if conjunction == wanted:  # `a and b` true, `a or b` false: both parts are known
            return literals(test.left, wanted, facts, results) + literals(test.right, wanted, facts, results)
        return _set_up_alternatives(test, wanted, facts, results)
    atom = _atom(test, facts, results)
    if atom is None:
        return []
    kind, found, operand, positive = atom
    return [(kind, found, operand, positive == wanted)]


def _set_up_alternatives(test: cst.BooleanOperation, wanted: bool, facts: FileFacts, results: Results) -> list[Literal]:
    """`not (_options and not force)`, after `if _options and not force: return _options`:
    one of the alternatives holds, kept as one ("any", None, alternatives, True) literal when
    each part is one literal and one tests a module global the function sets (lazy set-up,
    conclint.analysis.conditions); [] otherwise."""
    alternatives = _alternatives(test, wanted, facts, results)
    if alternatives is None or not any(literal[1][0] in SET_UP_KINDS for literal in alternatives if literal[1] is not None):
        return []
    return [("any", None, alternatives, True)]


def _alternatives(test: cst.BooleanOperation, wanted: bool, facts: FileFacts, results: Results) -> tuple[Literal, ...] | None:
    """The one literal of each part of `a or b or ...` (of `a and b` when `wanted` is false),
    one of which holds; None when a part is not one literal."""
    operator = type(test.operator)
    parts: list[cst.BaseExpression] = []
    pending: list[cst.BaseExpression] = [test]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.BooleanOperation) and type(current.operator) is operator:
            pending += [current.right, current.left]
        else:
            parts.append(current)
    alternatives = []
    for part in parts:
        found = literals(part, wanted, facts, results)
        if len(found) != 1:
            return None
        alternatives.append(found[0])
    return tuple(alternatives)


def _atom(test: cst.BaseExpression, facts: FileFacts, results: Results) -> tuple[str, Value, object, bool] | None:
    """(test, subject, operand, polarity) for `x`, `x is None`, `x is not None`, `x == 3`,
    `x != "a"`, `isinstance(x, T)`, `hasattr(x, "name")`; None for anything else."""
    if isinstance(test, (cst.Name, cst.Attribute)) or (type(test) is cst.Call and not test.args):
        found = subject(test, facts, results)
        return ("truthy", found, None, True) if found is not None else None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        found = subject(test.left, facts, results)
        if found is None:
            return None
        target = test.comparisons[0]
        operator, right = target.operator, target.comparator
        constant = constant_value(right)
        if constant is None:
            return None
        if isinstance(operator, (cst.Is, cst.IsNot)) and constant == ("c", None):
            return ("none", found, None, isinstance(operator, cst.Is))
        if isinstance(operator, (cst.Equal, cst.NotEqual)):
            return ("eq", found, constant[1], isinstance(operator, cst.Equal))
        return None
    if isinstance(test, cst.Call) and len(test.args) == 2 and not any(a.star or a.keyword for a in test.args):
        symbol = facts.resolve(test.func)
        if symbol is None or symbol.local or symbol.qualname not in ("builtins.isinstance", "builtins.hasattr"):
            return None
        found = subject(test.args[0].value, facts, results)
        if found is None:
            return None
        if symbol.qualname == "builtins.hasattr":  # `hasattr(db, "db_engine")`: None has no such attribute
            name = constant_value(test.args[1].value)
            return ("hasattr", found, name[1], True) if name is not None and isinstance(name[1], str) else None
        types = _type_names(test.args[1].value, facts)
        return ("isinstance", found, types, True) if types else None
    return None


def _type_names(node: cst.BaseExpression, facts: FileFacts) -> tuple[str, ...]:
    elements = [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]
    names = []
    for element in elements:
        symbol = facts.resolve(element)
        if symbol is None or symbol.instance or symbol.local:
            return ()  # a project class: instances of other types may not be told apart
        names.append(symbol.qualname)
    return tuple(names)


_NAMED_CONSTANTS = {"None": None, "True": True, "False": False}


def constant_value(node: cst.BaseExpression) -> Value | None:
    """("c", scalar) for a literal None, True, False, number or plain string."""
    kind = type(node)  # exact types: `isinstance` against libcst's ABCs is slow, and this runs per argument
    if kind is cst.Name:
        return ("c", _NAMED_CONSTANTS[node.value]) if node.value in _NAMED_CONSTANTS else None  # type: ignore[attr-defined]
    if kind is cst.Integer or kind is cst.Float:
        return ("c", node.evaluated_value)  # type: ignore[attr-defined]
    if kind is cst.Attribute or kind is cst.Call:
        return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = constant_value(node.expression)
        if inner is not None and isinstance(inner[1], (int, float)) and not isinstance(inner[1], bool):
            return ("c", -inner[1])
        return None
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        text = _plain_string(node)
        return ("c", text) if text is not None else None
    return None


def _nonempty_literal(node: cst.SimpleString) -> bool:
    body = node.value[len(node.prefix) :]
    quote = 3 if body[:3] in ('"""', "'''") else 1
    return len(body) > 2 * quote


def _plain_string(node: cst.SimpleString) -> str | None:
    """The value of a string literal without escapes, read off its source (most call
    arguments: `"rb"`, `"hard"`); others through libcst's evaluation, which compiles."""
    value = node.value
    if not node.prefix and "\\" not in value:
        quote = value[:3] if value[:3] in ('"""', "'''") else value[:1]
        return value[len(quote) : -len(quote)]
    evaluated = node.evaluated_value
    return evaluated if isinstance(evaluated, str) else None


def argument_value(node: cst.BaseExpression, facts: FileFacts) -> Value | None:
    """What a call site passes, as far as it can be told (see `conditions`)."""
    constant = constant_value(node) or _module_value(node, facts.constants, facts)
    if constant is not None:
        return constant
    found = subject(node, facts)
    if found is not None:
        return _typed_attribute(node, facts) if found[0] == "a" else found
    function = function_value(node, facts)
    if function is not None:
        return function
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        kind = "builtins.bytes" if isinstance(node, cst.SimpleString) else "builtins.str"
        truthy = _nonempty_literal(node) if isinstance(node, cst.SimpleString) else None
        return ("t", kind, truthy)
    display = _DISPLAYS.get(type(node))
    if display is not None:
        elements = node.elements  # type: ignore[attr-defined]
        starred = any(isinstance(e, (cst.StarredElement, cst.StarredDictElement)) for e in elements)
        return ("t", display, None if starred else bool(elements))
    if isinstance(node, (cst.Name, cst.Attribute)):
        # `session = requests.Session()` before `fetch(session, url)`: what `fetch` calls on
        # it may block (FunctionSummary.parameter_calls); and it is not None.
        typed = _typed(node, facts)
        if typed is not None:
            return typed
    if isinstance(node, cst.Name):  # `buf = BytesIO(body)` before `_md5sum(buf)`
        node = assigned_here(node, facts.scope)  # type: ignore[assignment]
    if isinstance(node, cst.Call):
        func = node.func
        last = last_name(func)
        if last not in _CONSTRUCTED_NAMES:
            return None  # resolving every call passed as an argument would cost more than it tells
        symbol = facts.resolve(func)
        if symbol is not None and not symbol.instance and not symbol.local and symbol.qualname in CONSTRUCTED_TYPES:
            return ("t", symbol.qualname, None)
    return None


def _module_value(node: cst.BaseExpression, values: Callable[[], Mapping[str, object]], facts: FileFacts) -> Value | None:
    """("c", value) for a name of the module that `values` (`facts.constants`, the names bound
    once to a literal and rebound by no `global`: valkey's `default_host = "127.0.0.1"`; or
    `facts.literals`, for a parameter's default: seleniumbase's `path=AUTO`, with `AUTO =
    None`) gives a value, where no local of that name hides it."""
    if type(node) is not cst.Name:
        return None
    name = node.value  # type: ignore[attr-defined]
    known = values()
    return ("c", known[name]) if name in known and _module_binding(name, facts) else None


def _module_binding(name: str, facts: FileFacts) -> bool:
    """Whether `name`, read where the traversal is, is the module's own binding of it."""
    binding = facts.scope.lookup(name)
    return binding is not None and binding is facts.module_scope.bindings.get(name)


def spread_value(args: Sequence[cst.Arg], facts: FileFacts) -> Value | None:
    """("*", name) when a call's positional arguments end with the caller's own `*name`
    passed on whole (`User(*content_items)`): its elements are what the caller's were."""
    positional = [arg for arg in args if not arg.keyword and arg.star != "**"]
    if not positional or positional[-1].star != "*" or any(arg.star for arg in positional[:-1]):
        return None
    value = positional[-1].value
    scope = _function_scope(facts.scope)
    if scope is None or not isinstance(value, cst.Name) or _spread_parameter(value, scope) is None:
        return None
    return ("*", value.value) if facts.scope.lookup(value.value) is scope.bindings.get(value.value) else None


def _typed_attribute(node: cst.BaseExpression, facts: FileFacts) -> Value:
    """`self.session` passed on: ("t", type) when the class sets it, once, to an object a call
    makes (`self.session = requests.Session()`), so that the callee's tests and what it calls
    on it can be told (FunctionSummary.parameter_calls); else the attribute, for the callee's
    tests."""
    typed = _typed(node, facts)  # type: ignore[arg-type]
    return typed if typed is not None and typed[0] == "t" else ("a", node.attr.value)  # type: ignore[attr-defined]


def _typed(node: cst.Name | cst.Attribute, facts: FileFacts) -> Value | None:
    """The value of a name or attribute that holds an object of a library type, unless the
    module set it non-blocking (`sock.setblocking(False)`): ("t", type) when a call the source
    shows made it (`session = requests.Session()`, `root = Path(a) if a else Path.cwd()`, an
    attribute the class sets once so), which the callee's tests may rely on; ("o", type) when
    the type comes from an annotation (`x: Path | None`), which only tells what a method
    called on it does."""
    held = facts.resolve(node)
    if held is None or not held.instance or held.local or dotted_name(node) in facts.nonblocking_handles:
        return None
    return ("t" if _made_by_call(node, facts) else "o", held.qualname, None)


def _made_by_call(node: cst.Name | cst.Attribute, facts: FileFacts) -> bool:
    if isinstance(node, cst.Name):
        binding = reaching_binding(node, facts.scope)
        return binding is not None and binding.kind == "assign" and binding.annotation is None and _made(binding.node)
    scope = _function_scope(facts.scope)
    owner = scope.parent if scope is not None else None
    if not isinstance(node.value, cst.Name) or owner is None or not isinstance(owner.node, cst.ClassDef):
        return False
    receiver = scope.bindings.get(node.value.value)  # type: ignore[union-attr]
    if receiver is None or receiver.kind != "self" or owner.parent is None or assignment_counts(owner.node, owner)[node.attr.value] != 1:
        return False
    held = instance_attributes(owner.node, owner.parent).get(node.attr.value)
    return held is not None and _made(held[0])


def _made(value: cst.CSTNode | None) -> bool:
    """A call, or a conditional expression of calls: what it holds was made there."""
    if isinstance(value, cst.IfExp):
        return _made(value.body) and _made(value.orelse)
    return isinstance(value, cst.Call)


def function_value(node: cst.BaseExpression, facts: FileFacts) -> Value | None:
    """("f", name) when `node` hands over a sync function of the project uncalled: its name
    (`load`, a function of this module, `<local>.`-prefixed; an imported one by its dotted
    name), `functools.partial(load, ...)`, or a lambda whose body is one call of it
    (`lambda: load(path)`); ("b", catalog name, category, display) for a lambda whose body
    is one blocking call (`lambda: requests.get(url)`). Found through bindings alone, but for
    lambdas: resolving every argument would cost more than it tells."""
    if isinstance(node, cst.Lambda):
        body = node.body
        if not isinstance(body, cst.Call):
            return None
        found = function_value(body.func, facts)
        if found is None and (match := facts.blocking_call(body)) is not None:
            return ("b", match.entry.qualname, match.entry.category.value, match.display)
        return found
    if isinstance(node, cst.Call) and last_name(node.func) == "partial" and node.args and node.args[0].keyword is None:
        return function_value(node.args[0].value, facts)
    if not isinstance(node, cst.Name):
        return None
    binding = reaching_binding(node, facts.scope)
    if binding is None:
        return None
    if binding.kind == "def" and isinstance(binding.node, cst.FunctionDef) and binding.node.asynchronous is None:
        return ("f", LOCAL + binding.target)
    if binding.kind == "import" and not binding.target.startswith(("builtins.", ".")) and not is_library_name(binding.target):
        return ("f", binding.target)
    return None


def parameters(node: cst.FunctionDef, facts: FileFacts) -> tuple[Param, ...]:
    """The parameters of `node`, with the defaults a call site can tell (literals)."""
    params = node.params
    found = []
    for kind, group in ((POSITIONAL_ONLY, params.posonly_params), (POSITIONAL, params.params), (KEYWORD_ONLY, params.kwonly_params)):
        for param in group:
            default = param.default
            value = argument_value(default, facts) if default is not None else None
            if value is not None and value[0] in PASSED_SUBJECTS:
                value = None
            if value is None and default is not None:
                value = _module_value(default, facts.literals, facts)
            found.append(Param(param.name.value, kind, default is not None, value))
    if isinstance(params.star_arg, cst.Param):
        found.append(Param(params.star_arg.name.value, VAR_POSITIONAL))
    if params.star_kwarg is not None:
        found.append(Param(params.star_kwarg.name.value, VAR_KEYWORD))
        named = {param.name for param in found}
        for statement, key in _taken_keywords(node):
            if key not in named:
                named.add(key)
                arguments = statement.value.args  # type: ignore[attr-defined]
                value = argument_value(arguments[1].value, facts) if len(arguments) == 2 else None
                found.append(Param(key, KEYWORD_ONLY, len(arguments) == 2, None if value and value[0] in PASSED_SUBJECTS else value))
    return tuple(found)


def _taken_keywords(function: cst.FunctionDef) -> list[tuple[cst.Assign, str]]:
    """The statements at the top of the function's body (after its docstring) that take a
    keyword out of its `**kwargs`, `source = kwargs.pop("source", None)` (or `.get`), with
    their keys: before anything else reads `kwargs`, the local holds what a call site passed
    under that keyword, or the default, as a keyword-only parameter would (newrelic's
    `FunctionTrace`)."""
    star = function.params.star_kwarg
    if star is None or not isinstance(function.body, cst.IndentedBlock):
        return []
    found: list[tuple[cst.Assign, str]] = []
    for position, line in enumerate(function.body.body):
        statement = line.body[0] if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None
        if position == 0 and isinstance(statement, cst.Expr) and isinstance(statement.value, cst.SimpleString):
            continue  # the docstring
        key = _key_taken(statement, star.name.value)
        if key is None:
            break
        found.append((statement, key))  # type: ignore[arg-type]
    return found


def _key_taken(statement: cst.CSTNode | None, kwargs: str) -> str | None:
    """The key of `name = kwargs.pop("key", default)` (or `.get`), `kwargs` the name given."""
    if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0].target, cst.Name)):
        return None
    call = statement.value
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or call.func.attr.value not in ("pop", "get"):
        return None
    if dotted_name(call.func.value) != kwargs or not 1 <= len(call.args) <= 2 or any(arg.keyword or arg.star for arg in call.args):
        return None
    key = call.args[0].value
    return key.evaluated_value if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str) else None


# Statements after which the rest of the enclosing block never runs: the function's, or, in a
# loop, the current round's (`if not load: continue` guards what follows in the loop body).
_LEAVES_BLOCK = (cst.Return, cst.Raise, cst.Continue, cst.Break)


def terminates(block: cst.BaseSuite) -> bool:
    """Whether running `block` never reaches its end: it ends in `return`, `raise`,
    `continue` or `break`, or in an `if` whose every branch does."""
    if not isinstance(block, cst.IndentedBlock):
        body = block.body if isinstance(block, cst.SimpleStatementSuite) else ()
        return bool(body) and isinstance(body[-1], _LEAVES_BLOCK)
    if not block.body:
        return False
    last = block.body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return bool(last.body) and isinstance(last.body[-1], _LEAVES_BLOCK)
    if isinstance(last, cst.If):
        return _if_terminates(last)
    return False


def _if_terminates(node: cst.If) -> bool:
    orelse = node.orelse
    if orelse is None or not terminates(node.body):
        return False
    return _if_terminates(orelse) if isinstance(orelse, cst.If) else terminates(orelse.body)


def after_if(node: cst.If, facts: FileFacts, results: Results = None) -> list[Literal]:
    """What holds after an `if` statement to the end of its block, from branches that end in
    `return`, `raise`, `continue` or `break` (`if not path: return` leaves `path` truthy)."""
    found: list[Literal] = []
    current: cst.If | None = node
    while current is not None:
        orelse = current.orelse
        if terminates(current.body):
            found += literals(current.test, False, facts, results)
        elif isinstance(orelse, cst.Else) and terminates(orelse.body):
            found += literals(current.test, True, facts, results)
            return found
        else:
            return found
        current = orelse if isinstance(orelse, cst.If) else None
    return found


def iteration_literals(iterable: cst.BaseExpression, facts: FileFacts) -> list[Literal]:
    """What holds in the body of a loop over `iterable`: it is not empty, so a parameter or
    attribute iterated is truthy, and `[x] if test else []` took its non-empty branch."""
    found = subject(iterable, facts)
    if found is not None:
        return [("truthy", found, None, True)]
    if isinstance(iterable, cst.IfExp):
        if _empty_display(iterable.orelse):
            return literals(iterable.test, True, facts)
        if _empty_display(iterable.body):
            return literals(iterable.test, False, facts)
    return []


def _empty_display(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.List, cst.Tuple)) and not node.elements or is_none(node)


__all__ = [
    "CONSUMERS",
    "after_if",
    "argument_value",
    "constant_value",
    "iteration_literals",
    "literals",
    "parameters",
    "subject",
    "terminates",
]
