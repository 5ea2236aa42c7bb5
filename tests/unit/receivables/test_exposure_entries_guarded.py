"""A bank's exposure and open offers on a debtor (GetFinancierExposure) rest on entries no two orgs without the
bank's can delete: a loan's ``recfin.by-financier`` entry carries its claim's orgs, and an offer has, besides its
``recfin.open-offer`` entry (which a lapse deletes without the bank), its bank's ``recfin.offer-made`` entry, under
the bank's org alone. Deleting an entry in a test stands for a transaction of altered chaincode that only the orgs
able to meet the entry's policy could have committed (``Net.writes_not_endorsed``)."""
from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, REGULATOR, SUPPLIER, standard_net, transient_terms

OFFER_MADE = "recfin.offer-made"   # spelt out (keys.OFFER_MADE): the ledger's key layout is what is tested
OFFER_MADE_DROPPED = "recfin.offer-made-dropped"


def _policy_orgs(net, key: str) -> list[str] | None:
    held = net.ledger.validation_parameters.get(key)
    return None if held is None else sorted(KeyEndorsementPolicy(held).list_orgs())


async def _offered(net, due_in: int = 30):
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=due_in)
    f, o = await net.offered(tier1, r["id"], bank, terms=transient_terms(salt=f"{due_in:016d}"))
    return r, f, o


async def test_a_loans_entry_carries_its_claims_orgs_the_banks_among_them_while_the_loan_is_live():
    net = await standard_net()
    core, tier1, bank, regulator = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.financed(tier1, r["id"])
    entry = net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])
    assert _policy_orgs(net, entry) == net.claim_policy_orgs(r["id"]) == sorted([BANK, CORE, SUPPLIER])
    # a freeze adds the regulator's org to the claim, whose changes the entry's orgs endorse all the same
    await net.ok(regulator, "FreezeReceivable", r["id"], "order-1")
    assert net.claim_policy_orgs(r["id"]) == sorted([BANK, CORE, REGULATOR, SUPPLIER])
    assert _policy_orgs(net, entry) == sorted([BANK, CORE, SUPPLIER])


async def test_the_orgs_that_end_a_loan_drop_its_entry_and_the_debtors_and_the_holders_alone_cannot():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"])
    entry = net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])
    assert BANK in _policy_orgs(net, entry)   # a deletion only the debtor's and the holder's orgs endorse fails
    await net.ok(core, "RecordPayment", r["id"], str(1000_00))
    await net.ok(bank, "RecordRepayment", f["id"])
    assert entry not in net.ledger.state and net.writes_not_endorsed(CORE, SUPPLIER, BANK) == []
    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True))["exposure"] == {}


async def test_an_offer_whose_open_offer_entry_two_orgs_deleted_still_counts_and_may_be_accepted():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    assert _policy_orgs(net, made) == [BANK]
    before = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    del net.ledger.state[net._key(keys.OPEN_OFFER, bank.uscc, core.uscc, o["id"])]   # under the chaincode policy
    seen = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    assert seen["offered"] == before["offered"] == {"CNY": 900_00}
    assert [row["offer_id"] for row in seen["offers"]] == [o["id"]]
    # its bank's own entry kept it in the figures throughout: taken, it is lent within them
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])


async def test_a_lapse_needs_no_bank_and_the_banks_next_offer_clears_the_entries_of_offers_no_longer_open():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    await net.ok(tier1, "WithdrawFinancing", f["id"])                 # the offer lapses
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    lapsed = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    assert lapsed in net.ledger.state
    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True))["offered"] == {}
    r2, f2, o2 = await _offered(net)                                  # the bank's next offer on the debtor
    assert lapsed not in net.ledger.state
    assert net._key(OFFER_MADE, bank.uscc, core.uscc, o2["id"]) in net.ledger.state
    await net.ok(bank, "WithdrawFinancingOffer", o2["id"], "terms revised")
    assert net._key(OFFER_MADE, bank.uscc, core.uscc, o2["id"]) not in net.ledger.state
    assert net.writes_not_endorsed(BANK) == []


async def test_an_entry_forged_under_other_orgs_policy_stops_neither_the_banks_withdrawal_nor_its_next_offer():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    # as for an offer an earlier contract version made: two other orgs write the entry under their own policy
    net.ledger.validation_parameters[made] = net.ledger.validation_parameters[
        net._key(keys.RECEIVABLE, r["id"])]
    await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms revised")
    assert net.writes_not_endorsed(BANK) == [] and made in net.ledger.state
    await _offered(net)
    assert net.writes_not_endorsed(BANK, SUPPLIER) == [] and made in net.ledger.state


async def test_the_upgrade_guards_a_loans_entry_and_gives_an_open_offer_its_banks_entry():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.financed(tier1, r["id"])
    _, _, o = await _offered(net)
    loan = net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    # as an earlier contract version left them: the loan's entry without a policy, the offer without its bank's entry
    del net.ledger.validation_parameters[loan]
    del net.ledger.validation_parameters[made], net.ledger.state[made]
    await net.upgrade_pages()
    assert _policy_orgs(net, loan) == sorted([BANK, CORE, SUPPLIER])
    assert _policy_orgs(net, made) == [BANK]
    again = dict(net.ledger.state), dict(net.ledger.validation_parameters)
    await net.upgrade_pages()
    assert (dict(net.ledger.state), dict(net.ledger.validation_parameters)) == again


def _as_two_orgs_write(net, key: str, value: bytes, policy_of: str | None = None) -> None:
    """A write of altered chaincode the debtor's and the holder's orgs endorse: only a key without a key-level
    policy (or a new one, which takes the policy its writer gives it: ``policy_of``'s)."""
    assert key not in net.ledger.validation_parameters
    net.ledger.state[key] = value
    if policy_of is not None:
        net.ledger.validation_parameters[key] = net.ledger.validation_parameters[policy_of]


def _with_status(net, offer_id: str, status: str) -> bytes:
    doc = json.loads(net.ledger.state[net._key(keys.OFFER, offer_id)])
    return json.dumps({**doc, "status": status}).encode()


async def test_an_offer_hidden_from_offered_while_the_bank_offered_again_can_never_be_accepted():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    offer_key = net._key(keys.OFFER, o["id"])
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    original = net.ledger.state[offer_key]
    _as_two_orgs_write(net, offer_key, _with_status(net, o["id"], "WITHDRAWN"))
    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True))["offered"] == {}
    # the bank prices its next offer on those figures: the offer's entry goes, its bank's mark stays
    _, _, o2 = await _offered(net, due_in=40)
    dropped = net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"])
    assert made not in net.ledger.state and _policy_orgs(net, dropped) == [BANK]
    assert net.writes_not_endorsed(BANK) == []
    # the two orgs reopen the record and write the bank's entry again, a new key, under the bank's own policy
    _as_two_orgs_write(net, offer_key, original)
    _as_two_orgs_write(net, made, b"\x00", policy_of=net._key(OFFER_MADE, bank.uscc, core.uscc, o2["id"]))
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-not-listed")
    await net.upgrade_pages()   # which gives only an offer of an earlier contract version its entry
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-not-listed")
    await net.ok(tier1, "AcceptFinancingOffer", o2["id"])


async def test_a_withdrawn_offer_reopened_by_two_orgs_is_not_accepted():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms revised")
    assert net.writes_not_endorsed(BANK) == []
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    _as_two_orgs_write(net, net._key(keys.OFFER, o["id"]), _with_status(net, o["id"], "OPEN"))
    _as_two_orgs_write(net, net._key(keys.OPEN_OFFER, bank.uscc, core.uscc, o["id"]), b"\x00")
    _as_two_orgs_write(net, net._key(keys.OFFER_BY_BANK, f["id"], bank.uscc), o["id"].encode())
    _as_two_orgs_write(net, made, b"\x00", policy_of=net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"]))
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-not-listed")


async def test_an_offer_of_an_earlier_version_without_the_banks_entry_is_accepted_once_the_upgrade_writes_it():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    made = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    del net.ledger.validation_parameters[made], net.ledger.state[made]   # as an earlier contract version left it
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-not-listed")
    assert "UpgradeLedger" in message
    await net.upgrade_pages()
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])


async def test_entries_naming_no_offer_count_nothing_and_break_no_figures():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    _, _, gone = await _offered(net, due_in=40)
    own = net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])
    # entries no offer stands behind: new keys, under the claim's orgs' policy or under the bank's own
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, "O-none"), b"\x00",
                       policy_of=net._key(keys.RECEIVABLE, r["id"]))
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, "O-none-either"), b"\x00", policy_of=own)
    # an offer's record deleted, its recfin.open-offer entry with it (both under the chaincode policy)
    del net.ledger.state[net._key(keys.OFFER, gone["id"])]
    del net.ledger.state[net._key(keys.OPEN_OFFER, bank.uscc, core.uscc, gone["id"])]
    seen = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    assert [row["offer_id"] for row in seen["offers"]] == [o["id"]] and seen["offered"] == {"CNY": 900_00}
    await _offered(net, due_in=50)   # the bank's next offer on the debtor still passes
    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True))["offered"] == {"CNY": 1800_00}


async def _accepted(net):
    """A claim whose bank's offer is accepted, not yet disbursed: its financing and its loan's entry key."""
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], disburse=False)
    return f, net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])


async def test_no_disbursement_for_a_loan_missing_from_its_banks_exposure():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    f, loan = await _accepted(net)
    # as an acceptance endorsed by two orgs running altered chaincode leaves it: without the loan's entry
    del net.ledger.state[loan], net.ledger.validation_parameters[loan]
    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True))["exposure"] == {}
    message = await net.refused(bank, "RecordDisbursement", f["id"], rule="loan-not-in-exposure",
                                transient=transient_terms())
    assert "UpgradeLedger" in message
    await net.upgrade_pages()   # writes the entry, under the claim's orgs, and moves the exposure's version
    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True))["exposure"] == {"CNY": 900_00}
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())


async def test_an_offer_naming_another_org_as_its_banks_is_not_accepted():
    # copied into the claim and its loan's entry, the debtor's org named as the bank's would leave both without the
    # bank's org, and the two orgs could take the disbursed loan out of the bank's figures
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, f, o = await _offered(net)
    offer = net._key(keys.OFFER, o["id"])
    net.ledger.state[offer] = json.dumps({**json.loads(net.ledger.state[offer]), "financier_msp": CORE}).encode()
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="invalid-state")
    assert f"offer {o['id']} names {CORE} as its bank's org, but its bank" in message
    assert (await net.ok(tier1, "GetReceivable", r["id"], evaluate=True))["status"] == "CONFIRMED"


async def test_no_disbursement_for_a_loan_whose_entry_two_orgs_could_delete():
    net = await standard_net()
    bank = net.actors["bank"]
    f, loan = await _accepted(net)
    held = net.ledger.validation_parameters[loan]
    # the entry put under the debtor's and the holder's orgs alone, as a new key written by them would be
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", CORE, SUPPLIER)
    net.ledger.validation_parameters[loan] = kep.policy()
    await net.refused(bank, "RecordDisbursement", f["id"], rule="loan-not-in-exposure", transient=transient_terms())
    net.ledger.validation_parameters[loan] = held
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())


async def test_a_claim_two_orgs_deleted_before_acceptance_counts_nothing_and_breaks_no_figures():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    r, f, o = await _offered(net)
    _, _, kept = await _offered(net, due_in=40)
    claim = net._key(keys.RECEIVABLE, r["id"])
    assert _policy_orgs(net, claim) == sorted([CORE, SUPPLIER])   # before acceptance: its two orgs alone
    del net.ledger.state[claim]
    seen = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    assert [row["offer_id"] for row in seen["offers"]] == [kept["id"]] and seen["offered"] == {"CNY": 900_00}
