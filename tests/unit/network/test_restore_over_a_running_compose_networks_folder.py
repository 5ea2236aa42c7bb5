"""`restore --replace` over the hosts data folder a running compose network mounts (compose-up recorded it, and
docker says its containers run from the recorded compose file) is refused, nothing moved: its containers have the
folder's crypto, config and channel files bind-mounted, and would go on with the folder moved aside while the
restored one took its place. Its processes run in containers, where no pid file of the folder records them. Once
docker lists none of them running, the restore goes ahead.

`docker` is the scripted executable of scripted_docker.py, first on PATH."""
from __future__ import annotations

from pathlib import Path

import pytest

from network import backup, backup_restore, compose, compose_down
from network.backup import NetworkRunningError
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError
from network.topology import load


@pytest.fixture
def compose_file(tmp_path) -> Path:
    return compose.write(load(), tmp_path / "docker-compose.yaml")


@pytest.fixture
def archive(hosts, hosts_data, tmp_path) -> Path:
    out = tmp_path / "hosts.tar.gz"
    backup.write_backup(hosts_data, out, topology=hosts)
    return out


def listing(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_a_restore_over_the_folder_a_running_compose_network_mounts_is_refused(home, docker, hosts, hosts_data,
                                                                              compose_file, archive):
    assert compose_down.record(load(), compose_file, hosts_data)
    docker.answer("ps", "-q", stdout="3f2a9c1b7d4e\n")
    docker.answer("inspect", stdout=f"{compose_file}\n")
    before = listing(hosts_data)
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    said = str(refused.value)
    assert str(compose_file) in said and "recfin network down" in said and "Nothing was written" in said
    assert listing(hosts_data) == before
    assert not list(hosts_data.parent.glob(f"{hosts_data.name}.before-restore-*"))


def test_once_docker_lists_no_container_of_it_the_restore_goes_ahead(home, docker, hosts, hosts_data, compose_file,
                                                                     archive):
    assert compose_down.record(load(), compose_file, hosts_data)
    docker.answer("ps", "-q", stdout="")
    report = backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    assert report.moved_aside is not None


def test_a_record_naming_the_folder_through_a_link_refuses_a_restore_over_the_folder(home, docker, hosts, hosts_data,
                                                                                    compose_file, archive, tmp_path):
    """compose-up given --data-root LINK (a link to the folder): docker mounts where the link leads, so a restore
    over the folder itself moves the containers' folder aside as surely as one over LINK."""
    link = tmp_path / "hosts-link"
    link.symlink_to(hosts_data)
    assert compose_down.record(load(), compose_file, link)
    docker.answer("ps", "-q", stdout="3f2a9c1b7d4e\n")
    docker.answer("inspect", stdout=f"{compose_file}\n")
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    assert str(compose_file) in str(refused.value)
    assert not list(hosts_data.parent.glob(f"{hosts_data.name}.before-restore-*"))


def test_docker_is_not_asked_when_no_compose_network_is_recorded(home, docker, hosts, hosts_data, archive):
    report = backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    assert report.moved_aside is not None
    assert docker.calls == []


def test_docker_is_not_asked_when_the_recorded_network_mounts_another_folder(home, docker, hosts, hosts_data,
                                                                             compose_file, archive, tmp_path):
    other = tmp_path / "other-hosts"
    other.mkdir()
    (other / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    assert compose_down.record(load(), compose_file, other)
    report = backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    assert report.moved_aside is not None
    assert docker.calls == []


def test_a_docker_that_does_not_answer_refuses_the_restore_rather_than_hang_it(home, hosts, hosts_data, compose_file,
                                                                               archive, tmp_path, monkeypatch):
    """A hung docker daemon: the restore, which asks it while holding the folder's locks, is refused once docker has
    not answered in its time, saying what to do, not left waiting for ever."""
    hung = tmp_path / "hung-docker"
    hung.mkdir()
    (hung / "docker").write_text("#!/bin/sh\nexec sleep 600\n")
    (hung / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{hung}:/usr/bin:/bin")
    monkeypatch.setattr(backup_restore, "DOCKER_ANSWER_TIMEOUT", 0.5)
    assert compose_down.record(load(), compose_file, hosts_data)
    before = listing(hosts_data)
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    said = str(refused.value)
    assert "did not answer" in said and "recfin network down" in said and "Nothing was written" in said
    assert str(compose_down.record_path(load())) in said
    assert listing(hosts_data) == before


def test_the_docs_and_help_give_the_time_docker_has_to_answer():
    from click.testing import CliRunner

    from cli.main import main
    from network.fabric_bin import REPO_ROOT

    said = f"{backup_restore.DOCKER_ANSWER_TIMEOUT:g} seconds"
    page = " ".join((REPO_ROOT / "docs" / "network.md").read_text(encoding="utf-8").split())
    assert f"does not answer within {said} whether they run" in page
    shown = CliRunner().invoke(main, ["network", "restore", "--help"], terminal_width=200)
    assert shown.exit_code == 0 and f"within {said}" in " ".join(shown.output.split())


def test_a_record_it_cannot_read_refuses_the_restore_saying_so(home, hosts, hosts_data, archive):
    """A record that is not compose-up's may name a compose network mounting the folder: the restore is refused,
    saying it is the restore that was refused and that nothing was written."""
    record = compose_down.record_path(load())
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text("{not json")
    before = listing(hosts_data)
    with pytest.raises(NetworkError) as refused:
        backup_restore.restore_backup(archive, hosts_data, replace=True, topology=load())
    said = str(refused.value)
    assert said.startswith(f"refusing to restore over {hosts_data}: {record} is not a record of `recfin network "
                           f"compose-up`")
    assert "Nothing was written" in said
    assert listing(hosts_data) == before
