"""Processes that left their pid file's process group (setsid(): a server forking a worker into a session of its
own, a wrapper that daemonises): found by the pid file they carry and stopped with it; once the recorded process is
gone, left behind (not the node running), stopped before a start. Real child processes."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from network import control, nodeconfig
from network import supervisor as supervisor_module
from network.errors import NetworkError, NodeTimeoutError, PortInUseError
from network.ports import ensure_free
from network.supervisor import PID_FILE_ENV, ProcessSpec, Stopped, Supervisor

from . import test_supervisor
from .test_control import make
from .test_supervisor import leader_of, member_pid
from .test_supervisor_ownership import fresh, gone, undelivered

sup = test_supervisor.sup      # the fixture: a Supervisor that stops what its test started

# Every process a test here starts carries its tmp_path under this name, the untagged ones too, for the fixture to
# kill whatever a failing test left: one in a session of its own is out of reach of the group a stop signals.
MARK = "RECFIN_TEST_STARTED_IN"


def environ_of(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def live_with(entry: str) -> list[int]:
    """The live processes (zombies are not) whose environment holds entry ("NAME=value")."""
    return sorted(int(proc.name) for proc in Path("/proc").iterdir()
                  if proc.name.isdigit() and entry.encode() in environ_of(int(proc.name)).split(b"\0")
                  and not gone(int(proc.name)))


@pytest.fixture(autouse=True)
def nothing_outlives_its_test(tmp_path):
    yield
    for pid in live_with(f"{MARK}={tmp_path}"):
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The stand-ins' environment: this test's MARK, and Python's stdout buffered as it is by default. Unbuffered
    (PYTHONUNBUFFERED, as CI runs), a print writes its text and its line end apart, and two processes writing
    to the one log interleave a line with another ("member readyleft its group"), which no wait then finds."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return {**env, MARK: str(tmp_path), **extra}


def spec(folder: Path, code: str, tmp_path: Path, name: str = "node", pid_file: Path | None = None) -> ProcessSpec:
    return ProcessSpec(name, [sys.executable, "-c", code], child_env(tmp_path),
                       folder / f"{name}.log", pid_file or folder / f"{name}.pid")


def tagged_with(pid_file: Path) -> list[int]:
    return live_with(f"{PID_FILE_ENV}={pid_file}")


# A child that leaves its parent's group for a session of its own, says so, and runs on.
LEAVING = "import os, time\nos.setsid()\nprint('left its group', flush=True)\nwhile True: time.sleep(0.05)\n"
STAYS_LEFT = leader_of(LEAVING)                     # its leader runs on too
DAEMONISED = leader_of(LEAVING, stays=False)        # its leader exits, as a wrapper that daemonises does

# A leader starting, beside one that leaves its group carrying the tag, one that leaves it without the tag.
UNTAGGED_TOO = (
    "import os, subprocess, sys, time\n"
    f"tagged = subprocess.Popen([sys.executable, '-c', {LEAVING!r}], stdout=sys.stdout)\n"
    f"env = {{k: v for k, v in os.environ.items() if k != {PID_FILE_ENV!r}}}\n"
    f"untagged = subprocess.Popen([sys.executable, '-c', {LEAVING!r}], stdout=sys.stdout, env=env)\n"
    "print('member-pid', tagged.pid, flush=True)\n"
    "print('untagged-pid', untagged.pid, flush=True)\n"
    "while True: time.sleep(0.05)\n")

# A leader starting a child that leaves its group without the tag, whose own child has the tag back: that one is
# in a group whose leader carries no tag.
IN_AN_UNTAGGED_GROUP = (
    "import os, subprocess, sys, time\n"
    f"tag = os.environ.pop({PID_FILE_ENV!r})\n"
    f"inner = {LEAVING!r}.replace('os.setsid()', 'pass')\n"
    "outer = ('import os, subprocess, sys, time\\nos.setsid()\\n'\n"
    f"         'child = subprocess.Popen([sys.executable, \"-c\", ' + repr(inner) + '], stdout=sys.stdout, '\n"
    f"         'env=dict(os.environ, {PID_FILE_ENV}=' + repr(tag) + '))\\n'\n"
    "         'print(\"member-pid\", child.pid, flush=True)\\nwhile True: time.sleep(0.05)\\n')\n"
    "untagged = subprocess.Popen([sys.executable, '-c', outer], stdout=sys.stdout)\n"
    "print('untagged-pid', untagged.pid, flush=True)\n"
    "while True: time.sleep(0.05)\n")


def printed(sp: ProcessSpec, what: str) -> int:
    return int(next(line for line in sp.log.read_text().splitlines() if line.startswith(f"{what} ")).split()[1])


def wait_for_lines(sup: Supervisor, sp: ProcessSpec, *lines: str, leader_exits: bool = False) -> None:
    def ready() -> bool:
        seen = sp.log.read_text().splitlines() if sp.log.exists() else []
        exited = not leader_exits or gone(json.loads(sp.pid_file.read_text())["pid"])
        return exited and all(any(line.startswith(each) for line in seen) for each in lines)
    sup.wait_until(ready, what=", ".join(lines), name=sp.name, log=sp.log, timeout=10)


def test_stop_stops_a_child_that_left_the_group_and_leaves_the_untagged_and_another_pid_file_s_alone(tmp_path, sup):
    ours = spec(tmp_path, UNTAGGED_TOO, tmp_path, "ours")
    other = spec(tmp_path, STAYS_LEFT, tmp_path, "other")
    pid, _ = sup.start(ours)
    other_pid, _ = sup.start(other)
    wait_for_lines(sup, ours, "member-pid", "untagged-pid")
    wait_for_lines(sup, other, "member-pid")
    left, untagged, others = member_pid(ours), printed(ours, "untagged-pid"), member_pid(other)
    sup.wait_until(lambda: all(os.getpgid(p) == p for p in (left, untagged, others)), what="setsid", name="ours",
                   log=ours.log, timeout=10)
    assert pid != left and tagged_with(ours.pid_file) == sorted([pid, left])

    assert sup.stop(ours.pid_file) is True
    assert tagged_with(ours.pid_file) == [] and not ours.pid_file.exists()
    assert sup.stopped_alongside == [Stopped("ours", left)]
    assert not gone(untagged)                           # no tag: nothing tells it is this pid file's
    assert tagged_with(other.pid_file) == sorted([other_pid, others])      # another pid file's: left running


def test_what_a_daemonising_wrapper_left_is_not_the_node_running_and_a_wait_says_it_is_unsupported(tmp_path, sup):
    """The wrapper given as the Fabric binary starts the node in a session of its own and exits: the process started
    is the one watched, so the node is down, and a wait for it fails at once naming what it left."""
    sp = spec(tmp_path, DAEMONISED, tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "left its group", leader_exits=True)
    left = member_pid(sp)
    assert fresh().running_pid(sp.pid_file) is None and fresh().left_behind(sp.pid_file) == (left,)
    with pytest.raises(NodeTimeoutError, match=rf"^node \(pid {pid}\) exited while waiting for healthy, leaving pid "
                                               rf"{left} that it started running: a program that daemonises .* "
                                               rf"RECFIN_FABRIC_BIN must exec the real program"):
        fresh().wait_until(lambda: False, what="healthy", name="node", log=sp.log, timeout=10, pid_file=sp.pid_file)
    stopper = fresh()
    assert stopper.stop(sp.pid_file) is False            # the node itself was not running
    assert gone(left) and tagged_with(sp.pid_file) == [] and not sp.pid_file.exists()
    assert stopper.take_stopped_alongside() == [Stopped("node", left, left_by=pid)] and stopper.stopped_alongside == []


# A member that stays in its leader's group, as a daemoniser's child is between its parent's fork and its setsid().
STAYS_IN = "import time\nprint('member ready', flush=True)\nwhile True: time.sleep(0.05)\n"


def test_a_daemoniser_s_child_not_yet_in_a_session_of_its_own_fails_a_wait_the_same_way(tmp_path, sup):
    """Fork, the parent exits, the child calls setsid() later: meanwhile it is a member of the recorded group, whose
    leader has exited. A wait then fails as for one that has left the group, naming it."""
    sp = spec(tmp_path, leader_of(STAYS_IN, stays=False), tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "member ready", leader_exits=True)
    member = member_pid(sp)
    assert os.getpgid(member) == pid
    with pytest.raises(NodeTimeoutError, match=rf"^node \(pid {pid}\) exited while waiting for healthy, leaving pid "
                                               rf"{member} that it started running: .*RECFIN_FABRIC_BIN"):
        fresh().wait_until(lambda: False, what="healthy", name="node", log=sp.log, timeout=10, pid_file=sp.pid_file)
    assert not gone(member)          # a wait stops nothing
    stopper = fresh()
    assert stopper.stop(sp.pid_file) is False and gone(member)
    assert stopper.stopped_alongside == [Stopped("node", member, left_by=pid)]


def start_then_crash(sup: Supervisor, sp: ProcessSpec, *lines: str) -> tuple[int, int]:
    """Start sp, wait for its member's pid and lines, then kill its process (SIGKILL, as a crash would): both pids."""
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", *lines)
    member = member_pid(sp)
    os.kill(pid, signal.SIGKILL)
    sup.wait_until(lambda: gone(pid), what="the crash", name=sp.name, log=sp.log, timeout=10)
    return pid, member


def test_a_start_after_a_crash_stops_the_worker_left_in_its_own_session_then_starts_the_node_afresh(tmp_path, sup):
    """The server crashed (SIGKILL), its worker in a session of its own runs on: it is not the server running, and
    may hold its ports, so `up` stops it and starts the server again, saying so."""
    sp = spec(tmp_path, STAYS_LEFT, tmp_path)
    pid, worker = start_then_crash(sup, sp, "left its group")
    starter = fresh()
    try:
        new, started = starter.start(sp)
        assert started and new not in (pid, worker) and starter.running_pid(sp.pid_file) == new
        assert gone(worker) and starter.stopped_alongside == [Stopped("node", worker, left_by=pid, to_start=True)]
        assert starter.stopped_alongside[0].line() == (f"stopped pid {worker}, left running by node's exited process "
                                                      f"(pid {pid}), to start it afresh")
    finally:
        starter.stop(sp.pid_file)


def test_a_start_after_a_crash_stops_what_the_crashed_node_left_in_its_group_too(tmp_path, sup):
    sp = spec(tmp_path, leader_of(STAYS_IN), tmp_path)
    _, member = start_then_crash(sup, sp, "member ready")
    starter = fresh()
    try:
        new, started = starter.start(sp)
        assert started and gone(member)
        # Popen returns once exec has begun, a moment before the kernel lays out the new process's environment (an
        # empty /proc/PID/environ meanwhile), and the new leader starts a member of its own: waited for, then every
        # process carrying the tag is of the new group, none the crashed one's.
        starter.wait_until(lambda: new in tagged_with(sp.pid_file), what="its tag readable", name=sp.name,
                           log=sp.log, timeout=10)
        assert {os.getpgid(each) for each in tagged_with(sp.pid_file)} == {new}
    finally:
        starter.stop(sp.pid_file)


SAYS_UNTAGGED = "import time\nprint('untagged now', flush=True)\nwhile True: time.sleep(0.05)\n"


def untags_itself(go: Path) -> str:
    """One that leaves its group, then, once go exists, replaces its program with one whose environment lacks the tag:
    the same pid, no longer the pid file's."""
    return ("import os, sys, time\nos.setsid()\nprint('left its group', flush=True)\n"
            f"while not os.path.exists({str(go)!r}): time.sleep(0.05)\n"
            f"env = {{k: v for k, v in os.environ.items() if k != {PID_FILE_ENV!r}}}\n"
            "os.execve(sys.executable, [sys.executable, '-c', "
            f"{SAYS_UNTAGGED!r}], env)\n")


def test_a_pid_seen_with_the_tag_that_no_longer_carries_it_is_never_signalled(tmp_path, sup, monkeypatch):
    """A stop judges each process by its tag as read when it signals it: a pid seen tagged before (by an earlier look
    of the same run, whatever said no process was created since) may be another program's by then. Here the same
    process drops the tag (exec without it), as an unrelated process taking the pid would carry none."""
    go = tmp_path / "go"
    sp = spec(tmp_path, leader_of(untags_itself(go), stays=False), tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "left its group", leader_exits=True)
    left = member_pid(sp)
    monkeypatch.setattr(supervisor_module, "_newest_pid", lambda: "1", raising=False)   # "no process created since"
    stopper = fresh()
    stopper.running_pid(sp.pid_file)          # a first look, which saw it tagged
    go.touch()
    wait_for_lines(sup, sp, "untagged now")
    assert tagged_with(sp.pid_file) == [] and not gone(left)
    assert stopper.stop(sp.pid_file) is False and not gone(left)
    assert fresh().left_behind(sp.pid_file) == ()


def test_one_in_a_group_whose_leader_carries_no_tag_is_signalled_alone(tmp_path, sup):
    sp = spec(tmp_path, IN_AN_UNTAGGED_GROUP, tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "untagged-pid", "member-pid", "left its group")
    untagged, left = printed(sp, "untagged-pid"), member_pid(sp)
    assert os.getpgid(left) == untagged != pid and tagged_with(sp.pid_file) == sorted([pid, left])
    assert sup.stop(sp.pid_file) is True
    assert gone(left) and not gone(untagged)


def test_a_copy_of_the_data_folder_leaves_alone_the_original_s_process_that_left_its_group(tmp_path, sup):
    """`cp -a` of a running network's folder, its wrapper daemonised: the process it left carries the original's pid
    file, which still records the original's leader; nothing at all tells it is the copy's."""
    live, copy = tmp_path / "live", tmp_path / "copy"
    live.mkdir()
    copy.mkdir()
    sp = spec(live, DAEMONISED, tmp_path)
    sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "left its group", leader_exits=True)
    left = member_pid(sp)
    copied = copy / sp.pid_file.name
    copied.write_bytes(sp.pid_file.read_bytes())
    assert fresh().running_pid(copied) is None
    assert fresh().stop(copied) is False and not gone(left)
    assert fresh().stop(sp.pid_file) is False and gone(left)     # the original's stops it


def test_one_that_left_the_group_and_outlives_sigkill_keeps_the_pid_file_and_is_named(tmp_path, sup, monkeypatch):
    """As one waiting on the kernel (state D) does: here the signals to it are not delivered."""
    sp = spec(tmp_path, DAEMONISED, tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "left its group", leader_exits=True)
    left = member_pid(sp)
    sent, stopper = undelivered(monkeypatch)
    with pytest.raises(NetworkError, match=rf"^node: pid {left} \(which left process group {pid}\) still alive after "
                                           rf"SIGKILL \(see `ps -o pid,stat,cmd -p {left}`; .*: {sp.pid_file} kept"):
        stopper.stop(sp.pid_file)
    monkeypatch.undo()
    assert sent == [(left, signal.SIGTERM), (left, signal.SIGKILL)]     # its own session's group: it leads it
    assert sp.pid_file.exists() and fresh().left_behind(sp.pid_file) == (left,)
    fresh().stop(sp.pid_file)
    assert gone(left) and not sp.pid_file.exists()                      # the next `down` stops it


def test_down_says_which_process_it_stopped_outside_its_node_s_group(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("RECFIN_HOME", str(home))
    for variable in ("RECFIN_TOPOLOGY", "RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG"):
        monkeypatch.delenv(variable, raising=False)
    dirs = nodeconfig.node_dirs(home / "network", "peer0.bank")
    stand_in = ProcessSpec("peer0.bank", [sys.executable, "-c", STAYS_LEFT], child_env(tmp_path),
                           dirs.log, dirs.pid)
    starter = Supervisor(grace=2, poll_interval=0.02)
    try:
        starter.start(stand_in)
        wait_for_lines(starter, stand_in, "member-pid", "left its group")
        left = member_pid(stand_in)
        result = CliRunner().invoke(main, ["network", "down", "--json"])
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines()[:2] == [
            "stopped peer0.bank", f"stopped pid {left} of peer0.bank, which had left its process group"]
        assert json.loads(result.stdout)["stopped_outside_group"] == [{"name": "peer0.bank", "pid": left}]
        assert gone(left) and tagged_with(dirs.pid) == []
    finally:
        starter.stop(dirs.pid)


def network_home(tmp_path: Path, monkeypatch) -> Path:
    """The default topology's data folder under a RECFIN_HOME of this test's."""
    home = tmp_path / "home"
    monkeypatch.setenv("RECFIN_HOME", str(home))
    for variable in ("RECFIN_TOPOLOGY", "RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG"):
        monkeypatch.delenv(variable, raising=False)
    return home / "network"


# A leader starting a member that stays in its group, then one that leaves it for a session of its own.
LEAVES_BOTH = (
    "import subprocess, sys, time\n"
    f"member = subprocess.Popen([sys.executable, '-c', {STAYS_IN!r}], stdout=sys.stdout)\n"
    "print('member-pid', member.pid, flush=True)\n"
    f"leader = subprocess.Popen([sys.executable, '-c', {LEAVING!r}], stdout=sys.stdout)\n"
    "print('leader-of-its-own', leader.pid, flush=True)\n"
    "while True: time.sleep(0.05)\n")


def crashed_peer(tmp_path: Path, monkeypatch, sup: Supervisor) -> tuple[Path, int, int, int]:
    """peer0.bank of the default topology's data folder, started as LEAVES_BOTH and crashed (SIGKILL): its pid file,
    its pid, the member it left in its group and the one it left leading a group of its own."""
    dirs = nodeconfig.node_dirs(network_home(tmp_path, monkeypatch), "peer0.bank")
    stand_in = ProcessSpec("peer0.bank", [sys.executable, "-c", LEAVES_BOTH], child_env(tmp_path),
                           dirs.log, dirs.pid)
    pid, member = start_then_crash(sup, stand_in, "member ready", "leader-of-its-own", "left its group")
    return dirs.pid, pid, member, printed(stand_in, "leader-of-its-own")


def test_status_shows_a_node_whose_process_exited_down_and_names_what_it_left_running(tmp_path, monkeypatch, sup):
    """A group leader first: the daemonised program's main process rather than a worker left in the old group."""
    _, _, member, leader = crashed_peer(tmp_path, monkeypatch, sup)
    result = CliRunner().invoke(main, ["network", "status", "--json"])
    assert result.exit_code == 1
    assert next(row for row in json.loads(result.stdout) if row["name"] == "peer0.bank")["pid"] is None
    assert (f"running after their node's or server's own process exited: pid {leader}, {member} (peer0.bank) "
            f"(`recfin network down` stops them)") in result.stderr.splitlines()
    assert not gone(member) and not gone(leader)        # status stops nothing


def test_a_chaincode_start_says_it_stopped_what_a_crashed_server_left_running(tmp_path, monkeypatch, sup, topology,
                                                                              fake_fabric):
    monkeypatch.setattr(control.probes, "accepting", lambda address: True)
    monkeypatch.setattr(control.probes, "healthy", lambda address: True)
    net, lines = make(topology, tmp_path / "net")
    folder = tmp_path / "net" / "chaincode" / "receivables" / "bank"
    env = child_env(tmp_path, CHAINCODE_SERVER_ADDRESS="127.0.0.1:1",
                    CHAINCODE_OPERATIONS_ADDRESS="127.0.0.1:2")
    crashing = ProcessSpec("receivables.bank", [sys.executable, "-c", STAYS_LEFT], env, folder / "server.log",
                           folder / "server.pid")
    pid, worker = start_then_crash(sup, crashing, "left its group")
    try:
        assert net._start_server(crashing) is True
        new = net.supervisor.running_pid(crashing.pid_file)
        assert lines[0].startswith(f"  receivables.bank had exited without `recfin network down` (a crash, a kill or "
                                   f"a restart of the machine): see {crashing.log} (log: ")
        assert gone(worker) and lines[1:] == [
            f"  stopped pid {worker}, left running by receivables.bank's exited process (pid {pid}), to start it "
            f"afresh", f"  started receivables.bank (pid {new}) on 127.0.0.1:1, log {crashing.log}"]
    finally:
        net.supervisor.stop(crashing.pid_file)


# Listens on a port of its own choosing, says which, and waits (as network/test_ports.py's stand-in for a node).
LISTENER = ("import socket, time\nsock = socket.socket()\nsock.bind(('127.0.0.1', 0))\nsock.listen(1)\n"
            "print('listening on', sock.getsockname()[1], flush=True)\nwhile True: time.sleep(0.05)\n")


def held_port_message(port: int) -> str:
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", [("peer0.bank", "port", port)])
    return str(err.value)


def test_a_port_held_by_what_a_node_left_running_does_not_refuse_its_start_and_names_down_for_another(tmp_path, sup):
    """The node's start stops what its exited process left (Supervisor.start), so its own port check passes over a
    port only that holds; another node's check names it, with the `down` that stops it, as long as `down` would."""
    data = tmp_path / "data"
    dirs = nodeconfig.node_dirs(data, "peer0.bank")
    sp = ProcessSpec("peer0.bank", [sys.executable, "-c", leader_of("import os\nos.setsid()\n" + LISTENER,
                                                                       stays=False)],
                     child_env(tmp_path), dirs.log, dirs.pid)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "listening on", leader_exits=True)
    left = member_pid(sp)
    port = int(next(line for line in sp.log.read_text().splitlines() if line.startswith("listening on ")).split()[-1])

    def left_running_by(owner: str) -> tuple[int, ...]:
        return fresh().left_behind(dirs.pid) if owner == "peer0.bank" else ()
    assert ensure_free("127.0.0.1", [("peer0.bank", "port", port)], left_running_by=left_running_by) == ["peer0.bank"]
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", [("peer0.supplier", "port", port)], left_running_by=left_running_by)
    assert (f"left running in the network in {data} by peer0.bank's exited process (pid {pid}, {dirs.pid}): "
            f"`recfin network down` on that data folder stops it, as starting peer0.bank there again does (`recfin "
            f"network up`)") in str(err.value)
    # A record of an earlier boot ties nothing running now to it: `down` would leave it, so the kill is named.
    record = json.loads(dirs.pid.read_text())
    dirs.pid.write_text(json.dumps(record | {"boot_id": "an-earlier-boot"}))
    assert (f"started by the network in {data}, but no pid file there records it: stop it with `kill -- -{left}`"
            in held_port_message(port))
    dirs.pid.write_text(json.dumps(record))
    sup.stop(dirs.pid)
    assert gone(left)           # as `down` stops it


def test_a_lone_tagged_process_no_pid_file_records_in_another_s_group_is_named_with_its_own_kill(tmp_path):
    """No pid file, and its group's leader carries no tag: `kill -- -GROUP` would stop that leader too."""
    pid_file = tmp_path / "data" / "nodes" / "peer0.bank" / "node.pid"         # never written
    child = ("import subprocess, sys\n"
             f"child = subprocess.Popen([sys.executable, '-c', {LISTENER!r}], stdout=sys.stdout, "
             f"env=dict(__import__('os').environ, {PID_FILE_ENV}={str(pid_file)!r}))\n"
             "print('member-pid', child.pid, flush=True)\nchild.wait()\n")
    leader = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True,
                              env=child_env(tmp_path), start_new_session=True)
    try:
        member = int(leader.stdout.readline().split()[1])
        port = int(leader.stdout.readline().split()[-1])
        assert os.getpgid(member) == leader.pid
        assert (f"held by pid {member} ({Path(f'/proc/{member}/comm').read_text().strip()}), started by the network "
                f"in {tmp_path / 'data'}, but no pid file there records it: stop it with `kill {member}`") \
            in held_port_message(port)
    finally:
        os.killpg(leader.pid, signal.SIGKILL)
        leader.wait()
