"""The latency/throughput plot of one or more reports, as PNG (matplotlib, no display needed)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def plot(reports: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Top: committed tx/s per second; bottom: latency p50 and p99 per second; warm-up shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for report in reports:
        label = f"{report['workload']} ({report['client']})"
        points = report["timeline"]
        t = [p["t"] for p in points]
        top.plot(t, [p["committed_tps"] for p in points], label=label)
        bottom.plot(t, [p["p50_s"] for p in points], label=f"{label} p50")
        bottom.plot(t, [p["p99_s"] for p in points], linestyle="--", label=f"{label} p99")
    if reports:
        warmup = reports[0]["plan"]["warmup"]
        for axis in (top, bottom):
            axis.axvspan(0, warmup, color="0.9", label=None)
    top.set_ylabel("committed tx/s")
    bottom.set_ylabel("latency (s)")
    bottom.set_xlabel("seconds since start (shaded: warm-up)")
    top.legend(fontsize="small")
    bottom.legend(fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)
    return path
