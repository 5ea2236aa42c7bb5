"""The lifecycle system chaincode (``_lifecycle``): a chaincode's definition as the channel committed it, asked
through the Gateway of a peer of the caller's own org, as :mod:`.qscc` asks (:func:`.qscc.ask_own_org`).

The definition holds the chaincode's private data collections and who may hold each (its member orgs policy),
which no answer of the chaincode itself tells. ``lifecycle`` is the Gateway Contract of chaincode ``_lifecycle``
on the channel's Network (``network.get_contract("_lifecycle")``); Fabric's default ACL for
``QueryChaincodeDefinition`` is the channel's Writers policy (``/Channel/Application/Writers``), which a client or
an admin of an application org meets (the network's configtx: OR of each org's admin and client), not a peer.
"""
from __future__ import annotations

from typing import NamedTuple

from fabric_protos.common import policies_pb2
from fabric_protos.msp import identities_pb2, msp_principal_pb2
from fabric_protos.peer import collection_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from ..gateway._twins import Steps, awaiting, blocking
from .qscc import ask_own_org, decoded

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
    arguments = lifecycle_pb2.QueryChaincodeDefinitionArgs(name=chaincode).SerializeToString()
    return decoded(lifecycle_pb2.QueryChaincodeDefinitionResult,
                   (yield ask_own_org(lifecycle, msp_id, "QueryChaincodeDefinition", arguments)),
                   f"the committed definition of chaincode {chaincode}")


chaincode_definition = blocking(chaincode_definition_steps)
chaincode_definition.__name__ = chaincode_definition.__qualname__ = "chaincode_definition"
chaincode_definition.__doc__ = """The definition of ``chaincode`` the channel committed, as the own org's peer has it
(``peer lifecycle chaincode querycommitted``). ``lifecycle`` of an AsyncNetwork: :func:`chaincode_definition_async`."""
chaincode_definition_async = awaiting(chaincode_definition_steps)


class CollectionOrgs(NamedTuple):
    """The orgs a collection's definition names: ``members``, the MSP IDs its member orgs policy names (who may
    hold its private data), and ``endorsers``, the ones its own endorsement policy's signature policy names (who
    endorses a write to it), each sorted, each once; ``endorsers`` None when the collection sets no signature
    policy of its own (a write to it is then endorsed as the chaincode's policy asks)."""

    members: list[str]
    endorsers: list[str] | None


def collection_orgs(definition: lifecycle_pb2.QueryChaincodeDefinitionResult, collection: str
                    ) -> CollectionOrgs | None:
    """The orgs ``collection`` names in ``definition`` (:class:`CollectionOrgs`); None when the definition has no
    collection of that name. LedgerReadError where a principal does not decode."""
    for config in definition.collections.config:
        static: collection_pb2.StaticCollectionConfig = config.static_collection_config
        if static.name == collection:
            members = _principal_orgs(static.member_orgs_policy.signature_policy, f"a member of {collection}")
            endorsement = static.endorsement_policy
            endorsers = (_principal_orgs(endorsement.signature_policy, f"an endorser of {collection}")
                         if endorsement.HasField("signature_policy") else None)
            return CollectionOrgs(members, endorsers)
    return None


def _principal_orgs(policy: policies_pb2.SignaturePolicyEnvelope, what: str) -> list[str]:
    """The MSP IDs the principals of ``policy`` name, sorted, each once (``what`` names a principal in an error)."""
    orgs = set()
    for principal in policy.identities:
        if principal.principal_classification in _PRINCIPAL_ORG:
            message_type, field = _PRINCIPAL_ORG[principal.principal_classification]
            orgs.add(getattr(decoded(message_type, principal.principal, what), field))
    return sorted(orgs)
