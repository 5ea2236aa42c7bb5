"""An org definition `recfin org add` takes names its admins by the OU the receivables contract knows them by.

The contract cannot read the channel's MSPs: it takes a certificate carrying OU ``admin`` (and no other role's OU)
for an org admin. A joining org whose admin OU were another would have its admins refused by the contract, and any
of its certificates carrying OU ``admin`` taken for one.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from network import org_definition_file
from network.crypto import issue, load_cert, load_key, new_key
from network.org_definition_file import OrgDefinitionError

from . import test_org_own_keys
from .test_org_own_keys import _altered

company, sent = test_org_own_keys.company, test_org_own_keys.sent   # the fixtures of the tests these extend


def _admin_cert_with_ou(company, ou: str) -> str:
    """An admin certificate from the company's own CA, carrying OU ``ou``: the one a definition naming that OU needs."""
    ca_dir = company.crypto / "ca"
    cert = issue(load_key(ca_dir / "ca.key"), load_cert(ca_dir / "ca.pem"), new_key(), cn="officer@bank2",
                 org="bank2", ou=ou)
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_a_definition_whose_admin_ou_is_not_admin_is_refused(company, sent, tmp_path):
    officers = _admin_cert_with_ou(company, "officers")
    path = _altered(sent, tmp_path, lambda d: (d["msp"]["node_ous"].update(admin="officers"),
                                               d.update(admin_cert=officers)))
    with pytest.raises(OrgDefinitionError, match="the admin OU is 'officers', but the receivables contract knows "
                                                 "an org's admins by the OU 'admin' alone: issue the org's admin "
                                                 "with OU 'admin'"):
        org_definition_file.read(path)


def test_a_definition_giving_another_role_the_admin_ou_is_refused(sent, tmp_path):
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].update(client="admin"))
    with pytest.raises(OrgDefinitionError, match="the client OU is 'admin' too, but the receivables contract"):
        org_definition_file.read(path)


def test_the_definition_org_keys_writes_is_read(sent):
    assert org_definition_file.read(sent).node_ous["admin"] == "admin"
