"""`recfin org add|remove ... --update-out FILE` (or --dry-run) on a host without Fabric's `peer` said only to install
Fabric, though these commands compute the update without it from the channel's config block (--config-block), which
a host that has Fabric fetches. The refusal names that way too; a submitted change, which needs `peer`, does not."""
from __future__ import annotations

import pytest

from cli.org_commands import org

CODE = "91110000MA1K00007E"
OFFLINE = "or compute the update without Fabric here, from the channel's config block: --config-block FILE"


@pytest.mark.parametrize("command", [
    ["add", "bank2", "--role", "bank", "--enterprise", CODE, "--update-out", "bank2.tx"],
    ["add", "bank2", "--role", "bank", "--enterprise", CODE, "--dry-run"],
    ["remove", "bank", "--update-out", "remove-bank.tx"],
])
def test_an_offline_change_without_peer_names_the_config_block(runner, network_home, command):
    result = runner.invoke(org, command)
    assert result.exit_code == 1, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert "Fabric binary peer not found" in said and OFFLINE in said, said


def test_a_submitted_change_without_peer_says_to_install_fabric_alone(runner, network_home):
    result = runner.invoke(org, ["add", "bank2", "--role", "bank", "--enterprise", CODE])
    assert result.exit_code != 0, result.output
    assert "--config-block" not in result.output, result.output


def test_with_the_config_block_it_writes_the_update_without_peer(runner, network_home, tmp_path):
    _root, block = network_home
    out = tmp_path / "bank2.tx"
    result = runner.invoke(org, ["add", "bank2", "--role", "bank", "--enterprise", CODE, "--update-out", str(out),
                                 "--config-block", str(block)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
