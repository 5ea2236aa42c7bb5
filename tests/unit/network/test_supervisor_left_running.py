"""What a node's or server's exited process left running: counted only by a tag naming its very pid file (never by the
group id alone, which another folder's process may lead by now, nor by a record of an earlier boot), stopped by
`down` without saying the node stopped, passed over by the port check of its own start and stopped by that start,
which says so also when it fails; a running node's group is signalled only while its pid is still the recorded
process; a pid file that records no readable pid ties nothing running to it. Real child processes."""
import json
import sys

import pytest
from click.testing import CliRunner

from cli.main import main
from network import supervisor as supervisor_module
from network.errors import NetworkError, PortInUseError
from network.ports import ensure_free
from network.supervisor import ProcessSpec

from . import test_supervisor, test_supervisor_left_group
from .test_control import make
from .test_supervisor import SLEEPER, kill_group, leader_of, start_ready
from .test_supervisor_left_group import (LEAVES_BOTH, STAYS_IN, STAYS_LEFT, child_env, crashed_peer, member_pid,
                                         printed, spec, start_then_crash, tagged_with, wait_for_lines)
from .test_supervisor_ownership import fresh, gone, undelivered

sup = test_supervisor.sup      # the fixture: a Supervisor that stops what its test started
# Every process these tests start carries their tmp_path (MARK): whatever a failing test left is killed.
nothing_outlives_its_test = test_supervisor_left_group.nothing_outlives_its_test


def earlier_boot(pid_file) -> dict:
    """Make pid_file's record one of an earlier boot, as after a reboot; the record as it was."""
    record = json.loads(pid_file.read_text())
    pid_file.write_text(json.dumps(record | {"boot_id": "an-earlier-boot"}))
    return record


def test_another_folder_s_worker_in_the_group_a_stale_record_names_is_not_stopped_by_its_start(tmp_path, sup):
    """Folder B's node crashed, leaving a worker in its group, and B was moved; folder A's pid file records B's dead
    leader's pid (an earlier run's record). Nothing ties that group to A's record: A's start and stop leave the worker
    alone, and so does B's own pid file at its new place (a moved folder's process is left alone)."""
    b, a = tmp_path / "B", tmp_path / "A"
    b.mkdir()
    a.mkdir()
    crashed = spec(b, leader_of(STAYS_IN), tmp_path)
    leader, worker = start_then_crash(sup, crashed, "member ready")
    b.rename(tmp_path / "B-moved")
    ours = spec(a, SLEEPER, tmp_path)
    # A's own record, of this boot, naming a pid that now leads B's group: its process exited long since.
    ours.pid_file.write_text(json.dumps({"pid": leader, "exe": sys.executable, "name": "node", "start_time": "1",
                                         "boot_id": supervisor_module._boot_id(), "tag": str(ours.pid_file),
                                         "cmdline": ours.argv}))
    assert fresh().left_behind(ours.pid_file) == ()
    starter = fresh()
    try:
        _, started = starter.start(ours)
        assert started and not gone(worker) and starter.stopped_alongside == []
    finally:
        starter.stop(ours.pid_file)
    moved = tmp_path / "B-moved" / crashed.pid_file.name
    assert fresh().left_behind(moved) == ()
    assert fresh().stop(moved) is False and not gone(worker)


def test_a_record_of_an_earlier_boot_ties_no_process_of_its_group_to_it(tmp_path, sup):
    sp = spec(tmp_path, leader_of(STAYS_IN), tmp_path)
    _, member = start_then_crash(sup, sp, "member ready")
    record = earlier_boot(sp.pid_file)
    assert fresh().left_behind(sp.pid_file) == ()
    assert fresh().stop(sp.pid_file) is False and not gone(member)
    sp.pid_file.write_text(json.dumps(record))
    assert fresh().left_behind(sp.pid_file) == (member,)
    fresh().stop(sp.pid_file)
    assert gone(member)


def test_a_stop_signals_a_running_node_s_group_only_while_its_pid_is_the_recorded_process(tmp_path, sup,
                                                                                          monkeypatch):
    """The scan for processes that left the group takes a while: should the node exit meanwhile and its pid go to
    another process (started later), that one's group is not signalled. The start time is the one find() checked."""
    sp = spec(tmp_path, SLEEPER, tmp_path)
    pid = start_ready(sup, sp)
    real_scan, real_start_time = supervisor_module._started_for, supervisor_module._start_time
    taken = []

    def scan(*args, **kwargs):
        found = real_scan(*args, **kwargs)
        taken.append(pid)           # from here on, pid is another process's
        return found
    sent, stopper = undelivered(monkeypatch)
    monkeypatch.setattr(supervisor_module, "_started_for", scan)
    monkeypatch.setattr(supervisor_module, "_start_time",
                        lambda each: "999999999" if each in taken else real_start_time(each))
    try:
        stopper.stop(sp.pid_file)
        assert taken and sent == []
    finally:
        monkeypatch.undo()
        kill_group(pid)


def test_down_says_only_what_a_node_whose_process_had_exited_left_running(tmp_path, monkeypatch, sup):
    pid_file, pid, member, own = crashed_peer(tmp_path, monkeypatch, sup)
    result = CliRunner().invoke(main, ["network", "down", "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert f"stopped pid {member}, left running by peer0.bank's exited process (pid {pid})" in lines
    assert f"stopped pid {own}, left running by peer0.bank's exited process (pid {pid})" in lines
    assert "stopped peer0.bank" not in lines and any(
        line.startswith("network down: 0 process(es) stopped, and 2 that exited nodes or servers had left running; ")
        for line in lines)
    out = json.loads(result.stdout)
    assert out["stopped"] == [] and "stopped_outside_group" not in out
    assert sorted(out["stopped_left_running"], key=lambda each: each["pid"]) == sorted(
        [{"name": "peer0.bank", "pid": member, "left_by": pid}, {"name": "peer0.bank", "pid": own, "left_by": pid}],
        key=lambda each: each["pid"])
    assert gone(member) and gone(own) and tagged_with(pid_file) == []


def crashed_server(tmp_path, sup, code: str, *lines: str) -> tuple[ProcessSpec, int, int]:
    """receivables.bank's server, started and crashed (SIGKILL) as `up` would have it: spec, its pid, its member's."""
    folder = tmp_path / "net" / "chaincode" / "receivables" / "bank"
    env = child_env(tmp_path, CHAINCODE_SERVER_ADDRESS="127.0.0.1:1",
                    CHAINCODE_OPERATIONS_ADDRESS="127.0.0.1:2")
    sp = ProcessSpec("receivables.bank", [sys.executable, "-c", code], env, folder / "server.log", folder / "server.pid")
    pid, member = start_then_crash(sup, sp, *lines)
    return sp, pid, member


def test_a_start_that_cannot_stop_what_was_left_says_what_it_stopped_and_to_run_the_command_again(tmp_path, monkeypatch, sup,
                                                                                         topology, fake_fabric):
    """Of what the crashed server left, its worker in a session of its own stops; the member left in its old group
    outlives SIGKILL (its signals are not delivered here, as to one waiting on the kernel)."""
    net, lines = make(topology, tmp_path / "net")
    crashing, pid, member = crashed_server(tmp_path, sup, LEAVES_BOTH, "member ready", "leader-of-its-own",
                                           "left its group")
    own = printed(crashing, "leader-of-its-own")
    real_signal_group = supervisor_module._signal_group
    monkeypatch.setattr(supervisor_module, "_signal_group",
                        lambda target, sig: None if target == pid else real_signal_group(target, sig))
    now = [0.0]
    net.supervisor.clock, net.supervisor.sleep = (lambda: now[0]), (lambda dt: now.__setitem__(0, now[0] + dt))
    with pytest.raises(NetworkError, match=rf"^receivables.bank: pid {member} of process group {pid} still alive after "
                                           rf"SIGKILL .*: {crashing.pid_file} kept, receivables.bank not started: once "
                                           rf"they have exited, run the command again$"):
        net._start_server(crashing)
    assert lines[0].startswith("  receivables.bank had exited without `recfin network down` (a crash, a kill or a "
                               "restart of the machine): see ")
    assert lines[1:] == [f"  stopped pid {own}, left running by receivables.bank's exited process (pid {pid}), to "
                         f"start it afresh"]
    assert gone(own) and not gone(member) and crashing.pid_file.exists()
    monkeypatch.undo()
    fresh().stop(crashing.pid_file)
    assert gone(member)


def test_a_pid_file_that_records_no_readable_pid_ties_nothing_to_it_and_is_kept_while_its_tag_runs(tmp_path, sup):
    """Its tag may name another folder's running node (one moved from this path): nothing tells which, so nothing
    carrying it is taken for what this pid file left running, or stopped; but deleting the file would lose the last
    record of a node that may be this folder's own, running: stop refuses, naming them."""
    folder = tmp_path / "node"
    folder.mkdir()
    sp = spec(folder, STAYS_LEFT, tmp_path)
    pid, _ = sup.start(sp)
    wait_for_lines(sup, sp, "member-pid", "left its group")
    worker = member_pid(sp)
    sp.pid_file.write_text('{"pid": ')            # cut short
    assert fresh().left_behind(sp.pid_file) == ()
    stopper = fresh()
    try:
        with pytest.raises(NetworkError, match=f"records no pid that can be read, and pid .*{pid}.* carrying its "
                                               "tag run"):
            stopper.stop(sp.pid_file)
        assert not gone(pid) and not gone(worker) and sp.pid_file.exists() and stopper.stopped_alongside == []
    finally:
        kill_group(pid)
        kill_group(worker)
    sup.wait_until(lambda: gone(pid) and gone(worker), what="their exit", name=sp.name, log=sp.log, timeout=10)
    assert fresh().stop(sp.pid_file) is False and not sp.pid_file.exists()     # nothing carries it now


def test_a_deploy_s_port_check_passes_over_what_its_own_crashed_server_left_running(tmp_path, sup, topology,
                                                                                   fake_fabric, monkeypatch):
    """The server check before a deploy's ledger steps: the crashed server's worker holds its port (here the port a
    stand-in stands for), and starting the server stops it."""
    net, _ = make(topology, tmp_path / "net")
    listener = ("import os, socket, time\nos.setsid()\nsock = socket.socket()\nsock.bind(('127.0.0.1', 0))\n"
                "sock.listen(1)\nprint('listening on', sock.getsockname()[1], flush=True)\n"
                "while True: time.sleep(0.05)\n")
    crashing, pid, worker = crashed_server(tmp_path, sup, leader_of(listener), "listening on")
    port = int(next(line for line in crashing.log.read_text().splitlines()
                    if line.startswith("listening on ")).split()[-1])
    assert net._left_running_by("receivables.bank") == (worker,) and net._left_running_by("peer0.bank") == ()
    assert ensure_free("127.0.0.1", [("receivables.bank", "chaincode server", port)],
                       left_running_by=net._left_running_by) == ["receivables.bank"]
    with pytest.raises(PortInUseError, match=rf"receivables.supplier chaincode server 127.0.0.1:{port} \(held by pid "
                                             rf"{worker} "):
        ensure_free("127.0.0.1", [("receivables.supplier", "chaincode server", port)],
                    left_running_by=net._left_running_by)
    assert not gone(worker)
    fresh().stop(crashing.pid_file)
    assert gone(worker)
