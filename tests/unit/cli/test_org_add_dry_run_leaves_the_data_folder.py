"""`recfin org add --dry-run` (and `org remove --dry-run`, `org user revoke --dry-run`) against the running
channel leave the data folder as it was, as docs/network.md says: the config block each fetches, and the core.yaml the `peer` CLI
reads where no peer of the fetching org has one yet, go to a temporary folder (they went to
channel/updates/config-<org>.block and nodes/peer0.<org>/config/core.yaml). Fabric's `peer` is the script
of ``peer_serving``, handing out the channel's config block; the folder is compared file by file, names and
bytes.
"""
from __future__ import annotations

import json

import pytest

from cli.org_commands import org
from network import membership, org_keys
from network.topology import load

from .test_org_membership_commands import BANK, _added_to_the_channel

CODE = "91110000MA1K00007E"


def _tree(root):
    """Every path under root and, for a file, its bytes (a folder: None)."""
    return {str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
            for path in sorted(root.rglob("*"))}


@pytest.mark.parametrize("definition", [False, True], ids=["org add", "org add --definition"])
def test_a_dry_run_fetching_the_channels_config_leaves_the_data_folder_as_it_was(
        runner, network_home, peer_serving, tmp_path, definition):
    root, block = network_home
    submitted = peer_serving(block)
    args = [*BANK, "--dry-run", "--json"]
    if definition:
        keys = org_keys.make(load(), "bank2", "bank", CODE, tmp_path / "bank2-keys")
        args += ["--definition", str(keys.definition_path)]
    before = _tree(root)
    result = runner.invoke(org, args)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["msp_id"], plan["policy_satisfied"], plan["submitted"]) == ("Bank2MSP", True, False)
    assert _tree(root) == before
    assert not submitted.exists()


def test_a_remove_dry_run_fetching_the_channels_config_leaves_the_data_folder_as_it_was(runner, network_home,
                                                                                        peer_serving):
    root, block = network_home
    _added_to_the_channel(root, block, membership.new_org_spec(load(), "bank2", "bank", CODE))
    submitted = peer_serving(block)
    before = _tree(root)
    result = runner.invoke(org, ["remove", "bank2", "--dry-run", "--no-claim-check", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["action"], plan["msp_id"], plan["submitted"]) == ("remove", "Bank2MSP", False)
    assert _tree(root) == before
    assert not submitted.exists()


def test_a_user_revocation_dry_run_fetching_the_channels_config_leaves_the_data_folder_as_it_was(
        runner, network_home, peer_serving):
    from network import profiles
    root, block = network_home
    profiles.write_all(load(), root)
    submitted = peer_serving(block)
    before = _tree(root)
    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["submitted"] is False
    assert _tree(root) == before
    assert not submitted.exists()
