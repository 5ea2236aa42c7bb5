"""`restore --replace` of an archive holding fewer blocks of a channel than a node's ledger in the data folder is
refused, naming each node, its height now and the archive's and where the folder would be moved aside, and moves
nothing, unless --allow-rollback (then the report gives the same figures). The heights are read offline from
Fabric's block files (a varint length, then the block as Fabric's block store serializes it, per record; a record
cut short at the end ignored), here written with real, signed blocks in a peer's and an orderer's layout."""
from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from google.protobuf.internal.encoder import _VarintBytes

from cli.network_commands import network
from network import backup, backup_restore, block_files, nodeconfig
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError
from tests.unit.receivables_client.audit_ledger import plain_block, seal

from .fabric_block_files import block_file, stored

CHANNEL = "receivables"


def block_store(data_root, node):
    """Where the node keeps the channel's block files: a peer under ledgersData/chains/chains/<channel>, an
    orderer under ledger/chains/<channel>."""
    inside = "ledger/chains" if node.kind == "orderer" else "ledgersData/chains/chains"
    return nodeconfig.node_dirs(data_root, node.name).data / inside / CHANNEL


def records(first, count):
    """Blocks first .. first+count-1 as a block file holds them."""
    return block_file(seal([plain_block(number, 0) for number in range(first, first + count)]))


def write_ledger(folder, height, *, file_name="blockfile_000000"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file_name).write_bytes(records(0, height))


@pytest.fixture
def nodes(topology):
    """A peer and an orderer of the topology."""
    return [topology.peers(topology.orgs[0].name)[0], topology.orderers()[0]]


@pytest.fixture
def data(data_root, topology, nodes):
    """A data folder whose peer and orderer hold 3 blocks of the channel."""
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    for node in nodes:
        write_ledger(block_store(data_root, node), 3)
    return data_root


@pytest.fixture
def archive_at_3(data, topology, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    return archive


def listing(folder):
    return sorted((path.relative_to(folder).as_posix(), path.read_bytes() if path.is_file() else None)
                  for path in folder.rglob("*"))


def beside(data):
    return sorted(path.name for path in data.parent.iterdir() if path.name != data.name)


def grow(data, nodes, heights):
    for node, height in zip(nodes, heights):
        write_ledger(block_store(data, node), height)


def test_a_restore_that_lowers_heights_is_refused_naming_each_node_and_moves_nothing(data, archive_at_3, nodes,
                                                                                      topology):
    grow(data, nodes, (7, 8))
    before, around = listing(data), beside(data)
    with pytest.raises(NetworkError) as refused:
        backup_restore.restore_backup(archive_at_3, data, replace=True, topology=topology)
    message = str(refused.value)
    peer, orderer = nodes
    assert f"{peer.name} channel {CHANNEL} from height 7 to 3" in message
    assert f"{orderer.name} channel {CHANNEL} from height 8 to 3" in message
    assert f"{data.name}.before-restore-" in message and "--allow-rollback" in message
    assert "Nothing was written" in message
    assert listing(data) == before and beside(data) == around


def test_the_cli_refuses_it_too_and_says_so(data, archive_at_3, nodes):
    grow(data, nodes, (7, 8))
    result = CliRunner().invoke(network, ["restore", str(archive_at_3), "--data-root", str(data), "--replace"])
    assert result.exit_code == 1
    assert f"{nodes[0].name} channel {CHANNEL} from height 7 to 3" in result.output


def test_allow_rollback_restores_and_reports_the_figures(data, archive_at_3, nodes):
    grow(data, nodes, (7, 8))
    grown = (block_store(data, nodes[1]) / "blockfile_000000").read_bytes()
    result = CliRunner().invoke(network, ["restore", str(archive_at_3), "--data-root", str(data), "--replace",
                                          "--allow-rollback", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    figures = {(r["node"], r["channel"], r["height_now"], r["height_restored"]) for r in shown["rolled_back"]}
    assert figures == {(nodes[0].name, CHANNEL, 7, 3), (nodes[1].name, CHANNEL, 8, 3)}
    aside = backup_restore.Path(shown["moved_aside"])
    assert (block_store(aside, nodes[1]) / "blockfile_000000").read_bytes() == grown
    assert block_files.height(block_store(data, nodes[1])) == 3


def test_allow_rollback_text_names_the_figures_and_the_moved_aside_folder(data, archive_at_3, nodes):
    grow(data, nodes, (7, 3))
    result = CliRunner().invoke(network, ["restore", str(archive_at_3), "--data-root", str(data), "--replace",
                                          "--allow-rollback"])
    assert result.exit_code == 0, result.output
    assert f"rolled back (--allow-rollback): {nodes[0].name} channel {CHANNEL} from height 7 to 3" in result.output
    assert nodes[1].name not in result.output.split("rolled back")[1].split(";")[0]


def test_a_restore_at_the_same_or_a_greater_height_goes_on_as_before(data, archive_at_3, nodes, topology):
    report = backup_restore.restore_backup(archive_at_3, data, replace=True, topology=topology)
    assert report.moved_aside is not None and report.rolled_back == []
    grow(data, nodes, (1, 2))
    report = backup_restore.restore_backup(archive_at_3, data, replace=True, topology=topology)
    assert report.rolled_back == [] and block_files.height(block_store(data, nodes[0])) == 3
    assert not any("rolled back" in line for line in report.lines())


def test_a_restore_into_a_new_folder_is_not_compared(archive_at_3, topology, tmp_path):
    report = backup_restore.restore_backup(archive_at_3, tmp_path / "new", topology=topology)
    assert report.rolled_back == [] and report.moved_aside is None


def test_a_node_the_archive_lacks_counts_as_height_0(data, topology, tmp_path, nodes):
    archive = tmp_path / "older.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    other_peer = next(n for n in topology.nodes() if n.kind != "orderer" and n.name != nodes[0].name)
    write_ledger(block_store(data, other_peer), 4)
    with pytest.raises(NetworkError, match=f"{other_peer.name} channel {CHANNEL} from height 4 to 0"):
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)


def test_a_record_cut_short_at_the_end_is_not_a_block(data, archive_at_3, nodes, topology):
    # A node killed as it wrote block 3 left part of it: the ledger still holds 3 blocks, as the archive does.
    folder = block_store(data, nodes[0])
    whole = records(0, 4)
    (folder / "blockfile_000000").write_bytes(whole[:-7])
    assert block_files.height(folder) == 3
    report = backup_restore.restore_backup(archive_at_3, data, replace=True, topology=topology)
    assert report.rolled_back == []


def test_a_new_block_file_not_yet_written_and_blocks_over_several_files(tmp_path):
    folder = tmp_path / "chain"
    folder.mkdir()
    (folder / "blockfile_000000").write_bytes(records(0, 4))
    (folder / "blockfile_000001").write_bytes(records(4, 2))
    (folder / "blockfile_000002").write_bytes(b"")
    assert block_files.height(folder) == 6
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blockfile_000000").write_bytes(b"")
    assert block_files.height(empty) == 0


def test_a_serialized_common_block_message_is_not_a_block_as_fabric_stores_one(tmp_path):
    # Fabric's block store writes its own serialization: a block file of common.Block messages is none of its.
    block = seal([plain_block(0, 0)])[0]
    message = block.SerializeToString()
    (tmp_path / "blockfile_000000").write_bytes(_VarintBytes(len(message)) + message)
    with pytest.raises(block_files.UnreadableLedger, match="the record at byte 0 is no block as Fabric stores one"):
        block_files.height(tmp_path)
    (tmp_path / "blockfile_000000").write_bytes(_VarintBytes(len(stored(block))) + stored(block))
    assert block_files.height(tmp_path) == 1


def test_block_files_that_cannot_be_read_are_named_and_refused_unless_allowed(data, archive_at_3, nodes, topology):
    folder = block_store(data, nodes[0])
    (folder / "blockfile_000000").write_bytes(_VarintBytes(5) + b"\xff" * 5)
    before = listing(data)
    with pytest.raises(NetworkError, match=rf"{nodes[0].name} channel {CHANNEL}: its block files cannot be read "
                                           rf"\(.*blockfile_000000"):
        backup_restore.restore_backup(archive_at_3, data, replace=True, topology=topology)
    assert listing(data) == before
    report = backup_restore.restore_backup(archive_at_3, data, replace=True, allow_rollback=True,
                                           topology=topology)
    assert [(r.node, r.height_now, r.height_restored) for r in report.rolled_back] == [(nodes[0].name, None, 3)]
    assert block_files.height(folder) == 3


def test_a_refused_rollback_unpacks_nothing_and_leaves_all_beside_the_data_folder_as_it_was(data, archive_at_3, nodes,
                                                                                              topology, monkeypatch):
    """The heights were compared only once the whole archive was unpacked beside the data folder, after a killed
    restore's leftovers there were removed and the disk asked for room (a disk too full was said first, not the
    rollback): they are read as the archive is verified, so the refusal comes before anything is written or
    removed, and names the rollback."""
    grow(data, nodes, (7, 8))
    leftover = data.parent / f".{data.name}.restoring-0123abcd"      # a restore killed midway, long ago
    leftover.mkdir()
    os.utime(leftover, (0, 0))
    around = beside(data)
    monkeypatch.setattr(backup_restore, "_read_archive", lambda *a, **k: pytest.fail("the archive was unpacked"))
    monkeypatch.setattr(backup_restore.shutil, "disk_usage", lambda path: SimpleNamespace(free=0))
    with pytest.raises(NetworkError, match=f"{nodes[0].name} channel {CHANNEL} from height 7 to 3"):
        backup_restore.restore_backup(archive_at_3, data, replace=True, topology=topology)
    assert beside(data) == around


def test_block_files_of_the_archive_that_cannot_be_read_are_named_in_the_archive(data, nodes, topology, tmp_path):
    folder = block_store(data, nodes[0])
    (folder / "blockfile_000000").write_bytes(_VarintBytes(5) + b"\xff" * 5)
    archive = tmp_path / "unreadable.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    write_ledger(folder, 2)
    rel = folder.relative_to(data).as_posix()
    with pytest.raises(NetworkError, match=rf"{nodes[0].name} channel {CHANNEL}: its block files cannot be read "
                                           rf"\({rel}/blockfile_000000 in {archive}: the record at byte 0 is no "
                                           rf"block"):
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_the_archives_heights_are_read_as_the_block_files_on_disk_are(tmp_path, chunk):
    """The archive's ledgers are read from its members' bytes as they come (block_files.StreamedLedgers), whatever
    the chunks: each folder's height, or why it cannot be read, is the one block_files.ledgers gives on disk."""
    whole = records(0, 4)
    stores = {
        "several/files": {"blockfile_000000": records(0, 4), "blockfile_000001": records(4, 2),
                          "blockfile_000002": b""},
        "cut/short": {"blockfile_000000": whole[:-7]},
        "length/cut/short": {"blockfile_000000": whole + b"\x80"},
        "empty/store": {"blockfile_000000": b""},
        "no/length": {"blockfile_000000": b"\xff" * 11},
        "empty/record": {"blockfile_000000": whole + b"\x00"},
        # a length no block has (a gigabyte), its record cut short: not held in memory as it comes
        "too/long": {"blockfile_000000": whole + _VarintBytes(1 << 30) + b"\0" * 100},
        "not/a/block": {"blockfile_000000": _VarintBytes(5) + b"\xff" * 5},
        "not/the/last": {"blockfile_000000": _VarintBytes(5) + b"\xff" * 5 + records(1, 1)},
    }
    streamed = block_files.StreamedLedgers()
    for folder, files in stores.items():
        (tmp_path / folder).mkdir(parents=True)
        for name, content in files.items():
            (tmp_path / folder / name).write_bytes(content)
            reader = streamed.reader(f"{folder}/{name}")
            for start in range(0, len(content), chunk):
                reader(content[start:start + chunk])
    on_disk = block_files.ledgers(tmp_path)

    def shown(ledgers):
        return {folder: (ledger.height, ledger.unreadable and ledger.unreadable.split(": ", 1)[1])
                for folder, ledger in ledgers.items()}
    assert shown(streamed.ledgers()) == shown(on_disk)
    assert shown(on_disk)["several/files"] == (6, None) and shown(on_disk)["cut/short"] == (3, None)
    assert shown(on_disk)["too/long"] == (None, f"a record of {1 << 30} bytes at byte {len(whole)}, more than "
                                                f"any block Fabric stores")
