"""`recfin network down` on a compose network: compose-up records it, down stops it with `docker compose`.

`docker` is a scripted executable first on PATH (scripted_docker.py): the commands run through
the real subprocess path and are checked argument by argument, with the data folder variable they
were given. compose-up runs against scripted Fabric CLIs and stand-in /healthz endpoints, as in
test_compose_up.py. What is checked: that down keeps the ledgers and the data folder unless
--purge, that a failed or impossible `docker compose down` is one line saying what to do and
removes nothing, and the --json document.
"""
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import network_commands
from cli.main import main
from network import compose, compose_down
from network.compose_up import ComposeUp
from network.errors import NetworkError, NodeTimeoutError, ProcessesNotStoppedError
from network.fabric_bin import FabricInstall
from network.topology import load, parse

from .operations_stand_in import CHANNEL, with_operations_ports
from .scripted_docker import NO_DAEMON
from .scripted_heights import OsnadminAt, PeerAt
from .scripted_osnadmin import ScriptedFabric


@pytest.fixture
def compose_file(tmp_path) -> Path:
    return compose.write(load(), tmp_path / "docker-compose.yaml")


@pytest.fixture
def recorded(home, hosts_data, compose_file) -> Path:
    """A compose network compose-up recorded; returns the record."""
    assert compose_down.record(load(), compose_file, hosts_data)
    return home / compose_down.COMPOSE_RECORD


def down(*args: str):
    return CliRunner().invoke(main, ["network", "down", *args])


def record_of(path: Path) -> dict:
    return json.loads(path.read_text())


# ---- the record -----------------------------------------------------------------------------------

def test_the_record_sits_next_to_the_native_data_folder_and_names_the_file_and_folder(home, hosts_data, compose_file):
    assert compose_down.record_path(load()) == home / "compose-run.json"
    assert compose_down.recorded(load()) is None
    assert compose_down.record(load(), compose_file, hosts_data) is True
    assert compose_down.record(load(), compose_file, hosts_data) is False      # recorded already
    assert record_of(home / "compose-run.json") == {"compose_file": str(compose_file), "data_root": str(hosts_data),
                                                    "native_data_root": str(home / "network")}
    assert compose_down.recorded(load()) == compose_down.ComposeRun(compose_file, hosts_data)


def test_another_topology_beside_this_one_does_not_stop_or_purge_its_compose_network(
        recorded, docker, hosts_data, compose_file, home, tmp_path):
    other = load().model_dump(mode="json", exclude_none=True)
    other["data_root"] = str(home / "other-network")        # its record would sit in the same place
    other_file = tmp_path / "other-topology.yaml"
    other_file.write_text(yaml.safe_dump(other))
    result = down("--purge", "--topology", str(other_file))
    assert result.exit_code == 0, result.output
    assert docker.calls == [] and hosts_data.is_dir() and recorded.is_file()


# ---- down: keeps the ledgers unless --purge ---------------------------------------------------------

def test_down_runs_docker_compose_down_with_the_data_folder_and_keeps_everything(recorded, docker, hosts_data,
                                                                                 compose_file, home):
    result = down()
    assert result.exit_code == 0, result.output
    # --remove-orphans: a removed org's containers, which the compose file written since no longer names, go too
    assert docker.calls == [{"args": ["compose", "-f", str(compose_file), "down", "--remove-orphans"],
                             compose.DATA_VARIABLE: str(hosts_data)}]
    assert result.output.splitlines() == [
        f"no network in {home / 'network'}: `recfin network up` starts one there; if one runs from another folder, "
        "check --topology / RECFIN_TOPOLOGY / RECFIN_HOME; nothing stopped",
        f"docker compose -f {compose_file} down --remove-orphans  ({compose.DATA_VARIABLE}={hosts_data})",
        f"compose network down: {compose_file}'s containers removed; ledgers kept in its volumes, data in {hosts_data}"]
    assert (hosts_data / "channel" / f"{CHANNEL}.block").is_file() and (hosts_data / "crypto").is_dir()
    assert recorded.is_file()        # a later `down --purge` still knows where the volumes and folder are


def test_down_purge_removes_the_ledger_volumes_the_data_folder_and_the_record(recorded, docker, hosts_data,
                                                                              compose_file, home):
    (home / "network" / "crypto").mkdir(parents=True)
    result = down("--purge")
    assert result.exit_code == 0, result.output
    assert docker.calls == [{"args": ["compose", "-f", str(compose_file), "down", "--remove-orphans", "-v"],
                             compose.DATA_VARIABLE: str(hosts_data)}]
    assert not hosts_data.exists() and not recorded.exists() and not (home / "network").exists()
    assert f"removed {hosts_data}" in result.output and f"removed {recorded}" in result.output
    assert result.output.splitlines()[-1] == (f"compose network down: {compose_file}'s containers removed; "
                                              f"ledger volumes and data folder removed")
    # Nothing is recorded any more: the next down is the native one alone.
    assert down().exit_code == 0 and len(docker.calls) == 1


def test_down_json_says_what_was_stopped_and_kept(recorded, docker, hosts_data, compose_file, home):
    result = down("--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "stopped": [], "data_root": str(home / "network"), "purged": False,
        "compose": {"compose_file": str(compose_file), "data_root": str(hosts_data),
                    "command": f"docker compose -f {compose_file} down --remove-orphans", "ledgers_removed": False,
                    "data_removed": False}}
    assert result.stderr.splitlines()[-1].startswith("compose network down: ")


def test_without_a_record_down_is_the_native_one_and_calls_no_docker(home, docker):
    result = down("--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["compose"] is None
    assert docker.calls == []


# ---- failures: one line, nothing removed ------------------------------------------------------------

def test_a_failed_docker_compose_down_names_the_command_and_removes_nothing(recorded, docker, hosts_data,
                                                                            compose_file):
    docker.fail("down")
    result = down("--purge")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: docker compose down --remove-orphans -v failed: {NO_DAEMON.strip()}; fix that and run `recfin "
        f"network down` again "
        f"(compose file {compose_file}; nothing was removed)"]
    assert hosts_data.is_dir() and recorded.is_file()
    assert [c["args"] for c in docker.calls] == [["compose", "-f", str(compose_file), "down", "--remove-orphans",
                                                  "-v"]]


def test_a_data_folder_purge_refuses_stops_the_purge_before_docker_deletes_the_ledger_volumes(
        recorded, docker, hosts_data, compose_file, home):
    (hosts_data / "NOTES.txt").write_text("the operator's\n")     # not the network's: the folder is not deleted
    result = down("--purge")
    assert result.exit_code == 1
    assert f"Error: refusing to delete {hosts_data.resolve()}: it has no .recfin-data-root" in result.stderr
    assert "Nothing was deleted" in result.stderr
    assert docker.calls == []       # no `down -v`: the ledger volumes are still there
    assert (hosts_data / "NOTES.txt").is_file() and (hosts_data / "crypto").is_dir() and recorded.is_file()


def test_a_data_folder_purge_would_refuse_is_not_recorded(home, hosts_data, compose_file):
    (hosts_data / "NOTES.txt").write_text("the operator's\n")
    with pytest.raises(NetworkError, match=r"not recording the compose network for `recfin network down`: "
                                           r"refusing to delete .*: it has no \.recfin-data-root"):
        compose_down.record(load(), compose_file, hosts_data)
    assert not (home / compose_down.COMPOSE_RECORD).exists()


REFUSED = "1 process(es) not stopped: peer0.bank pid 4242 runs as uid 0: run `sudo recfin network down`"


@pytest.fixture
def native_down_refuses(monkeypatch):
    """The native `down` as it ends when a process of the data folder could not be stopped (another user's)."""
    from network.control import Network

    def refusing(self, purge=False):
        raise ProcessesNotStoppedError(REFUSED)
    monkeypatch.setattr(Network, "down", refusing)


@pytest.mark.parametrize("purge", [[], ["--purge"]])
def test_a_native_process_down_could_not_stop_still_leaves_the_compose_network_stopped(
        recorded, docker, hosts_data, compose_file, native_down_refuses, purge):
    """The refusal skipped `docker compose down`: a mixed native and compose network kept its containers up."""
    result = down(*purge)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"Error: {REFUSED}"
    # its containers stopped; with --purge, nothing deleted: a failed down deletes nothing, its rerun purges
    assert docker.calls == [{"args": ["compose", "-f", str(compose_file), "down", "--remove-orphans"],
                             compose.DATA_VARIABLE: str(hosts_data)}]
    assert f"compose network down: {compose_file}'s containers removed; ledgers kept in its volumes" in result.output
    assert hosts_data.is_dir() and recorded.is_file()


def test_a_native_refusal_and_a_failed_compose_down_are_both_named(recorded, docker, compose_file,
                                                                   native_down_refuses):
    docker.fail("down")
    result = down()
    assert result.exit_code == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert error.startswith(f"Error: {REFUSED}; and the compose network: docker compose down --remove-orphans "
                            f"failed: ")


def test_without_docker_installed_down_says_where_to_run_it(recorded, tmp_path, monkeypatch, hosts_data):
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = down()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: docker is not installed here: {recorded} records a compose network: run `recfin network down` on "
        f"the Docker machine, or delete {recorded} if its containers are gone"]
    assert hosts_data.is_dir() and recorded.is_file()


def test_a_recorded_compose_file_that_is_gone_is_named_with_what_to_do(recorded, docker, compose_file):
    compose_file.unlink()
    result = down()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {compose_file}, the compose file {recorded} records, does not exist: write it again "
        f"(`recfin network compose --write`) and rerun, or stop the containers with `docker compose down` and "
        f"delete {recorded}"]
    assert docker.calls == []


def test_a_record_that_is_not_json_is_named(home, docker):
    home.mkdir(parents=True)
    (home / "compose-run.json").write_text("{")
    result = down()
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {home / 'compose-run.json'} is not a record of "
                                    f"`recfin network compose-up` (JSONDecodeError: ")
    assert len(result.stderr.splitlines()) == 1 and docker.calls == []
    (home / "compose-run.json").write_text("[]")            # JSON, but not a record
    result = down()
    assert result.exit_code == 1 and "is not a record of `recfin network compose-up` (TypeError: " in result.stderr
    assert docker.calls == []


# ---- compose-up records what runs ---------------------------------------------------------------------

@pytest.fixture
def compose_up_args(home, hosts_data, operations, fake_fabric, tmp_path, monkeypatch):
    """`recfin network compose-up` on stand-in /healthz endpoints, with scripted `peer` and `osnadmin`."""
    topology_file = tmp_path / "topology.yaml"
    topology_file.write_text(yaml.safe_dump(with_operations_ports(load().model_dump(mode="json", exclude_none=True),
                                                                  operations)))
    scripted = ScriptedFabric(PeerAt(load(), fabric=FabricInstall.locate()), OsnadminAt(CHANNEL))
    monkeypatch.setattr(network_commands, "Tools", lambda fabric: scripted)
    return ["network", "compose-up", "--topology", str(topology_file), "--data-root", str(hosts_data),
            "--timeout", "5"]


def test_compose_up_records_the_running_network_and_down_stops_it(compose_up_args, docker, hosts_data, home,
                                                                  compose_file):
    docker.answer("ps", stdout="3f2a9c1b7d4e\n8e1d0c2b9a7f\n")
    docker.answer("inspect", stdout=f"{compose_file}\n{compose_file},{compose_file.parent / 'override.yaml'}\n")
    result = CliRunner().invoke(main, [*compose_up_args, "--compose-file", str(compose_file)])
    assert result.exit_code == 0, result.output
    assert record_of(home / "compose-run.json") == {"compose_file": str(compose_file), "data_root": str(hosts_data),
                                                    "native_data_root": str(home / "network")}
    lines = result.output.splitlines()
    said = lines.index(f"  recorded for `recfin network down`: {home / 'compose-run.json'}")
    assert lines.index("[2/5] orderers join receivables (osnadmin, as the orderer admin)") == said + 1
    # The containers were started by hand: compose-up only asked docker whether they run from that file.
    assert [call["args"][:4] for call in docker.calls] == [["compose", "-f", str(compose_file), "ps"],
                                                           ["inspect", "--format", LABEL_FORMAT, "3f2a9c1b7d4e"]]
    assert docker.calls[1]["args"][4:] == ["8e1d0c2b9a7f"]
    result = down("--topology", compose_up_args[3])
    assert result.exit_code == 0, result.output
    assert docker.calls[2:] == [{"args": ["compose", "-f", str(compose_file), "down", "--remove-orphans"],
                                 compose.DATA_VARIABLE: str(hosts_data)}]


LABEL_FORMAT = '{{index .Config.Labels "com.docker.compose.project.config_files"}}'


def test_containers_of_the_same_project_started_from_another_file_are_not_recorded(compose_up_args, docker, home,
                                                                                     compose_file, tmp_path):
    """Every compose file written for a topology has its project name: `ps` alone would list a bundle's."""
    bundle_file = tmp_path / "bundle" / "docker-compose.yaml"
    docker.answer("ps", stdout="3f2a9c1b7d4e\n")
    docker.answer("inspect", stdout=f"{bundle_file}\n")
    result = CliRunner().invoke(main, [*compose_up_args, "--compose-file", str(compose_file)])
    assert result.exit_code == 0, result.output
    assert not (home / "compose-run.json").exists()
    assert (f"  not recorded for `recfin network down`: the project's containers run from {bundle_file}, not "
            f"{compose_file} (their com.docker.compose.project.config_files label); rerun with --compose-file "
            f"naming the file the containers run from, or stop them with `docker compose down`"
            ) in result.output.splitlines()


def test_containers_started_by_hand_from_another_file_are_not_recorded(compose_up_args, docker, home, compose_file):
    result = CliRunner().invoke(main, [*compose_up_args, "--compose-file", str(compose_file)])
    assert result.exit_code == 0, result.output       # the joins and deployment still happen
    assert not (home / "compose-run.json").exists()
    assert (f"  not recorded for `recfin network down`: `docker compose -f {compose_file} ps` lists no running "
            f"container; rerun with --compose-file naming the file the containers run from, or stop them with "
            f"`docker compose down`") in result.output.splitlines()


def test_without_docker_here_compose_up_records_nothing_and_says_why(compose_up_args, home, compose_file, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    result = CliRunner().invoke(main, [*compose_up_args, "--compose-file", str(compose_file)])
    assert result.exit_code == 0, result.output
    assert not (home / "compose-run.json").exists()
    assert ("  not recorded for `recfin network down`: docker is not installed here: it cannot tell which compose "
            "file the containers run from; rerun with --compose-file") in result.output


def test_a_compose_file_that_does_not_exist_is_refused_before_anything_runs(compose_up_args, docker, home,
                                                                            tmp_path):
    missing = tmp_path / "elsewhere.yaml"
    result = CliRunner().invoke(main, [*compose_up_args, "--compose-file", str(missing)])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--compose-file': {missing} does not exist" in result.stderr
    assert not (home / "compose-run.json").exists() and docker.calls == [] and result.stdout == ""


def test_compose_up_start_records_the_network_it_started_even_when_a_later_step_fails(home, docker, hosts_data,
                                                                                      compose_file, fake_fabric):
    block = hosts_data / "channel" / f"{load().channel}.block"
    block.unlink()          # the join needs it: compose-up stops after starting the containers
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                       "--compose-file", str(compose_file)])
    assert result.exit_code == 1 and f"{block} is missing" in result.stderr
    assert docker.calls == [{"args": ["compose", "-f", str(compose_file), "up", "-d", "--renew-anon-volumes",
                                      "--remove-orphans"],
                             compose.DATA_VARIABLE: str(hosts_data)}]
    assert compose_down.recorded(load()) == compose_down.ComposeRun(compose_file, hosts_data)


def test_compose_up_start_without_fabrics_tools_starts_and_records_nothing(home, docker, hosts_data, compose_file,
                                                                          tmp_path, monkeypatch):
    """Containers started with no `peer` to join them would run outside any channel, recorded for `down`."""
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "no-fabric"))
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                       "--compose-file", str(compose_file)])
    assert result.exit_code == 1 and "Fabric binaries peer, osnadmin not found" in result.stderr
    assert docker.calls == [] and not (home / compose_down.COMPOSE_RECORD).exists()


def test_compose_up_start_that_docker_refuses_records_nothing(home, docker, hosts_data, compose_file, fake_fabric):
    docker.fail("up", stderr="Error response from daemon: pull access denied for recfin/chaincode\n")
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                       "--compose-file", str(compose_file)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: docker compose up -d --renew-anon-volumes --remove-orphans failed: Error response from daemon: "
        "pull access denied for recfin/chaincode"]
    assert not (home / "compose-run.json").exists()


def test_the_running_hook_waits_for_every_node_and_comes_before_any_join(home, hosts_data, operations, fake_fabric):
    topology = parse(with_operations_ports(load().model_dump(mode="json", exclude_none=True), operations))
    fabric = ScriptedFabric(PeerAt(load(), fabric=FabricInstall.locate()), OsnadminAt(CHANNEL))
    calls_when_running = []
    up = ComposeUp(topology, hosts_data, fabric, on_running=lambda: calls_when_running.append(len(fabric.calls)))
    up.run()
    assert calls_when_running == [0]

    operations.unhealthy.add("peer0.regulator")
    now = [0.0]
    fabric = ScriptedFabric(PeerAt(load(), fabric=FabricInstall.locate()), OsnadminAt(CHANNEL))
    up = ComposeUp(topology, hosts_data, fabric, timeout=1, clock=lambda: now[0],
                   sleep=lambda s: now.__setitem__(0, now[0] + s), on_running=lambda: calls_when_running.append(-1))
    with pytest.raises(NodeTimeoutError, match="^peer0.regulator did not answer /healthz"):
        up.run()
    assert calls_when_running == [0]



def test_compose_up_start_refuses_before_starting_on_a_folder_purge_would_refuse(home, docker, hosts_data,
                                                                                 compose_file, fake_fabric):
    # started first, such containers could be neither recorded for `network down` nor purged by it
    (hosts_data / "NOTES.txt").write_text("the operator's\n")
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                       "--compose-file", str(compose_file)])
    assert result.exit_code == 1
    assert "not starting the compose network" in result.stderr and "NOTES.txt" in result.stderr
    assert docker.calls == []
    assert not compose_down.record_path(load()).exists()


def test_compose_up_start_refuses_a_folder_prepare_never_wrote(home, docker, tmp_path, compose_file, fake_fabric):
    # docker would make each mount folder, empty, and start containers on nothing: a mistyped --data-root is a
    # usage error, and a folder there that holds no crypto/ is refused before docker runs
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(tmp_path / "hsots"), "--start",
                                       "--compose-file", str(compose_file)])
    assert result.exit_code == 2 and "Invalid value for '--data-root'" in result.stderr
    assert docker.calls == [] and not (tmp_path / "hsots").exists()
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(tmp_path / "empty"), "--start",
                                       "--compose-file", str(compose_file)])
    assert result.exit_code == 1 and "holds no crypto/" in result.stderr
    assert docker.calls == [] and list((tmp_path / "empty").iterdir()) == []


def test_a_down_refused_because_another_run_holds_the_lock_leaves_the_compose_network_alone(
        recorded, docker, hosts_data, compose_file, home):
    """Only processes down could not stop let it go on to the containers: a down refused outright (another up,
    down or deploy runs) has stopped nothing, and taking the containers from under that run would be wrong."""
    from network.control import mark_data_root

    from .test_control import _holding_the_run_lock

    root = home / "network"
    mark_data_root(root)
    holder = _holding_the_run_lock(root)
    try:
        result = down()
    finally:
        holder.communicate("\n", timeout=30)
    assert result.exit_code == 1 and "another run is using" in result.output
    assert docker.calls == []
