"""After a fault: is every transaction the client saw committed as valid on every peer's ledger,
does each peer's world state equal the state replayed from its blocks, and do the peers agree?

Both checks ask the peers themselves through the query system chaincode (``qscc``):
``GetTransactionByID`` for each acknowledged tx id, ``GetChainInfo`` and
``GetBlockByNumber`` for the blocks, each query naming the peer's own org so the
Gateway cannot pass it to another org's peer. The replay applies, in block order, the
writes of the valid transactions in the chaincode's namespace. Every key of the replayed
namespace is then read back from the same peer's world state as far as the contract lets
a reader see it (as the regulator, each query targeted at that peer's org): each record
through the query that answers it (``GetReceivable``, ``GetParty``, ``GetRequest``...),
each index through the listing that pages it (``ListReceivablesByHolder``...), compared
as JSON with the replayed value. A bank's exposure indexes (``recfin.by-financier``,
``recfin.open-offer``, ``recfin.offer-made``) are read back through ``GetFinancierExposure`` on the peers
that hold the bank's private data, which the query also reads (``EXPOSURE_INDEXES``), and so
is the version of a bank's exposure on a debtor (``recfin.exposure-version``), the query's ``version``: of the
fixed key and the entries the version may be moved aside to, the one the query reads (``exposure_version_read``).
What no query answers is counted, not compared (``NOT_READABLE`` and ``EXPOSURE_INDEXES`` say why).
Each bank's portfolio is read too: the claims ``ListReceivablesByFinancier`` lists against those
the replayed claims say the bank finances live (``compare_financed_lists``). A record whose last write in
the blocks is a delete must read back as gone (``_still_served``), and each replayed claim's key-level
endorsement policy (the transactions' metadata writes) must name the orgs ``GetReceivableEndorsers`` answers.

A query can name an org, not a peer: Fabric's Gateway passes it to whichever of the org's peers has the
highest ledger height (the host peer only on a tie). With one peer per org, as the topology has, that is the
peer checked; with more, a peer behind its org-mate would be answered for by the org-mate, so ``verify``
refuses such a topology (``refuse_orgs_sharing_a_gateway``) rather than report peers it did not read.

A peer's blocks must be its chain as the ordering service cut it (``chain_problems``: each one's number, the
hash of its data, the link to the one before) and signed it (``OrdererSignatures``: each block's orderer
signatures under the config of the config block its metadata names, from the genesis config block on, which no
orderer signs and must be the one the network made, kept in its data folder: ``channel_genesis``), or what
they replay to proves nothing of what it committed. Each block's validation flags, which no orderer signs, are
the peer's word; a transaction marked VALID must carry endorsements that meet the policies Fabric's validation
held it to (``EndorsementReplay``: the chaincode's, as the definition committed in the blocks before it gives
it, and each written key's key-level policy as the replay has it), or the flag is not Fabric's. Which org's peer
endorsed a claim's confirmation, beyond what its policies ask, ``client.receivables.audit`` proves for one claim.

Each peer agreeing with itself is not enough: two peers can each replay to their own
world state and still differ (one marked a transaction valid that the other did not).
So the peers are also compared with each other: the same block header hash and the
same validation flags at every height they share, and the same replayed value, key-level
policy and private data hash of every key of the namespace (``Verdict.divergences``).
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fabric_protos.common import common_pb2, configtx_pb2, ledger_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import transaction_pb2
from google.protobuf.message import DecodeError

from chaincode.receivables.collections import collection_name
from chaincode.receivables.keys import can_be_attribute
from chaincode.receivables.model import (RETIRED_FINANCING_FIELDS, STATUSES, demand_before_the_list,
                                         without_retired_fields)
from chaincode.receivables.store_base import contract_policy_orgs, org_policy
from chaincode.receivables.store_offers import _STORED_VERSION, _UNGUARDED_COUNT_MAX
from chaincode.shim import VALIDATION_PARAMETER, KeyEndorsementPolicy
from client.business_dates import business_today, offers_counted_on
from client.gateway import GatewayError
from client.ledger import endorsement_policy
from client.ledger.block_integrity import (data_hash, data_problem, genesis_block, header_hash, link_problem,
                                          signature_problem, stale_config_problem)
from client.ledger.endorsements import action_results, is_delete, is_hash_delete
from client.ledger.qscc import (QSCC, LedgerReadError, answered_by_peer, ask_own_org, block_by_number, config_of,
                               decoded, enum_name, last_config_index, other_channel, transaction_by_id,
                               transaction_header, validation_flags)
from client.receivables.audit import no_such_transaction
from client.receivables.errors import rule_violation_from
from client.receivables.ledger_keys import PARTY_TYPE, RECEIVABLE_TYPE, composite_key, receivable_key, split_key
from network import configtx, profiles
from network.errors import NetworkError
from network.topology import Topology

from .network_session import connect_peer


@dataclass
class PeerLedger:
    """What one peer holds of the acknowledged transactions."""

    peer: str
    found: int = 0
    lost: list[str] = field(default_factory=list)     # the peer answered that it holds no such transaction
    not_valid: dict[str, str] = field(default_factory=dict)   # tx id -> validation code other than VALID
    # tx id -> the error that kept the peer from answering (unreachable, a timeout, access refused): not lost, since
    # the peer said nothing of its ledger, and not found either
    unread: dict[str, str] = field(default_factory=dict)
    # each block not as the ordering service cut it (``chain_problems``) or signed it (``OrdererSignatures``), each
    # transaction id marked VALID twice (``Replay.note_valid``), then each key that differs
    state_mismatches: list[str] = field(default_factory=list)
    # key kind -> its keys not compared with the world state (NOT_READABLE, EXPOSURE_INDEXES say why)
    not_read_back: dict[str, int] = field(default_factory=dict)
    # each transaction marked VALID whose endorsements do not meet the policies Fabric's validation held it to, and
    # each whose check could not be made (``EndorsementReplay``)
    endorsement_failures: list[str] = field(default_factory=list)
    endorsements_untold: list[str] = field(default_factory=list)
    # for comparing the peers with each other: per block, its header hash and its validation flags; the
    # namespace as this peer's blocks leave it (its state, its keys' key-level policies, its private data's hashes)
    chain: list[tuple[bytes, bytes]] = field(default_factory=list, repr=False)
    replayed: Replay = field(default_factory=lambda: Replay(), repr=False)     # Replay is defined below

    def to_json(self) -> dict:
        return {"peer": self.peer, "height": len(self.chain), "found": self.found, "lost": self.lost,
                "not_valid": self.not_valid, "unread": self.unread, "keys": len(self.replayed.state),
                "state_mismatches": self.state_mismatches, "not_read_back": self.not_read_back,
                "endorsement_failures": self.endorsement_failures, "endorsements_untold": self.endorsements_untold}


@dataclass
class Verdict:
    acknowledged: int
    peers: list[PeerLedger]

    @property
    def lost(self) -> int:
        """Acknowledged transactions missing (or not valid) on at least one peer."""
        return len(self._lost())

    @property
    def unread(self) -> int:
        """Acknowledged transactions not lost that at least one peer could not be asked about (``PeerLedger.unread``
        names the error): not counted as lost, yet not found, so they fail the check all the same. With no peer
        to ask, every one is unread: none was looked for, so none was found."""
        if not self.peers:
            return self.acknowledged
        return len({tx for p in self.peers for tx in p.unread} - self._lost())

    @property
    def found(self) -> int:
        """Acknowledged transactions every peer was asked about and holds as valid."""
        return self.acknowledged - self.lost - self.unread

    def _lost(self) -> set[str]:
        return {tx for p in self.peers for tx in [*p.lost, *p.not_valid]}

    @property
    def divergences(self) -> list[str]:
        """Where the peers' ledgers disagree with each other (empty when they agree)."""
        return divergences(self.peers)

    def to_json(self) -> dict:
        return {"acknowledged": self.acknowledged, "found": self.found, "lost": self.lost, "unread": self.unread,
                "divergences": self.divergences, "peers": [p.to_json() for p in self.peers]}


def divergences(peers: Sequence[PeerLedger]) -> list[str]:
    """One line per disagreement between the peers, naming which peers hold what: their heights, where they differ;
    the first height they share
    whose block hash differs (every later one differs with it, the chain being linked), the first transaction
    whose validation code differs, and each key of the namespace whose replayed value, key-level policy or
    private data hash differs."""
    out = []
    shared = min((len(p.chain) for p in peers), default=0)
    # a peer behind holds no block past its height to compare: the blocks it lacks are named by the heights alone
    # (their transactions may have written nothing its replay would show, all invalid, or a config)
    if groups := _disagreeing(peers, lambda p: len(p.chain)):
        out.append(f"the peers' heights differ, their blocks compared up to block {shared - 1}: "
                   + _describe(groups, lambda height: f"at height {height}"))
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
    # what of the replay is compared key by key, how its keys are named, what differs, how each value is shown;
    # a peer holding another policy validates the key's next change against other orgs' endorsements
    compared = ((lambda r: r.state, describe_key, "values", _shown_value),
                (lambda r: r.policies, describe_key, "key-level policies",
                 lambda policy: f"name {_policy_orgs(policy)}"),
                (lambda r: r.private_hashes, lambda place: f"private key {place[1].hex()[:16]} of {place[0]}",
                 "value hashes", lambda h: "has none" if h is None else f"has {h.hex()[:16]}"))
    for held, named, what, show in compared:
        for key in sorted({k for p in peers for k in held(p.replayed)}):
            if groups := _disagreeing(peers, lambda p: held(p.replayed).get(key)):
                out.append(f"{named(key)}: the peers' blocks replay to different {what}: " + _describe(groups, show))
    return out


def _policy_orgs(policy: bytes | None) -> str:
    """The orgs a key-level policy names, as the contract reads it (``KeyEndorsementPolicy``); "none" without one."""
    if not policy:
        return "none"
    try:
        return ", ".join(KeyEndorsementPolicy(policy).list_orgs()) or "none"
    except (DecodeError, ValueError):       # not a SignaturePolicyEnvelope of MSP roles
        return f"an unreadable policy ({policy.hex()[:16]})"


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


def _valid_transactions(block: common_pb2.Block
                        ) -> Iterator[tuple[int, common_pb2.ChannelHeader, list[rwset_pb2.NsReadWriteSet]]]:
    """Each transaction of a block its TRANSACTIONS_FILTER marks VALID, in order, each envelope decoded once: its
    position, its channel header and the read-write set of each namespace it lists (none for a transaction other
    than an endorser transaction).
    LedgerReadError naming the block and the transaction where one marked VALID does not decode: Fabric's
    validator decodes every transaction down to its read-write set before it marks it VALID, so such bytes are
    not what the peer committed."""
    flags = validation_flags(block)
    for index, raw in enumerate(block.data.data):
        if index >= len(flags) or flags[index] != transaction_pb2.VALID:
            continue
        what = f"block {block.header.number}'s transaction {index}, marked VALID:"
        payload, header = transaction_header(decoded(common_pb2.Envelope, raw, f"{what} its envelope"), f"{what} its")
        if header.type != common_pb2.ENDORSER_TRANSACTION:
            yield index, header, []
            continue
        yield index, header, list(_namespace_rwsets(payload, what))


def _namespace_rwsets(payload: common_pb2.Payload, what: str) -> Iterator[rwset_pb2.NsReadWriteSet]:
    """The read-write set of each namespace the action of an endorser transaction's ``payload`` lists.
    LedgerReadError where the transaction holds other than one action: Fabric's validator marks such a one invalid
    (validateEndorserTransaction: only one action per transaction is supported), and its commit reads the first
    action alone, so a VALID one is not what the peer committed."""
    actions = decoded(transaction_pb2.Transaction, payload.data, f"{what} its transaction").actions
    if len(actions) != 1:
        raise LedgerReadError(f"{what} its transaction holds {len(actions)} actions, where Fabric's validator marks "
                              "VALID only a transaction of one")
    for action in actions:
        for ns in action_results(action, f"{what} its")[2].ns_rwset:
            # the writes and private hashes are read here, so that the replay's apply decodes nothing that was not
            # checked
            decoded(kv_rwset_pb2.KVRWSet, ns.rwset, f"{what} its writes")
            for collection in ns.collection_hashed_rwset:
                decoded(kv_rwset_pb2.HashedRWSet, collection.hashed_rwset, f"{what} its private hashes")
            yield ns


def valid_writes(block: common_pb2.Block, namespace: str) -> Iterator[tuple[str, bytes | None]]:
    """(key, value or None for a delete, an empty value among them: ``is_delete``) of each valid endorser
    transaction of a block, in order."""
    for _, _, rwsets in _valid_transactions(block):
        for ns in rwsets:
            if ns.namespace != namespace:
                continue
            for write in kv_rwset_pb2.KVRWSet.FromString(ns.rwset).writes:
                yield write.key, None if is_delete(write) else write.value


# the codes Fabric's commit alone sets, after its validator has taken the transaction's id (markTXIdDuplicates): the
# read conflicts, and those its preprocessing of the block sets (kvledger's preprocessProtoBlock: no action to read,
# a write the state database refuses). INVALID_OTHER_REASON, which the validator sets too, says nothing of the id
_SET_AT_COMMIT_CODE_NAMES = ("MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "INVALID_WRITESET", "NIL_TXACTION")


@dataclass
class Replay:
    """The namespace as a peer's blocks leave it. ``state``: each key's value. ``deleted``: the keys whose last
    write is a delete (tombstones), each with the value it held before (None when the blocks never wrote it one),
    so a record the world state kept is found. ``policies``: each key's key-level endorsement policy (its
    VALIDATION_PARAMETER). ``private_hashes``: (collection, key hash) -> value hash of the private data, all the
    blocks carry of it, and ``private_policies`` the key-level policy of each such key. ``valid_tx_ids``: the id of
    each transaction the blocks mark VALID, with where it first is (block number, position). ``problems``: each
    endorser transaction marked VALID whose id was already, VALID, or not (in an earlier block, or earlier in its
    block invalidated by the commit: ``not_valid_tx_ids``), which Fabric marks DUPLICATE_TXID (``note_valid``).
    ``endorsement_failures``: each transaction marked VALID whose endorsements do not meet the policies Fabric's
    validation held it to, and ``endorsements_untold`` each whose check could not be made (``EndorsementReplay``)."""

    state: dict[str, bytes] = field(default_factory=dict)
    deleted: dict[str, bytes | None] = field(default_factory=dict)
    policies: dict[str, bytes] = field(default_factory=dict)
    private_hashes: dict[tuple[str, bytes], bytes] = field(default_factory=dict)
    private_policies: dict[tuple[str, bytes], bytes] = field(default_factory=dict)
    valid_tx_ids: dict[str, tuple[int, int]] = field(default_factory=dict)
    # tx id -> where the blocks first hold a transaction of that id marked other than VALID (block number, position,
    # its validation code), up to the block being replayed (``note_not_valid``)
    not_valid_tx_ids: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    endorsement_failures: list[str] = field(default_factory=list)
    endorsements_untold: list[str] = field(default_factory=list)

    def note_valid(self, number: int, position: int, header: common_pb2.ChannelHeader) -> None:
        """A transaction the blocks mark VALID, at ``position`` of block ``number``. Fabric's validator marks an
        endorser transaction whose id the channel already holds DUPLICATE_TXID (config transactions carry no id
        it checks), so a second one marked VALID is a flag Fabric did not write, whose writes the replay then
        applies twice, as the peer did. An empty id is no id to repeat (Fabric marks such a transaction
        BAD_PROPOSAL_TXID: the id must hash its nonce and creator), and is left to the other checks."""
        first = self.valid_tx_ids.setdefault(header.tx_id, (number, position))
        earlier = self.not_valid_tx_ids.get(header.tx_id)
        if (header.type == common_pb2.ENDORSER_TRANSACTION and header.tx_id and earlier is not None
                and (earlier[0] < number or (earlier[1] < position and earlier[2] in _SET_AT_COMMIT_CODE_NAMES))):
            # Fabric's block index holds the id of every transaction of a committed block, valid or not, and the
            # validator asks it of each endorser transaction of the next blocks (checkTxIdDupsLedger); in one
            # block, it marks the second of one id DUPLICATE_TXID (markTXIdDuplicates) before the commit invalidates
            # any (a read conflict, a write refused, no action), so a first copy the commit invalidated held the id
            rule = ("a transaction whose id the channel's ledger holds, valid or not," if earlier[0] < number else
                    "a second transaction of one id in a block, before the commit invalidated the first one,")
            self.problems.append(
                f"block {number}, transaction {position}: transaction {header.tx_id} is marked VALID, where block "
                f"{earlier[0]}, transaction {earlier[1]} already holds a transaction of that id, marked {earlier[2]}: "
                f"Fabric's validator marks {rule} DUPLICATE_TXID, so this peer's validation flags are not Fabric's, "
                "and the replay applies that transaction's writes. Stop the peer and run `peer node reset` so that "
                "it fetches its blocks again and validates them itself")
        elif header.type == common_pb2.ENDORSER_TRANSACTION and header.tx_id and first != (number, position):
            self.problems.append(
                f"block {number}, transaction {position}: transaction {header.tx_id} is marked VALID, as it already "
                f"is in block {first[0]}, transaction {first[1]}, where Fabric marks a transaction whose id the "
                "channel holds DUPLICATE_TXID: this peer's validation flags are not Fabric's, and the replay applies "
                "that transaction's writes twice. Stop the peer and run `peer node reset` so that it fetches its "
                "blocks again and validates them itself")

    def note_not_valid(self, block: common_pb2.Block) -> None:
        """Each transaction of ``block`` its filter marks other than VALID, by its id (``not_valid_tx_ids``), before
        the replay notes the block's VALID ones: an id the ledger holds is one a later block's transaction cannot be
        VALID under, nor, in the block, a transaction after one of that id the commit invalidated (a read conflict,
        a write refused, no action: ``_SET_AT_COMMIT_CODE_NAMES``). Of one id, the first in the blocks is kept, or
        in its block the first the commit invalidated. A transaction whose envelope or header does not decode names
        no id, nor does an empty one; neither is kept."""
        flags, number = validation_flags(block), block.header.number
        for position, raw in enumerate(block.data.data):
            if position >= len(flags) or flags[position] == transaction_pb2.VALID:
                continue
            try:
                tx_id = transaction_header(decoded(common_pb2.Envelope, raw, "its envelope"))[1].tx_id
            except LedgerReadError:
                continue
            code = enum_name(transaction_pb2.TxValidationCode, flags[position])
            kept = self.not_valid_tx_ids.get(tx_id)
            if tx_id and (kept is None or (kept[0] == number and kept[2] not in _SET_AT_COMMIT_CODE_NAMES
                                           and code in _SET_AT_COMMIT_CODE_NAMES)):
                self.not_valid_tx_ids[tx_id] = (number, position, code)

    def apply(self, ns: rwset_pb2.NsReadWriteSet) -> None:
        """One valid transaction's writes, as the peer commits them (Fabric's txmgr, prepareTxOps): the values,
        then the metadata. A value written alone keeps the key's policy; a delete (a write with an empty value among
        them: ``is_delete``) takes it with it, even one the same transaction wrote; metadata written to a key with no value is dropped; a metadata write without
        a VALIDATION_PARAMETER, or with an empty one, clears the policy. A private key's hash and policy alike."""
        rwset = kv_rwset_pb2.KVRWSet.FromString(ns.rwset)
        for write in rwset.writes:
            if is_delete(write):
                self.deleted[write.key] = self.state.pop(write.key, self.deleted.get(write.key))
                self.policies.pop(write.key, None)
            else:
                self.state[write.key] = write.value
                self.deleted.pop(write.key, None)
        _apply_metadata(rwset.metadata_writes, lambda m: m.key, self.state, self.policies)
        for collection in ns.collection_hashed_rwset:
            hashed = kv_rwset_pb2.HashedRWSet.FromString(collection.hashed_rwset)
            for write in hashed.hashed_writes:
                place = (collection.collection_name, write.key_hash)
                if is_hash_delete(write) or write.is_purge:
                    self.private_hashes.pop(place, None)
                    self.private_policies.pop(place, None)
                else:
                    self.private_hashes[place] = write.value_hash
            _apply_metadata(hashed.metadata_writes, lambda m: (collection.collection_name, m.key_hash),
                            self.private_hashes, self.private_policies)


def _apply_metadata(writes, key_of: Callable, values: Mapping, policies: dict) -> None:
    """Metadata writes applied as a peer commits them: dropped for a key that holds no value (``values``), each
    key's VALIDATION_PARAMETER kept in ``policies``, cleared by a write without one or with an empty one."""
    for metadata in writes:
        key = key_of(metadata)
        if key not in values:
            continue
        if policy := next((e.value for e in metadata.entries if e.name == VALIDATION_PARAMETER), b""):
            policies[key] = policy
        else:
            policies.pop(key, None)


def replay(blocks: Iterable[common_pb2.Block], namespace: str) -> Replay:
    """The namespace's world state rebuilt from blocks, with its tombstones, key-level policies and private data
    hashes; and each VALID transaction's endorsements judged as the replay reaches its block (``EndorsementReplay``),
    against what every namespace the blocks write holds at that block's start (the other namespaces replayed
    beside it, ``_lifecycle``'s chaincode definitions among them)."""
    replayed = Replay()
    others: dict[str, Replay] = {}
    endorsements = EndorsementReplay(lambda name: replayed if name == namespace else others.get(name), replayed)
    for block in blocks:
        transactions = list(_valid_transactions(block))
        endorsements.judge(block, transactions)
        replayed.note_not_valid(block)
        for position, header, rwsets in transactions:
            replayed.note_valid(block.header.number, position, header)
            for ns in rwsets:
                (replayed if ns.namespace == namespace else others.setdefault(ns.namespace, Replay())).apply(ns)
        endorsements.take_config(block)
    return replayed


class EndorsementReplay:
    """Each VALID endorser transaction's endorsements against the policies Fabric's validation held it to
    (``client.ledger.endorsement_policy``): under the channel config of the newest config block before its block
    (block 0, the genesis block, the first), against the chaincode definitions ``_lifecycle`` and the key-level
    policies every namespace hold at the block's start, as the replay (``replayed_namespace``: a namespace's
    replay, None for one the blocks never wrote) has them before applying the block. A transaction whose
    endorsements do not meet them is named in ``into.endorsement_failures``, with each policy not met; one whose
    check could not be made, in ``into.endorsements_untold``."""

    def __init__(self, replayed_namespace: Callable[[str], Replay | None], into: Replay) -> None:
        self.replayed_namespace, self.into = replayed_namespace, into
        # the config the next block is validated under, or why none can be taken
        self.channel: endorsement_policy.ChannelJudge | str = "no channel config block precedes it"

    def lifecycle_value(self, key: str) -> bytes | None:
        held = self.replayed_namespace(endorsement_policy.LIFECYCLE)
        return None if held is None else held.state.get(key)

    def key_policy(self, namespace: str, collection: str, key: str | bytes) -> bytes | None:
        held = self.replayed_namespace(namespace)
        if held is None:
            return None
        return held.private_policies.get((collection, key)) if collection else held.policies.get(key)

    def judge(self, block: common_pb2.Block, transactions: list) -> None:
        """Judge the block's VALID endorser transactions (``transactions``, as ``_valid_transactions`` gave them),
        before the replay applies their writes."""
        positions = {position: header for position, header, _ in transactions
                     if header.type == common_pb2.ENDORSER_TRANSACTION}
        if not positions:
            return
        number = block.header.number
        if isinstance(self.channel, str):
            self.into.endorsements_untold += [f"block {number}, transaction {p} ({h.tx_id}): the channel config it "
                                              f"was validated under cannot be taken ({self.channel})"
                                              for p, h in positions.items()]
            return
        judged = endorsement_policy.block_judgements(block, self.channel, self, positions)
        for position, judgement in judged.items():
            named = f"block {number}, transaction {position} ({positions[position].tx_id})"
            if judgement.failures:
                self.into.endorsement_failures.append(
                    f"{named}: marked VALID, but its endorsements do not meet what Fabric's validation holds it to: "
                    f"{'; '.join(judgement.failures)}. No Fabric peer marks such a transaction VALID, so this "
                    f"peer's validation flags are not Fabric's, and the replay applies writes Fabric would not. "
                    f"{FETCH_AGAIN}")
            elif judgement.untold:
                self.into.endorsements_untold.append(f"{named}: {'; '.join(judgement.untold)}")

    def take_config(self, block: common_pb2.Block) -> None:
        """Where ``block`` is a config block (one config transaction, whatever its flag: a peer keeps none for the
        genesis block), its config is the one the blocks after it are validated under."""
        try:
            if len(block.data.data) != 1 or transaction_header(
                    common_pb2.Envelope.FromString(block.data.data[0]))[1].type != common_pb2.CONFIG:
                return
        except (DecodeError, RuntimeError, LedgerReadError):
            return
        try:
            self.channel = endorsement_policy.ChannelJudge(config_of(block))
        except LedgerReadError as error:
            self.channel = f"config block {block.header.number}: {error}"


# ---------------------------------------------------------------- the world state as the contract shows it

# The contract's key kinds (chaincode/receivables/keys.py has the layout; a unit test keeps these in step with it).
CLIENT_TYPE = "recfin.client"
FINGERPRINT_TYPE = "recfin.fingerprint"
FINANCING_TYPE = "recfin.financing"
OFFER_TYPE = "recfin.offer"
NOTICE_TYPE = "recfin.notice"
DISCOUNT_TYPE = "recfin.discount"
ATTESTATION_TYPE = "recfin.attestation"
REQUEST_TYPE = "recfin.request"
RECORD_TYPES = (PARTY_TYPE, CLIENT_TYPE, RECEIVABLE_TYPE, FINGERPRINT_TYPE, FINANCING_TYPE, OFFER_TYPE, NOTICE_TYPE,
                DISCOUNT_TYPE, ATTESTATION_TYPE, REQUEST_TYPE)
"""The records read back one by one (``_read_back``)."""
ANSWERED_BY_ID = {PARTY_TYPE: "GetParty", RECEIVABLE_TYPE: "GetReceivable", NOTICE_TYPE: "GetAssignmentNotice",
                  DISCOUNT_TYPE: "GetDiscountOffer"}
"""The records a query answers as they are stored, asked by their one key attribute (``_read_back``)."""

# The kind the contract keeps that no query answers: compared between the peers, not with the world state.
NOT_READABLE = {
    "recfin.offer-by-bank": "only MakeFinancingOffer and WithdrawFinancingOffer read it (to refuse a bank's "
                            "second offer on a financing; to free its place on withdrawal); no query answers it",
    "recfin.attestation-last": "only AttestInvoiceVerification reads it (the attester's newest attestation of the "
                               "invoice, to keep its attestations in commit order); no query answers it",
    "recfin.attestations-indexed": "only AttestInvoiceVerification reads it (whether the invoice's earlier "
                                   "attesters have their attestation-last keys); no query answers it",
    "recfin.discount-publisher": "only AcceptDiscountOffer, and for a supplier GetDiscountOffer and "
                                 "ListDiscountOffers, read it (who submitted the offer's publication: an offer no "
                                 "member of its debtor's org is shown to have published settles nothing, and no "
                                 "supplier is shown it); no query answers it",
    "recfin.goods-receipt": "only RegisterReceivable reads it (to refuse a second live claim on one goods "
                            "receipt); no query answers it",
    "recfin.offer-made-dropped": "only AcceptFinancingOffer, MakeFinancingOffer, RecordDisbursement and "
                                 "UpgradeLedger read it (the bank dropped the offer's offer-made entry: the offer is "
                                 "never accepted, nor its entry written again, nor disbursed where it was dropped "
                                 "uncounted); no query answers it",
}
BY_FINANCIER_TYPE = "recfin.by-financier"   # bank, debtor, receivable id: the bank's live financings
OPEN_OFFER_TYPE = "recfin.open-offer"       # bank, debtor, offer id: the bank's offers still OPEN
# bank, debtor, offer id, under the bank's org alone: each offer the bank made, until its withdrawal or, the offer no
# longer OPEN, the bank's next offer on the debtor
OFFER_MADE_TYPE = "recfin.offer-made"
EXPOSURE_VERSION_TYPE = "recfin.exposure-version"   # bank, debtor: the version of the bank's figures there
# Read back per bank and debtor through GetFinancierExposure(debtor, bank), whose ``financings`` list the
# receivable of every by-financier entry and whose ``offers`` list the offer of every open-offer entry, and of
# every offer-made entry under the bank's org alone, a holder could accept on the day. The query also reads
# private data (each financing's terms or disbursement, each offer's terms), which only the peers of the bank's
# org and the regulator's hold: on the other peers, and for the entries the query leaves out, the entries are
# counted, not compared, for these reasons.
EXPOSURE_INDEXES = {
    BY_FINANCIER_TYPE: "GetFinancierExposure, which lists them, also reads each financing's private data: on a "
                       "peer of an org other than the bank's and the regulator's it cannot answer",
    OPEN_OFFER_TYPE: "GetFinancierExposure, which lists them, also reads each offer's private terms: on a peer of "
                     "an org other than the bank's and the regulator's it cannot answer; and it leaves out the "
                     "offers no holder could accept on the day (expired, or on a claim no longer CONFIRMED under "
                     "that request, or due)",
    OFFER_MADE_TYPE: "GetFinancierExposure, which lists them with the open-offer entries, also reads each offer's "
                     "private terms: on a peer of an org other than the bank's and the regulator's it cannot answer; "
                     "it leaves out the offers no holder could accept on the day (no longer OPEN, expired, or on a "
                     "claim no longer CONFIRMED under that request, or due), and lists none by an entry under another "
                     "policy than the bank's org alone",
    EXPOSURE_VERSION_TYPE: "GetFinancierExposure, whose version it is, also reads the bank's private data: on a peer of an "
                      "org other than the bank's and the regulator's it cannot answer; and of a bank's fixed key on a "
                      "debtor and the entries beside it it reads one (the highest entry the version moved aside to "
                      "with its private copy, else the fixed key): the others, such as a fixed key two other orgs "
                      "sealed, are counted",
}
BY_STATUS_TYPE = "recfin.by-status"   # status, receivable id: every claim, under its status
REGULATOR_ROLE = "regulator"   # a party's role, as the contract spells it (client.receivables.Role)
FINANCIER_ROLE = "financier"
NOT_A_COMPOSITE_KEY = "(not a composite key)"
PAGE_SIZE = "100"       # the contract's largest page


def describe_key(key: str) -> str:
    """A key as a reader names it: its object type without ``recfin.``, then its attributes (``receivable R-1``,
    ``by-holder 91310000MA1K00002C/R-1``); a key that is no composite key, as Python writes it."""
    split = split_key(key)
    if split is None:
        return repr(key)
    object_type, attributes = split
    return f"{object_type.removeprefix('recfin.')} {'/'.join(attributes)}".rstrip()


# A peer missing a private record (committed without it) answers "not-found" until its reconciler has fetched it
# from another member peer: peer.gossip.pvtData.reconcileSleepInterval, 1 minute by default.
PRIVATE_DATA_MISSING = "is not on this peer"   # the contract's words for it (queries.not_on_this_peer)
PRIVATE_DATA_WAIT = 150.0   # seconds: two reconciler rounds and some
PRIVATE_DATA_POLL = 5.0


class LivePeer:
    """One peer's world state as the contract lets ``reader`` (a Contract of the chaincode) see it: every query
    names the peer's own org. ``today`` is the business date a query sent now carries (the contract dates it from
    the proposal's timestamp, the client's clock)."""

    def __init__(self, reader, msp_id: str, today: Callable[[], date] = business_today, *,
                 private_data_wait: float = PRIVATE_DATA_WAIT, sleep: Callable[[float], None] = time.sleep,
                 offers_day: Callable[[], date] | None = None) -> None:
        self.reader, self.msp_id, self.today = reader, msp_id, today
        # how many index entries the last ``listed`` scanned and the contract left out of its pages
        self.left_out = 0
        # the day GetFinancierExposure holds offers to (today less the peers' time window); a given today stands
        # for both
        self.offers_day = offers_day or (offers_counted_on if today is business_today else today)
        self.private_data_wait, self.sleep = private_data_wait, sleep
        self._financings: dict[str, dict] = {}
        self._reader_party: dict | None = None

    def ask(self, function: str, *arguments: str):
        return json.loads(self.reader.evaluate(function, arguments=list(arguments),
                                               endorsing_organizations=[self.msp_id]))

    def ask_for_private_data(self, function: str, *arguments: str):
        """``ask``, asked again while the contract answers that a private record is not on this peer yet: a peer
        that committed a block without its private data (it was down, or cut off, when the endorsers sent it)
        fetches it later, the reconciler running every minute by default. Past ``private_data_wait`` seconds the
        last refusal stands."""
        waited = 0.0
        while True:
            try:
                return self.ask(function, *arguments)
            except GatewayError as error:
                if PRIVATE_DATA_MISSING not in error.message or waited >= self.private_data_wait:
                    raise
            self.sleep(PRIVATE_DATA_POLL)
            waited += PRIVATE_DATA_POLL

    def reader_party(self) -> dict:
        """The party the reader acts for (WhoAmI, asked once): what it may list depends on it."""
        if self._reader_party is None:
            self._reader_party = self.ask("WhoAmI")
        return self._reader_party

    def financing(self, financing_id: str) -> dict:
        """GetFinancing, asked once per financing: it answers for the record, its offers and its offer index."""
        if financing_id not in self._financings:
            self._financings[financing_id] = self.ask("GetFinancing", financing_id)
        return self._financings[financing_id]

    def listed(self, function: str, *before: str, after: tuple[str, ...] = ()) -> Iterator[dict]:
        """Every record of a paged query (arguments ``before``, the page size and bookmark, then ``after``)."""
        bookmark, self.left_out = "", 0
        while True:
            page = self.ask(function, *before, PAGE_SIZE, bookmark, *after)
            self.left_out += max(0, int(page.get("fetched", 0)) - len(page["records"]))
            yield from page["records"]
            if not page.get("bookmark") or page["bookmark"] == bookmark:
                return
            bookmark = page["bookmark"]


# what the contract answers for a field a record lacks when that field's model default is all it has: null, or an
# empty list (a list field defaults to one, so that its readers need no null check)
_EMPTY_DEFAULTS = (None, [])


def _as_written(replayed: object, answered: object) -> object:
    """The contract's answer without the fields the replayed record does not have and the answer gives as their
    empty default: a record an earlier contract version wrote, before such a field was added (a financing before
    ``recourse_demands``, an offer before ``withdrawn_on``), reads back with it null
    or empty, which is no difference."""
    if isinstance(replayed, dict) and isinstance(answered, dict):
        return {name: v for name, v in answered.items() if name in replayed or v not in _EMPTY_DEFAULTS}
    return answered


def _without_retired(object_type: str, replayed: object) -> object:
    """The replayed record without the fields the contract drops when it reads a record an earlier version wrote
    (a financing's ``offer_ids``, ...): the contract answers without them, which is no difference."""
    if object_type == FINANCING_TYPE and isinstance(replayed, dict):
        return without_retired_fields(demand_before_the_list(replayed), RETIRED_FINANCING_FIELDS)
    return replayed


def _read_back(live: LivePeer, object_type: str, attributes: list[str], value: bytes) -> tuple[object, object]:
    """(what the replayed value says, what the contract answers) for one record; ValueError, LookupError or
    TypeError for a replayed value (or key) that is no record the contract writes."""
    if object_type == CLIENT_TYPE:      # a binding's value is the bound party's credit code, not JSON
        msp_id, client_id = attributes
        return value.decode(), live.ask("FindIdentityParty", msp_id, client_id)["bound_to"]
    stored = json.loads(value)
    first = attributes[0]
    if object_type in ANSWERED_BY_ID:
        return stored, live.ask(ANSWERED_BY_ID[object_type], first)
    if object_type == FINGERPRINT_TYPE:     # the registry's entry, as FindInvoice tells whether the invoice is used
        found = live.ask("FindInvoice", first)
        return {**stored, "used": True}, {name: found.get(name) for name in ("fingerprint", "receivable_id", "used")}
    if object_type == FINANCING_TYPE:
        return stored, {name: v for name, v in live.financing(first).items() if name != "offers"}
    if object_type == OFFER_TYPE:           # the offers' public records come with their financing
        offers = live.financing(stored["financing_id"])["offers"]
        return stored, next((offer for offer in offers if offer["id"] == first), None)
    if object_type == ATTESTATION_TYPE:     # attributes: the invoice fingerprint, the attestation id
        listed = live.ask("GetInvoiceAttestations", first)
        return stored, next((a for a in listed if a["id"] == attributes[1]), None)
    if object_type == REQUEST_TYPE:         # attributes: the caller's credit code, the request id
        return {"request_id": attributes[1], "party": first, **stored}, live.ask("GetRequest", attributes[1], first)
    raise KeyError(object_type)


def _still_served(live: LivePeer, object_type: str, attributes: list[str], last_value: bytes | None) -> object:
    """What the contract still answers for a record the blocks deleted, through the query that reads it
    (``_read_back``; ``last_value``, what the key held before, names an offer's financing), or None when it
    reads as gone: refused as not-found, a binding bound to no party, an invoice fingerprint not used, an offer or
    attestation not among its financing's or invoice's. LookupError when an offer's last value names no
    financing."""
    try:
        _, answered = _read_back(live, object_type, attributes, last_value or b"{}")
    except GatewayError as error:
        if (refusal := rule_violation_from(error, object_type)) is not None and refusal.rule == "not-found":
            return None
        raise
    if object_type == FINGERPRINT_TYPE and not answered.get("used"):
        return None
    return answered


def _compare_endorsers(live: LivePeer, key: str, receivable_id: str, policy: bytes | None) -> list[str]:
    """A claim's replayed key-level policy against the orgs GetReceivableEndorsers says the world state's names: a
    peer whose state lost the policy, or kept an old one, validates the claim's next change against other orgs'
    endorsements than the rest."""
    try:
        answered = ", ".join(live.ask("GetReceivableEndorsers", receivable_id)) or "none"
    except GatewayError as error:
        return [f"{describe_key(key)}: the peer could not name the orgs of its key-level policy "
                f"(GetReceivableEndorsers: {error.message})"]
    replayed = _policy_orgs(policy)
    if replayed == answered:
        return []
    return [f"{describe_key(key)}: key-level policy naming {replayed} in the replayed blocks, {answered} as "
            "GetReceivableEndorsers answers it"]


@dataclass(frozen=True)
class Index:
    """An index the contract pages: ``listed`` gives the members (its keys' attributes after the first) the contract
    lists under one first attribute; ``by`` is the record kind and field whose values are those first attributes,
    so a group is listed even when the replay holds none of its entries."""

    listed: Callable[[LivePeer, str], set[tuple[str, ...]]]
    by: tuple[str, str]
    # the contract lists a claim only while the claim agrees with its entry, so an entry the world state kept out of
    # step shows only as scanned and left out of the page (its ``fetched``), never as listed
    leaves_out_stale_entries: bool = False


INDEXES = {
    "recfin.by-holder": Index(lambda live, holder: {(r["id"],) for r in live.listed("ListReceivablesByHolder", holder)},
                              (RECEIVABLE_TYPE, "holder"), leaves_out_stale_entries=True),
    "recfin.by-debtor": Index(lambda live, debtor: {(r["id"],) for r in live.listed("ListReceivablesByDebtor", debtor)},
                              (RECEIVABLE_TYPE, "debtor"), leaves_out_stale_entries=True),
    BY_STATUS_TYPE: Index(lambda live, status: {(r["id"],) for r in live.listed("ListReceivablesByStatus", status)},
                              (RECEIVABLE_TYPE, "status"), leaves_out_stale_entries=True),
    "recfin.by-financing": Index(lambda live, financing: {(o["id"],) for o in live.financing(financing)["offers"]},
                                 (FINANCING_TYPE, "id")),
    "recfin.discount-by-debtor": Index(lambda live, debtor: {
        (d["published_on"], d["id"]) for d in live.listed("ListDiscountOffers", debtor, "", after=("all",))},
        (DISCOUNT_TYPE, "debtor")),
}


def compare_with_live(rebuilt: Replay, live: LivePeer) -> tuple[list[str], dict[str, int]]:
    """Every key of the replayed namespace against the world state as the contract answers it, each record the
    blocks deleted too (it must read back as gone), and each claim's key-level policy: one line per key (or index
    entry) that differs, and per kind, how many of its keys were left uncompared (``NOT_READABLE``,
    ``EXPOSURE_INDEXES`` say why)."""
    state = rebuilt.state
    mismatches: list[str] = []
    not_read: Counter = Counter()
    replayed_members: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    deleted_members: dict[tuple[str, str], set[str]] = defaultdict(set)
    exposure_entries: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for key, value in sorted(state.items()):
        object_type, attributes = split_key(key) or (NOT_A_COMPOSITE_KEY, [])
        if object_type in INDEXES and attributes:
            replayed_members[object_type, attributes[0]].add(tuple(attributes[1:]))
            continue
        if object_type == EXPOSURE_VERSION_TYPE and len(attributes) >= 2:
            # the fixed key [bank, debtor] or a key beside it, such as the version moved aside: the query reads one
            # of them (exposure_version_read), so the member is the key
            exposure_entries[attributes[0], attributes[1]][object_type].add(key)
            continue
        if object_type in EXPOSURE_INDEXES and len(attributes) == 3:
            bank, debtor, member = attributes
            exposure_entries[bank, debtor][object_type].add(member)
            continue
        if object_type not in RECORD_TYPES or not attributes:
            not_read[object_type] += 1
            continue
        for index, spec in INDEXES.items():     # every group its records name is listed, entries replayed or not
            if spec.by[0] == object_type and isinstance(group := _field(value, spec.by[1]), str):
                replayed_members.setdefault((index, group), set())
        try:
            replayed, answered = _read_back(live, object_type, attributes, value)
        except GatewayError as error:
            mismatches.append(f"{describe_key(key)}: in the replayed blocks, the peer could not read it "
                              f"({error.message})")
            continue
        except (ValueError, LookupError, TypeError):
            mismatches.append(f"{describe_key(key)}: the replayed value is no record the contract writes "
                              f"({_shown_value(value)})")
            continue
        if _without_retired(object_type, replayed) != _as_written(replayed, answered):
            mismatches.append(f"{describe_key(key)}: world state differs from the replayed blocks")
        if object_type == RECEIVABLE_TYPE:
            mismatches += _compare_endorsers(live, key, attributes[0], rebuilt.policies.get(key))
    # a record the world state kept though the blocks deleted it (an invoice fingerprint a rejection released, an
    # identity's binding): the peer refuses or answers from it where the others do not. A deleted index entry is
    # found by its listing; the kinds no query answers are compared between the peers.
    for key, last_value in sorted(rebuilt.deleted.items()):
        object_type, attributes = split_key(key) or (NOT_A_COMPOSITE_KEY, [])
        if object_type in INDEXES and attributes:
            # its group is listed too, though no replayed record names it any more (a status no claim has now, a
            # holder that sold all): an entry the world state kept then shows as listed by the contract only, or, on
            # the lists that believe the claim, as scanned and left out (named by what the blocks deleted)
            replayed_members.setdefault((object_type, attributes[0]), set())
            deleted_members[object_type, attributes[0]].add("/".join(attributes[1:]))
            continue
        if object_type not in RECORD_TYPES or not attributes:
            continue
        try:
            served = _still_served(live, object_type, attributes, last_value)
        except GatewayError as error:
            mismatches.append(f"{describe_key(key)}: deleted in the replayed blocks, the peer could not say whether "
                              f"it still has it ({error.message})")
            continue
        except (ValueError, LookupError, TypeError):    # no last value to find it by (an offer's financing)
            not_read[object_type] += 1
            continue
        if served is not None:
            mismatches.append(f"{describe_key(key)}: deleted in the replayed blocks, still in the world state, which "
                              + _shown_value(json.dumps(served, ensure_ascii=False).encode()))
    # every status is listed, whether or not a replayed claim is in it: each claim the world state holds has an
    # entry under its status, so a claim the blocks never wrote is found, in a status no replayed claim has too
    for status in STATUSES:
        replayed_members.setdefault((BY_STATUS_TYPE, status), set())
    for (index, first), members in sorted(replayed_members.items()):
        name = f"{index.removeprefix('recfin.')} {first}"
        try:
            listed = INDEXES[index].listed(live, first)
        except GatewayError as error:
            mismatches.append(f"{name}: the peer could not list it ({error.message})")
            continue
        mismatches += _one_side_only(name, {"/".join(m) for m in members}, {"/".join(m) for m in listed})
        if INDEXES[index].leaves_out_stale_entries and live.left_out:
            named = ", ".join(sorted(deleted_members.get((index, first), ()))) or "none the replayed blocks deleted"
            entries = "1 entry" if live.left_out == 1 else f"{live.left_out} entries"
            mismatches.append(f"{name}: {entries} kept in the world state, out of step with the claims "
                              f"(scanned and left out by the contract), not in the replayed blocks: {named}")
    exposure_mismatches, exposure_not_read = compare_exposures(state, exposure_entries, live, rebuilt.policies,
                                                               rebuilt.private_hashes)
    mismatches += exposure_mismatches
    not_read.update(exposure_not_read)
    mismatches += compare_financed_lists(state, live)
    return mismatches, {kind: count for kind, count in sorted(not_read.items()) if count}


def _one_side_only(name: str, replayed: set[str], listed: set[str],
                   replayed_as: str = "in the replayed blocks") -> list[str]:
    """A line for the entries of index ``name`` the replay holds and the contract does not list, and one for
    those it lists and the replay does not hold; ``replayed_as`` says how the replay holds them."""
    return [f"{name}: {what}: {', '.join(sorted(entries))}"
            for what, entries in ((f"{replayed_as}, not listed by the contract", replayed - listed),
                                  (f"listed by the contract, not {replayed_as}", listed - replayed))
            if entries]


def compare_financed_lists(state: dict[str, bytes], live: LivePeer) -> list[str]:
    """Each bank's portfolio: the claims ListReceivablesByFinancier lists for it (every debtor, every page)
    against the replayed claims it finances live (a financing id, and the bank as financier: the contract's
    ``live_financier``), for every bank the replayed parties or claims name that the reader may list (the
    regulator any bank, a bank itself). The listing pages ``recfin.by-financier`` but shows a claim only while
    its live financing is with that bank on that debtor, so this holds the claims' financings to the list, where
    ``compare_exposures`` compares the entries alone: a live financing whose entry is gone is missing from the
    list, and a claim listed that the replayed claims do not say the bank finances live is named."""
    financed: dict[str, set[str]] = defaultdict(set)
    for claim_id, claim in _records(state, RECEIVABLE_TYPE).items():
        if claim.get("financing_id") is not None and isinstance(bank := claim.get("financier"), str):
            financed[bank].add(claim_id)
    banks = set(financed) | {code for code, party in _records(state, PARTY_TYPE).items()
                             if party.get("role") == FINANCIER_ROLE}
    if not banks:
        return []
    try:
        reader = live.reader_party()
    except GatewayError as error:
        return [f"financed claims: the peer could not say which party the reader acts for, so no bank's were "
                f"listed (WhoAmI: {error.message})"]
    mismatches: list[str] = []
    for bank in sorted(banks):
        if reader.get("role") != REGULATOR_ROLE and reader.get("uscc") != bank:
            continue            # the contract lists a bank's claims to the bank itself and the regulator only
        name = f"financed by {bank}"
        try:
            listed = {claim["id"] for claim in live.listed("ListReceivablesByFinancier", bank, "")}
        except GatewayError as error:
            mismatches.append(f"{name}: the peer could not list them ({error.message})")
            continue
        mismatches += _one_side_only(name, financed[bank], listed, "financed live by the replayed claims")
    return mismatches


def compare_exposures(state: dict[str, bytes], entries: dict[tuple[str, str], dict[str, set[str]]],
                      live: LivePeer, policies: dict[str, bytes],
                      private_hashes: dict[tuple[str, bytes], bytes]) -> tuple[list[str], Counter]:
    """The ``recfin.by-financier``, ``recfin.open-offer`` and ``recfin.offer-made`` entries (``entries``: per bank
    and debtor, the members of each kind) against GetFinancierExposure(debtor, bank), asked for every bank and
    debtor the entries or the replayed offers name, so an entry the world state has and the replay lacks is found
    too.

    Where the peer's org holds none of the bank's private data, the entries are counted, not compared. The query
    lists an offer by either of its entries: its open-offer entry, or its offer-made entry where that is under the
    bank's org alone (``policies``: each key's replayed key-level policy); an offer-made entry under another
    policy lists nothing, and is counted. So an entry the world state lacks is found only where the offer's other
    entry does not list it: each replayed entry the query should list its offer by, and did not, is named under
    its kind, and an offer listed that neither kind's replayed entries list under both. An offer's entry is
    compared only when the replayed records say a holder could accept its offer on the day
    the query holds offers to (its own date, less the peers' time window: ``LivePeer.offers_day``), as the query
    decides; a query sent as that day turns may hold them to either day, so an offer
    acceptable on the first and not on the second may be listed or not. An offer's expiry is private, so the
    replay does not carry it: an offer the query left out is asked for its terms (GetOfferTerms), whose expiry
    decides; where this identity may not read them, the offer may be listed or not.

    The ``recfin.exposure-version`` keys of the bank and debtor (their members are the keys) are compared as the
    version the query reads of them (``exposure_version_read``, which ``private_hashes`` decides, as the replayed
    private data hashes), the others counted: where the version moved aside, the fixed key beside it is read by
    no query."""
    mismatches: list[str] = []
    not_read: Counter = Counter()
    parties = _records(state, PARTY_TYPE)
    regulators = {p.get("msp_id") for p in parties.values() if p.get("role") == REGULATOR_ROLE}
    offers, claims = _records(state, OFFER_TYPE), _records(state, RECEIVABLE_TYPE)
    groups = set(entries) | {(o["financier"], claims[o["receivable_id"]]["debtor"]) for o in offers.values()
                             if isinstance(o.get("financier"), str) and o.get("receivable_id") in claims
                             and isinstance(claims[o["receivable_id"]].get("debtor"), str)}
    for bank, debtor in sorted(groups):
        financed = entries.get((bank, debtor), {}).get(BY_FINANCIER_TYPE, set())
        offered_open = entries.get((bank, debtor), {}).get(OPEN_OFFER_TYPE, set())
        made = entries.get((bank, debtor), {}).get(OFFER_MADE_TYPE, set())
        version_keys = entries.get((bank, debtor), {}).get(EXPOSURE_VERSION_TYPE, set())
        bank_msp = parties.get(bank, {}).get("msp_id")
        if live.msp_id not in regulators | {bank_msp}:
            not_read.update({BY_FINANCIER_TYPE: len(financed), OPEN_OFFER_TYPE: len(offered_open),
                             OFFER_MADE_TYPE: len(made), EXPOSURE_VERSION_TYPE: len(version_keys)})
            continue
        # the entries the query lists offers by, per kind: an offer-made entry only under the bank's org alone
        bank_only = org_policy([bank_msp]) if isinstance(bank_msp, str) else None
        listing = {OPEN_OFFER_TYPE: offered_open,
                   OFFER_MADE_TYPE: {o for o in made if bank_only is not None
                                     and policies.get(composite_key(OFFER_MADE_TYPE, bank, debtor, o)) == bank_only}}
        offered = offered_open | listing[OFFER_MADE_TYPE]
        first_day = live.offers_day().isoformat()
        try:
            answer = live.ask_for_private_data("GetFinancierExposure", debtor, bank)
        except GatewayError as error:
            mismatches.append(f"exposure of {bank} to {debtor}: the peer could not answer GetFinancierExposure "
                              f"({error.message})")
            continue
        last_day = live.offers_day().isoformat()
        # the version the query reads in the replay against the one it answers; no key: it never moved, 0
        read_key, replayed_version = exposure_version_read(state, private_hashes, policies, bank, debtor,
                                                           bank_msp, version_keys)
        not_read[EXPOSURE_VERSION_TYPE] += len(version_keys - {read_key})
        if replayed_version != answer.get("version", 0):
            where = ("" if read_key in (None, composite_key(EXPOSURE_VERSION_TYPE, bank, debtor))
                     else f"/{'/'.join(split_key(read_key)[1][2:])} (the version moved aside)")
            mismatches.append(f"exposure-version {bank}/{debtor}{where}: {replayed_version} in the replayed blocks, "
                              f"{answer.get('version', 0)} as GetFinancierExposure answers it")
        mismatches += _one_side_only(f"by-financier {bank}/{debtor}", financed,
                                     {row["receivable_id"] for row in answer["financings"]})
        listed = {row["offer_id"] for row in answer["offers"]}

        def acceptable_on(day: str, expiries: dict[str, str], unknown: bool) -> set[str]:
            return {o for o in offered
                    if _acceptable(offers.get(o), claims, bank, debtor, day, expiries.get(o), unknown)}

        # the expiry is one of an offer's private terms (an offer an earlier contract made has it in clear too):
        # the query's rows give it for the offers listed, and an offer left out that the replay would have listed
        # is asked for its terms, whose expiry decides; terms this identity may not read leave it undecided, so
        # it may be listed or not
        expiries = {row["offer_id"]: str(row["expires_on"]) for row in answer["offers"]}
        expiries |= {o: str(offers[o]["expires_on"]) for o in offered if (offers.get(o) or {}).get("expires_on")}
        for offer_id in sorted(acceptable_on(last_day, expiries, True) - listed - expiries.keys()):
            try:
                expiries[offer_id] = str(live.ask_for_private_data("GetOfferTerms", offer_id)["expires_on"])
            except GatewayError:
                pass
        must_list, may_list = acceptable_on(last_day, expiries, False), acceptable_on(first_day, expiries, True)
        not_read.update({OPEN_OFFER_TYPE: len(offered_open - must_list), OFFER_MADE_TYPE: len(made - must_list)})
        for kind, members in listing.items():
            mismatches += _one_side_only(f"{kind.removeprefix('recfin.')} {bank}/{debtor}", members & must_list,
                                         listed & members & must_list)
        name = f"open-offer or offer-made {bank}/{debtor}"
        mismatches += _one_side_only(name, set(), listed - offered)
        if unacceptable := listed & (offered - may_list):
            mismatches.append(f"{name}: listed by the contract, though by the replayed records no holder could "
                              f"accept it on {first_day}: {', '.join(sorted(unacceptable))}")
    return mismatches, not_read


def exposure_version_read(state: dict[str, bytes], private_hashes: dict[tuple[str, bytes], bytes],
                          policies: dict[str, bytes], bank: str, debtor: str, bank_msp: object,
                          version_keys: set[str]) -> tuple[str | None, int]:
    """The key of ``version_keys`` (the bank's ``recfin.exposure-version`` keys on the debtor) GetFinancierExposure
    reads its ``version`` from in the replayed ``state``, and that version, as ``Store.exposure_version_held`` reads
    it: the highest entry moved aside, ``[bank, debtor, holder org, tx id]`` holding a count, whose private copy
    ``private_hashes`` holds in the terms collection of the holder org and ``bank_msp`` (the bank's org by its
    replayed party record: two other orgs can write such an entry, but not its copy); else the fixed key ``[bank,
    debtor]``, whose value reads as 0 where it is no count two orgs may set (they can write it first), or, while
    that key is not under the bank's org alone (``policies``: each key's replayed key-level policy), an entry
    without its copy under the bank's org alone holding a higher such count (an UpgradeLedger page moved the
    version aside to it). None and 0 where the replay has none of them."""
    aside: tuple[int, str] | None = None
    without_copy: list[tuple[int, str]] = []
    bank_only = [bank_msp] if isinstance(bank_msp, str) and bank_msp else None
    for key in sorted(version_keys):        # the contract's range read: of equal counts, the first key decides
        attributes, value = split_key(key)[1], state[key]
        if not (len(attributes) == 4 and bank_only and all(can_be_attribute(a) for a in attributes)
                and _STORED_VERSION.fullmatch(value)):
            continue
        if private_hashes.get((collection_name(attributes[2], bank_msp), hashlib.sha256(key.encode()).digest())):
            if aside is None or int(value) > aside[0]:
                aside = int(value), key
        elif int(value) <= _UNGUARDED_COUNT_MAX and contract_policy_orgs(policies.get(key)) == bank_only:
            without_copy.append((int(value), key))
    if aside is not None:
        return aside[1], aside[0]
    fixed = composite_key(EXPOSURE_VERSION_TYPE, bank, debtor)
    raw = state.get(fixed, b"")
    read = fixed, int(raw) if _STORED_VERSION.fullmatch(raw) and int(raw) <= _UNGUARDED_COUNT_MAX else 0
    if fixed in version_keys and bank_only and contract_policy_orgs(policies.get(fixed)) == bank_only:
        return read
    raised = max(((count, key) for count, key in without_copy if count > read[1]), default=None)
    if raised is not None:
        return raised[1], raised[0]
    return read if fixed in version_keys else (None, 0)


def _acceptable(offer: dict | None, claims: dict[str, dict], bank: str, debtor: str, day: str,
                expiry: str | None, unknown: bool) -> bool:
    """Whether a holder could accept the replayed ``offer`` on ``day``, as GetFinancierExposure decides from the
    world state: the bank's offer still OPEN and not expired, on the live request of the debtor's claim, which
    has no financier yet, is CONFIRMED and not yet due. The expiry is one of the offer's private terms, which
    the blocks do not carry: ``expiry`` is the one read, and ``unknown`` the answer where none was."""
    claim = claims.get(offer.get("receivable_id")) if offer else None
    return (claim is not None and offer.get("financier") == bank and offer.get("status") == "OPEN"
            and (expiry >= day if expiry is not None else unknown) and claim.get("debtor") == debtor
            and claim.get("financing_id") == offer.get("financing_id") and claim.get("financier") is None
            and claim.get("status") == "CONFIRMED" and str(claim.get("due_date")) > day)


def _records(state: dict[str, bytes], object_type: str) -> dict[str, dict]:
    """The replayed JSON records of ``object_type`` by their one key attribute (a value that is no JSON object is
    left out: the record comparison names it)."""
    out = {}
    for key, value in state.items():
        split = split_key(key)
        if split is not None and split[0] == object_type and len(split[1]) == 1:
            if isinstance(record := _json_object(value), dict):
                out[split[1][0]] = record
    return out


def _json_object(value: bytes) -> dict | None:
    """A replayed value as a JSON object, or None when it is none."""
    try:
        record = json.loads(value)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _field(value: bytes, name: str) -> object:
    """A field of a replayed JSON record, or None when the value is no JSON object."""
    record = _json_object(value)
    return None if record is None else record.get(name)


def _blocks(qscc, channel: str, msp_id: str, chain: list[tuple[bytes, bytes]],
            problems: list[str], peer_name: str, genesis: ChannelGenesis | None = None) -> Iterator[common_pb2.Block]:
    """The peer's blocks in order; each one's header hash and validation flags are appended to ``chain``, and why
    it is not the block of that number the ordering service cut after the one before it, and signed, to
    ``problems`` (``chain_problems``, ``OrdererSignatures``, which holds block 0 to ``genesis``, the channel's
    genesis block the network made, where one is given). The next block's previous_hash is that hash, so equal
    hashes at a height mean equal chains up to it. A read the peer does not answer, or refuses, raises its GatewayError naming the peer
    (``_not_given``)."""
    what = f"the chain info of channel {channel}"
    try:
        answer = ask_own_org(qscc, msp_id, "GetChainInfo", channel)
    except GatewayError as error:
        raise _not_given(error, what, peer_name, msp_id) from error
    info = decoded(ledger_pb2.BlockchainInfo, answer, what)
    previous, signatures = None, OrdererSignatures(genesis, f"{peer_name} ({msp_id})", channel)
    for number in range(info.height):
        try:
            block = block_by_number(qscc, msp_id, channel, number)
        except GatewayError as error:
            raise _not_given(error, f"block {number} of channel {channel}", peer_name, msp_id) from error
        problems += chain_problems(block, number, previous) + signatures.problems(block, number)
        chain.append((header_hash(block.header), validation_flags(block)))
        previous = block.header
        yield block


def _not_given(error: GatewayError, what: str, peer_name: str, msp_id: str) -> GatewayError:
    """``error``, which kept the check from reading ``what`` of a peer, naming the peer and its org (``verify``
    reads the peers in turn, and the Gateway's words name neither) and what to do: a call the peer never answered
    (down, unreachable, overloaded) is made again once it is up; a refusal it answered, a block its ledger does not
    give, asks for its ledger to be fetched again."""
    if answered_by_peer(error):
        said = (f"refused {what} ({error.message}): the check reads every block of each peer, and stops here. A "
                "peer whose ledger does not give a block below its height is not holding what Fabric committed: "
                "stop the peer and run `peer node reset` so that it fetches its blocks again, or see its log for "
                "why it refused, then run the check again")
    else:
        said = (f"did not answer when asked for {what} ({error.message}): the check reads every block of each "
                "peer, and stops here. Start the peer, or wait until it is reachable and at the height of the "
                "others, then run the check again")
    return GatewayError(f"{peer_name} ({msp_id}) {said}", code=error.code, details=error.details, sent=error.sent)


def chain_problems(block: common_pb2.Block, number: int, previous: common_pb2.BlockHeader | None) -> list[str]:
    """Why ``block``, answered as block ``number``, is not it as the ordering service cut it: another number in
    its header, data its header's data_hash does not hash (``data_problem``: a transaction dropped, added or
    changed), a previous_hash other than the hash of the header before it (``previous``, None for the first).
    What such a block replays to is no proof of what the peer committed, however its world state compares."""
    problems = []
    if block.header.number != number:
        problems.append(f"block {number}: the peer answered a block numbered {block.header.number} when asked for it")
    if (problem := data_problem(block)) is not None:
        problems.append(problem)
    if previous is not None and (problem := link_problem(block.header, previous)) is not None:
        problems.append(problem)
    return problems


FETCH_AGAIN = ("Stop the peer and run `peer node reset` so that it fetches its blocks again from the ordering "
               "service, then run the check again")


@dataclass(frozen=True)
class ChannelGenesis:
    """The channel's genesis block as the network made it, and the file it was read from (``channel_genesis``)."""

    path: Path
    block: common_pb2.Block


def channel_genesis(topology: Topology, data_root: Path | None) -> ChannelGenesis:
    """The genesis block of ``topology``'s channel in the data folder, which `recfin network up` had configtxgen
    write there (``configtx.genesis_block_path``) and joined every node with: no orderer signs a genesis block,
    so this copy, not what a peer serves as its block 0, anchors the checks of every peer's chain. NetworkError
    naming the file and what to do when it cannot be read or is no genesis block (the check could then anchor
    nothing)."""
    root = Path(data_root) if data_root else topology.resolved_data_root()
    path = configtx.genesis_block_path(root, topology.channel)
    anchors = "every peer's block 0 is checked against it, since no orderer signs a genesis block"
    try:
        return ChannelGenesis(path, genesis_block(path.read_bytes(), str(path)))
    except OSError as error:
        raise NetworkError(f"the channel's genesis block {path} cannot be read ({error.strerror or error}): "
                           f"{anchors}. Run the check on the data folder of the network the fault suite ran on, "
                           "or put the block back (`recfin network up` says how)") from None
    except LedgerReadError as error:
        raise NetworkError(f"{path} is not the channel's genesis block ({error}): {anchors}. Put back the "
                           "block `recfin network up` made (from a `recfin network backup` archive, or fetched "
                           f"as an org admin: `peer channel fetch 0 {path} -c {topology.channel} ...`)") from None


class OrdererSignatures:
    """Each block's orderer signatures, checked as the walk of a peer's chain from block 0 reaches it
    (``problems``) under the config of the config block its orderer metadata names (``last_config_index``), which
    must be the newest config block before it, as the ordering service names it; a config block, which names
    itself, under the config before it, in force when the ordering service cut it (as
    ``client.receivables.audit`` checks a block; the verification is ``signature_problem``'s, the rule
    ``stale_config_problem``'s). Block 0 is the
    channel's genesis config block, which no orderer signs: it must be ``genesis``, the one the network made
    (its header and data hashes compared), whose config the blocks after it are checked under; without one, it is
    taken as the peer holds it. Each config block's config is kept as the walk passes it, so a change of the
    orderer orgs or their CAs counts from the next block on. ``peer`` names the peer in what it says, ``channel``
    the channel."""

    def __init__(self, genesis: ChannelGenesis | None = None, peer: str = "the peer", channel: str = "") -> None:
        self.genesis, self.peer, self.channel = genesis, peer, channel
        # config block number -> its config; None for one named already as a config the check cannot take
        self.configs: dict[int, configtx_pb2.Config | None] = {}
        self.newest = 0             # the newest config block the walk passed, whose config is in force after it

    def problems(self, block: common_pb2.Block, number: int) -> list[str]:
        """Why block ``number``, the next block of the walk, is not signed as the ordering service signs it."""
        if number == 0:
            return self._genesis(block)
        try:
            named = last_config_index(block)
        except LedgerReadError as error:
            return [f"block {number}: which config block it was verified under cannot be told ({error}), so its "
                    f"orderer signatures are not checked. {FETCH_AGAIN}"]
        stale = stale_config_problem(number, named, self.newest)
        if stale is not None:
            return [f"{stale}. {FETCH_AGAIN}"]
        if named != number:
            return [p for p in [self._signature_problem(block, number, named, False)] if p is not None]
        # a config block: verified under the config before it, its own in force from the next block on
        problems = [self._signature_problem(block, number, self.newest, True), self._take_config(block, number)]
        return [p for p in problems if p is not None]

    def _genesis(self, block: common_pb2.Block) -> list[str]:
        if self.genesis is not None:
            # the network's own, read and checked as a genesis config block already (``channel_genesis``)
            self.configs[0] = config_of(self.genesis.block)
            return [p for p in [self._not_the_networks(block)] if p is not None]
        try:
            self.configs[0] = config_of(block)
        except LedgerReadError as error:
            self.configs[0] = None
            return [f"block 0 is not the channel's genesis config block ({error}), under whose config the first "
                    f"blocks are signed: their orderer signatures are not checked. {FETCH_AGAIN}"]
        return []

    def _not_the_networks(self, block: common_pb2.Block) -> str | None:
        """Why the peer's block 0 is not the genesis block the network made, naming both hashes; None when it is.
        The header hash alone would tell (it covers the data hash, which ``data_problem`` holds to the data); the
        data hashes say whether the config itself differs. ``peer node reset`` would keep the block: the peer is
        to leave the channel and join it again with the file."""
        expected, held = self.genesis.block, block
        if (header_hash(held.header), data_hash(held.data)) == (header_hash(expected.header), data_hash(expected.data)):
            return None
        return (f"{self.peer} holds a block 0 other than the channel's genesis block the network made "
                f"({self.genesis.path}): its header hashes to {header_hash(held.header).hex()} and its data to "
                f"{data_hash(held.data).hex()}, that file's header to {header_hash(expected.header).hex()} and its "
                f"data to {data_hash(expected.data).hex()}. No orderer signs a genesis block, so the blocks after it "
                f"are checked under that file's config. Stop the peer, run `peer node unjoin -c {self.channel}` on "
                "it, which removes its ledger of the channel, and join it again with that file (`recfin network up` "
                "joins a peer that has not joined), then run the check again")

    def _signature_problem(self, block: common_pb2.Block, number: int, under: int,
                           config_block: bool) -> str | None:
        """Why block ``number`` is not signed as config block ``under`` asks, and what to do; None when it is, or
        when that config cannot be taken and that is named already."""
        if under >= number:
            return (f"block {number} names block {under} as the config block it was verified under, which is not "
                    f"a block before it: its orderer signatures are not checked. {FETCH_AGAIN}")
        if under not in self.configs:
            self.configs[under] = None
            return (f"block {number} names block {under} as the config block it was verified under, which is no "
                    f"config block of the chain: its orderer signatures are not checked, nor those of the later "
                    f"blocks naming it. {FETCH_AGAIN}")
        config = self.configs[under]
        if config is None or (problem := signature_problem(block, config)) is None:
            return None
        if config_block:
            return (f"{problem}: no signature of the ordering service shows this config block as the peer holds it, "
                    f"and the blocks after it are checked under the config it carries, which proves nothing of them. "
                    f"{FETCH_AGAIN}")
        return (f"{problem}: no signature of the ordering service shows this block as the peer holds it, so what "
                f"it replays to proves nothing. {FETCH_AGAIN}")

    def _take_config(self, block: common_pb2.Block, number: int) -> str | None:
        """Keep config block ``number``'s config, or say why it cannot be taken."""
        self.newest = number
        try:
            self.configs[number] = config_of(block)
        except LedgerReadError as error:
            self.configs[number] = None
            return (f"block {number} names itself as a config block, but carries no config ({error}): the orderer "
                    f"signatures of the blocks verified under it are not checked. {FETCH_AGAIN}")
        return None


def _not_the_transaction_asked(processed: transaction_pb2.ProcessedTransaction, tx_id: str, channel: str,
                               msp_id: str) -> str | None:
    """Why a peer's answer to GetTransactionByID(``tx_id``) is not that transaction of ``channel``, or None. Its
    validation code says nothing of ``tx_id`` unless its envelope is of it: an answer holding no envelope (an empty
    one among them) decodes with the code 0, VALID, and would count a transaction the peer never showed as found."""
    if not processed.HasField("transactionEnvelope"):
        return f"{msp_id}'s peer answered no transaction envelope when asked for transaction {tx_id}"
    try:
        header = transaction_header(processed.transactionEnvelope)[1]
    except LedgerReadError as error:
        return f"the peer's answer is no transaction: {error}"
    if header.tx_id != tx_id:
        return f"{msp_id}'s peer answered transaction {header.tx_id!r} when asked for transaction {tx_id}"
    return other_channel(header, channel, msp_id)


NOT_VALID_IN_BLOCKS = "VALID as GetTransactionByID answers it, but in none of the peer's blocks as VALID"


def check_peer(peer_name: str, qscc, reader, channel: str, chaincode: str, msp_id: str,
               acknowledged: Iterable[str], receivable_ids: Iterable[str],
               today: Callable[[], date] = business_today, *, genesis: ChannelGenesis | None = None) -> PeerLedger:
    """One peer: each acknowledged tx by id, then every key of the replayed namespace against the world state
    (``compare_with_live``), and the receivables the run wrote (``receivable_ids``) must be in the replay. A tx is
    lost only when the peer answers that it holds no such transaction; any other failure of the lookup (the peer
    restarting after a fault, a timeout, access refused) leaves it unread, with the error, and so does an answer
    that is not that transaction of ``channel`` (``_not_the_transaction_asked``). Every
    query names the peer's own org (``msp_id``), so no other org's peer answers for it; ``today`` is the business
    date the reader's queries carry; ``genesis``, the channel's genesis block the network made, which the peer's
    block 0 must be (``verify`` passes it; without it, block 0 is taken as the peer holds it)."""
    ledger, found = PeerLedger(peer_name), []
    for tx_id in acknowledged:
        try:
            processed = transaction_by_id(qscc, msp_id, channel, tx_id)
        except GatewayError as error:
            if no_such_transaction(error, tx_id):
                ledger.lost.append(tx_id)
            else:
                ledger.unread[tx_id] = str(error)
            continue
        except LedgerReadError as error:
            ledger.unread[tx_id] = f"the peer's answer is no transaction: {error}"
            continue
        if (not_this_one := _not_the_transaction_asked(processed, tx_id, channel, msp_id)) is not None:
            ledger.unread[tx_id] = not_this_one
            continue
        if processed.validationCode != transaction_pb2.VALID:
            # a code this SDK's protos do not name (a newer Fabric's) is named by its number
            ledger.not_valid[tx_id] = enum_name(transaction_pb2.TxValidationCode, processed.validationCode)
        else:
            found.append(tx_id)
    not_as_cut: list[str] = []
    try:
        ledger.replayed = replay(_blocks(qscc, channel, msp_id, ledger.chain, not_as_cut, peer_name, genesis),
                                 chaincode)
    except LedgerReadError as error:
        # ``verify`` checks the peers in turn: the block's number alone does not say whose ledger holds it
        raise LedgerReadError(f"{error}; read from {peer_name} ({msp_id}), whose blocks the check cannot replay: "
                              "that ledger is not what Fabric commits. Stop the peer and run `peer node reset` so "
                              "that it fetches its blocks again, or check what relays its answers") from error
    # the lookup answers from the peer's index; the replay is of its blocks, where the transaction must be VALID
    # too, or its writes are not in what the state is compared with
    for tx_id in found:
        if tx_id in ledger.replayed.valid_tx_ids:
            ledger.found += 1
        else:
            ledger.not_valid[tx_id] = NOT_VALID_IN_BLOCKS
    ledger.state_mismatches, ledger.not_read_back = compare_with_live(ledger.replayed, LivePeer(reader, msp_id, today))
    ledger.state_mismatches[:0] = not_as_cut + ledger.replayed.problems
    ledger.endorsement_failures = ledger.replayed.endorsement_failures
    ledger.endorsements_untold = ledger.replayed.endorsements_untold
    ledger.state_mismatches += [f"receivable {receivable_id}: the run wrote it, the replayed blocks do not have it"
                                for receivable_id in receivable_ids
                                if receivable_key(receivable_id) not in ledger.replayed.state]
    return ledger


def refuse_orgs_sharing_a_gateway(topology: Topology) -> None:
    """ValueError naming each org of ``topology`` with more than one peer: a query names only the org, and the
    Gateway picks the org's peer with the highest ledger height, so the check could not tell whose ledger
    answered. Call it before the run (``verify`` does, before it connects)."""
    shared = {org.name: [peer.name for peer in topology.peers(org.name)] for org in topology.orgs}
    shared = {org: peers for org, peers in shared.items() if len(peers) > 1}
    if shared:
        raise ValueError(
            "the ledger check reads each peer through queries that can name only its org, and Fabric's Gateway "
            "passes them to the org's peer with the highest ledger height, so a peer behind its org-mate would "
            "be answered for by the org-mate: "
            + "; ".join(f"org {org} has {len(peers)} peers ({', '.join(peers)})" for org, peers in sorted(shared.items()))
            + ". Run the fault suite on a topology with one peer per org (network/topology.yaml has one)")


def verify(acknowledged: Iterable[str], receivable_ids: Iterable[str], topology: Topology, data_root: Path | None,
           reader_org: str = "regulator") -> Verdict:
    """Check every peer of every org in the topology (one peer per org: ``refuse_orgs_sharing_a_gateway``), each
    one's block 0 against the channel's genesis block in the data folder (``channel_genesis``, read before any
    peer is); the reader org's client reads the world state."""
    from cli.connection import open_session

    refuse_orgs_sharing_a_gateway(topology)
    genesis = channel_genesis(topology, data_root)
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
                                            profile.chaincode, profile.msp_id, acknowledged, receivable_ids,
                                            genesis=genesis))
                finally:
                    gateway.close()
    return Verdict(len(acknowledged), peers)
