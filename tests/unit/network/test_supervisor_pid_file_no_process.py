"""A pid file recording a pid that names no process (0, a negative number: process groups to kill() and waitpid(),
0 being the caller's own) is one cut short: nothing is signalled, and no signal ever reaches pid 1 or below, this
process or its group. Signals are recorded, never sent: the old code sent SIGTERM to the test's own group."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from network import supervisor
from network.errors import NetworkError
from network.supervisor import Supervisor, _signal_group, _Target

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def signals(monkeypatch):
    """Every kill()/killpg() the supervisor makes, as (call, pid, signal), none sent but signal 0 (a look)."""
    sent = []
    real_kill, real_killpg = os.kill, os.killpg

    def kill(pid, sig):
        sent.append(("kill", pid, sig))
        if sig == 0 and pid > 0:
            real_kill(pid, sig)

    def killpg(pgid, sig):
        sent.append(("killpg", pgid, sig))
        if sig == 0 and pgid > 0:
            real_killpg(pgid, sig)

    monkeypatch.setattr(supervisor.os, "kill", kill)
    monkeypatch.setattr(supervisor.os, "killpg", killpg)
    return sent


@pytest.mark.parametrize("pid", [0, -os.getpgrp(), -1, True, 1.5, "4242", None],
                         ids=["0", "minus-own-group", "minus-1", "true", "float", "string", "null"])
def test_a_pid_file_recording_no_positive_pid_is_one_cut_short(tmp_path, signals, pid):
    pid_file = tmp_path / "peer0.bank" / "node.pid"
    pid_file.parent.mkdir()
    pid_file.write_text(json.dumps({"pid": pid, "exe": "/usr/bin/peer", "name": "peer0.bank"}))
    sup = Supervisor(grace=0.1, poll_interval=0.01)
    found = sup.find(pid_file)
    assert found.pid is None and not found.alive
    assert sup.running_pid(pid_file) is None
    assert sup.stop(pid_file) is False
    assert not pid_file.exists()            # nothing carries its tag: deleted, as a pid file cut short is
    assert [each for each in signals if each[2] != 0] == []


@pytest.mark.parametrize("pid, group", [(0, True), (-os.getpgrp(), True), (-1, False), (1, True), (1, False),
                                        (os.getpgrp(), True), (os.getpid(), False)],
                         ids=["group-0", "minus-own-group", "minus-1", "group-1", "pid-1", "own-group", "own-pid"])
def test_no_signal_reaches_pid_1_or_below_nor_this_process_or_its_group(signals, pid, group):
    with pytest.raises(NetworkError, match=f"{pid} not signalled"):
        _Target(pid, group=group).send(signal.SIGTERM)
    if group:
        with pytest.raises(NetworkError, match=f"process group {pid} not signalled"):
            _signal_group(pid, signal.SIGKILL)
    assert signals == []


def test_network_down_with_a_pid_file_recording_pid_0_stops_nothing_and_survives(tmp_path):
    node = tmp_path / "network" / "nodes" / "peer0.bank"
    node.mkdir(parents=True)
    (tmp_path / "network" / "crypto").mkdir()
    (node / "node.pid").write_text(json.dumps({"pid": 0, "exe": "/usr/bin/peer", "name": "peer0.bank"}))
    env = dict(os.environ, RECFIN_HOME=str(tmp_path))
    # A session of its own: a SIGTERM to "group 0" reaches the command alone (killed: returncode -15), not pytest.
    for command in (["status"], ["down"]):
        done = subprocess.run([sys.executable, "-m", "cli", "network", *command], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120, start_new_session=True)
        assert done.returncode >= 0, (command, done.returncode, done.stderr)
        if command == ["status"]:
            bank = next(line for line in done.stdout.splitlines() if line.startswith("peer0.bank"))
            assert bank.split()[4] == "-"       # no pid: not taken for a running node
    assert done.returncode == 0 and "network down: 0 process(es) stopped" in done.stdout, done.stdout + done.stderr
    assert not (node / "node.pid").exists()
