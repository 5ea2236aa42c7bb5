"""What `recfin bench` checks and reads before a workload runs: Node.js for --compare-node, every chaincode server,
the settings the running network has (its channel's batch, its committed endorsement policy), and each step's
deadline, the same for both clients."""
import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fabric_protos.common import configtx_pb2
from fabric_protos.orderer import configuration_pb2
from fabric_protos.peer import policy_pb2

from bench import node_compare
from bench.driver import Plan
from bench import network_session
from cli import bench_commands
from cli.bench_commands import bench, network_settings
from network import Network, channel_config, contract_config
from network.batch_tuning import BATCH_SIZE, BATCH_TIMEOUT
from network.control import NodeStatus
from network.fabric_bin import FabricInstall
from network.org_definition import signature_policy
from network.topology import load as load_topology

from ..network.channel_fixtures import config_block
from .test_bench_command import a_network_without_fabric_tools, wire_a_node_client, wire_to_a_recording_client


# ---- --compare-node: Node.js before anything runs ----------------------------------------------------------------
def a_path_holding(folder: Path, **tools: str) -> str:
    """A PATH of one folder holding shell scripts by name (e.g. node='echo v18.19.0'), and nothing else."""
    folder.mkdir(exist_ok=True)
    for name, body in tools.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return str(folder)


@pytest.mark.parametrize("tools, named", [
    ({}, "node not found on PATH"),
    ({"node": "echo v18.19.0"}, "is Node.js v18.19.0; the Node client needs 20 or later"),
])
def test_compare_node_without_a_usable_node_is_refused_before_the_network_is_asked_or_anything_runs(
        tmp_path, monkeypatch, tools, named):
    got = wire_to_a_recording_client(monkeypatch)
    asked = []
    monkeypatch.setattr(bench_commands, "running_network", lambda *a: asked.append(a))
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **tools))
    output = tmp_path / "results"
    result = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", "--compare-node", "--rate", "20",
                                        "--warmup", "0", "--duration", "0.3", "--output", str(output)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --compare-node: ") and named in lines[0]
    assert "install Node.js 20 or later with npm" in lines[0] and "leave out --compare-node" in lines[0]
    assert asked == [] and got == [] and not output.exists()


def test_compare_node_without_a_running_network_says_so_before_npm_fetches_the_node_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", node="echo v20.11.1"))
    installed = []
    monkeypatch.setattr(node_compare, "install", lambda: installed.append("npm ci"))
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path / "no-network"), "-w", "register",
                                        "--compare-node", "--duration", "1"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: no running network to benchmark"), result.output
    assert installed == []


def test_compare_node_is_not_checked_when_no_workload_named_has_a_node_counterpart(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin"))
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "-w", "hotkey", "--mode", "concurrency",
                                        "--compare-node"])
    assert "no running network" in result.output and "Node.js" not in result.output, result.output


def test_a_failed_npm_install_names_the_command_the_folder_and_how_to_see_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", node="echo v20.11.1",
                                              npm="echo 'npm error network request failed' >&2; exit 1"))
    folder = tmp_path / "node"
    folder.mkdir()
    (folder / "package-lock.json").write_text("{}")
    with pytest.raises(node_compare.NodeClientError) as caught:
        node_compare.install(folder)
    assert str(caught.value).startswith(f"npm ci in {folder} failed (npm error network request failed): run "
                                        "`npm ci` there to see why")


# ---- every chaincode server running and healthy -------------------------------------------------------------------
def statuses(*servers: tuple[str, int | None, bool]) -> list[NodeStatus]:
    """Healthy orderers and peers, then the chaincode servers given as (org, pid, healthy)."""
    log = Path("/dev/null")
    rows = [NodeStatus(f"orderer{i}.orderer", "OrdererMSP", "orderer", "a", 100 + i, True, 5, log) for i in range(3)]
    rows += [NodeStatus(f"peer0.{org}", f"{org}MSP", "peer", "a", 200 + i, True, 5, log)
             for i, org in enumerate(("supplier", "core", "bank", "regulator"))]
    return rows + [NodeStatus(f"receivables.{org}", f"{org}MSP", "chaincode", "a", pid, healthy, None, log)
                   for org, pid, healthy in servers]


def a_network_reporting(monkeypatch, rows: list[NodeStatus]) -> None:
    class Installed:    # Fabric installed here: a network not running is one to start, nothing to install
        def require(self, tools=()):
            return self

    class Reporting:
        data_root = Path("/srv/recfin")
        fabric = Installed()

        def status(self):
            return rows

    monkeypatch.setattr(Network, "load", lambda *a, **k: Reporting())


def test_a_chaincode_server_down_or_unhealthy_is_refused_with_one_line_naming_each_and_how_to_start_them(
        tmp_path, monkeypatch):
    a_network_reporting(monkeypatch, statuses(("supplier", None, False), ("core", 301, True), ("bank", None, False),
                                              ("regulator", 303, False)))
    result = CliRunner().invoke(bench, ["-w", "register", "--duration", "1", "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == ["Error: no running network to benchmark: chaincode servers receivables.supplier (not running), "
                     "receivables.bank (not running), receivables.regulator (not healthy) of 4 in /srv/recfin: start "
                     "them with `recfin chaincode restart` (see `recfin network logs NAME` for why one stopped)"]
    assert not (tmp_path / "out").exists()


def test_every_chaincode_server_running_and_healthy_passes_the_check(monkeypatch):
    rows = statuses(*((org, 300 + i, True) for i, org in enumerate(("supplier", "core", "bank", "regulator"))))
    a_network_reporting(monkeypatch, rows)
    assert bench_commands.running_network(None, None)[1] == rows


def test_a_node_the_topology_no_longer_names_is_neither_checked_nor_benchmarked(monkeypatch):
    """It runs on (its org taken out of topology.yaml) and answers no /healthz: the network to benchmark is still
    whole, and the rows returned, whose processes the report counts, leave it out."""
    rows = statuses(*((org, 300 + i, True) for i, org in enumerate(("supplier", "core", "bank", "regulator"))))
    outside = NodeStatus("peer0.gone", "", "peer", "", 400, False, None, Path("/dev/null"), in_topology=False)
    a_network_reporting(monkeypatch, [*rows, outside])
    assert bench_commands.running_network(None, None)[1] == rows


def test_a_server_the_network_does_not_run_is_not_required(monkeypatch):
    """An org that joined after the deploy has no package, so `up` starts no server of it, and `recfin network
    status` does not count its row (nor one a deploy stopped before its commit left): the network is whole, and a
    benchmark that asked for that server would be refused on a network `status` passes."""
    rows = statuses(*((org, 300 + i, True) for i, org in enumerate(("supplier", "core", "bank", "regulator"))))
    log = Path("/dev/null")
    joined_later = NodeStatus("receivables.auditor", "AuditorMSP", "chaincode", "a", None, False, None, log,
                              counted=False)
    left_by_a_deploy = NodeStatus("feature.core", "coreMSP", "chaincode", "", 410, False, None, log, counted=False)
    a_network_reporting(monkeypatch, [*rows, joined_later, left_by_a_deploy])
    assert bench_commands.running_network(None, None)[1] == [*rows, joined_later, left_by_a_deploy]


def test_no_chaincode_server_at_all_says_to_deploy(monkeypatch):
    a_network_reporting(monkeypatch, statuses())
    with pytest.raises(bench_commands.click.ClickException, match=r"0 chaincode servers in /srv/recfin\): start one "
                                                                  r"with `recfin network up` and `recfin chaincode "
                                                                  r"deploy`"):
        bench_commands.running_network(None, None)


# ---- the settings the running network has -------------------------------------------------------------------------
MB = 1 << 20
TUNED_POLICY = "AND('SupplierMSP.peer', 'BankMSP.peer')"


def a_network_with_a_tuned_channel(folder: Path, validation_parameter: bytes) -> Network:
    """The default topology, its `peer` CLI a script: its channel's batch is 2s / 500 (as after `recfin network tune
    --batch-timeout 2s --batch-size 500`) and the committed definition (sequence 2) has ``validation_parameter``;
    the topology says 250ms / 100 and its own policy."""
    topology = load_topology(None)
    config = configtx_pb2.Config()
    orderer = config.channel_group.groups[channel_config.ORDERER]
    orderer.values[BATCH_SIZE].value = configuration_pb2.BatchSize(
        max_message_count=500, absolute_max_bytes=10 * MB, preferred_max_bytes=2 * MB).SerializeToString()
    orderer.values[BATCH_TIMEOUT].value = configuration_pb2.BatchTimeout(timeout="2s").SerializeToString()
    block = folder / "channel.block"
    block.write_bytes(config_block(config, topology.channel).SerializeToString())
    definition = folder / "committed.json"
    definition.write_text(json.dumps({"sequence": "2", "version": "1.0", "endorsement_plugin": "escc",
                                      "validation_plugin": "vscc", "collections": {},
                                      "validation_parameter": base64.b64encode(validation_parameter).decode()}))
    home = folder / "fabric"
    (home / "config").mkdir(parents=True)
    (home / "config" / "core.yaml").write_text("peer: {}\n")
    (home / "config" / "orderer.yaml").write_text("General: {}\n")
    a_path_holding(home / "bin", peer=f"""case "$1 $2 $3" in
  "channel fetch config") cp {block} "$4"; exit 0;;
  "lifecycle chaincode querycommitted") cat {definition}; exit 0;;
esac
exit 1""")
    return Network(topology, data_root=folder / "network",
                   fabric=FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}))


def test_the_batch_comes_from_the_channel_and_the_policy_from_the_committed_definition(tmp_path, monkeypatch):
    policy = policy_pb2.ApplicationPolicy(signature_policy=signature_policy(TUNED_POLICY))
    wire_to_a_recording_client(monkeypatch, a_network_with_a_tuned_channel(tmp_path, policy.SerializeToString()))
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.3",
                                        "--output", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    settings = json.loads(result.stdout)["settings"]
    assert settings["batch_timeout"] == "2s" and settings["tuning"]["ordering"]["max_message_count"] == 500
    assert settings["endorsement_policy"] == TUNED_POLICY
    assert settings["sources"]["batch_timeout"] == settings["sources"]["tuning.ordering"] == \
        "channel receivables config"
    assert settings["sources"]["endorsement_policy"] == "committed definition of receivables (sequence 2)"
    assert settings["sources"]["tuning.peer"] == "topology file"
    assert settings["tuning"]["peer"] == load_topology(None).tuning.in_effect()["peer"]


def test_a_definition_under_the_channel_s_policy_reports_that_policy(tmp_path):
    reference = policy_pb2.ApplicationPolicy(channel_config_policy_reference="/Channel/Application/Endorsement")
    settings = network_settings(a_network_with_a_tuned_channel(tmp_path, reference.SerializeToString()))
    assert settings["endorsement_policy"] == "/Channel/Application/Endorsement"


def test_where_the_channel_cannot_be_asked_the_settings_say_they_are_the_topology_file_s(tmp_path):
    topology = load_topology(None)
    settings = network_settings(a_network_without_fabric_tools(tmp_path))
    assert settings["batch_timeout"] == topology.batch_timeout
    assert settings["endorsement_policy"] == contract_config.endorsement_policy(topology)
    assert settings["sources"]["batch_timeout"].startswith("topology file (the channel config: Fabric binary peer "
                                                           "not found")
    assert settings["sources"]["endorsement_policy"].startswith("topology file (the committed definition: ")
    assert not any(tmp_path.iterdir())


# ---- each step's deadline, the same for both clients --------------------------------------------------------------
def test_each_step_of_a_call_gets_the_call_timeout_and_the_wait_for_a_block_keeps_its_own():
    timeouts = network_session.step_timeouts(7.5)
    assert (timeouts.evaluate, timeouts.endorse, timeouts.submit, timeouts.commit_status) == (7.5, 7.5, 7.5, 7.5)
    assert timeouts.wait_for_block == type(timeouts)().wait_for_block
    assert network_session.step_timeouts(None).endorse is None


def test_the_runner_opens_the_python_clients_with_the_plans_step_deadlines(monkeypatch):
    import asyncio

    from bench import runner

    opened = []

    async def refuse(stack, codes, data_root, grpc_options=(), timeouts=None):
        opened.append(timeouts)
        raise RuntimeError("no network here")

    monkeypatch.setattr(runner, "open_parties", refuse)
    plan = Plan("rate", rate=10, warmup=0, duration=1, call_timeout=9.0)
    with pytest.raises(RuntimeError, match="no network here"):
        asyncio.run(runner.run_on_network(runner.Settings("register", plan, 0, None, 1, ()), {}, []))
    assert opened == [network_session.step_timeouts(9.0)]


def test_the_node_script_gets_the_same_step_deadlines_and_both_reports_state_them(tmp_path, monkeypatch):
    plan = Plan("rate", rate=10, warmup=0, duration=1, call_timeout=9.0)
    # the SDK's own deadlines for a wait for the other org's block and for opening its event stream, which the
    # Node script's wait for a block bounds whole (wait_for_block_s)
    assert node_compare.step_deadlines(plan) == {"evaluate": 9.0, "endorse": 9.0, "submit": 9.0,
                                                 "commit_status": 9.0, "wait_for_block": 30.0, "open_events": 30.0}
    wire_to_a_recording_client(monkeypatch)
    wire_a_node_client(monkeypatch, latency=0.01)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.3",
                                        "--call-timeout", "9", "--compare-node", "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["workloads"]["register"]
    assert entry["python"]["settings"]["step_deadlines_s"] == entry["node"]["settings"]["step_deadlines_s"] == \
        node_compare.step_deadlines(plan)


def test_the_node_config_carries_the_step_deadlines(monkeypatch):
    from cli.demo_commands import ACTORS
    from network import profiles

    class Profile:
        channel = chaincode = "receivables"

    monkeypatch.setattr(profiles, "load", lambda org, root: Profile())
    monkeypatch.setattr(node_compare, "actor", lambda org, user, root: {"org": org})
    codes = dict.fromkeys(ACTORS, "91310000MA1K000000")
    config = node_compare.config("register", Plan("rate", rate=10, warmup=0, duration=1, call_timeout=4.0), 0, codes,
                                 None)
    assert config["step_deadlines_s"] == {"evaluate": 4.0, "endorse": 4.0, "submit": 4.0, "commit_status": 4.0}
    assert config["wait_for_block_s"] == network_session.step_timeouts(4.0).wait_for_block


@pytest.mark.usefixtures("official_node_client")   # skipped only where node is absent (tests/unit/conftest.py)
def test_the_node_client_s_evaluate_fails_at_its_step_deadline_where_no_peer_answers(tmp_path):
    """A peer that takes the connection and never answers: the evaluate fails with the package's own
    DEADLINE_EXCEEDED at the step deadline given (0.3 s), long before the call's (null here: none)."""
    import socket

    from .test_cross_org_waits import run_node
    from .test_node_client import an_identity

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        actor = {**an_identity(tmp_path), "address": f"127.0.0.1:{silent.getsockname()[1]}"}
        config = {"channel": "receivables", "chaincode": "receivables", "contract": "receivables",
                  "wait_for_block_s": 5, "step_deadlines_s": {"evaluate": 0.3, "endorse": 0.3, "submit": 0.3,
                                                              "commit_status": 0.3}}
        (tmp_path / "config.json").write_text(json.dumps({"actor": actor, "config": config}))
        code = run_node("""
            const given = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
            (async () => {
                const opened = await workload.openActor(given.actor, given.config);
                const unbounded = setTimeout(() => { console.log('"still waiting after 20 s"'); process.exit(0); },
                                             20000);
                try {
                    await opened.actor.evaluate('WhoAmI', []);
                    console.log('"answered"');
                } catch (err) {
                    console.log(JSON.stringify([err.name, err.code]));
                } finally {
                    opened.close();
                    process.exit(0);      // the half-open connection to the silent peer would hold the loop
                }
            })();
        """, str(tmp_path / "config.json"))
    finally:
        silent.close()
    assert code == ["EvaluateError", 4]       # grpc DEADLINE_EXCEEDED
