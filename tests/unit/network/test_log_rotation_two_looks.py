"""Two looks at one running node's log at once (`recfin network status` from cron beside an operator's, or
`up`) each rotate it past the limit (copy_truncate_log). One that had found the log past the limit copied it to
node.log.1 after the other had emptied it: node.log.1, the node's recent history (the log's last part), was
replaced by the emptied log.

Two real processes; the second one's copy is held until the first has had its turn.
"""
from __future__ import annotations

import multiprocessing
from pathlib import Path

from network import supervisor

LIMIT = 1000
HISTORY = "".join(f"line {number} of the node's history\n" for number in range(200))


def _second_look(log: str, copying, first_done) -> None:
    copy = supervisor._copy_last_part

    def copy_once_the_first_looked(*args):
        copying.set()               # it has found the log past the limit and is about to copy it ...
        first_done.wait(60)         # ... and the first look has its turn meanwhile
        return copy(*args)

    supervisor._copy_last_part = copy_once_the_first_looked
    supervisor.copy_truncate_log(Path(log), LIMIT)


def last_part(text: str) -> str:
    """The lines at the end of text that fit in LIMIT characters: what node.log.1 keeps of a log past it."""
    window = text[len(text) - LIMIT:]
    return window[window.index("\n") + 1:]


def test_two_looks_at_once_keep_the_log_s_last_part_in_its_copy(tmp_path):
    log = tmp_path / "node.log"
    log.write_text(HISTORY)
    context = multiprocessing.get_context("fork")
    copying, first_done = context.Event(), context.Event()
    second = context.Process(target=_second_look, args=(str(log), copying, first_done))
    second.start()
    try:
        assert copying.wait(60)
        supervisor.copy_truncate_log(log, LIMIT)
    finally:
        first_done.set()
        second.join(60)
    assert second.exitcode == 0
    assert log.with_name("node.log.1").read_text() == last_part(HISTORY) and log.read_text() == ""
