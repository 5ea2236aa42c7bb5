"""An org's own bundle never carries its CA keys, however one got among the certificates of its verifying MSP
folder (a link to ca/ca.key, a key saved as .pem), while the signing keys it is meant to carry, its peers' and
users' keystores, are carried as before."""
from __future__ import annotations

import os

from network import bundle
from network.crypto import org_crypto


def test_a_key_among_the_orgs_own_msp_certificates_is_left_out_and_its_signing_keys_are_kept(
        hosts, network_host, tmp_path):
    supplier = org_crypto(network_host, "supplier", "supplier.recfin.local")
    os.symlink(supplier.root / "ca" / "ca.key", supplier.msp_dir / "cacerts" / "ca-key.pem")
    tls_ca_key = (supplier.root / "tlsca" / "tlsca.key").read_bytes()
    (supplier.msp_dir / "tlscacerts" / "saved.pem").write_bytes(tls_ca_key)

    written = bundle.write(hosts, network_host, "supplier", tmp_path / "supplier")
    mine = org_crypto(written.root, "supplier", "supplier.recfin.local")
    copied = sorted(p.relative_to(mine.msp_dir).as_posix() for p in mine.msp_dir.rglob("*") if p.is_file())
    assert "cacerts/ca.pem" in copied and "tlscacerts/tlsca.pem" in copied and "config.yaml" in copied
    assert "cacerts/ca-key.pem" not in copied and "tlscacerts/saved.pem" not in copied
    assert not [p for p in copied if b"PRIVATE KEY" in (mine.msp_dir / p).read_bytes()]
    ca_keys = {(supplier.root / "ca" / "ca.key").read_bytes(), tls_ca_key}
    assert not [p for p in mine.root.rglob("*") if p.is_file() and p.read_bytes() in ca_keys]

    # the signing keys the bundle is for: each peer's and each user's keystore, as in the org's folder
    keystores = sorted(p.relative_to(supplier.root) for p in supplier.root.rglob("keystore/*") if p.is_file())
    assert {p.parts[0] for p in keystores} == {"nodes", "users"}
    for key in keystores:
        assert (mine.root / key).read_bytes() == (supplier.root / key).read_bytes(), key
