"""Identity, signer and hash: signatures Fabric will accept."""

import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
from fabric_protos.msp import identities_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from client.gateway import Identity, hashing, load_msp_folder, private_key_signer, signer_from_pem
from client.gateway._signer import to_low_s
from .gateway_fakes import P256_ORDER, is_low_s, key_pem, make_key_and_cert, verify

KEY, CERT = make_key_and_cert("signer")
SIGN = private_key_signer(KEY)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_p256_signatures_verify_and_are_low_s(message):
    signature = SIGN(hashing.sha256(message))
    verify(KEY.public_key(), signature, message)
    assert is_low_s(signature)


def test_signature_does_not_verify_for_another_message():
    signature = SIGN(hashing.sha256(b"pay 100"))
    with pytest.raises(InvalidSignature):
        verify(KEY.public_key(), signature, b"pay 900")


def test_to_low_s_flips_high_s_and_keeps_signature_valid():
    digest = hashlib.sha256(b"m").digest()
    r, s = 0, 0
    # find a raw signature with high S, then normalise it
    for _ in range(64):
        der = KEY.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        r, s = utils.decode_dss_signature(der)
        if s > P256_ORDER // 2:
            break
    assert s > P256_ORDER // 2, "no high-S signature in 64 tries"
    low = to_low_s(der, P256_ORDER)
    assert utils.decode_dss_signature(low) == (r, P256_ORDER - s)
    verify(KEY.public_key(), low, b"m")


def test_p384_signer_with_sha384():
    key, _ = make_key_and_cert("p384", curve=ec.SECP384R1())
    signature = private_key_signer(key)(hashing.sha384(b"msg"))
    key.public_key().verify(signature, b"msg", ec.ECDSA(hashes.SHA384()))
    order = int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16)
    assert is_low_s(signature, order)


def test_ed25519_signs_the_whole_message_with_hash_none():
    key = ed25519.Ed25519PrivateKey.generate()
    signature = private_key_signer(key)(hashing.none(b"msg"))
    key.public_key().verify(signature, b"msg")


def test_signer_rejects_digest_of_unknown_size():
    with pytest.raises(ValueError, match="digest"):
        SIGN(b"short")


def test_signer_from_pem_matches_key():
    signature = signer_from_pem(key_pem(KEY).decode())(hashing.sha256(b"x"))
    verify(KEY.public_key(), signature, b"x")


def test_identity_serializes_as_msp_serialized_identity():
    identity = Identity.from_pem("Org1MSP", CERT.decode())
    decoded = identities_pb2.SerializedIdentity.FromString(identity.serialize())
    assert decoded.mspid == "Org1MSP"
    assert decoded.id_bytes == CERT


def test_identity_rejects_bad_certificate():
    with pytest.raises(ValueError):
        Identity("Org1MSP", b"not a certificate")


def _msp(tmp_path, cert, keys):
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(cert)
    for name, key in keys.items():
        (tmp_path / "keystore" / name).write_bytes(key_pem(key))
    return tmp_path


def test_load_msp_folder_picks_the_key_matching_the_certificate(tmp_path):
    other, _ = make_key_and_cert("other")
    msp = _msp(tmp_path, CERT, {"aaaa_sk": other, "priv_sk": KEY})
    identity, signer = load_msp_folder(msp, "Org1MSP")
    assert identity.msp_id == "Org1MSP" and identity.credentials == CERT
    verify(KEY.public_key(), signer(hashing.sha256(b"hello")), b"hello")


def test_load_msp_folder_reads_pem_named_keys(tmp_path):
    msp = _msp(tmp_path, CERT, {"key.pem": KEY})
    _, signer = load_msp_folder(msp, "Org1MSP")
    verify(KEY.public_key(), signer(hashing.sha256(b"a")), b"a")


def test_load_msp_folder_without_matching_key_fails(tmp_path):
    other, _ = make_key_and_cert("other")
    msp = _msp(tmp_path, CERT, {"other_sk": other})
    with pytest.raises(ValueError, match="matches the certificate"):
        load_msp_folder(msp, "Org1MSP")


def test_load_msp_folder_without_certificate_fails(tmp_path):
    (tmp_path / "signcerts").mkdir()
    with pytest.raises(ValueError, match="no certificate"):
        load_msp_folder(tmp_path, "Org1MSP")
