"""A collection whose endorsement policy references a channel policy (``--collections-config`` with
``endorsementPolicy: channelConfigPolicy``): Fabric validates a write to it against that channel policy, not the
chaincode's, and the committed definition does not tell that policy's orgs."""
from __future__ import annotations

from types import SimpleNamespace

from fabric_protos.peer import collection_pb2, policy_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from chaincode.receivables.collections import collection_name
from client.ledger.lifecycle import collection_orgs
from client.receivables._operations import _Operations
from network.org_definition import signature_policy

REFERENCE = "/Channel/Application/Endorsement"


def _definition(endorsement: policy_pb2.ApplicationPolicy | None) -> lifecycle_pb2.QueryChaincodeDefinitionResult:
    """A definition whose chaincode policy AMSP's peer meets alone, with AMSP's terms collection (members AMSP and
    two regulator orgs) endorsed as ``endorsement`` says (None: no policy of its own)."""
    definition = lifecycle_pb2.QueryChaincodeDefinitionResult(validation_parameter=policy_pb2.ApplicationPolicy(
        signature_policy=signature_policy("OR('AMSP.peer', 'BMSP.peer')")).SerializeToString())
    static = definition.collections.config.add().static_collection_config
    static.CopyFrom(collection_pb2.StaticCollectionConfig(
        name=collection_name("AMSP", "AMSP"), member_orgs_policy=collection_pb2.CollectionPolicyConfig(
            signature_policy=signature_policy("OR('AMSP.member', 'RegAMSP.member', 'RegBMSP.member')"))))
    if endorsement is not None:
        static.endorsement_policy.CopyFrom(endorsement)
    return definition


def test_a_collections_channel_policy_is_named_not_read_as_none():
    orgs = collection_orgs(_definition(policy_pb2.ApplicationPolicy(channel_config_policy_reference=REFERENCE)),
                           collection_name("AMSP", "AMSP"))
    assert (orgs.endorsers, orgs.endorsement, orgs.channel_policy) == (None, None, REFERENCE)
    assert collection_orgs(_definition(None), collection_name("AMSP", "AMSP")).channel_policy is None


def test_the_terms_of_a_collection_with_a_channel_policy_go_to_another_member_not_by_the_chaincodes_rule():
    # the chaincode's OR is met by AMSP alone, which the collection's MAJORITY of the channel's orgs is not: the
    # terms then go to the first other member, as where the chaincode's own policy is a channel policy
    fake = SimpleNamespace(contract=SimpleNamespace(chaincode_name="receivables"))
    channel = _definition(policy_pb2.ApplicationPolicy(channel_config_policy_reference=REFERENCE))
    assert _Operations._terms_orgs_in(fake, channel, "AMSP", ["AMSP"]) == (["AMSP", "RegAMSP"], "")
    assert _Operations._terms_orgs_in(fake, _definition(None), "AMSP", ["AMSP"]) == (["AMSP"], "")
