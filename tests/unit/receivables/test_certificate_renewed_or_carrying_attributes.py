"""What ties a caller to its party is its certificate's subject and issuer (``x509::<subject>::<issuer>``) and its
MSP ID, nothing else: a certificate renewed for the same subject (new key, new serial) acts for the party as the
old one did, and attributes a CA wrote into a certificate (``hf.EnrollmentID``, ``recfin.enterprise``) make no
identity act for a party."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from fabric_protos.msp import identities_pb2

from chaincode.testing import make_identity
from chaincode.testing._identities import TestIdentity

from .support import BANK, SUPPLIER, Actor, standard_net


async def test_a_certificate_renewed_for_the_same_subject_acts_for_the_party():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    renewed = make_identity(SUPPLIER, "tier1-user")   # as Net.party issued tier1's, with a new key and serial
    assert renewed.certificate.serial_number != tier1.identity.certificate.serial_number
    assert renewed.certificate.public_key() != tier1.identity.certificate.public_key()
    assert renewed.id == tier1.identity.id
    claim = (await net.confirmed(tier1, core, 100_000_00))["id"]
    successor = Actor("tier1-renewed", SUPPLIER, renewed, tier1.uscc, "supplier")
    assert (await net.ok(successor, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc
    await net.ok(successor, "TransferReceivable", claim, tier2.uscc, str(40_000_00))


async def test_attributes_naming_a_party_make_no_identity_act_for_it():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    claimant = make_identity(SUPPLIER, "claimant", {"hf.EnrollmentID": "tier1-user", "recfin.enterprise": tier1.uscc,
                                                    "recfin.role": "supplier"})
    await net.refused(Actor("claimant", SUPPLIER, claimant), "WhoAmI", evaluate=True, rule="caller-not-a-party")


async def test_the_same_certificate_id_under_another_msp_acts_for_no_party_of_the_first():
    """The MSP ID is part of the binding's key: an id spelt alike under another org's MSP is another identity."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    original = tier1.identity
    serialized = identities_pb2.SerializedIdentity(
        mspid=BANK, id_bytes=original.certificate.public_bytes(serialization.Encoding.PEM)).SerializeToString()
    lookalike = TestIdentity(serialized, msp_id=BANK, certificate=original.certificate,
                             private_key=original.private_key, ca_certificate=original.ca_certificate)
    assert lookalike.id == original.id
    await net.refused(Actor("lookalike", BANK, lookalike), "WhoAmI", evaluate=True, rule="caller-not-a-party")
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc
