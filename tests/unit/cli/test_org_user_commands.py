"""`recfin org user add|list|revoke`: an org's users issued from its CA, listed, and revoked on the channel.

Revocation is run here as a dry run against a config block (what it would submit, and the policy
verdict); the submission itself, through a scripted `peer` CLI, is in tests/unit/network/test_org_users.py.
"""
from __future__ import annotations

import json
import shutil

import pytest

from cli.org_commands import org
from network import crypto, membership, org_keys, profiles
from network.crypto import cert_attrs, load_cert, org_crypto
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block

CODE = "91310000MA1K00002C"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("org-users") / "network"
    crypto.generate(load(), root)
    return root


@pytest.fixture
def network_home(runner, tmp_path, generated):
    """RECFIN_HOME's data folder with the network's crypto and profiles, and the channel's config block."""
    root = tmp_path / "home" / "network"
    shutil.copytree(generated, root)
    profiles.write_all(load(), root)
    block = tmp_path / "config.block"
    block.write_bytes(config_block(channel_config(load(), root), "receivables").SerializeToString())
    return root, block


def files_under(root):
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def test_add_issues_the_user_records_it_and_puts_it_in_the_profile(runner, network_home):
    root, _ = network_home
    result = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr", f"recfin.enterprise={CODE}",
                                 "--json"])
    assert result.exit_code == 0, result.output
    issued = json.loads(result.stdout)
    assert (issued["user"], issued["msp_id"], issued["role"], issued["ou"]) == ("supplier9", "SupplierMSP",
                                                                              "client", "client")
    assert issued["attrs"] == {"recfin.role": "creditor", "recfin.enterprise": CODE}
    cert = load_cert(org_crypto(root, "supplier", "supplier.recfin.local").user_msp("supplier9")
                     / "signcerts" / "cert.pem")
    assert issued["serial"] == f"{cert.serial_number:x}" and cert_attrs(cert)["recfin.enterprise"] == CODE
    assert profiles.load("supplier", root).user("supplier9").attrs["recfin.role"] == "creditor"
    assert [u["name"] for u in membership.load_state(root)["users"]["supplier"]] == ["supplier9"]

    listed = runner.invoke(org, ["user", "list", "supplier", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["user"]: row for row in json.loads(listed.stdout)}
    assert rows["supplier9"]["enterprise"] == CODE and rows["admin"]["role"] == "admin"
    assert not any(row["revoked"] for row in rows.values())

    again = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr", f"recfin.enterprise={CODE}"])
    assert again.exit_code == 1 and "supplier9 is already a user of supplier" in again.output


@pytest.mark.parametrize("args, code, refusal", [
    (["--attr", "recfin.enterprise"], 2, "write KEY=VALUE"),
    (["--attr", "recfin.enterprise=91310000MA1K00002D"], 2, "--enterprise"),
    (["--attr", f"recfin.enterprise={CODE}", "--attr", "recfin.role=financier"], 1, "does not fit supplier"),
    ([], 1, "recfin.enterprise=CREDIT_CODE"),
])
def test_add_refuses_attributes_that_do_not_fit_and_writes_nothing(runner, network_home, args, code, refusal):
    root, _ = network_home
    before = files_under(root)
    result = runner.invoke(org, ["user", "add", "supplier", "supplier9", *args])
    assert result.exit_code == code and refusal in result.output, result.output
    assert files_under(root) == before


def test_add_without_the_ca_key_here_names_where_it_is(runner, network_home):
    root, _ = network_home
    org_crypto(root, "bank", "bank.recfin.local").ca_key.unlink()
    result = runner.invoke(org, ["user", "add", "bank", "officer3"])
    assert result.exit_code == 1 and "bank's CA key is not on this host" in result.output and "--keys" in result.output


def test_add_from_a_companys_keys_folder(runner, network_home, tmp_path):
    keys = org_keys.make(load(), "bank3", "bank", "91110000MA1K00008H", tmp_path / "bank3-keys").root
    result = runner.invoke(org, ["user", "add", "bank3", "officer3", "--keys", str(keys), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["attrs"]["recfin.enterprise"] == "91110000MA1K00008H"
    listed = runner.invoke(org, ["user", "list", "bank3", "--keys", str(keys), "--json"])
    assert [row["user"] for row in json.loads(listed.stdout)] == ["admin", "officer1", "officer2", "officer3"]


def test_revoke_dry_run_shows_the_one_changed_value_and_the_orgs_admin_policy(runner, network_home):
    root, block = network_home
    before = files_under(root)
    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--config-block", str(block),
                                 "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [c["element"] for c in plan["changes"]] == ["/Channel/Application/SupplierMSP/MSP"]
    assert (plan["crl_number"], plan["submitted"], plan["policy_satisfied"]) == (1, False, True)
    assert plan["policies"][0]["rule"] == "OR('SupplierMSP.admin')" and plan["signed_by"] == ["SupplierMSP"]
    assert files_under(root) == before
    text = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--config-block", str(block)])
    assert "policy: satisfied" in text.output and "dry run: nothing submitted" in text.output


@pytest.mark.parametrize("args, code, refusal", [
    (["supplier", "admin", "--dry-run"], 1, "supplier's admin"),
    (["supplier", "nobody", "--dry-run"], 1, "has no user 'nobody'"),
    (["supplier", "supplier2"], 2, "--config-block is for --dry-run"),
    (["bank", "officer1", "--bundle", "."], 2, "--bundle needs --keys"),
])
def test_revoke_refusals(runner, network_home, args, code, refusal):
    root, block = network_home
    result = runner.invoke(org, ["user", "revoke", *args, "--config-block", str(block)])
    assert result.exit_code == code and refusal in result.output, result.output


@pytest.mark.parametrize("command", ["add", "list", "revoke"])
def test_user_commands_show_an_example_and_offer_json(runner, command):
    result = runner.invoke(org, ["user", command, "--help"])
    assert result.exit_code == 0 and f"recfin org user {command}" in result.output and "--json" in result.output
