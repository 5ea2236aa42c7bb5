"""An evidence document built or edited by hand, of another shape than attestation() writes (a list where a mapping
is expected, a key missing, a number where text is), raised AttributeError, KeyError or TypeError from inside
attestation_request, naming no field. It is refused with a ValueError naming the field now, before anything else is
checked."""

from __future__ import annotations

import copy

import pytest

from client.invoices import attestation, read_invoice, verify_with_sources
from client.invoices.attest import attestation_request
from client.invoices.sources import Attestation, evidence_digest

from .test_attest import AT, INVOICE, sources

REFUSED = r"^the evidence of invoice 26442000000012345678 is no document attestation\(\) makes: "


@pytest.fixture(scope="module")
def made():
    inv = read_invoice(INVOICE)
    return inv, attestation(verify_with_sources(inv, *sources()), AT)


def _with(document: dict, change) -> Attestation:
    edited = copy.deepcopy(document)
    change(edited)
    return Attestation(document=edited, digest=evidence_digest(edited))


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d.__setitem__("findings", ["source.tax.found"]), r"findings\[0\] is text 'source.tax.found', not a "
                                                                "mapping"),
    (lambda d: d.__setitem__("findings", {"source.tax.found": "pass"}), "findings is a mapping, not a list of "
                                                                        "findings"),
    (lambda d: d.__setitem__("findings", None), "findings is null, not a list of findings"),
    (lambda d: d.pop("findings"), "it has no findings"),
    (lambda d: d["findings"][1].pop("status"), r"findings\[1\] has no status"),
    (lambda d: d["findings"][0].__setitem__("check", 5), r"findings\[0\]\.check is a number 5, not text"),
    (lambda d: d["findings"][0].__setitem__("status", "ok"), r"findings\[0\]\.status is 'ok', not one of pass, fail, "
                                                             "skipped"),
    (lambda d: d.__setitem__("sources", {"reference-tax": True}), "sources is a mapping, not a list of source names"),
    (lambda d: d.__setitem__("sources", [["reference-tax"]]), r"sources\[0\] is a list, not a source name \(text\)"),
    (lambda d: d.__setitem__("sources_skipped", 0), "sources_skipped is a number 0, not a list of source names"),
    (lambda d: d.__setitem__("disagreements", ["buyer_name"]), r"disagreements\[0\] is text 'buyer_name', not a "
                                                               "mapping"),
    (lambda d: d.__setitem__("disagreements", [{"values": {}}]), r"disagreements\[0\] has no field"),
    (lambda d: d.pop("invoice_number"), "it has no invoice_number"),
    (lambda d: d.__setitem__("issue_date", 20260901), "issue_date is a number 20260901, not text"),
    (lambda d: d.__setitem__("total_with_tax_fen", "230300"), "total_with_tax_fen is text '230300', not a whole "
                                                              "number of fen"),
    (lambda d: d.__setitem__("total_with_tax_fen", True), "total_with_tax_fen is a boolean true, not a whole number"),
    (lambda d: d.__setitem__("outcome", None), "outcome is null, not text"),
])
def test_a_document_of_another_shape_is_refused_naming_the_field(made, change, named):
    inv, evidence = made
    with pytest.raises(ValueError, match=REFUSED + named) as refused:
        attestation_request(inv, _with(evidence.document, change))
    assert "attest the evidence attestation() makes" in str(refused.value)


def test_a_value_json_cannot_write_is_refused_not_raised_as_a_type_error(made):
    inv, evidence = made
    document = {**evidence.document, "note": {"a set"}}
    with pytest.raises(ValueError, match=REFUSED + "it holds a value JSON cannot write"):
        attestation_request(inv, Attestation(document=document, digest=evidence.digest))


def test_the_document_attestation_makes_is_still_taken(made):
    inv, evidence = made
    assert attestation_request(inv, evidence).evidence_digest == evidence.digest
