"""An update file whose policy no signature can meet (a mod_policy naming no policy of the channel config) is
written with the verdict saying so, and no empty list of who is still to sign."""
from __future__ import annotations

import json

from cli.org_commands import org
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block

BANK = ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E"]


def test_update_out_under_a_mod_policy_naming_no_policy_asks_nobody_to_sign(runner, network_home, tmp_path):
    root, _ = network_home
    config = channel_config(load(), root)
    config.channel_group.groups["Application"].mod_policy = "Admin"
    block = tmp_path / "broken.block"
    block.write_bytes(config_block(config, "receivables").SerializeToString())

    result = runner.invoke(org, [*BANK, "--update-out", str(tmp_path / "bank2.tx"), "--config-block", str(block)])

    assert result.exit_code == 0, result.output
    assert ("policy: NOT satisfied: /Channel/Application/Admin is no policy of the channel config, yet the mod_policy "
            "of group /Channel/Application names it: no signature can meet it") in result.output
    assert "still to sign" not in result.output
    result = runner.invoke(org, [*BANK, "--update-out", str(tmp_path / "bank2.tx"), "--config-block", str(block),
                                 "--json"])
    assert json.loads(result.stdout)["missing"] == []
