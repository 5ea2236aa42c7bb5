"""A start whose log cannot be written (its file system full: the data folder's disk) starts nothing and says so,
naming the node, the log and what to do, where it failed with the bare "No space left on device" of the write, which
named neither (`recfin chaincode restart`, `network up`, `backup --stop`'s start)."""
import errno
import os
import sys
from pathlib import Path

import pytest

from cli.output import one_line
from network.errors import NetworkError
from network.supervisor import ProcessSpec, Supervisor

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, whose every write fails with ENOSPC")
def test_a_log_on_a_full_disk_fails_the_start_naming_it_and_starts_nothing(tmp_path):
    log = tmp_path / "server.log"
    os.symlink("/dev/full", log)        # opened for appending as a log is, every write says the disk is full
    spec = ProcessSpec("receivables.bank", SLEEPER, {}, log, tmp_path / "server.pid")

    with pytest.raises(NetworkError) as refused:
        Supervisor().start(spec)

    assert one_line(refused.value) == (
        f"receivables.bank: its log {log} could not be written (No space left on device), so it was not started: "
        f"free space on that disk (`df -h {log.parent}`) or fix the folder's permissions, then run the command "
        f"again")
    assert not spec.pid_file.exists()


def test_a_log_on_a_read_only_filesystem_says_to_remount_it_not_to_free_space(tmp_path, monkeypatch):
    """The filesystem stood in for by the log's open failing with EROFS (the tests may not mount): freeing space or
    mending permissions, which the refusal said to do, does not make it writable."""
    log = tmp_path / "server.log"
    spec = ProcessSpec("receivables.bank", SLEEPER, {}, log, tmp_path / "server.pid")
    opened = open

    def read_only(path, *args, **kwargs):
        if Path(path) == log:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return opened(path, *args, **kwargs)
    monkeypatch.setattr("builtins.open", read_only)

    with pytest.raises(NetworkError) as refused:
        Supervisor().start(spec)

    said = one_line(refused.value)
    assert said == (f"receivables.bank: its log {log} could not be written (Read-only file system), so it was not "
                    f"started: it is on a read-only filesystem: check that disk (`dmesg`), remount it read-write "
                    f"(`df {tmp_path}` names its mount point), then run the command again")
    assert not spec.pid_file.exists()
