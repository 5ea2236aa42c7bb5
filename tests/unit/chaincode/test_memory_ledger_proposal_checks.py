"""MemoryLedger.endorse_proposal refuses what a Fabric endorser refuses before it runs the chaincode
(core/endorser/endorser.go ProcessProposal, preProcess; msgvalidation.go Validate), with its words, so a
client that signs or builds its proposals wrongly fails its unit tests as it would fail on a peer."""

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import proposal_pb2

from chaincode.testing import MemoryLedger, make_identity
from chaincode.testing._proposals import make_signed_proposal

from .memory_ledger_support import ALICE, PutsState

# the order of P-256, the curve of the test identities' keys
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
MALLORY = make_identity("SupplierMSP", "mallory")


class Writer(PutsState):
    name = "writer"


@pytest.fixture
def ledger():
    return MemoryLedger([Writer()])


def proposal(creator=ALICE, signing_key=ALICE.private_key, channel="recfin"):
    return make_signed_proposal(channel_id=channel, chaincode_name="recfin", args=[b"Put", b"k", b"v"],
                                creator=bytes(creator), signing_key=signing_key)[0]


def resigned(signed: proposal_pb2.SignedProposal, key, *, tx_id: str | None = None, high_s: bool = False):
    """``signed`` with its transaction id replaced where given, signed again by ``key``, in the high-S form of
    the signature where asked."""
    raw = signed.proposal_bytes
    if tx_id is not None:
        prop = proposal_pb2.Proposal.FromString(raw)
        header = common_pb2.Header.FromString(prop.header)
        channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
        channel_header.tx_id = tx_id
        header.channel_header = channel_header.SerializeToString()
        prop.header = header.SerializeToString()
        raw = prop.SerializeToString()
    r, s = decode_dss_signature(key.sign(raw, ec.ECDSA(hashes.SHA256())))
    s = max(s, ORDER - s) if high_s else min(s, ORDER - s)
    return proposal_pb2.SignedProposal(proposal_bytes=raw, signature=encode_dss_signature(r, s))


async def refused(ledger: MemoryLedger, signed) -> str:
    endorsement = await ledger.endorse_proposal(signed)
    assert endorsement.result.status == 500 and endorsement.writes == ()
    with pytest.raises(ValueError, match="failed endorsement"):
        ledger.commit(endorsement)
    assert ledger.state == {}
    return endorsement.result.message


def low_s(signature: bytes) -> bool:
    return decode_dss_signature(signature)[1] <= ORDER // 2


async def test_a_proposal_signed_by_its_creator_is_endorsed_and_commits(ledger):
    assert ledger.commit(await ledger.endorse_proposal(proposal())) == "VALID"
    assert ledger.state == {"k": b"v"}


def test_the_ledgers_own_proposals_are_signed_in_low_s_form_as_a_fabric_client_signs():
    # half of the raw ECDSA signatures have a high S: twenty in a row low is no chance
    assert all(low_s(proposal().signature) for _ in range(20))


async def test_a_signature_not_the_creators_is_refused(ledger):
    assert await refused(ledger, proposal(signing_key=MALLORY.private_key)) == (
        "access denied: channel [recfin] creator org [SupplierMSP]")


async def test_an_unsigned_proposal_is_refused(ledger):
    assert await refused(ledger, proposal(signing_key=None)) == "empty signature bytes"


async def test_a_high_s_signature_is_refused_as_fabrics_msp_refuses_it(ledger):
    high = resigned(proposal(), ALICE.private_key, high_s=True)
    assert not low_s(high.signature)
    assert await refused(ledger, high) == "access denied: channel [recfin] creator org [SupplierMSP]"


async def test_a_transaction_id_not_the_hash_of_nonce_and_creator_is_refused(ledger):
    signed = proposal()
    nonce = common_pb2.SignatureHeader.FromString(common_pb2.Header.FromString(
        proposal_pb2.Proposal.FromString(signed.proposal_bytes).header).signature_header).nonce
    expected = hashlib.sha256(nonce + bytes(ALICE)).hexdigest()
    assert await refused(ledger, resigned(signed, ALICE.private_key, tx_id="my-own-id")) == (
        f"incorrectly computed txid 'my-own-id' -- expected '{expected}'")


async def test_a_creator_no_test_ca_of_its_org_issued_is_refused(ledger):
    # Mallory's certificate presented as a BankMSP identity: the MSP BankMSP did not issue it
    claimed = identities_pb2.SerializedIdentity(
        mspid="BankMSP", id_bytes=identities_pb2.SerializedIdentity.FromString(bytes(MALLORY)).id_bytes)
    forged = proposal(creator=claimed.SerializeToString(), signing_key=MALLORY.private_key)
    assert await refused(ledger, forged) == "access denied: channel [recfin] creator org [BankMSP]"
    assert await refused(ledger, proposal(creator=b"not an identity", signing_key=MALLORY.private_key)) == (
        "access denied: channel [recfin] creator org unknown, creator is malformed")


async def test_a_proposal_for_another_channel_is_refused(ledger):
    assert await refused(ledger, proposal(channel="elsewhere")) == "channel 'elsewhere' not found"


async def test_a_committed_transaction_id_is_refused_as_a_duplicate(ledger):
    signed = proposal()
    first = await ledger.endorse_proposal(signed)
    assert ledger.commit(first) == "VALID"
    again = await ledger.endorse_proposal(signed)
    assert again.result.status == 500
    assert again.result.message == (
        f"duplicate transaction found [{first.result.tx_id}]. Creator [{bytes(ALICE).hex()}]")
