"""A process in the middle of an exec shows an empty command line as well as an empty environment: a pid file
matched by command line (one written before the tag, or another user's process, whose environment cannot be
read) read it then as stopped. Its command line is read again once the exec is done, as its environment is.
The exec's window is forced by a stand-in for the read of /proc/PID/cmdline: no timing."""
import json
import os

import pytest

from network import supervisor as supervisor_module
from network.supervisor import ProcessSpec, Supervisor

from .test_supervisor import kill_group
from .test_supervisor_mid_exec import mid_exec_for


@pytest.fixture
def untagged(tmp_path):
    """A `sleep` started as a node is, its pid file rewritten as an earlier version wrote it (no tag)."""
    pid_file = tmp_path / "node" / "node.pid"
    node = ProcessSpec("node", ["sleep", "600"], dict(os.environ), tmp_path / "node.log", pid_file)
    pid, _ = Supervisor().start(node)
    record = json.loads(pid_file.read_text())
    del record["tag"]
    pid_file.write_text(json.dumps(record))
    yield pid, pid_file
    kill_group(pid)


def test_an_untagged_record_s_node_read_mid_exec_is_found_running_once_the_exec_is_done(untagged,
                                                                                         monkeypatch):
    pid, pid_file = untagged
    reads = mid_exec_for(monkeypatch, pid, reads=2, proc_file="cmdline")
    found = Supervisor().find(pid_file)
    assert (found.pid, found.alive) == (pid, True)
    assert len(reads) == 3
    assert Supervisor().running_pid(pid_file) == pid


def test_an_empty_cmdline_is_not_waited_for_when_the_start_time_is_another_process_s(untagged, monkeypatch):
    """A recycled pid (another start time) is not the recorded process: read once, found stopped, no wait."""
    pid, pid_file = untagged
    record = json.loads(pid_file.read_text())
    record["start_time"] = int(record["start_time"]) + 1
    pid_file.write_text(json.dumps(record))
    reads = mid_exec_for(monkeypatch, pid, reads=None, proc_file="cmdline")
    monkeypatch.setattr(supervisor_module.time, "sleep",
                        lambda seconds: pytest.fail("waited for another process"))
    assert Supervisor().find(pid_file).alive is False
    assert reads == [pid]


def test_a_recorded_process_whose_cmdline_stays_empty_is_not_the_node(untagged, monkeypatch):
    pid, pid_file = untagged
    monkeypatch.setattr(supervisor_module, "EXEC_SETTLE_SECONDS", 0.0)
    reads = mid_exec_for(monkeypatch, pid, reads=None, proc_file="cmdline")
    assert Supervisor().find(pid_file).alive is False
    assert reads == [pid, pid]      # the first read, and one more once the wait (none here) is over
