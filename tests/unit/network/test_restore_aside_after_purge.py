"""`restore --replace` keeps what the data folder held as DIR.before-restore-<timestamp>. Once that restore
has finished, and the restored folder is removed to start over (`down --purge`), `up` must start anew: it
refused, taking the finished restore's aside for one a restore killed midway left, and named `mv` of the
folder from before the restore as the way back. An aside no finished restore marked is still refused."""
from __future__ import annotations

import pytest

from network import backup, backup_restore, control
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError


@pytest.fixture
def data(data_root):
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    return data_root


def test_up_after_a_finished_restore_and_a_purge_starts_anew(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    report = backup_restore.restore_backup(out, data, replace=True)
    assert report.moved_aside is not None and (report.moved_aside / "crypto").is_dir()
    control.remove_data_root(data, lambda line: None)           # `recfin network down --purge`
    assert not data.exists() and report.moved_aside.is_dir()      # the folder from before the restore is kept
    control._refuse_where_a_restore_stopped(data)                # what `up` checks first: nothing to refuse
    again = backup_restore.restore_backup(out, data)
    assert again.interrupted_asides == []


def test_an_aside_no_finished_restore_marked_is_still_refused(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    aside = backup_restore.restore_backup(out, data, replace=True).moved_aside
    for mark in tmp_path.glob(f".{aside.name}*"):   # as a restore killed between its renames leaves it
        mark.unlink()
    control.remove_data_root(data, lambda line: None)
    with pytest.raises(NetworkError, match="a `recfin network restore --replace` stopped midway"):
        control._refuse_where_a_restore_stopped(data)
