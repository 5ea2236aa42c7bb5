"""An org whose client users are all revoked (its last one a leaver): acting as the org names the way on."""
from __future__ import annotations

import pytest

from cli.connection import default_user
from network import crl, profiles
from network.crypto import load_cert, load_key, org_crypto
from network.errors import NetworkError


def test_with_every_client_user_revoked_the_default_user_refusal_says_to_issue_one(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_key, ca_cert = load_key(paths.ca_key), load_cert(paths.ca_cert)
    revoking: list = []
    for user in org.users:
        serial = load_cert(paths.user_msp(user.name) / "signcerts" / "cert.pem").serial_number
        revoking = [crl.extended(ca_key, ca_cert, revoking, serial)]
    crl.crl_path(paths).parent.mkdir(exist_ok=True)
    crl.crl_path(paths).write_bytes(crl.pem(revoking[0]))
    profiles.write_all(topology, data_root)
    profile = profiles.load("bank", data_root)
    assert all(u.revoked for u in profile.users.values() if u.role == "client")

    refusal = (r"org bank has no client user in its profile that is not revoked: issue one "
               r".*`recfin org user add bank NAME`\), then act as it \(--as bank/NAME\)$")
    with pytest.raises(NetworkError, match=refusal) as refused:
        default_user(profile)
    assert "choose one" not in str(refused.value)     # every one it could choose is revoked
    assert "--user" not in str(refused.value)         # a hidden alias --help never shows
    assert default_user(profile, admin=True) == "admin"
