from pathlib import Path

import pytest

from network import channel
from network.errors import ToolError
from network.tools import Result, last_error_line


class RecordingTools:
    """Answers Fabric CLI calls with canned output, recording each call (a seam for the orchestration)."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        self.calls.append((tool, list(args), env))
        key = (tool, args[0], args[1])
        out = self.answers[key]
        return out.pop(0) if isinstance(out, list) else out


OSN_404 = Result("Status: 404\n{\n\t\"error\": \"cannot find channel\"\n}\n", "", 0)
OSN_NONE = Result('Status: 200\n{"systemChannel":null,"channels":null}\n', "", 0)
OSN_LIST = Result('Status: 200\n{"systemChannel":null,"channels":[{"name":"receivables",'
                  '"url":"/participation/v1/channels/receivables"}]}\n', "", 0)
OSN_200 = Result('Status: 200\n{"name":"receivables","url":"/participation/v1/channels/receivables",'
                 '"consensusRelation":"consenter","status":"active","height":1}\n', "", 0)
OSN_201 = Result('Status: 201\n{"name":"receivables","status":"active","height":1}\n', "", 0)


def test_parse_osnadmin():
    assert channel.parse_osnadmin(OSN_200.stdout)[0] == 200
    assert channel.parse_osnadmin(OSN_200.stdout)[1]["height"] == 1
    assert channel.parse_osnadmin(OSN_404.stdout) == (404, {"error": "cannot find channel"})
    with pytest.raises(ToolError):
        channel.parse_osnadmin("Error: connection refused")


def test_join_orderer_joins_when_absent(topology, data_root):
    tools = RecordingTools({("osnadmin", "channel", "list"): OSN_NONE, ("osnadmin", "channel", "join"): OSN_201})
    node = topology.node("orderer1.orderer")
    assert channel.join_orderer(tools, topology, data_root, node, data_root / "b.block")
    tool, args, _ = tools.calls[-1]
    assert args[:4] == ["channel", "join", "--channelID", "receivables"]
    assert args[args.index("--config-block") + 1] == str(data_root / "b.block")
    assert args[args.index("-o") + 1] == "127.0.0.1:7153"
    assert "--client-cert" in args and "--client-key" in args and "--ca-file" in args


def test_join_orderer_skips_when_joined(topology, data_root):
    tools = RecordingTools({("osnadmin", "channel", "list"): OSN_LIST})
    assert not channel.join_orderer(tools, topology, data_root, topology.orderers()[0], data_root / "b")
    assert len(tools.calls) == 1
    _, args, _ = tools.calls[0]
    assert args[:2] == ["channel", "list"] and "--channelID" not in args


def test_a_failed_join_is_an_error(topology, data_root):
    tools = RecordingTools({("osnadmin", "channel", "list"): OSN_NONE,
                            ("osnadmin", "channel", "join"): Result('Status: 400\n{"error":"bad block"}', "", 0)})
    with pytest.raises(ToolError, match="orderer0.orderer answered 400"):
        channel.join_orderer(tools, topology, data_root, topology.orderers()[0], data_root / "b")


def test_join_peer_as_org_admin_unless_joined(topology, data_root):
    listed = Result("Channels peers has joined: \n", "", 0)
    tools = RecordingTools({("peer", "channel", "list"): listed, ("peer", "channel", "join"): Result("", "", 0)})
    node = topology.node("peer0.bank")
    assert channel.join_peer(tools, topology, data_root, node, data_root / "b.block")
    _, args, env = tools.calls[-1]
    assert args == ["channel", "join", "-b", str(data_root / "b.block")]
    assert env["CORE_PEER_LOCALMSPID"] == "BankMSP" and "admin@bank" in env["CORE_PEER_MSPCONFIGPATH"]
    tools = RecordingTools({("peer", "channel", "list"): Result("Channels peers has joined: \nreceivables\n", "", 0)})
    assert not channel.join_peer(tools, topology, data_root, node, data_root / "b.block")


def test_parse_channel_list_and_getinfo():
    assert channel.parse_channel_list("Channels peers has joined: \nreceivables\nother\n") == ["receivables", "other"]
    out = 'Blockchain info: {"height":5,"currentBlockHash":"abc","previousBlockHash":"def"}\n'
    assert channel.parse_getinfo(out) == 5
    assert channel.parse_getinfo("Error: channel not found") is None


def test_genesis_block_is_created_once(topology, data_root):
    class Configtxgen(RecordingTools):
        def run(self, tool, args, env=None, *, check=True, cwd=None):
            self.calls.append((tool, list(args), env))
            out = args[args.index("-outputBlock") + 1]
            Path(out).write_bytes(b"\x0a\x00block")
            return Result("", "", 0)

    tools = Configtxgen({})
    block, created = channel.create_genesis_block(tools, topology, data_root)
    assert created and block.name == "receivables.block"
    assert (data_root / "config" / "configtx.yaml").is_file()
    assert channel.create_genesis_block(tools, topology, data_root) == (block, False)
    assert len(tools.calls) == 1


def test_last_error_line_prefers_errors():
    text = "2026 INFO something\nError: proposal failed: chaincode definition not agreed\nUsage: ...\n"
    assert last_error_line(text) == "Error: proposal failed: chaincode definition not agreed"
    assert last_error_line("") == "(no output)"
