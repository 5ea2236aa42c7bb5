"""A bank's offer priced against its exposure on a debtor is refused if the figures may have risen since that read
(MakeFinancingOffer's ``exposure_version``, GetFinancierExposure's ``version``).

Before, a pricer read the exposure in one call and offered in another, so two quotes of one bank on two hosts could
both find room under its limit and together take it over, which the bank could only undo afterwards by withdrawing
an offer. The version moves with every change that can raise what the bank has out and on offer on the debtor: an
offer, and an UpgradeLedger page restoring the bank's entries. An acceptance only moves an advance from offered to
out, as the exposure counts an offer while an acceptance of it may still commit (stamped before midnight, within
the peers' time window). Each change reads and writes the version, so two endorsed at once cannot both commit on
the network (MVCC_READ_CONFLICT); the MemoryLedger commits one transaction at a time, and that conflict is the
network's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from chaincode.receivables import keys
from chaincode.receivables.keys import OFFER_MADE

from .support import Net, standard_net, transient_terms


async def _requested(net: Net, face: int = 1000_00, debtor: str = "core", due_in: int = 60) -> dict:
    r = await net.confirmed(net.actors["tier1"], net.actors[debtor], face, due_in=due_in)
    return await net.ok(net.actors["tier1"], "RequestFinancing", r["id"])


async def _exposure(net: Net, bank: str = "bank", debtor: str = "core") -> dict:
    return await net.ok(net.actors[bank], "GetFinancierExposure", net.actors[debtor].uscc, "", evaluate=True)


async def test_offers_of_a_bank_on_a_debtor_move_its_version_and_nothing_else_does():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    assert (await _exposure(net))["version"] == 0
    f = await _requested(net)
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    assert (await _exposure(net))["version"] == 1
    assert net.ledger.state[net._key(keys.EXPOSURE_VERSION, bank.uscc, core.uscc)] == b"1"
    # acceptance, disbursement, a payment, another bank's offer, an offer on another debtor, a withdrawal: it stands
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    await net.ok(core, "RecordPayment", f["receivable_id"], "10000")
    other = await _requested(net)
    await net.ok(net.actors["bank2"], "MakeFinancingOffer", other["id"], transient=transient_terms())
    await net.ok(bank, "MakeFinancingOffer", (await _requested(net, debtor="core2"))["id"], transient=transient_terms())
    assert (await _exposure(net))["version"] == 1
    assert (await _exposure(net, "bank2"))["version"] == (await _exposure(net, debtor="core2"))["version"] == 1
    held = await net.ok(bank, "MakeFinancingOffer", other["id"], transient=transient_terms())
    await net.ok(bank, "WithdrawFinancingOffer", held["id"], "terms revised")
    assert (await _exposure(net))["version"] == 2    # the offer moved it; its withdrawal gives nothing back


async def test_an_offer_priced_on_an_exposure_read_before_another_offer_is_refused_and_changes_nothing():
    net = await standard_net()
    bank = net.actors["bank"]
    first, second = await _requested(net), await _requested(net)
    read = await _exposure(net)                  # two quotes read the same figures, on two hosts
    made = await net.ok(bank, "MakeFinancingOffer", first["id"], str(read["version"]), transient=transient_terms())
    assert made["status"] == "OPEN"
    message = await net.refused(bank, "MakeFinancingOffer", second["id"], str(read["version"]),
                                transient=transient_terms(), rule="exposure-changed")
    assert "at version 1, not 0" in message and "GetFinancierExposure" in message
    # read again, the figures include the first offer: priced on them, the second goes through
    again = await _exposure(net)
    assert (again["version"], again["offered"]) == (1, {"CNY": 900_00})
    await net.ok(bank, "MakeFinancingOffer", second["id"], str(again["version"]), transient=transient_terms())
    assert (await _exposure(net))["version"] == 2


@pytest.mark.parametrize("lapse", ["expiry", "due date"])
async def test_an_offer_counts_past_midnight_while_an_acceptance_stamped_before_it_may_still_commit(lapse):
    """An offer that expires, or whose claim falls due, at midnight can still be accepted by a transaction stamped
    just before it and committed just after (peers take a timestamp within their time window, 15 minutes): a read in
    those minutes counts it, so that the acceptance adds nothing the read left out; after them, it counts no more,
    and no acceptance of it can commit."""
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    last_day = net.day(1)                                   # the offer's last day to be accepted
    expires_on = net.day(30) if lapse == "due date" else last_day
    f = await _requested(net, due_in=2 if lapse == "due date" else 60)   # due the day after its last day, or later
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(expires_on=expires_on))
    midnight = datetime.combine(date.fromisoformat(last_day) + timedelta(days=1), time(0), tzinfo=timezone.utc) \
        - timedelta(hours=8)                                # midnight in China (UTC+8) after the offer's last day
    net.now = midnight + timedelta(minutes=14, seconds=59)
    read = await _exposure(net)
    assert (read["offered"], [row["offer_id"] for row in read["offers"]]) == ({"CNY": 900_00}, [o["id"]])
    net.now = midnight - timedelta(seconds=10)              # the acceptance's own timestamp, committed after the read
    await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(expires_on=expires_on))
    net.now = midnight + timedelta(minutes=15)
    after = await _exposure(net)
    assert (after["exposure"], after["offered"], after["version"]) == ({"CNY": 900_00}, {}, read["version"])


async def test_an_offer_no_acceptance_can_reach_any_more_is_not_counted():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    last_day = net.day(1)
    f = await _requested(net)
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(expires_on=last_day))
    midnight = datetime.combine(date.fromisoformat(last_day) + timedelta(days=1), time(0), tzinfo=timezone.utc) \
        - timedelta(hours=8)
    net.now = midnight + timedelta(minutes=15)
    assert (await _exposure(net))["offered"] == {}
    net.now = midnight                                      # stamped after its last day: refused
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(expires_on=last_day),
                      rule="offer-expired")


async def test_a_version_above_the_endorsing_peers_is_refused_as_a_peer_behind():
    net = await standard_net()
    f = await _requested(net)
    message = await net.refused(net.actors["bank"], "MakeFinancingOffer", f["id"], "3", transient=transient_terms(),
                                rule="exposure-version-ahead")
    assert "at version 0 on this peer, behind the 3" in message and "send the offer again shortly" in message


async def test_an_offer_without_a_version_is_made_as_before_and_moves_it():
    net = await standard_net()
    bank = net.actors["bank"]
    read = await _exposure(net)
    await net.ok(bank, "MakeFinancingOffer", (await _requested(net))["id"], transient=transient_terms())
    # a quote on another host priced on the earlier read is refused: the unchecked offer moved the version too
    await net.refused(bank, "MakeFinancingOffer", (await _requested(net))["id"], str(read["version"]),
                      transient=transient_terms(), rule="exposure-changed")


async def test_an_upgrade_page_that_restores_a_banks_entries_moves_its_version_once():
    """A record an earlier version wrote without its index entries is out of the figures until UpgradeLedger
    restores them, which raises them: a quote priced before must not pass."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    await net.financed(tier1, r["id"])
    o = await net.ok(bank, "MakeFinancingOffer", (await _requested(net))["id"], transient=transient_terms())
    third = await _requested(net)
    for entry in (net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"]),
                  net._key(keys.OPEN_OFFER, bank.uscc, core.uscc, o["id"]),
                  net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"])):
        del net.ledger.state[entry]                      # as a contract before the indexes left them
    read = await _exposure(net)
    assert (read["exposure"], read["offered"], read["version"]) == ({}, {}, 2)
    pages = await net.upgrade_pages()                    # one page per kind of record: receivables, then offers
    assert sum(p["financier_entries"] + p["open_offer_entries"] for p in pages) == 2
    after = await _exposure(net)
    assert (after["exposure"], after["offered"], after["version"]) == ({"CNY": 900_00}, {"CNY": 900_00}, 4)
    await net.refused(bank, "MakeFinancingOffer", third["id"], str(read["version"]), transient=transient_terms(),
                      rule="exposure-changed")
    state = dict(net.ledger.state)
    await net.upgrade_pages()                            # nothing left to restore: the version stands
    assert net.ledger.state == state


@pytest.mark.parametrize("version", ["-1", "1.0", "one", " 0", "0x1", "1" * 16, "٣"])
async def test_a_malformed_version_is_refused_and_changes_nothing(version):
    net = await standard_net()
    f = await _requested(net)
    message = await net.refused(net.actors["bank"], "MakeFinancingOffer", f["id"], version,
                                transient=transient_terms(), rule="argument-invalid")
    assert "exposure version" in message
