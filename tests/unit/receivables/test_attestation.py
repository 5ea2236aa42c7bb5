"""Invoice verification attestations: who may attest, what the record holds, and registration that requires one."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from chaincode.receivables import fingerprint
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig, NetworkConfigError, parse_config

from .support import BANK, CORE, SUPPLIER, Net, attestation_request, standard_net

NUMBER = "26442000000000000042"


# every configuration names a regulator org, or it is refused for that (config.NetworkConfig)
A_REGULATOR_ORG = {"RegulatorMSP": ("regulator",)}


def requiring(**over) -> NetworkConfig:
    return DEFAULT_CONFIG.model_copy(update={"require_attestation": True, **over})


async def test_an_attestation_records_the_attester_and_the_transaction_time_and_is_read_back():
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    req = attestation_request(tier1.uscc, NUMBER, buyer_tax_id=net.actors["core"].uscc)
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
    later = await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    assert later["attested"]["at"] == "2026-03-05T02:00:00Z"
    for reader in ("tier1", "core", "bank2", "regulator"):
        listed = await net.ok(net.actors[reader], "GetInvoiceAttestations", a["fingerprint"], evaluate=True)
        assert [x["id"] for x in listed] == [a["id"], later["id"]]  # oldest first
    assert listed[0] == a
    other = fingerprint.invoice_fingerprint(tier1.uscc, "", "26442000000000000043")
    assert await net.ok(tier1, "GetInvoiceAttestations", other, evaluate=True) == []


async def test_the_attesting_roles_come_from_the_network_config():
    net = await standard_net(NetworkConfig(org_roles=DEFAULT_CONFIG.org_roles, attesting_roles=()))
    tier1 = net.actors["tier1"]
    req = attestation_request(tier1.uscc, NUMBER)
    message = await net.refused(net.actors["bank"], "AttestInvoiceVerification", req, rule="role-not-permitted")
    assert "names no attesting role (attesting_roles is empty)" in message
    net = await standard_net()      # by default, banks attest
    for who in ("tier1", "core", "regulator"):
        message = await net.refused(net.actors[who], "AttestInvoiceVerification", req, rule="role-not-permitted")
        assert "only a financier may do this" in message
    await net.refused(net.admins["BankMSP"], "AttestInvoiceVerification", req, rule="caller-not-a-party")
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", req)


@pytest.mark.parametrize("roles", [["regulator"], ["financier", "regulator"]])
def test_the_regulator_among_the_attesting_roles_is_refused_when_the_config_is_read(roles):
    # the regulator reads everything but changes only freeze state: an attestation can decide a registration
    doc = {"org_roles": {"BankMSP": ["financier"], "RegulatorMSP": ["regulator"]}, "attesting_roles": roles}
    with pytest.raises(NetworkConfigError, match=re.escape("network_config.json: attesting_roles: regulator may "
                                                           "not attest: the regulator reads everything but changes "
                                                           "only freeze state")) as refused:
        parse_config(json.dumps(doc), "network_config.json")
    assert "name only financier" in str(refused.value)
    assert DEFAULT_CONFIG.attesting_roles == ("financier",)


def test_an_unknown_attesting_role_is_refused_when_the_config_is_built():
    with pytest.raises(ValidationError, match="attesting_roles: auditor"):
        NetworkConfig(org_roles={"BankMSP": ("financier",), **A_REGULATOR_ORG},
                      attesting_roles=("financier", "auditor"))


@pytest.mark.parametrize("settings, why", [
    ({"attesting_roles": []}, "attesting_roles is empty"),
    ({}, "no org's parties may hold an attesting role (financier)"),  # only a supplier org
    ({"org_roles": {"SupplierMSP": ["supplier"], "RegulatorMSP": ["regulator"]}},
     "no org's parties may hold an attesting role (financier)"),      # the regulator does not attest
])
def test_a_config_requiring_attestations_nobody_may_make_is_refused(settings, why):
    doc = {"org_roles": {"SupplierMSP": ["supplier"], **A_REGULATOR_ORG}, "require_attestation": True,
           **settings}
    with pytest.raises(NetworkConfigError, match=re.escape(why)) as refused:
        parse_config(json.dumps(doc), "network_config.json")
    assert "turn require_attestation off" in str(refused.value)
    # without require_attestation the same roles are a choice, not a dead end
    parse_config(json.dumps({**doc, "require_attestation": False}), "network_config.json")


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
    ({"buyer_tax_id": "91310000MA1K000000"}, "credit-code-invalid"),
    ({"issue_date": "2026-02-30"}, "date-invalid"),
    ({"total_with_tax": 0}, "amount-not-positive"),
    ({"total_with_tax": 113.5}, "amount-not-integer-fen"),
    ({"total_with_tax": None}, "amount-not-integer-fen"),
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
    assert NUMBER in message and "recfin invoice attest" in message and "ask a financier to" in message
    # a failed verification does not satisfy the rule
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    # the same bank checks again after the discrepancy is settled: its newest word counts
    net.advance(hours=1)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    r = await net.ok(tier1, "RegisterReceivable", reg)
    assert r["invoices"][0]["fingerprint"] == fingerprint.invoice_fingerprint(tier1.uscc, "", NUMBER)


async def test_with_require_attestation_a_later_failure_by_another_attester_blocks_registration():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    net.advance(days=1)
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, invoice_no=NUMBER),
                                rule="invoice-verification-failed")
    assert net.actors["bank2"].uscc in message


async def test_with_require_attestation_every_invoice_of_a_claim_needs_one():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
    second = {**reg["invoices"][0], "number": "26442000000000000043"}
    reg["invoices"].append(second)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "26442000000000000043" in message
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, second["number"], invoice=second))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_required_sources_must_all_be_named_by_a_passing_attestation():
    net = await standard_net(requiring(attestation_sources=("reference-tax",)))
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, sources=("reference-registry",), invoice=reg["invoices"][0]))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "naming the sources reference-tax" in message
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, sources=("reference-tax", "reference-credit"),
                                     invoice=reg["invoices"][0]))
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


async def test_a_passing_attestation_counts_only_for_the_buyer_date_and_total_it_verified():
    net = await standard_net(requiring())
    tier1, core, core2 = net.actors["tier1"], net.actors["core"], net.actors["core2"]
    verified = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
    a = await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                     attestation_request(tier1.uscc, NUMBER, invoice=verified["invoices"][0]))
    assert (a["buyer_tax_id"], a["issue_date"], a["total_with_tax"]) == (core.uscc, net.today, 113_000_00)
    # the same invoice, registered for more than was verified
    inflated = net.registration(tier1, core, 900_000_00, invoice_no=NUMBER)
    message = await net.refused(tier1, "RegisterReceivable", inflated, rule="invoice-attested-values-differ")
    assert "total with tax 113000.00 CNY (registered: 1017000.00 CNY)" in message and a["attested"]["tx_id"] in message
    # with another date, or against another debtor
    backdated = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
    backdated["invoices"][0]["date"] = net.day(-20)
    message = await net.refused(tier1, "RegisterReceivable", backdated, rule="invoice-attested-values-differ")
    assert f"date {net.today} (registered: {net.day(-20)})" in message and "total with tax" not in message
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core2, invoice_no=NUMBER),
                                rule="invoice-attested-values-differ")
    assert f"buyer {core.uscc} (registered: {core2.uscc})" in message
    # as verified, it counts
    await net.ok(tier1, "RegisterReceivable", verified)


async def test_attestations_of_a_role_no_longer_attesting_do_not_count():
    # an earlier definition let the regulator attest (unvalidated, as a ledger written under it holds them)
    earlier = requiring(attesting_roles=("financier", "regulator"))
    net = await standard_net(earlier)
    tier1, core, bank, regulator = net.actors["tier1"], net.actors["core"], net.actors["bank"], net.actors["regulator"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(regulator, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    # the current definition: only banks attest, so the regulator's word no longer counts
    net.contract.config = requiring()
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "not counted: 1 attestation(s) by a regulator" in message and "ask a financier" in message
    # nor does a failure it attested before
    net.contract.config = earlier
    net.advance(hours=1)
    await net.ok(regulator, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, outcome="fail", invoice=reg["invoices"][0]))
    net.contract.config = requiring()
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_the_newest_attestation_is_found_by_time_not_by_how_the_time_is_written():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    passed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    net.advance(seconds=0.4)  # the invoice is red-flushed; the bank checks again 0.4 s later
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, outcome="fail", invoice=reg["invoices"][0]))
    # "...02:00:00Z" sorts after "...02:00:00.400000Z" as text, but is the earlier time
    assert passed["attested"]["at"] == "2026-03-02T02:00:00Z" and failed["attested"]["at"].endswith(":00.400000Z")
    listed = await net.ok(tier1, "GetInvoiceAttestations", passed["fingerprint"], evaluate=True)
    assert [a["outcome"] for a in listed] == ["pass", "fail"]
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")


async def test_a_cny_invoice_attested_or_not_backs_no_claim_in_another_currency():
    for config in (DEFAULT_CONFIG, requiring()):
        net = await standard_net(config)
        tier1, core = net.actors["tier1"], net.actors["core"]
        reg = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
        await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                     attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
        for currency in ("USD", "EUR", "HKD"):    # (KWD, XAU: refused sooner, currency-invalid)
            message = await net.refused(tier1, "RegisterReceivable", {**reg, "currency": currency},
                                        rule="invoice-currency-mismatch")
            assert f"invoice {NUMBER} is in CNY, the claim in {currency}" in message
        await net.ok(tier1, "RegisterReceivable", reg)  # in CNY, the invoice's currency


async def test_an_invoice_in_another_currency_matches_no_attestation_which_verifies_cny():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    in_usd = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER, currency="USD")
    assert in_usd["invoices"][0]["currency"] == "USD"
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=in_usd["invoices"][0]))
    message = await net.refused(tier1, "RegisterReceivable", in_usd, rule="invoice-attested-values-differ")
    assert "verified a VAT invoice, in CNY (registered in USD)" in message


async def test_passing_attestations_that_verified_different_values_block_registration_naming_both():
    net = await standard_net(requiring())
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    honest = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
    inflated = net.registration(tier1, core, 900_000_00, invoice_no=NUMBER)
    right = await net.ok(bank, "AttestInvoiceVerification",
                         attestation_request(tier1.uscc, NUMBER, invoice=honest["invoices"][0]))
    wrong = await net.ok(bank2, "AttestInvoiceVerification",
                         attestation_request(tier1.uscc, NUMBER, invoice=inflated["invoices"][0]))
    for reg, matched, other, verified in ((inflated, wrong, right, "total with tax 113000.00 CNY (registered: 1017000.00 CNY)"),
                                          (honest, right, wrong, "total with tax 1017000.00 CNY (registered: 113000.00 CNY)")):
        message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-attestations-disagree")
        assert f"{matched['attester']} (transaction {matched['attested']['tx_id']}) verified the values" in message
        assert f"{other['attester']} (transaction {other['attested']['tx_id']}) verified {verified}" in message
        assert ("the one in error verifies the invoice again against any source (this network requires none in "
                "particular) and attests the result") in message
    # a pass not naming the required sources backs no registration, but it is its attester's reading all the same
    net.contract.config = requiring(attestation_sources=("reference-credit",))
    await net.ok(await net.party("bank3", BANK, "financier"), "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, sources=("reference-credit",), invoice=honest["invoices"][0]))
    message = await net.refused(tier1, "RegisterReceivable", honest, rule="invoice-attestations-disagree")
    assert f"{wrong['attester']} (transaction {wrong['attested']['tx_id']}) verified total with tax 1017000.00 CNY" in message


async def test_the_attester_in_error_attesting_again_settles_the_disagreement():
    net = await standard_net(requiring())
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    honest = net.registration(tier1, core, 100_000_00, invoice_no=NUMBER)
    inflated = net.registration(tier1, core, 900_000_00, invoice_no=NUMBER)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=honest["invoices"][0]))
    await net.ok(bank2, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=inflated["invoices"][0]))
    net.advance(hours=1)
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=honest["invoices"][0]))
    await net.refused(tier1, "RegisterReceivable", inflated, rule="invoice-attested-values-differ")
    await net.ok(tier1, "RegisterReceivable", honest)


@pytest.mark.parametrize("sources, why", [
    (["Reference-Tax"], "'Reference-Tax': not a source name an attestation can give"),
    ([" reference-tax"], "' reference-tax': not a source name"),
    (["reference-tax\n"], "'reference-tax\\n': not a source name"),
    ([""], "'': not a source name"),
    ([f"source-{i}" for i in range(11)], "11 sources, but an attestation names at most 10"),
])
def test_required_sources_no_attestation_could_name_are_refused_when_the_config_is_read(sources, why):
    doc = {"org_roles": {"BankMSP": ["financier"], "SupplierMSP": ["supplier"], **A_REGULATOR_ORG},
           "require_attestation": True, "attestation_sources": sources}
    with pytest.raises(NetworkConfigError, match=re.escape(f"network_config.json: attestation_sources: {why}")):
        parse_config(json.dumps(doc), "network_config.json")
    with pytest.raises(ValidationError):
        NetworkConfig(org_roles={"BankMSP": ("financier",), **A_REGULATOR_ORG},
                      attestation_sources=tuple(sources))
    # the names the attestation request takes are the ones the configuration takes
    NetworkConfig(org_roles={"BankMSP": ("financier",), **A_REGULATOR_ORG},
                  attestation_sources=("reference-tax", "a.b_c-9"))


def as_written_before_the_values_were_recorded(net: Net, attestation: dict) -> None:
    """Rewrite a stored attestation as the contract wrote it before it asked for the values verified."""
    from chaincode.receivables import keys

    key = net._key(keys.ATTESTATION, attestation["fingerprint"], attestation["id"])
    stored = json.loads(net.ledger.state[key])
    for field in ("buyer_tax_id", "issue_date", "total_with_tax"):
        del stored[field]
    net.ledger.state[key] = json.dumps(stored).encode()


async def test_an_attestation_stored_before_the_values_verified_were_recorded_is_read_and_matches_nothing():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    old = await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                       attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    as_written_before_the_values_were_recorded(net, old)

    listed = await net.ok(tier1, "GetInvoiceAttestations", old["fingerprint"], evaluate=True)
    assert [(a["id"], a["buyer_tax_id"], a["issue_date"], a["total_with_tax"]) for a in listed] == [
        (old["id"], None, None, None)]
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-attested-values-differ")
    assert "written before attestations recorded the values verified, so it matches no registration" in message
    # it contradicts nothing either: another attester's pass with the values lets the invoice through
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_an_attestation_counts_only_while_the_attesters_org_may_hold_its_role():
    net = await standard_net(requiring(org_roles={**DEFAULT_CONFIG.org_roles, "Bank2MSP": ("financier",)}))
    tier1, core, bank = (net.actors[k] for k in ("tier1", "core", "bank"))
    other_bank = await net.party("other-bank", "Bank2MSP", "financier")
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    # a new definition: BankMSP's parties may no longer be financiers; financiers still attest
    net.contract.config = requiring(org_roles={**DEFAULT_CONFIG.org_roles, "BankMSP": ("core_enterprise",),
                                               "Bank2MSP": ("financier",)})
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert ("not counted: 1 attestation(s) by a financier of BankMSP, an org whose parties this network no longer "
            "lets be financiers (org_roles)") in message
    # nor can the bank attest (or do anything else) any more
    await net.refused(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER), rule="role-not-allowed-for-org")
    await net.ok(other_bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    await net.ok(tier1, "RegisterReceivable", reg)


TAX, REGISTRY, CREDIT = "reference-tax", "reference-registry", "reference-credit"


@pytest.mark.parametrize("required", [(TAX,), ()], ids=["tax source required", "any source"])
async def test_a_failure_stands_until_the_same_attester_passes_on_the_sources_it_failed_on(required):
    net = await standard_net(requiring(attestation_sources=required))
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified,
                                                                         sources=(TAX,)))
    net.advance(seconds=60)  # the bank asks the tax source again: the invoice was voided
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified,
                                                                        outcome="fail", sources=(TAX,)))
    net.advance(seconds=60)  # then runs a credit check of the debtor alone, which passes
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified,
                                                                        sources=(CREDIT,)))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    assert f"failing verification against {TAX} by {bank.uscc}" in message
    assert "a pass on other sources leaves the failure standing" in message
    # checked against the tax source again (the voiding was a mistake, since undone), its pass clears its failure
    net.advance(seconds=60)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified,
                                                                        sources=(TAX, REGISTRY)))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_a_later_failure_on_one_source_overrides_that_attesters_pass_on_it_only():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified,
                                                                        sources=(TAX, REGISTRY)))
    net.advance(seconds=60)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified,
                                                                        outcome="fail", sources=(REGISTRY,)))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    assert f"failing verification against {REGISTRY} by {bank.uscc}" in message


async def test_a_pass_on_other_sources_leaves_the_attesters_earlier_pass_standing():
    net = await standard_net(requiring(attestation_sources=(TAX,)))
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0],
                                                                        sources=(TAX,)))
    net.advance(seconds=60)
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0],
                                                                        sources=(CREDIT,)))
    await net.ok(tier1, "RegisterReceivable", reg)


async def registration_requiring(required: tuple[str, ...]) -> tuple[Net, dict]:
    """A network requiring attestations naming ``required``, and tier1's registration of invoice NUMBER on core."""
    net = await standard_net(requiring(attestation_sources=required))
    return net, net.registration(net.actors["tier1"], net.actors["core"], invoice_no=NUMBER)


async def attest(net: Net, attester: str, invoice: dict, sources: tuple[str, ...]) -> dict:
    """``attester`` attests that invoice NUMBER of tier1 passed against ``sources`` with the values of ``invoice``."""
    return await net.ok(net.actors[attester], "AttestInvoiceVerification",
                        attestation_request(net.actors["tier1"].uscc, NUMBER, invoice=invoice, sources=sources))


def misread(invoice: dict) -> dict:
    """The invoice as a check that read its total 1.00 too high verified it."""
    return dict(invoice, amount=invoice["amount"] + 100)


@pytest.mark.parametrize("required", [(TAX,), ()], ids=["tax source required", "any source"])
async def test_an_attester_that_checks_again_and_finds_the_right_values_does_not_disagree_with_itself(required):
    net, reg = await registration_requiring(required)
    await attest(net, "bank2", misread(reg["invoices"][0]), (TAX, CREDIT))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-attested-values-differ")
    assert "total with tax 113001.00 CNY (registered: 113000.00 CNY)" in message
    assert f"have it verified again against {TAX if required else 'any source'}" in message
    net.advance(seconds=60)  # checked against the tax source again: its newer values replace its older ones
    await attest(net, "bank2", reg["invoices"][0], (TAX,))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


@pytest.mark.parametrize("required", [(TAX,), ()], ids=["tax source required", "any source"])
async def test_an_attesters_newer_values_are_what_it_says_and_its_older_pass_does_not_outvote_them(required):
    net, reg = await registration_requiring(required)
    older = await attest(net, "bank2", reg["invoices"][0], (TAX, CREDIT))
    net.advance(seconds=60)
    newer = await attest(net, "bank2", misread(reg["invoices"][0]), (TAX,))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-attested-values-differ")
    assert f"transaction {newer['attested']['tx_id']}) verified total with tax 113001.00 CNY" in message
    assert older["attested"]["tx_id"] not in message
    net.advance(seconds=60)
    await attest(net, "bank2", reg["invoices"][0], (TAX,))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


async def test_a_disagreement_names_the_sources_the_attester_in_error_attests_again():
    net, reg = await registration_requiring((TAX, REGISTRY))
    await attest(net, "bank", reg["invoices"][0], (TAX, REGISTRY))
    await attest(net, "bank2", misread(reg["invoices"][0]), (TAX, REGISTRY, CREDIT))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-attestations-disagree")
    assert f"verifies the invoice again against {REGISTRY}, {TAX} in one attestation and attests" in message
    net.advance(seconds=60)
    await attest(net, "bank2", reg["invoices"][0], (REGISTRY, TAX))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


@pytest.mark.parametrize("required", [(TAX,), ()], ids=["tax source required", "any source"])
async def test_an_attestation_written_before_values_were_recorded_gives_way_to_its_attesters_new_one(required):
    net, reg = await registration_requiring(required)
    as_written_before_the_values_were_recorded(net, await attest(net, "bank", reg["invoices"][0], (TAX, REGISTRY)))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-attested-values-differ")
    assert f"have it verified again against {TAX if required else 'any source'}" in message
    net.advance(seconds=60)  # the bank attests again after the upgrade, on the tax source only
    await attest(net, "bank", reg["invoices"][0], (TAX,))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


@pytest.mark.parametrize("side", ["creditor", "debtor"])
async def test_an_attestation_by_the_creditors_or_the_debtors_org_does_not_count(side):
    org_roles = {CORE: ("core_enterprise",), SUPPLIER: ("supplier",), BANK: ("financier",), **A_REGULATOR_ORG}
    stake_msp = SUPPLIER if side == "creditor" else CORE
    org_roles[stake_msp] += ("financier",)
    net = Net(requiring(org_roles=org_roles))
    core = await net.party("core", CORE, "core_enterprise")
    tier1 = await net.party("tier1", SUPPLIER, "supplier")
    own_bank = await net.party("own-bank", stake_msp, "financier")
    bank = await net.party("bank", BANK, "financier")
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    await net.ok(own_bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert (f"not counted: 1 attestation(s) by a financier of {stake_msp}, the org of the claim's {side}, which has "
            "a stake in the outcome") in message
    # nor does its failure block what an independent bank verified
    net.advance(seconds=60)
    await net.ok(own_bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=verified, outcome="fail"))
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified))
    await net.ok(tier1, "RegisterReceivable", reg)


@pytest.mark.parametrize("roles, named", [
    (["supplier"], "supplier may not attest"),
    (["financier", "core_enterprise"], "core_enterprise may not attest"),
    (["core_enterprise", "supplier", "financier"], "core_enterprise, supplier may not attest"),
])
def test_a_side_of_a_claim_among_the_attesting_roles_is_refused_when_the_config_is_read(roles, named):
    doc = {"org_roles": {"BankMSP": ["financier"], "SupplierMSP": ["supplier"], **A_REGULATOR_ORG},
           "attesting_roles": roles}
    with pytest.raises(NetworkConfigError, match=re.escape(f"network_config.json: attesting_roles: {named}")) as refused:
        parse_config(json.dumps(doc), "network_config.json")
    assert "name only financier" in str(refused.value)
    with pytest.raises(ValidationError, match=re.escape(named)):
        NetworkConfig(org_roles={"BankMSP": ("financier",), **A_REGULATOR_ORG}, attesting_roles=tuple(roles))


async def test_an_invoice_dated_after_the_attestations_own_date_is_refused_naming_both_dates():
    # the transaction is at 10:00 in Beijing on 2 March: an invoice dated 3 March was not issued yet, so no source
    # could have verified it, and its record would back a registration made once that date came
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    later = attestation_request(tier1.uscc, NUMBER, issue_date="2026-03-03")
    message = await net.refused(bank, "AttestInvoiceVerification", later, rule="invoice-date-in-future")
    assert "dated 2026-03-03, after this attestation's date 2026-03-02" in message
    on_the_day = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER,
                                                                                     issue_date="2026-03-02"))
    assert on_the_day["issue_date"] == "2026-03-02"


async def test_the_attestations_date_is_the_business_date_of_its_transaction_not_the_utc_date():
    # 17:00 UTC on 2 March is 01:00 on 3 March in Beijing: an invoice dated 3 March has been issued by then
    net = await standard_net()
    net.advance(hours=15)
    a = await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                     attestation_request(net.actors["tier1"].uscc, NUMBER, issue_date="2026-03-03"))
    assert a["attested"]["at"] == "2026-03-02T17:00:00Z" and a["issue_date"] == "2026-03-03"


async def test_an_invoices_attestations_are_read_by_its_seller_buyer_banks_and_regulator_only():
    # a fingerprint is computed from the seller's public credit code and a guessable number: another supplier would
    # learn tier1's buyer, date, total and bank from it, as GetReceivable would not tell it
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    a = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER,
                                                                            invoice=reg["invoices"][0]))
    for reader in ("tier1", "core", "bank", "bank2", "regulator"):
        assert [x["id"] for x in await net.ok(net.actors[reader], "GetInvoiceAttestations", a["fingerprint"],
                                              evaluate=True)] == [a["id"]]
    # an invoice nobody attested tells nothing: an empty list to anyone; and to another supplier or debtor, an
    # attested one reads the same, word for word: a refusal would tell it, guessing numbers, which of tier1's
    # invoices exist and were checked by a bank
    other = fingerprint.invoice_fingerprint(tier1.uscc, "", "26442000000000000043")
    for outsider in ("tier2", "core2"):
        answers = [await net.call(net.actors[outsider], "GetInvoiceAttestations", fp, evaluate=True)
                   for fp in (a["fingerprint"], other)]
        assert [(x.status, x.payload) for x in answers] == [(200, b"[]"), (200, b"[]")], outsider
