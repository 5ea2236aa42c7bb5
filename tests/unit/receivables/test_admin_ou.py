"""Who is an org admin to the contract: the OU ``admin`` matched as Fabric's NodeOUs match it.

Fabric compares NodeOU identifiers exactly and takes an identity carrying the OUs of two roles for neither. Fabric CA
adds an OU for each part of a user's affiliation, so a client registered under an affiliation ``Admin`` carries
``OU=client`` and ``OU=Admin``: a client to Fabric, which must not register, bind or unbind parties here.
"""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from chaincode.testing._identities import _NOT_AFTER, _NOT_BEFORE, TestIdentity, _ca_for

from .support import SUPPLIER, Actor, credit_code, standard_net


def identity_with_ous(msp_id: str, common_name: str, ous: list[str], *, country_and_org: bool = True) -> TestIdentity:
    """An identity of ``msp_id`` whose certificate, from the MSP's test CA, carries each of ``ous`` in turn (and
    ``C`` and ``O`` unless told not: a subject of CN and OUs alone)."""
    ca = _ca_for(msp_id)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([*([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                            x509.NameAttribute(NameOID.ORGANIZATION_NAME, msp_id)] if country_and_org else []),
                         *(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou) for ou in ous),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(_NOT_BEFORE).not_valid_after(_NOT_AFTER)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .sign(ca.key, hashes.SHA256()))
    serialized = identities_pb2.SerializedIdentity(
        mspid=msp_id, id_bytes=certificate.public_bytes(serialization.Encoding.PEM)).SerializeToString()
    return TestIdentity(serialized, msp_id=msp_id, certificate=certificate, private_key=key,
                        ca_certificate=ca.certificate)


NOT_ADMINS = [["client", "Admin"], ["client", "ADMIN"], ["Admin"], ["admin", "client"], ["peer", "admin"]]


@pytest.mark.parametrize("ous", NOT_ADMINS, ids=["+".join(ous) for ous in NOT_ADMINS])
async def test_a_certificate_fabric_takes_for_no_admin_changes_no_party(ous):
    net = await standard_net()
    clerk = Actor("clerk", SUPPLIER, identity_with_ous(SUPPLIER, "clerk", ous))
    tier1 = net.actors["tier1"]
    await net.refused(clerk, "RegisterParty", {"uscc": credit_code(777), "name": "Shell Co", "role": "supplier",
                                               "msp_id": SUPPLIER, "client_ids": [clerk.identity.id]},
                      rule="not-an-org-admin")
    await net.refused(clerk, "BindPartyIdentity", tier1.uscc, clerk.identity.id, rule="not-an-org-admin")
    await net.refused(clerk, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id, rule="not-an-org-admin")
    # nor does it read as an admin: the parties of its org and who acts for them are an admin's to look up (and a
    # certificate carrying the peer OU is a node's, which acts for no party whatever binds it)
    await net.refused(clerk, "GetParty", tier1.uscc, evaluate=True,
                      rule="identity-of-a-node" if "peer" in ous else "caller-not-a-party")
    await net.refused(clerk, "FindIdentityParty", SUPPLIER, tier1.identity.id, evaluate=True,
                      rule="not-permitted-to-read")
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["client_ids"] == [tier1.identity.id]


async def test_an_admin_with_affiliation_ous_is_an_admin():
    net = await standard_net()
    # Fabric CA: an admin of affiliation supplier.department1 carries OU=admin, OU=supplier, OU=department1
    admin = Actor("officer", SUPPLIER, identity_with_ous(SUPPLIER, "officer", ["admin", "supplier", "department1"]))
    tier1 = net.actors["tier1"]
    clerk = Actor("clerk", SUPPLIER, identity_with_ous(SUPPLIER, "clerk", ["client", "Admin"]))
    bound = await net.ok(admin, "BindPartyIdentity", tier1.uscc, clerk.identity.id)
    assert bound["client_ids"] == [tier1.identity.id, clerk.identity.id]
    assert (await net.ok(Actor("clerk", SUPPLIER, clerk.identity, tier1.uscc), "WhoAmI", evaluate=True))["uscc"] \
        == tier1.uscc
    registered = await net.ok(admin, "RegisterParty", {"uscc": credit_code(778), "name": "New Co", "role": "supplier",
                                                       "msp_id": SUPPLIER, "client_ids": [identity_with_ous(SUPPLIER, "new", ["client"]).id]})
    assert registered["msp_id"] == SUPPLIER


async def test_an_org_admin_acting_for_no_party_is_told_to_send_as_a_bound_client_not_to_ask_its_admin():
    net = await standard_net()
    admin = net.admins[SUPPLIER]
    message = await net.refused(admin, "GetReceivable", "R-missing", evaluate=True, rule="caller-not-a-party")
    assert "is an admin of" in message and SUPPLIER in message and "client identity bound to the party" in message
    assert "ask your org admin" not in message
    # a client bound to no party is still sent to its admin
    stranger = Actor("stranger", SUPPLIER, identity_with_ous(SUPPLIER, "stranger", ["client"]))
    message = await net.refused(stranger, "GetReceivable", "R-missing", evaluate=True, rule="caller-not-a-party")
    assert "ask your org admin" in message
