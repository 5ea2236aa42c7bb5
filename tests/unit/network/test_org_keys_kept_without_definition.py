"""`recfin org keys` run again refuses a spec that would need other certificates, also when the keys folder
holds the org's keys without its definition (a first run stopped between writing the keys and the definition,
or the file was removed): the generator keeps every certificate once issued, so the definition written then
named the new enterprise or role while the users' certificates carried the first run's."""
from __future__ import annotations

import pytest

from network import org_keys
from network.crypto import cert_attrs, load_cert, org_crypto

FIRST, OTHER = "91110000MA1K00007E", "91330100MA1K000040"


def keys_without_definition(hosts, out, enterprise: str) -> org_keys.OrgKeys:
    made = org_keys.make(hosts, "bank2", "bank", enterprise, out)
    made.definition_path.unlink()       # as a run stopped before it wrote the definition leaves the folder
    return made


def test_another_enterprise_is_refused_where_the_keys_are_kept_without_a_definition(hosts, tmp_path):
    out = tmp_path / "keys"
    made = keys_without_definition(hosts, out, FIRST)
    refusal = rf"made for another spec.*officer1: recfin.enterprise {FIRST} in its certificate, {OTHER} given"
    with pytest.raises(org_keys.OrgKeysError, match=refusal + ".*--enterprise"):
        org_keys.make(hosts, "bank2", "bank", OTHER, out)
    assert not made.definition_path.exists()


def test_another_role_is_refused_where_the_keys_are_kept_without_a_definition(hosts, tmp_path):
    out = tmp_path / "keys"
    keys_without_definition(hosts, out, FIRST)
    with pytest.raises(org_keys.OrgKeysError, match=r"officer1: held here, not one of the users given"):
        org_keys.make(hosts, "bank2", "supplier", OTHER, out)


def test_the_same_spec_completes_the_definition_for_the_kept_keys(hosts, tmp_path):
    out = tmp_path / "keys"
    keys_without_definition(hosts, out, FIRST)
    again = org_keys.make(hosts, "bank2", "bank", FIRST, out)
    paths = org_crypto(out, "bank2", again.definition.org.domain)
    for user in again.definition.org.users:
        assert cert_attrs(load_cert(paths.user_msp(user.name) / "signcerts" / "cert.pem")) == user.attrs
