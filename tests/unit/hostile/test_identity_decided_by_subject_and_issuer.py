"""Who acts for a party is decided by the caller's MSP ID and client id (``x509::<subject DN>::<issuer DN>``) as
the party record lists it: not by the certificate's key or serial, nor by any attribute its CA wrote into it.

The attacker is another client of the supplier org, the org whose peer several supplier enterprises share: it
presents whatever certificate attributes the org's CA gave it, and must still act for no party it is not bound to.
A certificate renewed for the same subject (a new key and serial) keeps acting for its party without a new binding.
"""

from __future__ import annotations

from chaincode.testing import make_identity

from tests.unit.receivables.support import BANK, SUPPLIER, Actor, standard_net


async def test_a_certificate_renewed_for_the_same_subject_acts_for_its_party_as_before():
    net = await standard_net()
    tier2, core = net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier2, core, 1000)
    renewed = Actor("tier2-renewed", SUPPLIER, make_identity(SUPPLIER, "tier2-user"), tier2.uscc, tier2.role)
    assert renewed.identity.certificate.serial_number != tier2.identity.certificate.serial_number
    assert renewed.identity.certificate.public_key() != tier2.identity.certificate.public_key()

    assert (await net.ok(renewed, "WhoAmI", evaluate=True))["uscc"] == tier2.uscc
    await net.ok(renewed, "TransferReceivable", claim["id"], net.actors["tier1"].uscc, "100")


async def test_certificate_attributes_naming_a_party_act_for_no_one():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier2, core, 1000)
    claimed = {"hf.EnrollmentID": "tier2-user", "recfin.enterprise": tier2.uscc, "recfin.role": "supplier"}
    attacker = Actor("plain", SUPPLIER, make_identity(SUPPLIER, "plain-user", claimed))

    await net.refused(attacker, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    await net.refused(attacker, "GetReceivable", claim["id"], evaluate=True, rule="caller-not-a-party")
    await net.refused(attacker, "TransferReceivable", claim["id"], tier1.uscc, "100", rule="caller-not-a-party")
    await net.refused(attacker, "RequestFinancing", claim["id"], rule="caller-not-a-party")


async def test_the_same_name_under_another_subject_or_org_acts_for_no_one():
    net = await standard_net()
    tier2, core = net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier2, core, 1000)
    # the same user name under another OU: another subject, so another client id (as when a Fabric CA user's
    # affiliation changes, which changes its certificate's OUs)
    moved = Actor("moved", SUPPLIER, make_identity(SUPPLIER, "tier2-user", ou="member"))
    # the same user name issued by another org's CA, presented as that org's member
    elsewhere = Actor("elsewhere", BANK, make_identity(BANK, "tier2-user"))
    for caller in (moved, elsewhere):
        assert caller.identity.id != tier2.identity.id
        await net.refused(caller, "WhoAmI", evaluate=True, rule="caller-not-a-party")
        await net.refused(caller, "TransferReceivable", claim["id"], net.actors["tier1"].uscc, "100",
                          rule="caller-not-a-party")
