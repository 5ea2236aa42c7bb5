"""After a fault: is every transaction the client saw committed as valid on every peer's ledger,
and does each peer's world state equal the state replayed from its blocks?

Both checks ask the peers themselves through the query system chaincode (``qscc``):
``GetTransactionByID`` for each acknowledged tx id, ``GetChainInfo`` and
``GetBlockByNumber`` for the blocks, each query naming the peer's own org so the
Gateway cannot pass it to another org's peer. The replay applies, in block order, the
writes of the valid transactions in the chaincode's namespace; the world state
of each receivable the run touched is then read from the same peer through the
contract (``GetReceivable``, as the regulator, targeted at that peer's org) and
compared as JSON with the replayed value.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fabric_protos.common import common_pb2, ledger_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from client.gateway import GatewayError
from client.ledger.qscc import QSCC, ask_own_org
from client.receivables.ledger_keys import receivable_key
from network import profiles
from network.topology import Topology

from .network_session import connect_peer


@dataclass
class PeerLedger:
    """What one peer holds of the acknowledged transactions."""

    peer: str
    found: int = 0
    lost: list[str] = field(default_factory=list)
    not_valid: dict[str, str] = field(default_factory=dict)   # tx id -> validation code other than VALID
    state_mismatches: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    acknowledged: int
    peers: list[PeerLedger]

    @property
    def lost(self) -> int:
        """Acknowledged transactions missing (or not valid) on at least one peer."""
        return len({tx for p in self.peers for tx in [*p.lost, *p.not_valid]})

    @property
    def found(self) -> int:
        return self.acknowledged - self.lost

    def to_json(self) -> dict:
        return {"acknowledged": self.acknowledged, "found": self.found, "lost": self.lost,
                "peers": [vars(p) for p in self.peers]}


def valid_writes(block: common_pb2.Block, namespace: str) -> Iterator[tuple[str, bytes | None]]:
    """(key, value or None for a delete) of each valid endorser transaction of a block, in order."""
    flags = block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER]
    for index, raw in enumerate(block.data.data):
        if index < len(flags) and flags[index] != transaction_pb2.VALID:
            continue
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(raw).payload)
        header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        if header.type != common_pb2.ENDORSER_TRANSACTION:
            continue
        for action in transaction_pb2.Transaction.FromString(payload.data).actions:
            endorsed = transaction_pb2.ChaincodeActionPayload.FromString(action.payload).action
            response = proposal_response_pb2.ProposalResponsePayload.FromString(endorsed.proposal_response_payload)
            results = rwset_pb2.TxReadWriteSet.FromString(proposal_pb2.ChaincodeAction.FromString(response.extension).results)
            for ns in results.ns_rwset:
                if ns.namespace != namespace:
                    continue
                for write in kv_rwset_pb2.KVRWSet.FromString(ns.rwset).writes:
                    yield write.key, None if write.is_delete else write.value


def replay(blocks: Iterable[common_pb2.Block], namespace: str) -> dict[str, bytes]:
    """The namespace's world state rebuilt from blocks."""
    state: dict[str, bytes] = {}
    for block in blocks:
        for key, value in valid_writes(block, namespace):
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
    return state


def _blocks(qscc, channel: str, msp_id: str) -> Iterator[common_pb2.Block]:
    info = ledger_pb2.BlockchainInfo.FromString(ask_own_org(qscc, msp_id, "GetChainInfo", channel))
    for number in range(info.height):
        yield common_pb2.Block.FromString(ask_own_org(qscc, msp_id, "GetBlockByNumber", channel, str(number)))


def check_peer(peer_name: str, qscc, reader, channel: str, chaincode: str, msp_id: str,
               acknowledged: Iterable[str], receivable_ids: Iterable[str]) -> PeerLedger:
    """One peer: each acknowledged tx by id, then the touched receivables against the replay. Every query
    names the peer's own org (``msp_id``), so no other org's peer answers for it."""
    ledger = PeerLedger(peer_name)
    for tx_id in acknowledged:
        try:
            processed = transaction_pb2.ProcessedTransaction.FromString(
                ask_own_org(qscc, msp_id, "GetTransactionByID", channel, tx_id))
        except GatewayError:
            ledger.lost.append(tx_id)
            continue
        if processed.validationCode != transaction_pb2.VALID:
            ledger.not_valid[tx_id] = transaction_pb2.TxValidationCode.Name(processed.validationCode)
        else:
            ledger.found += 1
    state = replay(_blocks(qscc, channel, msp_id), chaincode)
    for receivable_id in receivable_ids:
        replayed = state.get(receivable_key(receivable_id))
        try:
            live = reader.evaluate("GetReceivable", arguments=[receivable_id], endorsing_organizations=[msp_id])
        except GatewayError as error:
            ledger.state_mismatches.append(f"{receivable_id}: replay has it, the peer could not read it ({error.message})"
                                           if replayed is not None else f"{receivable_id}: on neither")
            continue
        if replayed is None or json.loads(replayed) != json.loads(live):
            ledger.state_mismatches.append(f"{receivable_id}: world state differs from the replayed blocks")
    return ledger


def verify(acknowledged: Iterable[str], receivable_ids: Iterable[str], topology: Topology, data_root: Path | None,
           reader_org: str = "regulator") -> Verdict:
    """Check every peer of every org in the topology; the reader org's client reads the world state."""
    from cli.connection import open_session

    acknowledged, receivable_ids = sorted(set(acknowledged)), sorted(set(receivable_ids))
    peers: list[PeerLedger] = []
    with open_session(reader_org, None, data_root) as reading:
        reader = reading.client.contract
        for org in topology.orgs:
            if not topology.peers(org.name):
                continue
            profile = profiles.load(org.name, data_root)
            for endpoint in profile.peers:
                gateway = connect_peer(org.name, endpoint, data_root)
                try:
                    qscc = gateway.get_network(profile.channel).get_contract(QSCC)
                    peers.append(check_peer(endpoint.host_name_override, qscc, reader, profile.channel,
                                            profile.chaincode, profile.msp_id, acknowledged, receivable_ids))
                finally:
                    gateway.close()
    return Verdict(len(acknowledged), peers)
