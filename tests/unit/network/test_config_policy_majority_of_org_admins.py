"""`MAJORITY Admins`, the Application group's mod_policy that adding or removing an org needs, as Fabric's
ImplicitMeta evaluates it (common/policies/implicitmeta.go): more than half of the orgs' Admins policies, n // 2 + 1
of n, for every channel size from one org to seven; an org's member signing for it meets nothing of it."""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2

from client.ledger.config_policies import RoleHolders
from network.org_definition import config_policy


def channel_of(orgs: list[str]) -> configtx_pb2.Config:
    """A channel config whose Application group holds these orgs, each with its Admins policy OR('<org>.admin'),
    under the group's own `MAJORITY Admins`."""
    config = configtx_pb2.Config()
    application = config.channel_group.groups["Application"]
    application.mod_policy = "Admins"
    application.policies["Admins"].CopyFrom(config_policy({"Type": "ImplicitMeta", "Rule": "MAJORITY Admins"}))
    for msp_id in orgs:
        application.groups[msp_id].values["MSP"].value = b"an org's MSP"
        application.groups[msp_id].policies["Admins"].CopyFrom(
            config_policy({"Type": "Signature", "Rule": f"OR('{msp_id}.admin')"}))
    return config


class Signed(RoleHolders):
    """Signatures of (MSP ID, role) identities, judged in the config's policies."""

    def __init__(self, config: configtx_pb2.Config, identities: list[tuple[str, str]]):
        super().__init__(identities)
        self.config = config


CASES = [(orgs, signing) for orgs in range(1, 8) for signing in range(orgs + 1)]


@pytest.mark.parametrize("orgs, signing", CASES)
def test_majority_admins_needs_more_than_half_of_the_orgs_admins(orgs, signing):
    msp_ids = [f"Org{n}MSP" for n in range(1, orgs + 1)]
    check = Signed(channel_of(msp_ids), [(m, "admin") for m in msp_ids[:signing]]).check(
        ("Channel", "Application", "Admins"))
    assert check.needed == orgs // 2 + 1
    assert check.satisfied == (2 * signing > orgs)
    assert check.missing == msp_ids[signing:]
    assert check.describe().startswith(f"/Channel/Application/Admins (MAJORITY Admins) needs {orgs // 2 + 1} of "
                                       f"{orgs} org admins")


@pytest.mark.parametrize("orgs", range(1, 8))
def test_members_that_are_no_admins_meet_none_of_it(orgs):
    msp_ids = [f"Org{n}MSP" for n in range(1, orgs + 1)]
    members = [(m, role) for m in msp_ids for role in ("member", "client", "peer")]
    check = Signed(channel_of(msp_ids), members).check(("Channel", "Application", "Admins"))
    assert not check.satisfied and check.met == [] and check.missing == msp_ids
