"""`docker compose ps` lists the compose project's running containers, then `docker inspect` of them fails: the
containers run, from the compose file or another, and which is not known. That was read as "not running from it":
a restore over the hosts data folder the recorded compose network mounts went ahead, moving the folder from under
containers that may run on it. Now it is "could not tell": the restore is refused, nothing moved, and compose-up
(without --start) says it could not tell and records nothing, its joins going on as for containers of another file.

`docker` is the scripted executable of scripted_docker.py, first on PATH."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import network_commands
from cli.main import main
from network import backup, backup_restore, compose, compose_down
from network.containers import DockerCouldNotTell
from network.errors import NetworkError
from network.fabric_bin import FabricInstall
from network.topology import load

from .operations_stand_in import CHANNEL, with_operations_ports
from .scripted_heights import OsnadminAt, PeerAt
from .scripted_osnadmin import ScriptedFabric

INSPECT_FAILED = "Error response from daemon: permission denied while inspecting 3f2a9c1b7d4e\n"


@pytest.fixture
def compose_file(tmp_path) -> Path:
    return compose.write(load(), tmp_path / "docker-compose.yaml")


@pytest.fixture
def inspect_fails(docker):
    docker.answer("ps", "-q", stdout="3f2a9c1b7d4e\n8e1d0c2b9a7f\n")
    docker.fail("inspect", stderr=INSPECT_FAILED)
    return docker


def listing(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_not_running_from_says_it_could_not_tell(inspect_fails, compose_file, tmp_path):
    with pytest.raises(DockerCouldNotTell) as unknown:
        compose_down.not_running_from(compose_file, tmp_path)
    assert isinstance(unknown.value, NetworkError)
    assert str(unknown.value) == (f"could not tell which compose file the 2 running container(s) `docker compose -f "
                                  f"{compose_file} ps` lists run from: docker inspect failed: "
                                  f"{INSPECT_FAILED.strip()}")


def test_a_restore_over_the_mounted_folder_is_refused_and_nothing_moved(home, inspect_fails, hosts, hosts_data,
                                                                        compose_file, tmp_path):
    archive = tmp_path / "hosts.tar.gz"
    backup.write_backup(hosts_data, archive, topology=hosts)
    assert compose_down.record(load(), compose_file, hosts_data)
    before = listing(hosts_data)
    with pytest.raises(NetworkError, match="could not tell which compose file"):
        backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    assert listing(hosts_data) == before
    assert not list(hosts_data.parent.glob(f"{hosts_data.name}.before-restore-*"))


def test_the_restore_refusal_says_it_is_a_restore_refused_and_exits_as_over_a_running_network(
        home, inspect_fails, hosts, hosts_data, compose_file, tmp_path):
    """Refused as over a running network (exit status 2), in the restore's words: docker's alone named neither the
    restore nor that nothing was written, and exited 1."""
    archive = tmp_path / "hosts.tar.gz"
    backup.write_backup(hosts_data, archive, topology=hosts)
    assert compose_down.record(load(), compose_file, hosts_data)
    result = CliRunner().invoke(main, ["network", "restore", str(archive), "--data-root", str(hosts_data),
                                       "--replace"])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: refusing to restore over {hosts_data}: could not tell which compose file"), line
    assert "Nothing was written" in line


def test_compose_up_says_it_could_not_tell_records_nothing_and_joins(home, inspect_fails, hosts_data, operations,
                                                                     fake_fabric, compose_file, tmp_path,
                                                                     monkeypatch):
    topology_file = tmp_path / "topology.yaml"
    topology_file.write_text(yaml.safe_dump(with_operations_ports(load().model_dump(mode="json", exclude_none=True),
                                                                  operations)))
    scripted = ScriptedFabric(PeerAt(load(), fabric=FabricInstall.locate()), OsnadminAt(CHANNEL))
    monkeypatch.setattr(network_commands, "Tools", lambda fabric: scripted)
    result = CliRunner().invoke(main, ["network", "compose-up", "--topology", str(topology_file), "--data-root",
                                       str(hosts_data), "--timeout", "5", "--compose-file", str(compose_file)])
    assert result.exit_code == 0, result.output
    assert not (home / compose_down.COMPOSE_RECORD).exists()
    lines = result.output.splitlines()
    said = lines.index(f"  not recorded for `recfin network down`: could not tell which compose file the 2 running "
                       f"container(s) `docker compose -f {compose_file} ps` lists run from: docker inspect failed: "
                       f"{INSPECT_FAILED.strip()}; once docker answers `docker inspect`, run `recfin network "
                       f"compose-up` again to record them, or stop them with `docker compose down`")
    assert lines[said + 1] == f"[2/5] orderers join {CHANNEL} (osnadmin, as the orderer admin)"
