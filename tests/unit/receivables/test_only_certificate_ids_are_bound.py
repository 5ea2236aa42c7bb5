"""An identity bound to a party is one a certificate can present: ``x509::<subject DN>::<issuer DN>`` as the
contract forms it from the caller's certificate. Any other text (``+5``, an id copied from a wrapped line, one cut
short) would act for no one, yet be counted as an identity left to act for the party; registering or binding it is
refused ``client-id-invalid``, and nothing is written."""
from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chaincode.shim import client_id_problem, x509_client_id

from .support import SUPPLIER, client_identity, credit_code, standard_net

REAL = client_identity(SUPPLIER, "clerk").id
NOT_PRESENTED = [
    "+5",
    REAL.replace("clerk", "cl\nerk"),                      # copied from a wrapped line
    REAL.replace("clerk", "cl\terk"),
    REAL.rsplit(",", 1)[0] + ",C",                         # cut short
    REAL.split("::CN=")[0],                                # no issuer
    REAL.replace(",OU=", ", OU="),                         # a space after a comma, as other tools write DNs
    REAL.replace("OU=client,O=", "O=SupplierMSP,OU=client,O="),   # labels out of Fabric's order
    REAL.replace("CN=clerk", "cn=clerk"),
    REAL.replace("CN=clerk", "CN=a,b"),                    # a comma the certificate's id would escape
]


@pytest.mark.parametrize("typo", NOT_PRESENTED)
async def test_binding_an_id_no_certificate_presents_is_refused_saying_how_to_get_one(typo):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    message = await net.refused(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, typo, rule="client-id-invalid")
    assert "x509::<subject DN>::<issuer DN>" in message and "--client NAME" in message
    assert "client_id_of(certificate)" in message and "\n" not in message


@pytest.mark.parametrize("typo", NOT_PRESENTED)
async def test_registering_a_party_with_one_is_refused_naming_its_place(typo):
    net = await standard_net()
    party = {"uscc": credit_code(700), "name": "NewCo", "role": "supplier", "msp_id": SUPPLIER,
             "client_ids": [REAL, typo]}
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty", party, rule="client-id-invalid")
    assert "client_ids[1]" in message


async def test_the_id_of_a_certificate_is_bound_and_acts():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    bound = await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, f" {REAL} ")
    assert REAL in bound["client_ids"]


_KEY = ec.generate_private_key(ec.SECP256R1())
_VALUES = ["alice", "Smith, John+Co", " lead", "trail ", "#1", "a#b", 'q"<>;\\', "a=b::c", "深圳 前海", "x y"]
_TYPES = [NameOID.COMMON_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME, NameOID.ORGANIZATION_NAME, NameOID.LOCALITY_NAME,
          NameOID.STATE_OR_PROVINCE_NAME, NameOID.STREET_ADDRESS, NameOID.POSTAL_CODE, NameOID.EMAIL_ADDRESS]


def _certificate(subject: x509.Name, issuer: x509.Name) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(_KEY.public_key())
            .serial_number(1).not_valid_before(datetime.datetime(2025, 1, 1))
            .not_valid_after(datetime.datetime(2035, 1, 1)).sign(_KEY, hashes.SHA256()))


@pytest.mark.parametrize("start", range(len(_VALUES)))
def test_every_id_a_certificate_presents_is_taken(start):
    """Values needing every escape, repeated and multi-valued attributes, types Go leaves out, in any order."""
    attributes = [x509.NameAttribute(_TYPES[(start + n) % len(_TYPES)], _VALUES[(start * 3 + n) % len(_VALUES)])
                  for n in range(7)] + [x509.NameAttribute(NameOID.SERIAL_NUMBER, "42"),
                                        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _VALUES[start]),
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")])
    for subject in (x509.Name(attributes), x509.Name(attributes[::-1]),
                    x509.Name([x509.RelativeDistinguishedName(attributes[:2])]
                              + [x509.RelativeDistinguishedName([a]) for a in attributes[2:]])):
        client_id = x509_client_id(_certificate(subject, issuer))
        assert client_id_problem(client_id) is None, client_id
