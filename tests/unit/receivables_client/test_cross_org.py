"""Cross-org steps: a client knows the block its changes reached, and another org's client catches up with it.

The clients run on the real ``client.gateway`` over the in-memory transport of the gateway's own unit tests
(one per org's peer): the commit statuses it answers carry the block number, and its Deliver stream the
filtered blocks the waiting peer has.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from client.gateway import BlockWaitTimeoutError, Identity, connect, connect_async, private_key_signer
from client.receivables import CONTRACT_NAME, ArgumentRefused, AsyncReceivablesClient, ReceivablesClient

from ..client.gateway_fakes import HANG, AsyncFakeTransport, FakeTransport, filtered_block, make_key_and_cert
from . import fakes
from .fakes import FakeContract

CHANNEL = "receivables"


def identity_of(msp_id: str):
    key, cert = make_key_and_cert(f"user@{msp_id}")
    return Identity(msp_id, cert), private_key_signer(key)


def peer(block_number: int = 7) -> FakeTransport:
    """One org's Gateway peer: it commits what is submitted in ``block_number`` and answers with a receivable."""
    transport = FakeTransport()
    transport.block_number = block_number
    transport.result = json.dumps(fakes.receivable()).encode()
    return transport


def client_on(transport: FakeTransport, msp_id: str) -> ReceivablesClient:
    identity, signer = identity_of(msp_id)
    network = connect(identity=identity, signer=signer, transport=transport).get_network(CHANNEL)
    return ReceivablesClient(network.get_contract(CHANNEL, CONTRACT_NAME), network)


def test_a_change_makes_its_block_known_and_a_query_does_not():
    supplier = client_on(peer(block_number=12), "SupplierMSP")
    assert supplier.last_committed_block is None
    supplier.get_receivable("R-00000000000000a1")
    assert supplier.last_committed_block is None
    supplier.confirm("R-00000000000000a1")
    assert supplier.last_committed_block == 12


def test_catch_up_waits_on_its_own_peer_for_the_others_latest_block():
    supplier = client_on(peer(block_number=12), "SupplierMSP")
    regulator = client_on(peer(block_number=14), "RegulatorMSP")
    core_peer = peer()
    core = client_on(core_peer, "CoreEnterpriseMSP")
    supplier.confirm("R-00000000000000a1")
    regulator.confirm("R-00000000000000a1")
    core_peer.deliver_responses = [filtered_block(13), filtered_block(14)]
    assert core.catch_up(supplier, regulator) == 14
    assert [kind for _, kind in core_peer.requests("deliver")] == ["filtered"]
    assert core_peer.streams[0].reads == 2  # read up to block 14, then closed
    assert core.last_committed_block is None  # waiting commits nothing
    core_peer.deliver_responses = [filtered_block(30)]
    assert core.wait_for_block(0) == 30  # the peer's newest block


def test_catch_up_with_clients_that_committed_nothing_sends_nothing():
    core_peer = peer()
    core = client_on(core_peer, "CoreEnterpriseMSP")
    assert core.catch_up(client_on(peer(), "SupplierMSP"), ReceivablesClient(FakeContract())) is None
    assert core_peer.requests("deliver") == []


def test_a_peer_that_never_gets_the_block_raises_the_gateways_timeout():
    supplier = client_on(peer(block_number=12), "SupplierMSP")
    supplier.confirm("R-00000000000000a1")
    core_peer = peer()
    core_peer.deliver_responses = [filtered_block(10), HANG]
    with pytest.raises(BlockWaitTimeoutError) as caught:
        client_on(core_peer, "CoreEnterpriseMSP").catch_up(supplier, timeout=0.05)
    assert (caught.value.block_number, caught.value.address) == (12, FakeTransport.address)


def test_without_a_network_nothing_is_known_and_a_wait_says_what_is_missing():
    alone = ReceivablesClient(FakeContract())
    assert alone.last_committed_block is None
    with pytest.raises(ArgumentRefused, match=r"needs the gateway Network: ReceivablesClient\(contract, network\)") \
            as refused:
        alone.wait_for_block(3)
    assert refused.value.sent is False and "nothing was sent" in str(refused.value)
    supplier = client_on(peer(block_number=12), "SupplierMSP")
    supplier.confirm("R-00000000000000a1")
    with pytest.raises(ArgumentRefused, match="needs the gateway Network") as refused:
        alone.catch_up(supplier)
    assert refused.value.sent is False and alone.contract.calls == []


def test_a_wait_without_a_network_is_refused_as_any_argument_before_sending_by_either_client():
    """The refusal is the typed one every other refusal before sending is (a ValueError still, ``sent`` False), so
    that a caller counting what reached the peers need not guess from a bare ValueError; and it names the client
    that was built without its Network."""
    supplier = client_on(peer(block_number=12), "SupplierMSP")
    supplier.confirm("R-00000000000000a1")   # a change to catch up with: without one, catch_up waits for nothing

    async def refusals():
        alone, refused = AsyncReceivablesClient(FakeContract()), []
        for wait in (lambda: alone.wait_for_block(1), lambda: alone.catch_up(supplier)):
            try:
                await wait()
            except ValueError as error:
                refused.append(error)
        return refused

    refused = asyncio.run(refusals())
    assert len(refused) == 2
    for error in refused:
        assert isinstance(error, ArgumentRefused) and error.sent is False, repr(error)
        assert "AsyncReceivablesClient(contract, network)" in str(error)


def test_the_async_client_catches_up_the_same_way():
    supplier_peer, core_peer = peer(block_number=21), peer()
    core_peer.deliver_responses = [filtered_block(21)]

    async def client(transport, msp_id) -> AsyncReceivablesClient:
        identity, signer = identity_of(msp_id)
        gateway = connect_async(identity=identity, signer=signer, transport=AsyncFakeTransport(transport))
        network = gateway.get_network(CHANNEL)
        return AsyncReceivablesClient(network.get_contract(CHANNEL, CONTRACT_NAME), network)

    async def main():
        supplier, core = await client(supplier_peer, "SupplierMSP"), await client(core_peer, "CoreEnterpriseMSP")
        await supplier.confirm("R-00000000000000a1")
        waited = await core.catch_up(supplier)
        core_peer.deliver_responses = [HANG]
        with pytest.raises(BlockWaitTimeoutError):
            await core.wait_for_block(22, timeout=0.05)
        with pytest.raises(ValueError, match="needs the gateway Network"):
            await AsyncReceivablesClient(FakeContract()).wait_for_block(1)
        return supplier.last_committed_block, waited

    assert asyncio.run(main()) == (21, 21)
    assert [kind for _, kind in core_peer.requests("deliver")] == ["filtered", "filtered"]
