"""An invoice delivered on paper (数电纸质发票) is named by both its identities in the same words wherever the CLI
names one (``recfin invoice verify``, ``recfin receivable get``): one helper, ``cli.output.paper_identity_text``,
words it, so the two cannot drift apart."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from cli.output import paper_identity_text
from cli.receivable_commands import _invoice_line

CLI = Path(__file__).resolve().parents[3] / "cli"


def _invoice(**fields):
    return SimpleNamespace(**{"number": "26442000000000000001", "code": "", "paper_code": "", "paper_number": "",
                              "date": "2026-11-02", "amount": 100000, "tax": 13000, "currency": "CNY", **fields})


def test_the_paper_identity_is_worded_by_one_helper_only():
    worded_at = sorted(path.name for path in CLI.rglob("*.py") if "(on paper: code" in path.read_text())
    assert worded_at == ["output.py"]


def test_the_helper_names_the_paper_form_code_and_number():
    assert paper_identity_text(_invoice(paper_code="144032400111", paper_number="87654321")) == (
        " (on paper: code 144032400111 number 87654321)")
    assert paper_identity_text(_invoice()) == ""


def test_a_claim_invoice_on_paper_is_named_in_the_same_words():
    invoice = _invoice(paper_code="144032400111", paper_number="87654321", code="044031900111")
    assert _invoice_line(invoice).startswith(
        "26442000000000000001 (on paper: code 144032400111 number 87654321) of 2026-11-02: ")


def test_a_claim_invoice_with_a_code_only_is_named_by_it():
    assert _invoice_line(_invoice(code="044031900111")).startswith("26442000000000000001 (code 044031900111) of ")
