"""`restore --replace` into a folder inside a network's data folder (a node's ledger folder, its crypto/) is
refused, nothing moved: the node's pid file lies outside that folder, so the checks of what runs in it saw
nothing, and the restore moved a running peer's ledger from under it and put a whole data folder in its
place."""
from __future__ import annotations

import sys

import pytest

from network import backup, backup_restore, nodeconfig
from network.control import DATA_ROOT_MARKER
from network.errors import NetworkError
from network.supervisor import ProcessSpec, Supervisor

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def listing(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_a_restore_into_a_running_peers_ledger_folder_is_refused_and_moves_nothing(data, topology, tmp_path):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    dirs = nodeconfig.node_dirs(data, "peer0.bank")
    supervisor = Supervisor()
    supervisor.start(ProcessSpec("peer0.bank", SLEEPER, {}, dirs.pid.with_name("fake.log"), dirs.pid))
    try:
        before = listing(dirs.data)
        with pytest.raises(NetworkError, match=rf"it is a folder inside the data folder {data} "):
            backup_restore.restore_backup(archive, dirs.data, replace=True, supervisor=supervisor,
                                          topology=topology)
        assert listing(dirs.data) == before
        assert not list(dirs.data.parent.glob("data.before-restore-*"))
    finally:
        supervisor.stop(dirs.pid)


def test_a_restore_into_a_stopped_networks_crypto_folder_is_refused(data, topology, tmp_path):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    own_folder = "Nothing was written: give --data-root the network's own data folder"
    with pytest.raises(NetworkError, match=own_folder):
        backup_restore.restore_backup(archive, data / "crypto", replace=True, topology=topology)
    assert (data / "crypto" / topology.orgs[0].name).is_dir()
    assert not list(data.glob("crypto.before-restore-*"))
    # the data folder itself is still restored over
    report = backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert report.moved_aside is not None and (data / "crypto").is_dir()


def test_a_restore_into_a_folder_inside_the_topologys_data_folder_is_refused(data, topology, tmp_path):
    (data / DATA_ROOT_MARKER).unlink()          # a data folder an older version made, unmarked
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    on_data = topology.model_copy(update={"data_root": data})
    with pytest.raises(NetworkError, match=rf"inside the data folder {data} "):
        backup_restore.restore_backup(archive, data / "crypto", replace=True, topology=on_data)
    assert not list(data.glob("crypto.before-restore-*"))
