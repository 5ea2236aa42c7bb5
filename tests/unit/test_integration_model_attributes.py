"""Every attribute the integration tests read from what the SDK returns, an error they expect or a fixture's object
is one its class has.

The integration tests (tests/integration) need a real Fabric network and skip without one, so a test reading
``claim.status`` of a Receivable whose field was renamed, or ``page.items`` of a Page that says ``records``, would
fail there only once a network runs them. Here the type of each value the tests get from the SDK is followed
through their source, as a type checker would, and each attribute read of it is looked up on its class (a pydantic
model's or a dataclass's fields, what another class of the project sets on ``self``, properties and methods), never
run:

- a test's parameter named as a fixture whose return annotation is a project class is of that class
  (``fabric_network``, ``receivables_deployed``: the network package's ``Network``);
- a call of a method of ``ReceivablesClient`` or ``AsyncReceivablesClient`` (awaited or not) has the type the
  method's annotation gives, and so has a call of a function the test imports or defines with an annotated return
  (``register_claim(...) -> Receivable``, ``ReceivableAudit.of(...).audit(...)``), a method of a value of a known
  class its annotated return (``fabric_network.status()``: a list of NodeStatus), and a class the test makes;
- a name assigned such a value (``claim = tier1.client.register_receivable(...)``) has its type in the rest of the
  function, and a name assigned values of different types, none;
- an element of a list, an iterator or a page (``for entry in history``, ``page.records[0]``,
  ``async for claim in client.iter_receivables(...)``, a comprehension's) has the element's type;
- an attribute of a model has its field's type (``claim.last.tx_id``), a property's or a method's return type;
- the error a ``with pytest.raises(RuleViolation) as refused`` expects is ``refused.value``, and ``except
  CommitStatusError as waited`` makes ``waited`` one: an attribute read of it (``refused.value.rule``) is one its
  classes set (``self.rule = ...``) or define.

A value of an SDK method named as one of the Gateway's (``events``, ``wait_for_block``) or a built-in type's
method is not followed: its object may be either's.
"""
from __future__ import annotations

import ast
import collections.abc
import dataclasses
import functools
import importlib
import inspect
import textwrap
import types
import typing
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import pydantic

from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation

from .test_integration_gateway_network_calls import fixture_classes
from .test_integration_sdk_calls import SDK_METHODS

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
PROJECT = ("bench", "chaincode", "cli", "client", "network")
ELEMENT_OF = (list, tuple, collections.abc.Iterator, collections.abc.AsyncIterator, collections.abc.Iterable,
              collections.abc.AsyncIterable, collections.abc.Sequence)


class Read(NamedTuple):
    where: str                  # "tests/integration/test_x.py:12"
    shown: str                  # "claim.status"
    models: tuple[type, ...]    # the value read is of one of these
    attribute: str


def hints_of(function: Any) -> Any:
    """A callable's return type, or None when it has none that resolves."""
    try:
        return typing.get_type_hints(function).get("return")
    except Exception:           # a name its module imports only for type checkers: not followed
        return None


def is_model(kind: Any) -> bool:
    return inspect.isclass(kind) and (issubclass(kind, pydantic.BaseModel) or dataclasses.is_dataclass(kind)
                                      or is_project_error(kind) or is_project_class(kind))


def is_project_class(kind: type) -> bool:
    """A class of the project (the network package's Network...): its attributes are what it defines and what its
    classes set on ``self``."""
    return kind.__module__.split(".")[0] in PROJECT and not issubclass(kind, types.ModuleType)


def is_project_error(kind: type) -> bool:
    return issubclass(kind, BaseException) and kind.__module__.split(".")[0] in PROJECT


class Raised:
    """What ``pytest.raises(kind) as name`` gives ``name``: its ``value`` is a ``kind``."""

    def __init__(self, kind: type) -> None:
        self.kind = kind


def attributes_set_by(kind: type) -> dict[str, Any]:
    """The attributes an error's classes set on it (``self.rule = rule`` in its ``__init__``), their types unknown."""
    found: dict[str, Any] = {}
    for owner in kind.__mro__:
        if owner.__module__.split(".")[0] not in PROJECT:
            continue
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(owner)))):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                    and isinstance(node.value, ast.Name) and node.value.id == "self":
                found.setdefault(node.attr, None)
    return found


@functools.cache
def fields_of(model: type) -> dict[str, Any]:
    """A model's fields -> their types: a pydantic model's, a dataclass's (with what its ``__post_init__`` sets), or
    what another class of the project, an error among them, sets on ``self`` (its types unknown)."""
    if issubclass(model, pydantic.BaseModel):
        return {name: field.annotation for name, field in model.model_fields.items()}
    if not dataclasses.is_dataclass(model):
        return attributes_set_by(model)
    try:
        hints = typing.get_type_hints(model)
    except Exception:           # a name its module imports only for type checkers: the fields, their types unknown
        hints = {}
    return {**attributes_set_by(model), **{field.name: hints.get(field.name) for field in dataclasses.fields(model)}}


def models_in(hint: Any) -> tuple[type, ...] | None:
    """The models (pydantic's, dataclasses) a value of ``hint`` is one of; None when it may be anything else too."""
    if is_model(hint):
        return (hint,)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        found = [models_in(arm) for arm in typing.get_args(hint) if arm is not type(None)]
        if found and all(found):
            return tuple(model for models in found for model in models)
    return None


def element_of(hint: Any) -> Any:
    """The type of an element of ``hint`` (a list, an iterator, a page's records), or None."""
    origin = typing.get_origin(hint)
    if origin in ELEMENT_OF and typing.get_args(hint):
        return typing.get_args(hint)[0]
    models = models_in(hint)
    if models and len(models) == 1 and "records" in fields_of(models[0]):
        return element_of(fields_of(models[0])["records"])
    return None


def attribute_type(models: tuple[type, ...], name: str) -> Any:
    """The type of attribute ``name`` of a value of ``models``: its field's, or its property's or method's."""
    found = []
    for model in models:
        if name in fields_of(model):
            found.append(fields_of(model)[name])
            continue
        member = inspect.getattr_static(model, name, None)
        if isinstance(member, property):
            found.append(hints_of(member.fget))
        elif member is not None:
            found.append(member)            # a method: its calls are typed in ``value_type``
    return found[0] if len(found) == 1 else None


def has_attribute(model: type, name: str) -> bool:
    # a class of the project answering any name (a ``__getattr__`` passing reads on) has every attribute
    answers_any = any("__getattr__" in vars(owner) for owner in model.__mro__
                      if owner.__module__.split(".")[0] in PROJECT)
    return name in fields_of(model) or hasattr(model, name) or answers_any


class Reader(ast.NodeVisitor):
    """Follows the SDK's values through one function (and the module's top level) and notes each attribute read."""

    def __init__(self, name: str, module_globals: dict[str, Any], fixtures: dict[str, type] | None = None) -> None:
        self.name, self.globals = name, module_globals
        self.fixtures = fixtures or {}          # a test's parameter of that name is of that class
        self.reads: list[Read] = []
        self.scopes: list[dict[str, Any]] = [{}]

    # ---- the type of an expression
    def value_type(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Await):
            return self.value_type(node.value)
        if isinstance(node, ast.Name):
            return self.scopes[-1].get(node.id)
        if isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Attribute) and called.attr in SDK_METHODS:
                return hints_of(getattr(ReceivablesClient, called.attr, None)
                                or getattr(AsyncReceivablesClient, called.attr))
            if isinstance(called, ast.Attribute):
                method = self.value_type(called)
                return hints_of(method) if callable(method) and not inspect.isclass(method) else None
            if isinstance(called, ast.Name) and is_model(self.globals.get(called.id)):
                return self.globals[called.id]                  # a model made by the test
            if isinstance(called, ast.Name) and callable(self.globals.get(called.id)) \
                    and not inspect.isclass(self.globals[called.id]):
                return hints_of(self.globals[called.id])
            if isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name) \
                    and inspect.isclass(self.globals.get(called.value.id)):
                return hints_of(getattr(self.globals[called.value.id], called.attr, None))  # ``Class.of(...)``
            return None
        if isinstance(node, ast.Attribute):
            owner = self.value_type(node.value)
            if isinstance(owner, Raised):
                return owner.kind if node.attr == "value" else None
            models = models_in(owner)
            return attribute_type(models, node.attr) if models else None
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            return element_of(self.value_type(node.value))
        return None

    # ---- names given values
    def bind(self, target: ast.AST, hint: Any) -> None:
        if isinstance(target, ast.Name):
            scope = self.scopes[-1]
            if target.id in scope and scope[target.id] != hint:
                hint = None                 # given values of different types: not followed
            scope[target.id] = hint

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            raised = self.raised_by(item.context_expr)
            if raised is not None and item.optional_vars is not None:
                self.bind(item.optional_vars, Raised(raised))
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def raised_by(self, node: ast.AST) -> type | None:
        """The project's error ``pytest.raises(Error)`` expects, or None."""
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "pytest.raises" and node.args \
                and isinstance(node.args[0], ast.Name):
            kind = self.globals.get(node.args[0].id)
            return kind if inspect.isclass(kind) and is_project_error(kind) else None
        return None

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        kind = self.globals.get(node.type.id) if isinstance(node.type, ast.Name) else None
        if node.name and inspect.isclass(kind) and is_project_error(kind):
            self.bind(ast.Name(node.name), kind)
        for statement in node.body:
            self.visit(statement)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.bind(target, self.value_type(node.value))
            self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self.bind(node.target, self.value_type(node.value))

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.bind(node.target, element_of(self.value_type(node.iter)))
        for statement in (*node.body, *node.orelse):
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.visit(node.iter)
        self.bind(node.target, element_of(self.value_type(node.iter)))
        for condition in node.ifs:
            self.visit(condition)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        for generator in node.generators:          # the targets first: the element reads them
            self.visit_comprehension(generator)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        # a nested function reads its enclosing function's names (a closure), its parameters shadowing them; a
        # parameter named as a fixture whose return annotation is a project class (``fabric_network``) is one
        scope = dict(self.scopes[-1])
        for argument in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            scope.pop(argument.arg, None)
            if argument.arg in self.fixtures:
                scope[argument.arg] = self.fixtures[argument.arg]
        self.scopes.append(scope)
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    # ---- the reads
    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        if isinstance(node.ctx, ast.Load):
            models = models_in(self.value_type(node.value))
            if models:
                self.reads.append(Read(f"{self.name}:{node.lineno}", ast.unparse(node), models, node.attr))


def reads_of(source: str, name: str, module_globals: dict[str, Any],
             fixtures: dict[str, type] | None = None) -> Iterator[Read]:
    reader = Reader(name, module_globals, fixtures)
    reader.visit(ast.parse(source))
    yield from reader.reads


def problem(read: Read) -> str | None:
    """Why no model ``read``'s value may be has its attribute, or None."""
    if any(has_attribute(model, read.attribute) for model in read.models):
        return None
    fields = sorted({field for model in read.models for field in fields_of(model)})
    return (f"{' | '.join(model.__name__ for model in read.models)} has no {read.attribute!r} "
            f"(its fields: {', '.join(fields)})")


def module_of(path: Path) -> dict[str, Any]:
    return vars(importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts)))


READS = [read for path in sorted(INTEGRATION.glob("*.py"))
         for read in reads_of(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), module_of(path),
                              fixture_classes(importlib.import_module(module_of(path)["__name__"])))]


def test_every_attribute_the_integration_tests_read_of_a_result_or_a_fixture_is_its_classes():
    bad = [f"{read.where}: {read.shown}: {why}" for read in READS if (why := problem(read))]
    assert not bad, ("attribute(s) the integration tests read of an SDK result, an error or a fixture that its class "
                     "does not have; fix the test (or the class, if the test is right):\n" + "\n".join(bad))


def test_the_collection_finds_the_reads():
    """Guards the test above against passing because it followed nothing."""
    found = {(read.where.split(":")[0].removeprefix("tests/integration/"), read.shown) for read in READS}
    for expected in [
        ("test_receivables_on_the_network.py", "claim.id"),                     # of register_claim's Receivable
        ("test_async_sdk_on_the_network.py", "refused_page.records"),           # an awaited page
        ("test_audit_on_the_network.py", "written[0].msp_id"),                  # an element of a list
    ]:
        assert expected in found, (expected, sorted(found)[:20])
    assert len(READS) > 200


WRONG = '''
from tests.integration.conftest import register_claim

def test_it(tier1, core):
    claim = register_claim(tier1, core, "100.00")
    assert claim.status == "REGISTERED"
    assert claim.state == "REGISTERED"
    assert claim.last.tx_hash
    page = tier1.client.list_by_status("REGISTERED", page_size=5)
    assert [r.holder for r in page.records] and page.items
    for entry in tier1.client.history(claim.id):
        assert entry.txid
    async def later(fabric_network):
        assert (await tier1.client.get_receivable(claim.id)).face
        assert fabric_network.data_dir and fabric_network.status()[0].kind_of
    with pytest.raises(RuleViolation) as refused:
        tier1.client.confirm(claim.id)
    assert refused.value.rule == "role-not-permitted" and refused.value.code
    try:
        tier1.client.confirm(claim.id)
    except RuleViolation as again:
        assert again.detail and again.reason
'''


def test_a_renamed_field_a_field_of_a_nested_model_an_errors_and_a_fixtures_attribute_are_found():
    from tests.integration import conftest

    reads = list(reads_of(WRONG, "test_wrong.py", {**vars(conftest), "RuleViolation": RuleViolation},
                          fixture_classes(conftest)))
    bad = {read.shown: problem(read) for read in reads if problem(read)}
    assert set(bad) == {"claim.state", "claim.last.tx_hash", "page.items", "entry.txid",
                        "(await tier1.client.get_receivable(claim.id)).face", "refused.value.code",
                        "again.reason", "fabric_network.data_dir", "fabric_network.status()[0].kind_of"}, bad
    assert bad["claim.state"].startswith("Receivable has no 'state' (its fields: ")
    assert {read.shown for read in reads} >= {"claim.status", "r.holder", "claim.last", "refused.value.rule",
                                              "again.detail"}
    assert bad["refused.value.code"].startswith("RuleViolation has no 'code' (its fields: ")
    assert bad["fabric_network.data_dir"].startswith("Network has no 'data_dir' (its fields: ")     # the fixture's
    assert bad["fabric_network.status()[0].kind_of"].startswith("NodeStatus has no 'kind_of'")
