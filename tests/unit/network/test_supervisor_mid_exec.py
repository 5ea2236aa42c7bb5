"""A process in the middle of an exec shows no environment (/proc/PID/environ reads empty until the kernel
has set up the new program's stack), and Popen returns before that: a node start() has just started, or one a
wrapper execs, read then by another recfin (`recfin network status`, the integration suite's check for a
developer's network) carries no tag yet. It is read again once the exec is done, not found stopped. The exec's
window is forced here by a stand-in for the read of /proc/PID/environ: no timing."""
import os
from pathlib import Path

import pytest

from network import supervisor as supervisor_module
from network.supervisor import ProcessSpec, Supervisor

from .test_supervisor import kill_group


@pytest.fixture
def sleeping(tmp_path):
    """A `sleep` started as a node is, by a Supervisor other than the ones that look at it; killed after."""
    pid_file = tmp_path / "node" / "node.pid"
    node = ProcessSpec("node", ["sleep", "600"], dict(os.environ), tmp_path / "node.log", pid_file)
    pid, _ = Supervisor().start(node)
    yield pid, pid_file
    kill_group(pid)


def mid_exec_for(monkeypatch, pid: int, reads: int | None, proc_file: str = "environ") -> list[int]:
    """/proc/<pid>/<proc_file> (``environ`` or ``cmdline``, as the supervisor's ``_environ`` and ``_cmdline``
    read them) reads empty, as in the middle of an exec, for its first ``reads`` reads (None: every read); the
    reads of it made, counted in the list returned."""
    reader = f"_{proc_file}"
    real_read = getattr(supervisor_module, reader)
    made: list[int] = []

    def read(each: int) -> bytes | None:
        if each != pid:
            return real_read(each)
        made.append(each)
        return b"" if reads is None or len(made) <= reads else real_read(each)
    monkeypatch.setattr(supervisor_module, reader, read)
    return made


def test_a_node_read_in_the_middle_of_its_exec_is_found_running_once_the_exec_is_done(sleeping, monkeypatch):
    pid, pid_file = sleeping
    reads = mid_exec_for(monkeypatch, pid, reads=2)
    found = Supervisor().find(pid_file)
    assert (found.pid, found.alive, found.runs_for) == (pid, True, None)
    assert len(reads) == 3
    assert Supervisor().running_pid(pid_file) == pid


def test_a_recorded_process_whose_environment_stays_empty_carries_no_tag_and_is_not_the_node(sleeping,
                                                                                               monkeypatch):
    """One that cleared its environment (or whose exec never ends) is judged as before once the wait is over:
    no tag, so not this pid file's process, and never signalled as it."""
    pid, pid_file = sleeping
    monkeypatch.setattr(supervisor_module, "EXEC_SETTLE_SECONDS", 0.0)
    reads = mid_exec_for(monkeypatch, pid, reads=None)
    found = Supervisor().find(pid_file)
    assert (found.pid, found.alive) == (pid, False)
    assert reads == [pid]
    assert Path(f"/proc/{pid}").exists()        # left running: it was not taken for the node, so not stopped


def test_an_empty_environment_of_a_process_that_has_exited_is_not_waited_for(sleeping, monkeypatch):
    """Gone in the middle of its exec (its program failed to load): found stopped at once, not waited for."""
    pid, pid_file = sleeping
    reads = mid_exec_for(monkeypatch, pid, reads=None)
    lives = iter([False])
    monkeypatch.setattr(supervisor_module, "_lives", lambda each, start_time=None: next(lives))
    monkeypatch.setattr(supervisor_module.time, "sleep",
                        lambda seconds: pytest.fail("waited for an exited process"))
    assert Supervisor().find(pid_file).alive is False
    assert reads == [pid]
