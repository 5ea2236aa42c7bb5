"""Resident memory of a process over a measured window, read from the OS: /proc/<pid>/status.

``VmRSS`` is the process's resident set now, ``VmHWM`` its peak (high-water mark). As a window
opens, the peak is reset to the resident size by writing ``5`` to ``/proc/<pid>/clear_refs``
(Linux 4.0 and later; allowed on a process of the same user), and the resident size is read; as
it closes, both are read again. So, for the transactions run in the window:

- the **peak RSS growth** is the most the process held above its size at the start, at any moment
  in the window (transient allocations included, as long as they were touched);
- the **retained growth** is what it still held above that at the end (caches, or a leak); it can be
  negative when memory went back to the OS.

Both are in kB, the unit the kernel counts in. Where the peak cannot be reset the peak growth is
not reported (``None``): the high-water mark would be the process's peak since it started.

RSS counts pages, so work that fits in memory the process already holds shows no growth at all.
:class:`HeapTrace` counts the Python objects allocated instead (``tracemalloc``): the peak of the
traced heap above its size at the start, and what stayed. Tracing slows every allocation, so it runs
on a pass of its own, never on the one whose CPU is measured.
"""
from __future__ import annotations

import re
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FIELD = re.compile(r"^(VmRSS|VmHWM):\s+(\d+) kB$", re.MULTILINE)


@dataclass(frozen=True)
class Resident:
    """One reading: resident size and its peak, kB."""

    rss_kb: int
    peak_kb: int


def resident(pid: int, proc: Path = Path("/proc")) -> Resident | None:
    """The process's VmRSS and VmHWM now; None when it is gone or the kernel does not report them."""
    try:
        text = (proc / str(pid) / "status").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = dict(_FIELD.findall(text))
    if "VmRSS" not in fields or "VmHWM" not in fields:
        return None
    return Resident(int(fields["VmRSS"]), int(fields["VmHWM"]))


def reset_peak(pid: int, proc: Path = Path("/proc")) -> bool:
    """Set the process's VmHWM back to its VmRSS; False where the kernel or permissions do not allow it."""
    try:
        (proc / str(pid) / "clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Window:
    """A process's memory over one measured window."""

    start: Resident
    end: Resident
    peak_was_reset: bool

    def figures(self) -> dict[str, Any]:
        """The report's memory fields: resident MB at the end, peak and retained growth in kB."""
        return {
            "rss_mb": round(self.end.rss_kb / 1024, 1),
            "peak_rss_growth_kb": max(0, self.end.peak_kb - self.start.rss_kb) if self.peak_was_reset else None,
            "rss_growth_kb": self.end.rss_kb - self.start.rss_kb,
        }


class Meter:
    """Opens and closes memory windows on one process: ``opened = meter.open()``, run, ``meter.close(opened)``."""

    def __init__(self, pid: int, proc: Path = Path("/proc")) -> None:
        self.pid = pid
        self.proc = proc

    def _read(self) -> Resident:
        reading = resident(self.pid, self.proc)
        if reading is None:
            raise RuntimeError(f"no VmRSS/VmHWM in {self.proc}/{self.pid}/status: the process is gone, or this "
                               "is not Linux; the memory figures need Linux's /proc")
        return reading

    def open(self) -> tuple[Resident, bool]:
        was_reset = reset_peak(self.pid, self.proc)
        return self._read(), was_reset

    def close(self, opened: tuple[Resident, bool]) -> Window:
        start, was_reset = opened
        return Window(start, self._read(), was_reset)


class HeapTrace:
    """Python heap over a block (``with HeapTrace() as heap: ...``): ``heap.peak_kb``, the most traced memory
    above the start at any moment, and ``heap.retained_kb``, what was still allocated at the end.

    Starts tracemalloc for the block and stops it after, unless it was tracing already (``-X tracemalloc``),
    in which case its peak is reset and it is left running.
    """

    def __init__(self) -> None:
        self.peak_kb: float | None = None
        self.retained_kb: float | None = None
        self._started = False
        self._base = 0

    def __enter__(self) -> HeapTrace:
        self._started = not tracemalloc.is_tracing()
        if self._started:
            tracemalloc.start()
        tracemalloc.reset_peak()
        self._base = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, *exc) -> None:
        current, peak = tracemalloc.get_traced_memory()
        if self._started:
            tracemalloc.stop()
        self.peak_kb = round((peak - self._base) / 1024, 1)
        self.retained_kb = round((current - self._base) / 1024, 1)
