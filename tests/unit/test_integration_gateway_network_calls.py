"""Every call the integration tests make of the Gateway, the network package, the bench or another function of the
project fits that function's signature, and names one the project still has.

The integration tests (tests/integration) need a real Fabric network and skip without one, so a keyword of
``Network.down`` renamed, a function of ``network.channel`` dropped or an argument ``Contract.submit`` no longer
takes would fail there only once a network runs them. test_integration_sdk_calls.py binds the receivables SDK's
calls; here, read from the tests' source and bound as Python binds them, never run:

- a function or class the test imports from the project (``connect(address, identity=...)``,
  ``ReceivableAudit.of(client, msp)``, ``Network.load(data_root=...)``), called by its name;
- a function of a project module the test imports (``namespaces.down(PREFIX, kill=True)``,
  ``channel.node_height(...)``): the module must still have it, and it must take the call;
- a method of an object whose class is known, whatever its name: a test's parameter naming a fixture whose return
  annotation is a project class (``fabric_network`` and ``receivables_deployed`` are the network package's
  ``Network``), or a name given an instance of one (``members = OrgMembership(network)``,
  ``net = Network.load(...)``): the class must still have that method (``network._pid``), and it must take the
  call;
- any other method of the Gateway's classes (``client.gateway``: Gateway, Network, Contract, Proposal, Transaction,
  Commit and their async twins, the events requests, the checkpointers; not the transports, a seam tests replace)
  or of the network package's ``Network`` (``contract.submit(...)``, ``network.wait_for_block(...)``), called on
  an object of no known class: bound to each method of that name, of those classes,
  of the SDK's clients, of the bench's workloads and of the classes the test file defines itself (a transport of
  its own), and fits if one of them takes it. A name a built-in type's method has too (``text.split``) is left
  out, and so is a call on a module that is not the project's (``subprocess.run``).

A call with ``*args`` or ``**kwargs`` is bound with what it spells out, its count of positional arguments unchecked.
"""
from __future__ import annotations

import ast
import copy
import importlib
import inspect
import types
import typing
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

import bench.workloads
import client.gateway
import network
from client.receivables import AsyncReceivablesClient, ReceivablesClient
from tests.integration import conftest as CONFTEST

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
PROJECT = ("bench", "chaincode", "cli", "client", "network")

# the transports left out: a seam a test replaces (with a class of its own, whose methods are counted), never calls
GATEWAY_CLASSES = [getattr(client.gateway, name) for name in client.gateway.__all__
                   if inspect.isclass(getattr(client.gateway, name)) and not name.endswith("Transport")
                   and not issubclass(getattr(client.gateway, name), BaseException)]
NETWORK_CLASSES = [network.Network]
# objects whose methods share a name with one of those (``client.events(start_block=...)`` of the SDK,
# ``workload.prepare(pool)`` of the bench): a call of that name fits if it fits one of theirs too
ALSO_NAMED = [ReceivablesClient, AsyncReceivablesClient,
              *(kind for kind in vars(bench.workloads).values()
                if inspect.isclass(kind) and kind.__module__ == bench.workloads.__name__)]
BUILT_IN_NAMES = {name for kind in (str, bytes, list, dict, set, tuple, int, object) for name in dir(kind)}


def public_methods(kind: type) -> set[str]:
    return {name for name in dir(kind) if not name.startswith("_") and callable(getattr(kind, name, None))}


def methods_named(name: str) -> list[Callable]:
    """The methods of that name of the Gateway's and the network package's classes, then those of ALSO_NAMED's;
    none when neither the Gateway nor the network package has one."""
    checked = [getattr(kind, name) for kind in (*GATEWAY_CLASSES, *NETWORK_CLASSES) if name in public_methods(kind)]
    return checked and checked + [getattr(kind, name) for kind in ALSO_NAMED if name in public_methods(kind)]


class Call(NamedTuple):
    where: str                              # "tests/integration/test_x.py:12"
    shown: str                              # "namespaces.down(...)"
    callables: tuple[Callable, ...]         # the call fits if it binds to one of them
    bound: bool                             # a method called on an instance: its first parameter is taken
    positional: int | None                  # None: a *args among them, their count unknown
    keywords: tuple[str, ...]
    spread: bool                            # a **kwargs among the keywords
    missing: str | None = None              # a module's function the module no longer has


def is_project(module_name: str) -> bool:
    return module_name.split(".")[0] in PROJECT


def imported_names(tree: ast.Module, package: str) -> dict[str, Any]:
    """Each name the file imports -> the object (a module, a class, a function); the project's and the rest's."""
    names: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname or "." not in alias.name:
                    names[alias.asname or alias.name] = importlib.import_module(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            source = importlib.import_module("." * node.level + (node.module or ""), package)
            for alias in node.names:
                value = getattr(source, alias.name, None)
                if value is None:
                    value = importlib.import_module(f"{source.__name__}.{alias.name}")
                names[alias.asname or alias.name] = value
    return names


def own_methods(tree: ast.Module) -> dict[str, list[Callable]]:
    """The methods of the classes the file defines (a transport over the SDK's, a workload over the bench's), by
    name: a call of that name may be of one of them. Each as a function of the same parameters, defaults None."""
    found: dict[str, list[Callable]] = {}
    for kind in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for method in (n for n in kind.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            parameters = copy.deepcopy(method.args)
            for argument in (*parameters.posonlyargs, *parameters.args, *parameters.kwonlyargs,
                             parameters.vararg, parameters.kwarg):
                if argument is not None:
                    argument.annotation = None
            parameters.defaults = [ast.Constant(None) for _ in parameters.defaults]
            parameters.kw_defaults = [None if d is None else ast.Constant(None) for d in parameters.kw_defaults]
            scope: dict[str, Any] = {}
            exec(f"def {method.name}({ast.unparse(parameters)}): pass", scope)
            scope[method.name].__qualname__ = f"{kind.name}.{method.name}"
            found.setdefault(method.name, []).append(scope[method.name])
    return found


def project_class(hint: Any) -> type | None:
    """``hint`` when it is a class of the project (``Network``, ``OrgMembership``), else None."""
    return hint if inspect.isclass(hint) and is_project_object(hint) else None


def return_class(function: Any) -> type | None:
    try:
        return project_class(typing.get_type_hints(function).get("return"))
    except Exception:           # a name its module imports only for type checkers: not followed
        return None


def typed_names(tree: ast.Module, imported: dict[str, Any], fixtures: dict[str, type]) -> dict[str, type]:
    """The names of the file whose object is of a known project class: a fixture's parameter
    (``fabric_network: Network``, as the fixture's return annotation says) and a name given a project class's
    instance (``members = OrgMembership(network)``, ``net = Network.load(...)``, ``with Cls(...) as name``) or
    another such name (``net = receivables_deployed``). A name
    given objects of different classes anywhere in the file, or anything else, is none of them."""
    found: dict[str, type | None] = {}

    def give(name: str, kind: type | None) -> None:
        found[name] = kind if found.get(name, kind) is kind else None

    def made(value: ast.AST) -> type | None:
        if not isinstance(value, ast.Call):
            return None
        called = value.func
        if isinstance(called, ast.Name) and called.id in imported:
            return project_class(imported[called.id]) or return_class(imported[called.id])
        if isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name) \
                and project_class(imported.get(called.value.id)):
            return return_class(getattr(imported[called.value.id], called.attr, None))
        return None

    copies: list[tuple[str, str]] = []     # ``net = bank2_added``: given once every name's class is known
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for argument in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
                give(argument.arg, fixtures.get(argument.arg))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value, ast.Name):
                    copies.append((target.id, node.value.id))
                elif isinstance(target, ast.Name):
                    give(target.id, made(node.value))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    give(item.optional_vars.id, made(item.context_expr))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name):
            give(node.target.id, None)
    for target, source in copies:
        give(target, found.get(source))
    return {name: kind for name, kind in found.items() if kind is not None}


def fixture_classes(module: types.ModuleType | None) -> dict[str, type]:
    """Fixture name -> the project class its return annotation names, for the fixtures of conftest.py and of the
    test file's module: a test's parameter of that name is of that class."""
    found = {}
    for source in (CONFTEST, *([module] if module is not None else [])):
        for name, value in vars(source).items():
            # pytest's fixture object: the function it wraps is its __wrapped__
            if hasattr(value, "_fixture_function_marker") and (kind := return_class(value.__wrapped__)):
                found[name] = kind
    return found


def is_project_object(value: Any) -> bool:
    module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
    return isinstance(module, str) and is_project(module)


def calls_of(source: str, name: str, package: str = "tests.integration",
             module: types.ModuleType | None = None) -> Iterator[Call]:
    tree = ast.parse(source)
    imported = imported_names(tree, package)
    defined_here = own_methods(tree)
    typed = typed_names(tree, imported, fixture_classes(module))
    nodes = sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        where = f"{name}:{node.lineno}"
        arguments = dict(positional=None if any(isinstance(a, ast.Starred) for a in node.args) else len(node.args),
                         keywords=tuple(k.arg for k in node.keywords if k.arg is not None),
                         spread=any(k.arg is None for k in node.keywords))
        called = node.func
        if isinstance(called, ast.Name) and called.id in imported:
            value = imported[called.id]
            if is_project_object(value) and callable(value) and not isinstance(value, types.ModuleType):
                yield Call(where, f"{called.id}(...)", (value,), False, **arguments)
        elif isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name) \
                and called.value.id in typed and called.value.id not in imported:
            # a method of an object whose class is known: that class's method, whatever its name
            kind = typed[called.value.id]
            shown = f"{called.value.id}.{called.attr}(...)"
            if called.attr in getattr(kind, "__dataclass_fields__", {}) or called.attr in getattr(
                    kind, "model_fields", {}):
                continue                                            # a field holding a callable: not followed
            value = inspect.getattr_static(kind, called.attr, None)
            if value is None:
                yield Call(where, shown, (), False, **arguments, missing=f"{kind.__qualname__} has no {called.attr}")
            elif callable(getattr(kind, called.attr)):
                yield Call(where, shown, (getattr(kind, called.attr),), not isinstance(value, (staticmethod,
                                                                                              classmethod)),
                           **arguments)
        elif isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name) \
                and called.value.id in imported:
            # module.function(...) or Class.classmethod(...) of what the file imports
            owner = imported[called.value.id]
            if not is_project_object(owner):
                continue
            shown = f"{called.value.id}.{called.attr}(...)"
            value = getattr(owner, called.attr, None)
            if value is None:
                yield Call(where, shown, (), False, **arguments,
                           missing=f"{getattr(owner, '__name__', owner)} has no {called.attr}")
            elif callable(value) and not inspect.isclass(owner) or inspect.ismethod(value) \
                    or isinstance(inspect.getattr_static(owner, called.attr, None), staticmethod):
                yield Call(where, shown, (value,), False, **arguments)
        elif isinstance(called, ast.Attribute) and called.attr not in BUILT_IN_NAMES:
            found = methods_named(called.attr)
            if found:
                yield Call(where, f".{called.attr}(...)", (*found, *defined_here.get(called.attr, ())), True,
                           **arguments)


def binding_problem(function: Callable, positional: int | None, keywords: tuple[str, ...], spread: bool,
                    instance: bool) -> str | None:
    """Why a call of ``function`` with ``positional`` arguments (None: a ``*args`` among them) and ``keywords`` (and
    a ``**kwargs`` if ``spread``) does not bind, as Python binds it; None when it does. ``instance``: called on an
    instance, its first parameter taken. Shared with test_integration_sdk_calls.py."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):          # a built-in without a signature: nothing to check it against
        return None
    parameters = signature.parameters
    shown = getattr(function, "__qualname__", repr(function))
    if positional is None or spread:
        # bound with what is spelled out: each keyword must be a parameter, or **kwargs be taken
        takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        unknown = [k for k in keywords if k not in parameters and not takes_any]
        return f"{shown} takes no {', '.join(unknown)}" if unknown else None
    try:
        signature.bind(*[None] * (instance + positional), **dict.fromkeys(keywords))
    except TypeError as refused:
        return f"{shown}{signature}: {refused}"
    return None


def problem(call: Call) -> str | None:
    """Why ``call`` binds to none of its callables, or None."""
    if call.missing:
        return call.missing
    refusals = []
    for function in call.callables:
        instance = call.bound and not inspect.ismethod(function) \
            and not isinstance(inspect.getattr_static(_owner(function), function.__name__, None), staticmethod)
        why = binding_problem(function, call.positional, call.keywords, call.spread, instance)
        if why is None:
            return None
        refusals.append(why)
    return "; ".join(refusals)


def _owner(function: Callable) -> Any:
    """The class a method was read from (for telling a staticmethod), or None."""
    for kind in (*GATEWAY_CLASSES, *NETWORK_CLASSES, *ALSO_NAMED):
        if getattr(kind, function.__name__, None) is function:
            return kind
    return None


def module_of(path: Path) -> types.ModuleType:
    return importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


CALLS = [call for path in sorted(INTEGRATION.glob("*.py"))
         for call in calls_of(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), module=module_of(path))]


def test_every_gateway_network_and_project_call_of_the_integration_tests_fits_what_it_calls():
    bad = [f"{call.where}: {call.shown}: {why}" for call in CALLS if (why := problem(call))]
    assert not bad, ("call(s) of the integration tests that no longer fit the function or method they call; fix the "
                     "test (or the code, if the test is right):\n" + "\n".join(bad))


def test_the_collection_finds_the_calls():
    """Guards the test above against passing because it found nothing."""
    found = {(call.where.split(":")[0].removeprefix("tests/integration/"), call.shown) for call in CALLS}
    for expected in [
        ("test_across_namespaces.py", "namespaces.down(...)"),         # a module's function, with kill=
        ("conftest.py", "Network.load(...)"),                          # a classmethod
        ("conftest.py", "connect(...)"),                               # an imported function
        ("conftest.py", "fabric_network.deploy_chaincode(...)"),       # a fixture's Network, by its annotation
        ("test_across_namespaces.py", "members.add(...)"),             # an OrgMembership the test made
        ("test_gateway_sdk.py", ".new_proposal(...)"),                 # the Gateway's Contract
        ("test_audit_on_the_network.py", "ReceivableAudit.of(...)"),
    ]:
        assert expected in found, expected
    assert len(CALLS) > 300


WRONG = '''
from client.gateway import connect
from network import Network, namespaces
from network.org_membership import OrgMembership

def test_it(fabric_network, contract, address, net):
    namespaces.down("rf", kill=True, quietly=True)
    namespaces.tear_down("rf")
    Network.load(None, fabric_network.data_root)
    fabric_network.deploy_chaincode(name="x", contract="y", version="1.0", sequence=2)
    contract.submit("PutState", ["k", "v"])
    connect(address, identity=None, signer=None, tls_root_certificates=b"")
    fabric_network.wait_for_heights()
    "a,b".split(",")
    members = OrgMembership(fabric_network)
    members.add("bank9", "bank", code="91110000MA1K000097")
    fabric_network.start_nodes()
    net.deploy_chaincode(name="x", sequence=2)
    same = fabric_network
    same.start_nodes()
'''


def test_a_renamed_keyword_a_dropped_function_and_an_argument_too_many_are_found():
    calls = list(calls_of(WRONG, "test_wrong.py"))
    found = {call.where: (call.shown, problem(call)) for call in calls}
    assert "got an unexpected keyword argument 'quietly'" in found["test_wrong.py:7"][1]
    assert found["test_wrong.py:8"] == ("namespaces.tear_down(...)", "network.namespaces has no tear_down")
    assert "too many positional arguments" in found["test_wrong.py:9"][1]
    assert found["test_wrong.py:10"][0] == "fabric_network.deploy_chaincode(...)"     # the fixture's Network
    assert "got an unexpected keyword argument 'sequence'" in found["test_wrong.py:10"][1]
    assert "too many positional arguments" in found["test_wrong.py:11"][1]
    assert found["test_wrong.py:12"] == ("connect(...)", None)
    assert found["test_wrong.py:13"] == ("fabric_network.wait_for_heights(...)", None)
    assert "test_wrong.py:14" not in found                              # a str's: not the project's
    assert found["test_wrong.py:15"] == ("OrgMembership(...)", None)
    # a method of a class the test made: checked though a set's method has its name
    assert "got an unexpected keyword argument 'code'" in found["test_wrong.py:16"][1]
    assert found["test_wrong.py:17"] == ("fabric_network.start_nodes(...)", "Network has no start_nodes")
    # no fixture's name: its class unknown, the call is bound to every Network's and Gateway's of that name
    assert found["test_wrong.py:18"][0] == ".deploy_chaincode(...)"
    assert "got an unexpected keyword argument 'sequence'" in found["test_wrong.py:18"][1]
    assert found["test_wrong.py:20"] == ("same.start_nodes(...)", "Network has no start_nodes")     # a copy's
