"""`recfin receivable find-invoice FINGERPRINT` takes the invoice's fingerprint, 64 hex digits. What is none (an
invoice file's path, a fingerprint cut short) is a usage error (exit 2) naming FINGERPRINT and where an invoice
file's fingerprint is printed, before anything connects: it came back the contract's fingerprint-invalid (exit 1),
and with the network down the user was told to start it. One in upper case, as other tools print it (and as `invoice
attestations` takes it), is asked in the ledger's lower case: it was refused as no fingerprint."""
import pytest
from click.testing import CliRunner

from cli.main import main

FINGERPRINT = "3f5a" * 16


def find_invoice(fingerprint: str):
    return CliRunner().invoke(main, ["receivable", "find-invoice", fingerprint, "--as", "bank/officer1"])


@pytest.mark.parametrize("given", ["invoice.xml", FINGERPRINT[:-1], FINGERPRINT + "0", "3f5a...e9"])
def test_what_is_no_fingerprint_is_refused_before_connecting(ledger_sessions, given):
    res = find_invoice(given)
    assert res.exit_code == 2, res.output
    assert (f"Invalid value for 'FINGERPRINT': {given!r} is not an invoice fingerprint: give its 64 hex digits "
            "(`recfin invoice verify FILE --json` prints an invoice file's)") in res.output
    assert ledger_sessions == []


@pytest.mark.parametrize("given", [FINGERPRINT, FINGERPRINT.upper()])
def test_a_fingerprint_is_asked_in_lower_case(monkeypatch, given):
    from cli import connection

    asked = []

    class Client:
        def find_invoice(self, fingerprint):
            asked.append(fingerprint)
            raise SystemExit(0)

    class Session:
        client = Client()

    from contextlib import contextmanager

    @contextmanager
    def open_session(*_args, **_kwargs):
        yield Session()

    monkeypatch.setattr(connection, "open_session", open_session)
    monkeypatch.setattr(connection, "note_caller", lambda *_a, **_k: None)
    find_invoice(given)
    assert asked == [FINGERPRINT]
