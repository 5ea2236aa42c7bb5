"""A committed chaincode's peers dial its servers for every transaction: one dead (or not answering /healthz) fails
each transaction its org endorses, so `recfin network status` exits 1 for it as for a dead node, and names it, where
it exited 0 and a monitor reading the exit status saw a healthy network. A server the network does not run (an org
that joined after the deploy and has no package yet, a deploy stopped before its commit) is shown, not counted."""
import json
import sys

import pytest
from click.testing import CliRunner

from cli.main import main
from network import ccservers
from network.control import Network
from network.supervisor import ProcessSpec

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]
CRASHES = [sys.executable, "-c", "import sys\nprint('server: cannot load the contract')\nsys.exit(1)"]
PACKAGES = {msp: f"receivables_1.0:{n:064x}" for n, msp in enumerate(
    ("CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"))}


@pytest.fixture
def home(tmp_path, monkeypatch, fake_fabric):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    (tmp_path / "home" / "network").mkdir(parents=True)
    # every orderer and peer runs and answers /healthz; so does each chaincode server that runs
    monkeypatch.setattr("network.probes.healthy", lambda address: True)
    monkeypatch.setattr(Network, "_pid", lambda self, node: 1)
    monkeypatch.setattr("network.channel.node_height", lambda *args: 5)
    return tmp_path / "home" / "network"


def deploy(home, packages=PACKAGES):
    ccservers.save_deployment(home, ccservers.Deployment("receivables", "1.0", 1, "m:C", None, None, 0, packages))
    net = Network.load(None)
    return {org.name: net._server_spec(dep, org.name)
            for dep in ccservers.deployments(home) for org in net.topology.orgs}


def run(spec, start, argv=SLEEPER):
    start(ProcessSpec(spec.name, argv, {}, spec.log, spec.pid_file))


def all_running_one_failing_healthz(home, supervisor, monkeypatch, org: str) -> None:
    """The chaincode deployed (deploy) with every org's server running, org's not answering /healthz."""
    _, start = supervisor
    specs = deploy(home)
    for spec in specs.values():
        run(spec, start)
    failing = specs[org].env["CHAINCODE_OPERATIONS_ADDRESS"]
    monkeypatch.setattr("network.probes.healthy", lambda address: address != failing)


def status(*options):
    result = CliRunner().invoke(main, ["network", "status", *options])
    return result, result.stderr.splitlines()


def test_every_server_of_the_committed_chaincode_running_and_healthy_is_exit_0(home, supervisor):
    _, start = supervisor
    for spec in deploy(home).values():
        run(spec, start)

    result, _ = status("--json")

    assert result.exit_code == 0, result.output
    servers = [row for row in json.loads(result.stdout) if row["kind"] == "chaincode"]
    assert len(servers) == 4 and all(row["healthy"] and row["counted"] for row in servers)


def test_a_dead_server_of_the_committed_chaincode_is_exit_1_naming_it(home, supervisor):
    sup, start = supervisor
    specs = deploy(home)
    for org, spec in specs.items():
        run(spec, start, CRASHES if org == "bank" else SLEEPER)
    bank = specs["bank"]
    sup.wait_until(lambda: sup.running_pid(bank.pid_file) is None, what="its exit", name=bank.name, log=bank.log,
                   timeout=30)

    result, lines = status("--json")

    assert result.exit_code == 1, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["receivables.bank"]["counted"] is True and rows["receivables.bank"]["healthy"] is False
    assert all(row["healthy"] for row in rows.values() if row["name"] != "receivables.bank")
    assert ("1 of 4 chaincode servers of committed chaincode not healthy: receivables.bank (a peer runs no "
            "transaction of a chaincode while its org's server is down: `recfin chaincode restart --name "
            "receivables` starts it again)") in lines
    assert not any(" nodes not healthy" in line for line in lines)


def test_a_server_that_runs_but_fails_its_healthz_is_exit_1(home, supervisor, monkeypatch):
    all_running_one_failing_healthz(home, supervisor, monkeypatch, "supplier")

    result, lines = status()

    assert result.exit_code == 1, result.output
    assert any(line.startswith("1 of 4 chaincode servers of committed chaincode not healthy: receivables.supplier ")
               for line in lines)


def test_a_server_of_an_org_with_no_package_is_shown_not_counted(home, supervisor):
    """An org that joined after the deploy, its `org add` stopped before its chaincode step: `up` starts no server
    for it (it says to run the `org add` again), so its row is not what the exit status reports."""
    _, start = supervisor
    packages = {msp: package for msp, package in PACKAGES.items() if msp != "RegulatorMSP"}
    specs = deploy(home, packages)
    for org, spec in specs.items():
        if org != "regulator":
            run(spec, start)

    result, _ = status("--json")

    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["receivables.regulator"]["healthy"] is False and rows["receivables.regulator"]["counted"] is False


def test_a_dead_node_and_a_dead_server_are_each_named(home, supervisor, monkeypatch):
    specs = deploy(home)
    _, start = supervisor
    for org, spec in specs.items():
        if org != "bank":
            run(spec, start)
    monkeypatch.setattr(Network, "_pid", lambda self, node: None if node.name == "peer0.bank" else 1)

    result, lines = status()

    assert result.exit_code == 1, result.output
    assert "1 of 7 nodes not healthy: peer0.bank" in lines
    assert any(line.startswith("1 of 4 chaincode servers of committed chaincode not healthy: receivables.bank ")
               for line in lines)


def test_up_names_a_server_it_found_running_but_failing_its_healthz(home, supervisor, monkeypatch):
    """`up` leaves a running server alone once it listens (one started before it had /healthz only listens): a hung
    one is passed over, and `up` said nothing of it but a row of its table, where the operator ran `up` to mend the
    network and `status` goes on failing for it."""
    all_running_one_failing_healthz(home, supervisor, monkeypatch, "bank")
    monkeypatch.setattr(Network, "up", lambda net: net.status())       # every node and server found running

    result = CliRunner().invoke(main, ["network", "up"])

    assert result.exit_code == 0, result.output
    assert ("1 of 4 chaincode servers of committed chaincode not healthy: receivables.bank (a peer runs no "
            "transaction of a chaincode while its org's server is down: `recfin chaincode restart --name "
            "receivables` starts it again)") in result.stderr.splitlines()
