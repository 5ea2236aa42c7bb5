"""A peer joined from a snapshot (`peer channel joinbysnapshot`) holds no block up to the snapshot's: its block store
is laid out as Fabric's blkstorage lays it then (bootstrappingSnapshotInfo in bootstrappingSnapshot.info, an empty
blockfile_000000 that takes the next block). Its height is the snapshot's last block + 1, as Fabric counts it, not 0:
read as 0, a restore over it of an archive holding fewer of the channel's blocks went through as no rollback."""
from __future__ import annotations

import hashlib

import pytest

from network import backup, backup_restore, block_files
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError

from .fabric_block_files import snapshot_info
from .test_restore_rollback import CHANNEL, block_store, records, write_ledger

LAST_IN_SNAPSHOT = 9


def join_from_snapshot(folder, last=LAST_IN_SNAPSHOT):
    """The block store as Fabric leaves it once the peer joined from a snapshot of the channel at block last."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / block_files.SNAPSHOT_INFO).write_bytes(
        snapshot_info(last, hashlib.sha256(b"last").digest(), hashlib.sha256(b"previous").digest()))
    (folder / "blockfile_000000").write_bytes(b"")


def test_a_block_store_joined_from_a_snapshot_has_the_snapshots_height(tmp_path):
    join_from_snapshot(tmp_path)
    assert block_files.height(tmp_path) == LAST_IN_SNAPSHOT + 1
    # the first block after it, once committed, gives the height as for any other block store
    (tmp_path / "blockfile_000000").write_bytes(records(LAST_IN_SNAPSHOT + 1, 2))
    assert block_files.height(tmp_path) == LAST_IN_SNAPSHOT + 3


def test_a_snapshot_of_block_0_and_a_store_before_its_first_file(tmp_path):
    join_from_snapshot(tmp_path, last=0)
    (tmp_path / "blockfile_000000").unlink()       # stopped before its block files were opened
    assert block_files.height(tmp_path) == 1
    assert block_files.ledgers(tmp_path.parent)[tmp_path.name].height == 1


def test_snapshot_information_that_is_not_fabrics_is_named(tmp_path):
    join_from_snapshot(tmp_path)
    (tmp_path / block_files.SNAPSHOT_INFO).write_bytes(b"\x08")     # a field cut short
    with pytest.raises(block_files.UnreadableLedger, match="bootstrappingSnapshot.info: not the snapshot "
                                                           "information Fabric writes"):
        block_files.height(tmp_path)


@pytest.fixture
def archive_at_3(data_root, topology, nodes, tmp_path):
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    for node in nodes:
        write_ledger(block_store(data_root, node), 3)
    archive = tmp_path / "backup.tar.gz"
    backup.write_backup(data_root, archive, topology=topology)
    return archive


@pytest.fixture
def nodes(topology):
    return [topology.peers(topology.orgs[0].name)[0], topology.orderers()[0]]


def test_a_restore_over_a_peer_joined_from_a_later_snapshot_is_a_rollback(data_root, archive_at_3, nodes, topology):
    peer = nodes[0]
    store = block_store(data_root, peer)
    for path in store.iterdir():
        path.unlink()
    join_from_snapshot(store)
    with pytest.raises(NetworkError, match=f"{peer.name} channel {CHANNEL} from height {LAST_IN_SNAPSHOT + 1} to 3"):
        backup_restore.restore_backup(archive_at_3, data_root, replace=True, topology=topology)
    assert block_files.height(store) == LAST_IN_SNAPSHOT + 1


def test_an_archive_of_a_peer_joined_from_a_snapshot_restores_over_a_lower_one(data_root, nodes, topology, tmp_path):
    peer, orderer = nodes
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    join_from_snapshot(block_store(data_root, peer))
    write_ledger(block_store(data_root, orderer), LAST_IN_SNAPSHOT + 1)
    archive = tmp_path / "backup.tar.gz"
    backup.write_backup(data_root, archive, topology=topology)
    write_ledger(block_store(data_root, peer), 4)
    (block_store(data_root, peer) / block_files.SNAPSHOT_INFO).unlink()
    report = backup_restore.restore_backup(archive, data_root, replace=True, topology=topology)
    assert report.rolled_back == []
    assert block_files.height(block_store(data_root, peer)) == LAST_IN_SNAPSHOT + 1


def test_snapshot_information_far_larger_than_fabrics_is_named_unread(tmp_path):
    """A file of that name far larger than the message Fabric writes (a number and two hashes) is none of its:
    named, and not read whole, on disk or in an archive."""
    join_from_snapshot(tmp_path)
    info = tmp_path / block_files.SNAPSHOT_INFO
    info.write_bytes(info.read_bytes() + b"\x12" + b"\xff\xff\x3f" + b"\0" * ((1 << 20) - 1))
    with pytest.raises(block_files.UnreadableLedger, match="not the snapshot information Fabric writes"):
        block_files.height(tmp_path)
    streamed = block_files.StreamedLedgers()
    reader = streamed.reader(f"chain/{block_files.SNAPSHOT_INFO}")
    content = info.read_bytes()
    for start in range(0, len(content), 4096):
        reader(content[start:start + 4096])
    ledger = streamed.ledgers()["chain"]
    assert ledger.height is None and "not the snapshot information Fabric writes" in ledger.unreadable
