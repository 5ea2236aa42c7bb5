"""Percentiles and throughput of a measured window.

Percentiles use linear interpolation between closest ranks (Hyndman and Fan's
type 7, the default of numpy and of ``statistics.quantiles(method="inclusive")``):
for n sorted values x[0..n-1] the p-th percentile sits at position
h = (n - 1) * p / 100, and is x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
p0 is the minimum and p100 the maximum; one value is every percentile of itself. Values must be finite
(a NaN, which has no place in the order, and an infinity, which has none in an interpolation, are refused).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

PERCENTILES = (50, 95, 99)
METHOD = ("linear interpolation between closest ranks (Hyndman-Fan type 7, as numpy and "
          "statistics.quantiles(method='inclusive')) over the committed operations due in the measured window")


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0 <= p <= 100) of values, by the method above."""
    if not values:
        raise ValueError("no values: a percentile needs at least one")
    # NaN orders as neither above nor below anything, so sorted() leaves it where it was and the answer hung on
    # the input's order; an infinity interpolates to inf - inf = NaN, even at p0 beside a finite value
    if unfit := [v for v in values if not math.isfinite(v)]:
        raise ValueError(f"{len(unfit)} of the {len(values)} values are not finite numbers (the first: {unfit[0]}): "
                         "a percentile needs finite values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def latency_summary(latencies: Iterable[float], percentiles: Sequence[int] = PERCENTILES) -> dict[str, float | None]:
    """``{"p50": ..., "p95": ..., "p99": ..., "mean": ..., "max": ...}`` in seconds; None when there are none."""
    values = list(latencies)
    keys = [f"p{p}" for p in percentiles] + ["mean", "max"]
    if not values:
        return dict.fromkeys(keys)
    out: dict[str, float | None] = {f"p{p}": percentile(values, p) for p in percentiles}
    out["mean"] = sum(values) / len(values)
    out["max"] = max(values)
    return out


def throughput(count: int, window_seconds: float) -> float:
    """Transactions per second over the window."""
    if window_seconds <= 0:
        raise ValueError(f"window of {window_seconds} s: a throughput needs a positive window")
    return count / window_seconds
