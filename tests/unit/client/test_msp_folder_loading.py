"""Loading an MSP folder whose files are not what a signing identity needs: each refusal names the file and
what to do, and a key the folder holds beside the certificate's own does not keep it from being found."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from client.gateway import Identity, hashing, load_msp_folder
from cli.connection import reports_ledger_errors
from .gateway_fakes import key_pem, make_key_and_cert, verify

# A throwaway SM2 key (`openssl genpkey -algorithm SM2`), the kind Fabric's Chinese forks use:
# cryptography has no support for its curve.
SM2_KEY = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgDZCyBfVZOoHqYl1P
DCM1uRqdia+kxlAdmT3i2/4Yr2KhRANCAARBDecRJZs5KFgslxsZ3vUu+wbvi1fU
57oVf9Gb4QvvOLRc/OASykQY37rvxD7mtqJeGe5kIjFKLQ9c4zo629M3
-----END PRIVATE KEY-----
"""


def _msp(folder, cert: bytes, keys: dict[str, bytes]):
    (folder / "signcerts").mkdir()
    (folder / "keystore").mkdir()
    (folder / "signcerts" / "cert.pem").write_bytes(cert)
    for name, pem in keys.items():
        (folder / "keystore" / name).write_bytes(pem)
    return folder


def test_a_key_cryptography_cannot_read_is_passed_over_for_the_certificates_own(tmp_path):
    """Bug: an SM2 key left in the keystore raised cryptography's UnsupportedAlgorithm out of load_msp_folder
    (no ValueError: a CLI command printed a traceback), though the certificate's own key was there too."""
    key, cert = make_key_and_cert()
    msp = _msp(tmp_path, cert, {"a_sk": SM2_KEY, "z_sk": key_pem(key)})
    _, signer = load_msp_folder(msp, "Org1MSP")
    verify(key.public_key(), signer(hashing.sha256(b"m")), b"m")


def test_a_keystore_of_only_a_key_cryptography_cannot_read_is_named_in_one_line(tmp_path):
    _, cert = make_key_and_cert()
    msp = _msp(tmp_path, cert, {"priv_sk": SM2_KEY})
    with pytest.raises(ValueError, match=r"priv_sk cannot be read as a PEM private key .*SM2.*restore"):
        load_msp_folder(msp, "Org1MSP")
    with pytest.raises(Exception, match="priv_sk cannot be read") as caught:   # a CLI command's one line
        reports_ledger_errors(load_msp_folder)(msp, "Org1MSP")
    assert type(caught.value).__name__ == "ClickException"


@pytest.mark.parametrize(
    "key", [rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP521R1())],
    ids=["RSA", "P-521"])
def test_a_certificates_key_of_a_kind_not_signed_with_is_named_with_what_to_do(tmp_path, key):
    """Bug: an RSA key was a TypeError "unsupported private key type RSAPrivateKey", a P-521 one a ValueError
    of its curve, neither naming the key file nor what to do."""
    _, cert = make_key_and_cert(key=key)
    msp = _msp(tmp_path, cert, {"priv_sk": key_pem(key)})
    said = (rf"^cannot sign with {msp / 'keystore' / 'priv_sk'}, the key of the certificate cert.pem: "
            r"unsupported .*: this client signs with ECDSA keys on P-256 or P-384, or with Ed25519 keys; "
            r"issue the user a certificate for an ECDSA P-256 key")
    with pytest.raises(ValueError, match=said):
        load_msp_folder(msp, "Org1MSP")


@pytest.mark.parametrize("content, said", [
    (b"", "holds no PEM certificate"),
    ("der", "holds no PEM certificate .*openssl x509 -inform der"),
    (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
     "holds a certificate that does not parse .*restore the identity's certificate"),
], ids=["empty", "DER", "damaged"])
def test_a_certificate_that_cannot_be_read_is_named_with_what_to_do(tmp_path, content, said):
    """Bug: cryptography's own error ("Unable to load PEM file ... MalformedFraming", "error parsing asn1
    value") came out, naming neither the file nor what to do; a DER file was said to hold text outside its
    PEM blocks."""
    key, cert = make_key_and_cert()
    if content == "der":
        content = Identity("Org1MSP", cert).certificate.public_bytes(serialization.Encoding.DER)
    msp = _msp(tmp_path, content, {"priv_sk": key_pem(key)})
    with pytest.raises(ValueError, match=f"^{msp / 'signcerts' / 'cert.pem'} {said}"):
        load_msp_folder(msp, "Org1MSP")
    with pytest.raises(ValueError, match=f"^the PEM given as the identity's credentials {said}"):
        Identity("Org1MSP", content)


def test_a_keystore_of_other_certificates_keys_names_them_and_recfins_way_forward(tmp_path):
    """Bug: the refusal named none of the key files it had compared, and said to enroll the user again, which
    recfin never does: it issues a name one certificate, and a lost key means revoking it and a new user."""
    other, _ = make_key_and_cert("other")
    _, cert = make_key_and_cert()
    msp = _msp(tmp_path, cert, {"other_sk": key_pem(other)})
    with pytest.raises(ValueError) as refused:
        load_msp_folder(msp, "Org1MSP")
    said = str(refused.value)
    assert said.startswith(f"no private key in {msp / 'keystore'} matches the certificate cert.pem: other_sk "
                           f"there is another certificate's key. Put the key cert.pem was issued for in "
                           f"keystore/, or run `recfin hsm link`"), said
    assert "`recfin org user revoke ORG USER`" in said and "`recfin org user add ORG NAME`" in said, said
    assert "enroll" not in said, said


def test_many_other_certificates_keys_are_named_a_few_then_counted(tmp_path):
    _, cert = make_key_and_cert()
    msp = _msp(tmp_path, cert, {f"k{n}_sk": key_pem(make_key_and_cert(f"o{n}")[0]) for n in range(5)})
    with pytest.raises(ValueError, match=r"matches the certificate cert.pem: k0_sk, k1_sk, k2_sk and 2 more "
                       r"there are other certificates' keys\. Put the key"):
        load_msp_folder(msp, "Org1MSP")


def test_several_certificates_in_signcerts_say_what_to_do(tmp_path):
    key, cert = make_key_and_cert()
    msp = _msp(tmp_path, cert, {"priv_sk": key_pem(key)})
    (msp / "signcerts" / "old.pem").write_bytes(make_key_and_cert()[1])
    with pytest.raises(ValueError, match=r"more than one certificate in .*\['cert.pem', 'old.pem'\]: keep "
                       r"only the certificate of the identity to sign as there"):
        load_msp_folder(msp, "Org1MSP")
