"""``recfin invoice register`` matches the invoice against the order and the receipt once: it has no match of its
own to show, so it registers from the documents (``registration_from_documents``), which match them itself, and
refuses an invoice that fails its own checks before matching it at all."""

from __future__ import annotations

import json

import pytest

import client.invoices
import client.invoices.register
from client.invoices import ChecksFailed, NotMatched, invoice_to_json, match_invoice, registration_from_documents, \
    registration_from_match

from ._ledger import Ledger
from . import test_delivery_in_parts as parts
from .test_matching import write

capacitors, run = parts.capacitors, parts.run
files, documents = parts.files, parts.documents   # fixtures: the invoice file, and an order and receipt of 200
SUPPLIER = ["--due", "2026-11-30", "--as", "supplier/supplier1"]


@pytest.fixture
def matches(monkeypatch):
    """The three-way matches computed, wherever the command or the SDK computes them (the command imports
    ``match_invoice`` from ``client.invoices`` when it runs)."""
    computed = []

    def counted(*args, **kwargs):
        computed.append(args[0].number)
        return match_invoice(*args, **kwargs)

    for module in (client.invoices, client.invoices.register):
        monkeypatch.setattr(module, "match_invoice", counted)
    return computed


def test_register_matches_the_invoice_once(monkeypatch, files, matches):
    invoice_file, documents = files
    Ledger().serve(monkeypatch)
    r = run("register", invoice_file("200"), *documents, *SUPPLIER, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["face_amount"] == 33900
    assert matches == ["26442000000012345678"]


def test_register_does_not_match_an_invoice_that_fails_its_checks(monkeypatch, tmp_path, files, matches):
    _, documents = files
    inflated = invoice_to_json(capacitors("200"))
    inflated["total_with_tax"] = "339.01"
    Ledger().serve(monkeypatch)
    r = run("register", write(tmp_path, "inflated.json", json.dumps(inflated, ensure_ascii=False)), *documents,
            *SUPPLIER)
    assert r.exit_code == 1 and "totals.with_tax" in r.output, r.output
    assert matches == []


def test_registration_from_documents_is_the_one_from_a_match(documents):
    po, gr = documents
    inv = capacitors("200")
    assert registration_from_documents(inv, po, gr, _due()).wire() == \
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), _due()).wire()
    with pytest.raises(NotMatched, match="partial against PO PO-1 / receipt GR-1"):
        registration_from_documents(capacitors("120"), po, gr, _due())
    inflated = inv.model_copy(update={"total_with_tax_fen": inv.total_with_tax_fen + 1})
    with pytest.raises(ChecksFailed, match="totals.with_tax"):
        registration_from_documents(inflated, po, gr, _due())


def _due():
    from datetime import date
    return date(2026, 12, 1)
