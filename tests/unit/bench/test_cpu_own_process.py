"""The client's own CPU is read to the nanosecond, not in /proc's clock ticks of 10 ms, so a short window's client
CPU per transaction is not off by a tick (the Node client's, compared with it, is read in microseconds)."""
import os
import time

import pytest

from bench import cpu


def test_this_process_is_read_from_the_kernels_nanosecond_count(monkeypatch):
    # a reading no count of whole ticks gives: 1.234567891 s
    monkeypatch.setattr(time, "process_time", lambda: 1.234567891)
    assert cpu.cpu_seconds(os.getpid()) == 1.234567891
    assert cpu.snapshot([cpu.Watched("client", "client", os.getpid())]) == {"client": 1.234567891}


def test_another_process_and_a_given_proc_folder_are_still_read_from_the_stat_line(tmp_path, monkeypatch):
    monkeypatch.setattr(time, "process_time", lambda: 99.0)
    fields = ["S"] + ["0"] * 10 + [str(3 * cpu.CLOCK_TICKS), str(cpu.CLOCK_TICKS)] + ["0"] * 30
    for pid in (4242, os.getpid()):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(f"{pid} (python) " + " ".join(fields) + "\n")
        assert cpu.cpu_seconds(pid, proc=tmp_path) == pytest.approx(4.0)
