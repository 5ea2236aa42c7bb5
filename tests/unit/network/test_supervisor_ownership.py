"""Which processes are a pid file's: its tag in their environment (a copy of the data folder, a wrapper as the
program), another user's, a group whose leader exited, a member that outlives SIGKILL. Real child processes."""
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from network import backup, nodeconfig
from network import supervisor as supervisor_module
from network.errors import NetworkError, ProcessesNotStoppedError
from network.supervisor import PID_FILE_ENV, ProcessSpec, Supervisor

from .test_control import make
from . import test_supervisor
from .test_supervisor import SLEEPER, kill_group, leader_of, member_pid, spec, start_ready

sup = test_supervisor.sup      # the fixture: a Supervisor that stops what its test started


@pytest.fixture(autouse=True)
def no_process_outlives_its_test():
    """Every process group a Supervisor starts in a test of this module is killed at its end, whatever is left: a
    failing assert can leave a pid file renamed, rewritten or never stopped, and its process would run on for good,
    reparented to init. A mutated supervisor may start a second copy no test meant to start."""
    started = []
    real_start = Supervisor.start

    def start(self, spec):
        pid, new = real_start(self, spec)
        if new:
            started.append(pid)
        return pid, new

    Supervisor.start = start
    try:
        yield
    finally:
        Supervisor.start = real_start
        for pid in started:
            kill_group(pid)


def fresh() -> Supervisor:
    """Another run of recfin: no Popen of its own, only the pid files."""
    return Supervisor(grace=0.5, poll_interval=0.02)


def gone(pid: int) -> bool:
    """Exited (a zombie its parent has yet to reap counts as exited)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_the_process_carries_its_pid_file_and_the_record_its_boot(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert f"{PID_FILE_ENV}={sp.pid_file}".encode() in environ
    record = json.loads(sp.pid_file.read_text())
    assert record["tag"] == str(sp.pid_file)
    assert record["boot_id"] == Path("/proc/sys/kernel/random/boot_id").read_text().strip()


def test_a_record_of_another_boot_does_not_describe_the_process_at_its_pid(tmp_path, sup):
    """A start time counts clock ticks since boot: the same one in a record of another boot is another process.
    Its own process (its environment carries the pid file) still runs, so start refuses rather than run two."""
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    record = json.loads(sp.pid_file.read_text())
    sp.pid_file.write_text(json.dumps({**record, "boot_id": str(uuid.uuid4())}))
    try:
        assert fresh().running_pid(sp.pid_file) is None and not fresh().find(sp.pid_file).alive
        with pytest.raises(NetworkError, match=rf"node: pid {pid} still runs for {sp.pid_file}.*kill -- -{pid}"):
            fresh().start(sp)
        assert not gone(pid)
    finally:
        sp.pid_file.write_text(json.dumps(record))      # for the fixture to stop it


def test_a_copy_of_the_data_folder_neither_shows_nor_stops_the_original_processes(tmp_path, sup):
    """`cp -a` of a running network's folder: its pid files name the original's processes."""
    live, copy = tmp_path / "live", tmp_path / "copy"
    live.mkdir()
    sp = spec(live, SLEEPER)
    pid = start_ready(sup, sp)
    shutil.copytree(live, copy)
    copied = copy / sp.pid_file.name
    assert fresh().running_pid(copied) is None
    assert fresh().find(copied).runs_for == str(sp.pid_file)
    assert fresh().stop(copied) is False
    assert not gone(pid) and fresh().running_pid(sp.pid_file) == pid
    assert copied.exists()          # the original's pid file keeps track of it; this one is left as found


def test_a_data_folder_moved_while_running_still_shows_starts_nothing_twice_and_stops_its_process(tmp_path, sup):
    """`mv` of a running network's folder (or the same folder bind-mounted elsewhere): its processes carry the old
    path, which no pid file holds now; start time and boot id name them, so they are still this folder's."""
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    sp = spec(before, SLEEPER)
    pid = start_ready(sup, sp)
    before.rename(after)
    moved = spec(after, SLEEPER)
    try:
        assert fresh().running_pid(moved.pid_file) == pid and fresh().find(moved.pid_file).runs_for is None
        assert fresh().start(moved) == (pid, False)
        assert fresh().stop(moved.pid_file) is True
        sup.wait_until(lambda: gone(pid), what="exit", name=sp.name, log=moved.log, timeout=10)
        assert not moved.pid_file.exists()
    finally:
        kill_group(pid)     # the fixture stops before/node.pid, which the rename took away


def test_a_data_folder_reached_through_a_symlink_is_the_same_folder(tmp_path, sup):
    """RECFIN_HOME a symlink to the folder `up` ran in (or the other way round): the process carries the real path,
    the pid file is named through the link, and both are one file."""
    live, link = tmp_path / "live", tmp_path / "link"
    live.mkdir()
    link.symlink_to(live, target_is_directory=True)
    sp = spec(live, SLEEPER)
    pid = start_ready(sup, sp)
    linked = spec(link, SLEEPER)
    assert fresh().find(linked.pid_file).runs_for is None
    assert fresh().start(linked) == (pid, False)        # no second copy
    assert fresh().stop(linked.pid_file) is True
    assert gone(pid) and not sp.pid_file.exists()


def wrapper(tmp_path) -> Path:
    """A shell script as the program (RECFIN_FABRIC_BIN pointing at a wrapper, a version manager's shim): it execs
    the real program, so /proc shows the real program's command line, not the one started."""
    real = tmp_path / "real_program.py"
    real.write_text(SLEEPER)
    script = tmp_path / "peer"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} {real} \"$@\"\n")
    script.chmod(0o755)
    return script


def test_a_wrapper_program_is_known_after_it_execs_the_real_one(tmp_path, sup):
    sp = ProcessSpec("peer0", [str(wrapper(tmp_path)), "node", "start"], dict(os.environ), tmp_path / "node.log",
                     tmp_path / "node.pid")
    pid = start_ready(sup, sp)
    assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0] == sys.executable.encode()
    assert fresh().running_pid(sp.pid_file) == pid
    assert fresh().start(sp) == (pid, False)            # a second `up` starts no second copy
    assert fresh().stop(sp.pid_file) is True
    assert gone(pid) and not sp.pid_file.exists()


def test_start_refuses_while_its_own_process_runs_undescribed_by_its_pid_file(tmp_path, sup):
    """A pid file written over (or edited) no longer describes the process started for it, which still runs:
    starting another would run two, and writing the pid file anew would lose the first for good."""
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    record = json.loads(sp.pid_file.read_text())
    sp.pid_file.write_text(json.dumps({**record, "start_time": str(int(record["start_time"]) + 1)}))
    try:
        with pytest.raises(NetworkError, match=rf"node: pid {pid} still runs for {sp.pid_file}.*kill -- -{pid}"):
            fresh().start(sp)
        assert json.loads(sp.pid_file.read_text())["pid"] == pid
    finally:
        sp.pid_file.write_text(json.dumps(record))      # for the fixture to stop it


def test_another_users_process_counts_as_running_and_stopping_it_names_sudo(tmp_path, sup, monkeypatch):
    """Started by root (`sudo recfin network up`), looked at without: signals to it, even kill(pid, 0), are
    refused and its environment cannot be read; its stat and command line still can."""
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    real_kill, real_killpg = os.kill, os.killpg

    def refused(real):
        def call(target, sig):
            if target == pid:
                raise PermissionError(1, "Operation not permitted")
            return real(target, sig)
        return call

    real_environ = supervisor_module._environ
    monkeypatch.setattr(supervisor_module.os, "kill", refused(real_kill))
    monkeypatch.setattr(supervisor_module.os, "killpg", refused(real_killpg))
    monkeypatch.setattr(supervisor_module, "_environ", lambda p: None if p == pid else real_environ(p))
    assert fresh().running_pid(sp.pid_file) == pid
    found = fresh().find(sp.pid_file)
    assert found.alive and found.uid == os.getuid()
    with pytest.raises(NetworkError, match=rf"^node pid {pid} runs as uid {os.getuid()}: run `sudo recfin network down`$"):
        fresh().stop(sp.pid_file)
    monkeypatch.undo()
    assert sp.pid_file.exists() and not gone(pid)


ORPHANING = leader_of(SLEEPER, stays=False)


def test_stop_signals_the_group_of_a_leader_that_has_exited(tmp_path, sup):
    """The leader exits, a child it started lives on in its group, holding its ports."""
    sp = spec(tmp_path, ORPHANING)
    pid, _ = sup.start(sp)
    sup.wait_until(lambda: sup._children[pid].poll() is not None and "ready" in sp.log.read_text().splitlines(),
                   what="leader gone, member ready", name="node", log=sp.log, timeout=10)
    child = member_pid(sp)
    try:
        assert fresh().running_pid(sp.pid_file) is None
        assert fresh().stop(sp.pid_file) is False        # its own process is not running: what it left is stopped
        assert gone(child) and not sp.pid_file.exists()
    finally:
        kill_group(pid)


def test_a_copy_of_the_data_folder_leaves_alone_the_group_whose_leader_has_exited(tmp_path, sup):
    """`network down` in a `cp -a` copy once the original's leader has exited: the member still running records
    nothing of its own, the original's pid file records its group (the leader's pid), and it is the original's."""
    live, copy = tmp_path / "live", tmp_path / "copy"
    live.mkdir()
    sp = spec(live, ORPHANING)
    pid, _ = sup.start(sp)
    try:
        sup.wait_until(lambda: sup._children[pid].poll() is not None and "ready" in sp.log.read_text().splitlines(),
                       what="leader gone, member ready", name="node", log=sp.log, timeout=10)
        child = member_pid(sp)
        shutil.copytree(live, copy)
        copied = copy / sp.pid_file.name
        assert fresh().stop(copied) is False            # nothing signalled; its stale record is removed
        assert not gone(child) and not copied.exists()
        fresh().stop(sp.pid_file)                        # the original's stops it
        assert gone(child)
    finally:
        kill_group(pid)


def undelivered(monkeypatch) -> tuple[list[tuple[int, int]], Supervisor]:
    """The signals a stop sends to groups, recorded and not delivered, and a Supervisor whose clock its own waits move
    on: its stop meets processes that outlive SIGKILL, as one waiting on the kernel (state D) does."""
    sent = []
    monkeypatch.setattr(supervisor_module, "_signal_group", lambda target, sig: sent.append((target, sig)))
    now = [0.0]
    return sent, Supervisor(grace=1.0, poll_interval=0.5, clock=lambda: now[0],
                            sleep=lambda dt: now.__setitem__(0, now[0] + dt))


def test_a_process_outliving_sigkill_keeps_its_pid_file_and_is_named(tmp_path, sup, monkeypatch):
    """As one waiting on the kernel (state D) does: here the signals are not delivered."""
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    sent, stopper = undelivered(monkeypatch)
    with pytest.raises(NetworkError, match=rf"node: pid {pid} of process group {pid} still alive after SIGKILL.*"
                                           rf"{sp.pid_file} kept"):
        stopper.stop(sp.pid_file)
    monkeypatch.undo()
    assert sent == [(pid, signal.SIGTERM), (pid, signal.SIGKILL)]
    assert sp.pid_file.exists() and fresh().running_pid(sp.pid_file) == pid


def sleeping(net, node_name):
    """A stand-in for node_name's process, started as `up` would (its pid file, its log)."""
    real = net.node_spec(net.topology.node(node_name))
    return ProcessSpec(real.name, [sys.executable, "-c", SLEEPER], real.env, real.log, real.pid_file)


def test_down_in_a_copy_of_the_data_folder_stops_nothing_and_says_whose_they_are(topology, tmp_path, fake_fabric):
    live, lines = make(topology, tmp_path / "live")
    stand_in = sleeping(live, "peer0.bank")
    try:
        pid = start_ready(live.supervisor, stand_in)
        shutil.copytree(tmp_path / "live", tmp_path / "copy")
        copy, said = make(topology, tmp_path / "copy")
        assert copy.down() == []
        assert said == [f"left peer0.bank alone: pid {pid} runs for {stand_in.pid_file}, not this data folder"]
        assert live.supervisor.running_pid(stand_in.pid_file) == pid
    finally:
        live.supervisor.stop(stand_in.pid_file)


def test_down_stops_the_others_when_one_cannot_be_stopped_and_then_fails_naming_it(topology, tmp_path, fake_fabric,
                                                                                    monkeypatch):
    net, lines = make(topology, tmp_path)
    net.supervisor.grace = 2
    root_owned, ours = sleeping(net, "peer0.bank"), sleeping(net, "peer0.supplier")
    real_stop = net.supervisor.stop

    def stop(pid_file):
        if pid_file == root_owned.pid_file:
            raise NetworkError(f"peer0.bank pid {pid} runs as uid 0: run `sudo recfin network down`")
        return real_stop(pid_file)

    try:
        pid = start_ready(net.supervisor, root_owned)
        start_ready(net.supervisor, ours)
        monkeypatch.setattr(net.supervisor, "stop", stop)
        with pytest.raises(NetworkError, match=rf"^1 process\(es\) not stopped \(1 stopped\): peer0.bank pid {pid} "
                                               r"runs as uid 0: run `sudo recfin network down`$"):
            net.down()
        assert lines == ["stopped peer0.supplier"]
        assert net.supervisor.running_pid(ours.pid_file) is None and root_owned.pid_file.exists()
    finally:
        monkeypatch.undo()
        try:
            net.supervisor.stop(root_owned.pid_file)
        finally:
            net.supervisor.stop(ours.pid_file)


def test_down_signals_nothing_an_oldest_pid_file_names_and_says_how_to_check_it(topology, tmp_path, fake_fabric):
    """A pid file of the oldest format names the program alone: its pid running that program may be another data
    folder's node (or one since a reboot), whose whole group `down` signalled."""
    net, lines = make(topology, tmp_path / "net")
    stranger = subprocess.Popen([sys.executable, "-c", SLEEPER], start_new_session=True, stdout=subprocess.PIPE)
    pid_file = nodeconfig.node_dirs(net.data_root, "peer0.bank").pid
    try:
        assert stranger.stdout.readline() == b"ready\n"
        pid_file.parent.mkdir(parents=True)
        pid_file.write_text(json.dumps({"pid": stranger.pid, "exe": sys.executable}))
        assert next(row for row in net.status() if row.name == "peer0.bank").pid is None
        with pytest.raises(ProcessesNotStoppedError, match=rf"^1 process\(es\) not stopped: peer0.bank: {pid_file} is "
                                                           rf"an older recfin's record.*pid {stranger.pid} runs that "
                                                           rf"program.*`ps -o pid,lstart,args -p {stranger.pid}`"):
            net.down()
        assert stranger.poll() is None and pid_file.exists() and lines == []
        # nor does a backup take the folder as stopped: that pid may be this node, writing its ledger
        with pytest.raises(backup.NetworkRunningError, match=rf"peer0.bank \(pid {stranger.pid}, maybe: its pid "
                                                             rf"file names only the program"):
            backup.refuse_while_running(net.data_root, net.supervisor, "back up", "stop it first")
    finally:
        stranger.kill()
        stranger.wait()
