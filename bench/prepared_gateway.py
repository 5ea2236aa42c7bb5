"""The Gateway's side for the client benchmarks: prepared transactions built from real executions,
a transport that answers with them, so only the client's own work is measured, and the blocks of
the stand-in's one peer with its filtered Deliver, so both clients can wait for a block against it."""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import time
from collections.abc import Sequence
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    chaincode_shim_pb2 as shim_pb2,
    events_pb2,
    events_pb2_grpc,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)

from chaincode.testing import TestIdentity
from client.gateway import private_key_signer
from client.gateway._transaction import proposal_hash, proposal_payload_for_transaction

from .loopback_peer import CHAINCODE, Executed


def prepared_transaction(executed: Executed, endorsers: Sequence[TestIdentity]) -> common_pb2.Envelope:
    """What a Gateway's Endorse returns for ``executed``: the unsigned transaction envelope with its
    read/write set, event, result and the endorsements of ``endorsers``, as Fabric assembles it."""
    proposal = proposal_pb2.Proposal.FromString(executed.proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    kv = kv_rwset_pb2.KVRWSet(reads=[kv_rwset_pb2.KVRead(key=k, version=kv_rwset_pb2.Version(block_num=7, tx_num=3))
                                     for k in dict.fromkeys(executed.reads)])
    for write in executed.writes:
        if write.collection:
            continue  # private writes travel as hashes in another namespace; these operations have none
        if write.kind == shim_pb2.WriteRecord.PUT_STATE_METADATA:
            kv.metadata_writes.add(key=write.key).entries.add(name="VALIDATION_PARAMETER", value=write.value)
        else:
            kv.writes.add(key=write.key, value=write.value, is_delete=write.kind != shim_pb2.WriteRecord.PUT_STATE)
    results = rwset_pb2.TxReadWriteSet(data_model=rwset_pb2.TxReadWriteSet.KV, ns_rwset=[
        rwset_pb2.NsReadWriteSet(namespace=CHAINCODE, rwset=kv.SerializeToString())])
    event = b""
    if executed.event is not None:
        event = chaincode_event_pb2.ChaincodeEvent(chaincode_id=CHAINCODE, tx_id=executed.tx_id,
                                                   event_name=executed.event[0],
                                                   payload=executed.event[1]).SerializeToString()
    action = proposal_pb2.ChaincodeAction(
        results=results.SerializeToString(), events=event,
        response=proposal_response_pb2.Response(status=executed.status, payload=executed.payload),
        chaincode_id=chaincode_pb2.ChaincodeID(name=CHAINCODE, version="1.0"))
    response_payload = proposal_response_pb2.ProposalResponsePayload(
        proposal_hash=proposal_hash(proposal),
        extension=action.SerializeToString()).SerializeToString()
    endorsements = [proposal_response_pb2.Endorsement(
        endorser=bytes(peer), signature=private_key_signer(peer.private_key)(
            hashlib.sha256(response_payload + bytes(peer)).digest())) for peer in endorsers]
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_payload_for_transaction(proposal),   # never the transient data
        action=transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response_payload,
                                                       endorsements=endorsements))
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        header=header.signature_header, payload=action_payload.SerializeToString())])
    return common_pb2.Envelope(payload=common_pb2.Payload(header=header, data=transaction.SerializeToString())
                               .SerializeToString())


class PreparedReplies:
    """An AsyncGatewayTransport answering in-process: each Endorse with ``template``'s transaction built around
    the request's own proposal (the SDK refuses, before signing, a prepared transaction of another transaction
    id), the rest with replies built beforehand. Building a reply is the Gateway's work, not the client's: its
    CPU and wall seconds add up in ``spent_cpu`` and ``spent_wall``, which a measurement takes out."""

    def __init__(self, template: Executed, endorsers: Sequence[TestIdentity]) -> None:
        self.template = template
        self.endorsers = list(endorsers)
        self._submitted = gateway_pb2.SubmitResponse()
        self._committed = gateway_pb2.CommitStatusResponse(result=transaction_pb2.VALID, block_number=8)
        self.calls = {"endorse": 0, "submit": 0, "commit_status": 0}
        self.spent_cpu = self.spent_wall = 0.0

    async def endorse(self, request, timeout):
        self.calls["endorse"] += 1
        cpu, wall = time.process_time(), time.perf_counter()
        executed = dataclasses.replace(self.template, proposal=request.proposed_transaction,
                                       tx_id=request.transaction_id)
        reply = gateway_pb2.EndorseResponse(prepared_transaction=prepared_transaction(executed, self.endorsers))
        self.spent_cpu += time.process_time() - cpu
        self.spent_wall += time.perf_counter() - wall
        return reply

    async def submit(self, request, timeout):
        self.calls["submit"] += 1
        return self._submitted

    async def commit_status(self, request, timeout):
        self.calls["commit_status"] += 1
        return self._committed

    async def evaluate(self, request, timeout):
        raise NotImplementedError("the component benchmark submits only")

    def chaincode_events(self, request):
        raise NotImplementedError("the component benchmark submits only")

    def deliver(self, envelope, kind):
        raise NotImplementedError("the component benchmark submits only")

    async def close(self) -> None:
        pass


def creator_msp(signature_header: bytes) -> str:
    """The MSP ID of whoever signed a request, from its SignatureHeader."""
    creator = common_pb2.SignatureHeader.FromString(signature_header).creator
    return identities_pb2.SerializedIdentity.FromString(creator).mspid


class OnePeerChain:
    """The channel's blocks as the stand-in Gateway's one peer has them: one transaction a block.

    Blocks 0 to ``first - 1`` are the ledger before the stand-in started (their transactions are
    not known here); each commit status the stand-in answers commits the next block, so a client's
    commit status names a block this peer already has, as a Gateway peer's does.
    """

    def __init__(self, channel: str, first: int) -> None:
        self.channel = channel
        self.height = first
        self.tx_ids: dict[int, str] = {}
        self._next = asyncio.Event()     # set when the next block is committed, then replaced

    def commit(self, tx_id: str) -> int:
        number = self.height
        self.tx_ids[number] = tx_id
        self.height += 1
        self._next.set()
        self._next = asyncio.Event()
        return number

    async def block(self, number: int) -> events_pb2.FilteredBlock:
        """Filtered block ``number``, once committed."""
        while number >= self.height:
            await self._next.wait()
        tx_id = self.tx_ids.get(number)
        transactions = [] if tx_id is None else [events_pb2.FilteredTransaction(
            txid=tx_id, type=common_pb2.ENDORSER_TRANSACTION, tx_validation_code=transaction_pb2.VALID)]
        return events_pb2.FilteredBlock(channel_id=self.channel, number=number, filtered_transactions=transactions)


class StandInDeliver(events_pb2_grpc.DeliverServicer):
    """The peer's Deliver over a OnePeerChain, answered as Fabric's deliver handler answers
    (common/deliver/deliver.go): the start is the oldest block, the newest, the next to be committed,
    or a numbered one, which must not lie beyond the next (NOT_FOUND); blocks are sent up to the stop,
    each once committed (NOT_FOUND instead with FAIL_IF_NOT_READY), then SUCCESS. A stream the client
    cancels just ends. Each stream goes into ``journal`` as it runs: which call, who asked, the start,
    the blocks sent and how it ended.

    Filtered blocks carry the chain's transaction IDs; full blocks (Deliver) and blocks with private
    data (DeliverWithPrivateData) carry only the block number, in the header, as the stand-in keeps
    no transaction's bytes: enough for a client to read where a block stands, not what it holds.
    """

    def __init__(self, chain: OnePeerChain, journal: list[dict[str, Any]]) -> None:
        self.chain = chain
        self.journal = journal

    async def DeliverFiltered(self, request_iterator, context):
        async for reply in self._streams("deliver_filtered", request_iterator):
            yield reply

    async def Deliver(self, request_iterator, context):
        async for reply in self._streams("deliver", request_iterator):
            yield _numbered(reply, lambda block: events_pb2.DeliverResponse(block=block))

    async def DeliverWithPrivateData(self, request_iterator, context):
        async for reply in self._streams("deliver_with_private_data", request_iterator):
            yield _numbered(reply, lambda block: events_pb2.DeliverResponse(
                block_and_private_data=events_pb2.BlockAndPrivateData(block=block)))

    async def _streams(self, call: str, request_iterator):
        async for envelope in request_iterator:    # a client sends one request a stream; Fabric serves each in turn
            entry: dict[str, Any] = {"call": call, "msp": "", "start": "", "blocks": [],
                                     "ended": "cancelled by the client"}
            self.journal.append(entry)
            async for reply in self._serve(envelope, entry):
                yield reply

    async def _serve(self, envelope: common_pb2.Envelope, entry: dict[str, Any]):
        try:
            payload = common_pb2.Payload.FromString(envelope.payload)
            channel = common_pb2.ChannelHeader.FromString(payload.header.channel_header).channel_id
            entry["msp"] = creator_msp(payload.header.signature_header)
            seek = ab_pb2.SeekInfo.FromString(payload.data)
        except Exception:  # noqa: BLE001 - any part that does not decode is a bad request, as on a peer
            yield self._status(entry, common_pb2.BAD_REQUEST)
            return
        if channel != self.chain.channel:
            yield self._status(entry, common_pb2.NOT_FOUND)
            return
        if not envelope.signature:
            yield self._status(entry, common_pb2.FORBIDDEN)
            return
        if not (seek.HasField("start") and seek.HasField("stop")):
            yield self._status(entry, common_pb2.BAD_REQUEST)
            return
        height = self.chain.height
        entry["start"] = seek.start.WhichOneof("Type")
        number = {"oldest": 0, "newest": height - 1, "next_commit": height}.get(entry["start"],
                                                                               seek.start.specified.number)
        if number > height:
            yield self._status(entry, common_pb2.NOT_FOUND)
            return
        stop_kind = seek.stop.WhichOneof("Type")
        if stop_kind == "specified" and seek.stop.specified.number < number:
            yield self._status(entry, common_pb2.BAD_REQUEST)
            return
        stop = {"oldest": number, "specified": seek.stop.specified.number,
                "newest": number if seek.start == seek.stop else height - 1}.get(stop_kind)  # next_commit: none
        while True:
            if seek.behavior == ab_pb2.SeekInfo.FAIL_IF_NOT_READY and number >= self.chain.height:
                yield self._status(entry, common_pb2.NOT_FOUND)
                return
            block = await self.chain.block(number)
            entry["blocks"].append(number)
            yield events_pb2.DeliverResponse(filtered_block=block)
            if number == stop:
                yield self._status(entry, common_pb2.SUCCESS)
                return
            number += 1

    @staticmethod
    def _status(entry: dict[str, Any], status: int) -> events_pb2.DeliverResponse:
        entry["ended"] = common_pb2.Status.Name(status)
        return events_pb2.DeliverResponse(status=status)


def _numbered(reply: events_pb2.DeliverResponse, answer) -> events_pb2.DeliverResponse:
    """A filtered-block reply as the full block of that number (``answer`` wraps it); a status as it is."""
    if reply.WhichOneof("Type") != "filtered_block":
        return reply
    return answer(common_pb2.Block(header=common_pb2.BlockHeader(number=reply.filtered_block.number)))
