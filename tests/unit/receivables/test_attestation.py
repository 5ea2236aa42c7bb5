"""Invoice verification attestations: who may attest, what the record holds, and registration that requires one."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from chaincode.receivables import fingerprint
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from .support import attestation_request, standard_net

NUMBER = "26442000000000000042"


def requiring(**over) -> NetworkConfig:
    return DEFAULT_CONFIG.model_copy(update={"require_attestation": True, **over})


async def test_an_attestation_records_the_attester_and_the_transaction_time_and_is_read_back():
    net = await standard_net()
    tier1, bank, regulator = net.actors["tier1"], net.actors["bank"], net.actors["regulator"]
    req = attestation_request(tier1.uscc, NUMBER)
    result = await net.call(bank, "AttestInvoiceVerification", req)
    assert result.status == 200, result.message
    a = json.loads(result.payload)
    assert a["fingerprint"] == fingerprint.invoice_fingerprint(tier1.uscc, "", NUMBER)
    assert (a["attester"], a["attester_role"], a["attested"]["msp_id"]) == (bank.uscc, "financier", "BankMSP")
    assert a["attested"]["at"] == "2026-03-02T02:00:00Z" and a["attested"]["tx_id"] == result.tx_id
    assert (a["outcome"], a["sources"], a["evidence_digest"]) == ("pass", req["sources"], req["evidence_digest"])
    assert a["id"].startswith("A-")
    name, payload = result.event
    event = json.loads(payload)
    assert name == event["event"] == "InvoiceVerificationAttested"
    assert event["fingerprint"] == a["fingerprint"] and event["attestation_id"] == a["id"]
    assert event["outcome"] == "pass" and event["attester"] == bank.uscc and event["receivable_id"] is None

    net.advance(days=3)
    later = await net.ok(regulator, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    assert later["attested"]["at"] == "2026-03-05T02:00:00Z"
    for reader in ("tier1", "core", "bank2", "regulator"):
        listed = await net.ok(net.actors[reader], "GetInvoiceAttestations", a["fingerprint"], evaluate=True)
        assert [x["id"] for x in listed] == [a["id"], later["id"]]  # oldest first
    assert listed[0] == a
    other = fingerprint.invoice_fingerprint(tier1.uscc, "", "26442000000000000043")
    assert await net.ok(tier1, "GetInvoiceAttestations", other, evaluate=True) == []


async def test_the_attesting_roles_come_from_the_network_config():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"attesting_roles": ("regulator",)}))
    tier1 = net.actors["tier1"]
    req = attestation_request(tier1.uscc, NUMBER)
    message = await net.refused(net.actors["bank"], "AttestInvoiceVerification", req, rule="role-not-permitted")
    assert "only a regulator" in message
    for who in ("tier1", "core"):
        await net.refused(net.actors[who], "AttestInvoiceVerification", req, rule="role-not-permitted")
    await net.refused(net.admins["BankMSP"], "AttestInvoiceVerification", req, rule="caller-not-a-party")
    await net.ok(net.actors["regulator"], "AttestInvoiceVerification", req)


def test_an_unknown_attesting_role_is_refused_when_the_config_is_built():
    with pytest.raises(ValidationError, match="attesting_roles: auditor"):
        NetworkConfig(org_roles={"BankMSP": ("financier",)}, attesting_roles=("financier", "auditor"))


@pytest.mark.parametrize("change, rule", [
    ({"fingerprint": "0" * 64}, "fingerprint-mismatch"),
    ({"number": "26442000000000000099"}, "fingerprint-mismatch"),  # the fingerprint is of another invoice
    ({"number": "12345678", "fingerprint": fingerprint.invoice_fingerprint("X", "", "12345678")}, "invoice-code-invalid"),
    ({"outcome": "maybe"}, "argument-invalid"),
    ({"sources": []}, "argument-invalid"),
    ({"sources": ["Tax Bureau"]}, "argument-invalid"),
    ({"evidence_digest": "abc"}, "argument-invalid"),
    ({"seller_tax_id": "91310000MA1K000000"}, "credit-code-invalid"),
    ({"attested_at": "2020-01-01T00:00:00Z"}, "argument-invalid"),  # the time is the transaction's, not the caller's
])
async def test_a_bad_attestation_is_refused_and_changes_nothing(change, rule):
    net = await standard_net()
    req = {**attestation_request(net.actors["tier1"].uscc, NUMBER), **change}
    if change.get("number") == "12345678":
        req["seller_tax_id"] = net.actors["tier1"].uscc
    await net.refused(net.actors["bank"], "AttestInvoiceVerification", req, rule=rule)


async def test_reading_attestations_needs_a_fingerprint_and_a_party():
    net = await standard_net()
    for bad in ("B6B4" + "0" * 60, "abc", ""):
        await net.refused(net.actors["bank"], "GetInvoiceAttestations", bad, rule="fingerprint-invalid", evaluate=True)
    await net.refused(net.admins["SupplierMSP"], "GetInvoiceAttestations", "0" * 64, rule="caller-not-a-party",
                      evaluate=True)


async def test_without_require_attestation_registration_needs_none():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    await net.registered(tier1, core, invoice_no=NUMBER)  # even a failing attestation does not block it
    await net.registered(tier1, core)  # nor does having none


async def test_with_require_attestation_an_unattested_invoice_is_refused_until_one_passes():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert NUMBER in message and "recfin invoice attest" in message and "financier or regulator" in message
    # a failed verification does not satisfy the rule
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    # the same bank checks again after the discrepancy is settled: its newest word counts
    net.advance(hours=1)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    r = await net.ok(tier1, "RegisterReceivable", reg)
    assert r["invoices"][0]["fingerprint"] == fingerprint.invoice_fingerprint(tier1.uscc, "", NUMBER)


async def test_with_require_attestation_a_later_failure_by_another_attester_blocks_registration():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    net.advance(days=1)
    await net.ok(net.actors["regulator"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, invoice_no=NUMBER),
                                rule="invoice-verification-failed")
    assert net.actors["regulator"].uscc in message


async def test_with_require_attestation_every_invoice_of_a_claim_needs_one():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
    second = {**reg["invoices"][0], "number": "26442000000000000043"}
    reg["invoices"].append(second)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "26442000000000000043" in message
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification", attestation_request(tier1.uscc, second["number"]))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_required_sources_must_all_be_named_by_a_passing_attestation():
    net = await standard_net(requiring(attestation_sources=("reference-tax",)))
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, sources=("reference-registry",)))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "naming the sources reference-tax" in message
    await net.ok(net.actors["regulator"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, sources=("reference-tax", "reference-credit")))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_an_attestation_replayed_with_its_request_id_is_recorded_once():
    net = await standard_net()
    bank = net.actors["bank"]
    req = attestation_request(net.actors["tier1"].uscc, NUMBER)
    first = await net.ok(bank, "AttestInvoiceVerification", req, "attest-1")
    before = net.snapshot()
    again = await net.call(bank, "AttestInvoiceVerification", req, "attest-1")
    assert again.status == 200 and again.event is None and json.loads(again.payload) == first
    assert net.snapshot() == before
    assert len(await net.ok(bank, "GetInvoiceAttestations", first["fingerprint"], evaluate=True)) == 1
    await net.refused(bank, "AttestInvoiceVerification", {**req, "outcome": "fail"}, "attest-1", rule="request-id-reused")
