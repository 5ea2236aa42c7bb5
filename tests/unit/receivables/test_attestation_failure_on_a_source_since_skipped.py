"""A failure naming a source that, asked again, holds nothing of the invoice is cleared by its attester's later pass
that covers what a registration needs and lists that source among those it asked and skipped.

A failure stands on each source it names until its attester passes the invoice there. A verification names as its
sources only those that answered (a credit bureau with no record of the buyer is named in ``sources_skipped``), so
a bank's failure made while the bureau still knew the buyer stood on ``reference-credit`` for good once the bureau
lost the record: no pass could ever name it, whatever the failure had been about. The pass now carries the sources
it asked that held nothing, and clears its attester's failure there when it names every source the network
requires. One that did not ask the source (a verification without a credit bureau) leaves the failure, as does one
that does not cover the required sources, and one no write of its attester's entry names."""

from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG

from ..hostile.test_attestation_forged_before_its_attesters_first import as_an_earlier_version_recorded_them
from .support import attestation_request, standard_net
from .test_registry_and_attestation_policies import NUMBER, dated_later, forged_in_the_name_of

TAX_REQUIRED = DEFAULT_CONFIG.model_copy(update={"require_attestation": True,
                                                 "attestation_sources": ("reference-tax",)})


async def a_failure_naming_the_bureau(config=TAX_REQUIRED):
    net = await standard_net(config)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], outcome="fail",
                                              sources=("reference-tax", "reference-credit")))
    net.advance(hours=1)
    return net, req, failed


def tax_pass(net, req, **over) -> dict:
    return attestation_request(net.actors["tier1"].uscc, NUMBER, invoice=req["invoices"][0],
                               sources=("reference-tax",), **over)


async def test_a_pass_that_asked_the_bureau_again_and_found_nothing_clears_the_failure_on_it():
    net, req, _ = await a_failure_naming_the_bureau()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    attested = await net.ok(bank, "AttestInvoiceVerification",
                            tax_pass(net, req, sources_skipped=["reference-credit"]))
    assert attested["sources_skipped"] == ["reference-credit"]
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"


async def test_a_pass_that_did_not_ask_the_bureau_leaves_the_failure_on_it():
    net, req, failed = await a_failure_naming_the_bureau()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await net.ok(bank, "AttestInvoiceVerification", tax_pass(net, req))
    refusal = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    assert "against reference-credit by" in refusal and failed["attested"]["tx_id"] in refusal
    assert "sources_skipped" in refusal and "reference-tax" in refusal, refusal


async def test_a_pass_not_naming_every_required_source_leaves_the_failure_on_a_source_it_skipped():
    config = TAX_REQUIRED.model_copy(update={"attestation_sources": ("reference-tax", "reference-registry")})
    net, req, _ = await a_failure_naming_the_bureau(config)
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await net.ok(bank, "AttestInvoiceVerification", tax_pass(net, req, sources_skipped=["reference-credit"]))
    refusal = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    assert "against reference-credit by" in refusal


async def test_another_attesters_pass_that_skipped_the_bureau_leaves_the_failure():
    net, req, _ = await a_failure_naming_the_bureau()
    tier1, bank2 = net.actors["tier1"], net.actors["bank2"]
    await net.ok(bank2, "AttestInvoiceVerification", tax_pass(net, req, sources_skipped=["reference-credit"]))
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")


async def test_a_pass_no_write_of_its_attesters_entry_names_clears_no_failure_on_a_source_it_skipped():
    net = await standard_net(TAX_REQUIRED)
    tier1, core, bank, bank2 = (net.actors[name] for name in ("tier1", "core", "bank", "bank2"))
    req = net.registration(tier1, core, invoice_no=NUMBER)
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], outcome="fail",
                                              sources=("reference-credit",)))
    net.advance(hours=2)
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], sources=("reference-registry",)))
    as_an_earlier_version_recorded_them(net)
    net.advance(hours=1)
    # the invoice's first attestation since: bank's entry names its newest, the pass on reference-registry
    await net.ok(bank2, "AttestInvoiceVerification", tax_pass(net, req))
    forged_in_the_name_of(net, failed, outcome="pass", sources=["reference-tax"], sources_skipped=["reference-credit"],
                          attested=dated_later(failed, hours=1))
    net.advance(hours=1)
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    assert failed["attested"]["tx_id"] in message


async def test_a_source_named_twice_or_both_checked_and_skipped_is_refused():
    net, req, _ = await a_failure_naming_the_bureau()
    bank = net.actors["bank"]
    message = await net.refused(bank, "AttestInvoiceVerification",
                                tax_pass(net, req, sources_skipped=["reference-tax"]), rule="argument-invalid")
    assert "reference-tax" in message and "both in sources" in message
    await net.refused(bank, "AttestInvoiceVerification",
                      tax_pass(net, req, sources_skipped=["reference-credit", "reference-credit"]),
                      rule="argument-invalid")


async def test_a_record_with_no_source_skipped_is_stored_as_before_the_field():
    net, req, failed = await a_failure_naming_the_bureau()
    stored = json.loads(net.ledger.state[net._key(keys.ATTESTATION, failed["fingerprint"], failed["id"])])
    assert "sources_skipped" not in stored and "sources_skipped" not in failed


async def test_the_event_names_the_sources_skipped_only_where_there_are_some():
    # a follower of the events sees that a pass clears its attester's failure on the sources it skipped
    net, req, _ = await a_failure_naming_the_bureau()
    bank = net.actors["bank"]
    skipped = await net.call(bank, "AttestInvoiceVerification",
                             tax_pass(net, req, sources_skipped=["reference-credit"]))
    assert skipped.status == 200, skipped.message
    assert json.loads(skipped.event[1])["sources_skipped"] == ["reference-credit"]
    net.advance(hours=1)
    plain = await net.call(bank, "AttestInvoiceVerification", tax_pass(net, req))
    assert plain.status == 200, plain.message
    assert "sources_skipped" not in json.loads(plain.event[1])   # as every event before the field
