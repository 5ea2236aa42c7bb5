"""`recfin invoice verify` names an invoice delivered on paper (数电纸质发票) by both its identities: its 20-digit
number and the paper form's 发票代码 and 8-digit 发票号码, and with --json the paper identity's fingerprint, which the
ledger holds a claim registered under that identity by. Any other invoice is named as before."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices.fingerprint import fingerprint_of

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"


def _on_paper(tmp_path: Path) -> tuple[Path, dict]:
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc.update(paper_code="144032400111", paper_number="87654321")
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path, doc


def test_verify_names_both_identities(tmp_path):
    path, doc = _on_paper(tmp_path)
    r = CliRunner().invoke(invoice_group, ["verify", str(path), "--today", "2026-11-30"])
    assert r.output.splitlines()[0].startswith(
        f"invoice {doc['number']} (on paper: code 144032400111 number 87654321)  ")


def test_verify_json_gives_the_paper_identity_and_its_fingerprint(tmp_path):
    path, doc = _on_paper(tmp_path)
    r = CliRunner().invoke(invoice_group, ["verify", str(path), "--today", "2026-11-30", "--json"])
    report = json.loads(r.output)
    assert (report["invoice_number"], report["paper_code"], report["paper_number"]) == (
        doc["number"], "144032400111", "87654321")
    assert report["paper_fingerprint"] == fingerprint_of(doc["seller"]["tax_id"], "144032400111", "87654321")


def test_an_invoice_without_a_paper_identity_is_named_as_before():
    r = CliRunner().invoke(invoice_group, ["verify", str(SAMPLES / "einvoice.json"), "--today", "2026-11-30",
                                           "--json"])
    assert not {"paper_code", "paper_number", "paper_fingerprint"} & set(json.loads(r.output))
    r = CliRunner().invoke(invoice_group, ["verify", str(SAMPLES / "einvoice.json"), "--today", "2026-11-30"])
    assert "on paper" not in r.output.splitlines()[0]
