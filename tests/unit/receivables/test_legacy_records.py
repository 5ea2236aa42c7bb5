"""Records an earlier contract version wrote keep working, and UpgradeLedger writes the entries they lack.

``legacy/ledger-585f3fe.json`` is the ledger the contract of commit 585f3fe left (its world state and private
data, byte for byte as it stored them), after: a financing requested with a bank's offer, a financing
accepted on a zero discount rate, three invoices registered under spellings today's contract refuses, and an
early-payment offer. That contract stored ``offer_ids`` in each financing (dropped in 3949550), rates in
``str(Decimal)`` form ("0E-10", fixed-point since 9555fad), no ``recfin.by-financier`` nor
``recfin.discount-by-debtor`` entries (2617ce3), and invoice numbers and codes now refused (35b3bf4, d72cf20).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from chaincode.receivables import fingerprint, keys, upgrade
from chaincode.receivables.model import Financing, OfferTerms
from .support import Actor, Net, client_identity, transient_terms

FIXTURE = Path(__file__).parent / "legacy" / "ledger-585f3fe.json"
DASHED, PADDED_CODE, PADDED_NUMBER = "2431-2000-0000-1234-5678", "003100204130", "00123456"


def legacy_net() -> tuple[Net, dict]:
    """A MemoryLedger holding the fixture's records, with the fixture's parties as actors, on its day."""
    dump = json.loads(FIXTURE.read_text(encoding="utf-8"))
    net = Net()
    net.ledger.state.update({key: value.encode() for key, value in dump["state"].items()})
    for collection, values in dump["private"].items():
        net.ledger.private_state.setdefault(collection, {}).update({k: v.encode() for k, v in values.items()})
    for key, p in dump["parties"].items():
        net.actors[key] = Actor(key, p["msp"], client_identity(p["msp"], f"{key}-user"), p["uscc"], p["role"])
    net._n = len(dump["parties"])
    net.now = datetime.fromisoformat(dump["now"])
    return net, dump["ids"]


IN_2024 = datetime.fromisoformat("2024-12-02T02:00:00+00:00")


def total(pages: list[dict], field: str) -> int:
    return sum(page[field] for page in pages)


def canonical_registration(net: Net, number: str, code: str = "") -> dict:
    if number.startswith("24") and len(number) == 20:
        # the fixture's invoices are of 2024 (2431-2000-...): a 20-digit number opens with its issue year, so the
        # invoice registers only as of that year, within its payment term
        net.now = IN_2024
    req = net.registration(net.actors["tier1"], net.actors["core"], 10_000_00, due_in=60, invoice_no=number)
    req["invoices"][0]["code"] = code
    return req


def stored_as_earlier_versions_spelt(net: Net, receivable_id: str, *spellings: tuple[str, str]) -> None:
    """Rewrite the stored claim as a contract before 35b3bf4 and d72cf20 left it: its invoice listed once per
    (code, number) of ``spellings`` (one invoice listed twice when two are given: the fingerprints differed, so
    that contract took it), each fingerprinted as spelt and in the registry under that fingerprint only."""
    key = net._key(keys.RECEIVABLE, receivable_id)
    stored = json.loads(net.ledger.state[key])
    template = stored["invoices"][0]
    for inv in stored["invoices"]:
        del net.ledger.state[net._key(keys.FINGERPRINT, inv["fingerprint"])]
    stored["invoices"] = []
    for code, number in spellings:
        fp = fingerprint.invoice_fingerprint(template["seller_tax_id"], code, number)
        stored["invoices"].append({**template, "code": code, "number": number, "fingerprint": fp})
        net.ledger.state[net._key(keys.FINGERPRINT, fp)] = json.dumps(
            {"fingerprint": fp, "receivable_id": receivable_id}, sort_keys=True).encode()
    net.ledger.state[key] = json.dumps(stored).encode()


async def earlier_claim(net: Net, *spellings: tuple[str, str]) -> str:
    """A REGISTERED claim on the invoice of ``spellings``, stored as an earlier contract version spelt it."""
    # registered on an invoice of today's year, then rewritten: an invoice stored in an earlier spelling may be of an
    # earlier year, whose current spelling no registration dated today takes
    registered = await net.ok(net.actors["tier1"], "RegisterReceivable",
                              net.registration(net.actors["tier1"], net.actors["core"], 10_000_00, due_in=60))
    stored_as_earlier_versions_spelt(net, registered["id"], *spellings)
    return registered["id"]


async def owner(net: Net, code: str, number: str) -> str | None:
    """The claim FindInvoice names for the invoice of tier1 so spelt (None: free to register)."""
    fp = fingerprint.invoice_fingerprint(net.actors["tier1"].uscc, code, number)
    return (await net.ok(net.actors["tier1"], "FindInvoice", fp, evaluate=True))["receivable_id"]


# ---------------------------------------------------------------- stored records read as they are

async def test_a_financing_stored_with_offer_ids_is_read_and_every_step_on_it_goes_through():
    net, ids = legacy_net()
    tier1, bank, bank2 = (net.actors[k] for k in ("tier1", "bank", "bank2"))
    requested, accepted = ids["requested"], ids["accepted"]
    assert json.loads(net.ledger.state[net._key(keys.FINANCING, requested["financing"])])["offer_ids"] == []

    seen = await net.ok(tier1, "GetFinancing", requested["financing"], evaluate=True)
    assert "offer_ids" not in seen and [o["id"] for o in seen["offers"]] == [requested["offer"]]
    await net.ok(bank2, "GetReceivable", requested["receivable"], evaluate=True)   # a bank asked to price it
    await net.ok(bank, "GetOfferTerms", requested["offer"], evaluate=True)
    await net.ok(bank2, "MakeFinancingOffer", requested["financing"], transient=transient_terms(salt="t" * 16))
    await net.ok(tier1, "WithdrawFinancing", requested["financing"])
    cancelled = await net.ok(bank, "CancelFinancing", accepted["financing"], "will not disburse")
    assert cancelled["status"] == "CANCELLED"
    # written again without the retired field
    assert "offer_ids" not in json.loads(net.ledger.state[net._key(keys.FINANCING, accepted["financing"])])


def test_only_the_retired_field_is_dropped_from_a_stored_financing():
    dump = json.loads(FIXTURE.read_text(encoding="utf-8"))
    key = "\x00" + keys.FINANCING + "\x00" + dump["ids"]["accepted"]["financing"] + "\x00"
    stored = json.loads(dump["state"][key])
    read = Financing.model_validate(stored).to_json()
    assert "offer_ids" not in read and all(read[k] == v for k, v in stored.items() if k != "offer_ids")
    with pytest.raises(ValueError, match="unknown_field"):
        Financing.model_validate({**stored, "unknown_field": 1})


async def test_terms_stored_with_an_exponent_rate_count_in_the_exposure_and_disburse_as_the_bank_sent_them():
    net, ids = legacy_net()
    core, bank, regulator = (net.actors[k] for k in ("core", "bank", "regulator"))
    accepted = ids["accepted"]
    stored = net.ledger.private_state["terms-SupplierMSP-BankMSP"][net._key(keys.TERMS, accepted["offer"])]
    assert json.loads(stored)["discount_rate"] == "0E-10"
    await net.upgrade_pages()                                # the exposure lists the financing once it is indexed
    for who, financier in ((bank, ""), (regulator, bank.uscc)):
        exposure = await net.ok(who, "GetFinancierExposure", core.uscc, financier, evaluate=True)
        assert [(c["financing_id"], c["principal"]) for c in exposure["financings"]] == [
            (accepted["financing"], 90_000_00)]      # 90% of 100,000.00
    # the stored terms themselves are no request: a rate is written in digits
    await net.refused(bank, "RecordDisbursement", accepted["financing"], transient={"terms": stored},
                      rule="rate-invalid")
    # the terms as the bank sent them hash to the offer's hash as that contract computed it
    financing = await net.ok(bank, "RecordDisbursement", accepted["financing"],
                             transient=transient_terms(discount_rate="0.0000000000"))
    assert financing["status"] == "DISBURSED"
    await net.refused(bank, "RecordDisbursement", ids["requested"]["financing"],
                      transient=transient_terms(discount_rate="0.0000000000"), rule="not-the-financier")


def test_the_legacy_hash_is_the_hash_of_the_rates_as_str_decimal_wrote_them():
    terms = OfferTerms.model_validate({"advance_rate": "0.90", "discount_rate": "0.0000005", "recourse": False,
                                       "expires_on": "2026-12-31", "salt": "s" * 16})
    legacy = {**terms.to_json(), "advance_rate": "0.90", "discount_rate": "5E-7"}
    assert terms.legacy_terms_hash() == OfferTerms.model_construct(**legacy).terms_hash() != terms.terms_hash()
    assert OfferTerms.from_stored(json.dumps(legacy).encode()) == terms


# ---------------------------------------------------------------- UpgradeLedger

async def test_the_upgrade_indexes_financings_and_offers_an_earlier_version_left_out_and_writes_once():
    net, ids = legacy_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    before = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert (before["financings"], before["offers"]) == ([], [])
    assert (await net.ok(tier1, "ListDiscountOffers", core.uscc, "", "10", "", evaluate=True))["records"] == []

    pages = await net.upgrade_pages("2")
    assert total(pages, "financier_entries") == 1 and total(pages, "discount_offer_entries") == 1
    # the offer still OPEN is indexed; the accepted one is not
    assert total(pages, "open_offer_entries") == 1
    # the accepted financing gets its holder's and its bank's orgs; the request still open, its claim's own orgs
    assert total(pages, "financing_policies") == 2
    assert net.financing_policy_orgs(ids["accepted"]["financing"]) == ["BankMSP", "SupplierMSP"]
    assert net.financing_policy_orgs(ids["requested"]["financing"]) == ["CoreEnterpriseMSP", "SupplierMSP"]
    assert total(pages, "scanned") == len([k for k in net.ledger.state
                                           if k.startswith(tuple(map(net._key, upgrade.SCANNED)))])
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert [c["receivable_id"] for c in exposure["financings"]] == [ids["accepted"]["receivable"]]
    assert [(o["offer_id"], o["receivable_id"]) for o in exposure["offers"]] == [
        (ids["requested"]["offer"], ids["requested"]["receivable"])]
    listed = await net.ok(tier1, "ListDiscountOffers", core.uscc, "", "10", "", evaluate=True)
    assert [d["id"] for d in listed["records"]] == [ids["discount_offer"]]
    # under the debtor org's policy, as the entry of an offer published now
    def entries() -> set[str]:
        return {k for k in net.ledger.state if k.startswith(net._key(keys.DISCOUNT_BY_DEBTOR, core.uscc))}

    restored = entries()
    await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    (published,) = entries() - restored
    policies = net.ledger.validation_parameters
    assert [policies[k] for k in restored] == [policies[published]]

    state = {k: v for k, v in net.ledger.state.items()}
    again = await net.upgrade_pages()
    assert sum(total(again, f) for f in ("financier_entries", "discount_offer_entries", "open_offer_entries",
                                         "fingerprint_entries", "claim_policies", "financing_policies")) == 0
    assert net.ledger.state == state


async def test_an_invoice_registered_under_a_refused_spelling_cannot_be_registered_again_in_the_current_one():
    net, ids = legacy_net()
    tier1 = net.actors["tier1"]
    pages = await net.upgrade_pages()
    assert total(pages, "fingerprint_entries") == 2 and all(page["collisions"] == [] for page in pages)
    for req, holder in ((canonical_registration(net, "24312000000012345678"), ids["dashed"]),
                        (canonical_registration(net, PADDED_NUMBER, PADDED_CODE[2:]), ids["padded"])):
        message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-already-financed")
        assert holder in message
    found = await net.ok(tier1, "FindInvoice", fingerprint.invoice_fingerprint(tier1.uscc, "", "24312000000012345678"),
                         evaluate=True)
    assert (found["receivable_id"], found["live"]) == (ids["dashed"], True)
    # letters have no current spelling: reported, for a person to check
    unspelled = [u for page in pages for u in page["without_current_spelling"]]
    assert [(u["receivable_id"], u["number"]) for u in unspelled] == [(ids["letters"], "INV-2026-0001")]


async def test_an_invoice_already_registered_twice_is_reported_with_an_event_and_neither_claim_changes():
    net, ids = legacy_net()
    tier1 = net.actors["tier1"]
    # before the upgrade, the current spelling of the dashed invoice registers: double financing happens
    second = await net.ok(tier1, "RegisterReceivable", canonical_registration(net, "24312000000012345678"))
    canonical = fingerprint.invoice_fingerprint(tier1.uscc, "", "24312000000012345678")
    registry = net._key(keys.FINGERPRINT, canonical)
    claims = {rid: net.ledger.state[net._key(keys.RECEIVABLE, rid)] for rid in (ids["dashed"], second["id"])}

    pages = await net.upgrade_pages()
    collisions = [c for page in pages for c in page["collisions"]]
    assert collisions == [{"fingerprint": canonical, "receivable_id": ids["dashed"], "code": "", "number": DASHED,
                           "held_by": second["id"], "held_by_code": "", "held_by_number": "24312000000012345678",
                           "live": True, "held_by_live": True}]
    events = [json.loads(payload) for _, name, payload in net.ledger.events if name == "LedgerUpgraded"]
    assert [c for e in events for c in e["collisions"]] == collisions
    assert json.loads(net.ledger.state[registry])["receivable_id"] == second["id"]
    assert {rid: net.ledger.state[net._key(keys.RECEIVABLE, rid)] for rid in claims} == claims


async def test_a_page_starts_only_at_a_bookmark_of_the_scan_and_only_the_regulators_org_admin_runs_it():
    net, _ = legacy_net()
    admin = net.admins["RegulatorMSP"]
    first = await net.ok(admin, "UpgradeLedger", "1", "")
    assert first["scanned"] == 1 and first["bookmark"].startswith(net._key(keys.RECEIVABLE)) and not first["done"]
    past_the_end = [net._key(kind) + "\U0010ffff" + tail for kind in (keys.RECEIVABLE, keys.DISCOUNT, keys.FINANCING)
                    for tail in ("", "z")]   # the scanned range's end key and after: no key of it
    for bookmark in (net._key(keys.BY_HOLDER, "x"), "R-1", *past_the_end):
        await net.refused(admin, "UpgradeLedger", "1", bookmark, rule="bookmark-invalid")
    await net.refused(admin, "UpgradeLedger", "0", "", rule="page-size-invalid")
    for who in ("tier1", "core", "bank", "regulator"):
        message = await net.refused(net.actors[who], "UpgradeLedger", "10", "", rule="role-not-permitted")
        assert "only an admin of the regulator's org (RegulatorMSP) runs it" in message
    # the regulator reads everything but changes only freeze state: the upgrade's writes are not its to make
    message = await net.refused(net.actors["regulator"], "UpgradeLedger", "10", "", rule="role-not-permitted")
    assert "the regulator reads everything but changes only freeze state" in message
    # its pages name every claim on the channel, even evaluated (writing nothing): other orgs' admins, whom
    # GetReceivable refuses, are refused here too, with the org that may run it
    for msp in ("SupplierMSP", "CoreEnterpriseMSP", "BankMSP"):
        for evaluate in (True, False):
            message = await net.refused(net.admins[msp], "UpgradeLedger", "10", "", rule="role-not-permitted",
                                        evaluate=evaluate)
            assert "RegulatorMSP" in message
    await net.ok(net.admins["RegulatorMSP"], "UpgradeLedger", "10", "")


@pytest.mark.parametrize("code, number, spelt", [
    ("", DASHED, ("", "24312000000012345678")),
    ("", "0024312000000012345678", ("", "24312000000012345678")),
    (PADDED_CODE, PADDED_NUMBER, ("3100204130", PADDED_NUMBER)),
    ("3100204130", "012345678", ("3100204130", "12345678")),
    ("031002400111", "12345678", ("031002400111", "12345678")),   # a 12-digit code is left as it is
    ("", "24312000000012345678", ("", "24312000000012345678")),
    ("", "00000000000012345678", ("", "00000000000012345678")),   # accepted as it is: 20 digits, no zeros added
    ("", "INV-2026-0001", None),
    ("", "12345678", None),                                       # an 8-digit number needs its code
    ("000012345678", "12345678", None),                           # no province once unpadded either
])
def test_the_current_spelling_of_a_stored_invoice(code, number, spelt):
    assert fingerprint.current_spelling(code, number) == spelt


NUMBER, ZERO_LED = "26312000000099990001", "0026312000000099990001"
DASHED_NUMBER = "2631-2000-0000-9999-0001"


@pytest.mark.parametrize("spellings, reported, held, written", [
    # the current spelling registered it: the other one is the invoice listed twice
    ((("", DASHED_NUMBER), ("", NUMBER)), DASHED_NUMBER, NUMBER, 0),
    # neither is current: the upgrade registers the current spelling for the first, the second is listed twice
    ((("", DASHED_NUMBER), ("", ZERO_LED)), ZERO_LED, DASHED_NUMBER, 1),
])
async def test_a_claim_listing_one_invoice_twice_under_two_spellings_is_reported_as_colliding_with_itself(
        spellings, reported, held, written):
    net, _ = legacy_net()
    twice = await earlier_claim(net, *spellings)
    pages = await net.upgrade_pages()
    assert total(pages, "fingerprint_entries") == 2 + written   # 2: the fixture's dashed and padded claims
    collisions = [c for page in pages for c in page["collisions"]]
    assert collisions == [{"fingerprint": fingerprint.invoice_fingerprint(net.actors["tier1"].uscc, "", NUMBER),
                           "receivable_id": twice, "code": "", "number": reported, "held_by": twice,
                           "held_by_code": "", "held_by_number": held, "live": True, "held_by_live": True}]
    assert await owner(net, "", NUMBER) == twice


async def test_a_collision_of_two_earlier_spellings_names_each_invoice_as_its_claim_stores_it():
    net, ids = legacy_net()
    zero_led = await earlier_claim(net, ("", "0024312000000012345678"))
    (collision,) = [c for page in await net.upgrade_pages() for c in page["collisions"]]
    # the claim scanned first (in id order) took the current spelling; the other is reported
    assert {(collision["receivable_id"], collision["code"], collision["number"]),
            (collision["held_by"], collision["held_by_code"], collision["held_by_number"])} == {
        (ids["dashed"], "", DASHED), (zero_led, "", "0024312000000012345678")}


async def test_rejecting_an_upgraded_claim_releases_the_current_spelling_registered_for_it_too():
    net, _ = legacy_net()
    core = net.actors["core"]
    rid = await earlier_claim(net, (PADDED_CODE, "00654321"))
    await net.upgrade_pages()
    assert await owner(net, PADDED_CODE[2:], "00654321") == await owner(net, PADDED_CODE, "00654321") == rid

    await net.ok(core, "RejectReceivable", rid, "not owed")
    assert await owner(net, PADDED_CODE[2:], "00654321") is None and await owner(net, PADDED_CODE, "00654321") is None
    await net.ok(net.actors["tier1"], "RegisterReceivable", canonical_registration(net, "00654321", PADDED_CODE[2:]))


async def test_withdrawing_an_upgraded_claim_releases_the_current_spelling_registered_for_it_too():
    net, _ = legacy_net()
    tier1 = net.actors["tier1"]
    rid = await earlier_claim(net, (PADDED_CODE, "00654321"))
    await net.upgrade_pages()
    assert await owner(net, PADDED_CODE[2:], "00654321") == rid

    await net.ok(tier1, "WithdrawReceivable", rid, "registered in error")
    assert await owner(net, PADDED_CODE[2:], "00654321") is None and await owner(net, PADDED_CODE, "00654321") is None
    await net.ok(tier1, "RegisterReceivable", canonical_registration(net, "00654321", PADDED_CODE[2:]))


async def test_the_upgrade_registers_no_invoice_of_a_claim_withdrawn_before_it():
    # withdrawn, a claim an earlier version registered under a spelling refused now backs nothing: the upgrade
    # must not register its invoice's current spelling for it, which would block that invoice for good
    net, _ = legacy_net()
    tier1 = net.actors["tier1"]
    rid = await earlier_claim(net, (PADDED_CODE, "00765432"))
    await net.ok(tier1, "WithdrawReceivable", rid, "registered in error")
    await net.upgrade_pages()
    assert await owner(net, PADDED_CODE[2:], "00765432") is None
    await net.ok(tier1, "RegisterReceivable", canonical_registration(net, "00765432", PADDED_CODE[2:]))


@pytest.mark.parametrize("rejected", ["earlier", "current"])
async def test_rejecting_one_claim_of_a_collision_leaves_the_others_entry_and_the_upgrade_run_again_guards_it(
        rejected):
    net, _ = legacy_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    earlier = await earlier_claim(net, ("", DASHED_NUMBER))
    current = (await net.ok(tier1, "RegisterReceivable", canonical_registration(net, NUMBER)))["id"]
    (collision,) = [c for page in await net.upgrade_pages() for c in page["collisions"]]
    assert (collision["receivable_id"], collision["held_by"]) == (earlier, current)

    await net.ok(core, "RejectReceivable", earlier if rejected == "earlier" else current, "not owed")
    left = current if rejected == "earlier" else earlier
    # the current spelling is not the rejected claim's to release when the other holds it; when it was the
    # rejected claim's, the upgrade run again registers it for the claim left
    assert await owner(net, "", NUMBER) == (current if rejected == "earlier" else None)
    pages = await net.upgrade_pages()
    assert total(pages, "fingerprint_entries") == (rejected == "current")
    assert await owner(net, "", NUMBER) == left
    await net.refused(tier1, "RegisterReceivable", canonical_registration(net, NUMBER), rule="invoice-already-financed")
