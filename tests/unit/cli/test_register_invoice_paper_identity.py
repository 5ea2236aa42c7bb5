"""`recfin receivable register --invoice N,DATE,AMOUNT,TAX,,PAPER_CODE,PAPER_NUMBER` names the paper identity of a
fully digitalised e-invoice delivered on paper (数电纸质发票), the paper form's 发票代码 and 8-digit 发票号码, so the
contract holds the invoice under both its identities. A paper identity the contract would refuse is a usage error
before anything connects; an --invoice of four or five parts is sent as before."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main
from client.invoices.fingerprint import fingerprint_of

from ..invoices._ledger import Ledger
from ..invoices._samples import BUYER, SELLER

REGISTER = ["receivable", "register", "--debtor", BUYER.tax_id, "--face", "1130.00", "--issue", "2026-09-10",
            "--due", "2027-03-01", "--contract-hash", "ab" * 32, "--as", "supplier/supplier1"]
NUMBER, PAPER_CODE, PAPER_NUMBER = "26442000000012345678", "144032400111", "87654321"


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 9, 10))


def run(given: str):
    return CliRunner().invoke(main, [*REGISTER, "--invoice", given], terminal_width=400)


def test_the_paper_identity_is_registered_beside_the_number(monkeypatch):
    ledger = Ledger().serve(monkeypatch)
    res = run(f"{NUMBER},2026-09-01,1000.00,130.00,,{PAPER_CODE},{PAPER_NUMBER}")
    assert res.exit_code == 0, res.output
    [claim] = ledger.client("supplier").list_by_holder(SELLER.tax_id).records
    [stored] = claim.invoices
    assert (stored.number, stored.paper_code, stored.paper_number) == (NUMBER, PAPER_CODE, PAPER_NUMBER)
    assert stored.paper_fingerprint == fingerprint_of(SELLER.tax_id, PAPER_CODE, PAPER_NUMBER)


@pytest.mark.parametrize("given, said", [
    (f"{NUMBER},2026-09-01,1000.00,130.00,,{PAPER_CODE},", "given without paper_number"),
    (f"{NUMBER},2026-09-01,1000.00,130.00,,,{PAPER_NUMBER}", "given without paper_code"),
    (f"{PAPER_NUMBER},2026-09-01,1000.00,130.00,{PAPER_CODE},{PAPER_CODE},{PAPER_NUMBER}",
     "whose own number is 20 digits with no code"),
    (f"{NUMBER},2026-09-01,1000.00,130.00,,003100204130,{PAPER_NUMBER}", "paper_code: invoice code '003100204130'"),
    (f"{NUMBER},2026-09-01,1000.00,130.00,,{PAPER_CODE},1234567", "paper_number: paper number '1234567'"),
])
def test_a_paper_identity_the_contract_refuses_is_a_usage_error_before_connecting(ledger_sessions, given, said):
    res = run(given)
    assert res.exit_code == 2 and said in " ".join(res.output.split()), res.output
    assert ledger_sessions == []


def test_six_parts_are_no_invoice(ledger_sessions):
    res = run(f"{NUMBER},2026-09-01,1000.00,130.00,,{PAPER_CODE}")
    assert res.exit_code == 2 and "NUMBER,DATE,AMOUNT,TAX,,PAPER_CODE,PAPER_NUMBER" in res.output, res.output
    assert ledger_sessions == []
