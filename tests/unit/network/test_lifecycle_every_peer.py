"""An org's chaincode package goes onto every peer of the org, not its first alone.

Each peer endorses with the chaincode it has installed itself. An org that runs a second peer (compose,
its bundle, the native runtime) had that peer join the channel without the package: it could endorse
nothing, and with the first peer down the org's chaincode stopped though a peer of it still ran.
"""
import json
from pathlib import Path

from network.lifecycle import Lifecycle
from network.nodeconfig import node_dirs
from network.tools import Result
from network.topology import load, parse

PACKAGE_ID = "receivables_1.0:" + "ab" * 32


class PeersByAddress:
    """`peer lifecycle chaincode queryinstalled` and `install`, answered per peer (CORE_PEER_ADDRESS), each
    call checked to read that peer's config folder."""

    def __init__(self, topology, data_root: Path, installed: dict[str, set[str]] | None = None):
        self.config_of = {p.address: str(node_dirs(data_root, p.name).config) for p in topology.peers()}
        self.installed = {address: set(ids) for address, ids in (installed or {}).items()}
        self.installs: list[str] = []         # the peer address of each install

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        assert tool == "peer" and args[:2] == ["lifecycle", "chaincode"], args
        address = env["CORE_PEER_ADDRESS"]
        assert env["FABRIC_CFG_PATH"] == self.config_of[address]
        if args[2] == "queryinstalled":
            ids = self.installed.get(address, set())
            listed = {"installed_chaincodes": [{"package_id": i} for i in sorted(ids)]}
            return Result(json.dumps(listed), "", 0)
        if args[2] == "install":
            self.installs.append(address)
            self.installed.setdefault(address, set()).add(PACKAGE_ID)
            return Result("", "", 0)
        raise AssertionError(args)


def _two_bank_peers():
    data = load().model_dump(mode="json", exclude_none=True)
    next(o for o in data["orgs"] if o["name"] == "bank")["peers"].append(
        {"name": "peer1", "port": 9061, "chaincode_port": 9062, "operations_port": 9448})
    return parse(data, "a bank with two peers")


def test_the_package_is_installed_on_each_peer_of_the_org(tmp_path):
    topology = _two_bank_peers()
    tools = PeersByAddress(topology, tmp_path)
    assert Lifecycle(tools, topology, tmp_path).install("bank", tmp_path / "pkg.tar.gz", PACKAGE_ID) is True
    assert tools.installs == [p.address for p in topology.peers("bank")]
    assert tools.installs == ["127.0.0.1:9051", "127.0.0.1:9061"]


def test_a_peer_that_lists_the_package_is_left_alone_and_the_other_gets_it(tmp_path):
    topology = _two_bank_peers()
    tools = PeersByAddress(topology, tmp_path, {"127.0.0.1:9051": {PACKAGE_ID}})
    lifecycle = Lifecycle(tools, topology, tmp_path)
    assert lifecycle.install("bank", tmp_path / "pkg.tar.gz", PACKAGE_ID) is True
    assert tools.installs == ["127.0.0.1:9061"]
    assert lifecycle.install("bank", tmp_path / "pkg.tar.gz", PACKAGE_ID) is False     # each peer has it now
    assert tools.installs == ["127.0.0.1:9061"]


def test_an_org_with_one_peer_is_asked_and_installed_as_before(tmp_path):
    tools = PeersByAddress(load(), tmp_path)
    assert Lifecycle(tools, load(), tmp_path).install("supplier", tmp_path / "pkg.tar.gz", PACKAGE_ID) is True
    assert tools.installs == ["127.0.0.1:8051"]
