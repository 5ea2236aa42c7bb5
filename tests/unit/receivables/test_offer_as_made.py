"""A bank's limit on a debtor holds on what the bank's own keys recorded when it offered, not on records the
debtor's and the holder's orgs can rewrite before acceptance.

- The bank's ``recfin.offer-made`` entry records the claim's outstanding amount and currency as the bank offered
  on them; ``offered`` counts the advance on those, and an acceptance or disbursement on a claim that no longer
  has them is refused (``claim-changed-since-offer``).
- An offer the bank's next offer named among those its figures left out (``uncounted_offers``) is never
  disbursed (``offer-uncounted``), even one written back and accepted before that offer committed; an accepted
  offer counts in ``exposure``, so the figures never name it so.

Writing a key in a test stands for a transaction of altered chaincode that the debtor's and the holder's orgs
endorse (``_as_two_orgs_write``: only keys those two orgs' peers can endorse a change of)."""
from __future__ import annotations

import json

import pytest

from fabric_protos.common import policies_pb2

from chaincode.receivables import keys
from chaincode.receivables.store_base import org_policy
from chaincode.shim import KeyEndorsementPolicy

from .support import Net, standard_net, transient_terms
from .test_exposure_entries_guarded import OFFER_MADE, OFFER_MADE_DROPPED, _as_two_orgs_write, _offered, _with_status
from .test_uncounted_offers import _exposure, _priced_offer


def _rewrite_claim(net: Net, receivable_id: str, **fields) -> bytes:
    """Rewrite the claim's record (before acceptance its key carries the debtor's and the holder's orgs alone);
    the value it held."""
    claim = net._key(keys.RECEIVABLE, receivable_id)
    original = net.ledger.state[claim]
    net.ledger.state[claim] = json.dumps({**json.loads(original), **fields}).encode()
    return original


def _any_of(orgs: list[str]) -> bytes:
    """A policy naming ``orgs`` of which any one endorsing is enough (1-out-of-n)."""
    envelope = policies_pb2.SignaturePolicyEnvelope.FromString(org_policy(sorted(orgs)))
    envelope.rule.n_out_of.n = 1
    return envelope.SerializeToString(deterministic=True)


def _disburse(net: Net, f: dict, due_in: int = 30):
    return net.call(net.actors["bank"], "RecordDisbursement", f["id"], transient=transient_terms(salt=f"{due_in:016d}"))


async def test_the_banks_entry_records_the_claims_amount_and_a_dropped_entrys_mark_says_why():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    recorded = {"currency": "CNY", "financing_id": f["id"], "outstanding": 1000_00, "receivable_id": r["id"]}
    assert json.loads(net.ledger.state[made]) == recorded
    await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms changed")
    mark = net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"])
    assert json.loads(net.ledger.state[mark]) == {**recorded, "dropped": "withdrawn"}


async def test_an_offer_counts_on_the_amount_its_bank_offered_on_whatever_the_claim_reads_meanwhile():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    original = _rewrite_claim(net, r["id"], outstanding=100_00)      # written small while the bank reads
    read = await _exposure(net)
    assert read["offered"] == {"CNY": 900_00} and read["uncounted_offers"] == []
    assert [(row["outstanding"], row["advance"]) for row in read["offers"]] == [(1000_00, 900_00)]
    net.ledger.state[net._key(keys.RECEIVABLE, r["id"])] = original
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert (await _disburse(net, f)).status == 200


async def test_an_offer_on_a_claim_rewritten_since_it_was_made_is_neither_accepted_nor_disbursed():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    original = _rewrite_claim(net, r["id"], outstanding=5000_00)
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(salt=f"{30:016d}"),
                                rule="claim-changed-since-offer")
    assert "5000.00 CNY" in message and "1000.00 CNY" in message and "WithdrawFinancing" in message
    net.ledger.state[net._key(keys.RECEIVABLE, r["id"])] = original
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    # an acceptance of altered chaincode that wrote the claim larger (then under the claim's two orgs' policy)
    _rewrite_claim(net, r["id"], outstanding=5000_00)
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(salt=f"{30:016d}"),
                      rule="claim-changed-since-offer")


@pytest.mark.parametrize("how", ["record rewritten LAPSED", "claim rewritten"])
async def test_an_offer_hidden_from_the_read_and_accepted_before_the_priced_offer_commits_is_not_disbursed(how):
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    if how == "claim rewritten":
        key, original = net._key(keys.RECEIVABLE, r["id"]), _rewrite_claim(net, r["id"], financing_id=None)
    else:
        key = net._key(keys.OFFER, o["id"])
        original = net.ledger.state[key]
        _as_two_orgs_write(net, key, _with_status(net, o["id"], "LAPSED"))
    read = await _exposure(net)
    assert (read["offered"], read["uncounted_offers"]) == ({}, [o["id"]])
    net.ledger.state[key] = original
    # written back and accepted before the bank's offer priced on the read commits
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    o2 = await _priced_offer(net, read)
    mark = net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"])
    assert json.loads(net.ledger.state[mark])["dropped"] == "uncounted"
    result = await _disburse(net, f)
    assert result.status != 200 and "RULE offer-uncounted" in result.message
    assert "CancelFinancing" in result.message
    await net.ok(bank, "CancelFinancing", f["id"], "left out of the figures the next offer was priced on")
    # the offer priced on the read is lent as any other
    await net.ok(tier1, "AcceptFinancingOffer", o2["id"])
    await net.ok(bank, "RecordDisbursement", o2["financing_id"], transient=transient_terms(salt=f"{40:016d}"))


async def test_an_accepted_offer_counts_in_exposure_and_stays_disbursable_after_the_banks_next_offer():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    read = await _exposure(net)
    assert read["exposure"] == {"CNY": 900_00} and read["uncounted_offers"] == []
    await _priced_offer(net, read)
    mark = net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"])
    assert json.loads(net.ledger.state[mark])["dropped"] == "closed"
    assert (await _disburse(net, f)).status == 200


async def test_an_entry_an_earlier_contract_wrote_counts_on_the_claim_and_its_offer_is_lent_as_before():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    net.ledger.state[net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])] = keys.INDEX_VALUE
    assert (await _exposure(net))["offered"] == {"CNY": 900_00}
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    read = await _exposure(net)
    await _priced_offer(net, read)
    # its mark, as an earlier contract wrote them, records no amount and no reason
    mark = net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"])
    assert json.loads(net.ledger.state[mark]) == {"dropped": "closed"}
    net.ledger.state[mark] = keys.INDEX_VALUE
    assert (await _disburse(net, f)).status == 200


async def test_a_made_up_loan_naming_a_hidden_offer_does_not_keep_it_out_of_the_uncounted_offers():
    """Two orgs can write new keys under any policy: a loan entry, a claim and a financing naming the offer they
    hid, counted at next to nothing. The offer is still named uncounted: only a loan on the claim the bank's entry
    recorded counts it."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    template_claim, template_financing, template_offer = await _offered(net, due_in=50)
    await net.ok(tier1, "AcceptFinancingOffer", template_offer["id"])
    made_up = f"{template_claim['id']}.9"
    claim = json.loads(net.ledger.state[net._key(keys.RECEIVABLE, template_claim["id"])])
    financing = json.loads(net.ledger.state[net._key(keys.FINANCING, template_financing["id"])])
    offer = json.loads(net.ledger.state[net._key(keys.OFFER, o["id"])])
    _as_two_orgs_write(net, net._key(keys.RECEIVABLE, made_up),
                       json.dumps({**claim, "id": made_up, "financing_id": "F-" + "9" * 16, "outstanding": 1}).encode())
    _as_two_orgs_write(net, net._key(keys.FINANCING, "F-" + "9" * 16),
                       json.dumps({**financing, "id": "F-" + "9" * 16, "receivable_id": made_up,
                                   "accepted_offer_id": o["id"], "collection": offer["collection"]}).encode())
    _as_two_orgs_write(net, net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, made_up), keys.INDEX_VALUE)
    _as_two_orgs_write(net, net._key(keys.OFFER, o["id"]), _with_status(net, o["id"], "LAPSED"))
    read = await _exposure(net)
    assert made_up in [row["receivable_id"] for row in read["financings"]]
    assert read["uncounted_offers"] == [o["id"]]


async def test_an_accepted_offer_whose_loan_two_orgs_could_rewrite_stays_among_the_uncounted_offers():
    """A loan accepted with altered chaincode under a policy of the two orgs' own (here: its financing's policy
    taken off) could be counted at next to nothing and rewritten after: its offer is still named uncounted, and so
    never disbursed after the bank's next priced offer."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, f, o = await _offered(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert (await _exposure(net))["uncounted_offers"] == []
    del net.ledger.validation_parameters[net._key(keys.FINANCING, f["id"])]
    read = await _exposure(net)
    assert read["exposure"] == {"CNY": 900_00} and read["uncounted_offers"] == [o["id"]]
    await _priced_offer(net, read)
    result = await _disburse(net, f)
    assert result.status != 200 and "RULE offer-uncounted" in result.message


async def test_a_financing_naming_another_offer_of_the_bank_is_neither_accepted_nor_disbursed_on_its_terms():
    """The request's and the offer's records are the two orgs' to write before acceptance: a financing pointed at
    another offer of the bank (made on another claim) would lend that offer's terms here, and that offer again on its
    own claim. The bank's entry says which claim and request each offer was made on."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    r2, f2, o2 = await _offered(net, due_in=40)
    # the first offer's record rewritten to be of the second request and claim
    offer_key = net._key(keys.OFFER, o["id"])
    doc = json.loads(net.ledger.state[offer_key])
    _as_two_orgs_write(net, offer_key, json.dumps({**doc, "financing_id": f2["id"], "receivable_id": r2["id"]}).encode())
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-not-this-financing")
    assert r["id"] in message and r2["id"] in message
    net.ledger.state[offer_key] = json.dumps(doc).encode()
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    # an acceptance of altered chaincode naming the second offer as the one accepted on the first claim
    financing_key = net._key(keys.FINANCING, f["id"])
    accepted = json.loads(net.ledger.state[financing_key])
    net.ledger.state[financing_key] = json.dumps({**accepted, "accepted_offer_id": o2["id"]}).encode()
    result = await net.call(bank, "RecordDisbursement", f["id"], transient=transient_terms(salt=f"{40:016d}"))
    assert result.status != 200 and "RULE offer-not-this-financing" in result.message


async def test_a_loan_its_banks_org_does_not_guard_is_not_disbursed():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, f, o = await _offered(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    held = net.ledger.validation_parameters.pop(net._key(keys.FINANCING, f["id"]))
    result = await _disburse(net, f)
    assert result.status != 200 and "RULE loan-not-sealed" in result.message and "UpgradeLedger" in result.message
    net.ledger.validation_parameters[net._key(keys.FINANCING, f["id"])] = held
    assert (await _disburse(net, f)).status == 200


async def test_an_offer_priced_on_a_read_is_refused_once_an_offer_the_read_left_out_is_disbursed():
    """Hidden from the read, written back, accepted and disbursed before the bank's priced offer commits: marking it
    uncounted then would come after the money left, so the priced offer is refused and the bank reads again."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    offer_key = net._key(keys.OFFER, o["id"])
    original = net.ledger.state[offer_key]
    _as_two_orgs_write(net, offer_key, _with_status(net, o["id"], "LAPSED"))
    read = await _exposure(net)
    assert read["uncounted_offers"] == [o["id"]]
    net.ledger.state[offer_key] = original
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert (await _disburse(net, f)).status == 200
    r2 = await net.confirmed(tier1, core, 1000_00, due_in=40)
    f2 = await net.ok(tier1, "RequestFinancing", r2["id"])
    message = await net.refused(bank, "MakeFinancingOffer", f2["id"], str(read["version"]),
                                json.dumps(read["uncounted_offers"]), transient=transient_terms(salt=f"{40:016d}"),
                                rule="exposure-changed")
    assert o["id"] in message and "disbursed" in message
    again = await _exposure(net)
    assert again["exposure"] == {"CNY": 900_00} and again["uncounted_offers"] == []
    await _priced_offer(net, again)


async def test_a_claim_recording_payments_to_a_financier_before_any_loan_is_not_accepted():
    """Before acceptance the claim is the two orgs' to write: a payment to a financier on it would count as collected
    on the loan, hiding it from the bank's exposure once lent."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, f, o = await _offered(net)
    claim = json.loads(net.ledger.state[net._key(keys.RECEIVABLE, r["id"])])
    paid = {"amount": 1000_00, "payee": net.actors["bank"].uscc, "payee_role": "financier", "date": net.day(0),
            "tx_id": "forged", "late": False}
    _rewrite_claim(net, r["id"], payments=[*claim["payments"], paid])
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="claim-changed-since-offer")
    assert "paid to a financier" in message


async def test_an_entry_two_orgs_wrote_deep_or_long_counts_nothing_and_fails_no_read():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    r, f, o = await _offered(net)
    own = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, "O-" + "e" * 16), b"[" * 100_000,
                       policy_of=own)
    read = await _exposure(net)
    assert read["offered"] == {"CNY": 900_00} and read["uncounted_offers"] == ["O-" + "e" * 16]
    await _priced_offer(net, read)


async def test_a_made_up_disbursed_loan_does_not_block_the_banks_priced_offers():
    """A new entry recording a made-up request, and that request written DISBURSED on it, with no disbursement the
    bank wrote: the priced offer naming it goes ahead and drops the entry."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert (await _disburse(net, f)).status == 200
    disbursed = json.loads(net.ledger.state[net._key(keys.FINANCING, f["id"])])
    made_up, fake = "O-" + "f" * 16, "F-" + "f" * 16
    own = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, made_up),
                       json.dumps({"financing_id": fake}).encode(), policy_of=own)
    _as_two_orgs_write(net, net._key(keys.FINANCING, fake),
                       json.dumps({**disbursed, "id": fake, "accepted_offer_id": made_up}).encode())
    read = await _exposure(net)
    assert made_up in read["uncounted_offers"]
    await _priced_offer(net, read)
    assert net._key(OFFER_MADE, bank.uscc, core.uscc, made_up) not in net.ledger.state


async def test_an_accepted_loan_whose_claim_policy_names_an_org_more_stays_counted_and_disbursable():
    """A claim frozen when the regulator's org was replaced keeps the old org in its policy: the bank's org is in
    it, and every org named must endorse, so the loan is the bank's to change with the others, not two orgs'."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, f, o = await _offered(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    claim_key = net._key(keys.RECEIVABLE, r["id"])
    named = KeyEndorsementPolicy(net.ledger.validation_parameters[claim_key]).list_orgs()
    net.ledger.validation_parameters[claim_key] = org_policy(sorted([*named, "OldRegulatorMSP"]))
    read = await _exposure(net)
    assert read["exposure"] == {"CNY": 900_00} and read["uncounted_offers"] == []
    # a policy naming the bank's org as one of several that may each endorse alone leaves it to two orgs
    net.ledger.validation_parameters[claim_key] = _any_of(named)
    assert (await _exposure(net))["uncounted_offers"] == [o["id"]]


async def test_a_claim_policy_that_is_no_policy_leaves_the_loan_unsealed_and_fails_no_read():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, f, o = await _offered(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    net.ledger.validation_parameters[net._key(keys.RECEIVABLE, r["id"])] = b"\xff\xff\xff"
    assert (await _exposure(net))["uncounted_offers"] == [o["id"]]
