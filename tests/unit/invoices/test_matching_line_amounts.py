"""A line whose amount is not its quantity x unit price is no match, even where another line's error makes up for it
in the total: 200 x 1.50 invoiced as 301.00 beside 1000 x 0.80 invoiced as 799.00 adds up to the 2100.00 the order
is worth, each quantity is the one received and each price the order's, and the invoice was "matched" while it asks
a fen too much for one item and too little for another. Each line is held to its quantity x unit price within the
fen the invoice standard allows for rounding (docs/invoices.md, Rounding), and the line is named."""

from __future__ import annotations

import json
from datetime import date

import pytest

from client.invoices import (NotMatched, Tolerances, match_invoice, read_goods_receipt, read_purchase_order,
                             registration_from_match)
from chaincode.receivables.config import DEFAULT_CONFIG
from client.invoices.register import matching_tolerances

from ._samples import invoice
from ._ledger import Ledger
from .test_attest import MATCHED, SAMPLES, run
from .test_matching import GR_CSV, PO_CSV, write


@pytest.fixture
def docs(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def with_amounts(first_fen: int, second_fen: int):
    inv = invoice()
    lines = (inv.lines[0].model_copy(update={"amount_fen": first_fen}),
             inv.lines[1].model_copy(update={"amount_fen": second_fen})) + inv.lines[2:]
    return inv.model_copy(update={"lines": lines})


@pytest.mark.parametrize("part_of_delivery", [False, True])
def test_line_amounts_off_in_opposite_directions_are_no_match(docs, part_of_delivery):
    po, gr = docs
    off = with_amounts(30_100, 79_900)   # 200 x 1.50 is 300.00, 1000 x 0.80 is 800.00
    assert off.total_amount_fen == 210_000 == sum(line.amount_fen for line in off.lines)
    result = match_invoice(off, po, gr, part_of_delivery=part_of_delivery)
    assert result.status == "partial" and not result.ok and result.part is None
    first, second, third = result.lines
    assert first.status == second.status == "partial" and third.status == "matched"
    [problem] = first.problems
    assert "line 1" in problem and "200 x 1.50 = 300.00" in problem and "301.00" in problem
    [problem] = second.problems
    assert "line 2" in problem and "1000 x 0.80 = 800.00" in problem and "799.00" in problem


def test_a_line_off_by_the_fen_rounding_allows_still_matches(docs):
    po, gr = docs
    assert match_invoice(with_amounts(30_001, 79_999), po, gr).status == "matched"


def test_a_registration_holds_the_line_amounts_to_the_tolerance_it_checks_them_with(docs):
    """``register --tolerance-fen 3`` passes a line 2 fen off its quantity x unit price in the checks; the match
    it is registered on holds the line to the same 3 fen, not failing it on the figure the checks passed."""
    po, gr = docs
    off = with_amounts(30_002, 79_998)
    with pytest.raises(NotMatched):
        registration_from_match(off, po, gr, match_invoice(off, po, gr), date(2027, 8, 31), tolerance_fen=3)
    registration = registration_from_match(off, po, gr, match_invoice(off, po, gr, matching_tolerances(3)),
                                           date(2027, 8, 31), tolerance_fen=3)
    assert registration.face_amount == off.total_with_tax_fen
    with pytest.raises(ValueError, match="line_fen"):
        Tolerances(line_fen=-1)


def test_register_with_a_tolerance_matches_the_line_amounts_within_it(monkeypatch, tmp_path):
    Ledger(DEFAULT_CONFIG).serve(monkeypatch)
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc["lines"][0]["amount"], doc["lines"][1]["amount"] = "300.02", "799.98"   # 2 fen off, each way
    off = write(tmp_path, "inv.json", json.dumps(doc, ensure_ascii=False))
    r = run("register", off, *MATCHED, "--as", "supplier/supplier1")
    assert r.exit_code == 1 and "line.amount" in r.output, r.output
    r = run("register", off, *MATCHED, "--tolerance-fen", "3", "--as", "supplier/supplier1", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["face_amount"] == 230_300
