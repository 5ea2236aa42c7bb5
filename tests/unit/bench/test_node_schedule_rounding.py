"""Both drivers round each due time to the nanosecond (bench/driver.py, bench/node/workload.js), so a plan whose
window ends on a due time that i / rate lands a hair below holds as many operations in both."""
import json

import pytest

from bench.driver import RATE, Plan, drive
from bench.node_compare import plan_config

from .fakeclock import FakeClock, run_with
from .test_driver import taking
from .test_node_client import NODE

pytestmark = [pytest.mark.skipif(NODE is None, reason="node not found on PATH"),
              pytest.mark.usefixtures("official_node_client")]

# 55 / 4.4 is 12.499999999999998: unrounded, the 56th operation would be due inside a window ending at 12.5 s
PLANS = [Plan(RATE, rate=4.4, warmup=2.5, duration=10, call_timeout=None),
         Plan(RATE, rate=8.8, warmup=2.5, duration=10, call_timeout=None)]


def test_both_drivers_send_and_measure_as_many_operations_when_the_window_ends_on_a_due_time():
    from .test_cross_org_waits import run_node

    python = []
    for plan in PLANS:
        clock = FakeClock()
        run = run_with(clock, drive(taking(clock, 0.001), plan, clock=clock))
        python.append([len(run.samples), len(run.measured()), max(s.due for s in run.samples)])
    # the Node driver on a clock whose sleeps end at once (each operation answers at once): only the schedule counts
    node = run_node("""
        (async () => {
            const counts = [];
            for (const plan of JSON.parse(process.argv[1])) {
                let t = 0;
                const clock = { now: () => t, sleep: async (seconds) => { if (seconds > 0) t += seconds; } };
                const ops = { *operations() { for (let n = 0; ; n += 1) yield ['op', async () => `tx-${n}`]; } };
                const run = await workload.drive(ops, plan, clock);
                counts.push([run.samples.length, run.samples.filter((s) => s[7]).length,
                             Math.max(...run.samples.map((s) => s[1]))]);
            }
            console.log(JSON.stringify(counts));
        })();
    """, json.dumps([plan_config(plan) for plan in PLANS]))
    assert python == node == [[55, 44, 12.272727273], [110, 88, 12.386363636]]
