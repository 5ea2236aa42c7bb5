"""What a signer returns, as a peer reads it: padded DER, bytes-like values, and what is no signature at all."""

import asyncio
import gc
import hashlib
import warnings

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

from client.gateway import Identity, connect, connect_async, private_key_signer
from client.gateway._signer import leading_der_signature
from .gateway_fakes import P256_ORDER, AsyncFakeTransport, FakeTransport, is_low_s, make_key_and_cert

KEY, CERT = make_key_and_cert("signer-output")
IDENTITY = Identity("Org1MSP", CERT)
SIGN = private_key_signer(KEY)


def as_a_peer_reads(signature: bytes) -> tuple[int, int]:
    """(r, s) as Fabric's bccsp/utils.UnmarshalECDSASignature reads them: Go's asn1.Unmarshal takes the DER
    SEQUENCE the bytes start with and ignores what follows; the peer then refuses s above n/2."""
    assert signature[0] == 0x30 and signature[1] < 0x80
    return utils.decode_dss_signature(signature[:2 + signature[1]])


def high_s_signer(pad: bytes):
    """A signer wrapping an HSM or KMS that pads its DER to a fixed buffer and gives the high-S form."""
    def sign(digest):
        while True:
            der = KEY.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
            if utils.decode_dss_signature(der)[1] > P256_ORDER // 2:
                return der + pad
    return sign


def sent_proposal(transport) -> tuple[bytes, bytes]:
    (request,) = transport.requests("evaluate")
    return request.proposed_transaction.proposal_bytes, request.proposed_transaction.signature


def verifies(message: bytes, signature: bytes) -> None:
    KEY.public_key().verify(signature, hashlib.sha256(message).digest(), ec.ECDSA(utils.Prehashed(hashes.SHA256())))


@pytest.mark.parametrize("pad", [b"\x00", b"\x00" * 8, b"\xff\x30\x02"], ids=["one zero", "zeros", "junk"])
def test_a_padded_high_s_signature_from_the_signer_is_sent_low_s_as_plain_der(pad):
    transport = FakeTransport()
    gateway = connect(identity=IDENTITY, signer=high_s_signer(pad), transport=transport)
    gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    message, signature = sent_proposal(transport)
    assert as_a_peer_reads(signature)[1] <= P256_ORDER // 2
    assert signature == utils.encode_dss_signature(*as_a_peer_reads(signature))  # the padding is gone
    verifies(message, signature)


def test_a_padded_high_s_signature_given_to_new_signed_proposal_is_kept_low_s():
    gateway = connect(identity=IDENTITY, transport=FakeTransport())
    unsigned = gateway.get_network("ch").get_contract("cc").new_proposal("Get")
    given = high_s_signer(b"\x00\x00")(unsigned.digest)
    signed = gateway.new_signed_proposal(unsigned.bytes, given)
    assert is_low_s(signed.signature)
    assert as_a_peer_reads(signed.signature)[0] == as_a_peer_reads(given)[0]
    KEY.public_key().verify(signed.signature, unsigned.digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))


def test_a_signature_with_elements_after_s_in_its_sequence_is_read_as_go_reads_it():
    der = SIGN(bytes(32))
    extra = b"\x02\x01\x07"                     # Go's asn1 ignores elements after a struct's fields
    padded = bytes([0x30, der[1] + len(extra)]) + der[2:] + extra
    assert leading_der_signature(padded) == utils.decode_dss_signature(der)


@pytest.mark.parametrize("signature", [
    b"", b"\x30", b"\x30\x06\x02\x01\x01\x02\x01",               # cut short
    b"\x30\x81\x06\x02\x01\x01\x02\x01\x01",                      # a long-form length under 128: not DER
    b"\x30\x06\x02\x01\x81\x02\x01\x01",                          # a negative r
    b"\x30\x07\x02\x02\x00\x01\x02\x01\x01",                      # r not minimally encoded
    b"\x30\x06\x02\x01\x00\x02\x01\x01",                          # r = 0
    b"\x31\x06\x02\x01\x01\x02\x01\x01",                          # a SET, not a SEQUENCE
], ids=["empty", "tag only", "short", "long form", "negative", "non-minimal", "zero", "set"])
def test_what_a_peer_would_not_parse_is_no_signature(signature):
    assert leading_der_signature(signature) is None


@pytest.mark.parametrize("returned", [b"not a signature", ed25519.Ed25519PrivateKey.generate().sign(bytes(32))],
                         ids=["text", "Ed25519"])
def test_a_signer_of_an_ecdsa_identity_returning_no_der_signature_is_named(returned):
    def remote_sign(digest):
        return returned

    transport = FakeTransport()
    gateway = connect(identity=IDENTITY, signer=remote_sign, transport=transport)
    with pytest.raises(ValueError, match="signer .*remote_sign returned .* not a DER-encoded ECDSA signature"):
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    assert not transport.requests("evaluate")


@pytest.mark.parametrize("kind", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_a_signer_returning_bytes_like_values_is_taken(kind):
    transport = FakeTransport()
    gateway = connect(identity=IDENTITY, signer=lambda digest: kind(SIGN(digest)), transport=transport)
    gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    message, signature = sent_proposal(transport)
    verifies(message, signature)


@pytest.mark.parametrize("returned", [None, "3045...", 64], ids=["None", "hex text", "int"])
def test_a_signer_returning_no_bytes_is_named(returned):
    def remote_sign(digest):
        return returned

    gateway = connect(identity=IDENTITY, signer=remote_sign, transport=FakeTransport())
    with pytest.raises(TypeError, match=f"signer .*remote_sign returned {type(returned).__name__}"):
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")


def test_an_async_signer_given_to_connect_async_is_refused_naming_it_and_never_run():
    ran = []

    async def kms_sign(digest):
        ran.append(digest)
        return SIGN(digest)

    async def main():
        gateway = connect_async(identity=IDENTITY, signer=kms_sign, transport=AsyncFakeTransport(FakeTransport()))
        await gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TypeError, match="signer .*kms_sign returned coroutine.*signers are synchronous"):
            asyncio.run(main())
        gc.collect()
    assert not ran
    assert not [w for w in caught if "never awaited" in str(w.message)]
