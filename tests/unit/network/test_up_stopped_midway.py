"""`up` stopped midway (Ctrl-C, or SIGTERM, which the CLI raises as KeyboardInterrupt): the nodes it started run in
sessions of their own, so the stop ends this run alone and they run on. The command said only "Error: interrupted";
it now says, before that line, what of the network runs on and what to do: `up` goes on from there, `down` stops
them. The ports are taken as free (what else runs on this machine is no part of the test)."""
import sys

import pytest

from network import nodeconfig
from network.control import Network
from network.supervisor import ProcessSpec

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


@pytest.fixture
def free_ports(monkeypatch):
    monkeypatch.setattr("network.control.ensure_free", lambda *args, **kwargs: [])


def test_a_stop_after_a_node_started_names_it_as_running_on_and_how_to_stop_or_go_on(data_folder, supervisor,
                                                                                       free_ports, monkeypatch):
    sup, start = supervisor
    said: list[str] = []
    net = Network.load(None, timeout=5, supervisor_=sup, say=said.append)

    def started_one_node_then_stopped(self):
        dirs = nodeconfig.node_dirs(self.data_root, "orderer0.orderer")
        start(ProcessSpec("orderer0.orderer", SLEEPER, {}, dirs.log, dirs.pid))
        raise KeyboardInterrupt

    monkeypatch.setattr(Network, "_up", started_one_node_then_stopped)
    with pytest.raises(KeyboardInterrupt):
        net.up()
    assert said[-1] == ("stopped midway: 1 process(es) run on (orderer0.orderer): `recfin network up` goes on from "
                        "here, `recfin network down` stops them")
    assert sup.running_pid(nodeconfig.node_dirs(data_folder, "orderer0.orderer").pid) is not None


def test_a_stop_before_anything_started_says_nothing_runs(data_folder, supervisor, free_ports, monkeypatch):
    sup, _ = supervisor
    said: list[str] = []
    net = Network.load(None, timeout=5, supervisor_=sup, say=said.append)

    def stopped(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Network, "_up", stopped)
    with pytest.raises(KeyboardInterrupt):
        net.up()
    assert said[-1] == "stopped midway: no node or chaincode server of the network runs"
