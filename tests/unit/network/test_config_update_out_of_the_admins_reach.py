"""A config update whose policy no signatures of the channel's admins can meet is refused before anything is sent.

The policy an org's addition needs (the Application group's mod_policy) may, as an earlier update set it, name the
admin of an org the channel does not have, or more admins than the channel's orgs have between them. Its verdict
then named that org "missing", `--update-out` wrote the file for the admins to sign, `org sign` signed it, and
`org add` asked for more signatures (--sign-as): none could ever let it through. Now the verdict says the policy
stays unmet even with every org of the channel's admin signing, the file is not written, nothing is signed, and
`org add` says more signatures do not help. A policy that needs several admins of one org stays signable, as an
org may have any number of admins."""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2, policies_pb2

from network.org_admins import PolicyNotSatisfiedError
from network.org_definition import signature_policy

from .channel_fixtures import channel_config as channel_config_of
from .scripted_channel import ScriptedChannel, host
from .test_org_file_elsewhere import CODE

EVERY_ADMIN = ["bank", "coreenterprise", "regulator", "supplier"]
CHANNEL_ORGS = "BankMSP, CoreEnterpriseMSP, OrdererMSP, RegulatorMSP, SupplierMSP"
UNMET = ("/Channel/Application/Admins stays unmet even signed by the admin of every org of the channel that can sign "
         f"({CHANNEL_ORGS}): /Channel/Application/Admins (AND('BankMSP.admin', 'SupplierMSP.admin', "
         "'GoneMSP.admin')) needs 3 of 3 principals, has 2 (BankMSP.admin, SupplierMSP.admin): missing 1 of "
         "GoneMSP.admin")


def with_application_admins(config: configtx_pb2.Config, policy: str) -> configtx_pb2.Config:
    """config with the policy that authorises changes of the Application group's orgs set to ``policy``."""
    application = config.channel_group.groups["Application"]
    application.policies[application.mod_policy].policy.CopyFrom(policies_pb2.Policy(
        type=policies_pb2.Policy.SIGNATURE, value=signature_policy(policy).SerializeToString()))
    return config


@pytest.fixture
def out_of_reach(topology, data_root) -> ScriptedChannel:
    """A channel whose Application admins policy names the admin of GoneMSP, an org it does not have."""
    return ScriptedChannel(topology, with_application_admins(
        channel_config_of(topology, data_root), "AND('BankMSP.admin', 'SupplierMSP.admin', 'GoneMSP.admin')"))


def test_the_verdict_says_no_admin_of_the_channel_can_meet_it(fake_fabric, topology, data_root, out_of_reach):
    change = host(topology, data_root, out_of_reach).plan_add("bank2", "bank", CODE, sign_as=EVERY_ADMIN)
    assert not change.verdict.ok and not change.verdict.signable
    assert change.verdict.describe().endswith(UNMET)


def test_org_add_does_not_ask_for_more_signatures(fake_fabric, topology, data_root, out_of_reach):
    members = host(topology, data_root, out_of_reach)
    change = members.plan_add("bank2", "bank", CODE, sign_as=EVERY_ADMIN)
    refused = members.submission_refusal(change)
    assert refused.startswith("not submitted: ") and UNMET in refused
    assert refused.endswith("More signatures do not help: the ordering service takes no such change while the "
                            "channel's config names its policies so")
    assert "--sign-as" not in refused


def test_the_update_is_not_written_for_the_admins_to_sign(fake_fabric, topology, data_root, out_of_reach,
                                                          tmp_path):
    members = host(topology, data_root, out_of_reach)
    change = members.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    path = tmp_path / "bank2.tx"
    with pytest.raises(PolicyNotSatisfiedError, match=rf"{UNMET.replace('(', '[(]').replace(')', '[)]')}\. More "
                                                      r"signatures do not help: .*: not written$"):
        members.write_update(change, path)
    assert not path.exists()


def test_a_file_written_before_the_policy_changed_is_not_signed(fake_fabric, topology, data_root, tmp_path):
    channel = ScriptedChannel(topology, channel_config_of(topology, data_root))
    members = host(topology, data_root, channel)
    path = members.write_update(members.plan_add("bank2", "bank", CODE, sign_as=["bank"]), tmp_path / "bank2.tx")
    before = path.read_bytes()
    # an update of the channel's policy since (its versions left alone, so that only the policy is at fault)
    with_application_admins(channel.config, "AND('BankMSP.admin', 'SupplierMSP.admin', 'GoneMSP.admin')")
    with pytest.raises(PolicyNotSatisfiedError, match=r"stays unmet even signed by the admin of every org .*: "
                                                      r"nothing signed, .*bank2\.tx left as it was$"):
        host(topology, data_root, channel).sign_update_file(path, "supplier")
    assert path.read_bytes() == before


@pytest.mark.parametrize("policy", ["OutOf(2, 'BankMSP.admin', 'BankMSP.admin')",
                                    "AND('BankMSP.admin', 'SupplierMSP.admin', 'OrdererMSP.admin')"])
def test_a_policy_the_channels_admins_can_meet_asks_for_their_signatures(fake_fabric, topology, data_root, policy):
    # two admins of one org (an org has as many as its CA issues), or an orderer org's admin: both can sign
    channel = ScriptedChannel(topology, with_application_admins(channel_config_of(topology, data_root), policy))
    change = host(topology, data_root, channel).plan_add("bank2", "bank", CODE, sign_as=["supplier"])
    assert not change.verdict.ok and change.verdict.signable
    assert "stays unmet" not in change.verdict.describe()
