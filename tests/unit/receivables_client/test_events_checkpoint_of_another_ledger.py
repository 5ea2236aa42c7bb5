"""``check_checkpoint``: whether the peer's ledger holds the transaction an events checkpoint resumes after.

The Gateway passes over every chaincode event until it meets the checkpoint's transaction, so ``events()`` resumed
from the checkpoint of another ledger (a network set up anew, another network's with the same names) yields
nothing, ever, and raises nothing. The check asks the peer (qscc ``GetBlockByTxID``, of the caller's own org)
and raises ``CheckpointOfAnotherLedger`` only on its answer that it holds no such transaction; ``recfin events``
calls it before it resumes."""

from __future__ import annotations

import asyncio
import copy
import pickle
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
import pytest
from fabric_protos.peer import chaincode_pb2, proposal_pb2, transaction_pb2

from client.gateway import ErrorDetail, GatewayError, Identity, InMemoryCheckpointer, connect, connect_async
from client.gateway import private_key_signer
from client.gateway._transport import TransportError
from client.receivables import (CONTRACT_NAME, AsyncReceivablesClient, CheckpointNotResumable,
                                CheckpointOfAnotherLedger, ReceivablesClient)
from tests.unit.client.gateway_fakes import AsyncFakeTransport, FakeTransport, make_key_and_cert
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction

CHANNEL = "receivables-channel"
TX = "bb" * 32


class Checkpoint:
    def __init__(self, block_number, transaction_id):
        self.block_number, self.transaction_id = block_number, transaction_id


def _not_on_this_ledger(tx_id: str) -> TransportError:
    """qscc's answer, through the Gateway, for a transaction its peer's ledger does not hold."""
    said = f"chaincode response 500, Failed to get transaction with id {tx_id}, error no such transaction ID [{tx_id}]"
    return TransportError(grpc.StatusCode.UNKNOWN, f"evaluate call to endorser returned error: {said}",
                          [ErrorDetail("peer0.org1.example.com:7051", "Org1MSP", said)])


def _asked_for_the_block_of(tx_id: str) -> list:
    return [("qscc", [b"GetBlockByTxID", CHANNEL.encode(), tx_id.encode()], ["Org1MSP"])]


def holding(transport: FakeTransport, block_number: int, tx_id: str = TX, **kept) -> FakeTransport:
    """``transport`` answering qscc with block ``block_number`` holding ``tx_id`` (a valid transaction that emitted
    a chaincode event unless ``kept`` says otherwise: ``event=False``, ``code=``), as the peer's ledger holds it."""
    transport.result = block(block_number, (transaction(tx_id, event=kept.get("event", True)), kept.get("code", 0)))
    return transport


def _client(transport: FakeTransport) -> ReceivablesClient:
    key, cert = make_key_and_cert("user1")
    gateway = connect(transport=transport, identity=Identity.from_pem("Org1MSP", cert),
                      signer=private_key_signer(key))
    network = gateway.get_network(CHANNEL)
    return ReceivablesClient(network.get_contract("receivables", CONTRACT_NAME), network)


@asynccontextmanager
async def _async_client(transport: FakeTransport) -> AsyncIterator[AsyncReceivablesClient]:
    """The async twin of :func:`_client`, over ``transport``, while its gateway is open."""
    key, cert = make_key_and_cert("user1")
    async with connect_async(transport=AsyncFakeTransport(transport), identity=Identity.from_pem("Org1MSP", cert),
                             signer=private_key_signer(key)) as gateway:
        network = gateway.get_network(CHANNEL)
        yield AsyncReceivablesClient(network.get_contract("receivables", CONTRACT_NAME), network)


def _asked(transport: FakeTransport) -> list[tuple[str, list[bytes], list[str]]]:
    """Each evaluate sent: (chaincode, its arguments, the orgs it was to be endorsed by)."""
    asked = []
    for request in transport.requests("evaluate"):
        proposal = proposal_pb2.Proposal.FromString(request.proposed_transaction.proposal_bytes)
        spec = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
        invocation = chaincode_pb2.ChaincodeInvocationSpec.FromString(spec.input)
        asked.append((invocation.chaincode_spec.chaincode_id.name, list(invocation.chaincode_spec.input.args),
                      list(request.target_organizations)))
    return asked


def test_a_checkpoint_whose_transaction_the_peer_does_not_hold_is_refused_naming_it():
    transport = FakeTransport()
    transport.fail["evaluate"] = _not_on_this_ledger(TX)
    with pytest.raises(CheckpointOfAnotherLedger) as refused:
        _client(transport).check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP")
    error = refused.value
    assert (error.channel, error.block_number, error.transaction_id) == (CHANNEL, 6, TX)
    assert isinstance(error, ValueError)
    assert str(error).startswith(f"the checkpoint resumes after transaction {TX} of block 6, which the peer's "
                                 f"ledger of channel {CHANNEL} does not hold"), str(error)
    assert "start_block" in str(error)
    assert _asked(transport) == _asked_for_the_block_of(TX)
    for rebuilt in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert (str(rebuilt), rebuilt.transaction_id, rebuilt.block_number) == (str(error), TX, 6)


def test_a_checkpoint_whose_transaction_the_peer_holds_passes():
    transport = holding(FakeTransport(), 6)   # qscc answers with the block of the transaction, which emitted an event
    assert _client(transport).check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP") is None
    assert _asked(transport) == _asked_for_the_block_of(TX)


@pytest.mark.parametrize("checkpoint", [None, InMemoryCheckpointer(), Checkpoint(0, None), Checkpoint(0, "")])
def test_a_checkpoint_that_holds_no_position_asks_nothing(checkpoint):
    """Block 0 with no transaction is what a checkpoint file holds before its first event: events() starts at the
    start block then, and there is no transaction to look for."""
    transport = FakeTransport()
    transport.fail["evaluate"] = _not_on_this_ledger(TX)
    assert _client(transport).check_checkpoint(checkpoint, msp_id="Org1MSP") is None
    assert transport.requests("evaluate") == []


def test_a_read_the_peer_does_not_answer_so_is_raised_as_it_came():
    """A read refused (no Readers access) or never answered says nothing of the checkpoint: the caller decides."""
    transport = FakeTransport()
    transport.fail["evaluate"] = TransportError(grpc.StatusCode.UNAVAILABLE,
                                                f"no such transaction ID [{TX}] echoed by a proxy", [])
    with pytest.raises(GatewayError) as failed:
        _client(transport).check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP")
    assert not isinstance(failed.value, CheckpointOfAnotherLedger)


def test_a_client_without_its_network_is_told_to_give_it():
    client = ReceivablesClient(_client(FakeTransport()).contract)
    with pytest.raises(ValueError, match="the gateway Network"):
        client.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP")


def test_the_async_client_awaits_the_same_check():
    transport = FakeTransport()
    transport.fail["evaluate"] = _not_on_this_ledger(TX)

    async def check():
        async with _async_client(transport) as client:
            await client.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP")

    with pytest.raises(CheckpointOfAnotherLedger):
        asyncio.run(check())
    assert _asked(transport) == _asked_for_the_block_of(TX)


# a checkpoint the ledger holds that the Gateway never resumes from: its transaction committed invalid, or emitted
# no event (a checkpoint_transaction of a transaction of the user's choosing), or sits in another block than it says
NOT_RESUMABLE = {
    "committed invalid": (dict(code=transaction_pb2.MVCC_READ_CONFLICT), 6,
                          "committed as invalid (MVCC_READ_CONFLICT), so it emitted no chaincode event"),
    "no event emitted": (dict(event=False), 6, "that transaction emitted no chaincode event"),
    "in another block": (dict(block_number=9), 6, "holds that transaction in block 9"),
}


@pytest.mark.parametrize("held, resume_block, said", NOT_RESUMABLE.values(), ids=NOT_RESUMABLE.keys())
def test_a_checkpoint_the_gateway_would_never_resume_from_is_refused_blocking_and_awaited(held, resume_block, said):
    """Asked only whether the ledger holds the transaction, the check passed these, and the stream resumed from
    them gave no event, ever (Fabric's matcher never meets the transaction), or skipped a block's events."""
    held = dict(held)
    transport = holding(FakeTransport(), held.pop("block_number", 6), **held)
    with pytest.raises(CheckpointNotResumable, match=re.escape(said)) as refused:
        _client(transport).check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP")
    assert (refused.value.block_number, refused.value.transaction_id, refused.value.resume_block) == \
        (6, TX, resume_block)

    async def awaited():
        async with _async_client(transport) as client:
            await client.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP")

    with pytest.raises(CheckpointNotResumable, match=re.escape(said)):
        asyncio.run(awaited())
    assert _asked(transport) == _asked_for_the_block_of(TX) * 2
