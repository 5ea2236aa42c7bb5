"""A chaincode server of a committed chaincode that runs and accepts connections but whose /healthz does not answer
OK is hung: its org's peer dials it for every transaction, and each fails. `up`, the operator's command to make the
network healthy, stops its process group and starts it afresh, saying why, where it left it running. One whose
operations endpoint accepts no connection at all (started before servers served /healthz) is left alone. How long
a server has to answer OK is the command's --timeout, as for every other wait of `up`."""
import time

import pytest

from network.control import Network
from network.supervisor import Supervisor

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
    started = []
    monkeypatch.setattr(Network, "_start_server", lambda net, spec: started.append(spec.name) or True)
    monkeypatch.setattr("network.probes.accepting", lambda address: True)
    return sup, specs, started


def start_servers(lines: list[str], timeout: float = 1.0, now: list[float] | None = None) -> list[str]:
    """`up`'s start of the chaincode servers with --timeout timeout, on a clock (now[0]) that moves only by the waits
    it sleeps (each sleep lasting a moment, so that a process a stop signalled can exit)."""
    now = [0.0] if now is None else now

    def sleep(seconds: float) -> None:
        now[0] += seconds
        time.sleep(min(seconds, 0.01))

    net = Network.load(None, timeout=timeout, supervisor_=Supervisor(clock=lambda: now[0], sleep=sleep))
    net.say = lines.append
    return net.start_chaincode_servers()


def answers_ok_from_poll(n: int, operations: str):
    """A /healthz probe under which the server at operations answers OK from its n-th look on, every other at once."""
    looks = iter(range(1, 10**6))
    return lambda address: address != operations or next(looks) >= n


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
    assert "for 1 s (--timeout)" in said[0]


def test_a_timeout_shorter_than_the_servers_silence_restarts_it(running, monkeypatch):
    """--timeout 2: a server silent for 5 s (its 11th look, one each half second) is taken as hung at 2 s."""
    sup, specs, started = running
    bank = specs["bank"]
    monkeypatch.setattr("network.probes.healthy", answers_ok_from_poll(11, bank.env["CHAINCODE_OPERATIONS_ADDRESS"]))

    start_servers([], timeout=2.0)

    assert sup.running_pid(bank.pid_file) is None
    assert "receivables.bank" in started


def test_a_timeout_longer_than_the_servers_silence_leaves_it(running, monkeypatch):
    """--timeout 60: a busy server that answers OK after 20 s (its 41st look) is left running, not restarted."""
    sup, specs, _ = running
    bank = specs["bank"]
    monkeypatch.setattr("network.probes.healthy", answers_ok_from_poll(41, bank.env["CHAINCODE_OPERATIONS_ADDRESS"]))

    start_servers([], timeout=60.0)

    assert sup.running_pid(bank.pid_file) is not None


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
    monkeypatch.setattr("network.probes.healthy", answers_ok_from_poll(3, bank.env["CHAINCODE_OPERATIONS_ADDRESS"]))

    start_servers([], timeout=3600.0)

    assert sup.running_pid(bank.pid_file) is not None


def test_several_hung_servers_are_waited_for_together(running, monkeypatch):
    """Every server hung at once (the machine woke from sleep, say) costs one --timeout, not one for each server."""
    sup, specs, _ = running
    monkeypatch.setattr("network.probes.healthy", lambda address: False)
    now = [0.0]

    start_servers([], timeout=10.0, now=now)

    assert all(sup.running_pid(spec.pid_file) is None for spec in specs.values())
    assert now[0] < 2 * 10.0
