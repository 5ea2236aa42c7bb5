"""A write that fails with an error naming no file (ENOSPC: "No space left on device", raised by the write or
flush of the data) names the file being written: write_atomically's and a FileCheckpointer's error said what
went wrong but not with which file."""

from __future__ import annotations

import errno
import os

import pytest

from client import atomic_file
from client.atomic_file import write_atomically
from client.gateway import FileCheckpointer
from client.user_files import SpecialFile


def _disk_full(monkeypatch):
    def fsync(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(atomic_file.os, "fsync", fsync)


def test_a_durable_write_on_a_full_disk_names_the_file_and_leaves_it_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "profile.yaml"
    target.write_text("old")
    _disk_full(monkeypatch)
    with pytest.raises(OSError) as failed:
        write_atomically(target, "new", durable=True)
    assert (failed.value.errno, failed.value.filename) == (errno.ENOSPC, str(target))
    assert str(failed.value) == f"[Errno {errno.ENOSPC}] {os.strerror(errno.ENOSPC)}: '{target}'"
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["profile.yaml"]


def test_a_folder_that_cannot_be_flushed_names_the_file_written(tmp_path, monkeypatch):
    target = tmp_path / "ca.key"
    calls = []

    def fsync(descriptor):   # the file's flush passes, the folder's fails
        calls.append(descriptor)
        if len(calls) > 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
    monkeypatch.setattr(atomic_file.os, "fsync", fsync)
    with pytest.raises(OSError) as failed:
        write_atomically(target, "key", mode=0o600)
    assert (failed.value.errno, failed.value.filename) == (errno.EIO, str(target))


def test_an_error_naming_its_file_or_none_at_all_is_left_as_it_is(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(SpecialFile, match="is a FIFO"):
        write_atomically(fifo, "x")
    (tmp_path / "there").write_text("x")
    with pytest.raises(FileExistsError) as exists:
        write_atomically(tmp_path / "there", "y", replace=False)
    assert exists.value.filename2 == str(tmp_path / "there")


def test_a_checkpoint_on_a_full_disk_names_the_checkpoint_file(tmp_path, monkeypatch):
    path = tmp_path / "events.json"
    with FileCheckpointer(path) as checkpointer:
        checkpointer.checkpoint_transaction(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5")
        _disk_full(monkeypatch)
        with pytest.raises(OSError) as failed:
            checkpointer.checkpoint_transaction(9, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9")
    assert (failed.value.errno, failed.value.filename) == (errno.ENOSPC, str(path))
    assert str(path) in str(failed.value)
