"""A look at a running node's log (`recfin network status` from cron) that copies its last part to node.log.1
while the node is restarted (`down`, then `up`): the start moves a log past the limit aside to node.log.1 and the
new process writes its first lines to a new node.log.

The look emptied node.log by name, the new log with the start's marker line and whatever the node had written
since, where it meant to empty the log it had copied. And the start, which took no lock, moved the rotated logs up
while the look was copying: the look then moved them up a second time for the same log, the oldest rotation lost
and the log kept twice (whole, and its last part). The start now waits for the look's flock.

The restart runs in a thread of its own, started during the copy; the copy goes on once that thread has either
finished or is waiting for the log's lock."""
from __future__ import annotations

import fcntl
import threading

from network import supervisor
from network.supervisor import rotated_log

LIMIT = 1000
HISTORY = "".join(f"line {number} of the node's history\n" for number in range(200))
RESTARTED = "==== recfin: starting peer0.bank at 2026-12-06T18:00:00+00:00: peer node start\nfirst line\n"


def last_part(text: str) -> str:
    """The lines at the end of text that fit in LIMIT characters: what node.log.1 keeps of a log past it."""
    window = text[len(text) - LIMIT:]
    return window[window.index("\n") + 1:]


def copied_while_the_node_restarts(log, monkeypatch) -> threading.Thread:
    """Rotate log as a look at the running node does, a restart of the node (rotate_log, then the new process's
    first lines) begun in another thread while the look copies. Returns that thread, to be joined."""
    went_its_way = threading.Event()    # the restart finished, or waits for the lock

    def restart():
        try:
            supervisor.rotate_log(log, LIMIT)
            with log.open("a") as new_log:
                new_log.write(RESTARTED)
        finally:
            went_its_way.set()
    restarting = threading.Thread(target=restart, daemon=True)

    flock = fcntl.flock

    def flock_seen(descriptor, operation):
        try:
            return flock(descriptor, operation)
        except BlockingIOError:
            if threading.current_thread() is restarting:
                went_its_way.set()      # found the lock held: tries again until the copy lets go of it
            raise
    monkeypatch.setattr(fcntl, "flock", flock_seen)

    copy = supervisor._copy_last_part

    def copy_while_the_node_restarts(*args):
        copy(*args)
        restarting.start()
        assert went_its_way.wait(30)
    monkeypatch.setattr(supervisor, "_copy_last_part", copy_while_the_node_restarts)

    assert supervisor.copy_truncate_log(log, LIMIT) is None
    return restarting


def test_a_restart_while_the_log_is_copied_keeps_the_new_log(tmp_path, monkeypatch):
    log = tmp_path / "node.log"
    log.write_text(HISTORY)

    restarting = copied_while_the_node_restarts(log, monkeypatch)
    restarting.join(30)

    assert not restarting.is_alive()
    assert log.read_text() == RESTARTED
    assert rotated_log(log).read_text() == last_part(HISTORY)


def test_a_restart_while_the_log_is_copied_moves_the_rotated_logs_up_once(tmp_path, monkeypatch):
    log = tmp_path / "node.log"
    rotated_log(log, 1).write_text("the rotation before\n")
    rotated_log(log, 2).write_text("two rotations before\n")
    log.write_text(HISTORY)

    restarting = copied_while_the_node_restarts(log, monkeypatch)
    restarting.join(30)

    assert not restarting.is_alive()
    assert [rotated_log(log, number).read_text() for number in (1, 2, 3)] == [
        last_part(HISTORY), "the rotation before\n", "two rotations before\n"]
    assert not rotated_log(log, 4).exists()
