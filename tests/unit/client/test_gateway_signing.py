"""Identity, signer and hash: signatures Fabric will accept."""

import hashlib
import os

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
from fabric_protos.msp import identities_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from client.gateway import Identity, connect, hashing, load_msp_folder, private_key_signer, signer_from_pem
from client.gateway._signer import to_low_s
from .gateway_fakes import P256_ORDER, FakeTransport, is_low_s, key_pem, make_key_and_cert, verify

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


P384_ORDER = int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16)


def verify_like_a_peer(public_key, signature: bytes, message: bytes) -> None:
    """What a peer's MSP does (msp/identities.go, identity.Verify): SHA-256 of the message, then the
    key's own verification over that digest, whatever the key type; ECDSA signatures must be low-S."""
    digest = hashlib.sha256(message).digest()
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        public_key.verify(signature, digest)
        return
    public_key.verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    order = {"secp256r1": P256_ORDER, "secp384r1": P384_ORDER}[public_key.curve.name]
    assert is_low_s(signature, order)


def _proposed(request) -> tuple[bytes, bytes]:
    return request.proposed_transaction.proposal_bytes, request.proposed_transaction.signature


_SIGNED_PART = {
    "evaluate": _proposed,
    "endorse": _proposed,
    "submit": lambda request: (request.prepared_transaction.payload, request.prepared_transaction.signature),
    "commit_status": lambda request: (request.request, request.signature),
}


def signed_parts(transport, *calls) -> list[tuple[bytes, bytes]]:
    """The signed bytes and the signature of the one request of each call, in the order given."""
    parts = []
    for call in calls:
        (request,) = transport.requests(call)
        parts.append(_SIGNED_PART[call](request))
    return parts


@pytest.mark.parametrize(
    "key",
    [ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP384R1()), ed25519.Ed25519PrivateKey.generate()],
    ids=["P-256", "P-384", "Ed25519"],
)
def test_every_key_type_signs_what_a_peer_verifies_with_the_default_hash(key):
    _, cert = make_key_and_cert("user", key=key)
    transport = FakeTransport()
    gateway = connect(identity=Identity("Org1MSP", cert), signer=private_key_signer(key), transport=transport)
    gateway.get_network("ch").get_contract("receivables").submit_transaction("Confirm", "R-1")

    public_key = Identity("Org1MSP", cert).certificate.public_key()
    for message, signature in signed_parts(transport, "endorse", "submit", "commit_status"):
        verify_like_a_peer(public_key, signature, message)


def test_the_hash_chosen_at_connect_is_what_every_signature_is_made_over():
    # An MSP set to SHA3 verifies over SHA3-256 of the signed bytes: the signer must get that digest,
    # the one each object exposes as ``digest`` for offline signing.
    digests = []

    def recording_signer(digest):
        digests.append(digest)
        return SIGN(digest)

    transport = FakeTransport()
    gateway = connect(identity=Identity("Org1MSP", CERT), signer=recording_signer, hash=hashing.sha3_256, transport=transport)
    contract = gateway.get_network("ch").get_contract("receivables")
    query = contract.new_proposal("Get", arguments=["R-1"])
    query.evaluate()
    proposal = contract.new_proposal("Confirm", arguments=["R-1"])
    transaction = proposal.endorse()
    commit = transaction.submit()
    commit.status()

    signed = signed_parts(transport, "evaluate", "endorse", "submit", "commit_status")
    expected = [hashlib.sha3_256(message).digest() for message, _ in signed]
    for digest, (_, signature) in zip(expected, signed):
        KEY.public_key().verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA3_256())))
    assert digests == expected == [query.digest, proposal.digest, transaction.digest, commit.digest]


def high_s(signature: bytes, order: int) -> bytes:
    """The same ECDSA signature with ``s`` replaced by ``n - s``: as valid, but in the form Fabric refuses."""
    r, s = utils.decode_dss_signature(signature)
    return utils.encode_dss_signature(r, order - s)


@pytest.mark.parametrize("curve, order", [(ec.SECP256R1(), P256_ORDER), (ec.SECP384R1(), P384_ORDER)],
                         ids=["P-256", "P-384"])
def test_a_high_s_signature_made_elsewhere_is_sent_low_s_and_still_verifies(curve, order):
    # A KMS, or cryptography's sign(), gives the high-S form half the time; a peer refuses it.
    key, cert = make_key_and_cert("user", curve=curve)
    low_s_made = []

    def sign_elsewhere(digest):
        low_s_made.append(private_key_signer(key)(digest))
        given = high_s(low_s_made[-1], order)
        assert not is_low_s(given, order)
        return given

    transport = FakeTransport()
    gateway = connect(identity=Identity("Org1MSP", cert), transport=transport)  # no signer: offline signing
    unsigned = gateway.get_network("ch").get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    proposal = gateway.new_signed_proposal(unsigned.bytes, sign_elsewhere(unsigned.digest))
    unsigned_tx = proposal.endorse()
    transaction = gateway.new_signed_transaction(unsigned_tx.bytes, sign_elsewhere(unsigned_tx.digest))
    unsigned_commit = transaction.submit()
    gateway.new_signed_commit(unsigned_commit.bytes, sign_elsewhere(unsigned_commit.digest)).status()

    sent = signed_parts(transport, "endorse", "submit", "commit_status")
    assert [signature for _, signature in sent] == low_s_made
    for message, signature in sent:
        verify_like_a_peer(key.public_key(), signature, message)


def test_a_pluggable_signer_that_gives_high_s_has_its_signatures_sent_low_s():
    # A remote signer passed to connect() is as likely as a KMS to return the high-S form; every
    # signed part of every call must still reach the peer low-S, and verify.
    made = []

    def high_s_signer(digest):
        made.append(SIGN(digest))
        return high_s(made[-1], P256_ORDER)

    transport = FakeTransport()
    gateway = connect(identity=Identity("Org1MSP", CERT), signer=high_s_signer, transport=transport)
    contract = gateway.get_network("ch").get_contract("receivables")
    contract.evaluate_transaction("Get", "R-1")
    contract.submit_transaction("Confirm", "R-1")

    sent = signed_parts(transport, "evaluate", "endorse", "submit", "commit_status")
    assert [signature for _, signature in sent] == made
    for message, signature in sent:
        assert is_low_s(signature)
        verify_like_a_peer(KEY.public_key(), signature, message)


@pytest.mark.parametrize(
    "signature, said",
    [
        (high_s(private_key_signer(ec.generate_private_key(ec.SECP384R1()))(bytes(32)), P384_ORDER),
         "its s is beyond the order of the curve"),
        (ed25519.Ed25519PrivateKey.generate().sign(bytes(32)), "64 bytes that are not a DER-encoded ECDSA signature"),
        (b"not a signature", "15 bytes that are not a DER-encoded ECDSA signature (they begin 6e6f742061207369)"),
    ],
    ids=["ECDSA on another curve", "Ed25519", "not DER"],
)
def test_a_signature_not_made_on_the_identitys_curve_is_refused_and_nothing_sent(signature, said):
    # A peer reads an ECDSA signature as DER and verifies no s beyond the curve's order: sent, it answered a bare
    # "access denied". (n - s would break such an s rather than mend it.)
    transport = FakeTransport()
    gateway = connect(identity=Identity("Org1MSP", CERT), transport=transport)
    unsigned = gateway.get_network("ch").get_contract("receivables").new_proposal("Get")
    with pytest.raises(ValueError) as refused:
        gateway.new_signed_proposal(unsigned.bytes, signature)
    assert said in str(refused.value)
    assert "the identity this proposal carries (CN=signer of MSP 'Org1MSP') has an ECDSA key on secp256r1" in str(
        refused.value)
    assert "Nothing was sent" in str(refused.value) and transport.calls == []


def test_r_and_s_side_by_side_are_refused_saying_how_to_encode_them_and_so_encoded_are_taken():
    # PKCS#11's CKM_ECDSA gives r and s as two 32-byte big-endian numbers, not DER
    gateway = connect(identity=Identity("Org1MSP", CERT), transport=FakeTransport())
    unsigned = gateway.get_network("ch").get_contract("receivables").new_proposal("Get")
    r, s = utils.decode_dss_signature(SIGN(unsigned.digest))
    side_by_side = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    with pytest.raises(ValueError) as refused:
        gateway.new_signed_proposal(unsigned.bytes, side_by_side)
    advice = ("DER-encode them with cryptography.hazmat.primitives.asymmetric.utils.encode_dss_signature("
              "int.from_bytes(signature[:32]), int.from_bytes(signature[32:]))")
    assert advice in str(refused.value)
    encoded = utils.encode_dss_signature(int.from_bytes(side_by_side[:32]), int.from_bytes(side_by_side[32:]))
    assert gateway.new_signed_proposal(unsigned.bytes, encoded).signature == encoded



def test_an_empty_signature_of_an_ed25519_identity_leaves_the_proposal_for_the_gateways_signer():
    # as for an ECDSA identity (and in the Go client): empty, it is no signature to check, where it was refused
    # as one the identity's key does not verify
    key = ed25519.Ed25519PrivateKey.generate()
    _, cert = make_key_and_cert("user", key=key)
    transport = FakeTransport()
    gateway = connect(identity=Identity("Org1MSP", cert), signer=private_key_signer(key), transport=transport)
    unsigned = gateway.get_network("ch").get_contract("receivables").new_proposal("Get")
    rebuilt = gateway.new_signed_proposal(unsigned.bytes, b"")
    assert rebuilt.signature == b""
    rebuilt.evaluate()
    ((message, signature),) = signed_parts(transport, "evaluate")
    verify_like_a_peer(key.public_key(), signature, message)

@pytest.mark.parametrize(
    "key, hash",
    [
        (ec.generate_private_key(ec.SECP384R1()), hashing.sha384),
        (ed25519.Ed25519PrivateKey.generate(), hashing.none),
    ],
    ids=["P-384 with SHA-384", "Ed25519 over the whole message"],
)
def test_signer_refuses_digests_no_peer_verifies(key, hash):
    with pytest.raises(ValueError, match="32-byte SHA-256 digest"):
        private_key_signer(key)(hash(b"a proposal longer than thirty-two bytes"))


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


@pytest.mark.parametrize(
    "key_format", [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL], ids=["PKCS8", "OpenSSL"]
)
def test_load_msp_folder_says_when_the_key_is_encrypted(tmp_path, key_format):
    msp = _msp(tmp_path, CERT, {})
    encrypted = KEY.private_bytes(serialization.Encoding.PEM, key_format, serialization.BestAvailableEncryption(b"secret"))
    (msp / "keystore" / "priv_sk").write_bytes(encrypted)
    with pytest.raises(ValueError, match=r"\(priv_sk\) is encrypted and no password was given: pass the key's password"):
        load_msp_folder(msp, "Org1MSP")
    with pytest.raises(ValueError, match=r"\(priv_sk\) is encrypted and the password given is wrong"):
        load_msp_folder(msp, "Org1MSP", password=b"wrong")
    _, signer = load_msp_folder(msp, "Org1MSP", password=b"secret")
    verify(KEY.public_key(), signer(hashing.sha256(b"m")), b"m")


def test_load_msp_folder_reads_an_unencrypted_key_when_a_password_is_given(tmp_path):
    # A folder script that always passes the password must work before and after the key is encrypted.
    msp = _msp(tmp_path, CERT, {"priv_sk": KEY})
    _, signer = load_msp_folder(msp, "Org1MSP", password=b"secret")
    verify(KEY.public_key(), signer(hashing.sha256(b"m")), b"m")


def test_load_msp_folder_takes_a_text_password(tmp_path):
    msp = _msp(tmp_path, CERT, {})
    encrypted = KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"secret")
    )
    (msp / "keystore" / "priv_sk").write_bytes(encrypted)
    _, signer = load_msp_folder(msp, "Org1MSP", password="secret")
    verify(KEY.public_key(), signer(hashing.sha256(b"m")), b"m")


def test_load_msp_folder_says_a_keystore_it_may_not_read_cannot_be_read(tmp_path, monkeypatch):
    """Bug: a keystore of mode 000 was reported as holding no key ("restore it"): Path.glob takes a folder it may not
    list for an empty one. Its listing is refused here as the kernel refuses it to a user other than root."""
    msp = _msp(tmp_path, CERT, {"priv_sk": KEY})
    listing = os.scandir

    def refused(path="."):
        if os.fspath(path) == str(msp / "keystore"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", refused)
    with pytest.raises(ValueError, match=rf"^cannot read {msp / 'keystore'}: Permission denied"):
        load_msp_folder(msp, "Org1MSP")


def test_load_msp_folder_names_a_key_file_it_cannot_read_as_a_key(tmp_path):
    msp = _msp(tmp_path, CERT, {})
    (msp / "keystore" / "priv_sk").write_bytes(b"\xff\xfe garbage, not a PEM key")
    with pytest.raises(ValueError, match="priv_sk cannot be read as a PEM private key"):
        load_msp_folder(msp, "Org1MSP")


def test_load_msp_folder_names_a_certificate_that_is_a_folder(tmp_path):
    msp = _msp(tmp_path, CERT, {"priv_sk": KEY})
    (msp / "signcerts" / "cert.pem").unlink()
    (msp / "signcerts" / "cert.pem").mkdir()
    with pytest.raises(ValueError, match=r"cert.pem: it is a folder, not a file holding a certificate"):
        load_msp_folder(msp, "Org1MSP")
