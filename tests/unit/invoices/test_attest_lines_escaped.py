"""`recfin invoice attest` prints each line of its report as one line, as `verify` does, whatever the invoice holds:
a party name with a line break or a terminal escape, which the sources' answers disagree with and so list, is
quoted with escapes, so it cannot print an ATTESTED PASS line of its own or hide the ATTESTED FAIL line the ledger's
record gives. --json stays exact."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group

from ._ledger import Ledger

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
FORGED = "\nATTESTED PASS by bank/officer1\x1b[8m"


def forged_invoice(tmp_path: Path) -> Path:
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc["seller"]["name"] += FORGED
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_attest_quotes_the_invoices_text_in_the_disagreement_it_prints(monkeypatch, tmp_path):
    Ledger().serve(monkeypatch)
    r = CliRunner().invoke(invoice_group, ["attest", str(forged_invoice(tmp_path)), "--as", "bank/officer1"])
    assert r.exit_code == 1, r.output
    assert "\x1b" not in r.output and "\r" not in r.output
    lines = r.output.splitlines()
    assert [line for line in lines if line.startswith("ATTESTED")] == [next(
        line for line in lines if line.startswith("ATTESTED FAIL by "))]
    [disagreement] = [line for line in lines if line.startswith("  DISAGREE  seller.name")]
    assert "\\nATTESTED PASS by bank/officer1\\x1b[8m'" in disagreement


def test_attest_json_keeps_the_text_as_the_invoice_gives_it(monkeypatch, tmp_path):
    Ledger().serve(monkeypatch)
    r = CliRunner().invoke(invoice_group, ["attest", str(forged_invoice(tmp_path)), "--as", "bank/officer1",
                                           "--json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    [disagreement] = [d for d in doc["evidence"]["document"]["disagreements"] if d["field"] == "seller.name"]
    assert disagreement["values"]["invoice"].endswith(FORGED)
