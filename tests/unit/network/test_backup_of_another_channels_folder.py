"""A backup given a topology of another channel than the data folder's is refused, nothing written: its
manifest records the topology's channel and orgs, so the archive named a channel not its own, and a restore
with the topology the network runs with refused the network's own backup as another network's."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.network_commands import network
from network import backup, backup_restore
from network import topology as topology_module
from network.control import DATA_ROOT_MARKER, MARKER_TEXT


def test_a_backup_with_a_topology_of_another_channel_is_refused_and_the_right_one_restores(
        data_root, topology, tmp_path):
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    (data_root / "channel").mkdir()
    (data_root / "channel" / f"{topology.channel}.block").write_bytes(b"genesis\0block")
    other_file = tmp_path / "other.yaml"
    other_file.write_text(Path(topology_module.DEFAULT_TOPOLOGY).read_text().replace(
        f"\nchannel: {topology.channel}\n", "\nchannel: otherchannel\n", 1))
    out = tmp_path / "network.tar.gz"
    result = CliRunner().invoke(network, ["backup", str(out), "--data-root", str(data_root),
                                          "--topology", str(other_file)])
    assert result.exit_code == 1
    assert (f"is not a data folder of the topology's channel otherchannel: its channel/ holds "
            f"{topology.channel}.block, not otherchannel.block" in result.output)
    assert "give --topology the topology its network runs with" in result.output and not out.exists()
    backup.write_backup(data_root, out, topology=topology)
    report = backup_restore.restore_backup(out, tmp_path / "restored", topology=topology)
    assert report.channel == topology.channel


def test_a_data_folder_with_no_genesis_block_yet_is_backed_up(data_root, topology, tmp_path):
    other = topology.model_copy(update={"channel": "otherchannel"})
    report = backup.write_backup(data_root, tmp_path / "crypto-only.tar.gz", topology=other)
    assert report.channel == "otherchannel"
