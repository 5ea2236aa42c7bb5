"""Every step-by-step object a Gateway without a signer gives exposes, as ``digest``, SHA-256 of the very bytes a peer
or orderer checks its signature over, read back from the ``bytes`` handed to the offline signer: a proposal's
``proposal_bytes``, an endorsed transaction's envelope ``payload`` and a commit status request's ``request``. A
signature made elsewhere over that digest, high-S as a KMS may give it, goes out low-S and verifies over those
bytes with the certificate's key."""
import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from fabric_protos.gateway import gateway_pb2

from client.gateway import connect
from .gateway_fakes import FakeTransport

CHANNEL = "receivables-channel"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def high_s_signature(key, digest: bytes) -> bytes:
    """A valid signature over ``digest`` in its high-S form, which Fabric refuses as it is."""
    r, s = utils.decode_dss_signature(key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256()))))
    return utils.encode_dss_signature(r, max(s, P256_ORDER - s))


def verifies_low_s(key, signature: bytes, signed: bytes) -> bool:
    key.public_key().verify(signature, hashlib.sha256(signed).digest(), ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    return utils.decode_dss_signature(signature)[1] <= P256_ORDER // 2


def test_each_steps_digest_is_sha256_of_what_is_checked_and_its_signature_goes_out_low_s(credentials):
    key, identity = credentials
    transport = FakeTransport()
    offline = connect(identity=identity, transport=transport)

    proposal = offline.get_network(CHANNEL).get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    proposal_bytes = gateway_pb2.ProposedTransaction.FromString(proposal.bytes).proposal.proposal_bytes
    assert proposal.digest == hashlib.sha256(proposal_bytes).digest()
    transaction = offline.new_signed_proposal(proposal.bytes, high_s_signature(key, proposal.digest)).endorse()
    sent = transport.requests("endorse")[-1].proposed_transaction
    assert sent.proposal_bytes == proposal_bytes and verifies_low_s(key, sent.signature, proposal_bytes)

    payload = gateway_pb2.PreparedTransaction.FromString(transaction.bytes).envelope.payload
    assert transaction.digest == hashlib.sha256(payload).digest()
    commit = offline.new_signed_transaction(transaction.bytes, high_s_signature(key, transaction.digest)).submit()
    envelope = transport.requests("submit")[-1].prepared_transaction
    assert envelope.payload == payload and verifies_low_s(key, envelope.signature, payload)

    request = gateway_pb2.SignedCommitStatusRequest.FromString(commit.bytes).request
    assert commit.digest == hashlib.sha256(request).digest()
    offline.new_signed_commit(commit.bytes, high_s_signature(key, commit.digest)).status()
    signed = transport.requests("commit_status")[-1]
    assert signed.request == request and verifies_low_s(key, signed.signature, request)
