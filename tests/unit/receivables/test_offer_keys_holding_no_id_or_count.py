"""A bank's ``recfin.offer-by-bank`` entry on a request (its offer's id) and its ``recfin.exposure-version``
on a debtor (a count) carry no key-level policy, so any two orgs running altered chaincode can rewrite either
with whatever bytes they like. Read as text (``.decode()``) or a number (``int``), bytes that are no offer id
or count failed the call as an internal error: the bank's next offer, its withdrawal of the offer, its
exposure read. A read that needs the value now refuses ``record-unreadable`` naming the key; the withdrawal,
which only asks whether the entry is its offer's, passes the entry over."""

from __future__ import annotations

import pytest

from chaincode.receivables import keys

from .support import standard_net, transient_terms

NO_UTF8 = b"\xff\xfeO-1"


async def test_a_banks_offer_entry_holding_no_utf8_refuses_its_offer_on_the_request_naming_the_entry():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 2_000_00, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    # a new key: the chaincode-level policy guards it, which any two orgs meet
    net.ledger.state[net._key(keys.OFFER_BY_BANK, request["id"], bank.uscc)] = NO_UTF8

    message = await net.refused(bank, "MakeFinancingOffer", request["id"], rule="record-unreadable",
                                transient=transient_terms())
    assert f"the stored recfin.offer-by-bank [{request['id']}, {bank.uscc}] is no record" in message, message
    assert f"({NO_UTF8!r}, no offer id in UTF-8 text)" in message, message
    # the way out, taken below
    assert "the claim's holder withdraws that request (WithdrawFinancing)" in message, message
    await net.ok(tier1, "WithdrawFinancing", request["id"])
    _, offer = await net.offered(tier1, claim["id"])
    assert offer["status"] == "OPEN"


async def test_a_bank_withdraws_its_offer_whose_entry_two_orgs_rewrote_to_no_utf8_and_the_entry_stays():
    """The entry is no longer the offer's, so its withdrawal leaves it, as it leaves an entry naming
    another."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 2_000_00, due_in=60)
    request, offer = await net.offered(tier1, claim["id"])
    entry = net._key(keys.OFFER_BY_BANK, request["id"], bank.uscc)
    net.ledger.state[entry] = NO_UTF8

    withdrawn = await net.ok(bank, "WithdrawFinancingOffer", offer["id"], "terms revised")
    assert withdrawn["status"] == "WITHDRAWN"
    assert net.ledger.state[entry] == NO_UTF8


@pytest.mark.parametrize("forged", [b"\xff", b"1e3", b"-1", b"1" * 16])
async def test_an_exposure_version_that_is_no_count_in_digits_refuses_the_read_and_the_offer(forged):
    """``move_exposure_version`` writes a count in digits 0-9, no longer than the version a caller may
    send."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 2_000_00, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    net.ledger.state[net._key(keys.EXPOSURE_VERSION, bank.uscc, core.uscc)] = forged

    for fn, args, kw in (("GetFinancierExposure", (core.uscc, ""), {"evaluate": True}),
                         ("MakeFinancingOffer", (request["id"],), {"transient": transient_terms()})):
        message = await net.refused(bank, fn, *args, rule="record-unreadable", **kw)
        assert (f"the stored recfin.exposure-version [{bank.uscc}, {core.uscc}] is no record this contract "
                f"wrote ({forged!r}, not a version in digits 0-9)") in message, message
