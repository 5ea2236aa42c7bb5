"""What `recfin network backup` says named the data folder and the archive bare: in a folder whose path holds a
space (`/srv/recfin data`), a sentence read as naming two paths, and one pasted into a shell took two words. Each
path is quoted as the shell must be given it, as `restore`'s messages quote theirs."""
from __future__ import annotations

import pytest

from network import backup
from network.backup import BackupReport, NetworkRunningError
from network.errors import NetworkError


def test_refusing_while_running_names_the_data_folder_as_one_word(tmp_path, monkeypatch):
    data_root = tmp_path / "recfin data"
    monkeypatch.setattr(backup, "running_processes", lambda root, supervisor: ["peer0.bank (pid 4242)"])
    with pytest.raises(NetworkRunningError) as refused:
        backup.refuse_while_running(data_root, None, "back up", "stop it first")
    assert str(refused.value).startswith(f"refusing to back up while 1 process(es) of '{data_root}' run "
                                         f"(peer0.bank (pid 4242)). Nothing was written: stop it first")


def test_the_report_names_the_data_folder_and_the_archive_as_one_word_each(tmp_path):
    archive, data_root = tmp_path / "last week.tar.gz", tmp_path / "recfin data"
    report = BackupReport(archive, data_root, 3, 10, "0" * 64, "0600", "receivables", None)
    backed_up, wrote = report.lines()
    assert backed_up.startswith(f"backed up '{data_root}' (channel receivables)")
    assert wrote.startswith(f"wrote '{archive}' (sha256 ")


def test_a_folder_without_a_network_is_named_as_one_word(tmp_path):
    data_root = tmp_path / "recfin data"
    data_root.mkdir()
    with pytest.raises(NetworkError) as refused:
        backup._check_request(data_root, tmp_path / "out.tar.gz", False, topology=None)
    assert str(refused.value).startswith(f"no network in '{data_root}' (no crypto/ there)")
