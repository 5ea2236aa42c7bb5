"""`recfin network restore ARCHIVE` given a file that is no archive `recfin network backup` wrote at all
(empty, not gzip, not tar, a tar whose first member is not the manifest): a usage error naming ARCHIVE (exit
2), before the data folder is looked at, nothing written, as a missing ARCHIVE, a folder or a FIFO is. It
exited 1, the code of a backup's own archive refused on what it holds, which still exits 1 (a damaged
member, a stream cut short)."""
import gzip
import hashlib
import io
import json
import os
import tarfile

import pytest

from cli.main import main
from network.backup_archive import FORMAT, FORMAT_VERSION, MANIFEST_NAME


def tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    """A gzip tar of the named files, in order."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue())


def backup_like(listed: bytes, held: bytes) -> bytes:
    """An archive laid out as a backup writes one, its manifest listing data/ledger with the digest of listed,
    the member itself holding held."""
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "channel": "receivables", "org": None,
                "created": "2026-12-01T00:00:00Z", "data_root_mode": 0o700, "folders": [],
                "files": [{"path": "ledger", "size": len(listed), "mode": 0o600,
                           "sha256": hashlib.sha256(listed).hexdigest()}]}
    return tar_gz([(MANIFEST_NAME, json.dumps(manifest).encode()), ("data/ledger", held)])


NOT_BACKUPS = {
    "empty": (b"", "the file is empty"),
    "not gzip": (b"a note, not an archive\n", "it is not a gzip tar archive (Not a gzipped file"),
    "gzip, not tar": (gzip.compress(b"x"), "it is not a gzip tar archive ("),
    "another tar": (tar_gz([("notes/readme.txt", b"hello")]), f"its first member is not {MANIFEST_NAME}"),
}


@pytest.mark.parametrize("content, why", NOT_BACKUPS.values(), ids=NOT_BACKUPS.keys())
def test_a_file_no_backup_wrote_is_a_usage_error_naming_archive_and_nothing_is_written(runner, tmp_path,
                                                                                    content, why):
    archive, target = tmp_path / "recfin-network.tar.gz", tmp_path / "restored"
    archive.write_bytes(content)
    result = runner.invoke(main, ["network", "restore", str(archive), "--data-root", str(target)])
    assert result.exit_code == 2, result.output
    assert (f"Invalid value for 'ARCHIVE': {archive} is not an archive `recfin network backup` wrote: {why}"
            in result.stderr)
    assert "give the file `recfin network backup` wrote" in result.stderr
    assert not target.exists()


def test_the_wrong_file_is_named_before_a_data_folder_that_holds_something(runner, tmp_path):
    archive, target = tmp_path / "notes.tar.gz", tmp_path / "network"
    archive.write_bytes(tar_gz([("notes/readme.txt", b"hello")]))
    target.mkdir()
    (target / "membership.yaml").write_text("added: {}\n")
    result = runner.invoke(main, ["network", "restore", str(archive), "--data-root", str(target)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for 'ARCHIVE'" in result.stderr and "it is not empty" not in result.stderr
    assert sorted(os.listdir(target)) == ["membership.yaml"]


def test_a_backup_with_a_damaged_member_is_still_refused_on_what_it_holds(runner, tmp_path):
    archive, target = tmp_path / "recfin-network.tar.gz", tmp_path / "restored"
    archive.write_bytes(backup_like(b"the ledger as backed up", b"the ledger changed"))
    result = runner.invoke(main, ["network", "restore", str(archive), "--data-root", str(target)])
    assert result.exit_code == 1, result.output
    assert f"refusing to restore {archive}: 'ledger' is" in result.stderr
    assert "Invalid value" not in result.stderr
    assert not target.exists()


def test_a_backup_cut_short_after_its_manifest_is_still_refused_on_what_it_holds(runner, tmp_path):
    ledger = os.urandom(256 << 10)         # incompressible: the cut falls inside it, after the manifest
    whole = backup_like(ledger, ledger)
    archive, target = tmp_path / "recfin-network.tar.gz", tmp_path / "restored"
    archive.write_bytes(whole[:len(whole) // 2])
    result = runner.invoke(main, ["network", "restore", str(archive), "--data-root", str(target)])
    assert result.exit_code == 1, result.output
    assert f"refusing to restore {archive}: it is not a whole gzip tar archive" in result.stderr
    assert not target.exists()
