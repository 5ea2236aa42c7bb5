"""A chaincode server of a committed chaincode that runs and accepts connections but whose /healthz does not answer
OK is hung: its org's peer dials it for every transaction, and each fails. `up`, the operator's command to make the
network healthy, stops its process group and starts it afresh, saying why, where it left it running. One whose
operations endpoint accepts no connection at all (started before servers served /healthz) is left alone."""
import pytest

from network import control
from network.control import Network

from . import test_status_counts_committed_chaincode_servers as committed_servers
from .test_status_counts_committed_chaincode_servers import SLEEPER, deploy, run

home = committed_servers.home       # its data folder: every node running and healthy


@pytest.fixture
def running(home, supervisor, monkeypatch):
    """Every org's server of the committed chaincode running; the servers `up` would start only recorded."""
    sup, start = supervisor
    specs = deploy(home)
    for spec in specs.values():
        run(spec, start, SLEEPER)
    monkeypatch.setattr(control, "HUNG_SERVER_WAIT", 0.0, raising=False)
    started = []
    monkeypatch.setattr(Network, "_start_server", lambda net, spec: started.append(spec.name) or True)
    monkeypatch.setattr("network.probes.accepting", lambda address: True)
    return sup, specs, started


def start_servers(lines: list[str]) -> list[str]:
    net = Network.load(None)
    net.say = lines.append
    return net.start_chaincode_servers()


def test_up_restarts_a_server_that_fails_its_healthz(running, monkeypatch):
    sup, specs, started = running
    bank = specs["bank"]
    pid = sup.running_pid(bank.pid_file)
    monkeypatch.setattr("network.probes.healthy",
                        lambda address: address != bank.env["CHAINCODE_OPERATIONS_ADDRESS"])
    lines = []

    start_servers(lines)

    assert sup.running_pid(bank.pid_file) is None
    assert all(sup.running_pid(spec.pid_file) for org, spec in specs.items() if org != "bank")
    assert "receivables.bank" in started
    said = [line for line in lines if "receivables.bank" in line]
    assert said and f"(pid {pid})" in said[0] and "/healthz" in said[0] and str(bank.log) in said[0]


def test_up_leaves_a_server_whose_operations_endpoint_accepts_nothing(running, monkeypatch):
    sup, specs, _ = running
    bank = specs["bank"]
    operations = bank.env["CHAINCODE_OPERATIONS_ADDRESS"]
    monkeypatch.setattr("network.probes.healthy", lambda address: address != operations)
    monkeypatch.setattr("network.probes.accepting", lambda address: address != operations)

    start_servers([])

    assert sup.running_pid(bank.pid_file) is not None


def test_up_leaves_a_server_whose_healthz_answers_ok_within_the_wait(running, monkeypatch):
    sup, specs, _ = running
    bank = specs["bank"]
    monkeypatch.setattr(control, "HUNG_SERVER_WAIT", 3600.0, raising=False)
    monkeypatch.setattr(control, "_HUNG_SERVER_POLL", 0.0, raising=False)
    answers = iter([False, False, True])
    operations = bank.env["CHAINCODE_OPERATIONS_ADDRESS"]
    monkeypatch.setattr("network.probes.healthy", lambda address: address != operations or next(answers))

    start_servers([])

    assert sup.running_pid(bank.pid_file) is not None
