"""A chaincode definition whose endorsement policy is a channel policy's path is held to the policy Fabric's channel
policy manager finds at that path: an absolute path from /Channel/ on, a relative one read under /Channel, and
anything else to no policy (which no endorsement meets)."""
import pytest
from fabric_protos.peer import policy_pb2

from client.ledger.endorsement_policy import channel_policy_path
from tests.unit.bench.test_ledger_check_endorsements import (BANK, CLAIM, ORGS, R1, SUPPLIER, committed, endorsed,
                                                             judged, peers, the_chain, with_endorsement_policies)
from tests.unit.receivables_client.audit_ledger import config_block


def _judged_under(reference: str):
    """A transaction endorsed by two of the three orgs' peers (a majority: /Channel/Application/Endorsement met),
    judged under a definition whose policy is ``reference``."""
    policy = policy_pb2.ApplicationPolicy(channel_config_policy_reference=reference)
    return judged(the_chain(committed(endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK))), policy=policy,
                            genesis=with_endorsement_policies(config_block(ORGS))))


@pytest.mark.parametrize("reference", ["/Channel/Application/Endorsement", "Application/Endorsement"],
                         ids=["absolute", "relative"])
def test_a_reference_the_peer_finds_is_held_to_that_policy(reference):
    assert _judged_under(reference) == ([], [])


@pytest.mark.parametrize("reference, said", [
    ("Channel/Application/Endorsement", "/Channel/Channel/Application/Endorsement is no policy of the channel config"),
    ("/Channel//Application/Endorsement", "names channel policy '/Channel//Application/Endorsement', which the "
                                          "peer's channel policy manager resolves to no policy"),
    ("/Orderer/Endorsement", "names channel policy '/Orderer/Endorsement', which the peer's channel policy manager "
                             "resolves to no policy"),
], ids=["relative naming the root", "empty part", "another root"])
def test_a_reference_the_peer_finds_no_policy_at_is_met_by_nobody(reference, said):
    failures, untold = _judged_under(reference)
    assert untold == []
    assert len(failures) == 1
    assert "chaincode receivables's endorsement policy" in failures[0] and said in failures[0]


def test_the_path_of_each_reference():
    assert channel_policy_path("/Channel/Application/Endorsement") == ("Channel", "Application", "Endorsement")
    assert channel_policy_path("Application/Org1/Endorsement") == ("Channel", "Application", "Org1", "Endorsement")
    assert channel_policy_path("/ChannelX/Endorsement") is None
    assert channel_policy_path("/Channel") is None
