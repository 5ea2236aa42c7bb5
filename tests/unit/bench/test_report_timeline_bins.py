"""The timeline's bins are laid from the measured window's start, each rate over its bin's real width: a steady
rate plots flat even where the warm-up, or the window, is no whole number of seconds. Bins counted from the
run's start in whole seconds put half a second of load in the bin the window's end cut, a false dip."""
import pytest

from bench.driver import RATE, Plan, Run, Sample
from bench.report import timeline

RATE_PER_S = 4


def steady(plan: Plan, latency: float = 0.1) -> Run:
    """A commit every 1 / RATE_PER_S s from the run's start to the window's end, each ``latency`` s after its due
    time, so that commits finish at the same steady rate from ``latency`` on."""
    dues = [i / RATE_PER_S for i in range(int(plan.end * RATE_PER_S))]
    return Run(plan, [Sample("register", due, due, due + latency, "committed", f"tx-{i}", "", plan.in_window(due))
                      for i, due in enumerate(dues)])


def loaded(points, plan: Plan, latency: float = 0.1):
    """The bins wholly under the load's completions: from ``latency`` (the first to finish) to the window's end."""
    return [p for p in points if p["t"] >= latency and p["t"] + p["width_s"] <= plan.end + latency]


def test_a_steady_rate_plots_flat_through_a_window_that_starts_mid_second():
    plan = Plan(RATE, rate=RATE_PER_S, warmup=2.5, duration=3, call_timeout=None)
    points = timeline(steady(plan, latency=0.0))
    assert [p["committed_tps"] for p in points] == [RATE_PER_S] * len(points)
    # the window's bins start where it does, and none straddles its start or its end
    assert [p["t"] for p in points if p["t"] >= plan.warmup] == [2.5, 3.5, 4.5]
    assert sum(p["committed_tps"] * p["width_s"] for p in points) == len(steady(plan).samples)


def test_the_short_bins_at_the_runs_start_and_the_windows_end_are_rated_over_their_own_width():
    plan = Plan(RATE, rate=RATE_PER_S, warmup=1.5, duration=2.5, call_timeout=None)
    points = timeline(steady(plan, latency=0.0))
    assert [(p["t"], p["width_s"]) for p in points] == [(0.0, 0.5), (0.5, 1.0), (1.5, 1.0), (2.5, 1.0),
                                                        (3.5, 0.5)]
    assert [p["committed_tps"] for p in points] == [RATE_PER_S] * 5


def test_the_drain_after_the_window_is_binned_from_its_end():
    plan = Plan(RATE, rate=RATE_PER_S, warmup=0.5, duration=2, call_timeout=None)
    points = timeline(steady(plan, latency=0.6))
    assert [p["t"] for p in points] == [0.0, 0.5, 1.5, 2.5]
    assert all(p["committed_tps"] == RATE_PER_S for p in loaded(points, plan, latency=0.6))
    assert points[-1]["t"] == plan.end and points[-1]["width_s"] == 1.0


@pytest.mark.parametrize("warmup", [0.3, 0.7, 1.1])
def test_bins_in_tenths_of_a_second_start_with_no_sliver(warmup):
    plan = Plan(RATE, rate=RATE_PER_S, warmup=warmup, duration=1, call_timeout=None)
    points = timeline(steady(plan, latency=0.0), bin_seconds=0.1)
    assert min(p["width_s"] for p in points) == pytest.approx(0.1)
    assert points[0]["t"] == 0.0
    assert warmup in [p["t"] for p in points]


def test_the_plot_draws_each_bin_at_the_middle_of_its_own_width():
    from bench.plot import draw
    from bench.report import build

    plan = Plan(RATE, rate=RATE_PER_S, warmup=1.5, duration=2.5, call_timeout=None)
    figure = draw([build(steady(plan, latency=0.0), workload="register", client="python", cpu_usage={},
                         process_kinds={})])
    try:
        top = figure.axes[0]
        rates = next(line for line in top.get_lines() if line.get_label() == "register (python)")
        assert list(rates.get_xdata()) == [0.25, 1.0, 2.0, 3.0, 3.75]
        assert list(rates.get_ydata()) == [RATE_PER_S] * 5
    finally:
        import matplotlib.pyplot as plt
        plt.close(figure)


def test_a_report_written_before_bins_carried_their_width_takes_it_from_the_step_between_starts():
    from bench.plot import bin_widths

    points = [{"t": 0.0, "committed_tps": 4.0}, {"t": 1.0, "committed_tps": 4.0}]
    assert bin_widths(points) == [1.0, 1.0]
    assert bin_widths(points[:1]) == [1.0]
    assert bin_widths([{**p, "width_s": 0.5} for p in points]) == [0.5, 0.5]


@pytest.mark.parametrize("warmup, duration", [(0.1, 0.2), (0.2, 0.1)])
def test_a_drain_bin_at_a_window_end_of_float_sums_is_a_whole_bin_not_a_sliver(warmup, duration):
    # 0.1 + 0.2 is 0.30000000000000004: the drain's bin starts at 0.3, and is no bin of 6e-17 s
    plan = Plan(RATE, rate=RATE_PER_S, warmup=warmup, duration=duration, call_timeout=None)
    run = Run(plan, [Sample("register", 0.0, 0.0, 0.35, "committed", "tx-0", "", True)])
    points = timeline(run, bin_seconds=0.1)
    assert points[-1]["t"] == 0.3
    assert points[-1]["width_s"] == pytest.approx(0.1)
    assert points[-1]["committed_tps"] == pytest.approx(10.0)
