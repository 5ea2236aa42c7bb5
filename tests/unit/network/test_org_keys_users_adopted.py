"""A user a company issues from its own keys folder (`recfin org user add --keys`) reaches its bundle.

The user is recorded in the keys folder's membership.yaml only: the network's host, which writes the
company's certificates-only bundle, never hears of it. `recfin host adopt-keys`, run again, puts it in.
"""
from __future__ import annotations

import json
import stat

from network import bundle, org_keys
from network.bundle_keys import adopt_keys
from network.crypto import load_cert, org_crypto
from network.org_users import CaFolder, add_user, keys_folder_org

from .channel_fixtures import certificates_only_bundle

CODE = "91110000MA1K00007E"


def test_a_user_issued_from_the_keys_folder_reaches_the_bundle_when_keys_are_adopted_again(
        hosts, network_host, tmp_path):
    company = org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "keys")
    root = certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle")
    adopt_keys(root, company.root)
    add_user(CaFolder(company.root, keys_folder_org(company.root, "bank2")), "officer3", {})

    adopt_keys(root, company.root)

    profile = json.loads((root / "profiles" / "bank2.json").read_text())
    assert list(profile["users"]) == ["admin", "officer1", "officer2", "officer3"]
    keys = org_crypto(company.root, "bank2", company.definition.org.domain)
    mine = org_crypto(root, "bank2", company.definition.org.domain)
    cert = load_cert(mine.user_msp("officer3") / "signcerts" / "cert.pem")
    assert cert == load_cert(keys.user_msp("officer3") / "signcerts" / "cert.pem")
    key_file, = (mine.user_msp("officer3") / "keystore").glob("*_sk")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "crypto/bank2/users/officer3@bank2.recfin.local/msp/signcerts/cert.pem" in json.loads(
        (root / bundle.MANIFEST).read_text())["files"]
