"""A bank's ``recfin.offer-by-bank`` entry on a request (its offer's id) and its ``recfin.exposure-version``
on a debtor (a count) carry no key-level policy, so any two orgs running altered chaincode can rewrite either
with whatever bytes they like. Read as text (``.decode()``) or a number (``int``), bytes that are no offer id
or count failed the call as an internal error: the bank's next offer, its withdrawal of the offer, its
exposure read. A read that needs the entry now refuses ``record-unreadable`` naming the key; the withdrawal,
which only asks whether the entry is its offer's, passes the entry over; a version that is no count reads as 0."""

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


@pytest.mark.parametrize("forged", [b"\xff", b"1e3", b"-1", b"1" * 16, b"9" * 15])
async def test_an_exposure_version_that_is_no_count_the_next_offer_can_move_reads_as_0_and_is_written_over(forged):
    """Before the bank's first offer on the debtor, any two orgs can write the version's key (a fixed name) with
    bytes of their own: read as a count, they refused the bank's exposure read and its every offer on the debtor
    ``record-unreadable``, and 15 nines, moved on, were no count any more. They say nothing of the bank's offers:
    the read answers 0, and the bank's offer writes 1 over them, under the bank's org."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 2_000_00, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    version = net._key(keys.EXPOSURE_VERSION, bank.uscc, core.uscc)
    net.ledger.state[version] = forged

    assert (await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True))["version"] == 0
    await net.ok(bank, "MakeFinancingOffer", request["id"], "0", transient=transient_terms())
    assert net.ledger.state[version] == b"1"
