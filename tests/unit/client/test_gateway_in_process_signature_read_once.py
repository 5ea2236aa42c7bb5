"""An in-process key's signer (``private_key_signer``) returns low-S DER of the identity's own key, which the
Gateway sends as it is, without parsing it again; any other signer's output is still read and normalised."""
from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from client.gateway import Identity, private_key_signer
from client.gateway import _context
from client.gateway._context import SigningIdentity
from client.gateway.hashing import sha256
from .gateway_fakes import P256_ORDER, make_key_and_cert

KEY, CERT = make_key_and_cert("read-once")
IDENTITY = Identity("Org1MSP", CERT)
MESSAGE = b"a proposal's bytes"


def verified_low_s(signature: bytes) -> bool:
    KEY.public_key().verify(signature, MESSAGE, ec.ECDSA(hashes.SHA256()))
    r, s = utils.decode_dss_signature(signature)
    return signature == utils.encode_dss_signature(r, s) and s <= P256_ORDER // 2


def never_read(monkeypatch):
    def read(signature):
        raise AssertionError("the signature was parsed again")
    monkeypatch.setattr(_context, "leading_der_signature", read)


def test_the_in_process_signers_signatures_are_sent_unread_and_each_is_low_s_der(monkeypatch):
    never_read(monkeypatch)
    identity = SigningIdentity(IDENTITY, private_key_signer(KEY), sha256)
    assert all(verified_low_s(identity.sign(MESSAGE)) for _ in range(40))   # each half the time high-S


def test_another_keys_in_process_signer_is_still_read(monkeypatch):
    other_key, _ = make_key_and_cert("read-once-other")
    identity = SigningIdentity(IDENTITY, private_key_signer(other_key), sha256)
    never_read(monkeypatch)
    try:
        identity.sign(MESSAGE)
    except AssertionError as read:
        assert "parsed again" in str(read)
    else:
        raise AssertionError("a signature of another key was sent unread")


def test_a_signer_of_its_own_is_still_normalised_to_low_s():
    def high_s(digest: bytes) -> bytes:
        while True:
            der = KEY.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
            if utils.decode_dss_signature(der)[1] > P256_ORDER // 2:
                return der + b"\x00\x00"
    identity = SigningIdentity(IDENTITY, high_s, sha256)
    assert verified_low_s(identity.sign(MESSAGE))
    assert identity.digest(MESSAGE) == hashlib.sha256(MESSAGE).digest()


def test_a_signer_claiming_low_s_der_without_being_the_in_process_one_is_still_read(monkeypatch):
    def claims(digest: bytes) -> bytes:
        return KEY.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    claims.returns_low_s_der = True   # but no signing_public_key: not private_key_signer's
    identity = SigningIdentity(IDENTITY, claims, sha256)
    assert all(verified_low_s(identity.sign(MESSAGE)) for _ in range(20))
