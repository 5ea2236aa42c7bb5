"""What a pid file's exited process left running is only what started at or after it (a moved folder's running node,
its tag naming this path still, started earlier, and is left alone), never the pid file's own process, which a record
edited since no longer describes; `up` and `chaincode deploy` stop what their port check passed over before their first
step, so one that outlives SIGKILL fails them before anything starts; the check passes over a port only when every
socket on it is held by those left-overs, and names the command that restarts their node or server. Real child
processes."""
import json
import socket
import sys

import pytest

from network import ccservers, ports
from network import control as control_module
from network.control import Network, mark_data_root
from network.errors import NetworkError, PortInUseError
from network.ports import ensure_free
from network.supervisor import ProcessSpec

from . import test_supervisor, test_supervisor_left_group
from .test_control import make
from .test_supervisor import SLEEPER, kill_group, leader_of, start_ready
from .test_supervisor_left_group import (MARK, STAYS_LEFT, child_env, member_pid, spec, start_then_crash,
                                         wait_for_lines)
from .test_supervisor_left_running import crashed_server
from .test_supervisor_ownership import fresh, gone, undelivered

sup = test_supervisor.sup      # the fixture: a Supervisor that stops what its test started
# Every process these tests start carries their tmp_path (MARK): whatever a failing test left is killed.
nothing_outlives_its_test = test_supervisor_left_group.nothing_outlives_its_test

LISTENS_AWAY = ("import os, socket, time\nos.setsid()\nsock = socket.socket()\n"
                "sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                "sock.bind(('127.0.0.1', {port}))\nsock.listen(1)\n"
                "print('listening on', sock.getsockname()[1], flush=True)\nwhile True: time.sleep(0.05)\n")


def free_or_skip(port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            pytest.skip(f"port {port} is taken by something else on this machine")


def test_a_moved_folder_s_running_node_is_not_what_the_new_folder_s_exited_node_left_running(tmp_path, sup):
    """data/ is moved while its node runs (a worker in a session of its own beside it); a new data/ has a node that
    started and exited since. Both carry data/node.pid as their tag: only the start time tells the moved one is not
    left behind by the new record. A cut-short pid file at that path ties nothing to it either."""
    data, moved = tmp_path / "data", tmp_path / "data-moved"
    data.mkdir()
    running = spec(data, STAYS_LEFT, tmp_path)
    pid, _ = sup.start(running)
    wait_for_lines(sup, running, "member-pid", "left its group")
    worker = member_pid(running)
    data.rename(moved)
    data.mkdir()
    exited = spec(data, "print('done', flush=True)", tmp_path)
    new_pid, _ = sup.start(exited)
    sup.wait_until(lambda: gone(new_pid), what="its exit", name=exited.name, log=exited.log, timeout=10)
    try:
        assert fresh().left_behind(exited.pid_file) == ()
        assert fresh().stop(exited.pid_file) is False and not gone(pid) and not gone(worker)
        exited.pid_file.write_text('{"pid": ')            # cut short
        assert fresh().left_behind(exited.pid_file) == ()
        with pytest.raises(NetworkError, match="records no pid that can be read"):
            fresh().stop(exited.pid_file)
        assert not gone(pid) and not gone(worker)
        assert exited.pid_file.exists() and fresh().running_pid(moved / "node.pid") == pid
    finally:
        kill_group(pid)
        kill_group(worker)
        # gone before the fixture's teardown stops what it started: the kept, cut-short pid file is deleted then
        sup.wait_until(lambda: gone(pid) and gone(worker), what="their exit", name=exited.name, log=exited.log,
                       timeout=10)


def test_a_pid_file_s_own_process_its_record_no_longer_describes_is_not_left_behind_and_down_stops_it(tmp_path, sup):
    sp = test_supervisor.spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    record = json.loads(sp.pid_file.read_text())
    sp.pid_file.write_text(json.dumps({**record, "start_time": str(int(record["start_time"]) + 1)}))
    assert fresh().left_behind(sp.pid_file) == ()
    stopper = fresh()
    try:
        assert stopper.stop(sp.pid_file) is True
        assert stopper.stopped_alongside == [] and not sp.pid_file.exists()
        sup.wait_until(lambda: gone(pid), what="its exit", name=sp.name, log=sp.log, timeout=10)
    finally:
        kill_group(pid)


def test_a_pid_reused_by_another_folders_process_is_not_taken_for_this_pid_files_own(tmp_path, sup):
    """X's pid file records a pid that another folder's process now has (its own pid file gone, say), with another
    start time: that process carries its folder's tag, not X's, so X's stop leaves it alone."""
    other = tmp_path / "other"
    other.mkdir()
    theirs = test_supervisor.spec(other, SLEEPER)
    pid = start_ready(sup, theirs)
    record = json.loads(theirs.pid_file.read_text())
    theirs.pid_file.unlink()
    ours = test_supervisor.spec(tmp_path / "ours", SLEEPER)
    ours.pid_file.parent.mkdir(parents=True, exist_ok=True)
    ours.pid_file.write_text(json.dumps({**record, "start_time": str(int(record["start_time"]) + 1)}))
    try:
        assert fresh().stop(ours.pid_file) is False and not gone(pid)
    finally:
        kill_group(pid)


def crashed_regulator(topology, tmp_path, sup) -> tuple[Network, list[str], int, int]:
    """peer0.regulator crashed, its worker (in a session of its own) holding its operations port: the network, its
    lines, the crashed pid and the worker's."""
    port = topology.node("peer0.regulator").ports["operations_port"]
    free_or_skip(port)
    net, lines = make(topology, tmp_path / "net")
    mark_data_root(net.data_root)         # as `up` left it, before the node's pid file is written there
    real = net.node_spec(topology.node("peer0.regulator"))
    stand_in = ProcessSpec(real.name, [sys.executable, "-c", leader_of(LISTENS_AWAY.format(port=port))],
                           dict(real.env, **{MARK: str(tmp_path)}), real.log, real.pid_file)
    pid, worker = start_then_crash(sup, stand_in, "listening on")
    return net, lines, pid, worker


def test_up_passes_over_a_port_only_what_the_node_itself_left_running_holds_and_stops_that_first(
        topology, tmp_path, fake_fabric, sup, monkeypatch):
    """Stopped right after the check passes, before the first step (under the run lock), not at its own start."""
    net, lines, pid, worker = crashed_regulator(topology, tmp_path, sup)
    monkeypatch.setattr(Network, "_up", lambda self: gone(worker) and "past the port check")
    assert net.up() == "past the port check"
    assert lines == [f"  stopped pid {worker}, left running by peer0.regulator's exited process (pid {pid}), to start "
                     f"it afresh"]


def test_up_fails_before_its_first_step_when_what_its_check_passed_over_outlives_sigkill(topology, tmp_path, fake_fabric,
                                                                                      sup, monkeypatch):
    net, _, pid, worker = crashed_regulator(topology, tmp_path, sup)
    _, net.supervisor = undelivered(monkeypatch)
    steps = []
    monkeypatch.setattr(Network, "_up", lambda self: steps.append("[1/7]"))
    with pytest.raises(NetworkError, match=rf"^peer0.regulator: pid {worker} .*still alive after SIGKILL.* "
                                           rf"peer0.regulator not started: once they have exited, run the command "
                                           rf"again$"):
        net.up()
    assert steps == [] and not gone(worker)
    monkeypatch.undo()
    fresh().stop(net.node_spec(topology.node("peer0.regulator")).pid_file)
    assert gone(worker)


def test_a_deploy_stops_what_a_crashed_server_left_holding_its_port_before_its_first_step(topology, data_root, tmp_path,
                                                                                      fake_fabric, sup, monkeypatch):
    bank = next(org for org in topology.orgs if org.name == "bank")
    (_, port), _ = ccservers.server_ports(bank)
    free_or_skip(port)
    net, lines = make(topology, data_root)
    pid_file = ccservers.server_pid_file(data_root, topology.chaincode.name, bank)
    stand_in = ProcessSpec("receivables.bank", [sys.executable, "-c", leader_of(LISTENS_AWAY.format(port=port))],
                           child_env(tmp_path),
                           pid_file.with_name("server.log"), pid_file)
    pid, worker = start_then_crash(sup, stand_in, "listening on")
    at_first_step = []

    def package(*args, **kwargs):
        at_first_step.append(gone(worker))
        raise RuntimeError("stopped at [1/6]")
    monkeypatch.setattr(control_module.packaging, "write_package", package)
    # the deploy asks the channel for the definition in force first, which the placeholder peer cannot answer
    monkeypatch.setattr(control_module.Lifecycle, "committed", lambda self, org, name: None)
    with pytest.raises(RuntimeError, match=r"stopped at \[1/6\]"):
        net.deploy_chaincode()
    assert at_first_step == [True]
    assert f"  stopped pid {worker}, left running by receivables.bank's exited process (pid {pid}), to start it " \
           f"afresh" in lines


def test_a_port_with_a_socket_no_left_over_holds_is_refused_and_the_hint_names_the_server_s_restart(tmp_path, sup,
                                                                                                   topology,
                                                                                                   fake_fabric,
                                                                                                   monkeypatch):
    net, _ = make(topology, tmp_path / "net")
    crashing, pid, worker = crashed_server(tmp_path, sup, leader_of(LISTENS_AWAY.format(port=0)), "listening on")
    port = int(next(line for line in crashing.log.read_text().splitlines()
                    if line.startswith("listening on ")).split()[-1])
    owned = [("receivables.bank", "chaincode server", port)]
    assert ensure_free("127.0.0.1", owned, left_running_by=net._left_running_by) == ["receivables.bank"]
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", [("receivables.supplier", "chaincode server", port)],
                    left_running_by=net._left_running_by)
    assert (f"by receivables.bank's exited process (pid {pid}, {crashing.pid_file}): `recfin network down` on that "
            f"data folder stops it, as starting receivables.bank there again does (`recfin chaincode restart`, or "
            f"`recfin chaincode deploy` for a deployment not yet committed)") in str(err.value)
    # Another socket on the port whose holder cannot be seen (another user's process): not the left-over's to free.
    real_sockets = ports._socket_ports
    monkeypatch.setattr(ports, "_socket_ports", lambda wanted: real_sockets(wanted) | {"socket:[4294967295]": port})
    with pytest.raises(PortInUseError, match=rf"receivables.bank chaincode server 127.0.0.1:{port} "):
        ensure_free("127.0.0.1", owned, left_running_by=net._left_running_by)
    monkeypatch.undo()
    fresh().stop(crashing.pid_file)
    assert gone(worker)
