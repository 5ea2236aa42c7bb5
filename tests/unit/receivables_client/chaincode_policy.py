"""The receivables chaincode's committed definition with the endorsement policy ``recfin chaincode deploy`` commits:
the topology's, any two of the channel's orgs' peers, by default; an operator's ``--signature-policy``; or, with
``--channel-policy``, a reference to the channel's Endorsement policy (MAJORITY of its orgs), which the definition does
not spell out. Fabric checks a transaction against it for the keys it writes that carry no key-level policy."""

from __future__ import annotations

from fabric_protos.peer import policy_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import NetworkConfig
from client.ledger.lifecycle import EndorsementRule, chaincode_endorsement
from network.org_definition import signature_policy

from ..ledger_contract import Channel

CHANNEL_ENDORSEMENT = "/Channel/Application/Endorsement"
"""``--channel-policy``: the definition names the channel's Endorsement policy."""


def any_two_peers(config: NetworkConfig) -> str:
    """The topology's policy: any two of the configuration's orgs' peers (``network.contract_config``)."""
    return endorsement_policy(config, principal="peer")


def deployed(definition: lifecycle_pb2.QueryChaincodeDefinitionResult, policy: str
             ) -> lifecycle_pb2.QueryChaincodeDefinitionResult:
    """A copy of ``definition`` whose endorsement policy is ``policy``: a signature policy in Fabric's language, or a
    channel policy's path (``/Channel/...``)."""
    application = (policy_pb2.ApplicationPolicy(channel_config_policy_reference=policy) if policy.startswith("/")
                   else policy_pb2.ApplicationPolicy(signature_policy=signature_policy(policy)))
    committed = lifecycle_pb2.QueryChaincodeDefinitionResult()
    committed.CopyFrom(definition)
    committed.validation_parameter = application.SerializeToString()
    return committed


def deploy_on(channel: Channel, policy: str | None = None) -> EndorsementRule | None:
    """``channel``'s chaincode committed with ``policy`` (default: the topology's); its rule as peers meet it (None
    for a channel policy)."""
    channel.lifecycle.definition = deployed(channel.lifecycle.definition, policy or any_two_peers(channel.config))
    return chaincode_endorsement(channel.lifecycle.definition).rule
