"""``subject_values`` reads back the values of one label of an id's subject DN as its certificate holds them: the
contract tells a node's identity (OU=peer, OU=orderer) from a client's by them, from the id alone."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from chaincode.client_ids import fabric_dn, subject_values, subject_values_of_every_reading

# values fabric_dn escapes (a separator, a leading space or #, a trailing space) or that hold the id's own "::"
AWKWARD_OUS = ["peer", "a, b+c", " lead", "trail ", "#hash", 'q"<>;\\', "x::y"]


def name(*attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


@pytest.mark.parametrize("ou", AWKWARD_OUS)
def test_each_value_of_a_label_reads_back_as_the_certificate_holds_it(ou):
    subject = name((NameOID.COMMON_NAME, "clerk"), (NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
                   (NameOID.ORGANIZATIONAL_UNIT_NAME, ou), (NameOID.ORGANIZATION_NAME, "Org::Ltd"))
    issuer = name((NameOID.COMMON_NAME, "ca"), (NameOID.ORGANIZATIONAL_UNIT_NAME, "orderer"))
    client_id = f"x509::{fabric_dn(subject)}::{fabric_dn(issuer)}"
    assert subject_values(client_id, "OU") == ["client", ou]   # never the issuer's OU
    assert subject_values(client_id, "CN") == ["clerk"]
    assert subject_values(client_id, "O") == ["Org::Ltd"]
    assert subject_values(client_id, "ST") == []


def test_an_empty_subject_has_no_values_and_text_no_certificate_presents_none():
    assert subject_values(f"x509::::{fabric_dn(name((NameOID.COMMON_NAME, 'ca')))}", "CN") == []
    for text in ("not an id", "x509::CN=a", "x509::OU=peer\\::CN=ca", "x509::CN=a::CN=ca\n"):
        assert subject_values(text, "OU") is None


def test_an_id_read_more_than_one_way_has_the_values_of_each_reading():
    """A subject of CN and OUs alone whose OU holds ``::``: the id is also that of a subject whose last OU ends before
    the ``::``, its issuer's OU taking the rest; the first reading (``subject_values``) is only one of them."""
    subject = name((NameOID.COMMON_NAME, "u"), (NameOID.ORGANIZATIONAL_UNIT_NAME, "orderer"),
                   (NameOID.ORGANIZATIONAL_UNIT_NAME, "client::OU=x"))
    issuer = name((NameOID.COMMON_NAME, "ca"), (NameOID.ORGANIZATION_NAME, "Org"))
    client_id = f"x509::{fabric_dn(subject)}::{fabric_dn(issuer)}"
    assert subject_values(client_id, "OU") == ["orderer", "client"]
    assert subject_values_of_every_reading(client_id, "OU") == [["orderer", "client"], ["orderer", "client::OU=x"]]
    plain = f"x509::{fabric_dn(name((NameOID.COMMON_NAME, 'u'), (NameOID.ORGANIZATIONAL_UNIT_NAME, 'client')))}::CN=ca"
    assert subject_values_of_every_reading(plain, "OU") == [["client"]]
    assert subject_values_of_every_reading("not an id", "OU") == []
