"""`restore --replace` over a data folder that a process writes although no pid file of it records one (a peer
started by hand, or by another tool) is refused, nothing moved: moving the folder aside would move its ledger from
under that process, which would go on writing into the aside copy while the restored one took its place. A process
that only reads a file there (a `tail -f` of a log) does not stop it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from network import backup, backup_restore, membership, nodeconfig
from network.backup import NetworkRunningError
from network.fabric_bin import REPO_ROOT

# Opens argv[1] in the mode argv[2], says so, and holds it open until its stdin closes.
HOLDER = ("import sys\nheld = open(sys.argv[1], sys.argv[2])\nprint('open', flush=True)\nsys.stdin.read()\n")


@pytest.fixture
def holding(request):
    """Start a process holding a file open (path, mode) with no pid file recording it; stopped after the test."""
    started = []

    def hold(path, mode, program=HOLDER):
        process = subprocess.Popen([sys.executable, "-c", program, str(path), mode], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline() == "open\n"     # the file is open once it says so
        return process

    yield hold
    for process in started:
        process.stdin.close()
        process.wait()


def listing(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_a_restore_over_a_folder_a_process_writes_is_refused_naming_it(data, topology, tmp_path, holding):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    block_file = nodeconfig.node_dirs(data, "peer0.bank").data / "ledgersData" / "blockfile_000000"
    writer = holding(block_file, "ab")
    before = listing(data)
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    said = str(refused.value)
    assert f"pid {writer.pid}" in said and "nodes/peer0.bank/data/ledgersData/blockfile_000000" in said
    assert "Nothing was written" in said
    assert listing(data) == before
    assert not list(data.parent.glob(f"{data.name}.before-restore-*"))


def test_a_process_that_only_reads_a_file_there_does_not_stop_the_restore(data, topology, tmp_path, holding):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    holding(nodeconfig.node_dirs(data, "peer0.bank").data / "ledgersData" / "blockfile_000000", "rb")
    report = backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert report.moved_aside is not None


# Takes the data folder's run lock (network.lock) as a recfin command does, says so, and holds it until stdin closes.
RUN_LOCK_HOLDER = ("import sys\nfrom pathlib import Path\nfrom network.control import run_lock\n"
                   "with run_lock(Path(sys.argv[1]), 'recfin network deploy'):\n"
                   "    print('open', flush=True)\n    sys.stdin.read()\n")


def test_a_recfin_run_holding_the_run_lock_is_named_as_the_lock_names_it(data, topology, tmp_path):
    """An `up`, `down` or deploy holds network.lock open for writing: the restore is refused as the lock refuses it,
    naming that command, not as a node no pid file records."""
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    process = subprocess.Popen([sys.executable, "-c", RUN_LOCK_HOLDER, str(data)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    try:
        assert process.stdout.readline() == "open\n"
        with pytest.raises(NetworkRunningError) as refused:
            backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    finally:
        process.stdin.close()
        process.wait()
    said = str(refused.value)
    assert "recfin network deploy" in said and f"pid {process.pid}" in said
    assert "started by hand" not in said
    assert not list(data.parent.glob(f"{data.name}.before-restore-*"))


def test_a_run_waiting_for_the_membership_lock_does_not_stop_the_restore(data, topology, tmp_path, holding):
    """A recfin run waiting for membership.lock holds it open for writing, and writes nothing there until it holds
    it: the restore, which takes that lock before it moves the folder, goes ahead."""
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    holding(data / membership.LOCK_FILE, "ab")
    report = backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert report.moved_aside is not None


def test_a_file_name_that_would_break_the_line_is_quoted(data, topology, tmp_path, holding):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    log = nodeconfig.node_dirs(data, "peer0.bank").data / "peer\n\x1b[2Jlog"
    log.write_text("")
    holding(log, "ab")
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    said = str(refused.value)
    assert "\n" not in said and "\x1b" not in said
    assert "$'nodes/peer0.bank/data/peer\\n\\x1b[2Jlog'" in said


# HOLDER, under a name that is not UTF-8 (a process names itself in any bytes).
NAMED_HOLDER = HOLDER.replace("print(", "open('/proc/self/comm', 'wb').write(b'\\xffpeer\\x1b')\nprint(")


def test_a_writer_whose_name_is_not_utf8_is_named_quoted(data, topology, tmp_path, holding):
    archive = tmp_path / "network.tar.gz"
    backup.write_backup(data, archive, topology=topology)
    block_file = nodeconfig.node_dirs(data, "peer0.bank").data / "ledgersData" / "blockfile_000000"
    writer = holding(block_file, "ab", program=NAMED_HOLDER)
    with pytest.raises(NetworkRunningError) as refused:
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert f"$'\\xffpeer\\x1b' (pid {writer.pid}) writes" in str(refused.value)
    assert not list(data.parent.glob(f"{data.name}.before-restore-*"))
