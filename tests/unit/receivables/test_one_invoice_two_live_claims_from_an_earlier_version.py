"""A ledger an earlier contract version wrote may hold two live claims on one invoice under two spellings: a
12-digit code and 8-digit number, and the two run together (registered before registrations read the other
spelling, db3db1ca), or an old spelling and the current one (UpgradeLedger registers the current spelling for
one claim only). Neither is confirmed, financed or discounted while the other is live: each such step is refused
invoice-already-financed, naming the other claim and what ends one of them, and changes nothing."""

from __future__ import annotations

from .support import standard_net, transient_terms
from .test_legacy_records import DASHED_NUMBER, NUMBER as CURRENT_NUMBER, earlier_claim, legacy_net
from .test_legacy_records import stored_as_earlier_versions_spelt

CODE, NUMBER = "261010012345", "12345678"
RUN_TOGETHER = CODE + NUMBER


async def _claim_on(net, code: str, number: str) -> str:
    """tier1's REGISTERED claim on core for the invoice ``code``/``number``, registered through the contract."""
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000_00, invoice_no=number)
    req["invoices"][0]["code"] = code
    return (await net.ok(tier1, "RegisterReceivable", req))["id"]


async def _claim_an_earlier_version_took(net, code: str, number: str, *, confirmed: bool = False) -> str:
    """tier1's claim on the invoice ``code``/``number``, stored as a contract before db3db1ca wrote it while the
    invoice's other spelling backed a claim already: registered (and confirmed) on another invoice, then its
    invoice and registry entry respelt as that contract left them."""
    rid = (await net.registered(net.actors["tier1"], net.actors["core"], 1000_00))["id"]
    if confirmed:
        await net.ok(net.actors["core"], "ConfirmReceivable", rid)
    stored_as_earlier_versions_spelt(net, rid, (code, number))
    return rid


async def test_neither_claim_on_one_invoice_under_its_two_spellings_is_confirmed_until_one_is_withdrawn():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    first = await _claim_on(net, CODE, NUMBER)
    later = await _claim_an_earlier_version_took(net, "", RUN_TOGETHER)

    message = await net.refused(core, "ConfirmReceivable", later, rule="invoice-already-financed")
    assert f"{later}'s invoice given as number {RUN_TOGETHER} with no code is registered as code {CODE} and " \
           f"number {NUMBER} too" in message
    assert f"for receivable {first}, which is REGISTERED" in message
    assert "withdraws whichever of the two is the mistaken claim (WithdrawReceivable)" in message
    assert "(RejectReceivable)" in message and "(FreezeReceivable)" in message
    assert f"{later} cannot confirm while both stand" in message
    message = await net.refused(core, "ConfirmReceivable", first, rule="invoice-already-financed")
    assert f"registered as number {RUN_TOGETHER} with no code too" in message and f"receivable {later}" in message

    await net.ok(tier1, "WithdrawReceivable", later, "the invoice is claimed already")
    assert (await net.ok(core, "ConfirmReceivable", first))["status"] == "CONFIRMED"
    await net.financed(tier1, first)


async def test_two_confirmed_claims_on_one_invoice_are_neither_financed_nor_discounted():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    first = await _claim_on(net, CODE, NUMBER)
    await net.ok(core, "ConfirmReceivable", first)
    request = await net.ok(tier1, "RequestFinancing", first)
    offer = await net.ok(bank, "MakeFinancingOffer", request["id"], transient=transient_terms())
    discount = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    later = await _claim_an_earlier_version_took(net, "", RUN_TOGETHER, confirmed=True)

    message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="invoice-already-financed")
    assert f"for receivable {later}, whose lineage is live ({later} is CONFIRMED)" in message
    assert "so no withdrawal or rejection releases that one" in message
    assert f"{first} cannot finance while both stand" in message
    message = await net.refused(tier1, "RequestFinancing", later, rule="invoice-already-financed")
    assert f"for receivable {first}, whose lineage is live ({first} is CONFIRMED)" in message
    await net.refused(tier1, "AcceptDiscountOffer", discount["id"], later, rule="invoice-already-financed")


async def test_a_part_split_from_a_claim_whose_invoice_another_live_claim_holds_is_not_financed():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    first = await _claim_on(net, CODE, NUMBER)
    await net.ok(core, "ConfirmReceivable", first)
    await net.ok(tier1, "TransferReceivable", first, tier2.uscc, "40000")
    await _claim_an_earlier_version_took(net, "", RUN_TOGETHER, confirmed=True)

    message = await net.refused(tier2, "RequestFinancing", f"{first}.1", rule="invoice-already-financed")
    assert f"the invoice of {first}.1's root {first} given as code {CODE} and number {NUMBER}" in message


async def test_a_claim_whose_other_spelling_backs_a_settled_claim_only_goes_on():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    first = await _claim_on(net, CODE, NUMBER)
    await net.ok(core, "ConfirmReceivable", first)
    await net.ok(core, "RecordPayment", first, "100000")
    later = await _claim_an_earlier_version_took(net, "", RUN_TOGETHER)
    assert (await net.ok(core, "ConfirmReceivable", later))["status"] == "CONFIRMED"
    await net.financed(tier1, later)


async def test_a_claim_under_an_old_spelling_is_held_by_the_current_spelling_the_upgrade_registered():
    # the dashed number registered before 35b3bf4, and its current spelling's other spelling (its first 12
    # digits a code) before db3db1ca: the upgrade registers the current spelling for the dashed claim, whose
    # entry then holds the claim registered as code and number
    net, _ = legacy_net()
    core = net.actors["core"]
    dashed = await earlier_claim(net, ("", DASHED_NUMBER))
    as_code = await _claim_an_earlier_version_took(net, CURRENT_NUMBER[:12], CURRENT_NUMBER[12:])
    await net.upgrade_pages()

    message = await net.refused(core, "ConfirmReceivable", as_code, rule="invoice-already-financed")
    assert f"is registered as number {CURRENT_NUMBER} with no code too" in message
    assert f"for receivable {dashed}, which is REGISTERED" in message
    message = await net.refused(core, "ConfirmReceivable", dashed, rule="invoice-already-financed")
    assert f"registered as code {CURRENT_NUMBER[:12]} and number {CURRENT_NUMBER[12:]} too" in message
