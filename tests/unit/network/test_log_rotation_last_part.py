"""A running node's log past its limit is rotated by `status` and `up` (copy_truncate_log). The whole log was
copied to node.log.1: a log that grew to gigabytes between two looks needed as much free disk again, and on a
nearly full disk each look tried the whole copy again and gave up without a word, the log growing on.

Now node.log.1 keeps the log's last part only (at most the limit, from a line's start), copied a block at a
time; one that cannot be written (a full disk: os.write raising ENOSPC stands in for it) leaves the log whole,
and `status` names it once, with the space it needs.
"""
from __future__ import annotations

import errno
import os
import sys
import tracemalloc

import pytest
from click.testing import CliRunner

from network import supervisor
from network.supervisor import ProcessSpec, Supervisor

LIMIT = 1000
LINES = "".join(f"line {number} of the node's recent history\n" for number in range(200))


def last_part(text: str, limit: int) -> str:
    """The longest tail of text within limit characters that starts at a line's start."""
    window = text[len(text) - limit:]
    return window[window.index("\n") + 1:] if text[len(text) - limit - 1] != "\n" else window


def sparse_log(path, hole: int, tail: str) -> None:
    """A log of hole bytes never written (a sparse file: no disk used), then tail."""
    with open(path, "wb") as f:
        f.seek(hole)
        f.write(tail.encode())


def test_the_copy_keeps_the_log_s_last_part_from_a_line_s_start(tmp_path):
    log = tmp_path / "node.log"
    sparse_log(log, 64 << 20, LINES)
    assert supervisor.copy_truncate_log(log, LIMIT) is None
    assert log.with_name("node.log.1").read_text() == last_part(LINES, LIMIT)
    assert log.stat().st_size == 0


def test_a_large_log_is_copied_a_block_at_a_time_not_read_whole(tmp_path):
    log = tmp_path / "node.log"
    limit = 4 << 20
    tail = "".join(f"line {number}\n" for number in range(600_000))         # some 6 MiB past the hole
    sparse_log(log, 48 << 20, tail)
    tracemalloc.start()
    try:
        supervisor.copy_truncate_log(log, limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert log.with_name("node.log.1").read_text() == last_part(tail, limit)
    assert peak < limit


def test_a_log_of_one_line_longer_than_the_limit_keeps_its_last_bytes(tmp_path):
    log = tmp_path / "node.log"
    log.write_text("x" * 5000)
    supervisor.copy_truncate_log(log, LIMIT)
    assert log.with_name("node.log.1").read_text() == "x" * LIMIT and log.stat().st_size == 0


def test_a_window_that_starts_at_a_line_s_start_keeps_that_line(tmp_path):
    log = tmp_path / "node.log"
    log.write_text("a" * 99 + "\n" + "b" * 99 + "\n")
    supervisor.copy_truncate_log(log, 100)
    assert log.with_name("node.log.1").read_text() == "b" * 99 + "\n"


def full_disk(monkeypatch, succeed_first: int = 0) -> list[int]:
    """os.write as on a full disk, after succeed_first writes; the list counts the calls."""
    calls, write = [], os.write

    def write_on_a_full_disk(fd, data):
        calls.append(fd)
        if len(calls) <= succeed_first:
            return write(fd, data[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write_on_a_full_disk)
    return calls


@pytest.mark.parametrize("succeed_first", [0, 2])
def test_on_a_full_disk_the_log_and_the_previous_copy_are_kept_and_the_failure_is_returned(
        tmp_path, monkeypatch, succeed_first):
    log = tmp_path / "node.log"
    log.write_text(LINES)
    log.with_name("node.log.1").write_text("the rotation before\n")
    calls = full_disk(monkeypatch, succeed_first)
    failure = supervisor.copy_truncate_log(log, LIMIT)
    assert calls
    assert log.read_text() == LINES
    assert log.with_name("node.log.1").read_text() == "the rotation before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["node.log", "node.log.1"]     # no part-copy left
    assert failure is not None and failure.log == log and failure.no_space
    assert failure.size == len(LINES) and failure.needed == len(last_part(LINES, LIMIT))
    assert f"needs {failure.needed} bytes free on the disk holding {tmp_path}" in failure.line()


def test_a_supervisor_tries_a_log_it_could_not_rotate_once(tmp_path, monkeypatch):
    """`up` looks at a running node's log when it finds it running, and again for its status table."""
    log = tmp_path / "node.log"
    log.write_text(LINES)
    calls = full_disk(monkeypatch)
    s = Supervisor(log_limit=LIMIT)
    s.bound_log(log)
    tried = len(calls)
    s.bound_log(log)
    assert tried and len(calls) == tried
    assert list(s.logs_not_rotated) == [log]


WRITER = "import time\nwhile True:\n    print('a line of the node', flush=True)\n    time.sleep(0.005)\n"


def test_status_names_a_log_it_could_not_rotate_once_with_the_space_to_free(tmp_path, topology, fake_fabric,
                                                                            monkeypatch):
    from cli import network_commands
    from network import nodeconfig
    from network.control import Network
    from network.fabric_bin import FabricInstall
    s = Supervisor(grace=0.5, poll_interval=0.02, log_limit=LIMIT)
    dirs = nodeconfig.node_dirs(tmp_path, "peer0.bank")
    sp = ProcessSpec("peer0.bank", [sys.executable, "-c", WRITER], dict(os.environ), dirs.log, dirs.pid)
    s.start(sp)
    try:
        s.wait_until(lambda: dirs.log.stat().st_size > 2 * LIMIT, what="a log past the limit", name=sp.name,
                     log=sp.log, timeout=10)
        net = Network(topology, data_root=tmp_path, fabric=FabricInstall.locate(), supervisor_=s)
        monkeypatch.setattr(network_commands, "open_network", lambda *args, **kwargs: net)
        full_disk(monkeypatch)
        result = CliRunner().invoke(network_commands.network, ["status"])
        monkeypatch.undo()
        said = [line for line in result.stderr.splitlines() if str(dirs.log) in line and "left whole" in line]
        assert len(said) == 1, result.stderr
        assert "No space left on device" in said[0] and "needs " in said[0] and "free on the disk holding" in said[0] and "node.log.1" in said[0]
        assert dirs.log.stat().st_size > 2 * LIMIT and not dirs.log.with_name("node.log.1").exists()
    finally:
        s.stop(sp.pid_file)
