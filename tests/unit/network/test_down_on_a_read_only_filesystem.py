"""`down` on a data folder whose filesystem went read-only while the network ran (the kernel remounts one so after disk
errors): the run lock could not be written, so `down` refused, saying to remount it read-write, which the nodes
holding their files open on it prevent until they stop. It now holds the lock through a descriptor opened for
reading, stops every process, and leaves their pid files (which cannot be removed), saying so; a purge, which must
write there, is still refused. The read-only filesystem is stood in for by the calls that write there failing with
EROFS (the tests run as root, and may not mount)."""
import errno
import os
import sys
from pathlib import Path

import pytest

from network import control, nodeconfig
from network.control import Network
from network.errors import DataRootNotWritable
from network.supervisor import ProcessSpec

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def read_only(m, folder: Path) -> None:
    """Writing any file under folder, or removing one, fails as on a read-only filesystem."""
    opened, unlink = os.open, Path.unlink

    def open_for_reading_only(path, flags, *args, **kwargs):
        if Path(path).is_relative_to(folder) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return opened(path, flags, *args, **kwargs)

    def no_removal(path, *args, **kwargs):
        if path.is_relative_to(folder):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return unlink(path, *args, **kwargs)
    m.setattr(os, "open", open_for_reading_only)
    m.setattr(Path, "unlink", no_removal)


@pytest.fixture
def running_bank_peer(data_folder, supervisor):
    """The data folder as a network that ran leaves it (marked, its run lock made), peer0.bank running."""
    sup, start = supervisor
    (data_folder / control.DATA_ROOT_MARKER).write_text(control.MARKER_TEXT)
    (data_folder / control.RUN_LOCK_FILE).write_text("")
    dirs = nodeconfig.node_dirs(data_folder, "peer0.bank")
    pid, _ = start(ProcessSpec("peer0.bank", SLEEPER, {}, dirs.log, dirs.pid))
    return sup, dirs.pid, pid


def test_down_stops_the_processes_and_says_their_pid_files_are_left(data_folder, running_bank_peer, monkeypatch):
    sup, pid_file, pid = running_bank_peer
    said: list[str] = []
    net = Network.load(None, timeout=5, supervisor_=sup, say=said.append)
    with monkeypatch.context() as m:
        read_only(m, data_folder.resolve())
        assert net.down() == ["peer0.bank"]
    assert sup.running_pid(pid_file) is None
    assert pid_file.exists()
    assert said[-1].startswith(f"{data_folder} is on a read-only filesystem: its pid files were left as they are")


def test_a_purge_is_still_refused_and_stops_nothing(data_folder, running_bank_peer, monkeypatch):
    sup, pid_file, pid = running_bank_peer
    net = Network.load(None, timeout=5, supervisor_=sup, say=lambda _line: None)
    with monkeypatch.context() as m:
        read_only(m, data_folder.resolve())
        with pytest.raises(DataRootNotWritable) as refused:
            net.down(purge=True)
    assert sup.running_pid(pid_file) == pid
    # remounting read-write, which the running processes prevent, or another data folder, which purges nothing here,
    # is not the way on: a down without --purge first, which stops them
    assert str(refused.value) == (
        f"`recfin network down --purge` cannot delete {data_folder.resolve()}: it is on a read-only filesystem (the "
        f"kernel remounts one so after disk errors); nothing was stopped or deleted. Run `recfin network down` "
        f"without --purge, which stops the processes on a read-only filesystem too (they hold it busy until they "
        f"stop); then check the disk, remount it read-write and run `recfin network down --purge` again")
