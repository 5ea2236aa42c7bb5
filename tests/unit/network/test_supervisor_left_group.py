"""Processes that left their pid file's process group (setsid(): a wrapper that daemonises, a server forking a
worker into a session of its own): found by the pid file they carry, stopped with it, and showing it running while
the recorded process is gone. Real child processes."""
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from network import nodeconfig
from network import supervisor as supervisor_module
from network.errors import NetworkError
from network.supervisor import PID_FILE_ENV, ProcessSpec, Supervisor

from . import test_supervisor
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


def spec(folder: Path, code: str, tmp_path: Path, name: str = "node", pid_file: Path | None = None) -> ProcessSpec:
    return ProcessSpec(name, [sys.executable, "-c", code], dict(os.environ, **{MARK: str(tmp_path)}),
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
    assert sup.stopped_outside_group == [("ours", left)]
    assert not gone(untagged)                           # no tag: nothing tells it is this pid file's
    assert tagged_with(other.pid_file) == sorted([other_pid, others])      # another pid file's: left running


def test_a_node_whose_wrapper_daemonised_runs_as_long_as_what_it_left_behind(tmp_path, sup):
    """The wrapper given as the Fabric binary starts the node in a session of its own and exits: the node runs."""
    sp = spec(tmp_path, DAEMONISED, tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "left its group", leader_exits=True)
    left = member_pid(sp)
    assert gone(pid)
    assert fresh().running_pid(sp.pid_file) == left             # `status` does not call it down
    assert fresh().start(sp) == (left, False)                   # `up` starts no second copy beside it
    stopper = fresh()
    assert stopper.stop(sp.pid_file) is True
    assert gone(left) and tagged_with(sp.pid_file) == [] and not sp.pid_file.exists()
    assert stopper.stopped_outside_group == [("node", left)]
    assert fresh().running_pid(sp.pid_file) is None


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
    assert fresh().stop(sp.pid_file) is True and gone(left)      # the original's stops it


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
    assert sp.pid_file.exists() and fresh().running_pid(sp.pid_file) == left
    assert fresh().stop(sp.pid_file) is True and gone(left)             # the next `down` stops it


def test_processes_are_scanned_again_only_once_one_was_created(monkeypatch, tmp_path):
    """`status` looks at each node: while no process is created, one /proc scan serves them all."""
    scans = []
    monkeypatch.setattr(supervisor_module, "_scan_tagged", lambda: scans.append(1) or [])
    newest = ["100"]
    monkeypatch.setattr(supervisor_module, "_newest_pid", lambda: newest[0])
    stopper = Supervisor()
    pid_files = []
    for name in ("a", "b"):
        pid_files.append(tmp_path / f"{name}.pid")
        pid_files[-1].write_text(json.dumps({"pid": 2 ** 22 + 1, "exe": sys.executable, "tag": str(pid_files[-1]),
                                             "start_time": "1", "boot_id": "x", "cmdline": [sys.executable]}))
    assert [stopper.running_pid(each) for each in pid_files] == [None, None] and len(scans) == 1
    newest[0] = "101"
    assert stopper.running_pid(pid_files[0]) is None and len(scans) == 2


def test_down_says_which_process_it_stopped_outside_its_node_s_group(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("RECFIN_HOME", str(home))
    for variable in ("RECFIN_TOPOLOGY", "RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG"):
        monkeypatch.delenv(variable, raising=False)
    dirs = nodeconfig.node_dirs(home / "network", "peer0.bank")
    stand_in = ProcessSpec("peer0.bank", [sys.executable, "-c", STAYS_LEFT], dict(os.environ, **{MARK: str(tmp_path)}),
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
