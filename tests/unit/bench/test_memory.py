"""bench/memory.py: resident size and its peak from /proc, and the Python heap over a block.

Sizes are compared with what the test itself allocated and freed, never with a time.
"""
import os

import pytest

from bench import memory

MB = 1024 * 1024


def status_file(proc, pid, rss_kb, peak_kb):
    folder = proc / str(pid)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "status").write_text(f"Name:\tpython\nVmPeak:\t  900000 kB\nVmHWM:\t{peak_kb:>8} kB\n"
                                   f"VmRSS:\t{rss_kb:>8} kB\nThreads:\t3\n")


def test_a_reading_is_the_status_files_resident_size_and_peak(tmp_path):
    status_file(tmp_path, 41, rss_kb=60_000, peak_kb=75_000)
    assert memory.resident(41, tmp_path) == memory.Resident(rss_kb=60_000, peak_kb=75_000)
    assert memory.resident(42, tmp_path) is None                      # gone
    (tmp_path / "43").mkdir()
    (tmp_path / "43" / "status").write_text("Name:\tkthreadd\nThreads:\t1\n")   # a kernel thread has no VmRSS
    assert memory.resident(43, tmp_path) is None


def test_the_window_figures_are_the_growth_above_the_size_at_the_start(tmp_path):
    start = memory.Resident(rss_kb=60_000, peak_kb=60_000)
    window = memory.Window(start, memory.Resident(rss_kb=60_512, peak_kb=62_048), peak_was_reset=True)
    assert window.figures() == {"rss_mb": 59.1, "peak_rss_growth_kb": 2_048, "rss_growth_kb": 512}
    shrunk = memory.Window(start, memory.Resident(rss_kb=59_000, peak_kb=60_000), peak_was_reset=True)
    assert shrunk.figures()["peak_rss_growth_kb"] == 0 and shrunk.figures()["rss_growth_kb"] == -1_000
    # the peak since the process started says nothing about the window: not reported
    assert memory.Window(start, start, peak_was_reset=False).figures()["peak_rss_growth_kb"] is None


def test_a_meter_on_a_process_without_status_says_what_is_needed(tmp_path):
    meter = memory.Meter(7, tmp_path)
    with pytest.raises(RuntimeError, match="VmRSS/VmHWM.*Linux's /proc"):
        meter.open()


needs_proc = pytest.mark.skipif(memory.resident(os.getpid()) is None, reason="no /proc/<pid>/status here")


@needs_proc
def test_a_window_sees_a_block_touched_and_freed_inside_it_and_not_one_from_before():
    meter = memory.Meter(os.getpid())
    before = b"x" * (96 * MB)          # raises the process's peak before the window opens
    del before
    opened = meter.open()
    if not opened[1]:
        pytest.skip("this kernel does not let /proc/<pid>/clear_refs reset the peak")
    inside = b"y" * (32 * MB)          # every page written: resident
    del inside
    figures = meter.close(opened).figures()
    assert 30 * 1024 <= figures["peak_rss_growth_kb"] < 90 * 1024    # the 32 MB block, not the 96 MB one
    assert figures["rss_growth_kb"] < 16 * 1024                     # freed again before the window closed
    assert figures["rss_mb"] > 0


def test_the_heap_trace_counts_what_a_block_kept_and_what_it_only_held_for_a_while():
    kept = []
    with memory.HeapTrace() as heap:
        kept.append(bytearray(400 * 1024))
        passing = bytearray(2 * MB)
        del passing
    assert heap.peak_kb >= 2 * 1024 + 400        # both at once, at the peak
    assert 400 <= heap.retained_kb < 1024         # only what was kept
