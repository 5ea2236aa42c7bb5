"""A restore into a new folder that another command (an `up`, a second restore) fills while the archive is read
is refused in words that say what happened and what to do, leaving what was written there alone and the restore's
own files removed, where it failed with the OS's bare "Directory not empty"."""
from __future__ import annotations

import pytest

from network import backup, backup_restore
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError


def test_a_folder_filled_while_the_archive_is_read_is_refused_and_left_as_filled(data_root, topology, tmp_path,
                                                                              monkeypatch):
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data_root, archive, topology=topology)
    target = tmp_path / "restored"
    verify = backup_restore.verify_archive

    def verify_then_fill(*args, **kwargs):
        checked = verify(*args, **kwargs)
        target.mkdir()
        (target / "written-meanwhile").write_text("an `up` started here\n")
        return checked

    monkeypatch.setattr(backup_restore, "verify_archive", verify_then_fill)
    with pytest.raises(NetworkError, match="it filled while the archive was read .* restore again with --replace"):
        backup_restore.restore_backup(archive, target, topology=topology)
    assert sorted(path.name for path in target.iterdir()) == ["written-meanwhile"]
    left_beside = {path.name for path in target.parent.iterdir()} - {data_root.name, archive.name, target.name}
    assert left_beside == set()      # no staging folder of the restore's
