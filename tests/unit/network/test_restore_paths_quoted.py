"""What `recfin network restore` says named its paths bare: in a data folder or archive whose path holds a space
(`/srv/recfin data`, `/backups/last week.tar.gz`), a sentence read as naming another path, and one pasted took two
words for two paths. Each path is quoted as the shell must be given it, as the commands those sentences give are."""
from __future__ import annotations

from pathlib import Path

import pytest

from network import backup_restore
from network.backup_restore import RestoreReport
from network.errors import NetworkError


def test_the_report_names_the_archive_and_folders_as_one_word_each(tmp_path):
    archive, data_root = tmp_path / "last week.tar.gz", tmp_path / "recfin data"
    aside = tmp_path / "recfin data.before-restore-20261206T000000Z"
    leftover = tmp_path / ".recfin data.restoring-0a1b2c3d"
    report = RestoreReport(archive, data_root, 1, 1, "0" * 64, "receivables", None, "now", moved_aside=aside,
                           leftovers_kept=[leftover])
    said = "\n".join(report.lines())
    assert f"verified '{archive}' (sha256 " in said
    assert f"bytes into '{data_root}'" in said
    assert f"what was there is kept in '{aside}'" in said
    assert f"left '{leftover}': a restore killed midway" in said


def test_an_archive_that_is_a_folder_is_named_as_one_word(tmp_path):
    archive = tmp_path / "last week.tar.gz"
    archive.mkdir()
    with pytest.raises(NetworkError) as refused:
        backup_restore.restore_backup(archive, tmp_path / "restored")
    assert str(refused.value).startswith(f"'{archive}' is not a file: ")


def test_a_folder_inside_the_repository_is_named_as_one_word(tmp_path, monkeypatch):
    repository = tmp_path / "my checkout"
    (repository / "network").mkdir(parents=True)
    monkeypatch.setattr(backup_restore, "REPO_ROOT", repository)
    said = backup_restore._not_a_data_folder_to_move(Path(repository / "network"))
    assert said == (f"it is inside the repository '{repository}', whose only data folders are under "
                    f"'{repository / '.recfin'}'")
