"""The report: counts, throughput, latency, CPU per tx, the JSON schema, the Node ratio, and the PNG."""
import json

import pytest

from bench import node_compare
from bench.driver import RATE, Plan, Run, Sample
from bench.plot import plot
from bench.outcomes import CAUSES, NOT_SUBMITTED, SUCCEEDED
from bench.report import REQUIRED_KEYS, build, check_schema, client_cpu_per_tx, comparison, lines, write_json
from bench.stats import percentile

PLAN = Plan(RATE, rate=2, warmup=1, duration=4, call_timeout=None)


def sample(due, latency, cause="committed", kind="register", tx=None):
    return Sample(kind, due, due, due + latency, cause, tx or f"tx-{due}", "" if cause == "committed" else "X",
                  PLAN.in_window(due))


def a_run():
    samples = [sample(0.0, 0.3), sample(0.5, 0.3)]                         # warm-up
    samples += [sample(1.0 + i / 2, 0.2 + i / 10) for i in range(7)]         # due 1.0 .. 4.0
    samples += [sample(4.5, 0.4, "mvcc_conflict", "transfer"), sample(4.9, 0.9)]  # the last finishes at 5.8
    return Run(PLAN, samples)


def test_counts_throughput_latency_and_cpu_per_committed_tx():
    run = a_run()
    report = build(run, workload="mixed", client="python", cpu_usage={"client": 1.6, "peer0.bank": None},
                   process_kinds={"client": "client", "peer0.bank": "peer"})
    assert check_schema(report) == []
    assert report["submitted"] == 9 and report["committed"] == 8
    assert report["failed"]["mvcc_conflict"] == 1 and sum(report["failed"].values()) == 1
    in_window = [s for s in run.samples if s.committed and 1 <= s.finished < 5]
    assert report["throughput_tps"] == pytest.approx(len(in_window) / 4)
    committed_latencies = [s.latency for s in run.samples if s.measured and s.committed]
    assert report["latency_s"]["p95"] == pytest.approx(percentile(committed_latencies, 95))
    assert report["cpu"]["client"]["cpu_s_per_tx"] == pytest.approx(1.6 / len(in_window))
    assert report["cpu"]["peer0.bank"]["cpu_s_per_tx"] is None
    assert set(report["by_kind"]) == {"register", "transfer"}
    assert report["by_kind"]["transfer"]["failed"]["mvcc_conflict"] == 1
    assert sum(p["committed_tps"] for p in report["timeline"]) == 10   # every committed op, one bin each
    text = "\n".join(lines(report))
    assert "committed valid 8" in text and "mvcc_conflict 1" in text and "not measured" in text


def test_the_report_names_the_machine_it_ran_on_in_json_and_leaves_the_line_to_the_command(monkeypatch):
    from bench import report as report_module

    figures = {"nproc": 2, "cpu_model": "AMD EPYC 7B13", "python": "3.11.7"}
    monkeypatch.setattr(report_module, "machine", lambda: figures)
    report = build(a_run(), workload="mixed", client="python", cpu_usage={}, process_kinds={})
    assert report["machine"] == figures
    # a run prints several reports, all from one machine: its command prints the line once
    assert not any("machine:" in line for line in lines(report))
    assert json.loads(json.dumps(report))["machine"]["nproc"] == 2      # as written to bench-<workload>.json


def test_a_report_saved_before_the_machine_was_recorded_still_prints():
    report = build(a_run(), workload="mixed", client="python", cpu_usage={}, process_kinds={})
    del report["machine"]
    assert not any("machine:" in line for line in lines(report))


@pytest.mark.parametrize("cause", [c for c in CAUSES if c not in SUCCEEDED + NOT_SUBMITTED])
def test_every_cause_of_failure_is_counted_and_printed(cause):
    report = build(Run(PLAN, [sample(1.0, 0.2), sample(1.5, 0.3, cause)]), workload="register", client="python",
                   cpu_usage={}, process_kinds={})
    assert report["failed"] == {c: int(c == cause) for c in CAUSES if c not in SUCCEEDED + NOT_SUBMITTED}
    assert f"committed valid 1  {cause} 1" in "\n".join(lines(report))


def test_a_kinds_latency_is_of_its_operations_that_succeeded():
    # a timeout's latency is how long the client waited, not how long a transaction took to commit
    run = Run(PLAN, [sample(1.0, 0.2), sample(1.5, 0.3), sample(2.0, 90.0, "timeout")])
    report = build(run, workload="register", client="python", cpu_usage={}, process_kinds={})
    assert report["by_kind"]["register"]["latency_s"]["max"] == pytest.approx(0.3)


def test_answered_queries_are_reported_apart_and_left_out_of_committed_throughput_and_cpu_per_tx():
    """The mixed workload's queries are evaluates: nothing is ordered or committed, so they count as answered."""
    run = a_run()
    run.samples.extend(Sample("query", due, due, due + 0.05, "answered", None, "", PLAN.in_window(due))
                       for due in (1.25, 1.75, 2.25, 2.75))
    report = build(run, workload="mixed", client="python", cpu_usage={"client": 1.6}, process_kinds={"client": "client"})
    assert check_schema(report) == []
    assert report["submitted"] == 13 and report["committed"] == 8 and report["answered"] == 4
    assert "answered" not in report["failed"] and sum(report["failed"].values()) == 1
    transactions = [s for s in run.samples if s.cause == "committed" and 1 <= s.finished < 5]
    assert report["throughput_tps"] == pytest.approx(len(transactions) / 4)
    assert report["cpu"]["client"]["cpu_s_per_tx"] == pytest.approx(1.6 / len(transactions))
    committed_latencies = [s.latency for s in run.samples if s.measured and s.committed]
    assert report["latency_s"]["p50"] == pytest.approx(percentile(committed_latencies, 50))   # not the queries'
    assert report["by_kind"]["query"]["answered"] == 4 and report["by_kind"]["query"]["committed"] == 0
    assert report["by_kind"]["query"]["latency_s"]["p50"] == pytest.approx(0.05)
    assert sum(p["committed_tps"] for p in report["timeline"]) == 10
    assert "committed valid 8  answered (queries) 4  mvcc_conflict 1" in "\n".join(lines(report))


def test_the_json_file_round_trips_and_a_missing_key_is_named(tmp_path):
    report = build(a_run(), workload="register", client="python", cpu_usage={}, process_kinds={})
    path = write_json(report, tmp_path / "out" / "bench-register.json")
    loaded = json.loads(path.read_text())
    assert loaded == json.loads(json.dumps(report)) and set(REQUIRED_KEYS) <= set(loaded)
    del loaded["latency_s"]
    assert check_schema(loaded) == ["missing 'latency_s'"]


def test_the_node_scripts_rows_make_the_same_report_and_the_ratio_to_ours():
    rows = [list(s.__dict__.values()) for s in a_run().samples]   # the script prints Sample's fields in order
    theirs = node_compare.report_from({"samples": rows, "exhausted": False, "cpu_s": 0.8}, "mixed", PLAN, 40)
    ours = build(a_run(), workload="mixed", client="python", cpu_usage={"client": 1.6},
                 process_kinds={"client": "client"})
    assert check_schema(theirs) == [] and theirs["client"] == "node"
    assert theirs["throughput_tps"] == ours["throughput_tps"]
    assert comparison(ours, theirs) == {"latency_p50_node_to_recfin": pytest.approx(1.0),
                                        "latency_p99_node_to_recfin": pytest.approx(1.0),
                                        "throughput_node_to_recfin": pytest.approx(1.0),
                                        "client_cpu_per_tx_node_to_recfin": pytest.approx(0.5)}
    assert theirs["client_processes"][0]["pool_size"] == 40 and theirs["settings"]["clients"] == 1


def test_the_client_cpu_per_tx_adds_up_the_client_processes():
    run = a_run()
    report = build(run, workload="register", client="python",
                   cpu_usage={"client-0": 0.6, "client-1": 1.0, "peer0.bank": 3.0},
                   process_kinds={"client-0": "client", "client-1": "client", "peer0.bank": "peer"})
    assert client_cpu_per_tx(report) == pytest.approx(1.6 / len(run.committed_in_window()))


def test_the_throughput_ratio_is_the_node_clients_over_ours():
    def committing(every):
        """Sixteen transactions in the window, of which every ``every``-th is sent."""
        return Run(PLAN, [sample(1.0 + i / 4, 0.1) for i in range(0, 16, every)])

    ours = build(committing(1), workload="register", client="python", cpu_usage={}, process_kinds={})
    theirs = build(committing(2), workload="register", client="node", cpu_usage={}, process_kinds={})
    assert (ours["throughput_tps"], theirs["throughput_tps"]) == (4.0, 2.0)
    assert comparison(ours, theirs)["throughput_node_to_recfin"] == pytest.approx(0.5)


def test_on_the_same_rate_schedule_the_throughputs_match_and_the_latency_ratios_tell_the_clients_apart():
    """Rate mode sends both clients the same schedule: a Node client ten times slower per operation commits as
    many in the window, so throughput says ~1 and only the latency ratios show the difference."""
    def on_schedule(latency):
        return Run(PLAN, [sample(i / PLAN.rate, latency) for i in range(int(PLAN.end * PLAN.rate))])

    ours = build(on_schedule(0.02), workload="register", client="python", cpu_usage={}, process_kinds={})
    theirs = build(on_schedule(0.2), workload="register", client="node", cpu_usage={}, process_kinds={})
    ratios = comparison(ours, theirs)
    assert ratios["throughput_node_to_recfin"] == pytest.approx(1.0)
    assert ratios["latency_p50_node_to_recfin"] == pytest.approx(10.0)
    assert ratios["latency_p99_node_to_recfin"] == pytest.approx(10.0)


def test_the_plot_is_a_png(tmp_path):
    report = build(a_run(), workload="mixed", client="python", cpu_usage={}, process_kinds={})
    path = plot([report], tmp_path / "bench.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 1000


@pytest.mark.filterwarnings("error::UserWarning")
def test_the_plot_of_no_report_and_of_a_run_that_sent_nothing_is_a_png_without_a_warning(tmp_path):
    nothing = build(Run(Plan(RATE, rate=1, warmup=0, duration=1, call_timeout=None), []), workload="register",
                    client="python", cpu_usage={}, process_kinds={})
    for reports in ([], [nothing]):
        path = plot(reports, tmp_path / "bench.png")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_plot_shows_a_lone_bin_at_its_middle_and_marks_the_end_of_the_window():
    """A second with commits between two without any (at low rates: no latency there, a gap in the line) is drawn
    as a marker at the middle of its bin, and what follows the measured window is marked off as the warm-up is."""
    from matplotlib.colors import to_rgba

    from bench.plot import OUTSIDE_THE_WINDOW, draw

    plan = Plan(RATE, rate=2, warmup=2, duration=3, call_timeout=None)
    # bin 0: a warm-up commit; bin 4 (4 s to 5 s), the last: one commit of latency 2.6 s, after bin 3 with none
    run = Run(plan, [Sample("register", 0.0, 0.0, 0.4, "committed", "a", "", False),
                     Sample("register", 2.0, 2.0, 4.6, "committed", "b", "", True),
                     Sample("register", 2.5, 2.5, 2.9, "timeout", None, "X", True)])
    report = build(run, workload="register", client="python", cpu_usage={}, process_kinds={})
    figure = draw([report])
    try:
        top, bottom = figure.axes
        series = [line for line in bottom.get_lines() if line.get_label().endswith(("p50", "p99"))]
        assert len(series) == 2
        for line in [*series, *[line for line in top.get_lines() if line.get_label() == "register (python)"]]:
            assert line.get_marker() not in (None, "", "None", " ")
            assert list(line.get_xdata()) == [0.5, 1.5, 2.5, 3.5, 4.5]
        p50 = series[0].get_ydata()
        assert p50[4] == pytest.approx(2.6) and p50[3] is None and len(p50) == 5
        for axis in (top, bottom):
            ends = [line for line in axis.get_lines() if list(line.get_xdata()) == [5, 5]]
            assert len(ends) == 1                       # a line at 5 s, where the measured window ends
            shaded = sorted((patch.get_x(), patch.get_x() + patch.get_width()) for patch in axis.patches
                            if patch.get_facecolor() == to_rgba(OUTSIDE_THE_WINDOW))
            assert shaded == [(0, 2), (5, 5)]           # the warm-up; no drain: all finished inside the window
    finally:
        import matplotlib.pyplot as plt
        plt.close(figure)
