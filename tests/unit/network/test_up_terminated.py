"""`recfin network up` ended by SIGTERM (a `timeout`, a service stopped) or SIGHUP (its terminal closed) died at once,
saying nothing, while the nodes it had started ran on. It stops as Ctrl-C stops it now: it says what runs on and
what to do, then "Error: terminated by SIGTERM", exit status 143. Run as a process of its own (the signal would
end the test runner otherwise), its steps past the checks replaced by one that signals it, the ports taken as
free."""
import os
import signal
import subprocess
import sys

import pytest

from network.fabric_bin import REPO_ROOT

UP_SIGNALLED = """
import os, signal, sys, time
from network import control
control.ensure_free = lambda *args, **kwargs: []
def signalled(self):
    os.kill(os.getpid(), signal.{signal})
    time.sleep(30)
    raise AssertionError("the signal did not stop up")
control.Network._up = signalled
from cli.main import main
sys.argv = ["recfin", "network", "up"]
main()
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_up_ended_by_a_signal_says_what_runs_on_and_exits_with_the_signals_code(data_folder, signum):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", UP_SIGNALLED.format(signal=signum.name)], env=env,
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 128 + signum, (done.returncode, done.stdout, done.stderr)
    assert "stopped midway: no node or chaincode server of the network runs" in done.stdout
    assert done.stderr.strip().endswith(f"Error: terminated by {signum.name}")
