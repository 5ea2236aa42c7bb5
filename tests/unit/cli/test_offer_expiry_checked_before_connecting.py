"""An offer's --expires (`finance offer`, `discount publish`) that is surely past is a usage error (exit 2) before
anything connects: the contract refuses an offer expiring before the transaction's business date (offer-expired), and
the transaction sent now carries today's, in China Standard Time, or a later one. It came back that refusal once
connected (exit 1), and with the network down the operator was told to start it to learn the date was wrong.

Only a day before yesterday or earlier is refused here: yesterday is left to the contract, which judges it by the
transaction's own timestamp, so nothing it would take is refused by a clock here running ahead of the peers'."""
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main

TODAY = date(2027, 3, 10)
OFFER = ["finance", "offer", "F-1", "--advance-rate", "0.9", "--discount-rate", "0.036", "--as", "bank/officer1"]
PUBLISH = ["discount", "publish", "--apr", "0.05", "--as", "coreenterprise"]


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    monkeypatch.setattr(receivable_commands, "business_today", lambda: TODAY)


def run(*args: str):
    return CliRunner().invoke(main, list(args), terminal_width=400)


@pytest.mark.parametrize("command", [OFFER, PUBLISH])
@pytest.mark.parametrize("expires", [TODAY - timedelta(days=2), date(2026, 3, 10)])
def test_an_expiry_surely_past_is_refused_before_connecting(ledger_sessions, command, expires):
    res = run(*command, "--expires", expires.isoformat())
    assert res.exit_code == 2, res.output
    assert (f"Invalid value for '--expires': the offer would expire on {expires}, before today {TODAY} in China "
            f"Standard Time (the ledger's business date): no holder could accept it; give today or a later day, "
            f"the last day it may be accepted; nothing was sent") in " ".join(res.output.split())
    assert ledger_sessions == []


@pytest.mark.parametrize("command", [OFFER, PUBLISH])
@pytest.mark.parametrize("expires", [TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=30)])
def test_yesterday_today_and_later_get_as_far_as_connecting(ledger_sessions, command, expires):
    res = run(*command, "--expires", expires.isoformat())
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
