"""`recfin bench` offers the workloads and knobs that bench.choices names, without loading the modules that run them:
those names must be the ones the runs know, in the order `--workload all` runs them."""
from bench.choices import KNOB_NAMES, WORKLOAD_NAMES
from bench.sweep import KNOBS
from bench.workloads import WORKLOADS


def test_the_workloads_offered_are_the_workloads_run_in_their_order():
    assert tuple(WORKLOADS) == WORKLOAD_NAMES


def test_the_knobs_offered_are_the_knobs_a_sweep_turns():
    assert tuple(KNOBS) == KNOB_NAMES
