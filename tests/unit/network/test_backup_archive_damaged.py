"""An archive damaged on its disk or on its way (a bit flipped) is refused as damaged, naming gzip's own check,
not as one changed since the backup: tarfile reads the corrupted bytes on and the first check to fail was a
member's digest ("changed since the backup"), the manifest ("not JSON") or a member header read as the tar
archive's end ("its manifest lists N entries the archive lacks"), none of which says to take another copy."""
from __future__ import annotations

import gzip
import io
import tarfile
import zlib

import pytest

from network import backup, backup_restore
from network.backup_archive import BackupArchiveError


@pytest.fixture
def archive(data_root, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data_root, out, topology=topology)
    return out


@pytest.mark.parametrize("where", [0.3, 0.5, 0.7, 0.9])
def test_a_flipped_bit_is_refused_as_damage_and_nothing_is_written(archive, tmp_path, where):
    whole = bytearray(archive.read_bytes())
    whole[int(len(whole) * where)] ^= 0x10
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(whole))
    target = tmp_path / "restored"
    with pytest.raises(BackupArchiveError) as refused:
        backup_restore.restore_backup(damaged, target)
    said = str(refused.value)
    assert "not a whole gzip tar archive" in said or (
        "is damaged: its gzip data fails gzip's own check" in said and "use another copy of the backup" in said), said
    assert "changed since the backup" not in said
    assert not target.exists()


def test_a_member_changed_in_an_archive_gzip_finds_whole_is_still_refused_as_changed(archive, tmp_path):
    # gzip's check passes: the file was made so, not damaged
    raw = bytearray(gzip.decompress(archive.read_bytes()))
    with tarfile.open(fileobj=io.BytesIO(bytes(raw))) as tar:
        member = next(m for m in tar.getmembers() if m.isfile() and m.size > 16 and m.name.startswith("data/"))
    raw[member.offset_data] ^= 0x10
    changed = tmp_path / "changed.tar.gz"
    changed.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(BackupArchiveError, match="does not match its digest in the manifest"):
        backup_restore.restore_backup(changed, tmp_path / "restored")



def compressed_offset(archive, unpacked_offset: int) -> int:
    """The offset in the gzip file of the deflate data that unpacks to the tar stream's byte ``unpacked_offset``."""
    data = archive.read_bytes()
    inflating, unpacked = zlib.decompressobj(16 + zlib.MAX_WBITS), 0
    for fed in range(0, len(data), 64):
        unpacked += len(inflating.decompress(data[fed:fed + 64]))
        if unpacked > unpacked_offset:
            return fed
    raise AssertionError(f"{archive} unpacks to less than {unpacked_offset} bytes")


@pytest.mark.parametrize("where", ["in the manifest", "after the manifest"])
def test_damage_before_a_raft_wal_segment_of_zeros_is_refused_as_damage(data_root, topology, tmp_path, where):
    # an orderer's raft WAL segment is a 64 MiB file preallocated with zeros, which gzip packs a thousandfold: the
    # stream after the flipped bit unpacks to more than 64 times the archive's size
    wal = data_root / "orderers" / "orderer0" / "etcdraft" / "wal"
    wal.mkdir(parents=True)
    with open(wal / "0000000000000000-0000000000000000.wal", "wb") as segment:
        segment.write(b"\x01" * 4096)
        segment.truncate(80 << 20)
    archive = tmp_path / "backup.tar.gz"
    backup.write_backup(data_root, archive, topology=topology)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
    manifest_end = members[0].offset_data + members[0].size
    segment_start = next(m for m in members if m.name.endswith(".wal")).offset
    start, end = compressed_offset(archive, members[0].offset_data + 64), compressed_offset(archive, manifest_end)
    if where == "after the manifest":
        start, end = end + 64, compressed_offset(archive, segment_start) - 64
    whole = bytearray(archive.read_bytes())
    whole[(start + end) // 2] ^= 0x10
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(whole))
    with pytest.raises(BackupArchiveError) as refused:
        backup_restore.restore_backup(damaged, tmp_path / "restored")
    said = str(refused.value)
    assert "not a whole gzip tar archive" in said or "is damaged: its gzip data fails gzip's own check" in said, said
