"""An archive is restored only as `recfin network backup` wrote it, to its last byte: tarfile stops reading at
the block that ends the tar archive, so the gzip stream's end (its CRC and length) went unread, and an archive
cut short in its last bytes, or with another archive appended, was restored and reported verified."""
from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from network import backup, backup_restore
from network.backup_archive import BackupArchiveError


@pytest.fixture
def archive(data_root, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data_root, out, topology=topology)
    return out


def appended_archive() -> bytes:
    written = io.BytesIO()
    with tarfile.open(fileobj=written, mode="w:gz") as tar:
        member = tarfile.TarInfo("data/planted")
        member.size = 7
        tar.addfile(member, io.BytesIO(b"planted"))
    return written.getvalue()


@pytest.mark.parametrize("change, why", [
    (lambda whole: whole[:-1], "not a whole gzip tar archive"),           # the gzip trailer's last byte
    (lambda whole: whole[:-8], "not a whole gzip tar archive"),           # its CRC and length
    (lambda whole: whole + appended_archive(), "appended to it"),
    (lambda whole: whole + gzip.compress(b"\0" * 512 + b"x"), "appended to it"),
    (lambda whole: whole + b"not gzip at all", "not a whole gzip tar archive"),
], ids=["last-byte-cut", "trailer-cut", "archive-appended", "data-appended", "garbage-appended"])
def test_an_archive_cut_short_at_its_end_or_added_to_is_refused(archive, tmp_path, change, why):
    changed = tmp_path / "changed.tar.gz"
    changed.write_bytes(change(archive.read_bytes()))
    target = tmp_path / "restored"
    with pytest.raises(BackupArchiveError, match=why):
        backup_restore.restore_backup(changed, target)
    assert not target.exists()


def test_the_archive_as_written_is_restored(archive, tmp_path):
    report = backup_restore.restore_backup(archive, tmp_path / "restored")
    assert report.files and (tmp_path / "restored" / "crypto").is_dir()
