"""A mod_policy one level above the orgs (an ImplicitMeta over groups that are not orgs, such as /Channel/Admins
over Application and Orderer) names the orgs whose admins are missing, not the groups."""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2

from network.org_change import plan_remove

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
