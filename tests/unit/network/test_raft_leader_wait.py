"""The wait for a Raft leader names the orderers that are down, with their logs: once too few run for Raft
to elect one, at once, where it waited out its timeout and quoted the first orderer's log, however
healthy."""
import pytest

from network import channel, nodeconfig
from network.control import Network
from network.errors import NodeTimeoutError
from network.fabric_bin import FabricInstall
from network.supervisor import Supervisor


class OrderersRunning(Supervisor):
    """A supervisor whose clock moves only when it sleeps, and for which only the named nodes run."""

    def __init__(self, data_root, running):
        self.now = 0.0
        super().__init__(clock=lambda: self.now, sleep=self._sleep)
        self.pid_files = {nodeconfig.node_dirs(data_root, name).pid for name in running}

    def _sleep(self, seconds):
        self.now += seconds

    def running_pid(self, pid_file):
        return 4242 if pid_file in self.pid_files else None


@pytest.fixture
def no_leader(monkeypatch):
    monkeypatch.setattr(channel, "raft_leader", lambda topology: None)


def network(topology, data_root, running):
    for node in topology.orderers():
        log = nodeconfig.node_dirs(data_root, node.name).log
        log.parent.mkdir(parents=True, exist_ok=True)
        crash = "" if node.name in running else f"2026-12-04 PANI {node.name}: raft WAL corrupted\n"
        log.write_text(f"==== recfin: starting {node.name}\n2026-12-04 INFO Starting orderer\n{crash}")
    return Network(topology, data_root=data_root, fabric=FabricInstall.locate(),
                   supervisor_=OrderersRunning(data_root, running), timeout=60)


def test_too_few_orderers_running_fail_the_wait_at_once_naming_them(topology, tmp_path, fake_fabric,
                                                                   no_leader):
    net = network(topology, tmp_path, running={"orderer0.orderer"})
    with pytest.raises(NodeTimeoutError) as refused:
        net.wait_for_raft_leader()
    message = str(refused.value)
    assert message.startswith("orderers: no Raft leader on receivables can be elected, 1 of 3 orderers "
                              "running where Raft needs 2: orderer1.orderer is not running: see ")
    for name in ("orderer1.orderer", "orderer2.orderer"):
        log = nodeconfig.node_dirs(tmp_path, name).log
        assert f"{log} (log: 2026-12-04 INFO Starting orderer | 2026-12-04 PANI {name}: raft WAL" in message
    assert "orderer0.orderer" not in message and net.supervisor.now == 0.0


def test_one_orderer_down_is_named_when_the_wait_times_out(topology, tmp_path, fake_fabric, no_leader):
    net = network(topology, tmp_path, running={"orderer0.orderer", "orderer2.orderer"})
    log = nodeconfig.node_dirs(tmp_path, "orderer1.orderer").log
    with pytest.raises(NodeTimeoutError) as refused:
        net.wait_for_raft_leader()
    assert str(refused.value).startswith(
        f"orderers: a Raft leader on receivables not reached within 60s (orderer1.orderer is not running: "
        f"see {log} (log: 2026-12-04 INFO Starting orderer | 2026-12-04 PANI orderer1.orderer: raft WAL "
        f"corrupted))")
