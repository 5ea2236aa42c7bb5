"""A bundle carries the other orgs' certificates only, never a private key of theirs, however it got among them.

The other orgs' verifying MSP folders are copied by name (.pem, .crt, .yaml, keystore/ left out): a key saved
under a .pem name there, or a link to the org's CA key, would go to another company with its bundle.
"""
from __future__ import annotations

import os
import re

import pytest
from cryptography.hazmat.primitives import serialization

from network import bundle
from network.errors import NetworkError
from network.crypto import org_crypto


def test_another_orgs_key_among_its_certificates_is_left_out_of_the_bundle(hosts, network_host, tmp_path):
    bank = org_crypto(network_host, "bank", "bank.recfin.local")
    os.symlink(bank.root / "ca" / "ca.key", bank.msp_dir / "cacerts" / "ca-key.pem")
    (bank.msp_dir / "tlscacerts" / "saved.pem").write_bytes((bank.root / "tlsca" / "tlsca.key").read_bytes())

    written = bundle.write(hosts, network_host, "supplier", tmp_path / "supplier")
    theirs = org_crypto(written.root, "bank", "bank.recfin.local")
    copied = sorted(p.relative_to(theirs.root).as_posix() for p in theirs.root.rglob("*") if p.is_file())
    assert copied and not [p for p in copied if b"PRIVATE KEY" in (theirs.root / p).read_bytes()]
    assert "msp/cacerts/ca.pem" in copied and "msp/cacerts/ca-key.pem" not in copied
    assert "msp/tlscacerts/saved.pem" not in copied


@pytest.mark.parametrize("org, certificate, key_form", [("bank", "ca_cert", "PEM"), ("bank", "tlsca_cert", "PEM"),
                                                       ("supplier", "ca_cert", "PEM"), ("bank", "ca_cert", "DER")])
def test_a_ca_certificate_file_holding_its_key_is_refused_and_the_earlier_bundle_stays(
        hosts, network_host, tmp_path, org, certificate, key_form):
    out = tmp_path / "bundles" / "supplier"
    bundle.write(hosts, network_host, "supplier", out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    spec = hosts.org(org)
    crypto = org_crypto(network_host, spec.name, spec.domain)
    cert_file = getattr(crypto, certificate)
    key_file = cert_file.with_suffix(".key")     # the generator keeps the CA's key beside its certificate
    key = key_file.read_bytes()
    if key_form == "DER":       # the key's DER appended to the certificate's PEM: no PRIVATE KEY text in the file
        key = serialization.load_pem_private_key(key, None).private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    cert_file.write_bytes(cert_file.read_bytes() + key)   # one file holding both

    with pytest.raises(NetworkError, match=rf"{re.escape(str(cert_file))} holds a private key.*Nothing was written"):
        bundle.write(hosts, network_host, "supplier", out)

    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in out.rglob("*") if p.is_file() and crypto.root.name in p.parts
                and p.parent.name in ("ca", "tlsca") and p.read_bytes().endswith(key)]
    assert sorted(p.name for p in out.parent.iterdir()) == ["supplier"]      # no half-built bundle beside it
