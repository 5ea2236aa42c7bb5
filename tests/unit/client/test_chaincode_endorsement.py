"""A committed chaincode definition's endorsement policy (``client.ledger.lifecycle.chaincode_endorsement``): its
validation parameter, an ApplicationPolicy, read as a signature policy endorsing peers meet, or as the channel policy
it names instead."""
from __future__ import annotations

import pytest
from fabric_protos.peer import policy_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from client.ledger.lifecycle import ChaincodeEndorsement, chaincode_endorsement, collection_orgs
from client.ledger.qscc import LedgerReadError
from network.org_definition import signature_policy


def definition(application: policy_pb2.ApplicationPolicy | None) -> lifecycle_pb2.QueryChaincodeDefinitionResult:
    """A committed definition whose validation parameter is ``application`` (None: empty)."""
    return lifecycle_pb2.QueryChaincodeDefinitionResult(
        sequence=1, version="1.0", validation_plugin="vscc",
        validation_parameter=b"" if application is None else application.SerializeToString())


def signed(policy: str) -> lifecycle_pb2.QueryChaincodeDefinitionResult:
    return definition(policy_pb2.ApplicationPolicy(signature_policy=signature_policy(policy)))


def test_the_topologys_any_two_orgs_is_met_by_the_peers_of_two_orgs_it_names_and_no_fewer():
    rule = chaincode_endorsement(signed("OutOf(2, 'AMSP.peer', 'BMSP.peer', 'CMSP.peer')")).rule
    assert rule.met_by(["AMSP", "CMSP"]) and rule.met_by(["BMSP", "AMSP", "CMSP"])
    assert not rule.met_by(["AMSP"]) and not rule.met_by(["AMSP", "AMSP"])     # one peer of an org counts once
    assert not rule.met_by(["AMSP", "XMSP"])                                   # an org it does not name meets none
    assert chaincode_endorsement(signed("OutOf(2, 'AMSP.peer', 'BMSP.peer')")).channel_policy is None


def test_the_fewest_orgs_added_meet_a_policy_asking_more_than_the_ones_named():
    rule = chaincode_endorsement(signed("OutOf(3, 'AMSP.peer', 'BMSP.peer', 'CMSP.peer', 'DMSP.peer')")).rule
    assert rule.fewest_added(["AMSP", "RMSP"], ["DMSP", "CMSP", "BMSP", "RMSP"]) == ["BMSP", "CMSP"]
    assert rule.fewest_added(["AMSP", "BMSP"], ["DMSP", "CMSP"]) == ["CMSP"]
    assert rule.fewest_added(["AMSP"], ["BMSP"]) is None                      # the channel has too few of its orgs


def test_an_admin_or_client_principal_is_met_by_no_peer():
    rule = chaincode_endorsement(signed("OR('AMSP.admin', 'BMSP.client', 'CMSP.member')")).rule
    assert rule.peer_orgs == [None, None, "CMSP"]
    assert not rule.met_by(["AMSP", "BMSP"]) and rule.met_by(["CMSP"])


@pytest.mark.parametrize("reference", ["/Channel/Application/Endorsement", "/Channel/Application/Writers"])
def test_a_channel_policy_reference_is_told_by_its_path_with_no_rule(reference):
    """``--channel-policy``: MAJORITY Endorsement by default, whose orgs the definition does not spell out."""
    answer = chaincode_endorsement(definition(policy_pb2.ApplicationPolicy(channel_config_policy_reference=reference)))
    assert answer == ChaincodeEndorsement(rule=None, channel_policy=reference, unreadable=(
        f"the chaincode's endorsement policy is the channel's {reference}, whose orgs its committed definition does "
        "not tell"))


def test_a_definition_holding_no_policy_tells_nothing():
    assert chaincode_endorsement(definition(None)) == ChaincodeEndorsement(
        rule=None, channel_policy=None, unreadable="the chaincode's committed definition holds no endorsement policy")


@pytest.mark.parametrize("plugin", ["", "vscc"])
def test_fabrics_default_validation_reads_the_parameter_as_an_application_policy(plugin):
    committed = signed("OutOf(2, 'AMSP.peer', 'BMSP.peer')")
    committed.validation_plugin = plugin
    assert chaincode_endorsement(committed).rule.met_by(["AMSP", "BMSP"])


def test_a_validation_plugin_of_the_operators_is_told_with_no_rule_whatever_its_parameter_holds():
    """A custom plugin reads its validation parameter as it likes: a signature policy there need not be what it
    checks, so no orgs are told from it."""
    committed = signed("OutOf(2, 'AMSP.peer', 'BMSP.peer')")
    committed.validation_plugin = "escc-quorum"
    assert chaincode_endorsement(committed) == ChaincodeEndorsement(
        rule=None, channel_policy=None, unreadable="the chaincode's committed definition names validation plugin "
                                                   "escc-quorum, whose policy the SDK cannot read")


def test_a_rule_is_spelled_as_the_peers_that_meet_it():
    rule = chaincode_endorsement(signed("OutOf(2, 'AMSP.peer', AND('BMSP.member', 'CMSP.admin'), "
                                        "OR('DMSP.peer'))")).rule
    assert rule.spelled() == "OutOf(2, 'AMSP.peer', AND('BMSP.peer', '<no peer>'), OR('DMSP.peer'))"


def test_a_validation_parameter_or_principal_that_does_not_decode_is_a_ledger_read_error():
    broken = lifecycle_pb2.QueryChaincodeDefinitionResult(validation_parameter=b"\xff\xff\xff")
    with pytest.raises(LedgerReadError, match="the chaincode's endorsement policy"):
        chaincode_endorsement(broken)
    envelope = signature_policy("OR('AMSP.peer')")
    envelope.identities[0].principal = b"\xff\xff"
    with pytest.raises(LedgerReadError, match="an endorser of the chaincode"):
        chaincode_endorsement(definition(policy_pb2.ApplicationPolicy(signature_policy=envelope)))


def test_a_collections_endorsement_rule_is_built_as_the_chaincodes_is():
    """One builder for both: a collection's signature policy meets peers as the chaincode's same policy does."""
    policy = "AND('AMSP.member', OR('RMSP.member', 'PMSP.admin'))"
    committed = signed(policy)
    static = committed.collections.config.add().static_collection_config
    static.name = "terms-AMSP-AMSP"
    static.member_orgs_policy.signature_policy.CopyFrom(signature_policy("OR('AMSP.member', 'RMSP.member')"))
    static.endorsement_policy.signature_policy.CopyFrom(signature_policy(policy))
    assert collection_orgs(committed, "terms-AMSP-AMSP").endorsement == chaincode_endorsement(committed).rule
