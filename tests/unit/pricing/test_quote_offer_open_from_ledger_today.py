"""An offer a quote makes on the ledger is open ``offer_valid_days`` from the ledger's today, the day it is made,
whatever later disbursement date (--on) it is priced for: the bank's policy bounds how long an offer binds it and
counts against its limit."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import bank_config_path, load_bank_config, quote
from client.pricing.proposals import ReceivableTerms

CONFIG = str(bank_config_path("bank"))   # offer_valid_days: 7
VALID_DAYS = load_bank_config(CONFIG).offer_valid_days


def quote_on(world, on: date, *extra: str):
    return CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG, "--grade", "A",
                                        "--on", on.isoformat(), "--json", *extra])


def test_an_offer_priced_for_a_later_disbursement_is_open_from_the_ledgers_today(world):
    today = date.fromisoformat(world.today)
    result = quote_on(world, today + timedelta(days=3), "--yes")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["offer"]["expires_on"] == (today + timedelta(days=VALID_DAYS)).isoformat()
    assert data["priced"]["days"] == 87   # priced for the cash taken on --on all the same
    stored = world.client("tier1").get_offer_terms(data["made_offer"]["id"])
    assert stored.expires_on == today + timedelta(days=VALID_DAYS)


def test_a_disbursement_date_after_the_offer_would_lapse_is_declined_and_nothing_offered(world):
    today = date.fromisoformat(world.today)
    on = today + timedelta(days=VALID_DAYS + 1)
    result = quote_on(world, on, "--yes")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    expires = today + timedelta(days=VALID_DAYS)
    assert data["declined"] == (f"an offer made on {today} is open {VALID_DAYS} days (offer_valid_days), until "
                                f"{expires}: it would lapse before the disbursement date {on}; quote for a "
                                f"disbursement by {expires}")
    assert data["made_offer"] is None and data["offer"] is None
    assert world.client("bank").financier_exposure(world.uscc("core")).offered_in("CNY") == 0


def test_the_pricer_dates_the_expiry_from_the_day_the_offer_is_made():
    config = load_bank_config(CONFIG)
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1), currency="CNY")
    made, on = date(2026, 12, 1), date(2026, 12, 5)
    assert quote(config, terms, grade="A", on=on, offered_on=made).offer.expires_on == date(2026, 12, 8)
    # without the ledger the quote is made on the date it is priced for
    assert quote(config, terms, grade="A", on=on).offer.expires_on == date(2026, 12, 12)
    late = quote(config, terms, grade="A", on=date(2026, 12, 9), offered_on=made, probability_late=Decimal("0.01"))
    assert late.offer is None and "it would lapse before the disbursement date 2026-12-09" in late.declined


def test_a_disbursement_date_gone_by_is_declined_and_nothing_offered(world):
    # an offer made now cannot be disbursed then: priced over days already past, scored as of then, it would bind
    # the bank to figures and a grade for a financing that cannot happen
    today = date.fromisoformat(world.today)
    on = today - timedelta(days=VALID_DAYS + 30)
    result = quote_on(world, on, "--yes")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["declined"] == (f"the disbursement date {on} is before {today}, the day the offer would be made: "
                                f"quote for a disbursement on {today} or later")
    assert data["made_offer"] is None and data["offer"] is None
    assert world.client("bank").financier_exposure(world.uscc("core")).offered_in("CNY") == 0


def test_without_on_the_offer_is_for_the_ledgers_today_though_the_quote_began_the_day_before(world, monkeypatch):
    # begun before midnight, its turn taken after: the disbursement date is today, as the ledger dates the offer
    import cli.finance_commands as commands
    today = date.fromisoformat(world.today)
    monkeypatch.setattr(commands, "business_today", lambda: today - timedelta(days=1))
    result = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG, "--grade",
                                          "A", "--json", "--yes"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["on"] == world.today and data["made_offer"] is not None
    assert data["offer"]["expires_on"] == (today + timedelta(days=VALID_DAYS)).isoformat()
