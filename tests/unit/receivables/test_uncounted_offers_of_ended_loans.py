"""The accepted offer of a loan that has ended (repaid, or cancelled before disbursement) counts in neither
``exposure`` nor ``offered``, and GetFinancierExposure lists it in ``uncounted_offers`` until the bank's next offer
on the debtor drops its entry, as it lists a lapsed offer. That is kept: the figures leave nothing out that the
bank has lent, and an offer priced on them, sending the list, leaves the offer a mark no two orgs can undo, where
its record, written back OPEN before that offer, would otherwise keep its entry (only offers not OPEN are dropped
unnamed). docs/receivables.md says so, so that a bank reading the list does not take the offer for one still out,
or for a record other orgs rewrote."""

from __future__ import annotations

from pathlib import Path

from .support import standard_net, transient_terms
from .test_exposure_entries_guarded import OFFER_MADE, OFFER_MADE_DROPPED
from .test_uncounted_offers import _exposure, _priced_offer

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _exposure_paragraph() -> str:
    text = " ".join((DOCS / "receivables.md").read_text(encoding="utf-8").split())
    start = text.index("`uncounted_offers` lists, in id order,")
    return text[start:text.index("The query scans only", start)]


async def test_an_ended_loans_offer_is_listed_until_the_banks_next_offer_drops_it_as_the_docs_say():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    # two offers of the bank, both accepted after its last offer on the debtor
    offers = {}
    for name, due_in in (("repaid", 30), ("cancelled", 35)):
        r = await net.confirmed(tier1, core, 1000_00, due_in=due_in)
        offers[name] = await net.offered(tier1, r["id"], bank, terms=transient_terms(salt=f"{due_in:016d}"))
    for f, o in offers.values():
        await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    repaid, cancelled = offers["repaid"][0], offers["cancelled"][0]
    await net.ok(bank, "RecordDisbursement", repaid["id"], transient=transient_terms(salt=f"{30:016d}"))
    assert (await _exposure(net))["uncounted_offers"] == []          # both loans counted in exposure

    await net.ok(bank, "RecordRepayment", repaid["id"])
    await net.ok(tier1, "CancelFinancing", cancelled["id"], "not disbursed in time")
    read = await _exposure(net)
    assert (read["exposure"], read["financings"], read["offered"]) == ({}, [], {})
    ended = sorted(o["id"] for _, o in offers.values())
    assert read["uncounted_offers"] == ended

    await _priced_offer(net, read, due_in=50)
    assert (await _exposure(net))["uncounted_offers"] == []
    for offer_id in ended:
        assert net._key(OFFER_MADE, bank.uscc, core.uscc, offer_id) not in net.ledger.state
        assert net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, offer_id) in net.ledger.state

    said = _exposure_paragraph()
    assert ("the accepted offer of a loan that has ended (repaid, cancelled, or ended by recourse), which "
            "`exposure` no longer counts") in said, said
