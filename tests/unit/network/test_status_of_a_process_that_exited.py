"""A node or chaincode server whose process exited without `recfin network down` (a crash, a kill, a restart of the
machine) keeps its pid file, which `down` removes: `status` tells it from one stopped, names it with what its log
says since its last start, and says what starts it again."""
import json
import sys

from click.testing import CliRunner

from cli.main import main
from network import ccservers, nodeconfig
from network.control import Network
from network.supervisor import ProcessSpec

CRASHES = [sys.executable, "-c",
           "import sys\n"
           "print('2026-12-05 09:00:00.000 UTC 0042 INFO [nodeCmd] serve -> Starting peer')\n"
           "print('2026-12-05 09:00:01.000 UTC 0043 FATA [nodeCmd] serve -> Failed to start peer: ledger is damaged')\n"
           "sys.exit(2)"]
SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def run_until_it_exits(sup, start, spec):
    start(spec)
    sup.wait_until(lambda: sup.running_pid(spec.pid_file) is None, what="its exit", name=spec.name, log=spec.log,
                   timeout=30)
    assert spec.pid_file.is_file()          # as a crash leaves it: nothing removed it


def test_status_names_a_node_that_exited_with_its_log_and_what_starts_it_again(data_folder, supervisor):
    sup, start = supervisor
    bank = nodeconfig.node_dirs(data_folder, "peer0.bank")
    run_until_it_exits(sup, start, ProcessSpec("peer0.bank", CRASHES, {}, bank.log, bank.pid))
    # stopped by `down` (its pid file removed), and never started: neither exited
    supplier = nodeconfig.node_dirs(data_folder, "peer0.supplier")
    start(ProcessSpec("peer0.supplier", SLEEPER, {}, supplier.log, supplier.pid))
    assert sup.stop(supplier.pid) and not supplier.pid.exists()

    result = CliRunner().invoke(main, ["network", "status", "--json"])

    assert result.exit_code == 1, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert {name for name, row in rows.items() if row["exited"]} == {"peer0.bank"}
    lines = result.stderr.splitlines()
    [said] = [line for line in lines if line.startswith("peer0.bank ")]
    assert said.startswith(f"peer0.bank exited without `recfin network down` (a crash, a kill or a restart of the "
                           f"machine): see {bank.log} (log: ")
    assert "FATA [nodeCmd] serve -> Failed to start peer: ledger is damaged" in said
    assert not any(line.startswith(("peer0.supplier ", "orderer0.orderer ")) for line in lines)
    assert lines[-1] == ("`recfin network up` starts again what exited, on the ledgers kept; `recfin network logs "
                         "NAME` shows the whole log")


def test_status_names_a_chaincode_server_that_exited_without_failing_for_it(data_folder, supervisor, monkeypatch):
    sup, start = supervisor
    ccservers.save_deployment(data_folder, ccservers.Deployment("receivables", "1.0", 1, "m:C", None, None, 0, {}))
    net = Network.load(None)
    server = next(net._server_spec(dep, "bank") for dep in ccservers.deployments(data_folder))
    run_until_it_exits(sup, start, ProcessSpec(server.name, CRASHES, {}, server.log, server.pid_file))
    monkeypatch.setattr("network.probes.healthy", lambda address: True)        # every node healthy
    monkeypatch.setattr(Network, "_pid", lambda self, node: 1)
    monkeypatch.setattr("network.channel.node_height", lambda *args: 5)

    result = CliRunner().invoke(main, ["network", "status"])

    assert result.exit_code == 0, result.output         # a server of an org with no package is shown, not counted
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"receivables.bank exited without `recfin network down` (a crash, a kill or a restart "
                               f"of the machine): see {server.log} (log: ")
    assert lines[-1] == ("`recfin network up` or `recfin chaincode restart` starts again what exited; `recfin "
                         "network logs NAME` shows the whole log")


def test_up_says_a_node_had_exited_and_why_before_it_starts_it_again(topology, data_folder, fake_fabric, supervisor,
                                                                     monkeypatch):
    """`up` starts again what exited; it says so, with what the log says of the exit, before the new start's lines
    follow it in the log (its quote reads from the last start on)."""
    sup, start = supervisor
    bank = nodeconfig.node_dirs(data_folder, "peer0.bank")
    run_until_it_exits(sup, start, ProcessSpec("peer0.bank", CRASHES, {}, bank.log, bank.pid))
    (fake_fabric / "bin" / "peer").write_text("#!/bin/sh\nexec sleep 60\n")      # a peer that runs
    monkeypatch.setattr("network.probes.not_serving", lambda node: None)
    said = []
    net = Network(topology, data_root=data_folder, supervisor_=sup, say=said.append)
    try:
        net._start_node(topology.node("peer0.bank"))
    finally:
        sup.stop(bank.pid)
    exited = next(i for i, line in enumerate(said) if line.startswith("  peer0.bank had exited"))
    assert said[exited].startswith(f"  peer0.bank had exited without `recfin network down` (a crash, a kill or a "
                                   f"restart of the machine): see {bank.log} (log: ")
    assert "FATA [nodeCmd] serve -> Failed to start peer: ledger is damaged" in said[exited]
    assert said[exited + 1].startswith("  started peer0.bank (pid ")
    again = Network(topology, data_root=data_folder, supervisor_=sup, say=said.append)
    start(ProcessSpec("peer0.bank", SLEEPER, {}, bank.log, bank.pid))
    del said[:]
    again._start_node(topology.node("peer0.bank"))          # running: nothing to say of an exit
    assert said == ["  peer0.bank healthy at 127.0.0.1:9051 (already running)"]
