"""`recfin org add|remove --dry-run` against a config block: the update and the verdict, nothing changed."""
from __future__ import annotations

import json
import shutil

import pytest

from cli.org_commands import org
from network import configtx, crypto, membership
from network.org_definition import org_group
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block

BANK = ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("org-net") / "network"
    crypto.generate(load(), root)
    return root


@pytest.fixture
def network_home(runner, tmp_path, generated):
    """RECFIN_HOME's data folder holding the network's crypto, and the channel's config block."""
    root = tmp_path / "home" / "network"
    shutil.copytree(generated, root)
    block = tmp_path / "config.block"
    block.write_bytes(config_block(channel_config(load(), root), "receivables").SerializeToString())
    return root, block


def files_under(root):
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def test_add_dry_run_prints_the_update_and_a_met_policy_and_changes_nothing(runner, network_home):
    root, block = network_home
    before = files_under(root)
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["msp_id"], plan["policy_satisfied"], plan["submitted"]) == ("Bank2MSP", True, False)
    assert {"element": "/Channel/Application", "kind": "group", "version": 1, "new_version": 2} in plan["changes"]
    assert {"element": "/Channel/Application/Bank2MSP", "kind": "group", "version": None, "new_version": 0} in plan["changes"]
    assert plan["signed_by"] == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]
    assert plan["anchor_peers"] == ["127.0.0.1:11051"]
    assert files_under(root) == before          # no crypto, no membership record


def test_add_dry_run_with_too_few_signers_names_the_missing_admins(runner, network_home):
    root, block = network_home
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), "--sign-as", "bank"])
    assert result.exit_code == 0, result.output
    assert "policy: NOT satisfied" in result.output
    assert "needs 3 of 4 org admins, has 1 (BankMSP): missing 2 of CoreEnterpriseMSP, RegulatorMSP, SupplierMSP" \
        in result.output
    assert "dry run: nothing submitted" in result.output


def test_removing_the_last_org_of_a_role_is_refused(runner, network_home):
    root, block = network_home
    result = runner.invoke(org, ["remove", "regulator", "--dry-run", "--config-block", str(block)])
    assert result.exit_code == 1
    assert "last regulator org" in result.output
    result = runner.invoke(org, ["remove", "supplier", "--dry-run", "--config-block", str(block), "--json"])
    assert result.exit_code == 1 and "last supplier org" in result.output


def test_remove_dry_run_of_an_added_org_drops_it_with_a_majority_of_five(runner, network_home):
    root, block = network_home
    spec = membership.new_org_spec(load(), "bank2", "bank", "91110000MA1K00007E")
    membership.record_added(root, spec)
    grown = membership.effective(load(), root)
    crypto.generate(grown, root)
    config = channel_config(load(), root)
    config.channel_group.groups["Application"].groups["Bank2MSP"].CopyFrom(
        org_group(configtx.peer_org(grown, root, "bank2")))
    block.write_bytes(config_block(config, "receivables").SerializeToString())
    result = runner.invoke(org, ["remove", "bank2", "--dry-run", "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["removed_members"] == ["group /Channel/Application/Bank2MSP"]
    policy = plan["policies"][0]
    assert (policy["needed"], policy["of"], plan["policy_satisfied"]) == (3, 5, True)


def test_config_block_is_only_for_dry_runs(runner, network_home):
    root, block = network_home
    result = runner.invoke(org, [*BANK, "--config-block", str(block)])
    assert result.exit_code == 2 and "--config-block is for --dry-run" in result.output


def test_adding_an_org_already_in_the_channel_is_refused(runner, network_home):
    root, block = network_home
    result = runner.invoke(org, ["add", "bank", "--role", "bank", "--enterprise", "91110000MA1K00006B",
                                 "--dry-run", "--config-block", str(block)])
    assert result.exit_code == 1 and "already in the network" in result.output


def test_a_credit_code_with_a_wrong_check_digit_is_refused_before_anything_runs(runner, network_home):
    root, block = network_home
    before = files_under(root)
    result = runner.invoke(org, ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007F",
                                 "--dry-run", "--config-block", str(block)])
    assert result.exit_code == 2
    assert "GB 32100-2015 gives 'E'" in result.output and "--enterprise" in result.output
    assert files_under(root) == before
