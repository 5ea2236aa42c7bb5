"""A node's log rotated (past its limit at a restart, or by `status` while it runs) went to node.log.1, replacing the
one there: each rotation lost the log before, so the history an operator looks at after an incident was one
rotation deep. Rotated logs now move up one number (node.log.1 to .2, ...), LOG_KEPT of them kept, the oldest
dropped; a restart with the log within its limit appends to it, as before."""
from __future__ import annotations

import errno
import os
import sys

from network import backup, nodeconfig, supervisor
from network.control import purge_refusal
from network.supervisor import LOG_KEPT, ProcessSpec, Supervisor, rotated_log

LIMIT = 1000


def kept(log) -> list[str]:
    """The rotated logs beside log, newest first, by their first line."""
    return [rotated_log(log, n).read_text().splitlines()[0] if rotated_log(log, n).exists() else None
            for n in range(1, LOG_KEPT + 2)]


def run(number: int) -> str:
    return f"run {number}\n" + "a line of that run\n" * 100      # past LIMIT


def test_each_restart_past_the_limit_keeps_the_logs_before_it_up_to_log_kept(tmp_path):
    log = tmp_path / "node.log"
    history = []
    for number in range(1, LOG_KEPT + 3):
        log.write_text(run(number))
        supervisor.rotate_log(log, LIMIT)
        history.insert(0, f"run {number}")
        assert kept(log) == (history[:LOG_KEPT] + [None] * (LOG_KEPT + 1))[:LOG_KEPT + 1]   # the oldest dropped
        assert not log.exists()
    assert rotated_log(log, 1).read_text() == run(LOG_KEPT + 2)     # each moved whole


def test_a_log_rotated_while_its_process_runs_moves_the_earlier_ones_up(tmp_path):
    log = tmp_path / "node.log"
    rotated_log(log, 1).write_text("run 1\n")
    rotated_log(log, 2).write_text("run 0\n")
    log.write_text(run(2))
    assert supervisor.copy_truncate_log(log, LIMIT) is None
    assert kept(log)[:3] == ["a line of that run", "run 1", "run 0"] and log.stat().st_size == 0


def test_on_a_full_disk_nothing_moves(tmp_path, monkeypatch):
    log = tmp_path / "node.log"
    rotated_log(log, 1).write_text("run 1\n")
    log.write_text(run(2))

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "write", full)
    failure = supervisor.copy_truncate_log(log, LIMIT)
    assert failure is not None and failure.no_space
    assert sorted(p.name for p in tmp_path.iterdir()) == ["node.log", "node.log.1"]
    assert rotated_log(log, 1).read_text() == "run 1\n" and log.read_text() == run(2)
    assert f"the rotated logs node.log.1 to node.log.{LOG_KEPT} may be deleted, the oldest first" in failure.line()


def test_a_number_deleted_by_hand_is_passed_over(tmp_path):
    log = tmp_path / "node.log"
    rotated_log(log, 2).write_text("run 0\n")
    log.write_text(run(1))
    supervisor.rotate_log(log, LIMIT)
    assert kept(log)[:3] == ["run 1", None, "run 0"]


def test_restarting_a_process_keeps_its_history(tmp_path):
    """Within the limit each start appends after its own marking line; past it the log is moved to .1 at the next
    start, and the one there to .2."""
    limit = 1500
    s = Supervisor(grace=0.5, poll_interval=0.02, log_limit=limit)
    writes = "import sys; print(sys.argv[1] * 50, flush=True)"     # 500 bytes and a marking line: 3 starts pass it
    for number in range(1, 8):
        sp = ProcessSpec("node", [sys.executable, "-c", writes, f"[start {number}]"], dict(os.environ),
                         tmp_path / "node.log", tmp_path / "node.pid")
        pid, started = s.start(sp)
        assert started
        s._children[pid].wait()
        s.stop(sp.pid_file)
    runs = [sp.log.read_text(), rotated_log(sp.log, 1).read_text(), rotated_log(sp.log, 2).read_text()]
    assert [text.count("==== recfin: starting node") for text in runs] == [1, 3, 3]
    assert ["[start 7]" in runs[0], *(f"[start {n}]" in runs[1] for n in (4, 5, 6)),
            *(f"[start {n}]" in runs[2] for n in (1, 2, 3))] == [True] * 7
    assert not rotated_log(sp.log, 3).exists()


def test_a_purge_and_a_backup_know_every_kept_log(topology, data_root, fake_fabric):
    """`down --purge` refuses a folder holding what the network does not write, and a backup leaves logs out."""
    from .test_control import _as_an_older_version_left_it
    _as_an_older_version_left_it(topology, data_root, fake_fabric)
    dirs = nodeconfig.node_dirs(data_root, topology.nodes()[0].name)
    server = next(data_root.glob("chaincode/*/*/server.log"))
    for number in range(1, LOG_KEPT + 1):
        rotated_log(dirs.log, number).write_text("older\n")
        rotated_log(server, number).write_text("older\n")
    assert purge_refusal(data_root.resolve()) is None
    for number in range(1, LOG_KEPT + 1):
        for log in (dirs.log, server):
            assert backup._left_out(rotated_log(log, number).relative_to(data_root).as_posix())
