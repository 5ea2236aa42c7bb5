"""What a policy check counts and reports as Fabric evaluates the policy: an ImplicitMeta policy over no
child group met with no signature at all."""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2

from client.ledger import config_policies
from network.org_definition import policy_from

from .channel_fixtures import channel_config


@pytest.fixture
def current(topology, data_root) -> configtx_pb2.Config:
    return channel_config(topology, data_root)


@pytest.mark.parametrize("rule", ["ANY", "MAJORITY", "ALL"])
def test_an_implicit_meta_policy_over_no_group_is_met_by_no_signature(current, rule):
    """Fabric takes 0 as the threshold of an ImplicitMeta policy whose group has no child group: met, as the
    ordering service finds it, where it was reported as needing 1 of 0 orgs, missing no one."""
    empty = configtx_pb2.Config()
    empty.CopyFrom(current)
    application = empty.channel_group.groups["Application"]
    for msp_id in list(application.groups):
        del application.groups[msp_id]
    application.policies["Admins"].policy.value = policy_from(
        {"Type": "ImplicitMeta", "Rule": f"{rule} Admins"}).value
    verdict = config_policies.evaluate_signed(empty, ("Channel", "Application", "Admins"), [])
    assert verdict.ok, verdict.describe()
    assert verdict.describe() == (f"/Channel/Application/Admins ({rule} Admins) needs 0 of 0 org admins: "
                                  f"met by no signature, none being needed")
