"""`recfin demo` is the first command a new operator runs: where bringing the network up or deploying the chaincode
fails after some of its processes started, the error says what keeps running, that running the demo again goes on
from there, and how to stop it, rather than the network's line alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from network.control import DeployResult, NodeStatus
from network.errors import ChaincodeError, MissingBinariesError, NodeTimeoutError
from network.topology import DEFAULT_TOPOLOGY


def status_row(name: str, pid: int | None) -> NodeStatus:
    return NodeStatus(name, "OrdererMSP", "orderer", "127.0.0.1:7050", pid, pid is not None, None, Path("node.log"))


class FailingNetwork:
    """The network package, failing in ``up`` or ``deploy_chaincode`` with ``error``; ``running`` its processes."""
    error: Exception = NodeTimeoutError("peer0.bank did not become healthy within 60s: see its log")
    failing_in = "up"
    running: list[str] = []

    def __init__(self, topology, *, data_root=None, say=None, **_):
        self.data_root = data_root

    def up(self):
        if self.failing_in == "up":
            raise self.error
        return []

    def deploy_chaincode(self):
        if self.failing_in == "deploy_chaincode":
            raise self.error
        return DeployResult("receivables", "1.0", 1, False, {})

    def status(self):
        return [status_row(name, 4242) for name in self.running] + [status_row("peer0.regulator", None)]


@pytest.fixture
def failing(monkeypatch):
    monkeypatch.setattr("network.Network", FailingNetwork)
    monkeypatch.setattr(FailingNetwork, "running", ["orderer0", "orderer1", "orderer2", "peer0.coreenterprise"])
    return FailingNetwork


@pytest.mark.parametrize("failing_in, error", [
    ("up", NodeTimeoutError("peer0.bank did not become healthy within 60s: see its log")),
    ("deploy_chaincode", ChaincodeError("approve for BankMSP failed: see peer0.bank's log")),
])
def test_a_setup_failing_with_nodes_running_says_they_keep_running_how_to_go_on_and_how_to_stop_them(
        runner, failing, monkeypatch, failing_in, error):
    monkeypatch.setattr(failing, "failing_in", failing_in)
    monkeypatch.setattr(failing, "error", error)
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 1
    line = result.output.split("Error: ", 1)[1].replace("\n", " ")
    assert line.startswith(str(error))
    assert "orderer0, orderer1, orderer2, peer0.coreenterprise keep running" in line
    assert "peer0.regulator" not in line    # not running: not said to run
    assert "run the demo again" in line
    assert "`recfin network down`" in line and "`recfin network status`" in line


def test_the_commands_it_names_take_the_topology_the_demo_ran_on(runner, failing, tmp_path):
    topology = tmp_path / "other.yaml"
    topology.write_text(Path(DEFAULT_TOPOLOGY).read_text())
    result = runner.invoke(main, ["demo", "--topology", str(topology)])
    assert result.exit_code == 1
    assert f"`recfin network down --topology {topology}`" in result.output.replace("\n", " ")


def test_a_setup_failing_before_anything_runs_keeps_its_own_line(runner, failing, monkeypatch):
    monkeypatch.setattr(failing, "running", [])
    monkeypatch.setattr(failing, "error",
                        MissingBinariesError("Fabric binaries peer not found: run scripts/install-fabric"))
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 1
    assert result.output.strip().endswith("Error: Fabric binaries peer not found: run scripts/install-fabric")


def test_ctrl_c_during_the_setup_says_what_keeps_running_and_exits_130(runner, failing, monkeypatch):
    monkeypatch.setattr(failing, "error", KeyboardInterrupt())
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 130
    line = result.output.split("Error: ", 1)[1].replace("\n", " ")
    assert line.startswith("interrupted. Setting the network up stopped there, and orderer0, orderer1, orderer2, "
                           "peer0.coreenterprise keep running (4 in all): run the demo again")
    assert "once that is mended" not in line     # nothing failed: there is nothing to mend
    assert "`recfin network down`" in line
