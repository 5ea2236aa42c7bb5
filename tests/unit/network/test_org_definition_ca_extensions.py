"""An org definition `recfin org add` takes carries a CA certificate Fabric accepts: with a Subject Key
Identifier and, where its key usage is limited, keyCertSign. One without them was taken, and the channel would
have held an MSP whose every identity fails validation (Fabric's MSP looks the signing CA's CRLs up by its key
identifier, Go's chain verification wants keyCertSign). A TLS CA needs no key identifier there."""

from __future__ import annotations

import pytest

from network import org_definition_file
from network.org_definition_file import OrgDefinitionError

from . import test_org_own_keys
from .ca_renewal import renewed_ca_pem
from .test_org_own_keys import _altered

company, sent = test_org_own_keys.company, test_org_own_keys.sent   # the fixtures of the tests these extend


def renewed(folder, name: str, *, ski: bool, cert_sign: bool) -> str:
    """The CA certificate in folder renewed for its key and subject with only the extensions asked for."""
    return renewed_ca_pem(folder / f"{name}.pem", folder / f"{name}.key", ski=ski,
                          cert_sign=cert_sign).decode()


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
