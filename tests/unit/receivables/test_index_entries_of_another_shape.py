"""Every read of a range of composite keys takes a key only where it has the attributes the contract gives one of
its type (``StoreBase.entry_attributes``, ``store_base.KEY_ATTRIBUTES``), and lists a record only under its own
entry. Any two orgs can write a key nobody wrote yet, of any attributes, under the chaincode-level policy: one with
fewer attributes than an entry of its index failed the read as an internal error (IndexError), so a
``recfin.open-offer`` entry of just the bank and the debtor failed the bank's GetFinancierExposure; one with more
listed the record its last attribute names twice; and one naming another request's offer or another bank's claim
showed it, or counted it, as the entry's. One test per family of readers."""

from __future__ import annotations

import json

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.store_base import org_policy

from .support import BANK, Net, attestation_request, standard_net, transient_terms
from .test_lists_believe_the_claim import forge_entry


async def _exposure(net: Net, debtor: str) -> dict:
    bank = net.actors["bank"]
    figures = await net.ok(bank, "GetFinancierExposure", debtor, evaluate=True)
    return {k: figures[k] for k in ("exposure", "financings", "offered", "offers", "uncounted_offers")}


async def test_the_banks_figures_and_its_next_offer_pass_over_entries_of_another_shape():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    await net.financed(tier1, (await net.confirmed(tier1, core, 1_000_000_00))["id"])
    await net.offered(tier1, (await net.confirmed(tier1, core, 500_000_00))["id"])
    before = await _exposure(net, core.uscc)
    assert len(before["financings"]) == len(before["offers"]) == 1

    for index in (keys.OPEN_OFFER, keys.BY_FINANCIER, keys.OFFER_MADE):
        forge_entry(net, index, bank.uscc, core.uscc)
        forge_entry(net, index, bank.uscc, core.uscc, "x", "y")
    for attributes in ((bank.uscc, core.uscc), (bank.uscc, core.uscc, "x", "y")):
        # under the bank's org, as a new key may be: the bank's own offer-made entries are those so guarded
        net.ledger.validation_parameters[net._key(keys.OFFER_MADE, *attributes)] = org_policy([BANK])
    assert await _exposure(net, core.uscc) == before
    # the bank's next offer on the debtor reads every offer-made entry of its own on it
    f = await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 200_000_00))["id"])
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())


async def test_the_banks_figures_count_no_claim_whose_entry_is_not_its_own():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    await net.financed(tier1, (await net.confirmed(tier1, core, 1_000_000_00))["id"])
    unfinanced = await net.confirmed(tier1, core, 300_000_00)
    of_bank2 = await net.confirmed(tier1, core, 400_000_00)
    await net.financed(tier1, of_bank2["id"], net.actors["bank2"])
    before = await _exposure(net, core.uscc)

    # entries under the bank and the debtor naming a claim missing, one no bank finances, one bank2 finances
    for claim_id in ("R-00000000000000f0", unfinanced["id"], of_bank2["id"]):
        forge_entry(net, keys.BY_FINANCIER, bank.uscc, core.uscc, claim_id)
    assert await _exposure(net, core.uscc) == before


async def test_a_request_lists_and_lapses_only_its_own_offers():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    f, o = await net.offered(tier1, (await net.confirmed(tier1, core, 1_000_000_00))["id"])
    other_f, other_o = await net.offered(tier2, (await net.confirmed(tier2, core, 1_000_000_00))["id"])
    forge_entry(net, keys.BY_FINANCING, f["id"])
    forge_entry(net, keys.BY_FINANCING, f["id"], other_o["id"])
    forge_entry(net, keys.BY_FINANCING, f["id"], "x", o["id"])

    for reader in ("tier1", "bank", "regulator"):
        view = await net.ok(net.actors[reader], "GetFinancing", f["id"], evaluate=True)
        assert [x["id"] for x in view["offers"]] == [o["id"]], reader
    # accepting the request's offer lapses the request's other offers, not another request's
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    other = await net.ok(tier2, "GetFinancing", other_f["id"], evaluate=True)
    assert [(x["id"], x["status"]) for x in other["offers"]] == [(other_o["id"], "OPEN")]
    await net.ok(tier2, "AcceptFinancingOffer", other_o["id"])


async def test_each_list_shows_a_record_once_under_its_own_entry():
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    financed = await net.confirmed(tier1, core, 1_000_000_00)
    await net.financed(tier1, financed["id"])
    _, offer = await net.offered(tier1, (await net.confirmed(tier1, core, 500_000_00))["id"])
    lists = [("ListReceivablesByHolder", tier1.uscc), ("ListReceivablesByDebtor", core.uscc),
             ("ListReceivablesByStatus", "FINANCED"), ("ListReceivablesByFinancier", bank.uscc, ""),
             ("ListOffersByFinancier", bank.uscc, "")]

    async def listed() -> list[tuple[list[str], int]]:
        pages = [await net.ok(reg, fn, *args, "10", "", evaluate=True) for fn, *args in lists]
        return [([r["id"] for r in page["records"]], page["fetched"]) for page in pages]

    before = await listed()
    # under each index, an entry with an attribute more before a record's id, and its first attribute alone
    for index, leading, record_id in ((keys.BY_HOLDER, [tier1.uscc], financed["id"]),
                                      (keys.BY_DEBTOR, [core.uscc], financed["id"]),
                                      (keys.BY_STATUS, ["FINANCED"], financed["id"]),
                                      (keys.BY_FINANCIER, [bank.uscc, core.uscc], financed["id"]),
                                      (keys.OPEN_OFFER, [bank.uscc, core.uscc], offer["id"])):
        forge_entry(net, index, *leading, "x", record_id)
        forge_entry(net, index, *leading[:1])
    # the same records, each once; both entries scanned
    assert await listed() == [(ids, fetched + 2) for ids, fetched in before]
    assert [len(ids) for ids, _ in before] == [2, 2, 1, 1, 1]


async def test_the_payment_record_passes_over_entries_of_another_shape():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    claim = await net.confirmed(tier1, core, 1_000_000_00)
    forge_entry(net, keys.BY_DEBTOR, core.uscc)
    forge_entry(net, keys.BY_DEBTOR, core.uscc, claim["id"], "x")
    for reader in (bank, core):
        page = await net.ok(reader, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
        assert ([r["receivable_id"] for r in page["records"]], page["fetched"]) == ([claim["id"]], 3)


async def test_a_copy_under_a_key_of_another_shape_is_no_record_to_the_statistics_or_the_upgrade():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    claim = await net.confirmed(tier1, core, 1_000_000_00)
    # a copy of the claim under its id with an attribute before it, and a request key of no attributes
    copy_key = net._key(keys.RECEIVABLE, "R", claim["id"])
    net.ledger.state[copy_key] = net.ledger.state[net._key(keys.RECEIVABLE, claim["id"])]
    net.ledger.state[net._key(keys.REQUEST)] = b"{}"

    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["count_by_status"]["CONFIRMED"] == 1
    assert stats["per_debtor"][core.uscc][claim["currency"]]["receivables"] == 1
    pages = await net.upgrade_pages()
    assert [k for p in pages for k in p["unreadable"]] == [copy_key]


async def test_an_attestation_under_a_key_of_another_shape_is_not_listed_again():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    invoice = net.registration(tier1, core, invoice_no="26442000000000000042")["invoices"][0]
    a = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, invoice["number"],
                                                                            invoice=invoice))
    fp = a["fingerprint"]
    assert fp == fingerprint.invoice_fingerprint(tier1.uscc, "", invoice["number"])
    net.ledger.state[net._key(keys.ATTESTATION, fp, "x", a["id"])] = json.dumps(a, sort_keys=True).encode()
    listed = await net.ok(core, "GetInvoiceAttestations", fp, evaluate=True)
    assert [x["id"] for x in listed] == [a["id"]]


async def test_a_discount_offer_whose_own_entry_cannot_be_formed_is_left_out():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_000_00, due_in=180)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                        "receivable_ids": [claim["id"]]})
    # an offer two orgs wrote, under a new key of its own id, whose publication date holds U+0000
    planted = "D-00000000000000f0"
    stored = json.loads(net.ledger.state[net._key(keys.DISCOUNT, offer["id"])])
    net.ledger.state[net._key(keys.DISCOUNT, planted)] = json.dumps(
        {**stored, "id": planted, "published_on": "2026\u000003-02"}).encode()
    forge_entry(net, keys.DISCOUNT_BY_DEBTOR, core.uscc, "2026", planted)
    page = await net.ok(tier1, "ListDiscountOffers", core.uscc, "", "10", "", evaluate=True)
    assert ([d["id"] for d in page["records"]], page["fetched"]) == ([offer["id"]], 2)
