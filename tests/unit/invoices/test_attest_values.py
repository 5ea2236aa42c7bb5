"""An attestation carries the values the contract compares with a registration: a pass is built only where the
invoice's amount + tax is its total with tax (the contract compares a pass's total with the amount + tax a
registration gives), and only for an invoice in CNY (the ledger reads an attested total as CNY)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import attestation, invoice_fingerprint, invoice_to_json, read_invoice, verify_with_sources
from client.invoices.attest import attest_verification, attestation_request

from ._ledger import Ledger
from .test_attest import AT, INVOICE, sources


def _tax_read_a_yuan_low():
    """The sample invoice with its 合计税额 a yuan below what its lines add up to: its 价税合计, 2303.00, is still the
    one the tax source knows, so every source passes it, while its amount + tax is 2302.00."""
    inv = read_invoice(INVOICE)
    return inv.model_copy(update={"total_tax_fen": inv.total_tax_fen - 100})


def test_a_pass_of_an_invoice_whose_amount_and_tax_miss_its_total_is_not_attested():
    ledger = Ledger()
    inv = _tax_read_a_yuan_low()
    verified = verify_with_sources(inv, *sources())
    assert verified.ok
    with pytest.raises(ValueError, match=r"^total_with_tax: invoice 26442000000012345678 gives amount 2100\.00 \+ tax "
                                         r"202\.00 = 2302\.00, not its total with tax 2303\.00 \(totals\.with_tax\): .*"
                                         "would back no registration of the invoice"):
        attest_verification(ledger.client("bank"), inv, verified, attested_at=AT)
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []
    # a failure counts whatever its values: it is still attested, and warns the next bank
    failing = verified.model_copy(update={"findings": tuple(
        f.model_copy(update={"status": "fail"}) if f.check == "source.tax.status" else f for f in verified.findings)})
    assert attestation_request(inv, attestation(failing, AT)).outcome == "fail"


def test_attest_refuses_such_a_pass_as_bad_input_and_sends_nothing(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    path = tmp_path / "tax-read-low.json"
    path.write_text(json.dumps(invoice_to_json(_tax_read_a_yuan_low()), ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(invoice_group, ["attest", str(path), "--as", "bank/officer1"])
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"Error: {path}: total_with_tax: invoice 26442000000012345678 gives amount 2100.00 + "
                               "tax 202.00 = 2302.00, not its total with tax 2303.00")
    assert "nothing was attested" in r.output
    assert ledger.opened == []


def test_an_invoice_in_another_currency_than_cny_is_not_attested():
    ledger = Ledger()
    inv = read_invoice(INVOICE).model_copy(update={"currency": "USD"})
    verified = verify_with_sources(inv, *sources())
    with pytest.raises(ValueError, match=r"^currency: invoice 26442000000012345678 is in USD: an attestation verifies a "
                                         "VAT invoice .* in CNY"):
        attest_verification(ledger.client("bank"), inv, verified, attested_at=AT)
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []
