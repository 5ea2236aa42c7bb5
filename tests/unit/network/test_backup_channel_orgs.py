"""A backup of a network whose channel gained or lost an org (`recfin org add|remove`, recorded in the data
folder's membership.yaml) lists the channel's orgs in its manifest; restored with the topology it was made with, it is
compared with that topology as `up` takes it on the restored folder (with the archive's membership.yaml), not
with topology.yaml's orgs alone, which refused it as another network's."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.network_commands import network
from network import backup, backup_restore, membership, nodeconfig
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError



@pytest.fixture
def data(data_root, topology):
    """The session's crypto, a ledger, the channel's genesis block and the data folder's mark."""
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    (data_root / "channel").mkdir()
    (data_root / "channel" / f"{topology.channel}.block").write_bytes(b"genesis\0block")
    ledger = nodeconfig.node_dirs(data_root, topology.peers()[0].name).data / "ledgersData"
    ledger.mkdir(parents=True)
    (ledger / "blockfile_000000").write_bytes(b"blocks")
    return data_root

ENTERPRISE = "91110000MA1K00006B"


def restore(archive, target, *more):
    return CliRunner().invoke(network, ["restore", str(archive), "--data-root", str(target), *more])


def test_a_backup_of_a_channel_an_org_was_added_to_is_restored_with_its_topology(data, topology, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    membership.record_added(data, membership.new_org_spec(topology, "bank2", "bank", ENTERPRISE))
    out = tmp_path / "network.tar.gz"
    report = backup.write_backup(data, out, topology=membership.effective(topology, data))
    result = restore(out, tmp_path / "elsewhere")
    assert result.exit_code == 0, result.output
    record = (data / "membership.yaml").read_bytes()
    assert (tmp_path / "elsewhere" / "membership.yaml").read_bytes() == record
    result = restore(out, data, "--replace")
    assert result.exit_code == 0, result.output
    assert f"restored {report.files} files" in result.output


def test_a_backup_of_a_channel_an_org_left_is_restored_with_its_topology(data, topology, tmp_path,
                                                                         monkeypatch):
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    membership.record_removed(data, topology.orgs[-1].name)
    out = tmp_path / "network.tar.gz"
    backup.write_backup(data, out, topology=membership.effective(topology, data))
    result = restore(out, tmp_path / "elsewhere")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "crypto").is_dir()


def test_an_archive_of_orgs_its_membership_record_does_not_explain_is_still_refused(data, topology, tmp_path):
    membership.record_added(data, membership.new_org_spec(topology, "bank2", "bank", ENTERPRISE))
    out = tmp_path / "network.tar.gz"
    backup.write_backup(data, out, topology=membership.effective(topology, data))
    fewer = topology.model_copy(update={"orgs": topology.orgs[:-1]})      # a topology of one org less
    with pytest.raises(NetworkError, match=rf"its orgs are .*{topology.orgs[-1].msp_id}.*, the topology's"):
        backup_restore.restore_backup(out, tmp_path / "restored", topology=fewer)
    assert not (tmp_path / "restored").exists()
