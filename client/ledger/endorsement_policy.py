"""Whether a committed transaction's endorsements meet the endorsement policies Fabric's validation held it to,
judged from the blocks alone.

Fabric's validator (core/committer/txvalidator/v20, core/common/validation/statebased) checks an endorser
transaction's endorsements namespace by namespace: the namespace of the chaincode it invoked, and every namespace
its read-write set writes (a value, a key's metadata, a private key's hash or its metadata). In a namespace, each
key written is held to the key-level policy it carried when the block was validated (its ``VALIDATION_PARAMETER``,
a signature policy); one carrying none, to its collection's endorsement policy where it is a private key and the
collection has one, else to the chaincode's; and the chaincode's policy is checked at least once where no policy
was. The chaincode's policy is the validation parameter of its committed definition (an ApplicationPolicy: a
signature policy, or the path of a channel policy), as ``_lifecycle`` holds it at the start of the block
(``namespaces/fields/<chaincode>/ValidationInfo``, a definition's ``Collections`` beside it); a chaincode the
``_lifecycle`` state defines no definition of is validated against none, and Fabric marks its transactions
invalid. ``_lifecycle``'s own writes are held to the channel's ``/Channel/Application/LifecycleEndorsement``
(a majority of the application orgs' members where the channel has no such policy), and a write to an org's
implicit collection (``_implicit_org_<MSP ID>``) to that org's ``Endorsement`` policy (any member of it where the
org has none).

A key whose metadata a transaction before it in the same block wrote is held to no policy at all: Fabric fails the
later transaction (ValidationParameterUpdatedError) where the earlier one passed its own endorsement check. The
block says how the earlier one ended, not always whether it passed that check: ``VALID``, ``MVCC_READ_CONFLICT``
and ``PHANTOM_READ_CONFLICT`` (checked after the endorsements) say it passed, ``ENDORSEMENT_POLICY_FAILURE`` that
it did not where Fabric validated it in the key's namespace alone; after any other code, or such a failure of a
transaction validated in several namespaces (one of the others' may have failed), the check is :class:`Untold`.

The signature set is each endorsement: the endorser's signature over the proposal response payload followed by
its serialized identity, verified in the signature hash family of the MSP it names (:mod:`.endorsements`), and
counted as Fabric counts a signature set for a policy (:class:`.config_policies.Evaluator`): an identity of no MSP
of the channel config the block was validated under, a certificate that does not chain to its MSP's CAs (Fabric
cannot deserialize it), a signature that does not verify, a revoked certificate count for nothing, an identity
counts once (two certificates differing only in the S of their CA's ECDSA signature being one identity, as
Fabric's MSP names it); a principal is met as that MSP satisfies it (its CA chain, its
organizational units, its role by NodeOU).

A transaction of other than one action fails outright: Fabric's validator marks it INVALID_ENDORSER_TRANSACTION
before any policy (only one action per transaction is supported), never VALID.

What the policies rest on comes from the caller (:class:`PolicyState`): the ``_lifecycle`` state and each key's
key-level policy at the start of the block. A caller that cannot tell one raises :class:`Untold`; a check resting
on it is then neither met nor failed, and what a transaction fails elsewhere still fails it. What is not checked
at all: a definition naming a validation plugin other than Fabric's default (``vscc``), which may read its
parameter as it likes (untold), a signature policy naming a principal other than 'MSPID.role' (an identity, an
organizational unit, an anonymity or combined principal: untold), and anything of Fabric's validation other than
the endorsements (the creator's
signature, the read versions).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from fabric_protos.common import common_pb2, configtx_pb2, policies_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.msp import msp_principal_pb2
from fabric_protos.peer import collection_pb2, policy_pb2, transaction_pb2
from fabric_protos.peer.lifecycle import chaincode_definition_pb2, db_pb2
from google.protobuf.message import DecodeError

from . import config_policies
from .config_policies import Evaluator, OrgMsp, PolicyCheck, SignedBy, org_msps
from .endorsements import action_results, endorsements_of
from .lifecycle import DEFAULT_VALIDATION, LIFECYCLE
from .msp import MSP_KEY, ChannelMsp, application_msp_ids, channel_msps, fabric_msp_config
from .qscc import LedgerReadError, decoded, transaction_header, validation_flags

LIFECYCLE_ENDORSEMENT = ("Channel", "Application", "LifecycleEndorsement")
IMPLICIT_COLLECTION = "_implicit_org_"
DEFINITION_TYPE = "ChaincodeDefinition"     # the datatype a chaincode's definition metadata names in _lifecycle

PASSED_ENDORSEMENT_CHECK = frozenset({transaction_pb2.VALID, transaction_pb2.MVCC_READ_CONFLICT,
                                      transaction_pb2.PHANTOM_READ_CONFLICT})
"""The codes of a transaction that passed its endorsement check: the read versions are checked after it."""


class Untold(Exception):
    """What a check rests on cannot be told from what was read; the message says what and why."""


class PolicyState(Protocol):
    """What the policies rest on at the start of the block being judged."""

    def lifecycle_value(self, key: str) -> bytes | None:
        """The value of ``_lifecycle``'s public key ``key``, None where it holds none; Untold where unknown."""

    def key_policy(self, namespace: str, collection: str, key: str | bytes) -> bytes | None:
        """The key-level policy (``VALIDATION_PARAMETER``) of ``key`` of ``namespace`` (a private key's hash in
        ``collection``; a public key where ``collection`` is empty), None where it carries none; Untold where
        unknown."""


@dataclass(frozen=True)
class Judgement:
    """One transaction's endorsements against its policies: ``failures``, each policy they do not meet (or that
    no endorsement could), with why; ``untold``, each check that could not be made, with why."""

    failures: tuple[str, ...] = ()
    untold: tuple[str, ...] = ()

    @property
    def met(self) -> bool | None:
        """False where a policy is not met (whatever is untold), None where the rest is untold, else True."""
        return False if self.failures else None if self.untold else True


class ChannelJudge:
    """The channel config a block was validated under, read once for every transaction of the blocks under it:
    its MSPs, as endorsement signatures are verified (:mod:`.msp`) and principals met (:mod:`.config_policies`).
    LedgerReadError where an org's MSP cannot be read."""

    def __init__(self, config: configtx_pb2.Config) -> None:
        self.config = config
        self.verifying: dict[str, ChannelMsp] = channel_msps(config)
        try:
            self.orgs: dict[str, OrgMsp] = org_msps(config)
        except (DecodeError, RuntimeError, ValueError) as error:
            raise LedgerReadError(f"an org's MSP of the channel config cannot be read ({error})") from None
        self.satisfied: dict[tuple, bool] = {}      # (signer's MSP ID, certificate, MSP ID, role) -> met
        self.refused: dict[tuple, str | None] = {}  # (MSP ID, certificate, verified, problem) -> why it counts not
        self.identities: dict[tuple, tuple | None] = {}  # (MSP ID, certificate) -> the identity Fabric reads

    def application_org(self, msp_id: str) -> str | None:
        """The name of the application org group whose MSP is ``msp_id``, None where none is."""
        application = self.config.channel_group.groups.get(config_policies.APPLICATION)
        for name, group in (application.groups.items() if application is not None else ()):
            if MSP_KEY in group.values and fabric_msp_config(group).name == msp_id:
                return name
        return None


class _Signers(Evaluator):
    """One action's endorsements counted under a :class:`ChannelJudge`, each principal met as
    :func:`.config_policies.satisfies` says and each refusal as :func:`.config_policies.refusal` says, remembered for
    the judge's later transactions (the same peers endorse most of them)."""

    def __init__(self, judge: ChannelJudge, signed: list[SignedBy], unread: list[str]) -> None:
        self.judge = judge
        super().__init__(judge.config, signed, judge.orgs)
        self.unread = unread        # the endorsements no MSP of the channel reads, each with why

    def identity(self, signer: SignedBy) -> tuple[str, bytes] | None:
        key = (signer.msp_id, signer.certificate)
        if key not in self.judge.identities:
            self.judge.identities[key] = super().identity(signer)
        return self.judge.identities[key]

    def refusal(self, signer: SignedBy) -> str | None:
        key = (signer.msp_id, signer.certificate, signer.valid, signer.problem)
        if key not in self.judge.refused:
            self.judge.refused[key] = super().refusal(signer)
        return self.judge.refused[key]

    def satisfies(self, signer, msp_id: str, role: str) -> bool:
        key = (signer.msp_id, signer.certificate, msp_id, role)
        if key not in self.judge.satisfied:
            self.judge.satisfied[key] = super().satisfies(signer, msp_id, role)
        return self.judge.satisfied[key]


def block_judgements(block: common_pb2.Block, judge: ChannelJudge, state: PolicyState,
                     positions: Iterable[int] | None = None) -> dict[int, Judgement]:
    """The judgement of each endorser transaction of ``block`` at ``positions`` (by default, each its transaction
    filter marks VALID), under the config ``judge`` holds and the state ``state`` gives at the block's start.
    LedgerReadError where such a transaction does not decode down to its endorsements and writes."""
    flags = validation_flags(block)
    if positions is None:
        positions = [p for p in range(len(block.data.data)) if p < len(flags) and flags[p] == transaction_pb2.VALID]
    wanted = sorted(set(positions))
    out: dict[int, Judgement] = {}
    updated: dict[tuple[str, str, str | bytes], list[int]] = {}    # key -> positions before that wrote its metadata
    several: set[int] = set()       # the positions before validated in more than one namespace
    for position, raw in enumerate(block.data.data):
        if wanted and position > wanted[-1]:
            break
        what = f"block {block.header.number}'s transaction {position}"
        if position in wanted:
            envelope = decoded(common_pb2.Envelope, raw, f"{what}: its envelope")
            payload, header = transaction_header(envelope, f"{what}: its")
            if header.type == common_pb2.ENDORSER_TRANSACTION:
                transaction = decoded(transaction_pb2.Transaction, payload.data, f"{what}: its transaction")
                earlier = {key: [_earlier_code(flags, p, p in several) for p in places]
                           for key, places in updated.items()}
                out[position] = _judged(transaction, judge, state, earlier, f"{what}: its")
        keys, namespaces = _metadata_written(raw)
        for key in keys:
            updated.setdefault(key, []).append(position)
        if namespaces > 1:
            several.add(position)
    return out


FAILED_IN_ONE_OF_SEVERAL = "ENDORSEMENT_POLICY_FAILURE in one of the several namespaces it was validated in"
"""What an earlier transaction's ENDORSEMENT_POLICY_FAILURE tells where Fabric validated it in more than one
namespace: the validator walks them in no fixed order and records a result for each namespace it checked, so the
check of the key's own namespace may have passed (holding a later transaction to no policy) or never run."""


def _earlier_code(flags, position: int, in_several_namespaces: bool) -> int | str | None:
    """The code by which a transaction before the one judged says whether it passed its endorsement check: its flag
    (None past the flags), or :data:`FAILED_IN_ONE_OF_SEVERAL` for an endorsement failure that may be another
    namespace's."""
    code = flags[position] if position < len(flags) else None
    if code == transaction_pb2.ENDORSEMENT_POLICY_FAILURE and in_several_namespaces:
        return FAILED_IN_ONE_OF_SEVERAL
    return code


def _metadata_written(raw: bytes) -> tuple[list[tuple[str, str, str | bytes]], int]:
    """(namespace, collection, key) of each key whose metadata the transaction ``raw`` writes, public and private,
    as Fabric records a block's dependencies: of its first action alone (statebased extractDependenciesForTx reads
    ``tx.Actions[0]``; a transaction of several is never validated, INVALID_ENDORSER_TRANSACTION), none where it
    does not decode; and how many namespaces Fabric validates it in (its chaincode's and each it writes to)."""
    try:
        envelope = common_pb2.Envelope.FromString(raw)
        payload = common_pb2.Payload.FromString(envelope.payload)
        channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        if channel_header.type != common_pb2.ENDORSER_TRANSACTION:
            return [], 0
        keys, validated = [], set()
        for action in transaction_pb2.Transaction.FromString(payload.data).actions[:1]:
            _, chaincode_action, results = action_results(action)
            validated.add(chaincode_action.chaincode_id.name)
            for ns in results.ns_rwset:
                kv = kv_rwset_pb2.KVRWSet.FromString(ns.rwset)
                keys += [(ns.namespace, "", write.key) for write in kv.metadata_writes]
                for collection in ns.collection_hashed_rwset:
                    hashed = kv_rwset_pb2.HashedRWSet.FromString(collection.hashed_rwset)
                    keys += [(ns.namespace, collection.collection_name, write.key_hash)
                             for write in hashed.metadata_writes]
                if _writes(ns, "an earlier transaction's"):
                    validated.add(ns.namespace)
        return keys, len(validated)
    except (DecodeError, RuntimeError, LedgerReadError):
        return [], 0


def _judged(transaction: transaction_pb2.Transaction, judge: ChannelJudge, state: PolicyState,
            earlier: dict[tuple[str, str, str | bytes], list[int | str | None]], what: str) -> Judgement:
    if len(transaction.actions) != 1:
        # Fabric's validator refuses such a transaction before any policy (validateEndorserTransaction: only one
        # action per transaction is supported), and the commit reads the first action alone: judged action by
        # action, one of no action would pass, having been checked against nothing
        return Judgement((f"it holds {len(transaction.actions)} actions, where Fabric's validator marks VALID only a "
                          "transaction of one (any other INVALID_ENDORSER_TRANSACTION)",))
    failures: list[str] = []
    untold: list[str] = []
    for action in transaction.actions:
        endorsed, chaincode_action, results = action_results(action, what)
        signers = _signers(endorsed, judge)
        invoked = chaincode_action.chaincode_id.name
        if not invoked:
            failures.append("its chaincode action names no chaincode, which Fabric's validation refuses")
            continue
        namespaces = [invoked] + [ns.namespace for ns in results.ns_rwset if _writes(ns, what)]
        for namespace in dict.fromkeys(namespaces):
            _Namespace(namespace, [ns for ns in results.ns_rwset if ns.namespace == namespace], judge, state,
                       signers, earlier, failures, untold).check()
    return Judgement(tuple(dict.fromkeys(failures)), tuple(dict.fromkeys(untold)))


def _signers(endorsed: transaction_pb2.ChaincodeEndorsedAction, judge: ChannelJudge) -> _Signers:
    """The action's endorsements as Fabric counts them for a policy; one naming no MSP of the channel, or one
    whose certificate cannot be read, counts for nothing, and is named with why."""
    signed, unread = [], []
    for endorsement in endorsements_of(endorsed, judge.verifying):
        if endorsement.certificate is None:
            unread.append(f"{endorsement.msp_id or 'an endorser naming no MSP'}: {endorsement.problem}")
        else:
            signed.append(SignedBy(endorsement.msp_id, endorsement.certificate, endorsement.problem is None,
                                   endorsement.problem or ""))
    return _Signers(judge, signed, unread)


def _writes(ns: rwset_pb2.NsReadWriteSet, what: str) -> bool:
    """Whether a namespace's read-write set writes anything (Fabric's txWritesToNamespace)."""
    kv = decoded(kv_rwset_pb2.KVRWSet, ns.rwset, f"{what} writes in {ns.namespace}")
    if kv.writes or kv.metadata_writes:
        return True
    return any(hashed.hashed_writes or hashed.metadata_writes for hashed in (
        decoded(kv_rwset_pb2.HashedRWSet, c.hashed_rwset, f"{what} private writes in {ns.namespace}")
        for c in ns.collection_hashed_rwset))


class _Namespace:
    """One namespace of a transaction checked as Fabric's key-level validator checks it (statebased, v20)."""

    def __init__(self, namespace: str, rwsets: list[rwset_pb2.NsReadWriteSet], judge: ChannelJudge,
                 state: PolicyState, signers: _Signers, earlier: dict, failures: list[str], untold: list[str]):
        self.namespace, self.rwsets, self.judge, self.state, self.signers = namespace, rwsets, judge, state, signers
        self.earlier, self.failures, self.untold = earlier, failures, untold
        self.checked: set[str] = set()      # "" for the chaincode's policy, the collections' names
        self.some_checked = False

    def _told(self, find):
        """What ``find()`` gives, or ``_NOT_TOLD`` where it raises Untold (noted as untold) or _Unmet (a failure)."""
        try:
            return find()
        except Untold as why:
            self.untold.append(str(why))
        except _Unmet as why:
            self.failures.append(str(why))
        return _NOT_TOLD

    def check(self) -> None:
        self.chaincode_policy = self._told(self._chaincode_policy)
        if self.chaincode_policy is _NOT_TOLD:
            return
        for ns in self.rwsets:
            kv = kv_rwset_pb2.KVRWSet.FromString(ns.rwset)
            for key in [w.key for w in kv.writes] + [w.key for w in kv.metadata_writes]:
                self._key("", key)
            collections = [(c.collection_name, kv_rwset_pb2.HashedRWSet.FromString(c.hashed_rwset))
                           for c in ns.collection_hashed_rwset]
            for name, hashed in collections:
                for write in hashed.hashed_writes:
                    self._key(name, write.key_hash)
            for name, hashed in collections:
                for write in hashed.metadata_writes:
                    self._key(name, write.key_hash)
        if not self.some_checked:
            self._policy_once("")

    def _key(self, collection: str, key: str | bytes) -> None:
        named = _key_named(self.namespace, collection, key)
        codes = self.earlier.get((self.namespace, collection, key), [])
        if any(code in PASSED_ENDORSEMENT_CHECK for code in codes):
            self.failures.append(f"the key-level policy of {named} was written by a transaction before it in the "
                                 "same block, which passed its endorsement check: Fabric holds the key to no policy "
                                 "then and marks the later transaction ENDORSEMENT_POLICY_FAILURE")
            return
        unsure = [code for code in codes if code != transaction_pb2.ENDORSEMENT_POLICY_FAILURE]
        if unsure:
            self.untold.append(f"the key-level policy of {named} was written by a transaction before it in the same "
                               f"block, marked {_code_names(unsure)}, which does not say whether it passed its "
                               "endorsement check (Fabric fails the later one where it did)")
            return
        policy = self._told(lambda: self.state.key_policy(self.namespace, collection, key))
        if policy is _NOT_TOLD:
            return
        if not policy:
            self._policy_once(collection)
            return
        try:
            envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
        except (DecodeError, RuntimeError):
            self.failures.append(f"the key-level policy of {named} is no signature policy: a peer cannot translate "
                                 "it, and halts on it rather than validate the transaction")
            return
        self.some_checked = True
        self._evaluate(f"the key-level policy of {named}", application=None, envelope=envelope)

    def _policy_once(self, collection: str) -> None:
        """The collection's endorsement policy (where it has one), else the chaincode's, each once."""
        if collection and collection not in self.checked:
            found = self._told(lambda: self._collection_policy(collection))
            if found is _NOT_TOLD:
                return
            policy, where = found
            if policy is not None:
                self.checked.add(collection)
                self.some_checked = True
                self._evaluate(where, application=policy)
                return
        if collection and collection in self.checked:
            return
        if "" in self.checked:
            return
        self.checked.add("")
        self.some_checked = True
        policy, where = self.chaincode_policy
        self._evaluate(where, application=policy)

    def _chaincode_policy(self) -> tuple[policy_pb2.ApplicationPolicy, str]:
        """The policy the namespace's chaincode is validated against, and how a message names it. _Unmet where its
        definition holds none, or does not decode (no peer validates a transaction against it)."""
        if self.namespace == LIFECYCLE:
            if _policy_at(self.judge.config, LIFECYCLE_ENDORSEMENT) is not None:
                reference = "/" + "/".join(LIFECYCLE_ENDORSEMENT)
                return (policy_pb2.ApplicationPolicy(channel_config_policy_reference=reference),
                        f"{LIFECYCLE}'s endorsement policy")
            return (policy_pb2.ApplicationPolicy(signature_policy=self._majority_of_members()),
                    f"{LIFECYCLE}'s endorsement policy (the channel defines no LifecycleEndorsement policy: a "
                    "majority of its application orgs' members)")
        info = self._definition_field("ValidationInfo", chaincode_definition_pb2.ChaincodeValidationInfo)
        if info.validation_plugin not in DEFAULT_VALIDATION:
            raise Untold(f"chaincode {self.namespace}'s definition names validation plugin "
                         f"{info.validation_plugin}, whose reading of its policy cannot be told")
        try:
            policy = policy_pb2.ApplicationPolicy.FromString(info.validation_parameter)
        except (DecodeError, RuntimeError):
            raise _Unmet(f"chaincode {self.namespace}'s definition holds a validation parameter that is no "
                         "ApplicationPolicy, against which no peer validates a transaction") from None
        return policy, f"chaincode {self.namespace}'s endorsement policy"

    def _definition_field(self, field: str, message_type):
        """A field of the namespace's chaincode definition as ``_lifecycle`` holds it at the block's start
        (Fabric's lifecycle serializer: a StateData whose bytes are the field's message; a field it holds no key
        for reads as that message empty). _Unmet where the chaincode has no definition or it does not decode."""
        metadata = self.state.lifecycle_value(f"namespaces/metadata/{self.namespace}")
        if metadata is None:
            raise _Unmet(f"no definition of chaincode {self.namespace} was committed before its block, and Fabric "
                         "validates no transaction of a chaincode without one")
        try:
            if db_pb2.StateMetadata.FromString(metadata).datatype != DEFINITION_TYPE:
                raise _Unmet(f"{self.namespace} is defined in {LIFECYCLE} as no chaincode, and Fabric validates no "
                             "transaction of it")
            raw = self.state.lifecycle_value(f"namespaces/fields/{self.namespace}/{field}")
            return message_type.FromString(db_pb2.StateData.FromString(raw or b"").Bytes)
        except (DecodeError, RuntimeError):
            raise _Unmet(f"the {field} of chaincode {self.namespace}'s definition does not decode, and no peer "
                         "validates a transaction against it") from None

    def _collection_policy(self, collection: str) -> tuple[policy_pb2.ApplicationPolicy | None, str]:
        """The endorsement policy a write to ``collection`` with no key-level policy is held to, and how a message
        names it; None where it is the chaincode's own (no collection policy: Fabric then checks the chaincode's
        policy for it, once for all)."""
        where = f"the endorsement policy of collection {collection} of chaincode {self.namespace}"
        if collection.startswith(IMPLICIT_COLLECTION):
            msp_id = collection.removeprefix(IMPLICIT_COLLECTION)
            org = self.judge.application_org(msp_id)
            if org is None:
                raise _Unmet(f"{where} is that of org {msp_id}, which is no application org of the channel")
            path = ("Channel", "Application", org, "Endorsement")
            if _policy_at(self.judge.config, path) is not None:
                return policy_pb2.ApplicationPolicy(channel_config_policy_reference="/" + "/".join(path)), where
            return policy_pb2.ApplicationPolicy(signature_policy=_members_of([msp_id], 1)), where
        if self.namespace == LIFECYCLE:
            return None, where
        package = self._definition_field("Collections", collection_pb2.CollectionConfigPackage)
        for config in package.config:
            static = config.static_collection_config
            if static.name == collection:
                endorsement = static.endorsement_policy
                if static.HasField("endorsement_policy") and endorsement.ByteSize():
                    return endorsement, where
                return None, where
        raise _Unmet(f"chaincode {self.namespace}'s definition has no collection {collection}, and Fabric fails a "
                     "write to a collection it does not define")

    def _majority_of_members(self) -> policies_pb2.SignaturePolicyEnvelope:
        msp_ids = application_msp_ids(self.judge.config)
        return _members_of(msp_ids, len(msp_ids) // 2 + 1)

    def _evaluate(self, where: str, *, application: policy_pb2.ApplicationPolicy | None = None,
                  envelope: policies_pb2.SignaturePolicyEnvelope | None = None) -> None:
        """Whether the signers meet the policy (a signature policy ``envelope``, or an ``application`` policy:
        a signature policy or a channel policy's path), a failure naming ``where`` and what was missing."""
        if application is not None:
            if application.HasField("signature_policy"):
                envelope = application.signature_policy
            elif application.channel_config_policy_reference:
                reference = application.channel_config_policy_reference
                path = channel_policy_path(reference)
                if path is None:
                    self.failures.append(f"{where} names channel policy {reference!r}, which the peer's channel policy "
                                         "manager resolves to no policy (an absolute path starts /Channel/, a "
                                         "relative one is read under /Channel), so no endorsement meets it")
                    return
                self._verdict(where, self.signers.check(path))
                return
            else:
                self.failures.append(f"{where} holds no policy, which no endorsement meets")
                return
        others = _principal_kinds_not_evaluated(envelope)
        if others:
            # Fabric's MSP evaluates them (an identity's exact certificate, an OU, any identity at all); taken as met
            # by nobody here, they made a transaction Fabric passed read as one its flags let through unmet
            self.untold.append(f"{where} names principals of a kind this check does not evaluate ({others}), so "
                               "whether the endorsements meet it cannot be told")
            return
        self._verdict(where, self.signers.signature_check(where, envelope))

    def _verdict(self, where: str, check: PolicyCheck) -> None:
        if check.satisfied:
            return
        counted = ", ".join(f"{s.msp_id} {s.subject}" for s in self.signers.signed) or "no endorsement Fabric counts"
        refused = [f"{s.msp_id} {s.subject}: {why}" for s, why in self.signers.refused] + self.signers.unread
        named = f"; counted for nothing: {'; '.join(refused)}" if refused else ""
        described = check.describe()
        if not described.startswith(where):
            described = f"{where}, {described}"
        self.failures.append(f"{described} (endorsed by {counted}{named})")


class _Unmet(Exception):
    """A policy no endorsement can meet as the state holds it, the message saying why."""


_NOT_TOLD = object()
"""What :meth:`_Namespace._told` gives for what it could not find, having noted why."""


def _principal_kinds_not_evaluated(envelope: policies_pb2.SignaturePolicyEnvelope) -> str:
    """The kinds of principal of ``envelope`` other than ROLE ('MSPID.role'), the one kind the checks evaluate,
    named and joined; "" where it has none."""
    kinds = {p.principal_classification for p in envelope.identities
             if p.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE}
    return ", ".join(sorted(msp_principal_pb2.MSPPrincipal.Classification.Name(kind)
                            if kind in msp_principal_pb2.MSPPrincipal.Classification.values() else f"kind {kind}"
                            for kind in kinds))


def channel_policy_path(reference: str) -> tuple[str, ...] | None:
    """The config path of the policy a chaincode's ``channel_config_policy_reference`` names, as the peer's channel
    policy manager finds it (common/policies ManagerImpl.GetPolicy): an absolute reference from ``/Channel/`` on, a
    relative one under ``/Channel`` (``Application/Endorsement`` is ``/Channel/Application/Endorsement``); None where
    it names none (another root, an empty part), which Fabric evaluates as a policy nobody meets."""
    root = "/" + config_policies.ROOT + "/"
    if reference.startswith("/"):
        if not reference.startswith(root):
            return None
        reference = reference[len(root):]
    parts = reference.split("/")
    if "" in parts:
        return None
    return (config_policies.ROOT, *parts)


def _policy_at(config: configtx_pb2.Config, path: tuple[str, ...]) -> configtx_pb2.ConfigPolicy | None:
    group = config_policies.group_at(config, path[:-1])
    return None if group is None or path[-1] not in group.policies else group.policies[path[-1]]


def _members_of(msp_ids: list[str], n: int) -> policies_pb2.SignaturePolicyEnvelope:
    """``n`` out of a member of each of ``msp_ids``, as Fabric's policydsl writes it."""
    return policies_pb2.SignaturePolicyEnvelope(
        rule=policies_pb2.SignaturePolicy(n_out_of=policies_pb2.SignaturePolicy.NOutOf(
            n=n, rules=[policies_pb2.SignaturePolicy(signed_by=i) for i in range(len(msp_ids))])),
        identities=[msp_principal_pb2.MSPPrincipal(
            principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
            principal=msp_principal_pb2.MSPRole(msp_identifier=msp_id,
                                                role=msp_principal_pb2.MSPRole.MEMBER).SerializeToString())
            for msp_id in msp_ids])


def _key_named(namespace: str, collection: str, key: str | bytes) -> str:
    if collection:
        shown = key.hex()[:16] if isinstance(key, bytes) else repr(key)
        return f"private key {shown} of collection {collection} of chaincode {namespace}"
    return f"key {key!r} of chaincode {namespace}"


def _code_names(codes: list[int | str | None]) -> str:
    names = []
    for code in codes:
        if code is None:
            names.append("with no code")
        elif isinstance(code, str):
            names.append(code)
        else:
            try:
                names.append(transaction_pb2.TxValidationCode.Name(code))
            except ValueError:
                names.append(f"code {code}")
    return " and ".join(dict.fromkeys(names))
