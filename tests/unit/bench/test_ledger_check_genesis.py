"""Each peer's block 0 must be the channel's genesis block the network made (the data folder's
channel/<channel>.block, which configtxgen wrote): no orderer signs a genesis block, so a peer serving another one
(other orderer orgs, other CAs) would have every later block checked under a config of its own choosing. A block 0
that differs is named with the peer and both hashes, and the later blocks are checked under the file's config."""
from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from fabric_protos.peer import transaction_pb2

from bench import ledger_check
from bench.ledger_check import ChannelGenesis, channel_genesis, check_peer
from client.ledger.block_integrity import data_hash, header_hash
from network import configtx
from network.errors import NetworkError
from network.topology import load
from tests.unit.receivables_client.audit_ledger import ORDERER, Org, config_block, signed_by

from .test_ledger_check import ChainPeer, block, envelope, receivable_key, sealed
from .test_ledger_check_signatures import orderer_of_another_ca

R1 = receivable_key("R-1")
VALUE = b'{"id":"R-1","v":1}'


def network_genesis(path="/data/channel/receivables.block") -> ChannelGenesis:
    """The genesis block the network made: its orderer org ``ORDERER``."""
    return ChannelGenesis(path, signed_by(config_block([]), None))


def chain_from(genesis_block, signer) -> list:
    """A chain of one block writing R-1 after ``genesis_block``, signed by ``signer``."""
    return sealed([block([envelope([(R1, VALUE)])], [transaction_pb2.VALID])], signer=lambda number: signer,
                  genesis=genesis_block)


def mismatches(chain, genesis: ChannelGenesis) -> list[str]:
    peer = ChainPeer(chain, VALUE)
    return check_peer("peer0.bank", peer, peer, "receivables", "receivables", "BankMSP", [], [],
                      genesis=genesis).state_mismatches


def test_a_chain_from_the_networks_genesis_block_has_no_problem():
    assert mismatches(chain_from(config_block([]), ORDERER), network_genesis()) == []


def test_a_chain_from_another_genesis_block_is_named_with_the_peer_and_both_hashes():
    # another orderer org's CA in a genesis block of the peer's own: every block after it signed by that CA, each
    # hash and link holding, so only the genesis block the network made tells
    forger = orderer_of_another_ca()
    forged = signed_by(config_block([], orderer=forger), None)
    expected = network_genesis()
    found = mismatches(chain_from(forged, forger), expected)
    assert found[0] == (
        "peer0.bank (BankMSP) holds a block 0 other than the channel's genesis block the network made "
        f"(/data/channel/receivables.block): its header hashes to {header_hash(forged.header).hex()} and its data "
        f"to {data_hash(forged.data).hex()}, that file's header to {header_hash(expected.block.header).hex()} and "
        f"its data to {data_hash(expected.block.data).hex()}. No orderer signs a genesis block, so the blocks after "
        "it are checked under that file's config. Stop the peer, run `peer node unjoin -c receivables` on it, which "
        "removes its ledger of the channel, and join it again with that file (`recfin network up` joins a peer that "
        "has not joined), then run the check again")
    # the blocks after it are checked under the network's config, where the forger's CA signs for nothing
    assert [line.split(" is not signed")[0] for line in found[1:]] == ["block 1"]


def test_a_genesis_block_of_other_data_under_the_same_orderer_is_named_too():
    other = config_block([Org("SupplierMSP")])     # one org more in the config: another data hash, another header
    found = mismatches(chain_from(other, ORDERER), network_genesis())
    assert found[0].startswith("peer0.bank (BankMSP) holds a block 0 other than the channel's genesis block")
    assert data_hash(other.data).hex() in found[0]


def data_folder_with(tmp_path, raw: bytes | None):
    topology = load()
    if raw is not None:
        path = configtx.genesis_block_path(tmp_path, topology.channel)
        path.parent.mkdir(parents=True)
        path.write_bytes(raw)
    return topology


def test_the_genesis_block_is_read_from_the_data_folder(tmp_path):
    made = signed_by(config_block([]), None)
    topology = data_folder_with(tmp_path, made.SerializeToString())
    genesis = channel_genesis(topology, tmp_path)
    assert genesis.path == configtx.genesis_block_path(tmp_path, topology.channel)
    assert genesis.block == made


@pytest.mark.parametrize("raw, said", [
    (None, "cannot be read"),
    (b"\xff\xff", "is not the channel's genesis block"),
    (block([envelope([(R1, VALUE)])], [transaction_pb2.VALID]).SerializeToString(),
     "is not the channel's genesis block"),
], ids=["missing", "not-a-block", "not-a-config-block"])
def test_a_genesis_block_file_that_cannot_be_taken_is_refused_before_any_peer_is_read(tmp_path, monkeypatch, raw,
                                                                                        said):
    from cli import connection

    topology = data_folder_with(tmp_path, raw)
    touched = []
    monkeypatch.setattr(connection, "open_session", lambda *args, **kwargs: touched.append("session"))
    monkeypatch.setattr(ledger_check, "connect_peer", lambda *args: touched.append("peer"))
    with pytest.raises(NetworkError) as refused:
        ledger_check.verify(["tx-1"], ["R-1"], topology, tmp_path)
    message = str(refused.value)
    assert str(configtx.genesis_block_path(tmp_path, topology.channel)) in message and said in message
    assert "every peer's block 0 is checked against it" in message
    assert touched == []


def test_verify_checks_every_peer_against_the_data_folders_genesis_block(tmp_path, monkeypatch):
    from cli import connection

    topology = data_folder_with(tmp_path, signed_by(config_block([]), None).SerializeToString())
    forger = orderer_of_another_ca()
    honest = chain_from(config_block([]), ORDERER)
    forged = chain_from(signed_by(config_block([], orderer=forger), None), forger)
    peers = {org.name: ChainPeer(forged if org.name == "bank" else honest, VALUE) for org in topology.orgs}

    @contextmanager
    def open_session(org, user=None, data_root=None, **options):
        yield SimpleNamespace(client=SimpleNamespace(contract=peers["regulator"]))

    def profile(org, data_root=None):
        end = SimpleNamespace(host_name_override=f"peer0.{org}")
        return SimpleNamespace(peers=[end], channel=topology.channel, chaincode="receivables", msp_id=f"{org}MSP")

    def connect_peer(org, endpoint, data_root):
        network = SimpleNamespace(get_contract=lambda name: peers[org])
        return SimpleNamespace(get_network=lambda channel: network, close=lambda: None)

    monkeypatch.setattr(connection, "open_session", open_session)
    monkeypatch.setattr(ledger_check.profiles, "load", profile)
    monkeypatch.setattr(ledger_check, "connect_peer", connect_peer)
    verdict = ledger_check.verify([], [], topology, tmp_path)
    named = {p.peer: [line.split(" holds")[0] for line in p.state_mismatches if " holds a block 0 " in line]
             for p in verdict.peers}
    assert named == {f"peer0.{org.name}": ["peer0.bank (bankMSP)"] if org.name == "bank" else []
                     for org in topology.orgs if topology.peers(org.name)}
