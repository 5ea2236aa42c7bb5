"""No certificate outlives the CA that issued it: a CA whose certificate has ended issues nothing (a refusal
naming it, where a certificate ending before it began was a traceback), and one ending soon is named on every
run."""

import pytest

from network import crypto
from network.crypto import CaFilesError, org_crypto

from .channel_fixtures import ca_ending_in


def test_a_user_is_not_issued_from_a_ca_that_has_ended(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_ending_in(paths, -1)
    refusal = rf"{paths.ca_cert} ended on .*nothing is issued.*renew its certificate"
    with pytest.raises(CaFilesError, match=refusal):
        crypto.issue_user(paths, "officer9", "client", {"recfin.role": "financier"})
    assert not paths.user_dir("officer9").exists()


def test_generate_refuses_a_ca_that_has_ended_before_writing(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_ending_in(paths, -1)
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
    ca_ending_in(paths, 10)
    said = []
    crypto.generate(topology, data_root, say=said.append)
    assert [line for line in said if str(paths.ca_cert) in line and "ends on" in line]
    said.clear()
    ca_ending_in(paths, 400)
    crypto.generate(topology, data_root, say=said.append)
    assert not [line for line in said if "ends on" in line]
