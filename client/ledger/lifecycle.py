"""The lifecycle system chaincode (``_lifecycle``): a chaincode's definition as the channel committed it, asked
through the Gateway of a peer of the caller's own org, as :mod:`.qscc` asks (:func:`.qscc.ask_own_org`).

The definition holds the chaincode's endorsement policy, its private data collections and who may hold each (its
member orgs policy), which no answer of the chaincode itself tells. ``lifecycle`` is the Gateway Contract of
chaincode ``_lifecycle`` on the channel's Network (``network.get_contract("_lifecycle")``); Fabric's default ACL for
``QueryChaincodeDefinition`` is the channel's Writers policy (``/Channel/Application/Writers``), which a client or
an admin of an application org meets (the network's configtx: OR of each org's admin and client), not a peer.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import NamedTuple

from fabric_protos.common import policies_pb2
from fabric_protos.msp import identities_pb2, msp_principal_pb2
from fabric_protos.peer import collection_pb2, policy_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from ..gateway._proposal import CHAINCODE_NAME, check_name
from ..gateway._twins import Steps, awaiting, blocking
from . import signature_policy
from .qscc import ask_own_org, decoded, not_on_ledger

LIFECYCLE = "_lifecycle"

_PRINCIPAL_ORG = {
    msp_principal_pb2.MSPPrincipal.ROLE: (msp_principal_pb2.MSPRole, "msp_identifier"),
    msp_principal_pb2.MSPPrincipal.ORGANIZATION_UNIT: (msp_principal_pb2.OrganizationUnit, "msp_identifier"),
    msp_principal_pb2.MSPPrincipal.IDENTITY: (identities_pb2.SerializedIdentity, "mspid"),
}
"""Where a principal names its org, by its classification, as Fabric reads a collection's member orgs (privdata
``SimpleCollection.Setup``); an anonymity or combined principal names none (Fabric refuses such a member)."""


def chaincode_definition_steps(lifecycle, msp_id: str, chaincode: str
                               ) -> Steps[lifecycle_pb2.QueryChaincodeDefinitionResult]:
    """The steps of :func:`chaincode_definition`, for a body that runs sync or async (``client.gateway._twins``)."""
    check_name(chaincode, "chaincode", CHAINCODE_NAME)
    arguments = lifecycle_pb2.QueryChaincodeDefinitionArgs(name=chaincode).SerializeToString()
    # the channel is the Contract's (a Gateway Contract of ``_lifecycle`` is of one channel), named in the error
    with not_on_ledger(msp_id, getattr(lifecycle, "channel", None), chaincode=chaincode):
        answer = yield ask_own_org(lifecycle, msp_id, "QueryChaincodeDefinition", arguments)
    return decoded(lifecycle_pb2.QueryChaincodeDefinitionResult, answer,
                   f"the committed definition of chaincode {chaincode}")


chaincode_definition = blocking(chaincode_definition_steps)
chaincode_definition.__name__ = chaincode_definition.__qualname__ = "chaincode_definition"
chaincode_definition.__doc__ = """The definition of ``chaincode`` the channel committed, as the own org's peer has it
(``peer lifecycle chaincode querycommitted``); :class:`~.qscc.NoSuchChaincodeError` (an EvaluateError) where the peer
answers that the channel defines no chaincode of that name, the GatewayError of a query refused otherwise or never
answered as it was raised. ``lifecycle`` of an AsyncNetwork: :func:`chaincode_definition_async`."""
chaincode_definition_async = awaiting(chaincode_definition_steps)


class EndorsementRule(NamedTuple):
    """An endorsement signature policy (a collection's, or the chaincode's) as endorsing peers meet it: ``rule``, its
    n-out-of tree over signed-by leaves, and ``peer_orgs``, for each principal a leaf indexes, the MSP ID whose peer's
    endorsement satisfies it, None where no peer's does. A peer's endorsement is signed by the peer's identity, which
    meets a ROLE principal of its own org whose role is MEMBER or PEER, never ADMIN, CLIENT or ORDERER (Fabric's MSP
    ``SatisfiesPrincipal``); an organization unit or identity principal depends on the peer's certificate, which
    the definition does not tell, so it is taken as met by none."""

    rule: policies_pb2.SignaturePolicy
    peer_orgs: list[str | None]

    def met_by(self, orgs: Iterable[str]) -> bool:
        """Whether one endorsing peer of each of ``orgs`` (the Gateway asks one peer of each org it is given) meets
        the rule as Fabric's validation evaluates it (:mod:`.signature_policy`): each endorsement counts for one leaf
        at most, and an n-out-of tries every part in turn, a part met keeping the endorsements it used, so a part met
        by more than it needs can leave a later one short. A part Fabric refuses to compile, which no committed
        definition holds, is met by none (:func:`.signature_policy.evaluate`)."""
        endorsing = list(dict.fromkeys(orgs))      # one peer of each org: an org named twice endorses once
        return signature_policy.evaluate(
            self.rule, principals=len(self.peer_orgs), signers=len(endorsing),
            meets=lambda signer, principal: endorsing[signer] == self.peer_orgs[principal]).met

    def spelled(self) -> str:
        """The rule in Fabric's policy language as endorsing peers meet it, for a message: each leaf as the peer of
        the org it names (``'CoreMSP.peer'``: a member or peer principal of that org), or ``'<no peer>'`` where no
        peer's endorsement meets it (an admin, client, unit or identity principal)."""
        def leaf(index: int) -> str:
            org = self.peer_orgs[index] if 0 <= index < len(self.peer_orgs) else None
            return f"'{org}.peer'" if org else "'<no peer>'"

        return signature_policy.spelled(self.rule, leaf)

    def fewest_added(self, endorsing: list[str], candidates: Iterable[str]) -> list[str] | None:
        """The fewest of ``candidates`` whose peers, with those of ``endorsing``, meet the rule, in name order; of
        sets equally few, the first in name order ([] where ``endorsing`` meets it alone). None where no set does.
        Only an org a leaf names is tried: another's endorsement meets no leaf, so it can only add a peer."""
        named = set(filter(None, self.peer_orgs))
        pool = sorted((set(candidates) & named) - set(endorsing))
        for size in range(len(pool) + 1):
            for added in itertools.combinations(pool, size):   # in name order, as ``pool`` is
                if self.met_by([*endorsing, *added]):
                    return list(added)
        return None


class CollectionOrgs(NamedTuple):
    """The orgs a collection's definition names: ``members``, the MSP IDs its member orgs policy names (who may
    hold its private data), and ``endorsers``, the ones its own endorsement policy's signature policy names (who
    endorses a write to it), each sorted, each once; ``endorsement``, that signature policy as peers meet it
    (:class:`EndorsementRule`). ``endorsers`` and ``endorsement`` None when the collection sets no signature
    policy of its own: ``channel_policy`` then names the channel policy its endorsement policy references, which
    Fabric validates a write to it against and whose orgs the definition does not tell (as
    :class:`ChaincodeEndorsement` names one), and where that is None too, it sets no endorsement policy at all
    (a write to it is then endorsed as the chaincode's policy asks)."""

    members: list[str]
    endorsers: list[str] | None
    endorsement: EndorsementRule | None
    channel_policy: str | None = None


def collection_orgs(definition: lifecycle_pb2.QueryChaincodeDefinitionResult, collection: str
                    ) -> CollectionOrgs | None:
    """The orgs ``collection`` names in ``definition`` (:class:`CollectionOrgs`); None when the definition has no
    collection of that name. LedgerReadError where a principal does not decode."""
    for config in definition.collections.config:
        static: collection_pb2.StaticCollectionConfig = config.static_collection_config
        if static.name == collection:
            members = _principal_orgs(static.member_orgs_policy.signature_policy, f"a member of {collection}")
            endorsement = static.endorsement_policy
            if not endorsement.HasField("signature_policy"):
                return CollectionOrgs(members, None, None, endorsement.channel_config_policy_reference or None)
            policy, endorser = endorsement.signature_policy, f"an endorser of {collection}"
            return CollectionOrgs(members, _principal_orgs(policy, endorser), _endorsement_rule(policy, endorser))
    return None


class ChaincodeEndorsement(NamedTuple):
    """A committed definition's endorsement policy (its ``validation_parameter``, an ApplicationPolicy), which
    Fabric's validation checks a transaction against for the keys it writes that carry no key-level policy of their
    own: ``rule``, a signature policy as endorsing peers meet it (:class:`EndorsementRule`), or ``channel_policy``,
    the channel policy it names instead (``peer lifecycle ... --channel-config-policy``, or no policy given:
    ``/Channel/Application/Endorsement``), whose orgs the definition does not tell. ``rule`` None where the orgs that
    meet the policy cannot be told from the definition, and ``unreadable`` then says why: it names a channel policy; it
    holds no policy, which Fabric never commits (an approval without a policy is given the channel's Endorsement
    policy); or it names a validation plugin other than Fabric's default, which may read its validation parameter
    as it likes."""

    rule: EndorsementRule | None
    channel_policy: str | None
    unreadable: str = ""


DEFAULT_VALIDATION = ("", "vscc")
"""The validation plugin names of Fabric's default validation, which checks a transaction against the validation
parameter as an ApplicationPolicy (``vscc``, or none given, which the peer takes as ``vscc``)."""


def chaincode_endorsement(definition: lifecycle_pb2.QueryChaincodeDefinitionResult) -> ChaincodeEndorsement:
    """The endorsement policy ``definition`` commits (:class:`ChaincodeEndorsement`). LedgerReadError where its
    validation parameter, or a principal of its signature policy, does not decode."""
    plugin = definition.validation_plugin
    if plugin not in DEFAULT_VALIDATION:
        return ChaincodeEndorsement(None, None, f"the chaincode's committed definition names validation plugin "
                                                f"{plugin}, whose policy the SDK cannot read")
    policy = decoded(policy_pb2.ApplicationPolicy, definition.validation_parameter,
                     "the chaincode's endorsement policy (its definition's validation parameter)")
    if policy.HasField("signature_policy"):
        return ChaincodeEndorsement(_endorsement_rule(policy.signature_policy, "an endorser of the chaincode"), None)
    reference = policy.channel_config_policy_reference
    if reference:
        return ChaincodeEndorsement(None, reference, f"the chaincode's endorsement policy is the channel's "
                                                     f"{reference}, whose orgs its committed definition does not tell")
    return ChaincodeEndorsement(None, None, "the chaincode's committed definition holds no endorsement policy")


def _endorsement_rule(policy: policies_pb2.SignaturePolicyEnvelope, what: str) -> EndorsementRule:
    """``policy`` as endorsing peers meet it (``what`` names a principal in an error)."""
    return EndorsementRule(policy.rule, [_peer_org(principal, what) for principal in policy.identities])


_PEER_ROLES = (msp_principal_pb2.MSPRole.MEMBER, msp_principal_pb2.MSPRole.PEER)
"""The roles of a ROLE principal a peer's own identity meets (:class:`EndorsementRule`)."""


def _peer_org(principal: msp_principal_pb2.MSPPrincipal, what: str) -> str | None:
    """The MSP ID whose peer's endorsement meets ``principal``; None where no peer's does (:class:`EndorsementRule`)."""
    if principal.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
        return None
    role = decoded(msp_principal_pb2.MSPRole, principal.principal, what)
    return role.msp_identifier if role.role in _PEER_ROLES else None


def _principal_orgs(policy: policies_pb2.SignaturePolicyEnvelope, what: str) -> list[str]:
    """The MSP IDs the principals of ``policy`` name, sorted, each once (``what`` names a principal in an error)."""
    orgs = set()
    for principal in policy.identities:
        if principal.principal_classification in _PRINCIPAL_ORG:
            message_type, field = _PRINCIPAL_ORG[principal.principal_classification]
            orgs.add(getattr(decoded(message_type, principal.principal, what), field))
    return sorted(orgs)
