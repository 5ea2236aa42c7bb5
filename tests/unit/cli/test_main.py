import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli.main import main
from network import Network
from network.control import NodeStatus
from network.topology import DEFAULT_TOPOLOGY


def test_version(runner):
    res = runner.invoke(main, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("recfin, version ")


def test_console_script_entry_point_runs(tmp_path):
    script = Path(sys.executable).parent / "recfin"
    if not script.exists():
        pytest.skip("recfin console script not installed next to this interpreter (pip install -e .)")
    res = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode == 0 and "network" in res.stdout and "chaincode" in res.stdout


@pytest.mark.parametrize("module", ["cli", "cli.main"])
def test_the_cli_runs_as_a_python_module_too(tmp_path, module):
    # a wrong file name exits 2 with the reason: run as a module, the commands run, not only their definitions
    root = Path(__file__).resolve().parents[3]
    res = subprocess.run([sys.executable, "-m", module, "invoice", "verify", str(tmp_path / "missing.xml")],
                         capture_output=True, text=True, timeout=60, cwd=root)
    assert res.returncode == 2 and "missing.xml" in res.stderr, (res.returncode, res.stdout, res.stderr)
    assert "Usage: recfin" in subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True,
                                             text=True, timeout=60, cwd=root).stdout


def test_status_table_of_a_stopped_network(runner, tmp_path):
    (tmp_path / "home" / "network").mkdir(parents=True)
    res = runner.invoke(main, ["network", "status"])
    assert res.exit_code == 1, res.output        # no node is healthy
    assert res.stderr.startswith("7 of 7 nodes not healthy: orderer0.orderer, ")
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ORG", "KIND", "ADDRESS", "PID", "HEALTHY", "HEIGHT"]
    assert lines[1].split() == ["orderer0.orderer", "OrdererMSP", "orderer", "127.0.0.1:7050", "-", "no", "-"]
    assert len(lines) == 8


def test_status_json(runner, tmp_path):
    (tmp_path / "home" / "network").mkdir(parents=True)
    res = runner.invoke(main, ["network", "status", "--json"])
    rows = json.loads(res.stdout)
    assert [r["kind"] for r in rows].count("peer") == 4
    assert rows[3]["log"] == str(tmp_path / "home" / "network" / "nodes" / "peer0.coreenterprise" / "node.log")


def test_up_without_binaries_says_to_run_install_fabric(runner, tmp_path):
    res = runner.invoke(main, ["network", "up"])
    assert res.exit_code == 1
    assert res.output.startswith("Error: Fabric binaries peer, orderer, configtxgen, osnadmin not found in "
                                 f"{tmp_path / 'fabric' / 'bin'}")
    assert "run scripts/install-fabric" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_up_with_json_prints_only_the_status_on_stdout_and_every_progress_line_on_stderr(runner, tmp_path,
                                                                                         monkeypatch):
    """`recfin network up --json | jq`: the network's step lines and the closing summary go to stderr."""
    def up(net):
        net.say("[1/7] crypto material in the data folder")
        return [NodeStatus("peer0.bank", "BankMSP", "peer", "127.0.0.1:9051", 4242, True, 7, Path("node.log"))]

    monkeypatch.setattr(Network, "up", up)
    res = runner.invoke(main, ["network", "up", "--json"])
    assert res.exit_code == 0, res.output
    assert [(row["name"], row["healthy"]) for row in json.loads(res.stdout)] == [("peer0.bank", True)]
    assert res.stderr.splitlines() == ["[1/7] crypto material in the data folder",
                                       "network up: 1/1 nodes healthy on channel receivables; "
                                       f"data in {tmp_path / 'home' / 'network'}"]


def test_a_malformed_topology_is_reported_by_field(runner, tmp_path):
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    data["orgs"][2]["peers"][0]["port"] = "x"
    bad = tmp_path / "topology.yaml"
    bad.write_text(yaml.safe_dump(data))
    res = runner.invoke(main, ["network", "status", "--topology", str(bad)])
    # a usage error naming the option (it exited 1, the code of what a command itself answers)
    assert res.exit_code == 2
    assert ("Error: Invalid value for '--topology': topology.yaml: orgs[2].peers[0].port: Input should be a valid "
            "integer") in res.output


def test_logs_shows_the_last_lines(runner, tmp_path):
    log = tmp_path / "home" / "network" / "nodes" / "peer0.bank" / "node.log"
    log.parent.mkdir(parents=True)
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    res = runner.invoke(main, ["network", "logs", "peer0.bank", "-n", "3"])
    assert res.exit_code == 0 and res.output == "line 97\nline 98\nline 99\n"


@pytest.mark.parametrize("lines", ["0", "-3"])
def test_logs_refuses_a_count_of_no_lines_rather_than_printing_nothing(runner, tmp_path, lines):
    log = tmp_path / "home" / "network" / "nodes" / "peer0.bank" / "node.log"
    log.parent.mkdir(parents=True)
    log.write_text("one\ntwo\n")
    res = runner.invoke(main, ["network", "logs", "peer0.bank", "-n", lines])
    assert res.exit_code == 2 and f"Invalid value for '-n' / '--lines': {lines} is not in the range x>=1" in res.output


def test_logs_of_an_unknown_node_lists_the_known_ones(runner):
    res = runner.invoke(main, ["network", "logs", "peer9.bank"])
    assert res.exit_code == 1 and "no node named 'peer9.bank'" in res.output and "peer0.bank" in res.output


def test_logs_before_up_says_so(runner):
    res = runner.invoke(main, ["network", "logs", "orderer0.orderer"])
    assert res.exit_code == 1 and "no log yet for orderer0.orderer" in res.output


def test_down_with_nothing_running(runner, tmp_path):
    (tmp_path / "home" / "network").mkdir(parents=True)
    res = runner.invoke(main, ["network", "down"])
    assert res.exit_code == 0 and "0 process(es) stopped; ledgers kept in" in res.output


def test_down_purge_removes_state(runner, tmp_path):
    (tmp_path / "home" / "network" / "crypto").mkdir(parents=True)
    res = runner.invoke(main, ["network", "down", "--purge"])
    assert res.exit_code == 0 and "all state removed" in res.output
    assert not (tmp_path / "home" / "network").exists()


def test_down_purge_refuses_a_folder_that_is_not_only_the_networks(runner, tmp_path):
    """RECFIN_HOME names a folder whose network/ holds someone's work: purge deletes nothing and says so."""
    folder = tmp_path / "home" / "network"
    (folder / "crypto").mkdir(parents=True)
    (folder / "plan.md").write_text("not the network's")
    res = runner.invoke(main, ["network", "down", "--purge"])
    assert res.exit_code == 1 and res.output.count("\n") == 1
    assert f"Error: refusing to delete {folder}: it has no .recfin-data-root" in res.output
    assert (folder / "plan.md").is_file() and (folder / "crypto").is_dir()


def test_deploy_rejects_two_policies(runner):
    res = runner.invoke(main, ["chaincode", "deploy", "--signature-policy", "OR('BankMSP.peer')", "--channel-policy"])
    assert res.exit_code == 2 and "exclude each other" in res.output


def test_deploy_without_binaries(runner):
    res = runner.invoke(main, ["chaincode", "deploy", "--version", "1.1"])
    assert res.exit_code == 1 and "Fabric binary peer not found" in res.output


def test_restart_before_any_deploy(runner, tmp_path):
    res = runner.invoke(main, ["chaincode", "restart", "--name", "receivables"])
    assert res.exit_code == 1 and "never deployed" in res.output


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_restart_with_nothing_deployed_fails_naming_the_data_folder(runner, tmp_path, json_flag):
    res = runner.invoke(main, ["chaincode", "restart", *json_flag])
    assert res.exit_code == 1 and res.stdout == "", res.output
    assert res.stderr == (f"Error: no chaincode is deployed in {tmp_path / 'home' / 'network'}, so no server to "
                          f"restart: run `recfin network up` and `recfin chaincode deploy` first\n")


def test_restart_reports_the_servers_it_restarted_as_json_or_one_line(runner, monkeypatch):
    from network import Network
    asked = []

    def restarted(self, name=None, restart=False):
        asked.append((name, restart))
        return ["receivables-coreenterprise", "receivables-supplier"]

    monkeypatch.setattr(Network, "start_chaincode_servers", restarted)
    res = runner.invoke(main, ["chaincode", "restart", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {"restarted": ["receivables-coreenterprise", "receivables-supplier"]}
    res = runner.invoke(main, ["chaincode", "restart", "--name", "receivables"])
    assert res.stdout == "restarted 2 chaincode server(s): receivables-coreenterprise, receivables-supplier\n"
    assert asked == [(None, True), ("receivables", True)]
