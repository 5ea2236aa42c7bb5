"""The Python examples of docs/sdk-receivables.md (and any of README.md) run as written against today's API.

Each ```python block is compiled; each name it imports is imported; and each call it makes of the SDK is bound to
the real signature (a renamed or removed keyword, a positional argument too many, a method no longer there fail),
following what the calls return by their annotations, so that an attribute read of a result (``page.collisions``,
``report.checks``, ``event.block_number``) must be one the returned model has. The examples use clients they do not
build (``supplier``, ``bank_client``...): FREE_NAMES says what each is; a block that reads an attribute of a name
neither it nor FREE_NAMES gives fails, so that a new example is checked too. An ``except`` clause must name an
exception the block imports (or a builtin), and what ``except (A, B) as error`` binds is read as either."""

from __future__ import annotations

import ast
import builtins
import collections.abc
import dataclasses
import importlib
import inspect
import re
import textwrap
import types
import typing
from pathlib import Path

from client.receivables import ReceivablesClient
from client.receivables._events import ReceivablesEvents

ROOT = Path(__file__).resolve().parents[3]
DOCS = [ROOT / "docs" / "sdk-receivables.md", ROOT / "README.md"]


@dataclasses.dataclass(frozen=True)
class Instance:
    """A value of class ``cls`` (what a call returns, what an annotation says)."""

    cls: type


@dataclasses.dataclass(frozen=True)
class AnyOf:
    """A value of any one of ``classes`` (what ``except (A, B) as error`` binds): an attribute read of it must be one
    each of them has."""

    classes: tuple[type, ...]


@dataclasses.dataclass(frozen=True)
class Items:
    """An iterable whose items are of ``item`` (a list, an iterator), as a ``for`` or ``list(...)`` reads it."""

    item: object


FREE_NAMES = {
    # the clients the examples act through, built as the first example builds ``receivables``
    **{name: Instance(ReceivablesClient) for name in ("receivables", "client", "bank_client", "holder_client",
                                                      "regulator_client", "supplier", "core")},
    # the stream of the event follower, read again by the example after it
    "events": Instance(ReceivablesEvents),
}


UNANNOTATED_RETURNS = {
    # what a method without a return annotation (one body for both clients) gives the blocking client
    (ReceivablesClient, "events"): Instance(ReceivablesEvents),
}


def python_blocks() -> list[tuple[str, int, str]]:
    """Every ```python block of the docs: (doc, line of its fence, code)."""
    blocks = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
            blocks.append((doc.name, text[:match.start()].count("\n") + 1, match.group(1)))
    return blocks


def _type_of_annotation(annotation: object) -> object:
    """What an annotation says a value is: an Instance, Items of one, or None where it says nothing checkable."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _type_of_annotation(kinds[0]) if len(kinds) == 1 else None
    if origin is typing.Annotated:
        return _type_of_annotation(typing.get_args(annotation)[0])
    if origin is not None and isinstance(origin, type) and issubclass(origin, collections.abc.Iterable) \
            and not issubclass(origin, (str, bytes, tuple, collections.abc.Mapping)):
        arguments = typing.get_args(annotation)
        return Items(_type_of_annotation(arguments[0])) if arguments else None
    if isinstance(annotation, type) and annotation.__module__.split(".")[0] in ("client", "chaincode"):
        return Instance(annotation)
    return None


def _returned(function: object) -> object:
    """What calling ``function`` gives, from its return annotation (a class called gives an instance of it)."""
    if isinstance(function, type):
        return Instance(function)
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:   # noqa: BLE001 - an annotation this test cannot resolve says nothing checkable
        return None
    return _type_of_annotation(hints["return"]) if "return" in hints else None


def _items_of(iterated: object) -> object:
    """What a ``for`` over ``iterated`` reads: Items as they are, and the items of an object iterable by its class."""
    if isinstance(iterated, Instance) and hasattr(iterated.cls, "__iter__"):
        return _returned(iterated.cls.__iter__)
    return iterated


def _subclasses(cls: type) -> list[type]:
    """Every class derived from ``cls``, however far down."""
    found = []
    for kind in cls.__subclasses__():
        found += [kind, *_subclasses(kind)]
    return found


def _fields_of(cls: type) -> set[str]:
    """The attributes an instance of ``cls`` has beyond those of the class: model and dataclass fields, annotated
    names, and what its ``__init__`` sets."""
    names = set(getattr(cls, "model_fields", {}) or {})
    if dataclasses.is_dataclass(cls):
        names |= {field.name for field in dataclasses.fields(cls)}
    for klass in cls.__mro__:
        names |= set(getattr(klass, "__annotations__", {}))
        names |= _set_in_init(klass)
    return names


def _set_in_init(klass: type) -> set[str]:
    """The attributes ``klass.__init__`` sets on ``self`` (``self.last_raw = None``), which the class does not hold."""
    init = klass.__dict__.get("__init__")
    if init is None or not getattr(init, "__module__", "").startswith(("client.", "chaincode.")):
        return set()
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (OSError, TypeError):   # an __init__ made at run time (a dataclass's) sets its fields only
        return set()
    return {target.attr for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"}


class _Checker(ast.NodeVisitor):
    """Walks one block: ``scope`` maps its names to what they hold (a real object, an Instance, Items, or None for
    a value not checked); ``problems`` gathers what does not hold of today's API; ``checked`` counts the calls and
    attribute reads it could check, so that a block is not passed by checking nothing."""

    def __init__(self) -> None:
        self.scope: dict[str, object] = {}
        self.problems: list[str] = []
        self.checked = 0
        self._assigned: set[str] = set()

    # -------------------------------------------------------------- statements

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            module = importlib.import_module(alias.name)
            self.scope[alias.asname or alias.name.split(".")[0]] = module if alias.asname else \
                importlib.import_module(alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = importlib.import_module(node.module or "")
        for alias in node.names:
            if not hasattr(module, alias.name):
                self.problems.append(f"line {node.lineno}: {node.module} has no {alias.name}")
                self.scope[alias.asname or alias.name] = None
            else:
                self.scope[alias.asname or alias.name] = getattr(module, alias.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = self.evaluate(node.value)
        for target in node.targets:
            self._bind(target, value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, self.evaluate(node.value))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.evaluate(node.value)

    def visit_For(self, node: ast.For) -> None:
        iterated = _items_of(self.evaluate(node.iter))
        self._bind(node.target, iterated.item if isinstance(iterated, Items) else None)
        for statement in node.body + node.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            value = self.evaluate(item.context_expr)
            if item.optional_vars is not None:
                entered = value
                if isinstance(value, Instance) and hasattr(value.cls, "__enter__"):
                    entered = _returned(value.cls.__enter__) or value
                self._bind(item.optional_vars, entered)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for argument in node.args.args + node.args.kwonlyargs:
            annotation = self.evaluate(argument.annotation) if argument.annotation is not None else None
            self._bind(ast.Name(argument.arg), Instance(annotation) if isinstance(annotation, type) else None)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Try(self, node: ast.Try) -> None:
        for statement in node.body:
            self.visit(statement)
        for handler in node.handlers:
            caught = self._caught(handler.type) if handler.type is not None else None
            if handler.name:
                self._bind(ast.Name(handler.name), caught)
            for statement in handler.body:
                self.visit(statement)
        for statement in node.orelse + node.finalbody:
            self.visit(statement)

    def _caught(self, node: ast.expr) -> object:
        """What an ``except`` clause binds its name to: an Instance of the exception class it names, AnyOf the classes
        of a tuple, None where that is not known. An exception named that is neither made in the example nor a
        builtin (one removed from the SDK, or no longer imported by the block) is a problem: the clause would raise
        NameError the first time an exception reached it."""
        elements = node.elts if isinstance(node, ast.Tuple) else [node]
        classes = []
        for element in elements:
            caught = self.evaluate(element)
            if isinstance(element, ast.Name) and caught is None and element.id not in self.scope \
                    and element.id not in FREE_NAMES:
                self.problems.append(f"line {element.lineno}: except {element.id}: {element.id} is neither imported "
                                     "in the example nor a builtin")
            classes.append(caught)
        if not all(isinstance(caught, type) for caught in classes):
            return None
        return Instance(classes[0]) if len(classes) == 1 else AnyOf(tuple(classes))

    def visit_Expr(self, node: ast.Expr) -> None:
        self.evaluate(node.value)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None:
            self.evaluate(node.value)

    def visit_If(self, node: ast.If) -> None:
        self.evaluate(node.test)
        for statement in node.body + node.orelse:
            self.visit(statement)

    visit_While = visit_If

    def _bind(self, target: ast.AST, value: object) -> None:
        if isinstance(target, ast.Name):
            self.scope[target.id] = value
            self._assigned.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, None)

    # -------------------------------------------------------------- expressions

    def evaluate(self, node: ast.AST | None) -> object:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Await):
            return self.evaluate(node.value)
        if isinstance(node, ast.Constant):
            return node.value
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.evaluate(child)
            elif isinstance(child, ast.comprehension):
                self.evaluate(child.iter)
        return None

    def _name(self, node: ast.Name) -> object:
        if node.id in self.scope:
            return self.scope[node.id]
        if node.id in FREE_NAMES:
            return FREE_NAMES[node.id]
        return getattr(builtins, node.id, None)

    def _attribute(self, node: ast.Attribute) -> object:
        owner = self.evaluate(node.value)
        if isinstance(node.value, ast.Name) and owner is None and node.value.id not in self._assigned \
                and node.value.id not in self.scope:
            self.problems.append(f"line {node.lineno}: {node.value.id}.{node.attr}: {node.value.id} is neither "
                                 "made in the example nor named in FREE_NAMES, so nothing of it can be checked")
            return None
        if isinstance(owner, AnyOf):
            found = [self._attribute_of(cls, node) for cls in owner.classes]
            return found[0] if all(each == found[0] for each in found) else None
        if isinstance(owner, Instance):
            return self._attribute_of(owner.cls, node)
        if owner is None or isinstance(owner, (Items, tuple)):
            return None
        if not hasattr(owner, node.attr):
            self.problems.append(f"line {node.lineno}: {getattr(owner, '__name__', owner)!s} has no {node.attr}")
            return None
        self.checked += 1
        return getattr(owner, node.attr)

    def _attribute_of(self, cls: type, node: ast.Attribute) -> object:
        """What ``node`` reads of an instance of ``cls``; a problem if no such instance has it."""
        self.checked += 1
        if node.attr in _fields_of(cls):
            try:
                hints = typing.get_type_hints(cls, include_extras=True)
            except Exception:   # noqa: BLE001 - a hint this test cannot resolve says nothing checkable
                hints = {}
            if node.attr in hints:
                return _type_of_annotation(hints[node.attr])
            field = getattr(cls, "model_fields", {}).get(node.attr)
            return _type_of_annotation(field.annotation) if field is not None else None
        if not hasattr(cls, node.attr):
            # a method annotated with a family's base class (``typed() -> EventDetails``) gives one of its
            # subclasses: an attribute of none of them is what is refused
            if not any(node.attr in _fields_of(kind) or hasattr(kind, node.attr) for kind in _subclasses(cls)):
                self.problems.append(f"line {node.lineno}: {cls.__name__} has no attribute {node.attr}")
            return None
        member = inspect.getattr_static(cls, node.attr)
        if isinstance(member, property):
            return _returned(member.fget)
        if callable(getattr(cls, node.attr)):
            return ("method", cls, node.attr)
        return None

    def _call(self, node: ast.Call) -> object:
        function = self.evaluate(node.func)
        arguments = [self.evaluate(argument) for argument in node.args]
        for keyword in node.keywords:
            self.evaluate(keyword.value)
        if function is None or isinstance(function, (Instance, AnyOf, Items)):
            return None
        if function is list and len(arguments) == 1:
            return _items_of(arguments[0])
        if function is next and len(arguments) == 1 and isinstance(arguments[0], Instance) \
                and hasattr(arguments[0].cls, "__next__"):
            return _returned(arguments[0].cls.__next__)
        if isinstance(function, tuple) and function[0] == "method":
            _, cls, name = function
            target, bound_to_self = getattr(cls, name), not isinstance(inspect.getattr_static(cls, name), staticmethod)
            where = f"{cls.__name__}.{name}"
            returned = UNANNOTATED_RETURNS.get((cls, name))
        elif callable(function) and getattr(function, "__module__", "").split(".")[0] in ("client", "chaincode"):
            target, bound_to_self, where = function, False, getattr(function, "__qualname__", repr(function))
            returned = None
        else:
            return None
        returned = returned or _returned(target)
        try:
            signature = inspect.signature(target)
        except (TypeError, ValueError):
            return returned
        placeholders = [object()] * (len(node.args) + bound_to_self)
        keywords = {keyword.arg: object() for keyword in node.keywords if keyword.arg is not None}
        if any(isinstance(argument, ast.Starred) for argument in node.args) \
                or any(keyword.arg is None for keyword in node.keywords):
            return returned
        self.checked += 1
        try:
            signature.bind(*placeholders, **keywords)
        except TypeError as refused:
            self.problems.append(f"line {node.lineno}: {where}{signature} does not take this call: {refused}")
        return returned


def check(code: str) -> _Checker:
    checker = _Checker()
    for statement in ast.parse(code).body:
        checker.visit(statement)
    return checker


def test_every_python_example_of_the_sdk_docs_compiles_and_calls_the_api_as_it_is():
    blocks = python_blocks()
    assert len(blocks) >= 10, "the examples were not found: has the doc moved?"
    problems = []
    for doc, line, code in blocks:
        try:
            compile(code, f"{doc}:{line}", "exec")
        except SyntaxError as error:
            problems.append(f"{doc}:{line}: does not compile: {error}")
            continue
        checker = check(code)
        problems += [f"{doc}:{line}: {problem}" for problem in checker.problems]
        if checker.checked == 0:
            problems.append(f"{doc}:{line}: nothing of it could be checked against the API")
    assert problems == []


def test_a_renamed_keyword_a_missing_method_and_a_field_no_model_has_are_each_found():
    """The checker finds what a doc written against an older API would hold (so that the test above can fail)."""
    found = check(
        "from client.receivables import ReceivablesClient, RACE_RETRY\n"
        "receivables = ReceivablesClient(contract, network, retry_policy=RACE_RETRY)\n"
        "page = supplier.upgrade_ledger(page_size=20, bookmark='')\n"
        "for c in page.collisions:\n"
        "    print(c.fingerprint, c.no_such_field)\n"
        "supplier.register(registration)\n"
        "held = bank_client.financier_exposure('91320500MA1K00003D')\n"
        "held.committed_in('CNY', 'EUR')\n"
        "unknown.confirm('R-1')\n").problems
    assert len(found) == 5, found
    assert "retry_policy" in found[0] and "no_such_field" in found[1] and "no attribute register" in found[2]
    assert "committed_in" in found[3] and "unknown is neither made" in found[4]


def _resolves(dotted: str) -> bool:
    """Whether ``dotted`` (``client.ledger.qscc.ask_own_org``) names a module and then attributes of what it holds."""
    parts = dotted.split(".")
    for length in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:length]))
        except ImportError:
            continue
        for name in parts[length:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def test_every_dotted_name_of_the_sdk_in_the_docs_code_spans_is_there():
    """```client.ledger.qscc.ask_own_org```, ```client.receivables.to_fen```...: a module or a name of one that was
    moved or renamed fails; ``client.get_receivable(...)`` is the docs' name for a client, a ReceivablesClient."""
    missing = []
    for doc in DOCS:
        for span in re.findall(r"`([^`\n]+)`", doc.read_text(encoding="utf-8")):
            for dotted in re.findall(r"\b((?:client|chaincode)(?:\.[A-Za-z_]\w*)+)", span):
                as_a_client = dotted.startswith("client.") and hasattr(ReceivablesClient, dotted.split(".")[1])
                if not _resolves(dotted) and not as_a_client:
                    missing.append(f"{doc.name}: {span} ({dotted})")
    assert missing == []


def test_an_exception_no_longer_there_and_a_field_of_a_caught_one_are_each_found():
    """An ``except`` clause naming an exception the block neither imports nor has as a builtin (a class removed
    from the SDK, with its import), and an attribute read of what ``except (A, B) as error`` caught that either class
    lacks (a renamed error field), fail the check as a renamed keyword does."""
    found = check(
        "from client.receivables import RefusedBeforeSending, RuleViolation\n"
        "try:\n"
        "    supplier.transfer('R-1', '91320500MA1K00003D', 1)\n"
        "except (RefusedBeforeSending, RuleViolation) as refused:\n"
        "    print(refused.rule, refused.no_such_detail)\n"
        "except (ArgumentRefused, TimeoutError):\n"
        "    pass\n").problems
    assert len(found) == 3, found
    assert "RefusedBeforeSending has no attribute no_such_detail" in found[0]
    assert "RuleViolation has no attribute no_such_detail" in found[1]
    assert "except ArgumentRefused: ArgumentRefused is neither imported" in found[2]
