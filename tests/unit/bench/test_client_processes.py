"""`--clients N`: the parent watches its client processes, so one that dies without a word stops the run with
its exit code instead of leaving the command waiting. Real spawned processes run stand-in bodies (no network):
each meets the parent at the barrier as a client process does, then dies, hangs, or sends samples."""
import dataclasses
import multiprocessing
import os
import signal
import threading
import time

import pytest

from bench import runner
from bench.driver import RATE, Plan, Sample
from bench.runner import READY, ClientProcessError, Settings, _across_processes

SETTINGS = Settings("register", Plan(RATE, rate=2, warmup=0, duration=0.1, call_timeout=None), 0, clients=2)


def _fail_like_a_client(barrier, results, index, error):
    barrier.abort()
    results.put((index, None, f"{type(error).__name__}: {error}"))


def killed_after_the_barrier(settings, codes, barrier, results, index, progress):
    """client-0 is killed (as the OOM killer does) once the run has begun; client-1 runs on until stopped."""
    barrier.wait(60)
    if index == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Event().wait()


def killed_while_preparing(settings, codes, barrier, results, index, progress):
    """client-0 is killed before it reaches the barrier; client-1 waits there as a client process does."""
    if index == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        barrier.wait(600)
    except threading.BrokenBarrierError as error:
        _fail_like_a_client(barrier, results, index, error)


def sends_one_sample_and_exits(settings, codes, barrier, results, index, progress):
    barrier.wait(60)
    sample = Sample("register", 0.0, 0.0, 0.01, "committed", f"tx-{index}", "", True)
    results.put((index, {"samples": [dataclasses.astuple(sample)], "exhausted": False,
                         "cpu": {f"client-{index}": 0.25}, "touched": [f"R-{index}"], "findings": {}}, None))


def prepares_longer_than_the_stall_timeout_saying_how_far_it_got(settings, codes, barrier, results, index, progress):
    """Preparing takes 6 s in all, with a progress line every 0.75 s (the stall timeout is 5 s here)."""
    for done in range(1, 9):
        progress.put((index, f" pool: {done}/8 registered"))
        time.sleep(0.75)
    progress.put((index, READY))
    sends_one_sample_and_exits(settings, codes, barrier, results, index, progress)


def client_0_stalls_while_preparing(settings, codes, barrier, results, index, progress):
    """client-0 says nothing once started; client-1 prepares its pool and waits at the barrier."""
    if index == 0:
        threading.Event().wait()
    progress.put((index, READY))
    try:
        barrier.wait()
    except threading.BrokenBarrierError as error:
        _fail_like_a_client(barrier, results, index, error)


def run_across_processes(body, said=None):
    before = {child.pid for child in multiprocessing.active_children()}
    try:
        return _across_processes(SETTINGS, {}, [], (said if said is not None else []).append, client=body)
    finally:
        left = [child.pid for child in multiprocessing.active_children() if child.pid not in before]
        assert left == [], "client processes left running"


def test_a_client_process_killed_during_the_run_stops_it_with_its_exit_code():
    with pytest.raises(ClientProcessError) as failed:
        run_across_processes(killed_after_the_barrier)
    message = str(failed.value)
    assert "client-0: killed by SIGKILL (exit code -9) without sending its samples" in message
    assert "the other client processes were stopped" in message and "client-1" not in message


def test_a_client_process_killed_while_preparing_breaks_the_barrier_for_the_others():
    with pytest.raises(ClientProcessError) as failed:
        run_across_processes(killed_while_preparing)
    message = str(failed.value)
    assert message.startswith("client processes failed before the run: ")
    assert "client-0: killed by SIGKILL (exit code -9) while preparing its pool" in message
    assert "client-1: BrokenBarrierError" in message


def test_client_processes_that_send_their_samples_and_exit_are_merged():
    measured = run_across_processes(sends_one_sample_and_exits)
    assert sorted(s.tx_id for s in measured.run.samples) == ["tx-0", "tx-1"]
    assert measured.cpu_usage == {"client-0": 0.25, "client-1": 0.25} and measured.touched == {"R-0", "R-1"}
    assert [share["name"] for share in measured.shares] == ["client-0", "client-1"]


@pytest.fixture
def five_second_stall_timeout(monkeypatch):
    monkeypatch.setattr(runner, "PREPARE_STALL_TIMEOUT", 5.0)
    monkeypatch.setattr(runner, "WATCH_INTERVAL", 0.1)


def test_preparing_past_the_stall_timeout_goes_on_while_each_process_reports_progress(five_second_stall_timeout):
    said = []
    measured = run_across_processes(prepares_longer_than_the_stall_timeout_saying_how_far_it_got, said)
    assert sorted(s.tx_id for s in measured.run.samples) == ["tx-0", "tx-1"]
    for index in (0, 1):   # each process's progress reaches the operator, marked with its name
        assert f"  client-{index}: pool: 8/8 registered" in said
        assert f"  client-{index}: pool ready, waiting for the others" in said


def test_a_client_process_that_reports_no_progress_while_preparing_stops_the_run(five_second_stall_timeout):
    with pytest.raises(ClientProcessError) as failed:
        run_across_processes(client_0_stalls_while_preparing)
    message = str(failed.value)
    assert "client-0: no progress preparing its pool for 5 s (stopped)" in message
    assert "client-1: BrokenBarrierError" in message
