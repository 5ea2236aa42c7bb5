"""An attester's attestations of an invoice stand in the order they commit, and a registration is backed only by
passes made by its own time.

A transaction's time is the one its client gives (the peers accept it within their time window), so it is not
the commit order by itself: the contract makes it so for each attester, and does not let a pass dated after a
registration back it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.testing._memory_peer import MemoryPeerSession
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

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


async def test_an_attestation_reads_the_invoices_attestations_so_two_sent_at_once_do_not_both_commit(monkeypatch):
    # the memory ledger checks no read set; on a peer, a range read in a submitted transaction is checked again
    # at commit, and one of two attestations of the invoice endorsed at once is invalidated (a phantom read)
    ranges: list[str] = []
    get_range = MemoryPeerSession._get_state_by_range

    def recorded(session, payload):
        ranges.append(shim_pb2.GetStateByRange.FromString(payload).startKey)
        return get_range(session, payload)

    monkeypatch.setattr(MemoryPeerSession, "_get_state_by_range", recorded)
    net = await standard_net()
    req = attestation_request(net.actors["tier1"].uscc, NUMBER)
    ranges.clear()
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", req)
    assert net._key(keys.ATTESTATION, req["fingerprint"]) in ranges


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
