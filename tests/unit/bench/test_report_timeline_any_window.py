"""The timeline is laid over any window the driver can be given, however short: a measured window shorter than the
nanosecond the timeline's bins are rounded to once made no bin at all, and a commit that finished in it raised
IndexError, so the whole report was lost; `recfin bench` refuses such a --duration, naming the minimum."""
import math

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bench.driver import RATE, Plan, Run, Sample
from bench.choices import TIMELINE_RESOLUTION_S
from bench.report import timeline
from cli.bench_commands import bench


def committed_at(plan: Plan, finished: list[float]) -> Run:
    return Run(plan, [Sample("register", 0.0, 0.0, f, "committed", f"tx-{i}", "", True)
                      for i, f in enumerate(finished)])


def counted(points) -> float:
    return sum(p["committed_tps"] * p["width_s"] for p in points)


@pytest.mark.parametrize("warmup, duration, finished", [(0, 1e-10, 1e-11), (0, 4e-10, 2e-10), (0, 1e-10, 0)])
def test_a_window_shorter_than_a_nanosecond_still_has_a_bin_for_what_finished_in_it(warmup, duration, finished):
    plan = Plan(RATE, rate=1, warmup=warmup, duration=duration, call_timeout=None)
    points = timeline(committed_at(plan, [finished]))
    assert points[0]["t"] == 0.0 and counted(points) == pytest.approx(1)


@given(warmup=st.floats(0, 5), duration=st.floats(1e-12, 5), bin_seconds=st.sampled_from([0.1, 0.25, 1.0]),
       finished=st.lists(st.floats(0, 12), min_size=1, max_size=5))
def test_every_commit_lands_in_a_bin_of_positive_width_whatever_the_window(warmup, duration, bin_seconds, finished):
    plan = Plan(RATE, rate=1, warmup=warmup, duration=duration, call_timeout=None)
    points = timeline(committed_at(plan, finished), bin_seconds=bin_seconds)
    assert all(p["width_s"] > 0 and math.isfinite(p["committed_tps"]) for p in points)
    starts = [p["t"] for p in points]
    assert starts[0] == 0.0 and starts == sorted(set(starts))
    assert counted(points) == pytest.approx(len(finished))


@pytest.mark.parametrize("duration", ["1e-10", "4e-10", "0.0000000009"])
def test_the_command_refuses_a_duration_shorter_than_the_timelines_resolution_naming_the_minimum(duration, tmp_path):
    result = CliRunner().invoke(bench, ["--duration", duration, "--data-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "--duration" in result.output and f"{TIMELINE_RESOLUTION_S:.9f}" in result.output
    assert "Traceback" not in result.output


def test_the_command_runs_the_shortest_window_it_takes_to_its_report(tmp_path, monkeypatch):
    from .test_bench_command import wire_to_a_recording_client

    wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration",
                                        f"{TIMELINE_RESOLUTION_S:.9f}", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bench-register.json").is_file()
