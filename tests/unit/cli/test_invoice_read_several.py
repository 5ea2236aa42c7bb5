"""`recfin invoice read` on a PDF holding several invoices: named with their pages (exit 1), or each read with --each.

The PDFs are rendered here with a text layer (fpdf2 and a CJK font), one invoice a page, as tests/unit/invoices
renders them.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices.model import Party
from tests.unit.invoices import _render
from tests.unit.invoices._samples import BUYER, SELLER, SELLER_2, invoice

pytestmark = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

FIRST = invoice()
SECOND = invoice(number="26442000000087654321", seller=SELLER_2, lines=invoice().lines[:1])
# a seller tax id whose check digit is wrong ("N" is right): the reading flags it, and the invoice is still read
MISPRINTED = invoice(number="26442000000055554444",
                     seller=Party(name=SELLER_2.name, tax_id=SELLER_2.tax_id[:-1] + "0"), lines=invoice().lines[1:])


def run(*args):
    result = CliRunner().invoke(invoice_group, ["read", *map(str, args)])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def pdf_of(tmp_path, *invoices, name="several.pdf"):
    """A PDF with a text layer printing each invoice on a page of its own."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_pages_pdf([_render.placed_rows(inv) for inv in invoices], tmp_path / name)


def test_a_file_of_two_invoices_is_named_invoice_by_invoice_and_needs_a_person(tmp_path):
    path = pdf_of(tmp_path, FIRST, SECOND)
    r = run(path)
    assert r.exit_code == 1, r.output
    assert "the file holds 2 invoices" in r.output
    assert f"1. {FIRST.number} of {SELLER.name} on page 1" in r.output
    assert f"2. {SECOND.number} of {SELLER_2.name} on page 2" in r.output
    assert f"split the file into one file per invoice, or read each with `recfin invoice read {path} --each`" \
        in r.output
    # not one incomplete invoice: two whole ones
    assert "incomplete" not in r.output


def test_the_command_to_read_each_is_quoted_for_the_shell(tmp_path):
    path = pdf_of(tmp_path, FIRST, SECOND, name="two invoices.pdf")
    assert f"read each with `recfin invoice read '{path}' --each`" in run(path).output


def test_two_invoices_read_without_each_print_the_flagged_reading_as_json_and_write_nothing(tmp_path):
    path = pdf_of(tmp_path, FIRST, SECOND)
    out = tmp_path / "invoice.json"
    r = run(path, "--json", "--invoice-out", out)
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["invoice"] is None and doc["flagged"][0] == "invoices"
    assert doc["fields"]["invoices"]["value"] == f"{FIRST.number}, {SECOND.number}"
    assert doc["fields"]["number"]["value"] == FIRST.number and doc["pages"] == [1]
    assert not out.exists() and not (tmp_path / "invoice-1.json").exists()
    assert f"{out} not written: {path} holds 2 invoices" in r.stderr
    assert f"with --each, --invoice-out writes one file per invoice ({tmp_path / 'invoice-1.json'}, ...)" in r.stderr


def test_each_reads_every_invoice_of_the_file_in_order(tmp_path):
    path = pdf_of(tmp_path, FIRST, SECOND)
    r = run(path, "--each")
    assert r.exit_code == 0, r.output
    assert f"invoice 1 of 2: {FIRST.number} of {SELLER.name} on page 1" in r.output
    assert f"invoice 2 of 2: {SECOND.number} of {SELLER_2.name} on page 2" in r.output
    assert r.output.count("  READ: every field read with confidence") == 2
    assert r.output.splitlines()[-1] == "READ: 2 invoice(s), every field of each read with confidence"

    r = run(path, "--each", "--json")
    assert r.exit_code == 0
    docs = json.loads(r.stdout)
    assert [(d["pages"], d["flagged"], d["invoice"]["number"], d["invoice"]["total_with_tax_fen"]) for d in docs] \
        == [([1], [], FIRST.number, FIRST.total_with_tax_fen), ([2], [], SECOND.number, SECOND.total_with_tax_fen)]


def test_each_exits_with_the_worst_reading_and_names_the_invoice_to_check(tmp_path):
    path = pdf_of(tmp_path, FIRST, MISPRINTED)
    r = run(path, "--each")
    assert r.exit_code == 1, r.output
    assert "CHECK seller.tax_id" in r.output
    assert r.output.splitlines()[-1] == "NEEDS REVIEW: 1 of 2 invoice(s) with fields flagged: invoice 2"
    docs = json.loads(run(path, "--each", "--json").stdout)
    assert [d["flagged"] for d in docs][0] == [] and "seller.tax_id" in docs[1]["flagged"]


def test_each_writes_one_file_per_invoice_named_by_its_place_in_the_file(tmp_path):
    path = pdf_of(tmp_path, FIRST, MISPRINTED)
    out = tmp_path / "read" / "invoice.json"
    out.parent.mkdir()
    r = run(path, "--each", "--invoice-out", out)
    assert r.exit_code == 1
    written = {p.name: json.loads(p.read_text()) for p in out.parent.iterdir()}
    assert sorted(written) == ["invoice-1.json", "invoice-2.json"]
    assert [written[f"invoice-{place}.json"]["number"] for place in (1, 2)] == [FIRST.number, MISPRINTED.number]
    assert f"invoice 1 of 2 written to {out.parent / 'invoice-1.json'}" in r.stderr
    assert f"invoice 2 of 2 written to {out.parent / 'invoice-2.json'}; it lists the" in r.stderr
    # the second's flagged fields go into its file, and only its file
    assert "unreviewed" not in written["invoice-1.json"] and written["invoice-2.json"]["unreviewed"]
    # each file goes on to verify as any invoice read from a file of its own
    checked = CliRunner().invoke(invoice_group, ["verify", str(out.parent / "invoice-1.json"), "--today",
                                                 "2026-09-10", "--debtor", BUYER.tax_id, "--supplier", SELLER.tax_id])
    assert checked.exit_code == 0, checked.output


def test_each_on_a_file_of_one_invoice_is_a_list_of_one_and_its_file_is_numbered_too(tmp_path):
    path = pdf_of(tmp_path, FIRST, name="one.pdf")
    out = tmp_path / "invoice.json"
    r = run(path, "--each", "--json", "--invoice-out", out)
    assert r.exit_code == 0
    [doc] = json.loads(r.stdout)
    assert doc["invoice"]["number"] == FIRST.number
    assert not out.exists() and json.loads((tmp_path / "invoice-1.json").read_text())["number"] == FIRST.number


def test_each_writes_none_of_its_files_where_one_is_already_there_unless_replace(tmp_path):
    path = pdf_of(tmp_path, FIRST, MISPRINTED)
    corrected = tmp_path / "invoice-2.json"
    corrected.write_text("corrected by hand")
    r = run(path, "--each", "--invoice-out", tmp_path / "invoice.json")
    assert r.exit_code == 2 and f"--invoice-out {corrected} exists: it may hold a person's corrections" in r.output
    assert corrected.read_text() == "corrected by hand" and not (tmp_path / "invoice-1.json").exists()
    r = run(path, "--each", "--invoice-out", tmp_path / "invoice.json", "--replace")
    assert r.exit_code == 1     # the second invoice's flagged field
    assert json.loads(corrected.read_text())["number"] == MISPRINTED.number


def test_each_never_writes_an_invoice_over_the_scan(tmp_path):
    path = pdf_of(tmp_path, FIRST, SECOND, name="batch-2.pdf")
    before = path.read_bytes()
    r = run(path, "--each", "--invoice-out", tmp_path / "batch.pdf")
    assert r.exit_code == 2 and f"--invoice-out {path} is the scan being read" in r.output
    # refused before any invoice was written: not even the first, whose name is free
    assert path.read_bytes() == before and not (tmp_path / "batch-1.pdf").exists()


def test_a_number_printed_twice_in_one_title_block_is_one_invoice_read_whole(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    rows = _render.placed_rows(FIRST)
    twice = rows[:2] + [(rows[1][0] + 28, rows[1][1])] + [(y + 28, cells) for y, cells in rows[2:]]
    path = _render.save_pages_pdf([twice], tmp_path / "twice.pdf")
    for args in ((), ("--each",)):
        r = run(path, *args)
        assert r.exit_code == 0, r.output
        assert "invoices" not in r.output and FIRST.number in r.output


def test_a_page_printed_twice_is_one_invoice_whose_copy_is_named_for_a_person(tmp_path):
    r = run(pdf_of(tmp_path, FIRST, FIRST))
    assert r.exit_code == 1, r.output
    assert "CHECK copies" in r.output and "on page 1 and again on page 2, reading the same" in r.output
    assert "lines[3]" not in r.output  # the copy's rows are not added to the first's
