"""The machine a benchmark names: its CPUs are those the run may use, as `nproc` counts them (the docs' figures say
`nproc`), not every CPU of the host: a run pinned to one CPU (`taskset -c 0`, a container's cpuset) that reported
all of them would read as measured on more than it had."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PINNED = ("import json, os\n"
          "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
          "from bench.profiling import machine, machine_line\n"
          "figures = machine()\n"
          "print(json.dumps([figures['nproc'], machine_line(figures)]))\n")


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to pin a run to one of them")
def test_a_run_pinned_to_one_cpu_names_one_cpu():
    out = subprocess.run([sys.executable, "-c", PINNED], cwd=REPO, capture_output=True, text=True, check=True)
    nproc, line = json.loads(out.stdout)
    assert nproc == 1
    assert line.startswith("machine: 1 CPUs (")
    if shutil.which("taskset") and shutil.which("nproc"):
        pinned = subprocess.run(["taskset", "-c", str(min(os.sched_getaffinity(0))), "nproc"], capture_output=True,
                                text=True, check=True)
        assert int(pinned.stdout) == nproc        # what `nproc` says of a run pinned so
