"""`python -m bench.client_cpu`: how finely it reads recfin's own CPU."""
import time

from bench import client_cpu, cpu


def test_client_cpu_reads_its_own_cpu_finer_than_a_clock_tick():
    """/proc/self/stat counts in ticks (10 ms at 100 Hz): a few milliseconds of CPU read as 0 or as a whole
    tick, so recfin's CPU per transaction came out rounded to tick / N beside the Node script's
    microseconds."""
    tick = 1 / cpu.CLOCK_TICKS
    before = client_cpu._own_cpu()
    started = time.process_time()
    while time.process_time() - started < tick / 3:     # CPU work, not a wait: about a third of a tick
        sum(range(1000))
    used = client_cpu._own_cpu() - before
    assert 0 < used < tick
