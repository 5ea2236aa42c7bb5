"""The real receivables contract in-process, behind a stand-in for the Gateway Contract, so the real SDK drives it.

``LedgerContract`` is ``client.gateway.Contract``'s ``submit``/``evaluate`` on a MemoryLedger, calling as one
identity with the transient data the SDK gives; each transaction carries the clock's time as its timestamp, as a
proposal carries the client's clock. A refusal comes back as the Gateway words it (``EndorseError``/``EvaluateError``
carrying the peer's ``chaincode response 500, RULE ...``), so the SDK raises ``RuleViolation`` as it would on a
network. Given a ``submits`` list, it keeps every committed submit there with the orgs the SDK named and the ledger
before and after it.

``Channel`` is the receivables contract on its own MemoryLedger with one clock, every committed submit kept.
Endorsement policies are not enforced (MemoryLedger commits what the contract writes); test_endorsement.py computes
them from those snapshots. MemoryLedger
has no blocks, so the channel numbers them: each committed submit is one block (block 0 being the genesis block). Each
of its clients has a ``LedgerNetwork``, the stand-in for its Gateway's Network: it knows the blocks that client's
submits committed in (``last_committed_block``), and its ``wait_for_block`` returns at once for a block that exists (one
ledger: every "peer" has every block) and raises ``BlockWaitTimeoutError`` for one that does not. ``Channel.activity``
lists every call and every wait in order, with the caller's org and the block, so a test can see who waited for what.
The Network's system chaincodes are ``qscc`` (a config block naming the channel's orgs) and ``_lifecycle``
(``Channel.lifecycle``: the receivables chaincode's committed definition, with the collections of the channel's
configuration, as each org's peer answers it).

``TopologySessions`` opens ``cli.connection.Session`` objects over a channel for the orgs and users of a topology:
one identity per org user (its NodeOU and Fabric CA attributes in a real certificate, written where the org's
connection profile says), the same identity each time it is opened.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2
from fabric_protos.peer import collection_pb2, policy_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from chaincode.receivables import ReceivablesContract
from chaincode.receivables.collections import collections_config, endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.shim import create_composite_key, split_composite_key
from chaincode.testing import MemoryLedger, TestIdentity, make_identity
from cli import connection
from client.gateway import SubmitResult
from client.gateway.errors import BlockWaitTimeoutError, EndorseError, ErrorDetail, EvaluateError
from client.ledger.lifecycle import LIFECYCLE
from client.ledger.qscc import QSCC
from client.receivables import CONTRACT_NAME, ReceivablesClient
from network import profiles
from network.org_definition import signature_policy
from network.topology import Topology

from .receivables_client.audit_ledger import ScriptedQscc, names_config_block
from .receivables_client.test_contract_agreement import START


@dataclass(frozen=True)
class Snapshot:
    """The ledger's public state, key-level policies and private data at one moment."""

    state: dict
    policies: dict
    private: dict

    @classmethod
    def of(cls, ledger: MemoryLedger) -> Snapshot:
        return cls(dict(ledger.state), dict(ledger.validation_parameters),
                   {c: dict(v) for c, v in ledger.private_state.items()})


def changed_keys(before: dict, after: dict) -> set:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@dataclass(frozen=True)
class Submitted:
    """One committed submit: the transaction, its tx id, the orgs the SDK named (None: the Gateway plans them),
    and the ledger before and after it."""

    transaction: str
    tx_id: str
    named: list[str] | None
    before: Snapshot
    after: Snapshot


@dataclass(frozen=True)
class Activity:
    """One call on the channel, in order: ``submit`` (committed, in ``block``), ``refused`` (a submit that did
    not endorse), ``evaluate``, or ``wait`` (for ``block``); ``msp_id`` is the caller's org, ``transaction``
    the function called (None for a wait)."""

    kind: str
    msp_id: str
    block: int | None = None
    transaction: str | None = None


@dataclass
class Blocks:
    """The channel's blocks as the stand-in cuts them, and everything its clients did."""

    height: int = 1  # block 0 is the genesis block
    activity: list[Activity] = field(default_factory=list)

    def cut(self) -> int:
        self.height += 1
        return self.height - 1


CHAINCODE = "receivables"


def members_policy(msp_ids: list[str]) -> collection_pb2.CollectionPolicyConfig:
    """``OR('<org>.member', ...)`` of ``msp_ids`` as ``peer lifecycle`` compiles a collection's policy string."""
    principals = [msp_principal_pb2.MSPPrincipal(
        principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
        principal=msp_principal_pb2.MSPRole(msp_identifier=msp_id, role=msp_principal_pb2.MSPRole.MEMBER
                                            ).SerializeToString()) for msp_id in msp_ids]
    rule = policies_pb2.SignaturePolicy(n_out_of=policies_pb2.SignaturePolicy.NOutOf(
        n=1, rules=[policies_pb2.SignaturePolicy(signed_by=index) for index in range(len(msp_ids))]))
    return collection_pb2.CollectionPolicyConfig(
        signature_policy=policies_pb2.SignaturePolicyEnvelope(version=0, rule=rule, identities=principals))


_DERIVED = object()   # committed_definition: a collection's endorsement policy as collections_config derives it


def committed_definition(config: NetworkConfig, *, members: dict[str, list[str]] | None = None,
                         endorsement: dict[str, str | None] | None = None, chaincode_policy: object = _DERIVED
                         ) -> lifecycle_pb2.QueryChaincodeDefinitionResult:
    """The receivables chaincode's definition as the channel commits it for ``config``: the collections
    ``collections_config`` derives (the form ``peer lifecycle chaincode approveformyorg --collections-config``
    takes), each member orgs policy the orgs its policy string names and its endorsement policy its signature policy
    compiled. ``members`` replaces the member orgs of the collections it names, as an altered definition would, and
    ``endorsement`` the endorsement policy (a signature policy string; None: the collection sets none, so the
    chaincode's applies), as an operator's own collections file may. ``chaincode_policy``: the chaincode's endorsement
    policy, by default the topology's, any two of ``config``'s orgs' peers, as ``recfin chaincode deploy`` commits it
    (``network.contract_config.endorsement_policy``); None: none, which Fabric never commits."""
    collections = []
    for collection in collections_config(config):
        orgs = (members or {}).get(collection["name"], re.findall(r"'([^']+)\.member'", collection["policy"]))
        endorsed_by = (endorsement or {}).get(collection["name"], _DERIVED)
        if endorsed_by is _DERIVED:
            endorsed_by = collection["endorsementPolicy"]["signaturePolicy"]
        static = collection_pb2.StaticCollectionConfig(
            name=collection["name"], member_orgs_policy=members_policy(orgs),
            required_peer_count=collection["requiredPeerCount"], maximum_peer_count=collection["maxPeerCount"],
            block_to_live=collection["blockToLive"], member_only_read=collection["memberOnlyRead"],
            member_only_write=collection["memberOnlyWrite"])
        if endorsed_by is not None:
            static.endorsement_policy.signature_policy.CopyFrom(signature_policy(endorsed_by))
        collections.append(collection_pb2.CollectionConfig(static_collection_config=static))
    definition = lifecycle_pb2.QueryChaincodeDefinitionResult(
        sequence=1, version="1.0", validation_plugin="vscc",
        collections=collection_pb2.CollectionConfigPackage(config=collections))
    if chaincode_policy is _DERIVED:
        chaincode_policy = endorsement_policy(config, principal="peer")
    if chaincode_policy is not None:
        definition.validation_parameter = policy_pb2.ApplicationPolicy(
            signature_policy=signature_policy(chaincode_policy)).SerializeToString()
    return definition


@dataclass
class ScriptedLifecycle:
    """``_lifecycle`` as the channel's peers answer ``QueryChaincodeDefinition``: the receivables chaincode's
    ``definition`` (any other chaincode is not defined), or, from a peer of an org in ``forged``, the definition that
    org's peer answers instead. Left to choose (no org named), the Gateway may ask any org's peer: a forged answer
    comes back if there is one. Every query is recorded in ``asked``, as (function, chaincode, orgs named)."""

    definition: lifecycle_pb2.QueryChaincodeDefinitionResult
    forged: dict[str, lifecycle_pb2.QueryChaincodeDefinitionResult] = field(default_factory=dict)
    asked: list[tuple[str, str, list[str] | None]] = field(default_factory=list)

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None) -> bytes:
        assert function == "QueryChaincodeDefinition", function
        [serialized] = arguments
        name = lifecycle_pb2.QueryChaincodeDefinitionArgs.FromString(serialized).name
        named = None if endorsing_organizations is None else list(endorsing_organizations)
        self.asked.append((function, name, named))
        if name != CHAINCODE:
            raise EvaluateError("evaluate call to endorser returned error: failed to invoke backing implementation "
                                f"of 'QueryChaincodeDefinition': namespace {name} is not defined", transaction_id="q")
        answered_by = named or list(self.forged)
        forged = [self.forged[org] for org in answered_by if org in self.forged]
        return (forged[0] if forged else self.definition).SerializeToString()


@dataclass
class LedgerNetwork:
    """Stands in for a client.gateway Network: ``last_committed_block`` of its client's submits, ``wait_for_block``."""

    blocks: Blocks
    msp_id: str
    name: str = "receivables"
    last_committed_block: int | None = None
    channel_orgs: tuple[str, ...] = ()
    lifecycle: ScriptedLifecycle | None = None

    def get_contract(self, chaincode: str, contract_name: str | None = None) -> ScriptedQscc | ScriptedLifecycle:
        """The system chaincodes alone: qscc, answering from a config block that lists the channel's orgs (the SDK
        reads them to name a second endorsing org for a new party record), and ``_lifecycle`` (the SDK reads the
        terms' collection of an org that holds and finances to name a regulator org)."""
        if chaincode == LIFECYCLE and self.lifecycle is not None:
            return self.lifecycle
        assert chaincode == QSCC, chaincode
        return ScriptedQscc([names_config_block(list(self.channel_orgs))], {})

    def record(self, transaction: str, submit: bool, committed: bool) -> None:
        block = self.blocks.cut() if submit and committed else None
        if block is not None:
            self.last_committed_block = block
        kind = "evaluate" if not submit else "submit" if committed else "refused"
        self.blocks.activity.append(Activity(kind, self.msp_id, block, transaction))

    def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """The newest block, as a peer that has ``block_number`` answers."""
        self.blocks.activity.append(Activity("wait", self.msp_id, block_number))
        if block_number >= self.blocks.height:  # never cut in-process: a real peer would wait until the timeout
            raise BlockWaitTimeoutError(channel=self.name, block_number=block_number,
                                        address=f"peer0 of {self.msp_id}", timeout=timeout or 30.0)
        return self.blocks.height - 1


@dataclass
class Channel:
    """The contract on MemoryLedger, one clock, its blocks, and every committed submit kept."""

    config: NetworkConfig = DEFAULT_CONFIG
    now: datetime = START
    submits: list[Submitted] = field(default_factory=list)
    blocks: Blocks = field(default_factory=Blocks)
    ledger: MemoryLedger = field(init=False)
    lifecycle: ScriptedLifecycle = field(init=False)

    def __post_init__(self) -> None:
        # the collections the deployment defines, so a private read or write the peer would refuse fails here
        self.ledger = MemoryLedger([ReceivablesContract(self.config)],
                                   collections=collections_config(self.config))
        self.lifecycle = ScriptedLifecycle(committed_definition(self.config))

    @property
    def activity(self) -> list[Activity]:
        return self.blocks.activity

    def today(self, days: int = 0) -> date:
        """The business date (China Standard Time) of ``now``, plus ``days``."""
        return (self.now + timedelta(hours=8)).date() + timedelta(days=days)

    def client(self, identity: TestIdentity) -> ReceivablesClient:
        """A client calling as ``identity``, with its own Network (as each connection has its own Gateway)."""
        network = LedgerNetwork(self.blocks, identity.msp_id, channel_orgs=tuple(self.config.msp_ids),
                                lifecycle=self.lifecycle)
        contract = LedgerContract(self.ledger, identity, lambda: self.now, self.submits, network)
        return ReceivablesClient(contract, network)

    def document(self, object_type: str, *attributes: str) -> dict:
        """The JSON document the contract keeps under a composite key (chaincode/receivables/keys.py)."""
        return json.loads(self.ledger.state[create_composite_key(object_type, list(attributes))])

    def documents(self, object_type: str) -> dict[str, dict]:
        """Every document of one type, by its key's first attribute (its id)."""
        found = {}
        for key, value in self.ledger.state.items():
            kind, attributes = split_composite_key(key)
            if kind == object_type:
                found[attributes[0]] = json.loads(value)
        return found


@dataclass
class LedgerContract:
    """Stands in for a client.gateway Contract of the receivables chaincode, calling as ``identity``."""

    ledger: MemoryLedger
    identity: TestIdentity
    clock: Callable[[], datetime]
    submits: list[Submitted] | None = None  # where to keep each committed submit, if anywhere
    network: LedgerNetwork | None = None  # told of each call, to number the blocks its submits commit in
    chaincode_name: str = CHAINCODE

    def _run(self, submit: bool, name: str, arguments, transient):
        run = self.ledger.submit if submit else self.ledger.evaluate
        result = asyncio.run(run(self.identity, f"{CONTRACT_NAME}:{name}", *arguments, transient=transient or {},
                                 timestamp=self.clock()))
        if self.network is not None:
            self.network.record(name, submit, committed=result.status == 200)
        if result.status != 200:
            peer = ErrorDetail("peer0", self.identity.msp_id, f"chaincode response {result.status}, {result.message}")
            if submit:
                raise EndorseError("failed to endorse transaction, see attached details for more info",
                                   transaction_id=result.tx_id, details=[peer])
            raise EvaluateError(f"evaluate call to endorser returned error: {peer.message}",
                                transaction_id=result.tx_id, details=[peer])
        return result

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None) -> SubmitResult:
        before = Snapshot.of(self.ledger) if self.submits is not None else None
        result = self._run(True, name, arguments, transient)
        if before is not None:
            named = None if endorsing_organizations is None else list(endorsing_organizations)
            self.submits.append(Submitted(name, result.tx_id, named, before, Snapshot.of(self.ledger)))
        return SubmitResult(result.payload, result.tx_id)   # as the Gateway's: the bytes name their transaction

    def evaluate(self, name, *, arguments=(), transient=None, endorsing_organizations=None) -> bytes:
        return self._run(False, name, arguments, transient).payload


@dataclass
class TopologySessions:
    """``cli.connection.open_session`` over ``channel`` for the orgs and users of ``topology``."""

    channel: Channel
    topology: Topology
    data_root: Path
    identities: dict[tuple[str, str], TestIdentity] = field(default_factory=dict)

    def identity(self, org: str, user: str) -> TestIdentity:
        """The user's identity, made once: what its MSP folder would hold, written to the profile's cert path."""
        if (org, user) not in self.identities:
            profile = self.profile(org)
            who = profile.user(user)
            identity = make_identity(profile.msp_id, user, who.attrs, ou=who.role)
            who.cert.parent.mkdir(parents=True, exist_ok=True)
            who.cert.write_bytes(identity.certificate.public_bytes(serialization.Encoding.PEM))
            self.identities[org, user] = identity
        return self.identities[org, user]

    def profile(self, org: str) -> profiles.ConnectionProfile:
        return profiles.build(self.topology, self.data_root, self.topology.org(org).name)

    @contextmanager
    def open_session(self, org: str, user: str | None = None, data_root: Path | None = None, *,
                     admin: bool = False) -> Iterator[connection.Session]:
        """As ``connection.open_session``; ``data_root`` is ignored (the profiles are built under ours)."""
        profile = self.profile(org)
        for name in profile.users:  # every user's certificate is in place, as after `recfin network up`
            self.identity(org, name)
        who = profile.user(user or connection.default_user(profile, admin=admin))
        yield connection.Session(self.channel.client(self.identity(org, who.name)), profile, who)
