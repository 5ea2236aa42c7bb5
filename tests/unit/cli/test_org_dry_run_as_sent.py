"""`recfin org add|remove --dry-run` judge the update as the run sends it: `peer channel update` signs as the
submitter over SHA-256 whatever the channel config says, so where only admins of orgs whose MSP is SHA3 sign,
the run refuses before sending (network.org_admins.ChannelAdmins.check_sent_as). The dry run says so, in the
run's words with its way out, where it said the policy was satisfied; a set of signers with an org whose MSP
is SHA2 among them is satisfied, as before."""
from __future__ import annotations

import json

import pytest

from cli.org_commands import org
from network import channel_config as channel_config_module
from network import membership
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block
from tests.unit.network.test_config_signature_hash_family import _with_family

from .conftest import files_under
from .test_org_membership_commands import BANK, _added_to_the_channel

SHA3_ORGS = ("CoreEnterpriseMSP", "SupplierMSP", "BankMSP")
SIGNED_BY_SHA3_ORGS = ["--sign-as", "coreenterprise", "--sign-as", "supplier", "--sign-as", "bank"]
REFUSED = ("not submitted: CoreEnterpriseMSP's MSP in the channel config has signature hash family SHA3, and "
           "`peer channel update` signs as its submitter, CoreEnterpriseMSP's admin, over SHA-256")


def _with_sha3_orgs(block, config=None) -> None:
    """The config block file, of config (default: the one in it), with SHA3_ORGS' MSPs set to SHA3."""
    config = config or channel_config_module.config_from_block(block.read_bytes())
    for msp_id in SHA3_ORGS:
        config = _with_family(config, msp_id, "SHA3")
    block.write_bytes(config_block(config, "receivables").SerializeToString())


def test_an_add_dry_run_signed_by_sha3_orgs_admins_only_says_the_run_would_refuse_it(runner, network_home):
    root, block = network_home
    _with_sha3_orgs(block, channel_config(load(), root))
    before = files_under(root)
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), "--json",
                                 *SIGNED_BY_SHA3_ORGS])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["policy_satisfied"] is False and plan["submitted"] is False
    assert all(policy["satisfied"] for policy in plan["policies"])     # counted in the channel's families
    assert plan["refused"].startswith(REFUSED)
    assert "(the update as it would arrive: " in plan["refused"] and "missing 1 of" in plan["refused"]
    for way_out in ("--sign-as ORG", "--update-out FILE", "`recfin org sign FILE --as coreenterprise`",
                    "`recfin org submit FILE --as ORG`"):
        assert way_out in plan["refused"]
    assert files_under(root) == before

    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), *SIGNED_BY_SHA3_ORGS])
    assert result.exit_code == 0, result.output
    assert "policy: met by the signatures collected, NOT as the ordering service would get them: " \
           "/Channel/Application/Admins" in result.output
    assert f"the run would refuse it: {REFUSED}" in result.output
    assert "policy: satisfied" not in result.output
    assert result.output.rstrip().endswith("dry run: nothing submitted")
    assert files_under(root) == before


SIGNED_BY_SHA2_ORGS = ["--sign-as", "supplier", "--sign-as", "bank", "--sign-as", "regulator"]
WITH_ONE_SHA2_ORG = ["--sign-as", "coreenterprise", "--sign-as", "supplier", "--sign-as", "regulator"]


@pytest.mark.parametrize("signers", [SIGNED_BY_SHA2_ORGS, []], ids=["three SHA2 orgs", "every admin"])
def test_an_add_dry_run_signed_by_sha2_orgs_admins_is_satisfied_as_before(runner, network_home, signers):
    root, block = network_home
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), "--json", *signers])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["policy_satisfied"], plan["refused"]) == (True, None)
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), *signers])
    assert "policy: satisfied: /Channel/Application/Admins" in result.output
    assert "would refuse" not in result.output


def test_an_add_dry_run_with_a_sha2_org_among_sha3_signers_is_satisfied(runner, network_home):
    """The run submits as the admin of the org whose MSP is SHA2, the SHA3 signatures going with it."""
    root, block = network_home
    _with_sha3_orgs(block, channel_config(load(), root))
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), "--json",
                                 *WITH_ONE_SHA2_ORG])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["policy_satisfied"], plan["refused"]) == (True, None)


def test_a_remove_dry_run_signed_by_sha3_orgs_admins_only_says_the_run_would_refuse_it(runner, network_home):
    root, block = network_home
    _added_to_the_channel(root, block, membership.new_org_spec(load(), "bank2", "bank", "91110000MA1K00007E"))
    _with_sha3_orgs(block)
    before = files_under(root)
    result = runner.invoke(org, ["remove", "bank2", "--dry-run", "--config-block", str(block), "--json",
                                 *SIGNED_BY_SHA3_ORGS])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["policy_satisfied"] is False and plan["refused"].startswith(REFUSED)
    assert "`recfin org sign FILE --as coreenterprise`" in plan["refused"]
    assert files_under(root) == before

    result = runner.invoke(org, ["remove", "bank2", "--dry-run", "--config-block", str(block), "--json",
                                 *WITH_ONE_SHA2_ORG])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["policy_satisfied"], plan["refused"]) == (True, None)
