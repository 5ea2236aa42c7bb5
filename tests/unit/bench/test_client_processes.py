"""`--clients N`: the parent watches its client processes, so one that dies without a word stops the run with
its exit code instead of leaving the command waiting. Real spawned processes run stand-in bodies (no network):
each meets the parent at the barrier as a client process does, then dies, hangs, or sends samples."""
import asyncio
import dataclasses
import multiprocessing
import os
import queue
import signal
import threading
import time
import types

import pytest

from bench import runner
from bench.driver import RATE, Plan, Sample
from bench.runner import READY, ClientProcessError, Settings, _across_processes

SETTINGS = Settings("register", Plan(RATE, rate=2, warmup=0, duration=0.1, call_timeout=None), 0, clients=2)


@pytest.fixture(autouse=True)
def quick_watch(monkeypatch):
    """The parent notices an exit or a stall within a tenth of a second instead of its default second."""
    monkeypatch.setattr(runner, "WATCH_INTERVAL", 0.1)


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
    """Preparing takes 3 s in all, with a progress line every 0.25 s (the stall timeout is 2 s here)."""
    for done in range(1, 13):
        progress.put((index, f" pool: {done}/12 registered"))
        time.sleep(0.25)
    progress.put((index, READY))
    sends_one_sample_and_exits(settings, codes, barrier, results, index, progress)


def client_0_stalls_while_preparing(settings, codes, barrier, results, index, progress):
    """client-0 says where it is once started, then nothing more; client-1 prepares its pool and waits at the
    barrier."""
    if index == 0:
        progress.put((index, "  pool: 0/8 registered so far"))
        threading.Event().wait()
    progress.put((index, READY))
    try:
        barrier.wait()
    except threading.BrokenBarrierError as error:
        _fail_like_a_client(barrier, results, index, error)


def run_across_processes(body, said=None, *, say=None):
    """``say`` takes each line the run says; without it, they are appended to ``said``."""
    say = say or (said if said is not None else []).append
    before = {child.pid for child in multiprocessing.active_children()}
    try:
        return _across_processes(SETTINGS, {}, [], say, client=body)
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
def two_second_stall_timeout(monkeypatch):
    # the stall clock starts at a process's first line: a spawned process may take many seconds to get there on a
    # loaded machine, which must not count as a stalled preparation (its own, long, clock covers that)
    monkeypatch.setattr(runner, "PREPARE_STALL_TIMEOUT", 2.0)
    monkeypatch.setattr(runner, "PROCESS_START_TIMEOUT", 120.0)


def test_preparing_past_the_stall_timeout_goes_on_while_each_process_reports_progress(two_second_stall_timeout):
    said = []
    measured = run_across_processes(prepares_longer_than_the_stall_timeout_saying_how_far_it_got, said)
    assert sorted(s.tx_id for s in measured.run.samples) == ["tx-0", "tx-1"]
    for index in (0, 1):   # each process's progress reaches the operator, marked with its name
        assert f"  client-{index}: pool: 12/12 registered" in said
        assert f"  client-{index}: pool ready, waiting for the others" in said


def test_a_client_process_that_reports_no_progress_while_preparing_stops_the_run(two_second_stall_timeout):
    with pytest.raises(ClientProcessError) as failed:
        run_across_processes(client_0_stalls_while_preparing)
    message = str(failed.value)
    assert "client-0: no progress preparing its pool for 2 s (stopped); it last said: pool: 0/8 registered so far" \
        in message
    assert "client-1: BrokenBarrierError" in message


def client_0_never_speaks(settings, codes, barrier, results, index, progress):
    """client-0 never says a word (stuck before its first line); client-1 is ready at once."""
    if index == 0:
        threading.Event().wait()
    client_0_stalls_while_preparing(settings, codes, barrier, results, index, progress)


def test_a_client_process_that_never_says_a_word_stops_the_run_on_its_start_clock(monkeypatch):
    monkeypatch.setattr(runner, "PREPARE_STALL_TIMEOUT", 600.0)     # not this clock
    # The start clock is long until client-1 has started and spoken (a spawned Python took over 5 s on a loaded
    # 2-core machine), then short: the watcher reads it on each look, so client-0's silence ends the run at once
    # instead of after a fixed wait sized for the slowest machine.
    monkeypatch.setattr(runner, "PROCESS_START_TIMEOUT", 600.0)

    def say(line):
        if line == "  client-1: pool ready, waiting for the others":
            runner.PROCESS_START_TIMEOUT = 0.5

    with pytest.raises(ClientProcessError) as failed:
        run_across_processes(client_0_never_speaks, say=say)
    message = str(failed.value)
    assert "client-0: not a word within 0.5 s of its start (stopped)" in message
    assert "client-1: BrokenBarrierError" in message


REFUSED = "  pool: 0/8 registered so far (tries: 16; last failure: EndorseError: refused)"


def repeats_one_line_while_preparing(settings, codes, barrier, results, index, progress):
    """client-0 says the same pool line over and over (its tries stuck) for 15 s, then gets ready; client-1 is
    ready at once. The stall timeout is 2 s here."""
    if index == 0:
        for _ in range(30):
            progress.put((index, REFUSED))
            time.sleep(0.5)
    progress.put((index, READY))
    try:
        sends_one_sample_and_exits(settings, codes, barrier, results, index, progress)
    except threading.BrokenBarrierError as error:
        _fail_like_a_client(barrier, results, index, error)


def test_a_pool_line_that_only_repeats_is_no_progress_and_the_stop_names_what_it_last_said(two_second_stall_timeout):
    with pytest.raises(ClientProcessError) as failed:
        run_across_processes(repeats_one_line_while_preparing)
    message = str(failed.value)
    assert ("client-0: no progress preparing its pool for 2 s (stopped); it last said: pool: 0/8 registered so far "
            "(tries: 16; last failure: EndorseError: refused)") in message


def says_a_line_per_peer(settings, codes, barrier, results, index, progress):
    progress.put((index, "  pool: 0/2 registered (last failure: failed to endorse\n  - peer0.supplier:7051\n"
                         "  - peer0.core:9051)"))
    progress.put((index, READY))
    sends_one_sample_and_exits(settings, codes, barrier, results, index, progress)


def test_every_line_of_a_multi_line_progress_message_is_marked_with_its_process():
    said = []
    run_across_processes(says_a_line_per_peer, said)
    for index in (0, 1):
        assert [line for line in said if "peer0" in line and line.startswith(f"  client-{index}:")] == [
            f"  client-{index}:  - peer0.supplier:7051", f"  client-{index}:  - peer0.core:9051)"]


def fail_interrupted_after_the_barrier(settings, codes, barrier, results, index, progress):
    """Both meet at the barrier, then, once the run is under way, fail as a Ctrl-C makes a client process fail
    (one failing after the barrier reports its failure and leaves the barrier as it is)."""
    barrier.wait(60)
    # Not before the parent has returned from its own wait and stopped watching the barrier (it then starts the
    # window's timers, which set ``run_begun``): a process exiting before could break the barrier under it.
    if not codes["run_begun"].wait(60):
        raise RuntimeError("the parent did not start the run's timers within 60 s of the barrier")
    results.put((index, None, "KeyboardInterrupt: "))


def test_client_processes_failing_during_the_run_end_it_without_waiting_out_the_plan(monkeypatch):
    """The timers that read the network's CPU at the window's start and end are cancelled, not waited for: the
    plan here runs an hour, and joining its end timer uncancelled is refused."""
    run_begun = multiprocessing.get_context("spawn").Event()   # the client processes' context (runner.py)

    class Timer(threading.Timer):
        def start(self):
            super().start()
            run_begun.set()

        def join(self, timeout=None):
            assert self.finished.is_set(), "waited for the end of a run whose client processes failed"
            super().join(timeout)

    monkeypatch.setattr(runner.threading, "Timer", Timer)
    hour = dataclasses.replace(SETTINGS, plan=dataclasses.replace(SETTINGS.plan, duration=3600.0))
    with pytest.raises(ClientProcessError) as failed:
        _across_processes(hour, {"run_begun": run_begun}, [], [].append, client=fail_interrupted_after_the_barrier)
    assert "client-0: KeyboardInterrupt" in str(failed.value) and "client-1: KeyboardInterrupt" in str(failed.value)


def client_0_fails_while_client_1_drives_its_plan_to_the_end(settings, codes, barrier, results, index, progress):
    """client-0 fails soon after the barrier (a Python error: it sends its failure and exits); client-1 drives
    for the whole plan, then notes in a file beside the test that it finished (``codes["finished"]``)."""
    barrier.wait(60)
    if index == 0:
        time.sleep(0.5)
        results.put((index, None, "EndorseError: refused"))
        return
    time.sleep(settings.plan.warmup + settings.plan.duration)
    with open(codes["finished"], "w") as marker:
        marker.write("finished")
    sample = Sample("register", 0.0, 0.0, 0.01, "committed", "tx-1", "", True)
    results.put((index, {"samples": [dataclasses.astuple(sample)], "exhausted": False, "cpu": {}, "touched": [],
                         "findings": {}}, None))


def test_a_client_process_failing_during_the_run_stops_the_others_instead_of_waiting_for_them(tmp_path):
    """docs/benchmark.md: one that fails during the run ends it without waiting out --duration. The other is
    stopped, so it never reaches the end of its plan (20 s) and never notes that it finished."""
    finished = tmp_path / "client-1 finished"
    long = dataclasses.replace(SETTINGS, plan=dataclasses.replace(SETTINGS.plan, duration=20.0))
    before = {child.pid for child in multiprocessing.active_children()}
    with pytest.raises(ClientProcessError) as failed:
        _across_processes(long, {"finished": str(finished)}, [], [].append,
                          client=client_0_fails_while_client_1_drives_its_plan_to_the_end)
    assert not finished.exists(), "the run waited for client-1 to drive its whole plan"
    assert str(failed.value) == ("client processes failed: client-0: EndorseError: refused; "
                                 "the other client processes were stopped")
    assert [child.pid for child in multiprocessing.active_children() if child.pid not in before] == []


def client_0_prepares_for_10_s_saying_how_far_it_got(settings, codes, barrier, results, index, progress):
    """client-0 reports progress for 10 s (never stalled), then gets ready; client-1 is ready at once."""
    if index == 0:
        for done in range(40):
            progress.put((index, f"  pool: {done}/40 registered so far"))
            time.sleep(0.25)
    progress.put((index, READY))
    sends_one_sample_and_exits(settings, codes, barrier, results, index, progress)


def test_an_interrupt_while_preparing_stops_the_client_processes_at_once(two_second_stall_timeout, monkeypatch):
    """SIGINT to the command alone cancels asyncio.run's task; the thread running the processes must not go on
    waiting at the barrier (asyncio.run waits for it), so it stops them and ends."""
    monkeypatch.setitem(runner._across_processes.__kwdefaults__, "client",
                        client_0_prepares_for_10_s_saying_how_far_it_got)
    said = []

    async def interrupted_once_client_1_is_ready():
        loop, ready = asyncio.get_running_loop(), asyncio.Event()

        def say(line):
            said.append(line)
            if line == "  client-1: pool ready, waiting for the others":
                loop.call_soon_threadsafe(ready.set)

        run = asyncio.create_task(runner.run_on_network(SETTINGS, {}, [], say=say))
        try:   # a run that ended before client-1 was ready would leave this waiting for good: fail instead
            await asyncio.wait_for(ready.wait(), 120)
        except TimeoutError:
            run.cancel()
            raise AssertionError(f"client-1 never got ready; the run said: {said}") from None
        run.cancel()
        await asyncio.wait([run])
        return run

    before = {child.pid for child in multiprocessing.active_children()}
    run = asyncio.run(interrupted_once_client_1_is_ready())
    assert run.cancelled()
    assert "  client-0: pool ready, waiting for the others" not in said   # stopped, not prepared to the end
    assert [child.pid for child in multiprocessing.active_children() if child.pid not in before] == []


def wait_in_the_run(settings, codes, barrier, results, index, progress):
    barrier.wait(60)
    threading.Event().wait()


def test_an_interrupt_during_the_run_stops_the_client_processes(monkeypatch):
    gather = runner._gather

    def interrupted_once_the_run_begins(children, results, interrupted):
        interrupted.set()
        return gather(children, results, interrupted)

    monkeypatch.setattr(runner, "_gather", interrupted_once_the_run_begins)
    with pytest.raises(ClientProcessError, match="interrupted: the client processes were stopped"):
        run_across_processes(wait_in_the_run)


class ComeAlready(queue.Queue):
    """The client processes' answers that have come; asked to wait for one more, it says so instead of waiting."""

    def get(self, block=True, timeout=None):
        if block and self.empty():
            raise AssertionError(f"waited up to {timeout} s for an answer more")
        return super().get(block, timeout)


def test_the_answers_that_have_come_are_read_without_waiting_for_more():
    # read as a run fails: a process that exited flushed its answer first, and one still running is not waited for
    results = ComeAlready()
    results.put((0, None, "RuntimeError: endorse refused"))
    results.put((1, {"samples": []}, None))
    assert runner._drain(results) == [(0, None, "RuntimeError: endorse refused"), (1, {"samples": []}, None)]
    assert runner._drain(results) == []


def test_an_answer_a_process_sent_before_it_exited_is_read_from_the_pipe_without_waiting():
    results = multiprocessing.get_context("spawn").Queue()
    child = multiprocessing.get_context("spawn").Process(target=results.put, args=((3, None, "ValueError: bad"),))
    child.start()
    child.join()
    assert runner._drain(results) == [(3, None, "ValueError: bad")]


def test_after_a_failure_the_others_answers_are_read_and_the_wait_ends_once_each_has_answered_or_exited():
    # client-1 answered and is still running, client-2 answered and exited, client-3 exited: nothing to wait for
    children = [types.SimpleNamespace(exitcode=None), types.SimpleNamespace(exitcode=None),
                types.SimpleNamespace(exitcode=-2), types.SimpleNamespace(exitcode=1)]
    results = ComeAlready()
    results.put((1, None, "KeyboardInterrupt: "))
    results.put((2, None, "KeyboardInterrupt: "))
    answers = {0: (None, "KeyboardInterrupt: ")}
    runner._read_alongside(children, results, answers)
    assert answers == {0: (None, "KeyboardInterrupt: "), 1: (None, "KeyboardInterrupt: "),
                       2: (None, "KeyboardInterrupt: ")}
