"""`recfin host adopt-keys` puts an identity into the bundle only with its private key: a keys folder
that lost a peer's TLS key or a user's keystore key (or holds another key in its place) is refused
naming the file, before anything is copied, where the bundle was completed and said nothing was
missing. A revoked user needs no key."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from network import crl, crypto
from network.bundle_keys import AdoptKeysError, adopt_keys
from network.crypto import load_cert, load_key, org_crypto

from .test_org_own_keys import company, keyless_bundle  # noqa: F401  (the fixtures)


def _other_key_pem() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _keys(company):
    org = company.definition.org
    return org_crypto(company.root, org.name, org.domain)


@pytest.mark.parametrize("loss", ["peer TLS key gone", "peer TLS key another", "admin keystore key gone"])
def test_an_identity_without_its_key_is_refused_and_nothing_is_copied(company, keyless_bundle, loss):
    keys = _keys(company)
    if loss.startswith("peer"):
        (lost,) = (keys.root / "nodes").glob("*/tls/server.key")
        if loss.endswith("gone"):
            lost.unlink()
        else:
            lost.write_bytes(_other_key_pem())
    else:
        (lost,) = (keys.user_msp(company.definition.org.admin) / "keystore").glob("*_sk")
        lost.unlink()
    before = sorted(p for p in keyless_bundle.rglob("*"))
    folder = lost.parent if loss.startswith("admin") else lost
    with pytest.raises(AdoptKeysError, match=rf"{folder}.*Restore the key"):
        adopt_keys(keyless_bundle, company.root)
    assert sorted(p for p in keyless_bundle.rglob("*")) == before


def test_a_revoked_user_with_its_key_lost_is_adopted(company, keyless_bundle):
    keys = _keys(company)
    user = company.definition.org.users[0].name
    cert = load_cert(keys.user_msp(user) / "signcerts" / "cert.pem")
    listed = {cert.serial_number: cert.not_valid_before_utc}
    revoked = crl.build(load_key(keys.ca_key), load_cert(keys.ca_cert), listed, 1)
    crl.write_local(keys, crl.pem(revoked))
    for key in (keys.user_msp(user) / "keystore").glob("*_sk"):
        key.unlink()
    assert crypto.revoked_by_org(keys, cert)
    assert adopt_keys(keyless_bundle, company.root).missing == []
