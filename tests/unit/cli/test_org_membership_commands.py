"""`recfin org add|remove --dry-run` against a config block: the update and the verdict, nothing changed."""
from __future__ import annotations

import json

import pytest
from fabric_protos.common import configtx_pb2

from cli.org_commands import org
from network import channel_config as channel_config_module
from network import ccservers, config_signing, configtx, crypto, membership
from network.org_change import carried_org
from network.org_definition import org_group
from network.topology import address_refusal, load
from tests.unit.network.channel_fixtures import channel_config, config_block

from .conftest import files_under

BANK = ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E"]


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


def _added_to_the_channel(root, block, spec) -> None:
    """spec's org recorded as added here, its crypto made, and in the channel config of the block file."""
    membership.record_added(root, spec)
    grown = membership.effective(load(), root)
    crypto.generate(grown, root)
    config = channel_config(load(), root)
    config.channel_group.groups["Application"].groups[spec.msp_id].CopyFrom(
        org_group(configtx.peer_org(grown, root, spec.name)))
    block.write_bytes(config_block(config, "receivables").SerializeToString())


def test_remove_dry_run_of_an_added_org_drops_it_with_a_majority_of_five(runner, network_home):
    root, block = network_home
    _added_to_the_channel(root, block, membership.new_org_spec(load(), "bank2", "bank", "91110000MA1K00007E"))
    result = runner.invoke(org, ["remove", "bank2", "--dry-run", "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["removed_members"] == ["group /Channel/Application/Bank2MSP"]
    policy = plan["policies"][0]
    assert (policy["needed"], policy["of"], plan["policy_satisfied"]) == (3, 5, True)


def test_a_regulator_orgs_removal_that_sends_nothing_warns_of_claims_it_cannot_read(runner, network_home):
    """`org remove REGULATOR_ORG --dry-run` / `--update-out` offline: nothing is sent, and the removal and `org submit`
    read the claims again, so claims that cannot be read from here (no connection profile) are warned of."""
    root, block = network_home
    _added_to_the_channel(root, block, membership.new_org_spec(load(), "regulator2", "regulator"))
    update = root / "remove-regulator2.tx"
    for args in (["--dry-run"], ["--update-out", str(update), "--no-sign"]):
        result = runner.invoke(org, ["remove", "regulator2", *args, "--config-block", str(block)])
        assert result.exit_code == 0, result.output
        assert "claims not checked (as regulator2: no connection profile" in result.output
        assert "the removal and `org submit` check them" in result.output
    assert update.is_file()


@pytest.mark.parametrize("args, offline", [([*BANK, "--dry-run"], True), ([*BANK, "--update-out", "bank2.tx"], True),
                                           (BANK, False), (["remove", "bank", "--dry-run"], True)],
                         ids=["add --dry-run", "add --update-out", "add", "remove --dry-run"])
def test_without_a_network_in_the_data_folder_the_change_says_so_and_what_to_run(runner, tmp_path, args, offline):
    result = runner.invoke(org, args)
    assert result.exit_code == 1, result.output
    root = tmp_path / "home" / "network"
    assert f"no network is set up in {root}" in result.output
    assert "Run `recfin network up` first, or point --data-root (or RECFIN_HOME) at the network's data folder" \
        in result.output
    assert ("--config-block FILE" in result.output) is offline
    assert not root.exists()


def test_without_a_network_in_the_data_folder_a_dry_run_computes_from_a_config_block(runner, tmp_path,
                                                                                     generated_crypto):
    block = tmp_path / "config.block"
    block.write_bytes(config_block(channel_config(load(), generated_crypto), "receivables").SerializeToString())
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["msp_id"], plan["signed_by"], plan["submitted"]) == ("Bank2MSP", [], False)


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


# ---- the update as a file: --update-out, sign, submit ----------------------------------------------
@pytest.fixture
def scripted_peer(network_home, peer_serving):
    """A Fabric install whose `peer` hands out the channel's config block and records `channel update`."""
    return peer_serving(network_home[1])


def test_update_out_writes_the_update_and_names_who_still_signs(runner, network_home, tmp_path):
    root, block = network_home
    out = tmp_path / "bank2.tx"
    result = runner.invoke(org, [*BANK, "--update-out", str(out), "--config-block", str(block),
                                 "--sign-as", "bank", "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert (written["signed_by"], written["policy_satisfied"], written["submitted"]) == (["BankMSP"], False, False)
    assert written["missing"] == ["CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]
    channel_id, update_envelope = config_signing.read_update_file(out)
    update = configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update)
    current = channel_config_module.config_from_block(block.read_bytes())
    assert channel_id == "receivables"
    assert channel_config_module.org_membership_change(current, update) == ("add", "Bank2MSP")


def test_no_sign_is_only_for_update_out(runner, network_home, tmp_path):
    root, block = network_home
    result = runner.invoke(org, [*BANK, "--no-sign", "--dry-run", "--config-block", str(block)])
    assert result.exit_code == 2 and "--no-sign is for --update-out" in result.output
    out = tmp_path / "unsigned.tx"
    result = runner.invoke(org, [*BANK, "--no-sign", "--update-out", str(out), "--config-block", str(block)])
    assert result.exit_code == 0, result.output
    assert "signed by: nobody" in result.output and len(config_signing.read_update_file(out)[1].signatures) == 0


def test_sign_and_submit_refuse_a_file_that_is_no_config_update(runner, network_home, tmp_path):
    junk = tmp_path / "junk.tx"
    junk.write_bytes(b"not a transaction")
    for args in (["sign", str(junk), "--as", "bank"], ["submit", str(junk)]):
        result = runner.invoke(org, args)
        assert result.exit_code == 2 and "is not a config update transaction" in result.output, result.output


def test_admins_sign_in_turn_and_submit_waits_for_the_policy(runner, network_home, scripted_peer, tmp_path):
    """Submitting once satisfied is covered in tests/unit/network/test_org_membership.py, which can stand
    in for the steps after the update (starting the new org's peer)."""
    out = tmp_path / "bank2.tx"
    result = runner.invoke(org, [*BANK, "--update-out", str(out), "--sign-as", "bank"])
    assert result.exit_code == 0, result.output
    assert "still to sign" in result.output

    result = runner.invoke(org, ["submit", str(out)])
    assert result.exit_code == 1 and not scripted_peer.exists()
    assert "missing 2 of CoreEnterpriseMSP, RegulatorMSP, SupplierMSP" in result.output

    result = runner.invoke(org, ["sign", str(out), "--as", "supplier", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["missing"] == ["CoreEnterpriseMSP", "RegulatorMSP"]
    result = runner.invoke(org, ["sign", str(out), "--as", "supplier"])
    assert result.exit_code == 1 and "SupplierMSP's admin has already signed" in result.output
    result = runner.invoke(org, ["sign", str(out), "--as", "CoreEnterpriseMSP", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["policy_satisfied"] is True


def test_sign_shows_every_element_the_file_changes(runner, network_home, scripted_peer, tmp_path):
    out = tmp_path / "bank2.tx"
    assert runner.invoke(org, [*BANK, "--update-out", str(out), "--sign-as", "bank"]).exit_code == 0
    result = runner.invoke(org, ["sign", str(out), "--as", "supplier"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if line.startswith("/Channel")]
    assert rows[:2] == [["/Channel/Application", "group", "1", "2"], ["/Channel/Application/Bank2MSP", "group", "-", "0"]]
    assert {row[0].rsplit("/", 1)[0] for row in rows[2:]} == {"/Channel/Application/Bank2MSP"}    # its values, policies
    result = runner.invoke(org, ["sign", str(out), "--as", "regulator", "--json"])
    assert [r["element"] for r in json.loads(result.stdout)["changes"]] == [row[0] for row in rows]


@pytest.mark.parametrize("command", ["sign", "submit"])
def test_file_commands_show_an_example(runner, command):
    result = runner.invoke(org, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--json" in result.output


def test_remove_refuses_an_org_the_deployed_policy_names_until_given_another(runner, network_home):
    root, block = network_home
    spec = membership.new_org_spec(load(), "bank2", "bank", "91110000MA1K00007E")
    membership.record_added(root, spec)
    crypto.generate(membership.effective(load(), root), root)
    ccservers.save_deployment(root, ccservers.Deployment(
        "receivables", "1.0+cfg.0", 2, "chaincode.receivables:ReceivablesContract",
        "AND('Bank2MSP.peer', 'SupplierMSP.peer')", None, 0, {}, None, signature_policy_from_topology=False))
    before = files_under(root)
    result = runner.invoke(org, ["remove", "bank2"])
    assert result.exit_code == 1
    assert "names Bank2MSP, which leaves the channel" in result.output and "--signature-policy" in result.output
    assert files_under(root) == before          # refused before the channel config was even fetched

    result = runner.invoke(org, ["remove", "bank2", "--signature-policy", "AND('Bank2MSP.peer', 'BankMSP.peer')"])
    assert result.exit_code == 1 and "names Bank2MSP" in result.output
    result = runner.invoke(org, ["remove", "bank2", "--signature-policy", "AND(BankMSP.peer"])
    assert result.exit_code == 1 and "--signature-policy: policy" in result.output
    result = runner.invoke(org, ["remove", "bank2", "--dry-run", "--config-block", str(block),
                                 "--signature-policy", "OR('BankMSP.peer')"])
    assert result.exit_code == 2 and "--signature-policy is for the chaincode deployed again" in result.output
    assert files_under(root) == before


def test_sign_and_submit_name_a_malformed_signature_instead_of_failing(runner, network_home, tmp_path):
    root, block = network_home
    out = tmp_path / "bank2.tx"
    result = runner.invoke(org, [*BANK, "--update-out", str(out), "--config-block", str(block), "--sign-as", "bank"])
    assert result.exit_code == 0, result.output
    channel_id, update_envelope = config_signing.read_update_file(out)
    update_envelope.signatures.append(configtx_pb2.ConfigSignature(signature_header=b"\xff\xff", signature=b"x"))
    config_signing.write_update_file(out, channel_id, update_envelope)
    for args in (["sign", str(out), "--as", "supplier"], ["submit", str(out)]):
        result = runner.invoke(org, args)
        assert result.exit_code == 2, result.output
        assert "signature 2 of 2 has no readable signature header" in result.output
        assert isinstance(result.exception, SystemExit)          # reported, not raised out of the command


# ---- --address: the org's host, for the bundles' name resolution -------------------------------------------
def test_add_with_an_address_signs_and_carries_it_with_the_orgs_spec(runner, network_home, tmp_path):
    root, block = network_home
    out = tmp_path / "bank2.tx"
    result = runner.invoke(org, [*BANK, "--address", "2001:db8::20", "--update-out", str(out),
                                 "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["address"] == "2001:db8::20"
    update = configtx_pb2.ConfigUpdate.FromString(config_signing.read_update_file(out)[1].config_update)
    assert carried_org(update).org.address == "2001:db8::20"        # what `org submit` records, signed with it
    result = runner.invoke(org, [*BANK, "--address", "2001:db8::20", "--dry-run", "--config-block", str(block)])
    assert result.exit_code == 0, result.output
    assert "host address 2001:db8::20" in result.output
    result = runner.invoke(org, [*BANK, "--dry-run", "--config-block", str(block)])
    assert "host address - (DNS)" in result.output


@pytest.mark.parametrize("mode", ["--dry-run", "--update-out", "add"])
def test_an_address_no_other_host_reaches_is_refused_before_anything_is_written(runner, network_home, tmp_path,
                                                                               mode):
    root, block = network_home
    before = files_under(root)
    given = {"--dry-run": ["--dry-run", "--config-block", str(block)],
             "--update-out": ["--update-out", str(tmp_path / "bank2.tx"), "--config-block", str(block)],
             "add": []}[mode]
    result = runner.invoke(org, [*BANK, "--address", "::ffff:127.0.0.1", *given])
    assert result.exit_code == 2, result.output
    # the topology file's refusal, naming the option instead of the key
    assert address_refusal("org bank2", "::ffff:127.0.0.1", "--address") in " ".join(result.output.split())
    assert "leave --address out" in " ".join(result.output.split())
    assert files_under(root) == before and not (tmp_path / "bank2.tx").exists()


@pytest.mark.parametrize("mode", ["--dry-run", "--update-out"])
def test_a_removal_that_sends_nothing_warns_that_the_deployed_policy_names_the_org(runner, network_home, tmp_path,
                                                                                 mode):
    """The removal refuses while the policy the chaincode keeps names the leaving org, until --signature-policy
    gives another; its dry run (which takes no --signature-policy) and --update-out said nothing of it."""
    root, block = network_home
    spec = membership.new_org_spec(load(), "bank2", "bank", "91110000MA1K00007E")
    _added_to_the_channel(root, block, spec)
    ccservers.save_deployment(root, ccservers.Deployment(
        "receivables", "1.0+cfg.0", 2, "chaincode.receivables:ReceivablesContract",
        "AND('Bank2MSP.peer', 'SupplierMSP.peer')", None, 0, {}, None, signature_policy_from_topology=False))
    out = tmp_path / "remove-bank2.tx"
    args = ["remove", "bank2", "--config-block", str(block), "--no-claim-check", mode] + \
        ([str(out)] if mode == "--update-out" else [])
    result = runner.invoke(org, args)
    assert result.exit_code == 0, result.output
    assert "the endorsement policy of receivables, AND('Bank2MSP.peer', 'SupplierMSP.peer') (given at its deploy), " \
           "names Bank2MSP, which leaves the channel" in result.output
    assert "`recfin org remove bank2` and `recfin org submit` of its removal refuse it until --signature-policy " \
           "gives the policy it is to have without Bank2MSP, e.g. --signature-policy \"" in result.output
