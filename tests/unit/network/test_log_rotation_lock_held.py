"""A start whose log is locked by a look that never lets go (`recfin network status` suspended with Ctrl-Z, or
hung, during its copy): the start waited for the flock with no time limit, so `up` hung silently. It now waits
a bounded time, then starts the process on the log as it is and names the log and how to find the holder.

The lock is a real flock, taken through another open file description of the log. Each call runs in a thread
joined with a time limit, so a start that waits for ever fails the test instead of hanging it."""
from __future__ import annotations

import fcntl
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from network import supervisor
from network.supervisor import LogLockHeld, ProcessSpec, Supervisor, rotated_log

LIMIT = 100
PAST_LIMIT = "a line the node wrote before\n" * 10
SHORT_WAIT = 0.1        # seconds the start waits for the lock here
HANG_LIMIT = 10         # seconds after which the call is taken as waiting for ever


@contextmanager
def locked(log: Path) -> Iterator[None]:
    """log's flock held, as a look holds it while it copies the log."""
    descriptor = os.open(log, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def returned_in_time(call: Callable[[], object]) -> object:
    """call's result, run in a thread: a call still waiting after HANG_LIMIT seconds fails the test."""
    result: list[object] = []
    running = threading.Thread(target=lambda: result.append(call()), daemon=True)
    running.start()
    running.join(HANG_LIMIT)
    assert not running.is_alive(), "still waiting for the log's lock"
    return result[0]


def test_a_rotation_gives_up_on_a_lock_held_on_and_moves_nothing(tmp_path):
    log = tmp_path / "node.log"
    log.write_text(PAST_LIMIT)
    rotated_log(log, 1).write_text("the rotation before\n")

    with locked(log):
        held = returned_in_time(lambda: supervisor.rotate_log(log, LIMIT, wait=SHORT_WAIT))

    assert held == LogLockHeld(log, SHORT_WAIT)
    assert log.read_text() == PAST_LIMIT
    assert rotated_log(log, 1).read_text() == "the rotation before\n"
    assert not rotated_log(log, 2).exists()


def test_a_start_goes_on_with_its_log_locked_and_names_it(tmp_path):
    log = tmp_path / "node.log"
    log.write_text(PAST_LIMIT)
    rotated_log(log, 1).write_text("the rotation before\n")
    spec = ProcessSpec("peer0.bank", [sys.executable, "-c", "print('started', flush=True)"], dict(os.environ), log,
                       tmp_path / "node.pid")
    sup = Supervisor(grace=0.5, poll_interval=0.02, log_limit=LIMIT, log_lock_wait=SHORT_WAIT)

    with locked(log):
        pid, started_now = returned_in_time(lambda: sup.start(spec))
    sup.wait_until(lambda: "started" in log.read_text().splitlines(), what="its line", name=spec.name, log=log,
                   timeout=HANG_LIMIT)

    assert started_now
    assert log.read_text().startswith(PAST_LIMIT)       # started on the log as it was: its history kept in it
    assert rotated_log(log, 1).read_text() == "the rotation before\n"
    line = sup.logs_not_rotated[log].line()
    assert str(log) in line and "fuser" in line
    sup.stop(spec.pid_file)


def test_a_start_whose_log_is_not_locked_still_rotates_it(tmp_path):
    log = tmp_path / "node.log"
    log.write_text(PAST_LIMIT)

    assert returned_in_time(lambda: supervisor.rotate_log(log, LIMIT, wait=SHORT_WAIT)) is None

    assert rotated_log(log, 1).read_text() == PAST_LIMIT
    assert not log.exists()
