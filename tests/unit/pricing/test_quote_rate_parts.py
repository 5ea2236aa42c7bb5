"""A quote says how its rates are made, as a credit committee asks first: the discount rate is the bank's base
rate plus the priced grade's spread, and the advance rate the grade's, less what was cut to fit the debtor limit.
The parts add up to the rates offered, in the pricer, the table and --json."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import ReceivableTerms, load_bank_config, quote

from .ledger_world import CONFIG
from .test_quote_table_names import table_lines

ON, DUE = date(2026, 12, 1), date(2027, 3, 1)
BANK = load_bank_config(CONFIG)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=DUE)
FINANCED = [g for g, terms in BANK.grades.items() if terms is not None]


def assert_parts_add_up(q) -> None:
    parts = q.rate_parts
    assert parts.base_rate + parts.spread == q.offer.discount_rate
    assert parts.grade_advance_rate - parts.cut_to_fit == q.offer.advance_rate


@pytest.mark.parametrize("grade", FINANCED)
def test_each_financed_grade_is_priced_at_the_base_rate_plus_its_spread_and_its_own_advance_rate(grade):
    q = quote(BANK, TERMS, grade=grade, on=ON)
    assert_parts_add_up(q)
    assert q.rate_parts.base_rate == BANK.base_rate and q.rate_parts.spread == BANK.grades[grade].spread
    assert q.rate_parts.grade_advance_rate == BANK.grades[grade].advance_rate and q.rate_parts.cut_to_fit == 0


@pytest.mark.parametrize("grade", FINANCED)
def test_an_advance_cut_to_fit_the_limit_says_by_how_much(grade):
    # what is left under the limit is 1,234.56 yuan short of the grade's advance
    grade_advance = TERMS.face_amount * BANK.grades[grade].advance_rate
    q0 = quote(BANK, TERMS, grade=grade, on=ON)
    exposure = q0.debtor_limit - int(grade_advance) + 123_456
    q = quote(BANK, TERMS, grade=grade, on=ON, exposure=exposure)
    assert q.offer is not None and q.priced.advance <= q.available
    assert q.rate_parts.cut_to_fit > 0
    assert_parts_add_up(q)
    assert q.rate_parts.spread == BANK.grades[grade].spread   # the limit bounds the advance, not the rate


def test_a_debtor_priced_at_the_thin_record_grade_gets_that_grades_spread():
    q = quote(BANK, TERMS, grade="B", on=ON, thin_record=True)
    assert q.priced_grade == "D" and q.rate_parts.spread == BANK.grades["D"].spread
    assert_parts_add_up(q)


def test_a_declined_quote_has_no_rate_parts():
    assert quote(BANK, TERMS, grade="E", on=ON).rate_parts is None


def percent(text: str) -> Decimal:
    return Decimal(text.removesuffix("%"))


@pytest.mark.parametrize("grade, exposure", [("A", "0"), ("C", "0"), ("D", "19,512,345.67")])
def test_the_quote_table_and_json_show_parts_that_add_up_to_the_rates_offered(grade, exposure):
    args = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", DUE.isoformat(), "--grade", grade,
            "--on", ON.isoformat(), "--exposure", exposure]
    shown = CliRunner().invoke(finance, args)
    assert shown.exit_code == 0, shown.output
    rows = table_lines(shown.output)
    assert percent(rows["rate_parts.base_rate"]) + percent(rows["rate_parts.spread"]) == \
        percent(rows["offer.discount_rate"])
    assert percent(rows["rate_parts.grade_advance_rate"]) - percent(rows["rate_parts.cut_to_fit"]) == \
        percent(rows["offer.advance_rate"])
    doc = json.loads(CliRunner().invoke(finance, [*args, "--json"]).output)
    parts = {key: Decimal(value) for key, value in doc["rate_parts"].items()}
    assert parts["base_rate"] + parts["spread"] == Decimal(doc["offer"]["discount_rate"])
    assert parts["grade_advance_rate"] - parts["cut_to_fit"] == Decimal(doc["offer"]["advance_rate"])
    assert (parts["cut_to_fit"] > 0) == (grade == "D")
