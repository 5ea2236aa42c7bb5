"""A look at a running node's log (`recfin network status` from cron) that copies its last part to node.log.1
while the node is restarted (`down`, then `up`): the start moves the log aside to node.log.1 and the new process
writes its first lines to a new node.log. The look then emptied node.log by name, the new log with the start's
marker line and whatever the node had written since, where it meant to empty the log it had copied."""
from __future__ import annotations

from network import supervisor

LIMIT = 1000
HISTORY = "".join(f"line {number} of the node's history\n" for number in range(200))
RESTARTED = "==== recfin: starting peer0.bank at 2026-12-06T18:00:00+00:00: peer node start\nfirst line\n"


def test_a_restart_while_the_log_is_copied_keeps_the_new_log(tmp_path, monkeypatch):
    log = tmp_path / "node.log"
    log.write_text(HISTORY)
    copy = supervisor._copy_last_part

    def copy_while_the_node_restarts(*args):
        copy(*args)
        supervisor.rotate_log(log, LIMIT)       # the start moves the log past the limit aside ...
        log.write_text(RESTARTED)               # ... and the new process writes a new one
    monkeypatch.setattr(supervisor, "_copy_last_part", copy_while_the_node_restarts)

    assert supervisor.copy_truncate_log(log, LIMIT) is None

    assert log.read_text() == RESTARTED
    rotated = log.with_name("node.log.1").read_text()
    assert HISTORY.endswith(rotated) and len(rotated) <= LIMIT     # the last part copied, as ever
