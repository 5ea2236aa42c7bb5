"""Every public function and method of client.gateway says what it returns, and says it right.

Integrators' type checkers and IDEs read these annotations, and tests/unit/test_documented_python.py follows
them to check the documents' examples: a method without one leaves every line that uses its result unchecked.
A sync/async twin shares one annotation, the sync class's; its async twin is what the async family returns.
"""

import asyncio
import inspect
import types
import typing

import pytest

import client.gateway as gateway_module
from client.gateway import connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"
PROTOCOL_METHODS = {"__init__", "__call__", "__enter__", "__exit__", "__aenter__", "__aexit__",
                    "__iter__", "__next__", "__aiter__", "__anext__"}
"""The dunder methods a caller reaches through syntax (``with``, ``for``, a call): as public as named ones."""


def _function_of(member):
    """The Python function behind a class member (property, classmethod...); None for anything else (a built-in
    method of ``bytes``, an attribute)."""
    if isinstance(member, property):
        member = member.fget
    elif isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    return member if isinstance(member, types.FunctionType) else None


def _methods(cls: type):
    names = {name for klass in cls.__mro__ for name in vars(klass)
             if not name.startswith("_") or name in PROTOCOL_METHODS}
    for name in sorted(names):
        function = _function_of(inspect.getattr_static(cls, name))
        # Methods of object, Exception or typing.Protocol (its generated __init__) are not the SDK's to annotate.
        if function is not None and function.__module__.startswith("client."):
            yield f"{cls.__name__}.{name}", function


def public_callables():
    """(name, function) for each function of ``client.gateway.__all__`` (and of the modules it exports) and each
    public method of the classes it exports. Type aliases (``Signer``) are annotations themselves: skipped."""
    for exported in gateway_module.__all__:
        value = getattr(gateway_module, exported)
        if isinstance(value, types.ModuleType):
            for name in value.__all__:
                function = getattr(value, name)
                if isinstance(function, types.FunctionType):
                    yield f"{exported}.{name}", function
        elif isinstance(value, type):
            yield from _methods(value)
        elif isinstance(value, types.FunctionType):
            yield exported, value


def _resolved(annotation, namespace: dict):
    """``annotation`` evaluated as a type checker reads it in its module, and each type in it; a NameError when
    it names what the module does not define at run time (an import kept for type checkers only)."""
    while isinstance(annotation, (str, typing.ForwardRef)):
        text = annotation if isinstance(annotation, str) else annotation.__forward_arg__
        annotation = eval(text, dict(namespace))    # noqa: S307 - an annotation of the SDK's own code
    for argument in typing.get_args(annotation):
        for part in argument if isinstance(argument, list) else [argument]:    # Callable[[bytes], bytes]
            if part is not Ellipsis:
                _resolved(part, namespace)
    return annotation


def return_type(function):
    annotation = inspect.signature(function).return_annotation
    return _resolved(annotation, inspect.unwrap(function).__globals__)


CALLABLES = dict(public_callables())


def test_the_public_callables_are_found():
    # Guards the search itself: an empty or partial list would make the next test pass for nothing.
    for name in ["connect", "Gateway.new_signed_proposal", "AsyncGateway.new_signed_commit", "Proposal.endorse",
                 "AsyncTransaction.submit", "Contract.submit_async", "GrpcTransport.deliver", "hashing.sha256",
                 "EventIterator.__next__", "Network.new_commit", "SubmittedTransaction.status"]:
        assert name in CALLABLES


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_a_public_callable_says_what_it_returns(name):
    function = CALLABLES[name]
    assert inspect.signature(function).return_annotation is not inspect.Signature.empty, (
        f"{name} has no return annotation: annotate it with the class it returns (the sync class for a method "
        "shared with an async twin)"
    )
    return_type(function)       # raises when the annotation names what its module cannot resolve


# --- The annotations name what the calls return -------------------------------------------------------------

def _twin_of(cls: type, async_family: bool) -> type:
    return getattr(gateway_module, f"Async{cls.__name__}", cls) if async_family else cls


async def _returned(obj, method: str, *args, **kwargs):
    """What ``obj.method(*args, **kwargs)`` returns, awaited when the method is a coroutine, checked against the class
    its annotation names (the async twin of it, for an object of the async family)."""
    result = getattr(obj, method)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    annotated = return_type(getattr(type(obj), method))
    expected = _twin_of(annotated, type(obj).__name__.startswith("Async"))
    assert type(result) is expected, f"{type(obj).__name__}.{method} returned {type(result).__name__}"
    return result


async def _offline_signing_and_submit(gateway, sign):
    network = gateway.get_network(CHANNEL)
    contract = network.get_contract("receivables")
    proposal = contract.new_proposal("Confirm", arguments=["R-1"])
    await _returned(gateway, "new_proposal", proposal.bytes)
    proposal = await _returned(gateway, "new_signed_proposal", proposal.bytes, sign(proposal.digest))
    transaction = await _returned(proposal, "endorse")
    await _returned(gateway, "new_transaction", transaction.bytes)
    transaction = await _returned(gateway, "new_signed_transaction", transaction.bytes, sign(transaction.digest))
    submitted = await _returned(transaction, "submit")
    await _returned(gateway, "new_commit", submitted.bytes)
    await _returned(gateway, "new_signed_commit", submitted.bytes, sign(submitted.digest))
    await _returned(network, "new_commit", submitted.transaction_id)
    await _returned(contract, "submit_async", "Confirm")
    events = network.new_chaincode_events_request("receivables")
    await _returned(gateway, "new_chaincode_events_request", events.bytes)
    await _returned(gateway, "new_signed_chaincode_events_request", events.bytes, sign(events.digest))
    blocks = network.new_block_events_request()
    await _returned(gateway, "new_block_events_request", blocks.bytes, kind=blocks.kind)
    await _returned(gateway, "new_signed_block_events_request", blocks.bytes, sign(blocks.digest), kind=blocks.kind)


def test_the_sync_family_returns_the_classes_its_annotations_name(gateway, credentials):
    key, _ = credentials
    asyncio.run(_offline_signing_and_submit(gateway, private_key_signer(key)))


def test_the_async_family_returns_the_async_twins_of_the_classes_its_annotations_name(credentials):
    key, identity = credentials
    signer = private_key_signer(key)

    async def main():
        async with connect_async(identity=identity, signer=signer, transport=AsyncFakeTransport(FakeTransport())) as gw:
            await _offline_signing_and_submit(gw, signer)

    asyncio.run(main())
