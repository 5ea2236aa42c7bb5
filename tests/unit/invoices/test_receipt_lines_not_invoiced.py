"""Without ``part_of_delivery``, a match is of the whole receipt and registers as a claim on all of it: an invoice
that leaves some of the receipt's lines out is for less than that, so the match is ``partial`` (a document problem
naming the lines and the option), as an invoice below a received quantity is, and cannot be registered."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import NotMatched, invoice_to_json, match_invoice, registration_from_match
from client.invoices.matching import read_goods_receipt, read_purchase_order

from ._samples import invoice, line
from .test_delivery_in_parts import GR_CSV, GR_TWO_ITEMS, PO_TWO_ITEMS, capacitors
from .test_matching import write

LEFT_OUT = ("receipt GR-1 line 2 (不锈钢螺栓) received but not on this invoice: without --part-of-delivery "
            "(part_of_delivery=True) an invoice is matched against, and registered as a claim on, the whole receipt; "
            "an invoice for part of a delivery is matched and registered with that option")


def documents(tmp_path, po_csv: str, gr_csv: str):
    return (read_purchase_order(write(tmp_path, "po.csv", po_csv)),
            read_goods_receipt(write(tmp_path, "gr.csv", gr_csv)))


def both_items():
    return invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个", spec="0805"),
                          line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13", unit="个", spec="M6")))


def test_an_invoice_leaving_receipt_lines_out_is_partial_naming_them_and_the_option(tmp_path):
    po, gr = documents(tmp_path, PO_TWO_ITEMS, GR_TWO_ITEMS)
    result = match_invoice(capacitors("200"), po, gr)
    assert result.status == "partial" and result.part is None
    assert result.lines[0].status == "matched"       # the line itself is right: the invoice is short of the receipt
    assert result.problems == (LEFT_OUT,)
    # and it is no registration: the receipt would go out with no part, a claim on the bolts too
    with pytest.raises(NotMatched):
        registration_from_match(capacitors("200"), po, gr, result, date(2026, 11, 30))
    # with the option it is a part of the delivery, as ever
    assert match_invoice(capacitors("200"), po, gr, part_of_delivery=True).part.received_fen == 110_000


def test_an_invoice_of_every_receipt_line_still_matches_whole(tmp_path):
    po, gr = documents(tmp_path, PO_TWO_ITEMS, GR_TWO_ITEMS)
    result = match_invoice(both_items(), po, gr)
    assert result.ok and result.problems == () and result.part is None
    assert registration_from_match(both_items(), po, gr, result, date(2026, 11, 30)).goods_receipts[0].part is None


def test_a_receipt_line_of_quantity_0_or_a_po_line_never_received_is_no_problem(tmp_path):
    # the bolts received in quantity 0: nothing of them to invoice
    po, gr = documents(tmp_path, PO_TWO_ITEMS, GR_CSV + "GR-1,PO-1,2,M6,不锈钢螺栓,0\n")
    assert match_invoice(capacitors("200"), po, gr).ok
    # the bolts ordered and not received: no receipt line left out (the PO line is listed, as ever)
    po, gr = documents(tmp_path, PO_TWO_ITEMS, GR_CSV)
    result = match_invoice(capacitors("200"), po, gr)
    assert result.ok and result.problems == () and result.not_invoiced_po_lines == ("2",)


def test_match_exits_1_printing_the_lines_left_out_and_register_refuses(tmp_path):
    invoice_file = write(tmp_path, "inv.json", json.dumps(invoice_to_json(capacitors("200")), ensure_ascii=False))
    files = ["--po", write(tmp_path, "po.csv", PO_TWO_ITEMS), "--receipt", write(tmp_path, "gr.csv", GR_TWO_ITEMS)]
    r = CliRunner().invoke(invoice_group, [str(a) for a in ("match", invoice_file, *files)])
    assert r.exit_code == 1, r.output
    assert f"  DOCUMENT  {LEFT_OUT}" in r.output.splitlines()
    assert r.output.splitlines()[-1] == "PARTIAL: 1 matched, 0 partially matched, 0 unmatched, 1 document problem"
    r = CliRunner().invoke(invoice_group, [str(a) for a in ("register", invoice_file, *files, "--due", "2026-11-30",
                                                            "--as", "supplier/supplier1")])
    assert r.exit_code == 1 and "is partial against PO PO-1 / receipt GR-1" in r.output
    assert "see recfin invoice match" in r.output and "Traceback" not in r.output


def test_a_receipt_line_of_no_po_line_is_no_part_of_what_the_invoice_claims(tmp_path):
    # free samples received with the order: on no PO line, so on no invoice for it, and of no value in the claim
    po, gr = documents(tmp_path, PO_TWO_ITEMS, GR_TWO_ITEMS + "GR-1,PO-1,3,,赠品样品,5\n")
    result = match_invoice(both_items(), po, gr)
    assert result.status == "matched", result.problems
    assert registration_from_match(both_items(), po, gr, result, date(2026, 11, 30)).goods_receipts[0].part is None


def test_a_receipt_line_of_no_po_line_is_named_while_a_po_line_is_neither_invoiced_nor_received(tmp_path):
    # the bolts received under another name and no item code: they may be the goods of the bolts' PO line, which
    # the invoice leaves out; registered whole, the claim would be on them too
    po, gr = documents(tmp_path, PO_TWO_ITEMS, GR_TWO_ITEMS.replace("M6,不锈钢螺栓", ",螺栓M6不锈钢"))
    result = match_invoice(capacitors("200"), po, gr)
    assert result.status == "partial"
    assert any("line 2 (螺栓M6不锈钢) received but not on this invoice" in p for p in result.problems), result.problems
