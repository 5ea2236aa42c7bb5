"""A discount offer's key is new when it is published, so the chaincode-level policy recfin deploys (any two
orgs' peers) alone guards that write. Two orgs, neither the debtor's (a bank's and the regulator's here), running
altered chaincode, can write an offer in a debtor's name: a holder of a third org taking it would have its claim
settled on an early payment the debtor never offered, the debtor's peer, running the contract, endorsing the
settlement. Each altered write set is built by hand, as altered chaincode would, in a transaction a client of
one of the two orgs submits, and committed endorsed by their two peers (``MemoryLedger.commit(...,
endorsers=...)``): the ledger takes it, and the acceptance refuses the offer."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.receivables.submitter import submitter_proof
from chaincode.testing._memory_peer import Write, WriteRecord
from chaincode.testing._policies import policy_orgs
from chaincode.testing._proposals import make_signed_proposal

from tests.unit.receivables.support import BANK, CORE, REGULATOR, standard_net


class _Proposal:
    """What ``submitter_proof`` reads of a stub: the signed proposal."""

    def __init__(self, signed) -> None:
        self._signed = signed

    def get_signed_proposal(self):
        return self._signed


async def _net_with_a_claim():
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    core, tier1 = net.actors["core"], net.actors["tier1"]
    return net, core, tier1, (await net.confirmed(tier1, core))["id"]


async def _forged_offer(net, publisher_record: str, *, debtor_msp: str = CORE) -> dict:
    """Commit an offer in the core enterprise's name, in a transaction a bank's client submits and the bank's and
    the regulator's peers endorse: the write set of the core enterprise's own publication (endorsed, never
    committed), its offer named after the bank's transaction as a publication names it, with a
    recfin.discount-publisher record that is the publication's (``copied``), the bank's transaction's
    (``own``), or none (``none``), naming ``debtor_msp`` as its debtor's org. The offer as written."""
    core, bank = net.actors["core"], net.actors["bank"]
    genuine = await net.ledger.endorse(core.identity, "receivables:PublishDiscountOffer",
                                       json.dumps({"apr": "0.50", "expires_on": net.day(20)}), transient={},
                                       timestamp=net.now)
    genuine_id = json.loads(genuine.result.payload)["id"]
    signed, tx_id = make_signed_proposal(channel_id=net.ledger.channel_id, chaincode_name="receivables",
                                         args=[b"WhoAmI"], creator=bytes(bank.identity), timestamp=net.now,
                                         signing_key=bank.identity.private_key)
    carrier = await net.ledger.endorse_proposal(signed)
    assert carrier.result.tx_id == tx_id
    forged_id = keys.new_id("D", tx_id)
    proof_key = net._key(keys.DISCOUNT_PUBLISHER, genuine_id)
    writes = []
    for w in genuine.writes:
        if w.key == proof_key and publisher_record == "none":
            continue
        value = w.value
        if w.key == proof_key and value.startswith(b"{") and publisher_record == "own":
            value = json.dumps(submitter_proof(_Proposal(signed)), sort_keys=True).encode()
        elif value.startswith(b"{") and w.key != proof_key:
            value = value.replace(genuine_id.encode(), forged_id.encode()).replace(
                f'"debtor_msp":"{CORE}"'.encode(), f'"debtor_msp":"{debtor_msp}"'.encode())
        writes.append(dataclasses.replace(w, key=w.key.replace(genuine_id, forged_id), value=value))
    forged = dataclasses.replace(carrier, writes=tuple(writes))
    # no one org's peer makes it valid; two do, neither of them the debtor's
    assert not any(net.ledger.endorsement_policies_met(forged.writes, (one_org,)) for one_org in (BANK, REGULATOR))
    assert net.ledger.commit(forged, endorsers=(BANK, REGULATOR)) == "VALID"
    return json.loads(net.ledger.state[net._key(keys.DISCOUNT, forged_id)])


def _as_read(offer: dict) -> str:
    return json.dumps({k: offer[k] for k in ("apr", "scale", "day_count", "expires_on")})


@pytest.mark.parametrize("publisher_record", ["copied", "own", "none"])
async def test_an_offer_two_other_orgs_wrote_in_the_debtors_name_settles_no_claim(publisher_record):
    net, core, tier1, claim = await _net_with_a_claim()
    offer = await _forged_offer(net, publisher_record)
    assert (offer["debtor"], offer["debtor_msp"], offer["status"]) == (core.uscc, CORE, "OPEN")
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim, _as_read(offer),
                                rule="record-unreadable")
    assert offer["id"] in message and CORE in message
    assert {"copied": "of no transaction that published it", "own": f"submitted by a member of {BANK}",
            "none": "there is no recfin.discount-publisher record"}[publisher_record] in message
    assert "publishes it again" in message
    claim_now = net.doc(claim)
    assert (claim_now["status"], claim_now["payments"]) == ("CONFIRMED", [])


async def test_an_offer_its_debtor_published_is_taken():
    net, core, tier1, claim = await _net_with_a_claim()
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    proof = json.loads(net.ledger.state[net._key(keys.DISCOUNT_PUBLISHER, offer["id"])])
    assert base64.b64decode(proof["creator"]) == bytes(core.identity)
    taken = await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim, _as_read(offer))
    assert taken["status"] == "SETTLED"


async def test_an_offer_an_earlier_version_published_is_refused_until_published_again():
    net, core, tier1, claim = await _net_with_a_claim()
    earlier = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    # an earlier contract version wrote no record of the publication's submitter
    del net.ledger.state[net._key(keys.DISCOUNT_PUBLISHER, earlier["id"])]
    message = await net.refused(tier1, "AcceptDiscountOffer", earlier["id"], claim, _as_read(earlier),
                                rule="record-unreadable")
    assert "withdraws it and publishes it again" in message
    await net.ok(core, "WithdrawDiscountOffer", earlier["id"])
    again = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    assert (await net.ok(tier1, "AcceptDiscountOffer", again["id"], claim, _as_read(again)))["status"] == "SETTLED"


async def _listed_ids(net, reader, debtor, *, scope: str = "open") -> list[str]:
    page = await net.ok(reader, "ListDiscountOffers", debtor.uscc, "", "10", "", scope, evaluate=True)
    return [d["id"] for d in page["records"]]


@pytest.mark.parametrize("publisher_record", ["copied", "own", "none"])
async def test_a_supplier_is_not_shown_an_offer_two_other_orgs_wrote_in_its_debtors_name(publisher_record):
    """A supplier browsing its debtor's offers would plan cash on an early payment the debtor never offered and
    no holder can take: the reads refuse it, and leave it out, as the acceptance refuses it."""
    net, core, tier1, claim = await _net_with_a_claim()
    genuine = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    offer = await _forged_offer(net, publisher_record)
    message = await net.refused(tier1, "GetDiscountOffer", offer["id"], rule="record-unreadable", evaluate=True)
    assert offer["id"] in message and CORE in message and "ask the debtor whether it is its offer" in message
    await net.refused(tier1, "GetDiscountOffer", offer["id"], claim, rule="record-unreadable", evaluate=True)
    assert await _listed_ids(net, tier1, core) == [genuine["id"]]
    by_claim = await net.ok(tier1, "ListDiscountOffers", "", claim, "10", "", evaluate=True)
    assert [d["id"] for d in by_claim["records"]] == [genuine["id"]]
    # the debtor, which withdraws it, and the regulator still read it
    assert (await net.ok(core, "GetDiscountOffer", offer["id"], evaluate=True))["id"] == offer["id"]
    assert set(await _listed_ids(net, core, core)) == {genuine["id"], offer["id"]}
    assert set(await _listed_ids(net, net.actors["regulator"], core)) == {genuine["id"], offer["id"]}
    withdrawn = await net.ok(core, "WithdrawDiscountOffer", offer["id"])
    assert withdrawn["status"] == "WITHDRAWN"


async def test_an_offer_an_earlier_version_published_is_shown_to_its_debtor_not_to_its_suppliers():
    net, core, tier1, claim = await _net_with_a_claim()
    earlier = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    del net.ledger.state[net._key(keys.DISCOUNT_PUBLISHER, earlier["id"])]
    message = await net.refused(tier1, "GetDiscountOffer", earlier["id"], rule="record-unreadable", evaluate=True)
    assert "withdraws it and publishes it again" in message
    assert await _listed_ids(net, tier1, core) == []
    # its debtor reads its terms, to withdraw it and publish it again
    assert (await net.ok(core, "GetDiscountOffer", earlier["id"], evaluate=True))["apr"] == earlier["apr"]
    assert await _listed_ids(net, core, core) == [earlier["id"]]


async def test_an_offer_naming_the_forgers_org_as_its_debtors_settles_no_claim():
    """The publisher record was held to the org the offer itself names as its debtor's (``debtor_msp``), which
    the two orgs writing it choose: naming one of their own, with the record of their own transaction, they had
    a claim of the debtor settled on an early payment it never offered. The org is the debtor party's own."""
    net, core, tier1, claim = await _net_with_a_claim()
    offer = await _forged_offer(net, "own", debtor_msp=BANK)
    assert (offer["debtor"], offer["debtor_msp"]) == (core.uscc, BANK)
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim, _as_read(offer),
                                rule="record-unreadable")
    assert f"{core.uscc} is a party of {CORE}" in message
    claim_now = net.doc(claim)
    assert (claim_now["status"], claim_now["payments"]) == ("CONFIRMED", [])
    await net.refused(tier1, "GetDiscountOffer", offer["id"], rule="record-unreadable", evaluate=True)
    assert await _listed_ids(net, tier1, core) == []


async def test_withdrawing_an_offer_naming_the_forgers_org_leaves_it_to_the_debtors_org():
    """The withdrawal gave the offer's key and its recfin.discount-by-debtor entry the policy of the org the
    offer names as its debtor's (``debtor_msp``), which the two orgs writing it chose: withdrawing it handed
    one of their orgs alone the power to reopen it, rewrite it or drop it from the debtor's list. The keys are
    sealed with the org of the debtor's party record."""
    net, core, _tier1, _claim = await _net_with_a_claim()
    offer = await _forged_offer(net, "own", debtor_msp=BANK)
    withdrawn = await net.ok(core, "WithdrawDiscountOffer", offer["id"])
    assert (withdrawn["status"], withdrawn["debtor_msp"]) == ("WITHDRAWN", BANK)
    offer_key = net._key(keys.DISCOUNT, offer["id"])
    entry_key = net._key(keys.DISCOUNT_BY_DEBTOR, core.uscc, offer["published_on"], offer["id"])
    for key in (offer_key, entry_key):
        assert policy_orgs(net.ledger.validation_parameter("", key)) == [CORE]
        rewrite = Write(WriteRecord.PUT_STATE, "", key, net.ledger.state[key])
        assert not net.ledger.endorsement_policies_met([rewrite], (BANK,))
        assert net.ledger.endorsement_policies_met([rewrite], (CORE,))


async def test_upgrading_an_unguarded_offer_naming_the_forgers_org_leaves_it_to_the_debtors_org():
    """UpgradeLedger sealed an offer an earlier version left without a policy, and its recfin.discount-by-debtor
    entry, with the org the offer names as its debtor's (``debtor_msp``), which the two orgs writing it chose:
    the upgrade handed one of their orgs alone the power to reopen it, rewrite it or drop it from the debtor's
    list. The keys are sealed with the org of the debtor's party record, as the withdrawal seals them."""
    net, core, _tier1, _claim = await _net_with_a_claim()
    offer = await _forged_offer(net, "own", debtor_msp=BANK)
    offer_key = net._key(keys.DISCOUNT, offer["id"])
    entry_key = net._key(keys.DISCOUNT_BY_DEBTOR, core.uscc, offer["published_on"], offer["id"])
    for key in (offer_key, entry_key):   # as versions before 42422e6 left an offer: under the chaincode policy
        net.ledger.validation_parameters.pop(key, None)
    pages = await net.upgrade_pages()
    assert sum(page["discount_offer_policies"] for page in pages) == 2
    for key in (offer_key, entry_key):
        assert policy_orgs(net.ledger.validation_parameter("", key)) == [CORE]
        rewrite = Write(WriteRecord.PUT_STATE, "", key, net.ledger.state[key])
        assert not net.ledger.endorsement_policies_met([rewrite], (BANK,))
        assert net.ledger.endorsement_policies_met([rewrite], (CORE,))
