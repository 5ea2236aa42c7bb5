"""An invoice whose attestation the contract refuses by its number, code or date is refused before anything is
sent, naming the field and the contract's rule, as the attestation docs say of what the ledger would not take.

Before, ``attestation_request`` built the request and `recfin invoice attest` connected and sent it (a failure
attested "to warn the next bank" of an invoice whose number was mistyped), for the contract to refuse it
invoice-number-invalid, invoice-code-invalid or invoice-date-in-future: exit 1 after a round trip, where an
attestation the ledger would not take is exit 2 with nothing sent.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from chaincode.receivables import fingerprint
from cli.invoice_commands import invoice as invoice_group
from client.business_dates import business_today
from client.invoices import attestation, verify_with_sources
from client.invoices.attest import attestation_request

from ._samples import einvoice_xml, invoice
from .test_attest import AT, sources

# a week ahead, not a day: the dates are taken when the module is collected, and a run crossing midnight in China
# Standard Time (16:00 UTC) would otherwise find "tomorrow" come by the time the tests run
AHEAD = business_today() + timedelta(days=7)
LAST_YEAR = business_today().replace(month=6, day=1) - timedelta(days=366)
REFUSED = [
    # 19 digits: the request's number rule
    (dict(number="2644200000001234567"), "number: ", "invoice-number-invalid"),
    # an 8-digit number without its code, and a code and number run together (opens with 20)
    (dict(number="12345678"), "code: ", "invoice-code-invalid"),
    (dict(number="20442000000012345678"), "code: ", "invoice-code-invalid"),
    (dict(issued=AHEAD, number=f"{AHEAD.year % 100:02d}442000000012345678"), "issue_date: ",
     "invoice-date-in-future"),
    # a 20-digit number opening with another year than its date's (attestation.checked_number_year)
    (dict(issued=LAST_YEAR, number=f"{(LAST_YEAR.year + 1) % 100:02d}442000000012345678"), "number: ",
     "invoice-code-invalid"),
]


def _evidence_of(inv):
    return attestation(verify_with_sources(inv, *sources()), AT)


@pytest.mark.parametrize(("made", "field", "rule"), REFUSED)
def test_the_request_is_refused_naming_the_field_and_the_contracts_rule(made, field, rule):
    inv = invoice(**made)
    with pytest.raises(ValueError) as refused:
        attestation_request(inv, _evidence_of(inv))
    assert str(refused.value).startswith(field) and f"(rule {rule})" in str(refused.value)


@pytest.mark.parametrize(("made", "field", "rule"), REFUSED)
def test_attest_exits_2_before_it_connects(made, field, rule, tmp_path):
    path = tmp_path / "invoice.xml"
    path.write_text(einvoice_xml(invoice(**made)), encoding="utf-8")
    # no network under this data root: a command that connected would exit 3, cannot reach the ledger
    done = CliRunner().invoke(invoice_group, ["attest", str(path), "--as", "bank",
                                              "--data-root", str(tmp_path), "--request-id", "VER-1",
                                              "--evidence", str(tmp_path / "e.json")])
    assert done.exit_code == 2, done.output
    assert field in done.output and f"(rule {rule})" in done.output
    assert "nothing was attested" in done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoice.xml"]    # no evidence written


def test_an_invoice_the_ledger_takes_is_not_refused_for_its_identity_or_date():
    inv = invoice(issued=business_today() - timedelta(days=1),
                  number=f"{(business_today() - timedelta(days=1)).year % 100:02d}442000000012345678")
    request = attestation_request(inv, _evidence_of(inv))
    assert request.fingerprint == fingerprint.invoice_fingerprint(inv.seller.tax_id, "", inv.number)
    assert date.fromisoformat(str(request.issue_date)) == inv.issue_date


def test_an_invoice_dated_before_its_codes_printing_year_is_refused_before_anything_is_sent():
    # the contract refuses it invoice-code-invalid (attestation.checked_code_year), as it refuses its registration
    later = business_today().year + 1
    code = f"3100{later % 100:02d}4130"
    inv = invoice(issued=business_today(), number="12345678").model_copy(update={"code": code})
    with pytest.raises(ValueError) as refused:
        attestation_request(inv, _evidence_of(inv))
    said = str(refused.value)
    assert said.startswith(f"code: code {code} is of a form printed in {later}") and "(rule invoice-code-invalid)" in said
    on_its_year = inv.model_copy(update={"code": f"3100{(later - 1) % 100:02d}4130"})
    assert attestation_request(on_its_year, _evidence_of(on_its_year)).code == on_its_year.code
