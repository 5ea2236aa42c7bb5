"""The Gateway's side for the client benchmarks: prepared transactions built from real executions,
and a transport that answers with them, so only the client's own work is measured."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    chaincode_shim_pb2 as shim_pb2,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)

from chaincode.testing import TestIdentity
from client.gateway import private_key_signer

from .loopback_peer import CHAINCODE, Executed


def prepared_transaction(executed: Executed, endorsers: Sequence[TestIdentity]) -> common_pb2.Envelope:
    """What a Gateway's Endorse returns for ``executed``: the unsigned transaction envelope with its
    read/write set, event, result and the endorsements of ``endorsers``, as Fabric assembles it."""
    proposal = proposal_pb2.Proposal.FromString(executed.proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    proposal_payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    proposal_payload.ClearField("TransientMap")          # never reaches the ledger
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
        proposal_hash=hashlib.sha256(proposal.header + proposal_payload.SerializeToString()).digest(),
        extension=action.SerializeToString()).SerializeToString()
    endorsements = [proposal_response_pb2.Endorsement(
        endorser=bytes(peer), signature=private_key_signer(peer.private_key)(
            hashlib.sha256(response_payload + bytes(peer)).digest())) for peer in endorsers]
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_payload.SerializeToString(),
        action=transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response_payload,
                                                       endorsements=endorsements))
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        header=header.signature_header, payload=action_payload.SerializeToString())])
    return common_pb2.Envelope(payload=common_pb2.Payload(header=header, data=transaction.SerializeToString())
                               .SerializeToString())


class PreparedReplies:
    """An AsyncGatewayTransport whose replies were built beforehand: the client's CPU is all that runs."""

    def __init__(self) -> None:
        self.endorse_reply = gateway_pb2.EndorseResponse()
        self._submitted = gateway_pb2.SubmitResponse()
        self._committed = gateway_pb2.CommitStatusResponse(result=transaction_pb2.VALID, block_number=8)
        self.calls = {"endorse": 0, "submit": 0, "commit_status": 0}

    async def endorse(self, request, timeout):
        self.calls["endorse"] += 1
        return self.endorse_reply

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
