"""Each peer's blocks must carry the orderer signatures the ordering service made, verified under the config of the
config block each block's orderer metadata names, the newest before it (a config block under the config before
it), from the genesis config block on: a block rewritten with every hash down the chain recomputed, signed by an
identity of another CA, or naming an older config, is named by its number, with what to do, among the peer's
state mismatches."""
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import check_peer
from client.ledger.block_integrity import data_hash, header_hash
from tests.unit.receivables_client.audit_ledger import ORDERER, Org, config_block, signed_by, with_last_config

from .test_ledger_check import ChainPeer, block, envelope, receivable_key, sealed

R1 = receivable_key("R-1")
VALID = transaction_pb2.VALID
FETCH_AGAIN = ("Stop the peer and run `peer node reset` so that it fetches its blocks again from the ordering service, "
               "then run the check again")


def orderer_of_another_ca() -> Org:
    """An orderer identity of OrdererMSP's name, issued by a CA other than the one the genesis block carries."""
    other = Org("OrdererMSP")
    other.peer_key, other.peer_cert = other.issue("orderer0.orderer", ou="orderer")
    return other


def writes(*values: bytes) -> list:
    """One block per value, each writing R-1 with it; not yet cut (``sealed``)."""
    return [block([envelope([(R1, value)])], [VALID]) for value in values]


def mismatches(blocks, state):
    """The state mismatches of a peer answering ``blocks``, whose world state holds ``state`` for R-1."""
    peer = ChainPeer(blocks, state)
    return check_peer("peer0.supplier", peer, peer, "receivables", "receivables", "SupplierMSP", [], []) \
        .state_mismatches


def test_a_chain_the_orderer_signed_has_no_problem():
    assert mismatches(sealed(writes(b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}')), b'{"id":"R-1","v":2}') == []


def test_a_block_whose_data_was_changed_and_every_hash_recomputed_down_the_chain_is_named_by_its_signature():
    chain = sealed(writes(b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}', b'{"id":"R-1","v":3}'))
    forged = b'{"id":"R-1","v":2,"amount":1}'
    chain[2].data.data[0] = envelope([(R1, forged)])
    chain[2].header.data_hash = data_hash(chain[2].data)
    chain[3].header.previous_hash = header_hash(chain[2].header)
    found = mismatches(chain, b'{"id":"R-1","v":3}')
    # numbers, data hashes and links all hold: only the signatures, made over the headers as cut, tell
    assert [line.split(" is not signed")[0] for line in found] == ["block 2", "block 3"]
    assert found[0].startswith("block 2 is not signed as the channel config it was verified under asks: "
                               "/Channel/Orderer/BlockValidation (ANY Writers)")
    assert found[0].endswith(": no signature of the ordering service shows this block as the peer holds it, so "
                             f"what it replays to proves nothing. {FETCH_AGAIN}")


def test_a_block_signed_by_an_orderer_certificate_of_another_ca_is_named():
    other = orderer_of_another_ca()
    chain = sealed(writes(b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}'),
                   signer=lambda number: other if number == 2 else ORDERER)
    found = mismatches(chain, b'{"id":"R-1","v":2}')
    assert len(found) == 1
    assert found[0].startswith("block 2 is not signed as the channel config it was verified under asks: ")
    assert "CN=orderer0.orderer" in found[0] and found[0].endswith(FETCH_AGAIN)


@pytest.mark.parametrize("signers, named", [
    ({2: ORDERER, 3: "new"}, []),              # the change counts from the block after the config block
    ({2: "new", 3: "new"}, ["block 2"]),       # a config block is verified under the config before it
    ({2: ORDERER, 3: ORDERER}, ["block 3"]),   # after it, the CA it dropped signs for nothing
], ids=["each-under-its-config", "config-block-signed-by-the-new-ca", "next-block-signed-by-the-old-ca"])
def test_a_config_block_changing_the_orderer_orgs_ca_takes_effect_from_the_next_block(signers, named):
    new = orderer_of_another_ca()
    signer = {1: ORDERER, **{n: new if s == "new" else s for n, s in signers.items()}}
    chain = sealed([*writes(b'{"id":"R-1","v":1}'), config_block([], orderer=new), *writes(b'{"id":"R-1","v":2}')],
                   signer=signer.__getitem__)
    found = mismatches(chain, b'{"id":"R-1","v":2}')
    assert [line.split(" is not signed")[0] for line in found] == named
    if named == ["block 2"]:
        assert "no signature of the ordering service shows this config block as the peer holds it, and the blocks " \
               "after it are checked under the config it carries, which proves nothing of them" in found[0]


def test_a_chain_whose_block_0_is_no_config_block_is_named_once():
    chain = sealed(writes(b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}'))
    chain[0] = block([envelope([(R1, b'{"id":"R-1","v":0}')])], [VALID])
    chain[0].header.data_hash = data_hash(chain[0].data)
    found = mismatches(chain, b'{"id":"R-1","v":2}')
    assert [line for line in found if "previous hash" not in line] == [
        "block 0 is not the channel's genesis config block (block 0 is not a config block (its transaction is of "
        "type ENDORSER_TRANSACTION)), under whose config the first blocks are signed: their orderer signatures are "
        f"not checked. {FETCH_AGAIN}"]


def test_a_block_naming_a_config_block_the_chain_does_not_hold_is_named_once_with_the_later_blocks_naming_it():
    chain = sealed(writes(b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}', b'{"id":"R-1","v":3}'))
    for number in (2, 3):        # signed by the orderer, naming block 1, which holds no config
        signed_by(with_last_config(chain[number], 1), ORDERER)
        if number == 2:
            chain[3].header.previous_hash = header_hash(chain[2].header)
    assert mismatches(chain, b'{"id":"R-1","v":3}') == [
        "block 2 names block 1 as the config block it was verified under, which is no config block of the chain: "
        f"its orderer signatures are not checked, nor those of the later blocks naming it. {FETCH_AGAIN}"]


def test_a_block_whose_metadata_names_no_config_block_is_named():
    chain = sealed(writes(b'{"id":"R-1","v":1}'))
    chain[1].metadata.metadata[common_pb2.SIGNATURES] = b""
    found = mismatches(chain, b'{"id":"R-1","v":1}')
    assert found == [f"block 1: which config block it was verified under cannot be told (block 1 names no last "
                     f"config block in its metadata), so its orderer signatures are not checked. {FETCH_AGAIN}"]


def config_block_with(broken: str) -> common_pb2.Block:
    """A config block whose config holds bytes that decode as nothing at ``broken``: the channel's capabilities,
    the Orderer group's BlockValidation policy, the orderer org's Writers policy, or the consenters of a channel
    whose capabilities have Fabric read them."""
    from fabric_protos.common import configtx_pb2
    from fabric_protos.common import configuration_pb2 as channel_config

    built = config_block([])
    envelope_ = common_pb2.Envelope.FromString(built.data.data[0])
    payload = common_pb2.Payload.FromString(envelope_.payload)
    config_envelope = configtx_pb2.ConfigEnvelope.FromString(payload.data)
    channel, garbage = config_envelope.config.channel_group, b"\xff\xff"
    orderer = channel.groups["Orderer"]
    if broken == "capabilities":
        channel.values["Capabilities"].value = garbage
    elif broken == "block-validation":
        orderer.policies["BlockValidation"].policy.value = garbage
    elif broken == "writers":
        orderer.groups[ORDERER.msp_id].policies["Writers"].policy.value = garbage
    else:
        channel.values["Capabilities"].value = channel_config.Capabilities(
            capabilities={"V3_0": channel_config.Capability()}).SerializeToString()
        orderer.values["Orderers"].value = garbage
    payload.data = config_envelope.SerializeToString()
    envelope_.payload = payload.SerializeToString()
    built.data.data[0] = envelope_.SerializeToString()
    return built


@pytest.mark.parametrize("broken", ["capabilities", "block-validation", "writers", "consenters"])
def test_a_block_under_a_config_that_does_not_decode_is_named_not_a_traceback(broken):
    # block 2, a config block signed under config 0, carries a config part of which decodes as nothing: block 3,
    # checked under it, cannot be checked, and the check goes on to say so
    chain = sealed([*writes(b'{"id":"R-1","v":1}'), config_block_with(broken), *writes(b'{"id":"R-1","v":2}')])
    found = mismatches(chain, b'{"id":"R-1","v":2}')
    assert [line.split(" ")[1] for line in found] == ["3"]
    assert found[0].startswith("block 3 cannot be checked under the channel config it was verified under: ")
    assert found[0].endswith(FETCH_AGAIN)


def test_a_block_naming_a_config_block_older_than_the_one_in_force_is_named():
    # the orderer org's CA changes at block 2; block 3, signed by an orderer of the CA it dropped, names the
    # genesis config, under which that signature verifies: the ordering service names the config in force
    new = orderer_of_another_ca()
    chain = sealed([*writes(b'{"id":"R-1","v":1}'), config_block([], orderer=new), *writes(b'{"id":"R-1","v":2}')],
                   signer={1: ORDERER, 2: ORDERER, 3: new}.__getitem__)
    signed_by(with_last_config(chain[3], 0), ORDERER)
    assert mismatches(chain, b'{"id":"R-1","v":2}') == [
        "block 3 names block 0 as the config block it was verified under, where the ordering service names the "
        "newest config block before it, block 2: its orderer signatures prove nothing of the config in force "
        f"when it was cut. {FETCH_AGAIN}"]
