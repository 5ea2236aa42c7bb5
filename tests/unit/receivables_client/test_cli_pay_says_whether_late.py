"""`recfin receivable pay` says the payment it recorded in the words `receivable get` uses for it, late or not:
its text did not say whether the payment was late, which `receivable get` and its own --json (the payment's
``late``) do, so a debtor paying after the due date learned it only by reading the claim again.

Over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_get_shows_invoices_and_payments.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _payment_lines(output: str) -> list[str]:
    return [line.removeprefix("payment: ") for line in output.splitlines() if line.startswith("payment: ")]


def _paid(rid: str) -> list[str]:
    paid = recfin("receivable", "pay", rid, "--amount", "130.00", "--as", "coreenterprise")
    assert paid.exit_code == 0, paid.output
    return _payment_lines(paid.output)


def _as_get_says_it(rid: str) -> list[str]:
    return _payment_lines(recfin("receivable", "get", rid, "--as", "coreenterprise").output)


def test_a_payment_after_the_due_date_is_said_late_as_get_says_it(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    channel.now += timedelta(days=91)   # past the due date, 2026-05-31
    said = _paid(rid)
    assert len(said) == 1 and ", late, tx " in said[0], said
    assert said == _as_get_says_it(rid)


def test_a_payment_on_time_is_said_as_get_says_it_without_late(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    said = _paid(rid)
    assert len(said) == 1 and "late" not in said[0], said
    assert said == _as_get_says_it(rid)
