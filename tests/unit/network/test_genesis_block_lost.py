"""A channel's genesis block is its block 0, whose hash block 1 names: one configtxgen makes again differs (it stamps
each block with its own time and nonce). With the block file gone from a data folder whose nodes hold the channel's
ledgers, `up` made a new one, said `(created)`, and every later join used it (a peer whose ledger was lost, a new
orderer, `org add`'s peer), to fail on the channel's block 1. It is not made again: `prepare` refuses, `up` goes on
for the nodes that have joined and says the block is missing, and a join that needs it fails saying how to put it
back."""
from pathlib import Path

import pytest

from network import channel, configtx
from network.errors import NetworkError
from network.tools import Result


class Tools:
    """configtxgen writing a block; the peer and osnadmin saying the node has not joined."""

    def __init__(self):
        self.calls = []

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        self.calls.append((tool, args[:2]))
        if tool == "configtxgen":
            Path(args[args.index("-outputBlock") + 1]).write_bytes(b"\x0a\x00a block made now")
            return Result("", "", 0)
        if tool == "osnadmin":
            return Result('Status: 200\n{"systemChannel":null,"channels":null}\n', "", 0)
        return Result("Channels peers has joined: \n", "", 0)


def block_store(data_root, node, channel_name) -> Path:
    """A node's block store of a channel, where Fabric keeps it in the folders nodeconfig gives it."""
    within = ("ledgersData", "chains", "chains") if node.startswith("peer") else ("ledger", "chains")
    folder = data_root.joinpath("nodes", node, "data", *within, channel_name)
    folder.mkdir(parents=True)
    (folder / "blockfile_000000").write_bytes(b"blocks")
    return folder


@pytest.fixture
def ledger(topology, data_root) -> Path:
    """orderer0's block store of the channel, as a node that joined it leaves it; no genesis block beside it."""
    return block_store(data_root, "orderer0.orderer", topology.channel)


def test_a_block_missing_beside_a_ledger_is_not_made_again(topology, data_root, ledger):
    tools = Tools()
    block = configtx.genesis_block_path(data_root, topology.channel)

    with pytest.raises(NetworkError) as refused:
        channel.create_genesis_block(tools, topology, data_root)

    assert tools.calls == [] and not block.exists()
    said = str(refused.value)
    assert said.startswith(f"the genesis block {block} of channel receivables is not there, while the ledger {ledger} "
                           f"shows the channel was made: ")
    assert "a block made again would not be the channel's block 0" in said
    assert "`recfin network backup`" in said and "`recfin network down --purge`" in said


@pytest.mark.parametrize("node", ["orderer1.orderer", "peer0.bank"])
def test_a_join_with_the_block_missing_says_what_puts_it_back(topology, data_root, ledger, node):
    tools = Tools()
    block = configtx.genesis_block_path(data_root, topology.channel)
    join = channel.join_orderer if node.startswith("orderer") else channel.join_peer

    with pytest.raises(NetworkError) as refused:
        join(tools, topology, data_root, topology.node(node), block)

    assert [tool for tool, verb in tools.calls if verb == ["channel", "join"]] == []
    assert str(refused.value).startswith(f"{node} has not joined receivables, and the block it joins with is "
                                         f"missing: the genesis block {block} of channel receivables is not there")


def test_a_new_channel_still_gets_its_block(topology, data_root):
    block, created = channel.create_genesis_block(Tools(), topology, data_root)
    assert created and block.read_bytes() == b"\x0a\x00a block made now"


def test_up_goes_on_for_the_nodes_that_joined_and_says_the_block_is_missing(topology, data_root, ledger, fake_fabric,
                                                                            monkeypatch):
    """Every node holds its ledger: none needs the block, so the network comes up; no block is made."""
    from network.control import Network

    joined = {"osnadmin": 'Status: 200\n{"systemChannel":null,"channels":[{"name":"receivables","url":"/x"}]}\n',
              "peer": "Channels peers has joined: \nreceivables\n"}

    class Joined(Tools):
        def run(self, tool, args, env=None, *, check=True, cwd=None):
            self.calls.append((tool, args[:2]))
            return Result(joined[tool], "", 0)

    for step in ("_start_node", "wait_for_heights", "status"):
        monkeypatch.setattr(Network, step, lambda *args: [])
    monkeypatch.setattr(Network, "wait_for_raft_leader", lambda net: None)
    monkeypatch.setattr(Network, "start_chaincode_servers", lambda net: [])
    monkeypatch.setattr("network.profiles.write_all", lambda *args: [])
    said = []
    net = Network(topology, data_root=data_root, say=said.append)
    net.tools = Joined()

    net._up()

    block = configtx.genesis_block_path(data_root, topology.channel)
    assert not block.exists() and all(tool != "configtxgen" for tool, _ in net.tools.calls)
    assert f"[3/7] channel receivables genesis block {block} missing, not made again while the nodes' ledgers here " \
           f"hold the channel: a node that has not joined cannot join until it is back" in said
    assert "  peer0.bank already in receivables" in said


@pytest.mark.parametrize("node", ["orderer0.orderer", "peer0.bank"])
def test_a_ledger_of_another_channel_only_leaves_the_block_to_be_made(topology, data_root, node):
    """The topology's channel renamed: the nodes' ledgers hold the old channel, not this one, which is new."""
    block_store(data_root, node, "formerchannel")
    block, created = channel.create_genesis_block(Tools(), topology, data_root)
    assert created and block.is_file()


def test_a_peer_s_ledger_of_the_channel_keeps_the_block_from_being_made(topology, data_root):
    store = block_store(data_root, "peer0.bank", topology.channel)
    with pytest.raises(NetworkError, match=f"while the ledger {store} shows the channel was made"):
        channel.create_genesis_block(Tools(), topology, data_root)
