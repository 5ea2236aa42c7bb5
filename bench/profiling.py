"""Where the time goes and on what: a profile's top functions and the machine, for the benchmarks' reports."""
from __future__ import annotations

import contextlib
import os
import pstats
import sys
from pathlib import Path
from typing import Any

from cli.output import table

REPO = Path(__file__).resolve().parents[1]


def top_functions(stats: pstats.Stats, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` functions with the most cumulative time: where the time goes, callers included."""
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short_path(filename)}:{line}({name})", "calls": calls,
                     "own_s": round(own, 4), "cumulative_s": round(cumulative, 4)})
    rows.sort(key=lambda r: r["cumulative_s"], reverse=True)
    return rows[:limit]


def profile_lines(title: str, functions: list[dict[str, Any]]) -> list[str]:
    """A profiled pass's top functions under a heading, for the text report."""
    return [f"\n{title}: top {len(functions)} functions by cumulative time (profiled pass)",
            table(functions, ["cumulative_s", "own_s", "calls", "function"])]


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", f"{REPO}/", os.getcwd() + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    # The CPUs this process may run on, as `nproc` counts them: a run pinned to some (taskset, a container's cpuset)
    # is measured on those, not on every CPU of the host, which os.cpu_count() gives.
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_model": model, "python": sys.version.split()[0]}


def machine_line(figures: dict[str, Any]) -> str:
    """``machine()`` as the text reports print it: "machine: 2 CPUs (AMD EPYC ...), Python 3.11.7"."""
    return f"machine: {figures['nproc']} CPUs ({figures['cpu_model'] or 'model unknown'}), Python {figures['python']}"
