"""``GetInvoiceAttestations`` (``answer`` ``object``) marks each listed attestation a registration would not count
for the invoice, saying why: a pass in an attester's name, dated before the first record its
``recfin.attestation-last`` entry named, that no write of that entry names backs no registration
(``attestation.named_by_no_write``), yet it was listed as the attester's word with nothing to tell it apart from
the bank's own. The attester's own attestation carries no such mark (``not_counted_reason`` null), and the list
answer (the one GetMetadata describes) is as before. A failure so written is marked too: it still refuses a
registration, but its reader learns the attester's entry names it nowhere."""

from __future__ import annotations

from ..receivables.support import attestation_request
from ..receivables.test_registry_and_attestation_policies import NUMBER, dated_later, forged_in_the_name_of
from .test_attestation_forged_before_its_attesters_first import a_credit_check_and_a_tax_pass_forged_before_it


async def _listed(net, credit) -> dict:
    return await net.ok(net.actors["tier1"], "GetInvoiceAttestations", credit["fingerprint"], "object",
                        evaluate=True)


async def test_a_forged_pass_is_listed_as_counted_by_no_registration_and_the_attesters_own_is_not():
    net, _, credit = await a_credit_check_and_a_tax_pass_forged_before_it()
    listed = {a["id"]: a for a in (await _listed(net, credit))["attestations"]}
    assert set(listed) == {"A-forged", credit["id"]}
    why = listed["A-forged"]["not_counted_reason"]
    assert why and "named by no write of its attester's recfin.attestation-last entry" in why, why
    assert "backs no registration" in why
    assert listed[credit["id"]]["not_counted_reason"] is None


async def test_the_list_answer_is_the_records_alone():
    net, _, credit = await a_credit_check_and_a_tax_pass_forged_before_it()
    records = await net.ok(net.actors["tier1"], "GetInvoiceAttestations", credit["fingerprint"], evaluate=True)
    assert all("not_counted_reason" not in a for a in records)


async def test_a_forged_failure_is_listed_as_still_refusing_registration_and_marked():
    """A failure in the bank's name dated before its first record, that no write of its entry names, still refuses
    a registration (nothing tells it from an earlier contract version's failure), but a reader of the list learns
    that the bank's entry names it nowhere, rather than reading it as the bank's word."""
    net, _, credit = await a_credit_check_and_a_tax_pass_forged_before_it()
    forged_in_the_name_of(net, credit, id="A-forged-failure", outcome="fail", sources=["reference-registry"],
                          attested=dated_later(credit, minutes=-20))
    listed = {a["id"]: a for a in (await _listed(net, credit))["attestations"]}
    why = listed["A-forged-failure"]["not_counted_reason"]
    assert why and why.startswith("failing, but named by no write of its attester's recfin.attestation-last"), why
    assert "still refuses a registration" in why and "reference-registry" in why
    assert listed[credit["id"]]["not_counted_reason"] is None


async def test_a_forged_failure_is_listed_with_every_way_a_registration_refusal_names_to_clear_it():
    """The listing named only the attester's pass on the failure's sources; a registration's refusal also names the
    attester's pass covering the required sources that lists a source it asked again and found nothing of
    (``sources_skipped``). Both now say the same, and that way does clear it."""
    net, req, credit = await a_credit_check_and_a_tax_pass_forged_before_it()
    forged_in_the_name_of(net, credit, id="A-forged-failure", outcome="fail", sources=["reference-registry"],
                          attested=dated_later(credit, minutes=-20))
    why = (await _listed(net, credit))["attestations"]
    why = next(a["not_counted_reason"] for a in why if a["id"] == "A-forged-failure")
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    refusal = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    clears = why.split(" until ", 1)[1].split("; the block", 1)[0]
    assert "sources_skipped" in clears and "reference-tax" in clears and "reference-registry" in clears, why
    assert clears in refusal, (clears, refusal)
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], sources=("reference-tax",),
                                     sources_skipped=["reference-registry"]))
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"
