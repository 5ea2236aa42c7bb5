"""An org definition `recfin org add` takes carries a CA certificate Fabric accepts: with a Subject Key
Identifier and, where its key usage is limited, keyCertSign. One without them was taken, and the channel would
have held an MSP whose every identity fails validation (Fabric's MSP looks the signing CA's CRLs up by its key
identifier, Go's chain verification wants keyCertSign). A TLS CA needs no key identifier there."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from network import org_definition_file
from network.crypto import fabric_ski, load_cert, load_key
from network.org_definition_file import OrgDefinitionError

from . import test_org_own_keys
from .test_org_own_keys import _altered

company, sent = test_org_own_keys.company, test_org_own_keys.sent   # the fixtures of the tests these extend


def renewed(folder, name: str, *, ski: bool, cert_sign: bool) -> str:
    """The CA certificate in folder renewed for its key and subject with only the extensions asked for."""
    old, key = load_cert(folder / f"{name}.pem"), load_key(folder / f"{name}.key")
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=1)).not_valid_after(now + dt.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=cert_sign, crl_sign=True,
                                            encipher_only=False, decipher_only=False), critical=True))
    if ski:
        builder = builder.add_extension(x509.SubjectKeyIdentifier(fabric_ski(key.public_key())),
                                        critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("lacking, flags", [("a Subject Key Identifier", dict(ski=False, cert_sign=True)),
                                            ("keyUsage keyCertSign", dict(ski=True, cert_sign=False))])
def test_a_definition_whose_ca_fabric_does_not_accept_is_refused(company, sent, tmp_path, lacking, flags):
    ca = renewed(company.crypto / "ca", "ca", **flags)
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(ca_cert=ca))
    refusal = rf"msp.ca_cert \(CN=ca.bank2.*\) is no CA certificate Fabric accepts: it lacks {lacking}, so"
    with pytest.raises(OrgDefinitionError, match=refusal):
        org_definition_file.read(path)


def test_a_tls_ca_without_keycertsign_is_refused_and_one_without_a_key_identifier_taken(company, sent,
                                                                                        tmp_path):
    unsigning = renewed(company.crypto / "tlsca", "tlsca", ski=True, cert_sign=False)
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(tlsca_cert=unsigning))
    with pytest.raises(OrgDefinitionError, match=r"msp.tlsca_cert .* it lacks keyUsage keyCertSign"):
        org_definition_file.read(path)
    unnamed = renewed(company.crypto / "tlsca", "tlsca", ski=False, cert_sign=True)
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(tlsca_cert=unnamed))
    assert org_definition_file.read(path).tlsca_cert == unnamed.encode()
