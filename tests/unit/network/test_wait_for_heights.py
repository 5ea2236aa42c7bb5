"""`Network.wait_for_heights`: every running orderer and every peer must reach the highest height any node reports,
a restarted orderer included. Heights are scripted per node (as each node's metrics would give them) and the supervisor's
clock is a counter, so the waits poll without sleeping."""
import pytest

from network import channel
from network.control import Network
from network.errors import NodeTimeoutError
from network.supervisor import Supervisor

from .test_compose_up import FakeClock


def network(topology, tmp_path, monkeypatch, heights, *, running=None):
    """A Network whose nodes answer ``heights`` (node name -> a list of heights, one per ask, the last repeated)
    and whose processes in ``running`` (default: all) are alive; the names asked for, in order."""
    clock = FakeClock()
    net = Network(topology, data_root=tmp_path, supervisor_=Supervisor(clock=clock, sleep=clock.sleep), timeout=5)
    asked = []

    def node_height(tools, topo, root, node):
        asked.append(node.name)
        answers = heights.get(node.name, [10])
        return answers.pop(0) if len(answers) > 1 else answers[0]

    alive = {n.name for n in topology.nodes()} if running is None else set(running)
    monkeypatch.setattr(channel, "node_height", node_height)
    monkeypatch.setattr(net.supervisor, "running_pid",
                        lambda pid_file: 4321 if pid_file.parent.name in alive else None)
    return net, asked


def test_a_restarted_orderer_is_waited_for_until_it_reaches_the_others(topology, tmp_path, monkeypatch):
    # orderer0 was the Raft leader, killed and started again: it reports 3, then 7, then the others' 10
    net, asked = network(topology, tmp_path, monkeypatch, {"orderer0.orderer": [3, 3, 7, 10]})
    assert net.wait_for_heights() == 10
    assert asked.count("orderer0.orderer") == 4         # once for the target, then until it reached 10
    assert {n.name for n in topology.nodes()} <= set(asked)


def test_an_orderer_that_never_catches_up_fails_the_wait_naming_it(topology, tmp_path, monkeypatch):
    net, _ = network(topology, tmp_path, monkeypatch, {"orderer0.orderer": [3]})
    with pytest.raises(NodeTimeoutError) as stuck:
        net.wait_for_heights()
    assert str(stuck.value).startswith("orderer0.orderer: block height 10 on receivables not reached within 5s")


def test_an_orderer_that_is_not_running_is_left_out_as_raft_carries_on_without_it(topology, tmp_path, monkeypatch):
    stopped = "orderer2.orderer"
    net, asked = network(topology, tmp_path, monkeypatch, {stopped: [None]},
                         running=[n.name for n in topology.nodes() if n.name != stopped])
    assert net.wait_for_heights() == 10
    assert stopped not in asked


def test_a_peer_that_is_not_running_fails_the_wait_saying_it_exited(topology, tmp_path, monkeypatch):
    stopped = topology.peers()[0].name
    net, _ = network(topology, tmp_path, monkeypatch, {stopped: [None]},
                     running=[n.name for n in topology.nodes() if n.name != stopped])
    with pytest.raises(NodeTimeoutError) as gone:
        net.wait_for_heights()
    assert str(gone.value).startswith(f"{stopped} exited while waiting for block height 10")
