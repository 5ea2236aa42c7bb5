"""The integration suite refuses to start while a network the developer left running (the one `scripts/demo` or
`recfin network up` started, which keeps running) sits on ports the suite's own network needs, naming that network by
its folder and how to stop it, instead of failing every test with a PortInUseError (tests/integration/conftest.py).
A network of the developer's own topology on other ports runs beside the suite's. Checked without Fabric: the
developer's "nodes" are `sleep` processes with pid files where the network's would be, the ports are held by this
test, and the session runs with stand-in Fabric tools."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from network import ccservers, nodeconfig
from network.supervisor import ProcessSpec, Supervisor
from network.topology import DEFAULT_TOPOLOGY, Topology, load as load_topology
from tests.integration.conftest import developers_network_running

from .test_integration_session import GENESIS_BLOCK, REPO, SUITE_PLUGIN
from .test_ports import free_port

DEMO = "the network from `scripts/demo` (or `recfin network up`)"
DOWN = "`.venv/bin/recfin network down`"


def running_from(data_root: Path, pid_file: Path) -> Path:
    """A process started as the network starts its nodes, its pid file at ``pid_file``; stopped by the caller."""
    Supervisor().start(ProcessSpec(pid_file.parent.name, ["sleep", "600"], dict(os.environ),
                                   pid_file.parent / "node.log", pid_file))
    return pid_file


@pytest.fixture
def started():
    """start(data_root, pid_file): a process running from ``data_root``; every one started is stopped after."""
    pid_files: list[Path] = []

    def start(data_root: Path, pid_file: Path) -> Path:
        pid_files.append(running_from(data_root, pid_file))
        return pid_files[-1]

    yield start
    for pid_file in pid_files:
        Supervisor().stop(pid_file)


def holding(host: str, port: int) -> socket.socket | None:
    """A socket listening on host:port, as a node holds its port; None when something else holds it already."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        return None
    sock.listen()
    return sock


@pytest.fixture
def held_port():
    """A port this test holds (listening on 127.0.0.1, as the default topology's listen_host)."""
    sock = holding("127.0.0.1", 0)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def a_default_port():
    """The first port of the default topology's nodes that nothing held, held now by this test:
    "<node> <port name> <listen_host>:<port>", as a refusal lists it."""
    topology = load_topology()
    for node in topology.nodes():
        for key, port in node.ports.items():
            if sock := holding(topology.listen_host, port):
                yield f"{node.name} {key} {topology.listen_host}:{port}"
                sock.close()
                return
    pytest.fail("every port of network/topology.yaml's nodes is taken: stop the network holding them")


def suite_on(port: int) -> Topology:
    """The default topology cut to its first orderer, listening on ``port`` alone: a suite's network whose one port
    the test holds or leaves free."""
    default = load_topology()
    orderer = default.orderer_org.orderers[0].model_copy(update={"port": port, "admin_port": port,
                                                                  "operations_port": port})
    return default.model_copy(update={"orgs": [], "orderer_org": default.orderer_org.model_copy(
        update={"orderers": [orderer]})})


def refusal(data_root: Path, taken: str, found: str = DEMO, stop: str = DOWN) -> str:
    return (f"{found} is running in {data_root} and the ports the tests' network needs are taken ({taken}): "
            f"stop it with {stop}, then run the tests")


def taken_on(port: int) -> str:
    """How a refusal lists suite_on(port)'s ports, all taken."""
    return ", ".join(f"orderer0.orderer {key} 127.0.0.1:{port}" for key in ("port", "admin_port", "operations_port"))


def test_a_running_node_of_the_demos_network_on_the_suites_ports_is_named_with_how_to_stop_it(tmp_path, started,
                                                                                              held_port):
    data_root = tmp_path / "network"
    started(data_root, nodeconfig.node_dirs(data_root, "orderer0.orderer").pid)
    assert developers_network_running(data_root, suite_on(held_port), data_root) == \
        refusal(data_root, taken_on(held_port))


def test_a_chaincode_server_left_running_counts_too(tmp_path, started, held_port):
    data_root = tmp_path / "network"
    started(data_root, ccservers.chaincode_dir(data_root, "receivables") / "bank" / ccservers.SERVER_PID_FILE)
    assert developers_network_running(data_root, suite_on(held_port), data_root) == \
        refusal(data_root, taken_on(held_port))


def test_a_stopped_network_or_none_at_all_lets_the_suite_start(tmp_path, started, held_port):
    data_root = tmp_path / "network"
    assert developers_network_running(data_root, suite_on(held_port), data_root) is None     # no network ever ran
    Supervisor().stop(started(data_root, nodeconfig.node_dirs(data_root, "peer0.bank").pid))
    assert developers_network_running(data_root, suite_on(held_port), data_root) is None     # `recfin network down`


def test_a_network_running_while_the_suites_ports_are_free_lets_the_suite_start(tmp_path, started):
    """A developer's network of their own topology, on other ports: the suite's runs beside it."""
    data_root = tmp_path / "network"
    started(data_root, nodeconfig.node_dirs(data_root, "orderer0.orderer").pid)
    assert developers_network_running(data_root, suite_on(free_port()), data_root) is None


def test_a_network_outside_the_demos_folder_is_named_by_its_folder_not_as_the_demos(tmp_path, started, held_port):
    theirs = tmp_path / "their-topology-data"
    started(theirs, nodeconfig.node_dirs(theirs, "orderer0.orderer").pid)
    assert developers_network_running(theirs, suite_on(held_port), tmp_path / "developers-home" / "network") == \
        refusal(theirs, taken_on(held_port), found="a network",
                stop=f"{DOWN} (with the RECFIN_TOPOLOGY that names that folder)")


def test_more_than_three_ports_taken_are_counted(tmp_path, started, held_port):
    data_root = tmp_path / "network"
    started(data_root, nodeconfig.node_dirs(data_root, "orderer0.orderer").pid)
    suite = suite_on(held_port)
    second = suite.orderer_org.orderers[0].model_copy(update={"name": "orderer1"})
    suite = suite.model_copy(update={"orderer_org": suite.orderer_org.model_copy(
        update={"orderers": [*suite.orderer_org.orderers, second]})})
    assert developers_network_running(data_root, suite, data_root) == \
        refusal(data_root, taken_on(held_port) + " and 3 more")


# Network.up as far as this check needs: it says it was called.
UP_CALLED = '''
from network import Network


def up(self):
    Path(os.environ["UP_CALLED"]).touch()
    return []


Network.up = up
'''

SUITE_TEST = '''
def test_on_the_network(fabric_network):
    pass
'''


def run_session(tmp_path: Path, developers_home: Path, topology: Path | None = None) -> subprocess.CompletedProcess:
    """pytest over one test on the suite's network, with the suite's conftest as a plugin and Network.up a stand-in
    that leaves the file UP_CALLED; the developer's RECFIN_HOME and RECFIN_TOPOLOGY (None: unset) set around it."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")
    (suite / "conftest.py").write_text("import os\nfrom pathlib import Path\n" + UP_CALLED)
    (suite / "test_suite.py").write_text(SUITE_TEST)
    env = {**os.environ, "RECFIN_HOME": str(developers_home), "PYTHONPATH": str(REPO),
           "UP_CALLED": str(tmp_path / "up")}
    env.pop("RECFIN_TOPOLOGY", None)
    if topology is not None:
        env["RECFIN_TOPOLOGY"] = str(topology)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", SUITE_PLUGIN, "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "base"), str(suite)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_the_session_fails_before_its_network_comes_up_while_the_demos_runs_on_its_ports(tmp_path, fake_fabric,
                                                                                        started, a_default_port):
    (fake_fabric / "bin" / "configtxgen").write_text(GENESIS_BLOCK)
    developers = tmp_path / "developers-home"
    started(developers / "network", nodeconfig.node_dirs(developers / "network", "peer0.supplier").pid)
    done = run_session(tmp_path, developers)
    assert done.returncode == 1 and "1 error" in done.stdout, done.stdout + done.stderr
    assert f"{DEMO} is running in {developers / 'network'} and the ports the tests' network needs are taken (" \
        in done.stdout
    assert a_default_port in done.stdout
    assert "PortInUseError" not in done.stdout
    assert not (tmp_path / "up").exists()
    assert Supervisor().running_pid(nodeconfig.node_dirs(developers / "network", "peer0.supplier").pid)  # left alone


def test_under_the_developers_topology_the_session_names_its_folder_and_not_the_demo(tmp_path, fake_fabric, started,
                                                                                     a_default_port):
    """The suite runs network/topology.yaml whatever $RECFIN_TOPOLOGY says; a network of that topology, in its own
    data folder, is named by that folder, with how to stop it."""
    (fake_fabric / "bin" / "configtxgen").write_text(GENESIS_BLOCK)
    theirs = tmp_path / "their-data"
    topology = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    topology["data_root"] = str(theirs)
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump(topology))
    started(theirs, nodeconfig.node_dirs(theirs, "orderer0.orderer").pid)
    done = run_session(tmp_path, tmp_path / "developers-home", tmp_path / "mine.yaml")
    assert done.returncode == 1 and "1 error" in done.stdout, done.stdout + done.stderr
    assert f"a network is running in {theirs} and the ports the tests' network needs are taken (" in done.stdout
    assert f"stop it with {DOWN} (with the RECFIN_TOPOLOGY that names that folder)" in done.stdout
    assert "scripts/demo" not in done.stdout and a_default_port in done.stdout
    assert not (tmp_path / "up").exists()
