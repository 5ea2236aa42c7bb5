"""The invoice duplicate check against the real network, driven through `recfin invoice`.

A fresh fully digitalised e-invoice (XML) from the tier-1 supplier to the core
enterprise is verified with ``--ledger`` as a bank (no duplicate, exit 0),
registered by the supplier from the file with its purchase order and goods
receipt, and verified again: now ``duplicate.ledger`` names the receivable and
the command exits 1. Registering the same file again is refused with the
contract's rule and leaves the supplier's holdings as they were; so is a copy
with the same seller and number but another amount, since the fingerprint is
seller + code + number only.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bench.network_session import ensure_parties
from cli.connection import open_session
from cli.demo_commands import business_today
from cli.main import main
from client.invoices import Invoice, Party, invoice_fingerprint, read_invoice

from ..unit.invoices._samples import einvoice_xml, invoice, line
from .conftest import peers_caught_up

EXIT_PASS, EXIT_FAILED = 0, 1  # cli/invoice_commands.py
SUPPLIER, BANK = "supplier/supplier1", "bank/officer1"
DUPLICATE_RULE = "invoice-already-financed"


@dataclass(frozen=True)
class InvoiceFiles:
    """An e-invoice as XML, with the purchase order and goods receipt it matches."""

    invoice: Path
    purchase_order: Path
    goods_receipt: Path


def fresh_number(today: date) -> str:
    """A 20-digit e-invoice number no earlier test has used."""
    return f"{today:%y%m%d}{secrets.randbelow(10**14):014d}"


def write_invoice_files(folder: Path, inv: Invoice) -> InvoiceFiles:
    """The invoice as e-invoice XML, and an order and a receipt for exactly its lines (so it matches)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [{"line": str(i), "item_name": l.name, "quantity": str(l.quantity), "unit_price": str(l.unit_price)}
             for i, l in enumerate(inv.lines, start=1)]
    po_number, receipt_number = f"PO-{inv.number}", f"GR-{inv.number}"
    files = InvoiceFiles(folder / "einvoice.xml", folder / "purchase_order.json", folder / "goods_receipt.json")
    files.invoice.write_text(einvoice_xml(inv), encoding="utf-8")
    files.purchase_order.write_text(json.dumps({"po_number": po_number, "lines": lines}, ensure_ascii=False),
                                    encoding="utf-8")
    received = [{k: v for k, v in row.items() if k != "unit_price"} for row in lines]
    files.goods_receipt.write_text(json.dumps({"receipt_number": receipt_number, "po_number": po_number,
                                               "lines": received}, ensure_ascii=False), encoding="utf-8")
    return files


@dataclass
class InvoiceCommands:
    """`recfin invoice verify --ledger` and `recfin invoice register` on the suite's network, with --json."""

    data_root: Path
    codes: dict[str, str]
    today: date

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["invoice", *args, "--data-root", str(self.data_root), "--json"])

    def verify(self, files: InvoiceFiles) -> Result:
        """Every check, with the duplicate check asked of the ledger by a bank, against today's business date
        and the registered parties."""
        return self.run("verify", str(files.invoice), "--ledger", "--as", BANK, "--today", self.today.isoformat(),
                        "--debtor", self.codes["core"], "--supplier", self.codes["tier1"])

    def register(self, files: InvoiceFiles) -> Result:
        """Register as the supplier; then the bank's peer has what the supplier's committed (the bank reads next)."""
        result = self.run("register", str(files.invoice), "--po", str(files.purchase_order),
                          "--receipt", str(files.goods_receipt), "--due", (self.today + timedelta(days=60)).isoformat(),
                          "--as", SUPPLIER)
        peers_caught_up()
        return result

    def holdings(self) -> list[dict]:
        """Every receivable the supplier holds, as the ledger lists them."""
        result = CliRunner().invoke(main, ["receivable", "list", "--all", "--as", SUPPLIER,
                                           "--data-root", str(self.data_root), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


def findings_of(result: Result) -> dict[str, dict]:
    return {f["check"]: f for f in json.loads(result.stdout)["findings"]}


def refused_rule(result: Result) -> str:
    """The rule a refused `recfin invoice register` names, from its one error line."""
    assert result.exit_code == EXIT_FAILED, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # handled, not a traceback
    assert result.stdout == ""
    errors = [l for l in result.stderr.splitlines() if l.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    assert "RegisterReceivable refused: RULE " in errors[0], errors[0]
    return errors[0].split("RULE ", 1)[1].split(":", 1)[0]


def ledger_lookup(data_root: Path, fingerprint: str):
    with open_session("bank", "officer1", data_root) as bank:
        return bank.client.find_invoice(fingerprint)


@pytest.fixture(scope="module")
def commands(receivables_deployed) -> InvoiceCommands:
    root = receivables_deployed.data_root
    return InvoiceCommands(root, ensure_parties(root, say=print), business_today())


def new_einvoice(commands: InvoiceCommands) -> Invoice:
    """A new e-invoice from the tier-1 supplier to the core enterprise, issued today."""
    return invoice(number=fresh_number(commands.today), issued=commands.today,
                   seller=Party(name="Tier-1 Parts Co.", tax_id=commands.codes["tier1"]),
                   buyer=Party(name="Core Manufacturing Co.", tax_id=commands.codes["core"]))


def test_an_invoice_is_registered_once_and_then_reported_and_refused_as_a_duplicate(commands, tmp_path):
    einvoice = new_einvoice(commands)
    files = write_invoice_files(tmp_path / "original", einvoice)
    fingerprint = invoice_fingerprint(read_invoice(files.invoice))
    assert fingerprint == invoice_fingerprint(einvoice)

    # before: every check passes, the ledger among them
    fresh = commands.verify(files)
    assert fresh.exit_code == EXIT_PASS, fresh.output
    report = json.loads(fresh.stdout)
    assert (report["result"], report["invoice_number"], report["fingerprint"]) == ("pass", einvoice.number, fingerprint)
    unused = findings_of(fresh)["duplicate.ledger"]
    assert unused["status"] == "pass" and unused["details"]["fingerprint"] == fingerprint
    assert findings_of(fresh)["parties.debtor"]["status"] == findings_of(fresh)["parties.supplier"]["status"] == "pass"
    assert ledger_lookup(commands.data_root, fingerprint).used is False

    # the supplier registers it from the file: one new receivable, keyed on the ledger by the fingerprint
    before = commands.holdings()
    registered = commands.register(files)
    assert registered.exit_code == EXIT_PASS, registered.output
    claim = json.loads(registered.stdout)
    assert (claim["status"], claim["debtor"], claim["creditor"]) == ("REGISTERED", commands.codes["core"],
                                                                      commands.codes["tier1"])
    assert claim["face_amount"] == einvoice.total_with_tax_fen
    assert [i["fingerprint"] for i in claim["invoices"]] == [fingerprint]
    lookup = ledger_lookup(commands.data_root, fingerprint)
    assert (lookup.fingerprint, lookup.used, lookup.receivable_id, lookup.live) == (fingerprint, True, claim["id"], True)
    assert {r["id"] for r in commands.holdings()} - {r["id"] for r in before} == {claim["id"]}

    # after: the same file is a duplicate, named with the receivable it backs
    again = commands.verify(files)
    assert again.exit_code == EXIT_FAILED, again.output
    assert json.loads(again.stdout)["result"] == "fail"
    duplicate = findings_of(again)["duplicate.ledger"]
    assert duplicate["status"] == "fail" and claim["id"] in duplicate["message"]
    assert duplicate["details"] == {"fingerprint": fingerprint, "receivable_id": claim["id"], "live": True}
    assert [f["check"] for f in json.loads(again.stdout)["findings"] if f["status"] == "fail"] == ["duplicate.ledger"]

    # registering it again is refused by the contract, and nothing changes
    holdings = commands.holdings()
    assert refused_rule(commands.register(files)) == DUPLICATE_RULE
    assert commands.holdings() == holdings
    assert ledger_lookup(commands.data_root, fingerprint) == lookup


def test_a_copy_with_another_amount_is_the_same_invoice(commands, tmp_path):
    einvoice = new_einvoice(commands)
    first = commands.register(write_invoice_files(tmp_path / "original", einvoice))
    assert first.exit_code == EXIT_PASS, first.output
    owner = json.loads(first.stdout)["id"]

    # same seller and number, one more item: another amount, the same fingerprint
    altered = invoice(number=einvoice.number, issued=einvoice.issue_date, seller=einvoice.seller, buyer=einvoice.buyer,
                      lines=(*einvoice.lines, line("*纸制品*包装纸箱", "50", "4.00", "0.13", unit="个")))
    assert altered.total_with_tax_fen != einvoice.total_with_tax_fen
    copy = write_invoice_files(tmp_path / "altered", altered)
    assert invoice_fingerprint(read_invoice(copy.invoice)) == invoice_fingerprint(einvoice)

    checked = commands.verify(copy)
    assert checked.exit_code == EXIT_FAILED, checked.output
    duplicate = findings_of(checked)["duplicate.ledger"]
    assert duplicate["status"] == "fail" and duplicate["details"]["receivable_id"] == owner

    holdings = commands.holdings()
    assert refused_rule(commands.register(copy)) == DUPLICATE_RULE
    assert commands.holdings() == holdings


def test_a_bank_attests_its_check_of_an_invoice_and_the_supplier_reads_it(commands, tmp_path):
    files = write_invoice_files(tmp_path / "checked", new_einvoice(commands))
    evidence_file = tmp_path / "evidence.json"
    # A new invoice is in no reference tax record: the check fails, and a failing check is attested too (exit 1).
    attested = commands.run("attest", str(files.invoice), "--as", BANK, "--evidence", str(evidence_file))
    assert attested.exit_code == EXIT_FAILED, attested.output
    report = json.loads(attested.stdout)
    record = report["attestation"]
    assert report["outcome"] == record["outcome"] == "fail"
    assert report["fingerprint"] == record["fingerprint"] == invoice_fingerprint(read_invoice(files.invoice))
    assert json.loads(evidence_file.read_text(encoding="utf-8")) == report["evidence"]["document"]
    peers_caught_up()   # the supplier reads on its own peer what the bank's committed

    seen = commands.run("attestations", str(files.invoice), "--as", SUPPLIER)
    assert seen.exit_code == EXIT_PASS, seen.output
    listed = json.loads(seen.stdout)
    assert listed == {"fingerprint": record["fingerprint"], "attestations": [record]}
    by_fingerprint = commands.run("attestations", record["fingerprint"], "--as", SUPPLIER)
    assert json.loads(by_fingerprint.stdout) == listed
