"""A start stopped (Ctrl-C) after the process began but before its pid file was written: nothing would record it, so
`down` would never stop it, and `down --purge` would delete the data folder under it. The failure of the pid file's
write already stopped it; a stop in the moment before (while its start time was read) left it running. It is
stopped either way."""
import os
import sys
from pathlib import Path

import pytest

from network import supervisor as supervision
from network.supervisor import ProcessSpec, Supervisor, pid_file_tag, tag_of

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def running_with_the_tag(pid_file: Path) -> list[int]:
    tag = pid_file_tag(pid_file)
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit() and tag_of(int(entry)) == tag]


def test_a_stop_while_the_start_time_is_read_leaves_no_process_running(tmp_path, monkeypatch):
    spec = ProcessSpec("peer0.bank", SLEEPER, {}, tmp_path / "node.log", tmp_path / "node.pid")
    read = supervision._start_time
    calls = []

    def interrupted_once(pid):
        calls.append(pid)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return read(pid)

    monkeypatch.setattr(supervision, "_start_time", interrupted_once)
    sup = Supervisor(grace=2.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            sup.start(spec)
        assert not spec.pid_file.exists()
        assert running_with_the_tag(spec.pid_file) == []
    finally:
        for pid in running_with_the_tag(spec.pid_file):
            os.killpg(pid, 9)
