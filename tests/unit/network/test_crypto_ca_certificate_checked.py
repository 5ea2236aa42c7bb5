"""A kept CA certificate must be one Fabric accepts before anything is issued from it: basicConstraints
CA:TRUE, keyUsage keyCertSign, a Subject Key Identifier. One renewed by hand without them (the docs ask for
a renewal when a CA ends) was a traceback (no SKI) or silently issued certificates no peer verifies
(CA:FALSE, no keyCertSign); now it is refused naming the file and what it lacks, before anything is
written."""

import pytest

from network import crypto
from network.crypto import CaFilesError, load_cert, org_crypto

from .ca_renewal import renewed_ca_pem


def renewed_by_hand(paths, *, ski: bool, ca: bool, cert_sign: bool) -> None:
    """The org's CA certificate renewed for the same key and subject by a tool that sets only the extensions
    asked for; the org's verifying MSP holds the renewed one, as the docs' renewal leaves it."""
    pem = renewed_ca_pem(paths.ca_cert, paths.ca_key, ski=ski, ca=ca, cert_sign=cert_sign)
    paths.ca_cert.write_bytes(pem)
    (paths.msp_dir / "cacerts" / "ca.pem").write_bytes(pem)


@pytest.mark.parametrize("lacking, flags", [
    ("a Subject Key Identifier", dict(ski=False, ca=True, cert_sign=True)),
    ("basicConstraints CA:TRUE", dict(ski=True, ca=False, cert_sign=True)),
    ("keyUsage keyCertSign", dict(ski=True, ca=True, cert_sign=False)),
])
def test_generate_refuses_a_ca_certificate_fabric_does_not_accept_before_writing(topology, data_root, lacking,
                                                                                  flags):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    renewed_by_hand(paths, **flags)
    signcerts = paths.node_dir(topology.peers(org.name)[0].hostname) / "msp" / "signcerts"
    (signcerts / "cert.pem").unlink()       # moved away to be issued again, as the docs say
    with pytest.raises(CaFilesError, match=rf"{paths.ca_cert} is no CA certificate Fabric accepts: it lacks "
                                           rf"{lacking}\. Renew it"):
        crypto.generate(topology, data_root)
    assert not (signcerts / "cert.pem").exists()


def test_a_user_is_not_issued_from_a_ca_certificate_without_a_key_identifier(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    renewed_by_hand(paths, ski=False, ca=True, cert_sign=True)
    with pytest.raises(CaFilesError, match="lacks a Subject Key Identifier"):
        crypto.issue_user(paths, "officer9", "client", {"recfin.role": "financier"})
    assert not paths.user_dir("officer9").exists()


def test_the_generators_own_cas_pass(topology, data_root):
    for org in topology.orgs:
        paths = org_crypto(data_root, org.name, org.domain)
        for cert_path in (paths.ca_cert, paths.tlsca_cert):
            assert crypto.ca_certificate_problem(cert_path, load_cert(cert_path)) is None
