"""What a ledger command can tell wrong from its own input is a usage error (exit 2) before it connects: with the
network down the user hears about the bad input, not "no connection profile". `receivable register`'s contract
hash, contract options, invoices, dates and face; the credit code of any party a command names (its check digit
included, as the contract checks it); and a transfer or payment of nothing, which the contract refuses."""
from __future__ import annotations

import hashlib
from datetime import date

import click
import pytest
from click.testing import CliRunner

from cli import connection, receivable_commands
from cli.main import main

DEBTOR = "91310000MA1K000019"
BAD_CHECK_DIGIT = "91310000MA1K00001X"     # GB 32100-2015 gives 9 as its last character
INVOICE = "26312000000012345678,2026-03-01,100000.00,13000.00"
REGISTER = {"--debtor": DEBTOR, "--face": "113,000.00", "--issue": "2026-03-02", "--due": "2026-05-31",
            "--invoice": INVOICE, "--contract-hash": "ab" * 32}


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    """REGISTER's claim is issued on 2026-03-02 and due on 2026-05-31: the commands count today as its issue date."""
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 3, 2))


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def register(*extra: str, **changed: str | None):
    """`receivable register` with REGISTER's options, ``changed`` ones (``contract_hash=None`` leaves it out)."""
    options = dict(REGISTER)
    for name, value in changed.items():
        option = "--" + name.replace("_", "-")
        if value is None:
            options.pop(option)
        else:
            options[option] = value
    return run("receivable", "register", *[word for pair in options.items() for word in pair], *extra)


def test_a_good_registration_gets_as_far_as_connecting(ledger_sessions):
    result = register()
    assert result.exit_code == 1 and "connecting" in result.output
    assert len(ledger_sessions) == 1


@pytest.mark.parametrize("changed, extra, expected", [
    ({"contract_hash": "00"}, (), "Invalid value for '--contract-hash': '00': give the trade contract's SHA-256 as "
                                  "64 hex digits"),
    ({"contract_hash": None}, (), "give exactly one of --contract-file or --contract-hash"),
    ({}, ("--contract-file", __file__), "give exactly one of --contract-file or --contract-hash"),
    ({"invoice": "26312000000012345678,2026-03-01,100000.00,13000.001"}, (),
     "Invalid value for '--invoice': '26312000000012345678,2026-03-01,100000.00,13000.001': '13000.001' has "
     "more than two decimals: give yuan with at most two decimals"),
    ({"invoice": "26312000000012345678,2026-03-01,USD 100000.00,13000.00"}, (),
     "Invalid value for '--invoice': '26312000000012345678,2026-03-01,USD 100000.00,13000.00': 'USD 100000.00' is in "
     "USD, but the amount is in CNY"),
    ({"face": "USD 113,000.00"}, (), "Invalid value for '--face': 'USD 113,000.00' is in USD"),
    ({"due": "2026-03-01"}, (), "Invalid value for '--due': 2026-03-01 is not after the issue date 2026-03-02 "
                                "(--issue): a claim falls due after it is issued"),
    ({"due": "2026-03-02"}, (), "Invalid value for '--due': 2026-03-02 is not after the issue date 2026-03-02"),
    ({"debtor": BAD_CHECK_DIGIT}, (), f"Invalid value for '--debtor': '{BAD_CHECK_DIGIT}' is not a unified social "
                                      "credit code (check digit is 'X', GB 32100-2015 gives '9')"),
    ({"debtor": ""}, (), "Invalid value for '--debtor': empty: give a unified social credit code"),
    ({"currency": "usd"}, (), "Invalid value for '--currency': 'usd': give a three-letter ISO 4217 code in capitals, "
                              "e.g. CNY or USD"),
    # every amount is whole hundredths: JPY 1,000.00 is sen yen do not have, KWD 1.234 cannot be written
    ({"currency": "JPY", "face": "JPY 113,000"}, (), "Invalid value for '--currency': 'JPY': JPY's minor unit is not a "
                                                     "hundredth (ISO 4217)"),
    ({"currency": "KWD"}, (), "Invalid value for '--currency': 'KWD': KWD's minor unit is not a hundredth"),
])
def test_receivable_register_refuses_its_own_bad_input_before_connecting(ledger_sessions, changed, extra, expected):
    result = register(*extra, **changed)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "connecting" not in result.output and ledger_sessions == []


def test_the_contract_file_is_hashed_as_before(ledger_sessions, tmp_path, monkeypatch):
    """Read before connecting, the file's SHA-256 is what is registered, as a hash given in capitals is (in lower
    case)."""
    sent = []

    class Client:
        def who_am_i(self):
            return type("Party", (), {"uscc": "91310000MA1K00002C"})()

        def check_payment_term(self, registration, today=None, request_id=None):
            return None

        def register_receivable(self, registration, request_id=None):
            sent.append(registration.contract_hash)
            raise click.ClickException("sent")

    class Session:
        client = Client()
        profile = None

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(connection, "open_session", lambda *args, **kwargs: Session())
    monkeypatch.setattr(connection, "note_caller", lambda *args: None)
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"the trade contract")
    assert register(contract_hash=None, contract_file=str(contract)).output.endswith("Error: sent\n")
    assert register(contract_hash="AB" * 32).output.endswith("Error: sent\n")
    assert sent == [hashlib.sha256(b"the trade contract").hexdigest(), "ab" * 32]


@pytest.mark.parametrize("args, option", [
    (("receivable", "transfer", "R-1", "--to", BAD_CHECK_DIGIT, "--amount", "1.00"), "--to"),
    (("receivable", "list", "--holder", BAD_CHECK_DIGIT), "--holder"),
    # lower case is read in capitals (test_credit_codes_in_lower_case_read_in_capitals.py): wrong so too
    (("receivable", "list", "--debtor", "91310000ma1k000018"), "--debtor"),
    (("finance", "offers", "--financier", BAD_CHECK_DIGIT), "--financier"),
    (("request", "get", "order-7", "--party", BAD_CHECK_DIGIT), "--party"),
    (("party", "register", "--uscc", BAD_CHECK_DIGIT, "--name", "Tier-1 Parts Co.", "--role", "supplier",
      "--client", "supplier1"), "--uscc"),
    (("party", "get", BAD_CHECK_DIGIT), "USCC"),
    (("party", "bind", BAD_CHECK_DIGIT, "--client", "supplier3"), "USCC"),
    (("invoice", "verify", "einvoice.xml", "--debtor", BAD_CHECK_DIGIT), "--debtor"),
])
def test_a_party_code_that_is_no_credit_code_is_refused_before_connecting(ledger_sessions, args, option):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output and "is not a unified social credit code" in result.output
    assert ledger_sessions == []


def test_a_transfer_to_a_good_credit_code_gets_as_far_as_connecting(ledger_sessions):
    result = run("receivable", "transfer", "R-1", "--to", "91320500MA1K00003D", "--amount", "1.00")
    assert result.exit_code == 1 and "connecting" in result.output and len(ledger_sessions) == 1


@pytest.mark.parametrize("command", ["pay", "transfer"])
@pytest.mark.parametrize("amount", ["0", "0.00", "0fen", "CNY 0"])
def test_a_payment_or_transfer_of_nothing_is_refused_before_connecting(ledger_sessions, command, amount):
    to = ["--to", "91320500MA1K00003D"] if command == "transfer" else []
    result = run("receivable", command, "R-1", *to, "--amount", amount)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--amount': {amount!r} is zero: the contract moves and pays only amounts above 0" \
        in result.output
    assert ledger_sessions == []
