"""A list narrowed to a debtor (a bank's financed claims and open offers, a debtor's discount offers) whose
code names no party is refused ``party-not-registered``, as GetFinancierExposure and the lists by holder or debtor
refuse one: an empty page would read as "finances nothing there", "no offers"."""

from __future__ import annotations

import pytest

from .support import standard_net

MISTYPED = ["lower case", "wrong check character"]


def _mistyped(code: str, how: str) -> str:
    return code.lower() if how == "lower case" else code[:-1] + ("A" if code[-1] != "A" else "B")


@pytest.mark.parametrize("how", MISTYPED)
@pytest.mark.parametrize("fn", ["ListReceivablesByFinancier", "ListOffersByFinancier"])
async def test_a_banks_list_narrowed_to_a_debtor_no_party_has(fn, how):
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    financed = (await net.confirmed(tier1, core, 10_000))["id"]
    await net.financed(tier1, financed)
    await net.offered(tier1, (await net.confirmed(tier1, core, 10_000))["id"])
    page = await net.ok(bank, fn, bank.uscc, core.uscc, "10", "", evaluate=True)
    assert len(page["records"]) == 1
    for caller in (bank, reg):
        message = await net.refused(caller, fn, bank.uscc, _mistyped(core.uscc, how), "10", "",
                                    rule="party-not-registered", evaluate=True)
        assert "check the code" in message


@pytest.mark.parametrize("how", MISTYPED)
async def test_discount_offers_of_a_debtor_no_party_has(how):
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    for caller in (tier1, reg):
        await net.refused(caller, "ListDiscountOffers", _mistyped(core.uscc, how), "", "10", "",
                          rule="party-not-registered", evaluate=True)


async def test_a_registered_debtor_with_nothing_listed_is_an_empty_page():
    net = await standard_net()
    core2, tier1, bank = net.actors["core2"], net.actors["tier1"], net.actors["bank"]
    for caller, fn, args in [(bank, "ListReceivablesByFinancier", [bank.uscc, core2.uscc]),
                             (bank, "ListOffersByFinancier", [bank.uscc, core2.uscc]),
                             (tier1, "ListDiscountOffers", [core2.uscc, ""])]:
        page = await net.ok(caller, fn, *args, "10", "", evaluate=True)
        assert page["records"] == [] and page["bookmark"] == ""
