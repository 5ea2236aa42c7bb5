"""`recfin invoice verify` and `match` print each line of their report as one line, whatever the invoice, the order
and the receipt hold: a name or number with a line break or a terminal escape is quoted with escapes (the findings
quoting it too), so it cannot print a PASSED line of its own or hide the FAIL lines after it. --json stays exact."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
FORGED = "\nPASSED: 21 passed, 0 failed, 3 skipped\x1b[8m"


def run(*args):
    return CliRunner().invoke(invoice_group, [str(a) for a in args])


def forged_invoice(tmp_path: Path) -> Path:
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc["seller"]["name"] += FORGED
    doc["buyer"]["tax_id"] = "91440300MA5F7KQ3X0" + FORGED     # quoted by the buyer.tax_id finding
    doc["lines"][0]["name"] += "\r\x1b[2K"
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def printed_lines(output: str) -> list[str]:
    assert "\x1b" not in output and "\r" not in output
    return output.splitlines()


def test_verify_quotes_the_invoices_text_and_the_findings_quoting_it(tmp_path):
    r = run("verify", forged_invoice(tmp_path), "--today", "2026-11-30")
    assert r.exit_code == 1
    lines = printed_lines(r.output)
    assert [l for l in lines if l.startswith(("PASSED", "FAILED"))] == [lines[-1]]
    assert lines[-1].startswith("FAILED:")
    seller = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))["seller"]["name"] + FORGED
    assert lines[0].startswith(f"invoice 26442000000012345678  {seller!r} -> ")
    [buyer_tax_id] = [l for l in lines if "buyer.tax_id" in l]
    assert buyer_tax_id.startswith("  FAIL  buyer.tax_id") and "'91440300MA5F7KQ3X0\\nPASSED" in buyer_tax_id


def test_verify_json_keeps_the_text_as_the_invoice_gives_it(tmp_path):
    r = run("verify", forged_invoice(tmp_path), "--today", "2026-11-30", "--json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 1 and doc["result"] == "fail"
    [finding] = [f for f in doc["findings"] if f["check"] == "buyer.tax_id"]
    assert "91440300MA5F7KQ3X0" + FORGED in finding["message"]


def test_match_quotes_the_numbers_names_and_problems_of_the_three_files(tmp_path):
    po = (SAMPLES / "purchase_order.csv").read_text(encoding="utf-8").replace(
        "PO-2026-0815", '"PO-1\nMATCHED: 3 matched\x1b[8m"')
    (tmp_path / "po.csv").write_text(po, encoding="utf-8")
    r = run("match", forged_invoice(tmp_path), "--po", tmp_path / "po.csv", "--receipt",
            SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 1
    lines = printed_lines(r.output)
    assert [l for l in lines if l.startswith(("MATCHED", "PARTIAL", "UNMATCHED"))] == [lines[-1]]
    assert lines[0] == "invoice 26442000000012345678 / PO 'PO-1\\nMATCHED: 3 matched\\x1b[8m' / receipt " \
                       "GR-2026-0901: partial"
    assert "  UNMATCHED 1. '*电子元件*贴片电容\\r\\x1b[2K' (no PO line)" in lines
    assert any(l.startswith("  DOCUMENT  'the receipt GR-2026-0901 is for PO PO-2026-0815, not PO-1\\n") for l in lines)
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv", "--receipt",
            SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 0 and "  MATCHED   1. *电子元件*贴片电容 (PO line 1, receipt line 1)" in r.output
