"""The supervisor against real child processes (small Python programs, not Fabric)."""
import json
import os
import sys

import pytest

from network.errors import NodeTimeoutError
from network.supervisor import ProcessSpec, Supervisor, follow, tail

SLEEPER = "import time\nprint('ready', flush=True)\nwhile True: time.sleep(0.05)\n"
STUBBORN = ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ignoring SIGTERM', flush=True)\nwhile True: time.sleep(0.05)\n")


def spec(tmp_path, code, name="node"):
    return ProcessSpec(name, [sys.executable, "-c", code], dict(os.environ), tmp_path / f"{name}.log",
                       tmp_path / f"{name}.pid")


@pytest.fixture
def sup():
    s = Supervisor(grace=0.5, poll_interval=0.02)
    started = []
    real_start = s.start

    def start(sp):
        pid, new = real_start(sp)
        started.append(sp.pid_file)
        return pid, new

    s.start = start
    yield s
    for pid_file in started:
        s.stop(pid_file)


def test_start_writes_pid_and_log_in_its_own_group(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid, started = sup.start(sp)
    assert started
    assert json.loads(sp.pid_file.read_text())["pid"] == pid
    assert os.getpgid(pid) == pid != os.getpgid(0)
    sup.wait_until(lambda: "ready" in sp.log.read_text(), what="ready", name="node", log=sp.log, timeout=10)
    assert sp.log.read_text().startswith("==== recfin: starting node")
    assert sup.running_pid(sp.pid_file) == pid


def test_starting_a_running_process_leaves_it_alone(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid, _ = sup.start(sp)
    again, started = sup.start(sp)
    assert (again, started) == (pid, False)


def test_stop_terminates_and_removes_the_pid_file(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid, _ = sup.start(sp)
    assert sup.stop(sp.pid_file) is True
    assert sup.running_pid(sp.pid_file) is None and not sp.pid_file.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert sup.stop(sp.pid_file) is False


def test_stop_kills_what_ignores_sigterm(tmp_path, sup):
    sp = spec(tmp_path, STUBBORN)
    pid, _ = sup.start(sp)
    sup.wait_until(lambda: "ignoring" in sp.log.read_text(), what="ready", name="n", log=sp.log, timeout=10)
    assert sup.stop(sp.pid_file)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_pid_file_naming_another_program_is_not_ours(tmp_path, sup):
    pid_file = tmp_path / "x.pid"
    pid_file.write_text(json.dumps({"pid": os.getpid(), "exe": "/opt/not/this/program"}))
    assert sup.running_pid(pid_file) is None
    assert sup.stop(pid_file) is False          # and nothing was signalled: we are still here
    pid_file.write_text("garbage")
    assert sup.running_pid(pid_file) is None


def test_wait_until_times_out_naming_node_and_log(tmp_path):
    now = [0.0]
    s = Supervisor(clock=lambda: now[0], sleep=lambda dt: now.__setitem__(0, now[0] + dt))
    log = tmp_path / "peer.log"
    log.write_text("starting\nERRO cannot bind 127.0.0.1:7051\n")
    with pytest.raises(NodeTimeoutError) as err:
        s.wait_until(lambda: False, what="healthy /healthz", name="peer0.bank", log=log, timeout=5)
    msg = str(err.value)
    assert "peer0.bank: healthy /healthz not reached within 5s" in msg
    assert str(log) in msg and "cannot bind" in msg
    assert now[0] >= 5


def test_wait_until_fails_fast_when_the_process_died(tmp_path, sup):
    sp = spec(tmp_path, "import sys; print('fatal: bad config', flush=True); sys.exit(3)")
    sup.start(sp)
    with pytest.raises(NodeTimeoutError, match="exited while waiting for healthy.*fatal: bad config"):
        sup.wait_until(lambda: False, what="healthy", name="node", log=sp.log, timeout=30, pid_file=sp.pid_file)


def test_wait_until_returns_once_the_check_holds():
    calls = []
    Supervisor(sleep=lambda dt: None).wait_until(lambda: calls.append(1) or len(calls) >= 3, what="x", name="n",
                                                 log=None, timeout=10)
    assert len(calls) == 3


def test_tail(tmp_path):
    log = tmp_path / "a.log"
    log.write_text("".join(f"line {i}\n" for i in range(20000)))
    assert tail(log, 3) == ["line 19997", "line 19998", "line 19999"]
    assert tail(log, 0) == []
    assert tail(tmp_path / "absent.log", 5) == []


def test_follow_yields_appended_lines(tmp_path):
    log = tmp_path / "f.log"
    log.write_text("old 1\nold 2\n")
    seen = []

    def sleep(_):
        if not seen or seen[-1] != "appended":
            with open(log, "a") as f:
                f.write("appended\n")

    for line in follow(log, 1, stop=lambda: "appended" in seen, sleep=sleep):
        seen.append(line)
    assert seen == ["old 2", "appended"]
