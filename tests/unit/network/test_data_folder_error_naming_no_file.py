"""An OSError that names no file (a write to a file already open on a full disk, a signal refused to another user's
process) was reported as the data folder's: "`recfin network up` could not write <data folder> (No space left on
device), in the data folder <data folder>", which sends the operator to a disk that may have room while the full
one is elsewhere (the temporary folder's, say). It now names the operation that failed and says that the error
names no file."""
from __future__ import annotations

import errno
import os
import tempfile

import pytest

from network.control import writes_said
from network.errors import DataRootNotWritable


def append_to_an_open_file():
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def signal_another_users_process():
    raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))


def refusal(data_root, operation) -> str:
    with pytest.raises(DataRootNotWritable) as refused:
        with writes_said(data_root, "recfin network up"):
            operation()
    return str(refused.value)


def test_a_full_disk_naming_no_file_is_not_laid_at_the_data_folder(tmp_path):
    root = tmp_path.resolve()
    said = refusal(tmp_path, append_to_an_open_file)
    assert said.startswith(f"`recfin network up` failed in append_to_an_open_file "
                           f"({os.path.basename(__file__)}:")
    assert (f"(No space left on device), an error that names no file, so not necessarily one in the data folder "
            f"{root}: free space on the disk it was writing: the data folder's (`df -h {root}`;") in said
    assert f"or the temporary folder's (`df -h {tempfile.gettempdir()}`)" in said
    assert said.endswith("then run `recfin network up` again: it goes on from what is written")
    assert f"could not write {root}" not in said


def test_a_permission_error_naming_no_file_names_the_operation(tmp_path):
    root = tmp_path.resolve()
    said = refusal(tmp_path, signal_another_users_process)
    assert said.startswith("`recfin network up` failed in signal_another_users_process (")
    assert f"(Operation not permitted), an error that names no file, so not necessarily one in the data folder " \
           f"{root}: run the command as the user who may write {root}" in said


def test_an_error_naming_no_file_that_no_advice_fits_is_left_as_it_is(tmp_path):
    with pytest.raises(OSError) as raised:
        with writes_said(tmp_path, "recfin network up"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
    assert type(raised.value) is OSError


def test_a_temporary_folder_with_a_line_break_is_said_on_one_line(tmp_path, monkeypatch):
    # `df -h` of it is said as a shell reads it back to the same folder, in ANSI-C quotes, not over two lines
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp\nfolder"))
    said = refusal(tmp_path, append_to_an_open_file)
    assert "\n" not in said
    assert f"or the temporary folder's (`df -h $'{tmp_path}/tmp\\nfolder'`)" in said
