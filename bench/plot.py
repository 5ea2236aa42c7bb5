"""The latency/throughput plot of one or more reports, as PNG (matplotlib, no display needed)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from client.atomic_file import staged_file

OUTSIDE_THE_WINDOW = "0.9"
"""The grey of the warm-up and of the drain after the measured window: their commits are not measured."""


def plot(reports: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Top: committed tx/s per bin (a second, laid from the measured window's start); bottom: latency p50 and
    p99 per bin; outside the measured window shaded."""
    figure = draw(reports)
    import matplotlib.pyplot as plt     # the backend chosen by draw

    try:
        with staged_file(path) as staged:      # whole or not at all, as the JSON reports
            figure.savefig(staged, format="png", dpi=100)
    finally:
        plt.close(figure)
    return path


def bin_widths(points: Sequence[Mapping[str, Any]]) -> list[float]:
    """The width of each of a report's timeline bins: its ``width_s`` (bench/report.py ``timeline``: bins laid
    from the measured window's start, the first and the window's last perhaps shorter); in a report written
    before bins carried it, the step between their starts (``t``), a second each, taken when there is one bin."""
    if all("width_s" in p for p in points):
        return [p["width_s"] for p in points]
    step = points[1]["t"] - points[0]["t"] if len(points) > 1 else 1.0
    return [step] * len(points)


def draw(reports: Sequence[Mapping[str, Any]]):
    """The plot's figure (``plot`` saves it). Every series has a marker on each bin, so a bin with commits between
    two bins without any (no latency: a gap in the line) still shows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    last_bin_end = 0.0
    for report in reports:
        label = f"{report['workload']} ({report['client']})"
        points = report["timeline"]
        widths = bin_widths(points)
        t = [p["t"] + w / 2 for p, w in zip(points, widths)]     # each bin's figures at its middle, not its start
        top.plot(t, [p["committed_tps"] for p in points], marker=".", label=label)
        bottom.plot(t, [p["p50_s"] for p in points], marker=".", label=f"{label} p50")
        bottom.plot(t, [p["p99_s"] for p in points], marker=".", linestyle="--", label=f"{label} p99")
        if points:
            last_bin_end = max(last_bin_end, points[-1]["t"] + widths[-1])
    if reports:
        plan = reports[0]["plan"]
        window_end = plan["warmup"] + plan["duration"]
        for axis in (top, bottom):
            axis.axvspan(0, plan["warmup"], color=OUTSIDE_THE_WINDOW, label=None)
            axis.axvspan(window_end, max(window_end, last_bin_end), color=OUTSIDE_THE_WINDOW, label=None)
            axis.axvline(window_end, color="0.4", linewidth=0.8, label=None)
    top.set_ylabel("committed tx/s")
    bottom.set_ylabel("latency (s)")
    bottom.set_xlabel("seconds since start (shaded: warm-up, and the drain after the measured window's end)")
    if reports:     # with none there is no series to name, and matplotlib warns of a legend of nothing
        top.legend(fontsize="small")
        bottom.legend(fontsize="small")
    figure.tight_layout()
    return figure
