"""The integration suite refuses to start while the network `scripts/demo` (or `recfin network up`) left running holds
the default topology's ports, naming that network and how to stop it, instead of failing every test with a
PortInUseError (tests/integration/conftest.py). Checked without Fabric: the developer's "nodes" are `sleep`
processes with pid files where the network's would be, and the session runs with stand-in Fabric tools."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from network import ccservers, nodeconfig
from network.supervisor import ProcessSpec, Supervisor
from tests.integration.conftest import developers_network_running

from .test_integration_session import GENESIS_BLOCK, REPO, SUITE_PLUGIN


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


def refusal(data_root: Path) -> str:
    return (f"the network from `scripts/demo` (or `recfin network up`) is running in {data_root}: stop it with "
            "`.venv/bin/recfin network down`, then run the tests")


def test_a_running_node_of_the_developers_network_is_named_with_how_to_stop_it(tmp_path, started):
    data_root = tmp_path / "network"
    started(data_root, nodeconfig.node_dirs(data_root, "orderer0.orderer").pid)
    assert developers_network_running(data_root) == refusal(data_root)


def test_a_chaincode_server_left_running_counts_too(tmp_path, started):
    data_root = tmp_path / "network"
    started(data_root, ccservers.chaincode_dir(data_root, "receivables") / "bank" / ccservers.SERVER_PID_FILE)
    assert developers_network_running(data_root) == refusal(data_root)


def test_a_stopped_network_or_none_at_all_lets_the_suite_start(tmp_path, started):
    data_root = tmp_path / "network"
    assert developers_network_running(data_root) is None               # no folder: no network ever ran
    Supervisor().stop(started(data_root, nodeconfig.node_dirs(data_root, "peer0.bank").pid))
    assert developers_network_running(data_root) is None               # `recfin network down` ran


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


def test_the_session_fails_before_its_network_comes_up_while_the_developers_runs(tmp_path, fake_fabric, started):
    (fake_fabric / "bin" / "configtxgen").write_text(GENESIS_BLOCK)
    developers = tmp_path / "developers-home"
    started(developers / "network", nodeconfig.node_dirs(developers / "network", "peer0.supplier").pid)
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")
    (suite / "conftest.py").write_text("import os\nfrom pathlib import Path\n" + UP_CALLED)
    (suite / "test_suite.py").write_text(SUITE_TEST)
    env = {**os.environ, "RECFIN_HOME": str(developers), "PYTHONPATH": str(REPO), "UP_CALLED": str(tmp_path / "up")}
    env.pop("RECFIN_TOPOLOGY", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", SUITE_PLUGIN, "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "base"), str(suite)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "1 error" in done.stdout, done.stdout + done.stderr
    assert refusal(developers / "network") in done.stdout
    assert "PortInUseError" not in done.stdout
    assert not (tmp_path / "up").exists()
    assert developers_network_running(developers / "network")           # the developer's network left alone
