"""A run waiting for a data folder's membership.lock (`recfin org user add`) stopped after LOCK_WAIT_SECONDS saying
the lock was held, even behind a `recfin network backup` that was writing the archive of a large ledger, which holds
it as long as that takes. The holder records what it is in the lock file: behind a backup seen running, a waiter says
what it waits for and waits on (up to a much longer ceiling); behind a stopped holder, one whose record is a killed
run's, or one that records nothing, it still stops after LOCK_WAIT_SECONDS with the advice it gave."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from network import backup, membership
from network.errors import NetworkError

from . import test_backup
from .test_backup import listed_then

data = test_backup.data     # the fixture of the backup tests

REPO = Path(__file__).resolve().parents[3]

# A process holding the folder's lock as `network backup` does (recorded as lasting) or as another run does; it
# says "held" once it holds it, and lets go once a line comes on its stdin, writing "done" in the folder first.
HOLDER = """
import sys
from pathlib import Path
from network import backup, membership
root = Path(sys.argv[1])
with membership.locked(root, what=sys.argv[2], lasting=sys.argv[3] == "lasting"):
    print("held", flush=True)
    sys.stdin.readline()
    (root / "done").write_text("done")
"""


@pytest.fixture
def holder(tmp_path):
    started = []

    def start(what: str = "`recfin network backup`", lasting: bool = True) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "data ü"), what,
                                    "lasting" if lasting else "brief"], cwd=REPO, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline() == "held\n"
        return process

    (tmp_path / "data ü").mkdir()
    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
        process.wait()


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(membership, "LOCK_WAIT_SECONDS", 0.3, raising=False)


def _let_go_later(process: subprocess.Popen, after: float) -> threading.Timer:
    """Tell process to let go of the lock after `after` seconds: well past the waiter's LOCK_WAIT_SECONDS."""
    def let_go():
        process.stdin.write("go\n")
        process.stdin.flush()
    timer = threading.Timer(after, let_go)
    timer.start()
    return timer


def test_a_run_behind_a_running_backup_waits_until_it_lets_go(holder, short_wait, never_hangs, tmp_path, capsys):
    """It says what it waits for once, to its caller's say (the CLI's is stderr), and nothing on stderr itself."""
    root = tmp_path / "data ü"
    backup = holder()
    timer = _let_go_later(backup, 1.5)
    notices = []
    try:
        with membership.locked(root, say=notices.append):
            assert (root / "done").is_file()       # taken once the backup let go, not refused before
    finally:
        timer.cancel()
    assert capsys.readouterr().err == "" and len(notices) == 1, notices
    said = notices[0]
    assert f"waiting for `recfin network backup` (pid {backup.pid}, holding it since " in said
    assert f"to let go of '{root / membership.LOCK_FILE}'" in said
    assert "Ctrl-C stops waiting" in said


def test_the_holder_s_record_is_there_while_it_holds_the_lock_and_emptied_after(holder, tmp_path):
    root = tmp_path / "data ü"
    backup = holder()
    record = json.loads((root / membership.LOCK_FILE).read_text())
    assert (record["pid"], record["what"], record["lasting"]) == (backup.pid, "`recfin network backup`", True)
    backup.stdin.write("go\n")
    backup.stdin.flush()
    assert backup.wait() == 0
    assert (root / membership.LOCK_FILE).read_text() == ""


def test_a_run_behind_a_stopped_backup_stops_saying_so(holder, short_wait, never_hangs, tmp_path):
    backup = holder()
    os.kill(backup.pid, signal.SIGSTOP)
    os.waitpid(backup.pid, os.WUNTRACED)   # stopped by now: the signal is delivered a moment after it is sent
    with pytest.raises(NetworkError) as refused:
        with membership.locked(tmp_path / "data ü"):
            pytest.fail("the lock was taken while a stopped backup held it")
    said = str(refused.value)
    assert f"(pid {backup.pid}, holding it since " in said and "is stopped" in said
    assert f"`kill -CONT {backup.pid}`" in said
    assert said.endswith("then run the command again")


def test_a_run_behind_a_brief_holder_still_stops_after_the_wait(holder, short_wait, never_hangs, tmp_path):
    brief = holder(what="a recfin run", lasting=False)
    with pytest.raises(NetworkError) as refused:
        with membership.locked(tmp_path / "data ü"):
            pytest.fail("the lock was taken while another run held it")
    said = str(refused.value)       # named by its record, as a stopped or lasting holder is
    assert f"a recfin run (pid {brief.pid}, holding it since " in said and f"`kill {brief.pid}`" in said


def test_a_record_of_a_run_that_is_gone_keeps_nobody_waiting(short_wait, never_hangs, tmp_path):
    """The lock held by a run that wrote no record (an older recfin), the record a killed backup left in the file."""
    root = tmp_path / "data ü"
    root.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    record = {"pid": int(gone.stdout), "start_ticks": 1, "since": "2026-12-07T00:00:00Z",
              "what": "`recfin network backup`", "lasting": True}
    (root / membership.LOCK_FILE).write_text(json.dumps(record))
    held = os.open(root / membership.LOCK_FILE, os.O_RDWR)
    try:
        import fcntl
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(NetworkError) as refused:
            with membership.locked(root):
                pytest.fail("the lock was taken while another held it")
    finally:
        os.close(held)
    assert "another recfin run has held" in str(refused.value)


def test_a_running_backup_is_waited_for_only_up_to_the_ceiling(holder, short_wait, never_hangs, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(membership, "LASTING_HOLDER_WAIT_SECONDS", 0.5, raising=False)
    backup = holder()
    with pytest.raises(NetworkError) as refused:
        with membership.locked(tmp_path / "data ü"):
            pytest.fail("the lock was taken while the backup held it")
    said = str(refused.value)
    assert f"`recfin network backup` (pid {backup.pid}" in said and "more than a run waits for it" in said


def test_a_backup_records_itself_as_a_lasting_holder(data, topology, tmp_path, monkeypatch):
    """What a run waiting behind `network backup` reads in the lock file while the backup lists the folder."""
    seen = []
    listed_then(monkeypatch, lambda: seen.append(json.loads((data / membership.LOCK_FILE).read_text())))
    backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    [record] = seen
    assert (record["pid"], record["what"], record["lasting"]) == (os.getpid(), "`recfin network backup`", True)
    assert (data / membership.LOCK_FILE).read_text() == ""


def test_a_record_naming_a_running_process_that_does_not_hold_the_lock_keeps_nobody_waiting(short_wait, never_hangs,
                                                                                            tmp_path):
    """A lasting record whose process runs (this one, its start read as the holder writes it) while another process
    holds the flock without a record (an older recfin): only the flock's holder counts, so the wait stays short."""
    root = tmp_path / "data ü"
    root.mkdir()
    (root / membership.LOCK_FILE).write_bytes(membership._own_record("`recfin network backup`", lasting=True))
    plain_holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.readline()",
         str(root / membership.LOCK_FILE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert plain_holder.stdout.readline() == "held\n"
        with pytest.raises(NetworkError) as refused:
            with membership.locked(root):
                pytest.fail("the lock was taken while another process held it")
    finally:
        plain_holder.kill()
        plain_holder.wait()
    assert "another recfin run has held" in str(refused.value)


class _Unwritable:
    """A stderr that cannot be written: a closed terminal, a full disk, a reader gone."""

    def write(self, text):
        raise OSError(5, "Input/output error")

    def flush(self):
        raise OSError(5, "Input/output error")


def test_an_unwritable_stderr_fails_no_wait_that_succeeds(holder, short_wait, never_hangs, tmp_path, monkeypatch):
    root = tmp_path / "data ü"
    backup = holder()
    timer = _let_go_later(backup, 1.5)
    monkeypatch.setattr(sys, "stderr", _Unwritable())
    try:
        with membership.locked(root):
            assert (root / "done").is_file()
    finally:
        timer.cancel()
