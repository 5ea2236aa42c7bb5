"""What a verdict says is missing when the policy a change needs is not a MAJORITY over the orgs: one a level above
them (an ImplicitMeta over groups that are not orgs, such as /Channel/Admins over Application and Orderer) names the
orgs whose admins are missing, not the groups; one no signature can meet (a mod_policy naming no policy) says so,
and no refusal then asks for more signatures."""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2

from network import Network
from network.org_change import plan_remove
from network.org_membership import OrgMembership

from .channel_fixtures import channel_config as build_config

APPLICATION_ORGS = ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]


@pytest.fixture
def channel_admins_rule(topology, data_root) -> configtx_pb2.Config:
    """The channel config with the Application group changed by /Channel/Admins (MAJORITY of the Application and
    Orderer groups' Admins, each MAJORITY of its orgs' admins), as an earlier update may have set it."""
    config = build_config(topology, data_root)
    config.channel_group.groups["Application"].mod_policy = "/Channel/Admins"
    return config


def test_the_orgs_below_an_unmet_group_are_named_missing(topology, data_root, channel_admins_rule):
    change = plan_remove(topology, data_root, channel_admins_rule, "bank", ["supplier"])

    assert not change.verdict.ok
    assert change.verdict.missing == sorted(["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "OrdererMSP"])
    described = change.verdict.describe()
    assert "/Channel/Admins (MAJORITY Admins) needs 2 of 2 groups' admins, has 0" in described
    assert "Application (/Channel/Application/Admins (MAJORITY Admins) needs 3 of 4 org admins" in described
    assert "has 1 (SupplierMSP): missing 2 of BankMSP, CoreEnterpriseMSP, RegulatorMSP)" in described
    assert "Orderer (/Channel/Orderer/Admins (MAJORITY Admins) needs 1 of 1 org admins, has 0: missing 1 of " \
           "OrdererMSP)" in described


def test_a_group_met_below_is_not_named_missing(topology, data_root, channel_admins_rule):
    change = plan_remove(topology, data_root, channel_admins_rule, "bank")

    assert change.verdict.signed_by == APPLICATION_ORGS
    assert change.verdict.missing == ["OrdererMSP"]
    assert "has 1 (Application): missing 1 of Orderer (" in change.verdict.describe()


def test_an_implicit_meta_over_orgs_still_names_the_orgs(topology, data_root):
    change = plan_remove(topology, data_root, build_config(topology, data_root), "bank", ["supplier"])

    assert change.verdict.missing == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP"]
    assert change.verdict.describe() == (
        "/Channel/Application/Admins (MAJORITY Admins) needs 3 of 4 org admins, has 1 (SupplierMSP): "
        "missing 2 of BankMSP, CoreEnterpriseMSP, RegulatorMSP")


@pytest.mark.parametrize("mod_policy, path", [("Admin", "/Channel/Application/Admin"),
                                              ("/Channel/Nope/Admins", "/Channel/Nope/Admins")])
def test_a_mod_policy_naming_no_policy_is_said_to_be_met_by_no_signature(topology, data_root, mod_policy, path):
    config = build_config(topology, data_root)
    config.channel_group.groups["Application"].mod_policy = mod_policy

    change = plan_remove(topology, data_root, config, "bank")

    assert not change.verdict.ok and change.verdict.missing == []
    assert change.verdict.describe() == (
        f"{path} is no policy of the channel config, yet the mod_policy of group /Channel/Application names it: "
        f"no signature can meet it, so the ordering service refuses the change whoever signs")


def test_a_refused_change_no_signature_can_authorise_does_not_ask_for_more_signatures(topology, data_root):
    config = build_config(topology, data_root)
    config.channel_group.groups["Application"].mod_policy = "Admin"
    change = plan_remove(topology, data_root, config, "bank")

    refused = OrgMembership(Network(topology, data_root=data_root)).submission_refusal(change)

    assert refused == ("not submitted: /Channel/Application/Admin is no policy of the channel config, yet the "
                       "mod_policy of group /Channel/Application names it: no signature can meet it, so the ordering "
                       "service refuses the change whoever signs. More signatures do not help: the ordering service "
                       "takes no such change while the channel's config names its policies so")
