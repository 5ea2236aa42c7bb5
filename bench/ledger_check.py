"""After a fault: is every transaction the client saw committed as valid on every peer's ledger,
does each peer's world state equal the state replayed from its blocks, and do the peers agree?

Both checks ask the peers themselves through the query system chaincode (``qscc``):
``GetTransactionByID`` for each acknowledged tx id, ``GetChainInfo`` and
``GetBlockByNumber`` for the blocks, each query naming the peer's own org so the
Gateway cannot pass it to another org's peer. The replay applies, in block order, the
writes of the valid transactions in the chaincode's namespace; the world state
of each receivable the run touched is then read from the same peer through the
contract (``GetReceivable``, as the regulator, targeted at that peer's org) and
compared as JSON with the replayed value.

Each peer agreeing with itself is not enough: two peers can each replay to their own
world state and still differ (one marked a transaction valid that the other did not).
So the peers are also compared with each other: the same block header hash and the
same validation flags at every height they share, and the same replayed value of
each touched receivable (``Verdict.divergences``).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    # for comparing the peers with each other: per block, its header hash and its validation flags; per
    # touched receivable id, the value replayed from this peer's blocks (None: not there)
    chain: list[tuple[bytes, bytes]] = field(default_factory=list, repr=False)
    replayed: dict[str, bytes | None] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict:
        return {"peer": self.peer, "height": len(self.chain), "found": self.found, "lost": self.lost,
                "not_valid": self.not_valid, "state_mismatches": self.state_mismatches}


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

    @property
    def divergences(self) -> list[str]:
        """Where the peers' ledgers disagree with each other (empty when they agree)."""
        return divergences(self.peers)

    def to_json(self) -> dict:
        return {"acknowledged": self.acknowledged, "found": self.found, "lost": self.lost,
                "divergences": self.divergences, "peers": [p.to_json() for p in self.peers]}


def block_header_hash(header: common_pb2.BlockHeader) -> bytes:
    """The block's hash as Fabric computes it (protoutil.BlockHeaderHash): SHA-256 over the ASN.1 DER of
    SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }. The next block's
    previous_hash is this, so equal hashes at a height mean equal chains up to it."""
    number = header.number.to_bytes(header.number.bit_length() // 8 + 1, "big")   # a leading 0 keeps it positive
    return hashlib.sha256(_der(0x30, _der(0x02, number) + _der(0x04, header.previous_hash)
                               + _der(0x04, header.data_hash))).digest()


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def divergences(peers: Sequence[PeerLedger]) -> list[str]:
    """One line per disagreement between the peers, naming which peers hold what: the first height they share
    whose block hash differs (every later one differs with it, the chain being linked), the first transaction
    whose validation code differs, and each touched receivable whose replayed value differs."""
    out = []
    shared = min((len(p.chain) for p in peers), default=0)
    for number in range(shared):
        if groups := _disagreeing(peers, lambda p: p.chain[number][0]):
            out.append(f"block {number}: the peers disagree on its hash: " + _describe(groups, lambda h: h.hex()[:16]))
            break
    for number in range(shared):
        if _disagreeing(peers, lambda p: p.chain[number][1]):
            size = max(len(p.chain[number][1]) for p in peers)
            position = next(i for i in range(size) if _disagreeing(peers, lambda p: _code(p.chain[number][1], i)))
            out.append(f"block {number}, transaction {position}: the peers disagree on its validation code: "
                       + _describe(_disagreeing(peers, lambda p: _code(p.chain[number][1], position)), str))
            break
    for receivable_id in sorted({r for p in peers for r in p.replayed}):
        if groups := _disagreeing(peers, lambda p: p.replayed.get(receivable_id)):
            out.append(f"receivable {receivable_id}: the peers' blocks replay to different values: "
                       + _describe(groups, _shown_value))
    return out


def _code(flags: bytes, position: int) -> str:
    if position >= len(flags):
        return "no flag"
    try:
        return transaction_pb2.TxValidationCode.Name(flags[position])
    except ValueError:
        return f"code {flags[position]}"


def _disagreeing(peers: Sequence[PeerLedger], of: Callable[[PeerLedger], object]) -> dict[object, list[str]]:
    """The peers' names by the value ``of`` gives for each, when there is more than one value; else empty."""
    groups: dict[object, list[str]] = {}
    for peer in peers:
        groups.setdefault(of(peer), []).append(peer.peer)
    return groups if len(groups) > 1 else {}


def _describe(groups: dict, show: Callable) -> str:
    return "; ".join(f"{', '.join(names)} {show(value)}" for value, names in groups.items())


def _shown_value(value: bytes | None, limit: int = 120) -> str:
    if value is None:
        return "has none"
    text = value.decode("utf-8", "replace")
    return "has " + (text if len(text) <= limit else text[:limit] + "...")


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


def _blocks(qscc, channel: str, msp_id: str, chain: list[tuple[bytes, bytes]]) -> Iterator[common_pb2.Block]:
    """The peer's blocks in order; each one's header hash and validation flags are appended to ``chain``."""
    info = ledger_pb2.BlockchainInfo.FromString(ask_own_org(qscc, msp_id, "GetChainInfo", channel))
    for number in range(info.height):
        block = common_pb2.Block.FromString(ask_own_org(qscc, msp_id, "GetBlockByNumber", channel, str(number)))
        chain.append((block_header_hash(block.header), block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER]))
        yield block


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
    state = replay(_blocks(qscc, channel, msp_id, ledger.chain), chaincode)
    for receivable_id in receivable_ids:
        replayed = ledger.replayed[receivable_id] = state.get(receivable_key(receivable_id))
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
