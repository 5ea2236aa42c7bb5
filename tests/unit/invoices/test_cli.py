import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group

from . import _render
from ._samples import BUYER, SELLER, einvoice_xml, invoice

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"


def run(*args):
    result = CliRunner().invoke(invoice_group, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_verify_passes_with_exit_0():
    r = run("verify", SAMPLES / "einvoice.xml", "--today", "2026-09-10", "--debtor", BUYER.tax_id,
            "--supplier", SELLER.tax_id, "--supplier-name", SELLER.name)
    assert r.exit_code == 0, r.output
    assert "PASS  parties.supplier" in r.output and "SKIP  duplicate.ledger" in r.output
    assert r.output.strip().splitlines()[-1].startswith("PASSED:")


def test_verify_json():
    r = run("verify", SAMPLES / "einvoice.json", "--today", "2026-09-10", "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["result"] == "pass" and doc["invoice_number"] == "26442000000012345678"
    assert {f["check"] for f in doc["findings"]} >= {"totals.amount", "buyer.tax_id", "duplicate.ledger"}


def test_verify_failing_findings_exit_1(tmp_path):
    inv = invoice()
    bad = write(tmp_path, "bad.xml", einvoice_xml(inv, replace={"<TotalTaxAm>203.00<": "<TotalTaxAm>230.00<"}))
    r = run("verify", bad, "--today", "2026-09-10")
    assert r.exit_code == 1
    assert "FAIL  totals.tax" in r.output and r.output.strip().splitlines()[-1].startswith("FAILED:")
    r = run("verify", SAMPLES / "einvoice.xml", "--today", "2026-09-10", "--debtor", SELLER.tax_id)
    assert r.exit_code == 1 and "FAIL  parties.debtor" in r.output


def test_verify_reports_source_disagreements(tmp_path):
    inv = invoice()
    xml = einvoice_xml(inv, replace={"<SellerName>深圳市云帆供应链管理有限公司<": "<SellerName>深圳市云帆物流有限公司<"})
    r = run("verify", write(tmp_path, "x.xml", xml), "--today", "2026-09-10", "--reference-sources")
    assert r.exit_code == 1
    assert "DISAGREE  seller.name" in r.output and "reference-registry: 深圳市云帆供应链管理有限公司" in r.output


def test_a_verification_failed_only_by_a_disagreement_counts_it_in_the_summary(tmp_path):
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    assert doc["buyer"]["name"] == "华南精密制造股份有限公司"     # the registry's name; the invoice drops 股份
    doc["buyer"]["name"] = "华南精密制造有限公司"
    other_name = write(tmp_path, "buyer-name.json", json.dumps(doc, ensure_ascii=False))
    r = run("verify", other_name, "--today", "2026-09-10", "--reference-sources")
    assert r.exit_code == 1, r.output
    assert "FAIL " not in r.output and "DISAGREE  buyer.name" in r.output
    assert r.output.strip().splitlines()[-1] == "FAILED: 27 passed, 0 failed, 3 skipped, 1 disagreement"
    as_json = run("verify", other_name, "--today", "2026-09-10", "--reference-sources", "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["result"] == "fail" and [d["field"] for d in report["sources"]["disagreements"]] == ["buyer.name"]
    assert report["counts"] == {"passed": 27, "failed": 0, "skipped": 3, "disagreements": 1}


@pytest.mark.parametrize("content", ["<EInvoice><Header>", '{"format": "recfin.invoice/1"}', "plain text"])
def test_malformed_file_one_line_exit_2(tmp_path, content):
    r = run("verify", write(tmp_path, "m.xml", content))
    assert r.exit_code == 2
    assert len(r.output.strip().splitlines()) == 1 and "m.xml" in r.output


def test_bad_options_and_missing_files_exit_2(tmp_path):
    assert run("verify", SAMPLES / "einvoice.xml", "--today", "yesterday").exit_code == 2
    assert run("verify", tmp_path / "none.xml").exit_code == 2
    assert run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv").exit_code == 2
    assert run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv", "--receipt",
               SAMPLES / "goods_receipt.csv", "--price-tolerance", "lots").exit_code == 2


@pytest.mark.parametrize("option", ["--price-tolerance", "--quantity-tolerance"])
def test_a_tolerance_with_more_digits_than_a_figure_is_refused_naming_the_option(option):
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv", "--receipt",
            SAMPLES / "goods_receipt.csv", option, "1E-999999999")
    assert r.exit_code == 2 and option in r.output and "more than 20 decimal places" in r.output
    assert run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv", "--receipt",
               SAMPLES / "goods_receipt.csv", option, "1E-20").exit_code == 0


def test_match_exit_codes(tmp_path):
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv",
            "--receipt", SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 0 and "MATCHED: 3 matched, 0 partially matched, 0 unmatched" in r.output
    short = (SAMPLES / "goods_receipt.csv").read_text(encoding="utf-8").replace("不锈钢螺栓,1000", "不锈钢螺栓,900")
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv",
            "--receipt", write(tmp_path, "gr.csv", short), "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["status"] == "partial" and [l["status"] for l in doc["lines"]] == ["matched", "partial", "matched"]
    r = run("match", SAMPLES / "einvoice.xml", "--po", write(tmp_path, "po.csv", "nonsense"),
            "--receipt", SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 2 and "po.csv" in r.output


def test_match_shows_a_discount_line_and_an_item_received_in_parts(tmp_path):
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc["lines"].insert(1, {"name": doc["lines"][0]["name"], "amount": "-30.00", "tax_rate": "0.13", "tax": "-3.90"})
    doc.update(total_amount="2070.00", total_tax="199.10", total_with_tax="2269.10")
    receipt = (SAMPLES / "goods_receipt.csv").read_text(encoding="utf-8")
    first = next(l for l in receipt.splitlines() if "贴片电容" in l)
    cells = first.split(",")
    quantity = cells[-1]
    parts = ",".join(cells[:-1]) + ",120\n" + ",".join(cells[:2] + ["9"] + cells[3:-1]) + f",{int(quantity) - 120}"
    r = run("match", write(tmp_path, "inv.json", json.dumps(doc, ensure_ascii=False)),
            "--po", SAMPLES / "purchase_order.csv", "--receipt", write(tmp_path, "gr.csv", receipt.replace(first, parts)))
    assert r.exit_code == 0, r.output
    assert "1. *电子元件*贴片电容 (PO line 1, receipt line 1 + 9)" in r.output
    # the discount line is of the same PO and receipt lines: named by the line that lists them
    assert "2. *电子元件*贴片电容 (discount on line 1; PO and receipt lines as line 1)" in r.output
    assert "MATCHED: 4 matched" in r.output


@pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
def test_read_text_layer_pdf(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    path = _render.save_text_pdf(invoice(), tmp_path / "inv.pdf")
    r = run("read", path, "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["method"] == "text-layer" and doc["flagged"] == []
    assert doc["invoice"]["total_with_tax_fen"] == 230300
    r = run("read", path, "--min-confidence", "1.0")
    assert r.exit_code == 0 and "READ:" in r.output  # a text layer is exact


@pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
def test_a_read_invoice_written_out_goes_on_to_verify(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    path = _render.save_text_pdf(invoice(), tmp_path / "inv.pdf")
    out = tmp_path / "read" / "invoice.json"
    out.parent.mkdir()
    r = run("read", path, "--invoice-out", out)
    assert r.exit_code == 0 and f"invoice written to {out}" in r.output
    assert json.loads(out.read_text())["format"] == "recfin.invoice/1"
    checked = run("verify", out, "--today", "2026-09-10", "--debtor", BUYER.tax_id, "--supplier", SELLER.tax_id,
                  "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["fingerprint"] == json.loads(run("verify", SAMPLES / "einvoice.xml", "--today",
                                                                       "2026-09-10", "--json").stdout)["fingerprint"]


@pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
def test_an_incomplete_reading_writes_no_invoice(tmp_path, monkeypatch):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    from client.invoices import read_scans
    path = _render.save_text_pdf(invoice(), tmp_path / "inv.pdf")
    [whole] = read_scans(path)
    # a reading that left fields out has no invoice: nothing to write
    monkeypatch.setattr("client.invoices.read_scans", lambda *a, **k: [whole.model_copy(update={"invoice": None})])
    out = tmp_path / "invoice.json"
    r = run("read", path, "--invoice-out", out)
    assert f"{out} not written: the reading is incomplete" in r.output and not out.exists()


def test_read_without_tesseract_exits_3(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    r = run("read", png)
    assert r.exit_code == 3 and "tesseract" in r.output
    r = run("read", write(tmp_path, "x.txt", "hello"))
    assert r.exit_code == 2


def test_register_needs_a_purchase_order_receipt_and_due_date():
    r = run("register", SAMPLES / "einvoice.xml", "--as", "supplier/supplier1")
    assert r.exit_code == 2 and "--po" in r.output  # registering is covered in test_attest.py


# ------------------------------------------------------------------ verify --ledger

class _FakeContract:
    """Stands in for client.gateway.Contract: records calls, answers FindInvoice with canned JSON (or, given a
    function, with what it makes of the fingerprint asked)."""

    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def evaluate_transaction(self, name, *args):
        self.calls.append((name, *args))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer(*args) if callable(self.answer) else self.answer


def _fake_ledger(monkeypatch, answer):
    """Replace cli.connection.open_session by a session whose gateway serves one fake contract."""
    from contextlib import contextmanager
    from types import SimpleNamespace

    from cli import connection

    contract = _FakeContract(answer)
    seen = {}

    class Network:
        def get_contract(self, chaincode, name):
            seen["contract"] = (chaincode, name)
            return contract

    class Gateway:
        def get_network(self, channel):
            seen["channel"] = channel
            return Network()

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        seen["session"] = (org, user, admin)
        yield SimpleNamespace(gateway=Gateway(), profile=SimpleNamespace(channel="recfin", chaincode="recfin-cc"))
        seen["closed"] = True

    monkeypatch.setattr(connection, "open_session", open_session)
    return contract, seen


def _verify_ledger(*extra):
    return run("verify", SAMPLES / "einvoice.xml", "--today", "2026-09-10", "--ledger", *extra)


def test_verify_ledger_reports_a_used_invoice(monkeypatch):
    from client.invoices import invoice_fingerprint, read_invoice

    fp = invoice_fingerprint(read_invoice(SAMPLES / "einvoice.xml"))
    answer = json.dumps({"fingerprint": fp, "used": True, "receivable_id": "R-0123456789abcdef", "live": False})
    contract, seen = _fake_ledger(monkeypatch, answer.encode())
    r = _verify_ledger("--org", "supplier2", "--user", "alice")
    assert r.exit_code == 1, r.output
    assert "FAIL  duplicate.ledger" in r.output and "R-0123456789abcdef" in r.output and "settled" in r.output
    assert contract.calls == [("FindInvoice", fp)]
    assert seen == {"session": ("supplier2", "alice", False), "channel": "recfin",
                    "contract": ("recfin-cc", "receivables"), "closed": True}


def test_the_ledgers_duplicate_check_says_what_it_waits_for_when_slow(monkeypatch):
    # the contract the duplicate check asks through is the one cli.progress watches, as every ledger command's is
    import cli.progress as progress
    from client.invoices import invoice_fingerprint, read_invoice

    fp = invoice_fingerprint(read_invoice(SAMPLES / "einvoice.xml"))
    answer = json.dumps({"fingerprint": fp, "used": True, "receivable_id": "R-0123456789abcdef", "live": False})
    contract, _ = _fake_ledger(monkeypatch, answer.encode())
    watched = []
    monkeypatch.setattr(progress, "reporting_waits", lambda asked: watched.append(asked) or asked)
    r = _verify_ledger("--org", "supplier2", "--user", "alice")
    assert r.exit_code == 1, r.output
    assert watched == [contract]


def test_verify_ledger_passes_an_unused_invoice(monkeypatch):
    from client.invoices import invoice_fingerprint, read_invoice

    fp = invoice_fingerprint(read_invoice(SAMPLES / "einvoice.xml"))
    # its number's first 12 digits read as an invoice code, so its other spelling is asked about too
    contract, seen = _fake_ledger(monkeypatch, lambda asked: json.dumps(
        {"fingerprint": asked, "used": False, "receivable_id": None, "live": False}).encode())
    r = _verify_ledger("--json", "--as", "bank/officer1")
    assert r.exit_code == 0, r.output
    assert seen["session"] == ("bank", "officer1", False)
    duplicate = [f for f in json.loads(r.stdout)["findings"] if f["check"] == "duplicate.ledger"]
    assert [f["status"] for f in duplicate] == ["pass"]
    assert contract.calls[0] == ("FindInvoice", fp) and len(contract.calls) == 2


def test_verify_ledger_that_cannot_be_asked_exits_3(monkeypatch):
    from client.gateway.errors import GatewayError

    _fake_ledger(monkeypatch, GatewayError("RULE caller-not-a-party: client identity x acts for no registered party"))
    r = _verify_ledger()
    assert r.exit_code == 3 and "cannot ask the ledger" in r.output and "caller-not-a-party" in r.output
    _fake_ledger(monkeypatch, b"<html>not the contract</html>")
    r = _verify_ledger()
    assert r.exit_code == 3 and "FindInvoice answered" in r.output


def test_verify_ledger_without_a_network_profile_exits_3(monkeypatch, tmp_path):
    r = _verify_ledger("--data-root", tmp_path)
    assert r.exit_code == 3 and "cannot ask the ledger" in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_reading_never_writes_over_the_scan_it_reads(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes((SAMPLES / "einvoice.pdf").read_bytes())
    r = run("read", scan, "--invoice-out", scan)
    assert r.exit_code == 2 and "is the scan being read" in r.output
    assert scan.read_bytes() == (SAMPLES / "einvoice.pdf").read_bytes()


def _sample_json_with(old: str, new: str) -> str:
    text = (SAMPLES / "einvoice.json").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def test_a_json_number_given_twice_is_read_or_refused_in_one_line_never_a_traceback(tmp_path):
    total = '"total_amount": "2100.00"'
    same = write(tmp_path, "same.json", _sample_json_with(total, '"total_amount": 2100.00, "total_amount": 2100.00'))
    assert run("verify", same, "--today", "2026-09-10").exit_code == 0
    po = write(tmp_path, "po.json", '{"number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": 1.5, '
                                    '"quantity": 1.5, "unit_price": "1"}]}')
    assert run("match", same, "--po", po, "--receipt", SAMPLES / "goods_receipt.csv").exit_code == 1
    differ = write(tmp_path, "differ.json", _sample_json_with(total, '"total_amount": 2100.00, "total_amount": 2101.00'))
    for args in (["verify", differ], ["match", differ, "--po", po, "--receipt", SAMPLES / "goods_receipt.csv"],
                 ["match", SAMPLES / "einvoice.json", "--po", write(tmp_path, "po2.json", po.read_text(
                     encoding="utf-8").replace('"quantity": 1.5, "quantity": 1.5', '"quantity": 1.5, "quantity": 2')),
                  "--receipt", SAMPLES / "goods_receipt.csv"]):
        r = run(*args)
        assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
        assert "given 2 times with different values" in r.output
    assert "differ.json: total_amount: given 2 times with different values (2100.00, 2101.00)" in run(
        "verify", differ).output


def test_a_line_at_no_statutory_rate_fails_verify_naming_it(tmp_path):
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc["lines"][2].update(tax_rate="0.90", tax="900.00")
    doc.update(total_tax="1043.00", total_with_tax="3143.00")
    r = run("verify", write(tmp_path, "rate90.json", json.dumps(doc, ensure_ascii=False)), "--today", "2026-09-10")
    assert r.exit_code == 1, r.output
    failed = [line for line in r.output.splitlines() if line.startswith("  FAIL")]
    assert failed == [failed[0]] and failed[0].startswith("  FAIL  line.rate ")
    assert failed[0].split(None, 2)[2].startswith("line 3: 90% is no VAT rate or levy rate")


def test_match_with_units_that_differ_is_partial_naming_them(tmp_path):
    po = (SAMPLES / "purchase_order.csv").read_text(encoding="utf-8").splitlines()
    po = [po[0] + ",单位"] + [row + (",盘" if "贴片电容" in row else ",") for row in po[1:]]
    r = run("match", SAMPLES / "einvoice.xml", "--po", write(tmp_path, "po.csv", "\n".join(po) + "\n"),
            "--receipt", SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 1, r.output
    assert "PARTIAL   1. *电子元件*贴片电容" in r.output
    assert "- the quantities are in different units (the invoice line in 个, PO line 1 in 盘)" in r.output
    assert "PARTIAL: 2 matched, 1 partially matched, 0 unmatched" in r.output
