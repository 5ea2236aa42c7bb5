"""Every ```python block of README.md and docs/*.md fits the real SDK: nothing it names is renamed or unbuilt.

Integrators copy these blocks, so a renamed method or keyword must fail here rather than in their code. The
blocks are parsed and never run here (most need a network; test_documented_python_runs.py runs the pages' that
need none). Each block is parsed with ``compile(...,
ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)``, so ``await``, ``async with`` and ``async for`` may
stand at top level, as a reader inside a coroutine writes them. Then:

- every ``import X`` / ``from X import Y`` imports (the project or an installed dependency), and each ``Y``
  is an attribute or submodule of ``X``;
- every name read is imported or bound somewhere in the same document, a builtin, or declared in
  ``READER_NAMES`` below (what a document uses without defining: ``contract`` is a ``client.gateway.Contract``,
  ``pin`` is the reader's own); any other name fails;
- types are followed only from the SDK's own annotations, never guessed: a module or class named through
  imports; an instance made by calling a class; what a function, method or property returns
  (``inspect.signature(f).return_annotation``, read in the function's module), through ``with`` (the return
  of ``__enter__``/``__aenter__``), ``for`` (of ``__next__``/``__anext__``, or the item type of a
  ``list[X]``/``Iterator[X]``), ``await``, tuple unpacking of ``tuple[A, B]``, ``X | None`` (as ``X``),
  ``Self`` and a generic class's type variables. Names keep their types from block to block of a document,
  in order. A function parameter annotated with a known class has that type in the function body. One rule
  follows the SDK's twins: from an object of an ``Async...`` class of ``client.gateway`` or
  ``client.receivables``, a method annotated to return ``X`` returns ``AsyncX`` when that twin exists (as
  ``get_network`` on an ``AsyncGateway`` gives an ``AsyncNetwork``);
- on a value of known type, every call is bound with ``inspect.signature(f).bind`` against placeholder values
  (keyword names exist, required parameters are given, no extra positionals), and every attribute read must
  exist: on the class (methods, properties, cached properties, class attributes, descriptors such as protobuf fields), in its
  annotations (dataclass, NamedTuple and pydantic fields), or assigned as ``self.<name>`` in a method of the
  class or its bases;
- each class named in ``except X`` exists and is an exception.

A block of Python fenced as anything but exactly ```python (```py, ```Python, ```python3, or untagged Python that
imports) fails, as it would otherwise go unchecked without a word; so does a document of the SDKs that yields no
block, or one whose ```python fences are not all found.

Not checked, because the type cannot be known without guessing: anything on a value whose type is unknown (a
function without a return annotation, a subscript, a name the reader provides, an object of a class with its
own ``__getattr__``, pydantic's excepted: it serves only private attributes), the values of arguments (only their number and names), and the bodies of ``lambda``s.
Calls with ``*args``/``**kwargs`` check no arguments. A bare ``...`` among a call's arguments is the
documents' "the arguments shown before": it is dropped and the rest is bound partially, so keyword names
are still checked but required parameters are not.
"""
from __future__ import annotations

import ast
import builtins
import collections.abc
import functools
import importlib
import inspect
import re
import sys
import textwrap
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PARSE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


# --- What a document uses without defining it ---------------------------------------------------------------

@dataclass(frozen=True)
class InstanceOf:
    """A name standing for an instance of the class at ``path``."""
    path: str


@dataclass(frozen=True)
class TheObject:
    """A name standing for the module-level object at ``path`` (a function, a constant)."""
    path: str


READER_NAMES: dict[str, InstanceOf | TheObject | None] = {
    # Objects the SDK documents are introduced once, in a document's first example, and used in later sections
    # without repeating how they were made (or, in docs/sdk-receivables.md, named after the party using them).
    "contract": InstanceOf("client.gateway.Contract"),
    "network": InstanceOf("client.gateway.Network"),
    "supplier_gateway": InstanceOf("client.gateway.Gateway"),
    "core_gateway": InstanceOf("client.gateway.Gateway"),
    "client": InstanceOf("client.receivables.ReceivablesClient"),
    "bank_client": InstanceOf("client.receivables.ReceivablesClient"),
    "holder_client": InstanceOf("client.receivables.ReceivablesClient"),
    "regulator_client": InstanceOf("client.receivables.ReceivablesClient"),
    "supplier": InstanceOf("client.receivables.ReceivablesClient"),
    "core": InstanceOf("client.receivables.ReceivablesClient"),
    "ctx": InstanceOf("chaincode.contract.Context"),              # inside a transaction function
    # Named in the prose next to the example that uses them.
    "EndorseError": TheObject("client.gateway.EndorseError"),
    "SubmitError": TheObject("client.gateway.SubmitError"),
    "connect_async": TheObject("client.gateway.connect_async"),
    "ReceivablesContract": TheObject("chaincode.receivables.contract.ReceivablesContract"),
    "DEFAULT_CONFIG": TheObject("chaincode.receivables.config.DEFAULT_CONFIG"),
    # The reader's own values and functions: their type is theirs, so nothing on them is checked.
    "ca": None, "pin": None, "remote_sign": None, "reply_to_user": None, "handle": None, "key": None,
    "dt": None, "limit": None, "debtor": None, "registration": None, "financing_id": None,
    "terms": InstanceOf("client.receivables.FinancingTerms"),   # a bank's terms (FinancingTerms, described further on)
}


# --- Finding the blocks -------------------------------------------------------------------------------------

class Block(NamedTuple):
    where: str        # "docs/sdk-gateway.md:25", the line of the opening fence
    fence_line: int
    source: str


class Fence(NamedTuple):
    info: str         # what follows the opening ```: "python", "sh", "" when untagged
    line: int         # the line of the opening fence
    source: str       # the lines inside, dedented (a fence in a list item is indented)


def fences(markdown: str) -> list[Fence]:
    found, lines = [], markdown.splitlines()
    info, start = None, 0                  # the open fence's info string (None outside a fence), its line
    for number, line in enumerate(lines, 1):
        fence = line.strip()
        if not fence.startswith("```"):
            continue
        if info is None:
            info, start = fence[3:].strip(), number
            continue
        found.append(Fence(info, start, textwrap.dedent("\n".join(lines[start:number - 1]))))
        info = None
    return found


def python_blocks(markdown: str, name: str) -> list[Block]:
    return [Block(f"{name}:{fence.line}", fence.line, fence.source) for fence in fences(markdown)
            if fence.info == "python"]


def _documents() -> dict[str, list[Block]]:
    found = {}
    for path in DOCUMENTS:
        name = str(path.relative_to(ROOT))
        found[name] = python_blocks(path.read_text(encoding="utf-8"), name)
    return found


DOCUMENTED = _documents()
SDK_DOCUMENTS = ("docs/sdk-gateway.md", "docs/sdk-receivables.md", "docs/chaincode-api.md")


# --- Known types ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Known:
    """A value whose type the SDK's annotations tell.

    kind: "module", "class" (the class itself), "instance" (of ``obj``, a class, with ``args`` the known
    types of its generic parameters) or "callable" (``obj``, bound to ``owner`` when it is a method: its
    first parameter is then not given at the call).
    """
    kind: str
    obj: Any
    args: tuple[Known | None, ...] = ()
    owner: Known | None = None

    @property
    def name(self) -> str:
        if self.kind == "module":
            return self.obj.__name__
        named = getattr(self.obj, "__qualname__", None) or getattr(self.obj, "__name__", None) or repr(self.obj)
        return f"{named}()" if self.kind == "callable" else named


def known_object(obj: Any, owner: Known | None = None) -> Known:
    if isinstance(obj, types.ModuleType):
        return Known("module", obj)
    if isinstance(obj, type):
        return Known("class", obj)
    if callable(obj):
        return Known("callable", obj, owner=owner)
    return Known("instance", type(obj))


def _async_twins() -> dict[type, type]:
    """``X`` -> ``AsyncX`` for the SDK's sync/async twins, whose methods are annotated with the sync types."""
    twins = {}
    for module in (importlib.import_module("client.gateway"), importlib.import_module("client.receivables")):
        for name, value in vars(module).items():
            synchronous = getattr(module, name.removeprefix("Async"), None)
            if name.startswith("Async") and isinstance(value, type) and isinstance(synchronous, type):
                twins[synchronous] = value
    return twins


ASYNC_TWINS = _async_twins()
ASYNC_CLASSES = set(ASYNC_TWINS.values())
# Generic classes of the standard library whose first parameter is what iterating them gives.
ITEM_FIRST = {list, set, frozenset, dict, collections.abc.Iterator, collections.abc.Iterable,
              collections.abc.Generator, collections.abc.Sequence, collections.abc.Mapping,
              collections.abc.AsyncIterator, collections.abc.AsyncIterable, collections.abc.AsyncGenerator,
              collections.abc.Collection, collections.abc.Set}


ETC = Known("etc", Ellipsis)      # the `...` of `tuple[X, ...]`


def _typevars(owner: Known | None) -> dict[Any, Known | None]:
    if owner is None or owner.kind != "instance":
        return {}
    return dict(zip(getattr(owner.obj, "__parameters__", ()), owner.args))


def known_annotation(annotation: Any, namespace: dict[str, Any], owner: Known | None = None) -> Known | None:
    """The type an annotation names, read as Python reads it in ``namespace``; None when it names no class."""
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, dict(namespace))    # noqa: S307 - an annotation of the project's code
        except Exception:     # noqa: BLE001 - a name imported only for type checkers: unknown, not wrong
            return None
        if isinstance(annotation, str):                       # `-> "Gateway"` under `from __future__ import annotations`
            return known_annotation(annotation, namespace, owner)
    if annotation is typing.Self:
        if owner is None or owner.kind not in ("instance", "class"):
            return None
        return Known("instance", owner.obj, owner.args)
    if isinstance(annotation, typing.TypeVar):
        return _typevars(owner).get(annotation)
    if annotation is Ellipsis:
        return ETC
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:                        # Annotated[bool, Strict()] is a bool
        return known_annotation(annotation.__origin__, namespace, owner)
    if origin in (typing.Union, types.UnionType):
        members = [known_annotation(a, namespace, owner) for a in typing.get_args(annotation) if a is not type(None)]
        classes = {member.obj for member in members if member is not None}
        if len(members) == 1:
            return members[0]
        if len(members) == 2 and len(classes) == 2 and None not in members:
            synchronous = next((c for c in classes if ASYNC_TWINS.get(c) in classes), None)
            if synchronous is not None:     # `Proposal | AsyncProposal`: the receiver's family decides
                return Known("instance", _twin(synchronous, owner))
        return None
    if isinstance(origin, type):
        args = tuple(known_annotation(a, namespace, owner) for a in typing.get_args(annotation))
        return Known("instance", _twin(origin, owner), args)
    if isinstance(annotation, type):
        return Known("instance", _twin(annotation, owner))
    return None


def _twin(cls: type, owner: Known | None) -> type:
    in_async_family = owner is not None and isinstance(owner.obj, type) and owner.obj in ASYNC_CLASSES
    return ASYNC_TWINS.get(cls, cls) if in_async_family else cls


def namespace_of(function: Any) -> dict[str, Any]:
    unwrapped = inspect.unwrap(function) if callable(function) else function
    module = sys.modules.get(getattr(unwrapped, "__module__", None) or "")
    return getattr(unwrapped, "__globals__", None) or (vars(module) if module else {})


def returns(function: Any, owner: Known | None) -> Known | None:
    try:
        annotation = inspect.signature(function).return_annotation
    except (TypeError, ValueError):
        return None
    if annotation is inspect.Signature.empty:
        return None
    return known_annotation(annotation, namespace_of(function), owner)


@cache
def annotated_attributes(cls: type) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each annotated attribute of ``cls`` and its bases (dataclass, NamedTuple, pydantic fields): name ->
    (annotation, the namespace it is read in)."""
    found: dict[str, tuple[Any, dict[str, Any]]] = {}
    for klass in reversed(cls.__mro__):
        namespace = vars(sys.modules[klass.__module__]) if klass.__module__ in sys.modules else {}
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            found[name] = (annotation, namespace)
    for name, field in (getattr(cls, "model_fields", None) or {}).items():
        found.setdefault(name, (field.annotation, {}))
    return found


@cache
def assigned_on_self(cls: type) -> frozenset[str]:
    """Attributes a method of ``cls`` or its bases sets as ``self.<name>``."""
    names: set[str] = set()
    for klass in cls.__mro__:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):
            continue          # a class of C code or without a source file: its attributes are on the class
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name) and node.value.id == "self"):
                names.add(node.attr)
        slots = vars(klass).get("__slots__", ())
        names.update([slots] if isinstance(slots, str) else slots)
    return frozenset(names)


NOT_THERE = object()
PLACEHOLDER = object()        # stands for every argument: only the number and names of arguments are checked


class Missing(Exception):
    """An attribute that does not exist: the message says where it was looked for."""


def attribute(value: Known, name: str) -> Known | None:
    """The known type of ``value.name``; raises Missing when it does not exist."""
    if value.kind == "module":
        found = getattr(value.obj, name, NOT_THERE)
        if found is NOT_THERE:
            try:
                found = importlib.import_module(f"{value.obj.__name__}.{name}")
            except ImportError:
                raise Missing(f"module {value.obj.__name__} has no attribute {name!r}") from None
        return known_object(found)
    if value.kind == "class":
        found = getattr(value.obj, name, NOT_THERE)
        if found is NOT_THERE:
            raise Missing(f"class {value.name} has no attribute {name!r}")
        return known_object(found, owner=value if isinstance(found, types.MethodType) else None)
    if value.kind == "callable":
        return None      # attributes of functions (`__name__`, ...) are not what the documents show
    cls = value.obj
    static = inspect.getattr_static(cls, name, NOT_THERE)
    annotated = annotated_attributes(cls).get(name)
    if isinstance(static, property):
        return returns(static.fget, value) if static.fget else None
    if isinstance(static, functools.cached_property):
        return returns(static.func, value)
    if isinstance(static, staticmethod):
        return Known("callable", static.__func__)
    if isinstance(static, classmethod):
        return Known("callable", getattr(cls, name), owner=Known("class", cls))
    if isinstance(static, types.FunctionType):      # a method: bound, so `self` is not given at the call
        return Known("callable", types.MethodType(static, PLACEHOLDER), owner=value)
    if isinstance(static, (types.BuiltinFunctionType, types.MethodDescriptorType, types.WrapperDescriptorType)):
        return None      # a method of a built-in type (str.join): not the SDK's
    if annotated is not None:
        return known_annotation(annotated[0], annotated[1], value)
    if isinstance(static, type):
        return Known("class", static)
    if static is not NOT_THERE:
        if hasattr(static, "__get__") and not callable(static):
            return None        # a descriptor (a slot, a protobuf field): there, of no declared type
        return known_object(static, owner=value)
    if name in assigned_on_self(cls) or name in (getattr(cls, "__private_attributes__", None) or {}):
        return None
    if any("__getattr__" in vars(klass) for klass in cls.__mro__ if klass.__module__.split(".")[0] != "pydantic"):
        return None      # the class answers names of its own choosing: unknown, not wrong
    raise Missing(f"{value.name} has no attribute {name!r} (not a method, property, field or class attribute)")


def item_of(value: Known | None, asynchronous: bool) -> Known | None:
    """What iterating ``value`` (``for``/``async for``) gives, when its annotations say."""
    if value is None or value.kind != "instance":
        return None
    step = inspect.getattr_static(value.obj, "__anext__" if asynchronous else "__next__", None)
    if step is not None:
        found = returns(step, value)
        if found is not None:
            return found
    if value.obj in ITEM_FIRST and value.args or value.obj is tuple and value.args[1:] == (ETC,):
        return value.args[0]
    return None


def awaited(value: Known | None) -> Known | None:
    """``await value``: an async method's annotation is already what it gives once awaited."""
    if value is not None and value.kind == "instance" and value.obj in (collections.abc.Awaitable,
                                                                          collections.abc.Coroutine):
        return value.args[-1] if value.args else None
    return value


# --- Checking a document's blocks ---------------------------------------------------------------------------

def bound_in(tree: ast.AST) -> set[str]:
    """Every name a block binds anywhere: assigned, imported, defined, caught, a parameter."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def reader_name(name: str) -> Known | None:
    declared = READER_NAMES[name]
    if declared is None:
        return None
    module, _, attribute_name = declared.path.rpartition(".")
    found = getattr(importlib.import_module(module), attribute_name)
    return Known("instance", found) if isinstance(declared, InstanceOf) else known_object(found)


class DocumentChecker:
    """Walks a document's blocks in order, carrying the types of the names they bind."""

    def __init__(self, bound_in_document: set[str]) -> None:
        self.bound_in_document = bound_in_document
        self.scope: dict[str, Known | None] = {}
        self.problems: list[str] = []
        self.block: Block | None = None

    def check(self, block: Block, tree: ast.Module) -> list[str]:
        self.block, self.problems = block, []
        self.statements(tree.body)
        return self.problems

    def problem(self, node: ast.AST, message: str) -> None:
        path = self.block.where.rpartition(":")[0]
        self.problems.append(f"{path}:{self.block.fence_line + node.lineno}: {message}")

    # Statements

    def statements(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                module = self.imported(node, alias.name)
                if module is not None:
                    top = alias.name.split(".")[0]
                    self.scope[alias.asname or top] = Known("module", module if alias.asname else sys.modules[top])
        elif isinstance(node, ast.ImportFrom):
            module = self.imported(node, "." * node.level + (node.module or ""))
            for alias in node.names:
                self.scope[alias.asname or alias.name] = self.attribute_of(node, Known("module", module), alias.name) \
                    if module is not None else None
        elif isinstance(node, ast.Assign):
            value = self.value(node.value)
            for target in node.targets:
                self.bind(target, value)
        elif isinstance(node, ast.AnnAssign):
            value = self.value(node.value) if node.value is not None else None
            self.bind(node.target, self.annotation(node.annotation) or value)
        elif isinstance(node, ast.AugAssign):
            self.value(node.value)
            self.bind(node.target, None)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.bind(node.target, item_of(self.value(node.iter), isinstance(node, ast.AsyncFor)))
            self.statements(node.body + node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                entered = self.entered(item.context_expr, self.value(item.context_expr), isinstance(node, ast.AsyncWith))
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, entered)
            self.statements(node.body)
        elif isinstance(node, ast.Try):
            self.statements(node.body)
            for handler in node.handlers:
                caught = self.caught(handler.type) if handler.type is not None else None
                if handler.name:
                    self.scope[handler.name] = caught
                self.statements(handler.body)
            self.statements(node.orelse + node.finalbody)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(node)
        elif isinstance(node, ast.ClassDef):
            for expression in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self.value(expression)
            self.inner_scope(node.body, {})
            self.scope[node.name] = None          # a class of the reader's: what it inherits is not followed
        else:                                     # if, while, return, raise, an expression...
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.value(child)
            for field in ("body", "orelse", "finalbody"):
                self.statements(getattr(node, field, []))

    def inner_scope(self, body: list[ast.stmt], names: dict[str, Known | None]) -> None:
        outer = self.scope
        self.scope = {**outer, **names}
        try:
            self.statements(body)
        finally:
            self.scope = outer

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expression in node.decorator_list:
            self.value(expression)
        parameters = {}
        arguments = node.args
        for parameter in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                          *filter(None, [arguments.vararg, arguments.kwarg])]:
            is_single = parameter is not arguments.vararg and parameter is not arguments.kwarg
            known = self.annotation(parameter.annotation) if parameter.annotation is not None else None
            parameters[parameter.arg] = known if is_single else None
        for default in [*arguments.defaults, *filter(None, arguments.kw_defaults)]:
            self.value(default)
        if node.returns is not None:
            self.annotation(node.returns)
        self.inner_scope(node.body, parameters)
        self.scope[node.name] = None

    def annotation(self, node: ast.expr) -> Known | None:
        """An annotation written in a block: its names are checked, and a class names its instances."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return None
        known = self.value(node)
        return Known("instance", known.obj) if known is not None and known.kind == "class" else None

    def bind(self, target: ast.expr, value: Known | None) -> None:
        if isinstance(target, ast.Name):
            self.scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            parts: tuple[Known | None, ...] = ()
            if value is not None and value.kind == "instance" and value.obj is tuple and ETC not in value.args:
                parts = value.args
            for i, element in enumerate(target.elts):
                self.bind(element, parts[i] if len(parts) == len(target.elts) else None)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None)
        else:                                     # x.attr = ..., x[i] = ...: what is written into is read
            for child in ast.iter_child_nodes(target):
                if isinstance(child, ast.expr):
                    self.value(child)

    def imported(self, node: ast.stmt, module_name: str) -> types.ModuleType | None:
        try:
            return importlib.import_module(module_name)
        except Exception as error:   # noqa: BLE001 - whatever stops the import is the problem to report
            self.problem(node, f"import {module_name} fails: {type(error).__name__}: {error}")
            return None

    def entered(self, node: ast.expr, manager: Known | None, asynchronous: bool) -> Known | None:
        if manager is None or manager.kind != "instance":
            return None
        method = "__aenter__" if asynchronous else "__enter__"
        enter = inspect.getattr_static(manager.obj, method, None)
        if enter is None:
            how = "async with" if asynchronous else "with"
            self.problem(node, f"{manager.name} has no {method}: it cannot be used in `{how}`")
            return None
        return returns(enter, manager) if isinstance(enter, types.FunctionType) else None

    def caught(self, node: ast.expr) -> Known | None:
        classes = node.elts if isinstance(node, ast.Tuple) else [node]
        caught = [self.value(element) for element in classes]
        for element, known in zip(classes, caught):
            if known is not None and not (known.kind == "class" and issubclass(known.obj, BaseException)):
                self.problem(element, f"`except {ast.unparse(element)}`: {known.name} is not an exception class")
        if len(caught) == 1 and caught[0] is not None and caught[0].kind == "class":
            return Known("instance", caught[0].obj)
        return None

    # Expressions

    def value(self, node: ast.expr) -> Known | None:
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Attribute):
            owner = self.value(node.value)
            if owner is None or not isinstance(node.ctx, ast.Load):
                return None
            return self.attribute_of(node, owner, node.attr)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Await):
            return awaited(self.value(node.value))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.comprehension(node)
            return None
        if isinstance(node, ast.Lambda):
            return None
        if isinstance(node, ast.Constant):
            return None if node.value is Ellipsis else Known("instance", type(node.value))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.value(child)
            elif isinstance(child, ast.keyword):
                self.value(child.value)
        return None

    def name(self, node: ast.Name) -> Known | None:
        if node.id in self.scope:
            return self.scope[node.id]
        if node.id in self.bound_in_document:
            return None                     # bound further on, or by a statement whose type is not followed
        if node.id in READER_NAMES:
            return reader_name(node.id)
        if hasattr(builtins, node.id):
            return known_object(getattr(builtins, node.id))
        self.problem(node, f"{node.id!r} is neither imported nor bound in the document, nor declared in "
                           "READER_NAMES of tests/unit/test_documented_python.py")
        return None

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        outer = self.scope
        self.scope = dict(outer)
        try:
            for generator in node.generators:
                self.bind(generator.target, item_of(self.value(generator.iter), bool(generator.is_async)))
                for condition in generator.ifs:
                    self.value(condition)
            for part in ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]):
                self.value(part)
        finally:
            self.scope = outer

    def attribute_of(self, node: ast.AST, owner: Known, name: str) -> Known | None:
        try:
            return attribute(owner, name)
        except Missing as missing:
            self.problem(node, str(missing))
            return None

    def call(self, node: ast.Call) -> Known | None:
        function = self.value(node.func)
        for argument in node.args:
            self.value(argument.value if isinstance(argument, ast.Starred) else argument)
        for keyword in node.keywords:
            self.value(keyword.value)
        if function is None or function.kind == "module":
            return None
        if function.kind == "instance":
            call = inspect.getattr_static(function.obj, "__call__", None)
            if call is None:
                self.problem(node, f"{function.name} objects cannot be called")
                return None
            if not isinstance(call, types.FunctionType):
                return None
            function = Known("callable", types.MethodType(call, PLACEHOLDER), owner=function)
        self.check_arguments(node, function)
        if function.kind == "class":
            return Known("instance", function.obj)
        return returns(function.obj, function.owner)

    def check_arguments(self, node: ast.Call, function: Known) -> None:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return                          # *args / **kwargs: how many and which cannot be told
        try:
            signature = inspect.signature(function.obj)
        except (TypeError, ValueError):
            return                          # a built-in without a signature
        elided = [a for a in node.args if isinstance(a, ast.Constant) and a.value is Ellipsis]
        positional = [PLACEHOLDER] * (len(node.args) - len(elided))
        keywords = {keyword.arg: PLACEHOLDER for keyword in node.keywords}
        try:
            (signature.bind_partial if elided else signature.bind)(*positional, **keywords)
        except TypeError as error:
            takes = ", ".join(str(parameter).split(":")[0].split("=")[0] for parameter in signature.parameters.values())
            self.problem(node, f"{function.name.removesuffix('()')}({takes}): {error}")


def _bound_in_document(blocks: list[Block]) -> set[str]:
    names: set[str] = set()
    for block in blocks:
        try:
            names |= bound_in(compile(block.source, block.where, "exec", PARSE_FLAGS))
        except SyntaxError:
            pass                            # reported by the block's own test
    return names


@cache
def problems_of_document(document: str) -> dict[str, list[str]]:
    """Each block's problems, found with the types of the names the blocks before it bound."""
    blocks = DOCUMENTED[document]
    checker = DocumentChecker(_bound_in_document(blocks))
    problems = {}
    for block in blocks:
        try:
            tree = compile(block.source, block.where, "exec", PARSE_FLAGS)
        except SyntaxError as error:
            problems[block.where] = [f"{block.where.rpartition(':')[0]}:{block.fence_line + (error.lineno or 0)}: "
                                     f"does not parse: {error.msg}"]
            continue
        problems[block.where] = checker.check(block, tree)
    return problems


EVERY_BLOCK = [pytest.param(document, block.where, id=block.where)
               for document, blocks in DOCUMENTED.items() for block in blocks]


@pytest.mark.parametrize(("document", "where"), EVERY_BLOCK)
def test_the_python_example_fits_the_sdk(document, where):
    assert problems_of_document(document)[where] == []


# --- Every example is found -----------------------------------------------------------------------------------

def looks_like_python(fence: Fence) -> bool:
    """Whether a reader takes the fence for Python: tagged py..., Python, {.python}..., or untagged and its text
    Python that imports something (shell lines, YAML, trees and program output do not parse, or import nothing)."""
    if re.match(r"[{.\s]*py", fence.info, re.IGNORECASE):
        return True
    if fence.info:
        return False
    try:
        tree = compile(fence.source, "<fence>", "exec", PARSE_FLAGS)
    except SyntaxError:
        return False
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree))


def mistagged_python(markdown: str, name: str) -> list[str]:
    """Where ``markdown`` has Python fenced as anything but exactly ```python, which python_blocks leaves out."""
    return [f"{name}:{fence.line}: ```{fence.info}" for fence in fences(markdown)
            if fence.info != "python" and looks_like_python(fence)]


def test_every_python_example_is_fenced_as_python_and_so_checked():
    mistagged = [where for path in DOCUMENTS
                 for where in mistagged_python(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert mistagged == [], ("Python fenced otherwise, which the tests above leave unchecked: open these with "
                             "```python (or ```text, if they are not Python)")


def test_every_python_fence_yields_a_block_and_each_sdk_document_has_some():
    # counted apart from python_blocks, which a change could make find fewer, or none (its tests then only skip)
    opened = {document: len(re.findall(r"^[ \t]*```python[ \t]*$", (ROOT / document).read_text(encoding="utf-8"),
                                       re.MULTILINE))
              for document in DOCUMENTED}
    assert {document: len(blocks) for document, blocks in DOCUMENTED.items()} == opened
    assert all(opened[document] for document in SDK_DOCUMENTS), f"a document of the SDKs shows no Python: {opened}"


def test_python_fenced_otherwise_is_found():
    markdown = textwrap.dedent("""
        ```py
        contract.submit_transaction("Confirm", "R-1")
        ```
        1. In a list:

           ```Python
           print(1)
           ```
        ```python title="confirm.py"
        print(2)
        ```
        ```
        from client.gateway import connect
        ```
        ```
        recfin bench --workload mixed
        ```
        ```sh
        python -m chaincode --contract chaincode.receivables:ReceivablesContract
        ```
        ```python
        print(3)
        ```
        """)
    assert mistagged_python(markdown, "doc.md") == [
        "doc.md:2: ```py", "doc.md:7: ```Python", "doc.md:10: ```python title=\"confirm.py\"", "doc.md:13: ```"]
    assert [block.fence_line for block in python_blocks(markdown, "doc.md")] == [22]


# --- The checker finds what it is for -----------------------------------------------------------------------

def problems_in(*sources: str) -> list[str]:
    blocks = [Block(f"doc.md:{10 * i}", 10 * i, textwrap.dedent(source).lstrip("\n")) for i, source in enumerate(sources, 1)]
    checker = DocumentChecker(_bound_in_document(blocks))
    return [problem for block in blocks
            for problem in checker.check(block, compile(block.source, block.where, "exec", PARSE_FLAGS))]


def test_a_wrong_keyword_a_missing_argument_and_a_renamed_method_are_found_through_the_annotations():
    found = problems_in("""
        from client.gateway import connect
        with connect("peer:7051", identity=None, tls_roots="ca.pem") as gateway:
            contract = gateway.get_network("receivables").get_contract()
        """, """
        contract.submit_transactions("Confirm", "R-1")
        """)
    assert len(found) == 3, found
    assert found[0].startswith("doc.md:12: connect(") and "unexpected keyword argument 'tls_roots'" in found[0]
    assert found[1].startswith("doc.md:13: _NetworkBase.get_contract(") and "'chaincode'" in found[1]
    assert found[2].startswith("doc.md:21: ") and "Contract has no attribute 'submit_transactions'" in found[2]


def test_imports_fields_exceptions_and_undeclared_names_are_checked():
    found = problems_in("""
        from client.gateway import EndorsementError
        from client.receivables import ReceivablesClient
        receivables = ReceivablesClient(contract, network)
        try:
            page = receivables.upgrade_ledger(page_size=20)
        except ReceivablesClient:
            print(page.colisions, reader_value)
        """)
    assert [problem.split(": ", 1)[1].split(" (")[0] for problem in found] == [
        "module client.gateway has no attribute 'EndorsementError'",
        "`except ReceivablesClient`: ReceivablesClient is not an exception class",
        "LedgerUpgrade has no attribute 'colisions'",
        "'reader_value' is neither imported nor bound in the document, nor declared in READER_NAMES of "
        "tests/unit/test_documented_python.py",
    ]


def test_what_cannot_be_typed_is_skipped_and_an_elided_call_checks_only_its_keywords():
    assert problems_in("""
        import json
        from client.gateway import RetryPolicy, connect
        gateway = connect(..., retry=RetryPolicy(max_attempts=3))
        unknown = json.loads(b"{}")       # not annotated: its type is not followed
        unknown.anything_at_all()
        """) == []
    assert "unexpected keyword argument 'retries'" in problems_in("from client.gateway import connect\n"
                                                                 "connect(..., retries=1)")[0]
