"""No certificate outlives the CA that issued it: a CA whose certificate has ended issues nothing (a refusal
naming it, where a certificate ending before it began was a traceback), and one ending soon is named on every
run."""
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from network import crypto
from network.crypto import CaFilesError, load_cert, load_key, org_crypto


def _ca_ending_in(paths, days: float) -> None:
    """The org's CA certificate signed again by its key, same subject and extensions, ending in days."""
    key, old = load_key(paths.ca_key), load_cert(paths.ca_cert)
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.subject)
               .public_key(key.public_key()).serial_number(old.serial_number)
               .not_valid_before(now - dt.timedelta(days=3000))
               .not_valid_after(now + dt.timedelta(days=days)))
    for extension in old.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    pem = crypto._pem_cert(builder.sign(key, hashes.SHA256()))
    for path in (paths.ca_cert, paths.msp_dir / "cacerts" / "ca.pem"):
        path.write_bytes(pem)


def test_a_user_is_not_issued_from_a_ca_that_has_ended(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    _ca_ending_in(paths, -1)
    refusal = rf"{paths.ca_cert} ended on .*nothing is issued.*renew its certificate"
    with pytest.raises(CaFilesError, match=refusal):
        crypto.issue_user(paths, "officer9", "client", {"recfin.role": "financier"})
    assert not paths.user_dir("officer9").exists()


def test_generate_refuses_a_ca_that_has_ended_before_writing(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    _ca_ending_in(paths, -1)
    node_dir = paths.node_dir(topology.peers(org.name)[0].hostname)
    for key in (node_dir / "msp" / "keystore").glob("*_sk"):
        key.unlink()
    cert_before = (node_dir / "msp" / "signcerts" / "cert.pem").read_bytes()
    with pytest.raises(CaFilesError, match=rf"{paths.ca_cert} ended on"):
        crypto.generate(topology, data_root)
    assert (node_dir / "msp" / "signcerts" / "cert.pem").read_bytes() == cert_before
    assert not any((node_dir / "msp" / "keystore").glob("*_sk"))


def test_a_ca_ending_soon_is_named_on_every_run(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    _ca_ending_in(paths, 10)
    said = []
    crypto.generate(topology, data_root, say=said.append)
    assert [line for line in said if str(paths.ca_cert) in line and "ends on" in line]
    said.clear()
    _ca_ending_in(paths, 400)
    crypto.generate(topology, data_root, say=said.append)
    assert not [line for line in said if "ends on" in line]
