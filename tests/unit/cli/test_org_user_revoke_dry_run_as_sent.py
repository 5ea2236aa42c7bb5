"""`recfin org user revoke --dry-run` judges the update as the run sends it: only the org's own admin can
authorise a change of its MSP, and `peer channel update` signs as that admin over SHA-256 whatever the channel
config says, so for an org whose MSP is SHA3 the run refuses before sending
(network.org_users.OrgUsers.revoke). The dry run says so, in the run's words with its way out, where it said
the policy was satisfied (the admin's own signature, made in the SHA3 family, counted)."""
from __future__ import annotations

import json

import pytest

from cli.org_commands import org
from network import profiles
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block
from tests.unit.network.test_config_signature_hash_family import _with_family

from .conftest import files_under

REVOKE = ["user", "revoke", "supplier", "supplier2", "--dry-run"]


@pytest.fixture
def network_home(network_home):
    """The shared data folder and config block, with the network's profiles written too."""
    root, block = network_home
    profiles.write_all(load(), root)
    return root, block


def _with_sha3(root, block, msp_id: str) -> None:
    block.write_bytes(config_block(_with_family(channel_config(load(), root), msp_id, "SHA3"),
                                   "receivables").SerializeToString())


def test_a_revoke_dry_run_of_a_sha3_orgs_user_says_the_run_would_refuse_it(runner, network_home):
    root, block = network_home
    _with_sha3(root, block, "SupplierMSP")
    before = files_under(root)
    result = runner.invoke(org, [*REVOKE, "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["policy_satisfied"] is False and plan["submitted"] is False
    assert plan["policies"][0]["satisfied"]             # its admin's SHA3-256 signature counts
    assert plan["refused"].startswith(
        "not submitted: SupplierMSP's MSP in the channel config has signature hash family SHA3, and `peer "
        "channel update` signs as its submitter, SupplierMSP's admin, over SHA-256")
    assert "missing 1 of SupplierMSP.admin" in plan["refused"]
    assert "Only SupplierMSP's admin can authorise a change of its MSP" in plan["refused"]
    assert "`recfin org remove supplier`, then `recfin org add`" in plan["refused"]
    assert files_under(root) == before

    result = runner.invoke(org, [*REVOKE, "--config-block", str(block)])
    assert result.exit_code == 0, result.output
    assert "policy: met by the signatures collected, NOT as the ordering service would get them" \
        in result.output
    assert f"the run would refuse it: {plan['refused']}" in result.output
    assert "policy: satisfied" not in result.output and "dry run: nothing submitted" in result.output
    assert files_under(root) == before


def test_a_revoke_dry_run_of_a_sha2_orgs_user_is_satisfied_as_before(runner, network_home):
    root, block = network_home
    _with_sha3(root, block, "BankMSP")          # another org's family is nothing to this revocation
    result = runner.invoke(org, [*REVOKE, "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["policy_satisfied"], plan["refused"]) == (True, None)
    result = runner.invoke(org, [*REVOKE, "--config-block", str(block)])
    assert "policy: satisfied: /Channel/Application/SupplierMSP/Admins" in result.output
    assert "would refuse" not in result.output
