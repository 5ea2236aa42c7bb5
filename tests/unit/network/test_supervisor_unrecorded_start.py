"""A start whose pid file cannot be written stops the process it started: recorded nowhere, it would run on
unseen by `down` (which finds processes by their pid files), and `down --purge` would delete the data folder
under it."""
import errno
import json
import os
import re
import signal
from pathlib import Path

import pytest

from network import supervisor
from network.errors import NetworkError
from network.supervisor import Supervisor

from .test_supervisor import SLEEPER, STUBBORN, spec


@pytest.fixture
def started():
    """The pids of the processes a test started. At teardown any still running, left by a start that did not
    stop it (the test then fails), is killed: SLEEPER and STUBBORN loop for ever."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue            # gone, as the start should have left it
        if b"time.sleep(0.05)" in command_line:     # still the test's, not a process given its pid since
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def full_disk(monkeypatch, started):
    """write_atomically failing as on a full disk; the pids of the records it was given."""
    def write_atomically(path, data):
        started.append(json.loads(data)["pid"])
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setattr(supervisor, "write_atomically", write_atomically)
    return started


def runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("code", [SLEEPER, STUBBORN], ids=["sleeper", "ignoring-sigterm"])
def test_a_process_whose_pid_file_cannot_be_written_is_stopped(tmp_path, full_disk, code):
    sp = spec(tmp_path, code)
    sup = Supervisor(grace=0.5, poll_interval=0.02)
    refusal = (rf"^node: its pid file {re.escape(str(sp.pid_file))} could not be written \(No space left on "
               r"device\), and nothing else would record the process: the process started \(pid \d+\) was "
               r"stopped\. Free the space")
    with pytest.raises(NetworkError, match=refusal):
        sup.start(sp)
    [pid] = full_disk
    assert not runs(pid) and not sp.pid_file.exists()


def test_an_interrupt_while_the_pid_file_is_written_stops_the_process_and_goes_on(tmp_path, monkeypatch,
                                                                                   started):
    def interrupted(path, data):
        started.append(json.loads(data)["pid"])
        raise KeyboardInterrupt
    monkeypatch.setattr(supervisor, "write_atomically", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Supervisor(grace=0.5, poll_interval=0.02).start(spec(tmp_path, SLEEPER))
    [pid] = started
    assert not runs(pid)
