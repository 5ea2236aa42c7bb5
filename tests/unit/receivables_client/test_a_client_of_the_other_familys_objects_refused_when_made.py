"""A receivables client given a gateway object of the other family (AsyncReceivablesClient over connect()'s Contract
or Network, ReceivablesClient over connect_async()'s AsyncContract or AsyncNetwork) is refused when it is made, before
anything is sent: the async client would otherwise run a sync submit to its end, committed, before its error, and
``ReceivablesClient.wait_for_block`` over an AsyncNetwork would return a coroutine that is never awaited. The family is
told by the gateway's own classes: a stand-in of neither (the tests' recording contracts) is taken as given."""

from __future__ import annotations

import asyncio
import inspect
from contextlib import AsyncExitStack

import pytest

from client.gateway import Identity, connect, connect_async, private_key_signer
from client.receivables import CONTRACT_NAME, AsyncReceivablesClient, ReceivablesClient
from client.receivables.audit import ReceivableAudit
from tests.unit.client.gateway_fakes import AsyncFakeTransport, FakeTransport, make_key_and_cert
from tests.unit.client.test_gateway_twins_mixed_families import _Forwarding

from .fakes import TIER2, FakeContract
from .test_async_client import FakeAsyncContract
from .test_events_checkpoint_of_another_ledger import TX, Checkpoint

CHANNEL = "receivables-channel"


def _signing() -> dict:
    key, cert = make_key_and_cert("user1")
    return dict(identity=Identity.from_pem("Org1MSP", cert), signer=private_key_signer(key))


def _over_both_families(use) -> tuple:
    """What ``await use(networks)`` gave, networks holding a Network of a connect() gateway ("sync") and an
    AsyncNetwork of a connect_async() one ("async"), both over one FakeTransport; and the calls it was sent."""
    fake = FakeTransport()

    async def run():
        async with AsyncExitStack() as stack:
            sync_gateway = stack.enter_context(connect(transport=fake, **_signing()))
            async_gateway = await stack.enter_async_context(
                connect_async(transport=AsyncFakeTransport(fake), **_signing()))
            return await use({"sync": sync_gateway.get_network(CHANNEL), "async": async_gateway.get_network(CHANNEL)})

    return asyncio.run(run()), fake.calls


def _contract(network):
    return network.get_contract("receivables", CONTRACT_NAME)


async def _refused(call) -> str | None:
    """The message of the ValueError ``call()`` raised (awaited, if it gave an awaitable); None if it raised none."""
    try:
        made = call()
        if inspect.isawaitable(made):
            await made
    except ValueError as refused:
        return str(refused)
    return None


def _made(client_class, contract_family, network_family):
    """What making ``client_class`` over a contract and a network of the families named (None: no network) raised
    (None if nothing), and the calls the transport was sent."""
    return _over_both_families(lambda networks: _refused(lambda: client_class(
        _contract(networks[contract_family]), networks[network_family] if network_family else None)))


MIXED = [
    (AsyncReceivablesClient, "sync", None,
     "AsyncReceivablesClient awaits its calls, and was given a Contract as its contract, of the sync client connect() "
     "makes; nothing was sent. Give AsyncReceivablesClient the AsyncContract of a gateway from connect_async(), or "
     "use ReceivablesClient with these"),
    (AsyncReceivablesClient, "sync", "sync",
     "AsyncReceivablesClient awaits its calls, and was given a Contract as its contract and a Network as its network, "
     "of the sync client connect() makes; nothing was sent. Give AsyncReceivablesClient the AsyncContract and the "
     "AsyncNetwork of a gateway from connect_async(), or use ReceivablesClient with these"),
    (AsyncReceivablesClient, "async", "sync",
     "AsyncReceivablesClient awaits its calls, and was given a Network as its network, of the sync client connect() "
     "makes; nothing was sent. Give AsyncReceivablesClient the AsyncNetwork of a gateway from connect_async()"),
    (ReceivablesClient, "async", None,
     "ReceivablesClient runs each call to its end, and was given an AsyncContract as its contract, of the async client "
     "connect_async() makes; nothing was sent. Give ReceivablesClient the Contract of a gateway from connect(), or use "
     "AsyncReceivablesClient with these, awaiting its calls"),
    (ReceivablesClient, "async", "async",
     "ReceivablesClient runs each call to its end, and was given an AsyncContract as its contract and an AsyncNetwork "
     "as its network, of the async client connect_async() makes; nothing was sent. Give ReceivablesClient the "
     "Contract and the Network of a gateway from connect(), or use AsyncReceivablesClient with these, awaiting its "
     "calls"),
    (ReceivablesClient, "sync", "async",
     "ReceivablesClient runs each call to its end, and was given an AsyncNetwork as its network, of the async client "
     "connect_async() makes; nothing was sent. Give ReceivablesClient the Network of a gateway from connect()"),
]


@pytest.mark.parametrize("client_class, contract_family, network_family, said", MIXED,
                         ids=[f"{c.__name__}-{k}-{n}" for c, k, n, _ in MIXED])
def test_a_client_over_the_other_familys_objects_is_refused_when_made(client_class, contract_family, network_family,
                                                                     said):
    refused, sent = _made(client_class, contract_family, network_family)
    assert str(refused) == said
    assert sent == []


@pytest.mark.parametrize("client_class, family", [(ReceivablesClient, "sync"), (AsyncReceivablesClient, "async")])
@pytest.mark.parametrize("with_network", [True, False])
def test_a_client_over_its_own_familys_objects_is_made(client_class, family, with_network):
    assert _made(client_class, family, family if with_network else None) == (None, [])


def test_a_submit_of_the_async_client_over_a_contract_is_never_sent():
    fake = FakeTransport()

    async def transfer():
        with connect(transport=fake, **_signing()) as gateway:
            contract = gateway.get_network(CHANNEL).get_contract("receivables", CONTRACT_NAME)
            await AsyncReceivablesClient(contract).transfer("R-0000000000000001", TIER2, 3_000_000,
                                                            request_id="TR-1")

    with pytest.raises(ValueError, match="^AsyncReceivablesClient awaits its calls, and was given a Contract"):
        asyncio.run(transfer())
    assert fake.calls == []


def test_the_blocking_clients_wait_for_block_never_gives_a_coroutine():
    async def wait(networks):
        try:
            given = ReceivablesClient(_contract(networks["sync"]), networks["async"]).wait_for_block(1, timeout=1)
        except ValueError as refused:
            return str(refused)
        if inspect.iscoroutine(given):
            given.close()    # never awaited: no wait, no "never awaited" warning
        return given

    refused, sent = _over_both_families(wait)
    assert isinstance(refused, str) and refused.startswith("ReceivablesClient runs each call to its end, and was given an AsyncNetwork"), refused
    assert sent == []


@pytest.mark.parametrize("client_class, contract", [(ReceivablesClient, FakeAsyncContract()),
                                                    (AsyncReceivablesClient, FakeContract())])
def test_a_stand_in_of_neither_family_is_taken_as_given(client_class, contract):
    # told by the gateway's classes, not by what its calls return: a stand-in shows its family at its first call
    assert client_class(contract).contract is contract


@pytest.mark.parametrize("client_class, stand_in, network_family, advice", [
    (AsyncReceivablesClient, FakeAsyncContract(), "sync",
     "Give AsyncReceivablesClient the AsyncNetwork of a gateway from connect_async()"),
    (ReceivablesClient, FakeContract(), "async", "Give ReceivablesClient the Network of a gateway from connect()")])
def test_a_stand_in_given_with_the_other_familys_network_is_not_told_to_use_the_twin(client_class, stand_in,
                                                                                     network_family, advice):
    # the stand-in's family is not known: the twin client, given it, could be as mixed; only the network is named
    refused, sent = _over_both_families(
        lambda networks: _refused(lambda: client_class(stand_in, networks[network_family])))
    assert refused.endswith(f"nothing was sent. {advice}"), refused
    assert sent == []


def test_a_network_of_the_other_family_given_to_a_call_is_refused_before_anything_is_sent():
    async def given_to_calls(networks):
        blocking = ReceivablesClient(_contract(networks["sync"]), networks["sync"])
        awaited = AsyncReceivablesClient(_contract(networks["async"]), networks["async"])
        return [await _refused(call) for call in (
            lambda: blocking.events(network=networks["async"]),
            lambda: blocking.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP", network=networks["async"]),
            lambda: awaited.events(network=networks["sync"]),
            lambda: awaited.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP", network=networks["sync"]))]

    refusals, sent = _over_both_families(given_to_calls)
    assert refusals[:2] == ["ReceivablesClient runs each call to its end, and was given an AsyncNetwork as its "
                            "network, of the async client connect_async() makes; nothing was sent. Give "
                            "ReceivablesClient the Network of a gateway from connect()"] * 2
    assert refusals[2:] == ["AsyncReceivablesClient awaits its calls, and was given a Network as its network, of the "
                            "sync client connect() makes; nothing was sent. Give AsyncReceivablesClient the "
                            "AsyncNetwork of a gateway from connect_async()"] * 2
    assert sent == []


def test_a_contract_or_network_of_the_other_family_put_in_later_is_refused_and_the_client_kept():
    async def swapped(networks):
        client = ReceivablesClient(_contract(networks["sync"]), networks["sync"])
        refusals = [await _refused(lambda: setattr(client, name, other))
                    for name, other in (("network", networks["async"]), ("contract", _contract(networks["async"])))]
        client.contract = FakeContract()     # a wrapper or stand-in of neither family is put in as ever
        return client, networks["sync"], refusals

    (client, own_network, refusals), sent = _over_both_families(swapped)
    assert refusals == [
        "ReceivablesClient runs each call to its end, and was given an AsyncNetwork as its network, of the async "
        "client connect_async() makes; nothing was sent. Give ReceivablesClient the Network of a gateway from "
        "connect()",
        "ReceivablesClient runs each call to its end, and was given an AsyncContract as its contract, of the async "
        "client connect_async() makes; nothing was sent. Give ReceivablesClient the Contract of a gateway from "
        "connect()"]
    assert client.network is own_network and isinstance(client.contract, FakeContract)
    assert sent == []


def test_a_wrapper_of_an_async_contract_is_made_and_refused_at_its_first_call_unsent():
    fake = FakeTransport()

    async def read():
        async with connect_async(transport=AsyncFakeTransport(fake), **_signing()) as gateway:
            contract = _Forwarding(gateway.get_network(CHANNEL).get_contract("receivables", CONTRACT_NAME))
            ReceivablesClient(contract).get_receivable("R-0000000000000001")

    with pytest.raises(ValueError) as refused:
        asyncio.run(read())
    assert str(refused.value) == (
        "ReceivablesClient runs each call to its end, and was given objects whose calls return awaitables, of the "
        "async client connect_async() makes: a call returned coroutine, an awaitable, and it was closed without being "
        "run, so nothing was sent. Give ReceivablesClient a Contract and Network of a gateway from connect(), or use "
        "AsyncReceivablesClient with these, awaiting its calls")
    assert fake.calls == []


class _NetworkFirst(ReceivablesClient):
    """A subclass that keeps its network before the constructor runs."""

    def __init__(self, contract, network=None):
        self.network = network
        super().__init__(contract, network)


class _NetworkAsProperty(ReceivablesClient):
    """A subclass that holds its network under another name, behind a property."""

    @property
    def network(self):
        return self._held_network

    @network.setter
    def network(self, network):
        self._held_network = network


def test_a_subclass_keeping_its_network_first_is_made_and_a_later_contract_still_checked():
    async def made(networks):
        client = _NetworkFirst(_contract(networks["sync"]), networks["sync"])
        return client.network is networks["sync"], await _refused(
            lambda: setattr(client, "contract", _contract(networks["async"])))

    (kept, refused), sent = _over_both_families(made)
    assert kept
    assert refused == ("_NetworkFirst runs each call to its end, and was given an AsyncContract as its contract, of "
                       "the async client connect_async() makes; nothing was sent. Give _NetworkFirst the Contract of "
                       "a gateway from connect()")
    assert sent == []


def test_a_subclass_holding_its_network_behind_a_property_still_refuses_the_other_familys_later():
    async def swapped(networks):
        client = _NetworkAsProperty(_contract(networks["sync"]), networks["sync"])
        return client, [await _refused(lambda: setattr(client, name, other))
                        for name, other in (("network", networks["async"]), ("contract", _contract(networks["async"])))]

    (client, refusals), sent = _over_both_families(swapped)
    assert [refusal and refusal.split(",")[1] for refusal in refusals] == [
        " and was given an AsyncNetwork as its network", " and was given an AsyncContract as its contract"]
    assert type(client.network).__name__ == "Network" and type(client.contract).__name__ == "Contract"
    assert sent == []


def test_a_wrapped_network_of_the_other_family_given_to_check_checkpoint_names_the_client():
    async def checked(networks):
        client = ReceivablesClient(_contract(networks["sync"]), networks["sync"])
        return await _refused(lambda: client.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP",
                                                               network=_Forwarding(networks["async"])))

    refused, sent = _over_both_families(checked)
    assert refused == (
        "ReceivablesClient runs each call to its end, and was given objects whose calls return awaitables, of the "
        "async client connect_async() makes: a call returned coroutine, an awaitable, and it was closed without being "
        "run, so nothing was sent. Give ReceivablesClient a Contract and Network of a gateway from connect()")
    assert sent == []


def test_an_audit_of_a_client_that_awaits_its_calls_is_refused_when_made():
    async def audited(networks):
        client = AsyncReceivablesClient(_contract(networks["async"]), networks["async"])
        return await _refused(lambda: ReceivableAudit.of(client, "Org1MSP").audit("R-0000000000000001"))

    refused, sent = _over_both_families(audited)
    assert refused == ("ReceivableAudit runs each call to its end, and was given a client that awaits its calls "
                       "(AsyncReceivablesClient); nothing was read. Give it a ReceivablesClient over the Contract and "
                       "Network of a gateway from connect()")
    assert sent == []
