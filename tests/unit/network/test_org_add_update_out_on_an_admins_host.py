"""`recfin org add NAME --update-out FILE` on a host whose data folder holds one channel org's admin keys and the
orderers' TLS CA certificate, as docs/deployment.md says is enough ("It signs with the admin keys it has"), was
refused: it completed every org's crypto there first, and the orderer org's TLS CA key was not there ("restore it");
on a folder holding no org of the channel at all, it made CAs for every org, none of which the channel knows. It
makes the new org's crypto alone and signs as the admins it has."""
from __future__ import annotations

import pytest

from network.crypto import org_crypto
from network.org_membership import OrgMembership

from .channel_fixtures import channel_config
from .scripted_channel import BANK2_CODE, admins_host, host


@pytest.fixture
def current(hosts, network_host):
    return channel_config(hosts, network_host)


def _private_keys(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes())


def test_an_admins_host_writes_the_update_signed_as_its_admin(fake_fabric, hosts, network_host, current, tmp_path):
    admin_host = admins_host(hosts, network_host, tmp_path / "bank-host", "bank")
    before = _private_keys(admin_host)
    writer: OrgMembership = host(hosts, admin_host, None)
    change = writer.plan_add("bank2", "bank", BANK2_CODE, current=current)
    path = writer.write_update(change, tmp_path / "bank2.tx")
    assert path.is_file() and change.summary()["signed_by"] == ["BankMSP"]
    assert sorted(p.name for p in (admin_host / "crypto").iterdir()) == ["bank", "bank2", "orderer"]
    made = [key for key in _private_keys(admin_host) if key not in before]
    assert made and all(key.startswith("crypto/bank2/") for key in made), made    # the new org's keys alone
    assert not org_crypto(admin_host, "orderer", hosts.orderer_org.domain).ca_cert.exists()
