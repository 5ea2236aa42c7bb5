"""A running node's log this user may read but not write (another user's, who ran `up`), past its limit, with a
`status` run now and then by this user: the log cannot be emptied, so its last part copied to node.log.1 stays in
it too. Each look copied it again and moved the rotated logs up, node.log.1 to .3 soon all the same last part, the
older history they held dropped one look at a time. Such a log is left to the user who may write it."""
from __future__ import annotations

import os

from network import supervisor
from network.supervisor import rotated_log

LIMIT = 100
HISTORY = "".join(f"line {number} of the node's history\n" for number in range(20))


def test_a_log_this_user_may_not_write_is_not_copied_again_at_each_look(tmp_path, monkeypatch):
    log = tmp_path / "node.log"
    log.write_text(HISTORY)
    before = {number: f"rotation {number} before\n" for number in (1, 2, 3)}
    for number, text in before.items():
        rotated_log(log, number).write_text(text)
    opened = os.open

    def not_writable(path, flags, *args, **kwargs):
        if os.fspath(path) == os.fspath(log) and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return opened(path, flags, *args, **kwargs)
    monkeypatch.setattr(supervisor.os, "open", not_writable)

    for _look in range(2):
        assert supervisor.copy_truncate_log(log, LIMIT) is None
    assert log.read_text() == HISTORY
    assert {number: rotated_log(log, number).read_text() for number in before} == before
