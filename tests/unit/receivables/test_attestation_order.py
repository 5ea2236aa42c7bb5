"""An attester's attestations of an invoice stand in the order they commit, and a registration is backed only by
passes made by its own time.

A transaction's time is the one its client gives (the peers accept it within their time window), so it is not
the commit order by itself: the contract makes it so for each attester, without making two attesters' attestations
conflict, and does not let a pass dated after a registration back it, though it still counts against it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from .support import START, attestation_request, standard_net

NUMBER = "26442000000000000042"
TAX, CREDIT = "reference-tax", "reference-credit"


def requiring(**over) -> NetworkConfig:
    return DEFAULT_CONFIG.model_copy(update={"require_attestation": True, **over})


async def test_a_failure_sent_from_a_clock_behind_is_refused_and_stands_once_attested_after_the_pass():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    passed = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified))
    # the bank finds the invoice red-flushed and attests a failure, from a client whose clock is 5 minutes behind:
    # committed after the pass, it would read as older than it, and the pass would stand
    net.now = START - timedelta(minutes=5)
    failing = attestation_request(tier1.uscc, NUMBER, outcome="fail", invoice=verified)
    message = await net.refused(bank, "AttestInvoiceVerification", failing, rule="attestation-out-of-order")
    assert (f"{bank.uscc} attested it last at 2026-03-02T02:00:00Z (transaction {passed['attested']['tx_id']}), and "
            "this transaction's time 2026-03-02T01:55:00Z is not after that") in message
    assert "set that client's clock right and attest again at a time after 2026-03-02T02:00:00Z" in message
    # with the clock set right, the failure is recorded after the pass, and stands
    net.now = START + timedelta(minutes=1)
    failed = await net.ok(bank, "AttestInvoiceVerification", failing)
    listed = await net.ok(tier1, "GetInvoiceAttestations", passed["fingerprint"], evaluate=True)
    assert [a["id"] for a in listed] == [passed["id"], failed["id"]]
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")


async def test_an_attestation_at_the_same_time_as_the_attesters_last_is_refused():
    # at one time the transaction ids, which are random, would decide which of the two is the newest
    net = await standard_net(requiring())
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    await net.refused(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"),
                      rule="attestation-out-of-order")


async def test_the_order_holds_across_sources_as_an_attesters_newest_values_are_found_across_them():
    net = await standard_net(requiring())
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(TAX,)))
    net.now = START - timedelta(seconds=1)
    await net.refused(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(CREDIT,)),
                      rule="attestation-out-of-order")


async def test_another_attesters_earlier_time_is_no_matter_nor_another_invoice():
    net = await standard_net(requiring())
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    net.now = START - timedelta(minutes=5)
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, "26442000000000000043"))


@pytest.mark.parametrize("retried_after", [timedelta(0), timedelta(minutes=-5)], ids=["same time", "clock behind"])
async def test_a_retry_of_a_recorded_attestation_is_answered_with_its_record_whatever_its_time(retried_after):
    net = await standard_net(requiring())
    bank = net.actors["bank"]
    req = attestation_request(net.actors["tier1"].uscc, NUMBER)
    first = await net.ok(bank, "AttestInvoiceVerification", req, "attest-1")
    before = net.snapshot()
    net.now = START + retried_after
    again = await net.call(bank, "AttestInvoiceVerification", req, "attest-1")
    assert again.status == 200 and again.event is None and json.loads(again.payload) == first
    assert net.snapshot() == before


async def validation_of_second(net, first: tuple, second: tuple) -> str:
    """The validation code a peer gives ``second`` of two attestations endorsed at once (each an actor and
    its request): both are simulated on the ledger as it is, ``first`` commits, then ``second`` is validated
    against what ``first`` changed, and commits where it is VALID."""
    endorsed = [await net.ledger.endorse(actor.identity, "receivables:AttestInvoiceVerification",
                                         json.dumps(request), timestamp=net.now)
                for actor, request in (first, second)]
    assert [e.result.status for e in endorsed] == [200, 200], [e.result.message for e in endorsed]
    assert net.ledger.commit(endorsed[0]) == "VALID"
    return net.ledger.commit(endorsed[1])


async def test_two_attesters_attestations_of_an_invoice_do_not_conflict_and_one_attesters_do():
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(TAX,)))
    failing = attestation_request(tier1.uscc, NUMBER, outcome="fail")
    net.advance(minutes=1)
    passing = attestation_request(tier1.uscc, NUMBER)
    assert await validation_of_second(net, (bank, failing), (bank2, passing)) == "VALID"
    net.advance(minutes=1)
    assert await validation_of_second(net, (bank2, failing), (bank, passing)) == "VALID"
    net.advance(minutes=1)
    # one attester's: each reads and writes its newest, so Fabric orders them and the time rule holds
    assert await validation_of_second(net, (bank, attestation_request(tier1.uscc, NUMBER, sources=(CREDIT,))),
                                      (bank, failing)) == "MVCC_READ_CONFLICT"


async def test_of_two_first_attestations_endorsed_at_once_the_peer_invalidates_one_for_a_key_read():
    # Until an invoice's first attestation, nothing says whether an earlier contract version recorded some, so
    # both read its attestations and its absent recfin.attestations-indexed entry; a peer checks the keys read
    # before the ranges: the later one fails MVCC_READ_CONFLICT, not PHANTOM_READ_CONFLICT, whatever its range
    # read says.
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    request = attestation_request(tier1.uscc, NUMBER)
    assert await validation_of_second(net, (bank, request), (bank2, request)) == "MVCC_READ_CONFLICT"


def as_recorded_before_each_attesters_newest_was_kept(net) -> None:
    """Remove what ``Store.newest_attestation`` keeps, as a ledger an earlier contract version wrote is without it."""
    for key in [k for k in net.ledger.state if k.startswith((net._key(keys.ATTESTATION_LAST),
                                                               net._key(keys.ATTESTATIONS_INDEXED)))]:
        del net.ledger.state[key]


async def test_attestations_an_earlier_version_recorded_order_their_attesters_next_ones_and_are_all_kept():
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    older = [await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))]
    net.now = START + timedelta(minutes=10)
    older.append(await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER)))
    as_recorded_before_each_attesters_newest_was_kept(net)
    # the invoice's first attestation since reads them, and keeps each earlier attester's newest
    net.now = START + timedelta(minutes=5)
    await net.refused(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"),
                      rule="attestation-out-of-order")
    net.now = START + timedelta(minutes=11)
    newer = await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(TAX,)))
    assert json.loads(net.ledger.state[net._key(keys.ATTESTATION_LAST, older[0]["fingerprint"], bank.uscc)]) == {
        "attestation_id": older[0]["id"], "at": older[0]["attested"]["at"], "tx_id": older[0]["attested"]["tx_id"]}
    # the bank's own, kept by that one: a failure from a clock behind its pass is refused
    net.now = START - timedelta(minutes=1)
    failing = attestation_request(tier1.uscc, NUMBER, outcome="fail")
    message = await net.refused(bank, "AttestInvoiceVerification", failing, rule="attestation-out-of-order")
    assert f"attested it last at {older[0]['attested']['at']} (transaction {older[0]['attested']['tx_id']})" in message
    listed = await net.ok(tier1, "GetInvoiceAttestations", older[0]["fingerprint"], evaluate=True)
    assert [a["id"] for a in listed] == [older[0]["id"], older[1]["id"], newer["id"]]


async def test_a_pass_dated_after_the_registration_does_not_back_it():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    net.now = START + timedelta(minutes=10)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    # the supplier's client clock is 10 minutes behind the bank's: the registration would be dated before its evidence
    net.now = START
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert ("not counted: 1 attestation(s) passing, but dated after this registration's time 2026-03-02T02:00:00Z, so "
            "not evidence it was made on (the registering client gives that time: if its clock is behind, set it right "
            "and register again)") in message
    net.now = START + timedelta(minutes=10)   # at the attestation's own time it counts
    await net.ok(tier1, "RegisterReceivable", reg)


@pytest.mark.parametrize("who_failed", ["bank", "bank2"], ids=["the attester that passed", "another attester"])
async def test_a_failure_dated_after_the_registration_still_stops_it(who_failed):
    # the registering client gives the registration its time: setting its clock back must not hide a failure
    # committed before it, nor bring back the pass that failure replaced
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    net.now = START + timedelta(minutes=10)
    await net.ok(net.actors[who_failed], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, outcome="fail", invoice=reg["invoices"][0]))
    net.now = START + timedelta(minutes=5)
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    assert net.actors[who_failed].uscc in message


async def test_a_pass_dated_after_the_registration_still_replaces_its_attesters_earlier_values():
    # the bank verified the registered values on the tax source, then found another total on the credit source:
    # a registration dated between the two (its client's clock behind) does not register on the values corrected
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(TAX,),
                                                                        invoice=verified))
    net.now = START + timedelta(minutes=10)
    corrected = {**verified, "amount": verified["amount"] - 500_00}
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(CREDIT,),
                                                                        invoice=corrected))
    for registered_at in (timedelta(minutes=5), timedelta(minutes=11)):
        net.now = START + registered_at
        message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-attested-values-differ")
        assert f"{bank.uscc} (transaction " in message and "total with tax" in message


async def test_a_pass_dated_after_the_registration_still_contradicts_another_attesters():
    net = await standard_net(requiring())
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified))
    net.now = START + timedelta(minutes=10)
    other_total = {**verified, "amount": verified["amount"] - 500_00}
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=other_total))
    for registered_at in (timedelta(minutes=5), timedelta(minutes=11)):
        net.now = START + registered_at
        message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-attestations-disagree")
        assert f"{bank.uscc} (transaction " in message and f"but {bank2.uscc} (transaction " in message
