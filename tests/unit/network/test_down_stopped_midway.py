"""`down` stopped midway (Ctrl-C; SIGTERM or SIGHUP, which it now raises as Ctrl-C, where they ended it at once): it
said only "Error: interrupted", or nothing. It now says which of the network's processes still run, and that
`down` run again stops them. The SIGTERM case runs as a process of its own (the signal would end the test runner
otherwise)."""
import os
import signal
import subprocess
import sys

import pytest

from network import nodeconfig
from network.control import Network
from network.fabric_bin import REPO_ROOT
from network.supervisor import ProcessSpec

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def test_a_stop_after_one_process_stopped_names_those_still_running(data_folder, supervisor, monkeypatch):
    sup, start = supervisor
    pid_files = {}
    for name in ("orderer0.orderer", "peer0.bank"):
        dirs = nodeconfig.node_dirs(data_folder, name)
        start(ProcessSpec(name, SLEEPER, {}, dirs.log, dirs.pid))
        pid_files[name] = dirs.pid
    said: list[str] = []
    net = Network.load(None, timeout=5, supervisor_=sup, say=said.append)

    def stopped_after_one(self, purge):
        self.supervisor.stop(pid_files["peer0.bank"])
        raise KeyboardInterrupt

    monkeypatch.setattr(Network, "_down", stopped_after_one)
    with pytest.raises(KeyboardInterrupt):
        net.down()
    assert said[-1] == ("stopped midway: 1 process(es) run on (orderer0.orderer): `recfin network down` again "
                        "stops them")


DOWN_SIGNALLED = """
import os, signal, sys, time
from network import control
def signalled(self, purge):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
    raise AssertionError("the signal did not stop down")
control.Network._down = signalled
from cli.main import main
sys.argv = ["recfin", "network", "down"]
main()
"""


def test_down_ended_by_sigterm_says_what_runs_and_exits_143(data_folder):
    done = subprocess.run([sys.executable, "-c", DOWN_SIGNALLED], env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 128 + signal.SIGTERM, (done.returncode, done.stdout, done.stderr)
    assert "stopped midway: no node or chaincode server of the network runs" in done.stdout
    assert done.stderr.strip().endswith("Error: terminated by SIGTERM")
