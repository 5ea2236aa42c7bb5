"""`recfin network compose-up` through the CLI: progress on stderr, the summary (or --json) on stdout,
a second run that says it changed nothing, and failures as one line; then `compose-status` on the
network it finished, and its exit status.

Fabric's CLIs are scripted and the operations endpoints stood in, as in
tests/unit/network/test_compose_up.py, which checks the calls themselves.
"""
import json
import shutil

import pytest
import yaml

from cli import network_commands
from cli.main import main
from network import compose, crypto
from network.fabric_bin import FabricInstall
from network.topology import load
from tests.unit.network.operations_stand_in import CHANNEL, OperationsStandIn, with_operations_ports
from tests.unit.network.scripted_docker import ScriptedDocker
from tests.unit.network.scripted_heights import OsnadminAt, PeerAt
from tests.unit.network.scripted_osnadmin import ScriptedFabric


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A hosts data folder as `prepare --hostnames` leaves it (a stand-in block: configtxgen is absent)."""
    hosts = load().on_hosts()
    root = tmp_path_factory.mktemp("hosts")
    crypto.generate(hosts, root)
    (root / "channel").mkdir()
    (root / "channel" / f"{CHANNEL}.block").write_bytes(b"genesis block stand-in")
    compose.write_packages(hosts, root)
    return root


@pytest.fixture
def compose_parts(runner, prepared, tmp_path, monkeypatch):
    """The data folder, a topology file with stand-in operations ports, and the scripted CLIs:
    (compose-up's arguments, the operations stand-in)."""
    fabric_home = tmp_path / "fabric"
    (fabric_home / "bin").mkdir(parents=True)
    (fabric_home / "config").mkdir()
    for tool in ("peer", "osnadmin"):
        (fabric_home / "bin" / tool).write_text("#!/bin/sh\nexit 1\n")
        (fabric_home / "bin" / tool).chmod(0o755)
    for name in ("core.yaml", "orderer.yaml"):
        (fabric_home / "config" / name).write_text("peer: {}\n")
    operations = OperationsStandIn([n.name for n in load().nodes()])
    operations.leader = "orderer0.orderer"
    topology_file = tmp_path / "topology.yaml"
    topology_file.write_text(yaml.safe_dump(with_operations_ports(load().model_dump(mode="json", exclude_none=True),
                                                                  operations)))
    data_root = tmp_path / "hosts"
    shutil.copytree(prepared, data_root)
    scripted = ScriptedFabric(PeerAt(load(), fabric=FabricInstall.locate()), OsnadminAt(CHANNEL))
    monkeypatch.setattr(network_commands, "Tools", lambda fabric: scripted)
    yield (["network", "compose-up", "--topology", str(topology_file), "--data-root", str(data_root), "--timeout", "5"],
           operations)
    operations.close()


@pytest.fixture
def compose_network(compose_parts):
    return compose_parts[0]


def test_compose_up_reports_progress_on_stderr_and_the_summary_as_json(runner, compose_network):
    result = runner.invoke(main, [*compose_network, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["changed"] and summary["committed_now"] and summary["sequence"] == 1
    assert summary["peers_joined_now"] == ["peer0.bank", "peer0.coreenterprise", "peer0.regulator", "peer0.supplier"]
    assert "[2/5] orderers join receivables" in result.stderr
    assert "committed at sequence 1" in result.stderr.splitlines()[-1]


def test_a_second_compose_up_says_nothing_changed(runner, compose_network):
    assert runner.invoke(main, compose_network).exit_code == 0
    result = runner.invoke(main, compose_network)
    assert result.exit_code == 0, result.output
    assert "compose network on receivables: nothing to change (every node joined" in result.stdout
    assert "changed: no" in result.stdout


def test_a_missing_genesis_block_is_one_line_saying_what_to_run(runner, compose_network, tmp_path):
    (tmp_path / "hosts" / "channel" / f"{CHANNEL}.block").unlink()
    result = runner.invoke(main, compose_network)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'hosts' / 'channel' / 'receivables.block'} is missing: run `recfin network prepare "
        f"--hostnames` for {tmp_path / 'hosts'} before `docker compose up -d`"]


@pytest.fixture
def docker(tmp_path, monkeypatch) -> ScriptedDocker:
    """What Docker says of the chaincode servers' containers: by default each runs healthy."""
    return ScriptedDocker(tmp_path, monkeypatch)


def test_compose_status_after_compose_up_lists_every_node_healthy_and_exits_0(runner, compose_parts, docker):
    docker.answer("container", "inspect", stdout="running healthy 0\n")
    up, _ = compose_parts
    assert runner.invoke(main, up).exit_code == 0
    status = ["network", "compose-status", *up[2:6]]
    result = runner.invoke(main, [*status, "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    nodes = {name: r for name, r in rows.items() if r["kind"] != "chaincode"}
    assert len(nodes) == 7 and all(r["healthy"] and r["height"] == 7 and r["problem"] is None for r in nodes.values())
    assert [rows[f"orderer{i}.orderer"]["raft_leader"] for i in range(3)] == [True, False, False]
    assert [(r["name"], r["healthy"]) for r in rows.values() if r["kind"] == "chaincode"] == [
        (f"receivables.{org}", True) for org in ("coreenterprise", "supplier", "bank", "regulator")]
    assert result.stderr.strip().splitlines()[-1] == ("compose network on receivables: 7/7 nodes healthy, "
                                                      "4/4 chaincode servers healthy, Raft leader orderer0.orderer")
    table = runner.invoke(main, status).stdout.splitlines()
    assert table[1].split()[0] == "NAME" and "RAFT_LEADER" in table[1] and "PROBLEM" in table[1]


def test_compose_status_with_a_node_down_reports_it_and_exits_1(runner, compose_parts, docker):
    docker.answer("container", "inspect", stdout="running healthy 0\n")
    up, operations = compose_parts
    operations.unhealthy.add("peer0.supplier")
    result = runner.invoke(main, ["network", "compose-status", *up[2:6]])
    assert result.exit_code == 1, result.output
    assert "compose network on receivables: 6/7 nodes healthy" in result.stdout
    supplier = next(line for line in result.stdout.splitlines() if line.startswith("peer0.supplier"))
    assert " no " in supplier and "docker logs peer0.supplier.recfin.local" in supplier


def test_compose_status_exits_1_while_a_chaincode_server_restarts_in_a_loop(runner, compose_parts, docker):
    # every orderer and peer answers /healthz, but the bank's peer cannot reach its chaincode server
    docker.answer("inspect", "receivables.bank.recfin.local", stdout="restarting starting 9\n")
    docker.answer("container", "inspect", stdout="running healthy 0\n")
    up, _ = compose_parts
    result = runner.invoke(main, ["network", "compose-status", *up[2:6]])
    assert result.exit_code == 1, result.output
    assert "compose network on receivables: 7/7 nodes healthy, 3/4 chaincode servers healthy" in result.stdout
    bank = next(line for line in result.stdout.splitlines() if line.startswith("receivables.bank"))
    assert " chaincode " in bank and " no " in bank and "restart count 9" in bank


def test_compose_status_with_no_raft_leader_says_so_and_exits_1(runner, compose_parts, docker):
    # every node answers /healthz, yet no orderer leads: nothing can be ordered, and the exit status must say so
    docker.answer("container", "inspect", stdout="running healthy 0\n")
    up, operations = compose_parts
    assert runner.invoke(main, up).exit_code == 0
    operations.leader = None
    result = runner.invoke(main, ["network", "compose-status", *up[2:6], "--json"])
    assert result.exit_code == 1, result.output
    assert "7/7 nodes healthy, 4/4 chaincode servers healthy, Raft leader unknown" in result.stderr
    orderers = [r for r in json.loads(result.stdout) if r["kind"] == "orderer"]
    assert [(r["healthy"], r["raft_leader"]) for r in orderers] == [(True, None)] * 3
    assert all(r["problem"].startswith("no orderer leads the Raft cluster of receivables") and
               f"docker logs {r['name']}.recfin.local" in r["problem"] for r in orderers)


def test_compose_status_without_docker_leaves_chaincode_health_unknown_and_exits_0(runner, compose_parts, tmp_path,
                                                                                   monkeypatch):
    (tmp_path / "no-docker").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-docker"))
    up, _ = compose_parts
    result = runner.invoke(main, ["network", "compose-status", *up[2:6], "--json"])
    assert result.exit_code == 0, result.output
    servers = [r for r in json.loads(result.stdout) if r["kind"] == "chaincode"]
    assert len(servers) == 4 and {(r["healthy"], r["problem"].split(":")[0]) for r in servers} == {
        (None, "container health unknown")}
    assert "7/7 nodes healthy, 0/4 chaincode servers healthy (4 unknown)" in result.stderr


def test_compose_status_exits_1_while_healthy_orderers_are_outside_the_channel(runner, compose_parts, docker):
    # Help and deployment.md: exit 0 needs one orderer leading. Orderers that answer /healthz but hold no
    # channel (compose-up not run yet, or their ledger volumes lost) lead nothing: nothing can be ordered.
    docker.answer("container", "inspect", stdout="running healthy 0\n")
    up, operations = compose_parts
    operations.leader = None        # no orderer holds the channel, so none reports leading its Raft cluster
    result = runner.invoke(main, ["network", "compose-status", *up[2:6], "--json"])
    assert result.exit_code == 1, result.output
    assert "7/7 nodes healthy, 4/4 chaincode servers healthy, Raft leader unknown" in result.stderr
    orderers = [r for r in json.loads(result.stdout) if r["kind"] == "orderer"]
    assert [(r["healthy"], r["member"], r["raft_leader"]) for r in orderers] == [(True, False, None)] * 3
    assert {r["problem"] for r in orderers} == {
        "not a member of receivables: `recfin network compose-up` joins it"}
