"""An update whose policy no signature can meet (a mod_policy naming no policy of the channel config) is refused
before anything is written: the error says so and that more signatures do not help, and asks nobody to sign."""
from __future__ import annotations

from cli.org_commands import org
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block

BANK = ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E"]


def test_update_out_under_a_mod_policy_naming_no_policy_is_refused_unwritten(runner, network_home, tmp_path):
    root, _ = network_home
    config = channel_config(load(), root)
    config.channel_group.groups["Application"].mod_policy = "Admin"
    block = tmp_path / "broken.block"
    block.write_bytes(config_block(config, "receivables").SerializeToString())
    update = tmp_path / "bank2.tx"

    for json_flag in ([], ["--json"]):
        result = runner.invoke(org, [*BANK, "--update-out", str(update), "--config-block", str(block), *json_flag])

        assert result.exit_code == 1, result.output
        assert ("/Channel/Application/Admin is no policy of the channel config, yet the mod_policy of group "
                "/Channel/Application names it: no signature can meet it") in result.stderr
        assert "More signatures do not help" in result.stderr
        assert "still to sign" not in result.output
        assert result.stdout == ""
        assert not update.exists()
