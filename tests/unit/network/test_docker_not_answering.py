"""A docker whose daemon does not answer: compose-up, `network down` and compose-status give up in their time.

`docker` here is a program that never answers (`exec sleep 600`), first on PATH, as a hung daemon leaves every docker
command waiting. Each command under test must stop it after its own time (shortened here), say in one line what did
not finish, that `docker info` is what to check, and what may be half done, and leave its files as they were.
"""
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import network_commands
from cli.main import main
from network import compose, compose_down, compose_up, containers
from network.compose_status import COMPOSE_HINTS
from network.containers import DockerNotAnswering
from network.errors import NetworkError
from network.fabric_bin import FabricInstall
from network.topology import load

from .operations_stand_in import CHANNEL, with_operations_ports
from .scripted_heights import OsnadminAt, PeerAt
from .scripted_osnadmin import ScriptedFabric

SHORT = 0.5     # seconds: each docker call's time, shortened from minutes so that the tests end quickly


@pytest.fixture
def hung_docker(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "hung-docker"
    folder.mkdir()
    (folder / "docker").write_text("#!/bin/sh\nexec sleep 600\n")
    (folder / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    for module, name in ((compose_up, "UP_TIMEOUT"), (compose_down, "DOWN_TIMEOUT"),
                         (compose_down, "DOCKER_TIMEOUT"), (containers, "DOCKER_TIMEOUT")):
        monkeypatch.setattr(module, name, SHORT)
    return folder


@pytest.fixture
def compose_file(tmp_path) -> Path:
    return compose.write(load(), tmp_path / "docker-compose.yaml")


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_the_hung_docker_is_an_error_a_command_prints_and_a_restore_tells_apart():
    hung = DockerNotAnswering(["docker", "compose", "ps"], SHORT, "docker compose ps did not finish")
    assert str(hung) == "docker compose ps did not finish"
    assert isinstance(hung, NetworkError)
    assert isinstance(hung, subprocess.TimeoutExpired) and hung.timeout == SHORT


def test_compose_up_start_stops_waiting_for_docker_and_says_what_may_be_running(home, hung_docker, hosts_data,
                                                                                compose_file, fake_fabric):
    before = listing(hosts_data)
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                       "--compose-file", str(compose_file), "--timeout", f"{SHORT:g}"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: docker compose up -d --renew-anon-volumes --remove-orphans did not finish within "
                           f"{SHORT:g}s and was stopped: check that the Docker daemon answers (`docker info`); ")
    assert f"`docker compose -f {compose_file} ps` lists them" in line
    assert "this run recorded none of them for `recfin network down`" in line
    assert f"`docker compose -f {compose_file} down`" in line
    assert "run `recfin network compose-up --start` again once docker answers" in line
    assert not (home / compose_down.COMPOSE_RECORD).exists()
    assert listing(hosts_data) == before


def test_compose_up_timeout_lengthens_the_wait_for_up(home, hung_docker, hosts_data, compose_file, fake_fabric):
    """--timeout longer than UP_TIMEOUT gives `docker compose up -d` that long; never less than UP_TIMEOUT."""
    for given, waited in ((SHORT * 3, SHORT * 3), (SHORT / 5, SHORT)):
        result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                           "--compose-file", str(compose_file), "--timeout", f"{given:g}"])
        assert result.exit_code == 1
        assert f"did not finish within {waited:g}s and was stopped" in result.stderr


def test_the_time_up_has_is_minutes_for_the_images_it_pulls():
    assert compose_up.UP_TIMEOUT >= 600


def test_compose_up_help_names_the_time_up_has_without_a_longer_timeout():
    result = CliRunner().invoke(main, ["network", "compose-up", "--help"])
    assert result.exit_code == 0
    assert f"has {compose_up.UP_TIMEOUT:g} or this, whichever is longer" in " ".join(result.output.split())


@pytest.fixture
def recorded(home, hosts_data, compose_file) -> Path:
    assert compose_down.record(load(), compose_file, hosts_data)
    return home / compose_down.COMPOSE_RECORD


@pytest.mark.parametrize("purge", [False, True])
def test_network_down_stops_waiting_for_docker_and_removes_nothing(recorded, hung_docker, hosts_data, compose_file,
                                                                   home, purge):
    before = listing(hosts_data)
    result = CliRunner().invoke(main, ["network", "down", *(["--purge"] if purge else [])])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    command = "down --remove-orphans" + (" -v" if purge else "")
    assert line.startswith(f"Error: docker compose {command} did not finish within {SHORT:g}s and was stopped: check "
                           f"that the Docker daemon answers (`docker info`); some containers may be stopped")
    assert (", and docker may have removed some of the ledger volumes" in line) is purge
    assert f"the data folder {hosts_data} and {recorded} are kept" in line
    assert line.endswith(f"run `recfin network down{' --purge' if purge else ''}` again once docker answers")
    assert recorded.is_file() and listing(hosts_data) == before


def test_compose_up_start_over_a_recorded_network_does_not_say_none_is_recorded(recorded, hung_docker, hosts_data,
                                                                                compose_file, fake_fabric):
    """An earlier compose-up's record stays, and `recfin network down` stops the containers by it: the line says
    what this run did not do, not that nothing is recorded."""
    result = CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(hosts_data), "--start",
                                       "--compose-file", str(compose_file), "--timeout", f"{SHORT:g}"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert "none is recorded" not in line
    assert "this run recorded none of them for `recfin network down` (a record an earlier compose-up wrote stays)" \
        in line
    assert recorded.is_file()


def test_the_time_down_has_outlasts_compose_stopping_each_container():
    assert compose_down.DOWN_TIMEOUT > 10


def test_compose_up_on_containers_started_by_hand_says_nothing_was_recorded_or_joined(
        home, hosts_data, operations, fake_fabric, hung_docker, compose_file, tmp_path, monkeypatch):
    """Without --start, compose-up asks docker which compose file the healthy containers run from, to record them."""
    topology_file = tmp_path / "topology.yaml"
    topology_file.write_text(yaml.safe_dump(with_operations_ports(load().model_dump(mode="json", exclude_none=True),
                                                                  operations)))
    scripted = ScriptedFabric(PeerAt(load(), fabric=FabricInstall.locate()), OsnadminAt(CHANNEL))
    monkeypatch.setattr(network_commands, "Tools", lambda fabric: scripted)
    result = CliRunner().invoke(main, ["network", "compose-up", "--topology", str(topology_file), "--data-root",
                                       str(hosts_data), "--timeout", "5", "--compose-file", str(compose_file)])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: docker compose ps -q did not finish within {SHORT:g}s and was stopped: check that "
                           f"the Docker daemon answers (`docker info`); ")
    assert line.endswith(f"every node answers /healthz, but this run neither recorded the network for `recfin network "
                         f"down` (a record an earlier compose-up wrote stays) nor joined any node to {CHANNEL}: run "
                         f"`recfin network compose-up` again once docker answers")
    assert not (home / compose_down.COMPOSE_RECORD).exists()
    assert "[2/5]" not in result.output


def test_compose_status_names_docker_info_for_a_container_docker_does_not_answer_for(hung_docker):
    healthy, problem = containers.container_health("ccaas.bank.recfin.local", COMPOSE_HINTS)
    assert healthy is None
    assert problem == (f"container health unknown: `docker container inspect ccaas.bank.recfin.local` did not answer "
                       f"within {SHORT:g}s: check that the Docker daemon answers (`docker info`)")



def test_the_deployment_page_gives_the_times_docker_has():
    from network.fabric_bin import REPO_ROOT

    page = " ".join((REPO_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8").split())
    assert f"gives `docker compose up -d` {compose_up.UP_TIMEOUT / 60:g} minutes" in page
    assert f"gives `docker compose down` {compose_down.DOWN_TIMEOUT / 60:g} minutes" in page
    assert f"has {containers.DOCKER_TIMEOUT:g} seconds" in page
