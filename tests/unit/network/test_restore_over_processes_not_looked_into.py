"""`restore --replace` looks in /proc for a process writing in the data folder it moves aside, but as any user but
root it cannot read another user's open files (/proc/PID/fd): it must not let the folder pass for free of writers
on their account. It says how many it could not look into, in the report and beside any refusal. A folder of its
own stands in for /proc (backup_restore.PROC); a process whose fd this user may not read is one whose listing
raises PermissionError, as the kernel's does (this test may run as root, whom no mode keeps out)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from network import backup, backup_restore, nodeconfig
from network.backup import NetworkRunningError

ANOTHER_USERS_PID, WRITER_PID = 4101, 4102


@pytest.fixture
def proc(tmp_path, monkeypatch) -> Path:
    """An empty stand-in /proc, whose processes a test adds; another user's process refuses its fd listing."""
    root = tmp_path / "proc"
    root.mkdir()
    monkeypatch.setattr(backup_restore, "PROC", root)
    listing = backup_restore._descriptors

    def descriptors(process: Path) -> list[str]:
        if process.name == str(ANOTHER_USERS_PID):
            raise PermissionError(13, "Permission denied", str(process / "fd"))
        return listing(process)

    monkeypatch.setattr(backup_restore, "_descriptors", descriptors)
    return root


def a_process(proc: Path, pid: int, command: str, opened: dict[int, tuple[Path, int]] | None = None) -> None:
    """Process pid in the stand-in /proc, holding each descriptor's file open with its flags."""
    folder = proc / str(pid)
    (folder / "fd").mkdir(parents=True)
    (folder / "fdinfo").mkdir()
    (folder / "comm").write_text(f"{command}\n")
    for fd, (path, flags) in (opened or {}).items():
        (folder / "fd" / str(fd)).symlink_to(path)
        (folder / "fdinfo" / str(fd)).write_text(f"pos:\t0\nflags:\t{flags:o}\nmnt_id:\t1\n")


def test_processes_it_could_not_look_into_are_said_not_passed_over(data, topology, tmp_path, proc):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    a_process(proc, ANOTHER_USERS_PID, "peer")
    report = backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert report.moved_aside is not None
    assert report.processes_not_looked_into == 1
    [said] = [line for line in report.lines() if "could not be looked into" in line]
    assert said.startswith("1 process(es) of other users could not be looked into")
    assert "restore as root" in said


def test_with_every_process_looked_into_the_report_says_nothing_of_it(data, topology, tmp_path, proc):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    a_process(proc, WRITER_PID, "tail", {3: (data / "nodes", os.O_RDONLY)})
    report = backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert report.processes_not_looked_into == 0
    assert not [line for line in report.lines() if "looked into" in line]


def test_a_refusal_says_how_many_it_could_not_look_into_beside_the_writer_it_names(data, topology, tmp_path, proc):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    block_file = nodeconfig.node_dirs(data, "peer0.bank").data / "ledgersData" / "blockfile_000000"
    a_process(proc, ANOTHER_USERS_PID, "orderer")
    a_process(proc, WRITER_PID, "peer", {7: (block_file, os.O_WRONLY | os.O_APPEND)})
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    said = str(refused.value)
    assert f"peer (pid {WRITER_PID}) writes nodes/peer0.bank/data/ledgersData/blockfile_000000" in said
    assert "1 process(es) of other users could not be looked into" in said
    assert not list(data.parent.glob(f"{data.name}.before-restore-*"))
