"""A node killed during a run (a fault, a restart) leaves its pid free, and the kernel gives it to the next process
started (pid_max is often 32768, and every thread takes one): that process's CPU must not be reported as the node's."""
import os

import pytest

from bench.cpu import CLOCK_TICKS, Watched, cpu_seconds, network_processes, snapshot, start_time, usage_between
from network.control import NodeStatus


def a_stat_file(proc, pid: int, *, started: int, cpu_ticks: int) -> None:
    """/proc/<pid>/stat of a process that started ``started`` ticks after boot and used ``cpu_ticks`` of CPU."""
    fields = ["S"] + ["0"] * 10 + [str(cpu_ticks), "0"] + ["0"] * 6 + [str(started)] + ["0"] * 20
    (proc / str(pid)).mkdir(exist_ok=True)
    (proc / str(pid) / "stat").write_text(f"{pid} (peer) " + " ".join(fields) + "\n")


def test_a_pid_taken_by_another_process_is_not_read_as_the_one_watched(tmp_path):
    a_stat_file(tmp_path, 4242, started=1000, cpu_ticks=5 * CLOCK_TICKS)
    assert start_time(4242, proc=tmp_path) == 1000
    before = cpu_seconds(4242, proc=tmp_path, started=1000)
    assert before == pytest.approx(5.0)
    # the peer was killed; a busy process started later got its pid and has used more CPU since
    a_stat_file(tmp_path, 4242, started=7000, cpu_ticks=9 * CLOCK_TICKS)
    after = cpu_seconds(4242, proc=tmp_path, started=1000)
    assert after is None
    assert usage_between({"peer0.bank": before}, {"peer0.bank": after}) == {"peer0.bank": None}
    assert cpu_seconds(4242, proc=tmp_path) == pytest.approx(9.0)     # unchecked without a start time


def test_a_network_process_is_watched_with_its_start_time_and_read_while_it_runs(tmp_path):
    me = os.getpid()
    row = NodeStatus("peer0.bank", "BankMSP", "peer", "127.0.0.1:9051", me, True, 3, tmp_path)
    [watched] = network_processes([row])
    assert watched.started == start_time(me) and watched.started is not None
    assert snapshot([watched])["peer0.bank"] > 0
    # the same pid, once held by a process that started earlier: no longer the one watched
    assert snapshot([Watched("peer0.bank", "peer", me, watched.started - 1)]) == {"peer0.bank": None}


def test_a_node_that_ended_before_its_start_time_was_read_is_not_read_as_the_next_process_at_its_pid(monkeypatch,
                                                                                                      tmp_path):
    # its status row named its pid, then it ended before start_time read it: the pid is free for the next process,
    # here this one, which is busy, and whose CPU is not the node's
    me = os.getpid()
    row = NodeStatus("peer0.bank", "BankMSP", "peer", "127.0.0.1:9051", me, True, 3, tmp_path)
    monkeypatch.setattr("bench.cpu.start_time", lambda pid, proc=None: None)
    [watched] = network_processes([row])
    assert (watched.name, watched.pid) == ("peer0.bank", me)      # still listed: reported as not measured
    assert snapshot([watched]) == {"peer0.bank": None}
