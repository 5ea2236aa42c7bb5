"""A peer or orderer that runs but no longer answers /healthz (hung: the machine woke from sleep, a disk stalled) is
left running by `up`, which restarts no node it did not start. Its wait then fails naming it as such: the pid that
runs, that this `up` did not start it, and how to start it afresh, not only that /healthz was not reached (which
reads as a start that failed)."""
import sys
import time

import pytest

from network import nodeconfig
from network.control import Network
from network.errors import NodeTimeoutError
from network.supervisor import ProcessSpec, Supervisor

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def network_on_a_clock(timeout: float) -> Network:
    """A Network whose waits move a clock of their own (each sleep lasting a moment), not the wall clock."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        time.sleep(min(seconds, 0.01))
    return Network.load(None, timeout=timeout, supervisor_=Supervisor(clock=lambda: now[0], sleep=sleep))


def test_a_running_node_that_does_not_answer_is_named_as_left_running_with_how_to_restart_it(data_folder, supervisor,
                                                                                            monkeypatch):
    sup, start = supervisor
    net = network_on_a_clock(timeout=3)
    node = net.topology.node("peer0.bank")
    dirs = nodeconfig.node_dirs(data_folder, node.name)
    pid, _ = start(ProcessSpec(node.name, SLEEPER, {}, dirs.log, dirs.pid))
    monkeypatch.setattr("network.probes.not_serving", lambda n: f"no OK from /healthz at {n.operations_address}")
    monkeypatch.setattr("network.probes.serving", lambda n: False)

    with pytest.raises(NodeTimeoutError) as err:
        net._start_node(node)

    message = str(err.value)
    assert message.startswith(f"peer0.bank (pid {pid}, already running: `recfin network up` restarts no node it "
                              f"did not start): healthy /healthz and listening not reached within 3s (no OK from "
                              f"/healthz at {node.operations_address})"), message
    assert (f"stop it (`kill -- -{pid}`, or `recfin network down` for the whole network), then run `recfin network "
            f"up` again, which starts it afresh on its ledger") in message
    assert sup.running_pid(dirs.pid) == pid         # left as it was


def failure_of_a_node_this_up_starts(data_folder, monkeypatch) -> tuple[NodeTimeoutError, int | None]:
    """peer0.bank started by `up` as a process that never answers /healthz: the wait's failure, and the pid that
    ran when the wait gave up (stopped since)."""
    net = network_on_a_clock(timeout=3)
    node = net.topology.node("peer0.bank")
    dirs = nodeconfig.node_dirs(data_folder, node.name)
    monkeypatch.setattr(Network, "node_spec",
                        lambda self, n: ProcessSpec(n.name, SLEEPER, {}, dirs.log, dirs.pid))
    monkeypatch.setattr("network.probes.not_serving", lambda n: f"no OK from /healthz at {n.operations_address}")
    try:
        with pytest.raises(NodeTimeoutError) as err:
            net._start_node(node)
        pid = net.supervisor.running_pid(dirs.pid)
    finally:
        net.supervisor.stop(dirs.pid)
    return err.value, pid


def test_a_node_this_up_started_is_named_as_before(data_folder, monkeypatch):
    failure, _pid = failure_of_a_node_this_up_starts(data_folder, monkeypatch)

    assert str(failure).startswith("peer0.bank: healthy /healthz and listening not reached within 3s")
    assert "already running" not in str(failure)


def test_a_node_this_up_started_and_waited_for_in_vain_is_said_to_be_left_running(data_folder, monkeypatch):
    """The run ends with it running (a slow start may yet finish): said, with how to see it and stop it, where the
    failure read as a start that had failed, and the next `up` then found it running as a node of another run's."""
    failure, pid = failure_of_a_node_this_up_starts(data_folder, monkeypatch)

    assert pid is not None
    assert str(failure).endswith(f"; it was left running (pid {pid}), in case it is only slow: `recfin network "
                                 f"status` shows whether it comes up, and `recfin network down` stops it (the "
                                 f"whole network; `kill -- -{pid}` stops it alone)")
