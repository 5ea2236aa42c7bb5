"""Amounts and rates read as invoices write them: strict, never rounded away."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from client.invoices._reading import ValueProblem, to_decimal, to_fen, to_rate

from ._samples import SELLER, code


@pytest.mark.parametrize("text, fen", [("1272.00", 127_200), ("¥1,272.00", 127_200), ("￥1，272", 127_200), (12.5, 1_250)])
def test_invoice_amounts_become_fen(text, fen):
    assert to_fen(text) == fen


@pytest.mark.parametrize("text, says", [("1272.005", "more than two decimal places"), ("abc", "not a number"),
                                        ("NaN", "not a finite number"), (None, "expected a number")])
def test_unreadable_amounts_say_why(text, says):
    with pytest.raises(ValueProblem, match=says):
        to_fen(text)


@pytest.mark.parametrize("text, rate", [("6%", Decimal("0.06")), ("0.13", Decimal("0.13")), ("9", Decimal("0.09")),
                                        ("免税", Decimal(0)), ("5%减按1.5%", Decimal("0.015")),
                                        ("3% 减按 2%", Decimal("0.02"))])
def test_tax_rates_become_fractions(text, rate):
    assert to_rate(text) == rate


def test_a_bare_rate_of_one_is_one_percent():
    # a bare figure from 1 up is a percent ("6" is 6%); 1 itself is the lowest of them, the 1% levy rate
    assert to_rate("1") == Decimal("0.01")


@pytest.mark.parametrize("text", ["100%", "100"])
def test_a_rate_of_a_hundred_percent_is_refused(text):
    with pytest.raises(ValueProblem, match="not a tax rate"):
        to_rate(text)


def test_a_rate_reduced_to_one_no_lower_is_refused():
    with pytest.raises(ValueProblem, match="reduced to one no lower than itself"):
        to_rate("2%减按3%")


@pytest.mark.parametrize("text, fen", [("1,234.50", 123_450), ("-1,000", -100_000), ("12,345,678.9", 1_234_567_890),
                                       ("1，000.00", 100_000)])
def test_a_comma_between_thousands_is_read(text, fen):
    assert to_fen(text) == fen


@pytest.mark.parametrize("text, fen", [("¥ 1,234.50", 123_450), ("+1,234.50", 123_450), ("￥ +1,234.50", 123_450),
                                       ("¥ 1234.50", 123_450), ("+1234.50", 123_450)])
def test_a_sign_or_a_currency_sign_apart_from_the_figure_is_read(text, fen):
    assert to_fen(text) == fen


@pytest.mark.parametrize("text", ["-¥1,234.50", "- ¥ 1,234.50", "-￥1234.50", "¥-1,234.50", "￥ -1,234.50"])
def test_a_minus_before_or_after_the_currency_sign_is_one_negative_amount(text):
    # a red-letter invoice's or a discount line's amount, as invoicing software and spreadsheets print it
    assert to_fen(text) == -123_450


@pytest.mark.parametrize("text", ["-¥-1,234.50", "¥¥1,234.50", "-¥", "¥-"])
def test_a_currency_sign_with_more_than_one_sign_or_no_figure_is_no_number(text):
    with pytest.raises(ValueProblem, match="not a number"):
        to_fen(text)


@pytest.mark.parametrize("text", ["12,50", "2303,00", "1,2,3", "1,0000", ",100", "100,", "1,000,00",
                                  "0,500", "000,123", "-0,250", "+0,250", "01,000"])
def test_a_comma_anywhere_else_is_refused_not_dropped(text):
    with pytest.raises(ValueProblem, match="a decimal comma .* is not read"):
        to_decimal(text)
    with pytest.raises(ValueProblem, match="a decimal comma .* is not read"):
        to_fen(text)


@pytest.mark.parametrize("text, says", [("1E-999999999", "more than 20 decimal places"),
                                        ("0E-999999999", "more than 20 decimal places"),
                                        ("0." + "0" * 20 + "1", "more than 20 decimal places"),
                                        ("1" * 16 + "." + "1" * 15, "more than 30 significant digits"),
                                        ("1E+18", "more than 18 digits before the point")])
def test_a_figure_with_more_digits_than_any_invoice_has_is_refused(text, says):
    with pytest.raises(ValueProblem, match=says):
        to_decimal(text)


def test_the_most_digits_an_invoice_figure_has_are_read():
    assert to_decimal("0." + "0" * 19 + "1") == Decimal("1E-20")
    assert to_decimal("1" * 15 + "." + "1" * 15) == Decimal("1" * 15 + "." + "1" * 15)


def test_an_amount_of_a_tiny_exponent_is_fractions_of_a_fen():
    with pytest.raises(ValueProblem, match="more than two decimal places"):
        to_fen("1E-999999999")
    # zero to a billion places is more than two too, refused as 30.000 is (test_amount_spellings.py)
    with pytest.raises(ValueProblem, match="more than two decimal places: .* even when they are zeros"):
        to_fen("0E-999999999")


def test_the_scan_reader_restores_an_unread_rate_from_the_statutory_rates_the_checks_take():
    from client.invoices._cross_checks import restore_row
    from client.invoices._reading import STATUTORY_RATES, rate_problem
    from client.invoices._scan_fields import Found

    def restored(amount: str, tax: str) -> Found | None:
        cells = {"amount": Found(amount, 0.9), "tax": Found(tax, 0.9)}   # the rate cell unread
        return restore_row(cells, amount_in_total=True).get("tax_rate")

    # 5% reduced to 1.5% (housing rent) is a rate a line may be taxed at, so it is restored like 13%
    assert restored("1000.00", "15.00").value == "1.5%" and restored("1000.00", "130.00").value == "13%"
    assert rate_problem(Decimal("0.015"), date(2026, 9, 1)) is None
    # a tax of 0 cannot tell a zero-rated line from an exempt one: no rate is made up for it
    assert restored("1000.00", "0.00") is None
    # and nothing the checks refuse is restored
    assert restored("1000.00", "900.00") is None and rate_problem(Decimal("0.9"), date(2026, 9, 1)) is not None
    assert {known.rate for known in STATUTORY_RATES} >= {Decimal(r) for r in ("0.13", "0.09", "0.06", "0")}


def test_a_rate_that_replaced_another_begins_the_day_one_ended():
    from datetime import timedelta

    from client.invoices._reading import STATUTORY_RATES, rate_problem

    began = {(known.rate, known.began) for known in STATUTORY_RATES if known.began is not None and not known.levy}
    assert began == {(Decimal("0.16"), date(2018, 5, 1)), (Decimal("0.10"), date(2018, 5, 1)),
                     (Decimal("0.13"), date(2019, 4, 1)), (Decimal("0.09"), date(2019, 4, 1))}
    assert {day for _, day in began} <= {known.ended for known in STATUTORY_RATES if known.ended is not None}
    for rate, first_day in began:
        assert rate_problem(rate, first_day) is None
        day_before = first_day - timedelta(days=1)
        assert f"the invoice is dated {day_before}" in rate_problem(rate, day_before)


@pytest.mark.parametrize("issued, passes", [
    (date(2020, 2, 29), False), (date(2020, 3, 1), True), (date(2022, 3, 31), True),
    (date(2022, 4, 1), False), (date(2022, 12, 31), False), (date(2023, 1, 1), True), (date(2026, 11, 1), True)])
def test_the_levy_rate_of_one_percent_applies_in_its_two_periods_only(issued, passes):
    from client.invoices._reading import rate_problem

    problem = rate_problem(Decimal("0.01"), issued)
    if passes:
        assert problem is None
        return
    # the message names the date and the levy rates of that date, not the VAT rates
    assert f"the invoice is dated {issued}" in problem and "when the levy rates were 5%, 3%" in problem
    assert "13%" not in problem
    if issued < date(2020, 3, 1):
        # both periods, so that a reader is not told 1 % applied through 2022
        assert ("1% is a levy rate 3% reduced to 1% (small-scale taxpayers) from 2020-03-01 until 2022-03-31 and "
                "again since 2023-01-01; ") in problem
    else:
        assert "is one again since 2023-01-01" in problem and "since 2022-04-01" in problem


# Sellers whose tax ids show a region, made up: a Hubei (湖北省) individual business (92: registered by the market
# regulator as 个体工商户) in Wuhan's division 420102, the same region in a 15-character tax id (division + an
# organization code), and the sample seller in Shenzhen (440300)
HUBEI_CREDIT_CODE = code("92420102MA4K2B3C7")
HUBEI_LEGACY_15 = "420102177886126"
SHENZHEN_CREDIT_CODE = SELLER.tax_id
# Ids whose characters 3-8 (or first 6) read 42..., but that do not show where a taxpayer registered: an identity
# number that is a valid credit code too (its region is in characters 1-6), one that is not, a 20-character tax id
# (an identity number + 2 digits: a person's household registration), a credit code whose check digit fails
UNREADABLE_IDS = ("114201199001010938", "114201199001010006", "42010219900101001401", "92420102MA4K2B3C7M", "")


def test_the_region_is_read_only_from_a_credit_code_or_a_15_character_tax_id_that_is_valid():
    from client.invoices._reading import division_code
    from client.invoices.credit_code import check_tax_id, is_valid_resident_id

    assert check_tax_id(HUBEI_CREDIT_CODE).valid and check_tax_id(HUBEI_LEGACY_15).valid
    assert check_tax_id(SHENZHEN_CREDIT_CODE).valid
    assert division_code(HUBEI_CREDIT_CODE) == "420102" and division_code(f" {HUBEI_CREDIT_CODE} ") == "420102"
    assert division_code(HUBEI_LEGACY_15) == "420102" and division_code(SHENZHEN_CREDIT_CODE) == "440300"
    ambiguous, person, legacy_20, bad_check, none = UNREADABLE_IDS
    assert check_tax_id(ambiguous).valid and is_valid_resident_id(ambiguous)
    assert is_valid_resident_id(person) and not check_tax_id(person).valid
    assert check_tax_id(legacy_20).kind == "legacy-20" and check_tax_id(legacy_20).valid
    assert not check_tax_id(bad_check).valid
    assert [division_code(tax_id) for tax_id in UNREADABLE_IDS + (None,)] == [None] * 6


@pytest.mark.parametrize("issued, hubei_refused", [
    (date(2020, 3, 1), True), (date(2020, 12, 31), True), (date(2021, 3, 31), True),
    (date(2021, 4, 1), False), (date(2022, 3, 31), False), (date(2023, 1, 1), False), (date(2026, 9, 1), False)])
@pytest.mark.parametrize("hubei", [HUBEI_CREDIT_CODE, HUBEI_LEGACY_15])
def test_a_hubei_seller_charged_no_1_percent_until_2021_03_31_as_its_sales_were_exempt(hubei, issued, hubei_refused):
    # 公告2020年第13号 exempted Hubei's small-scale taxpayers where the rest were levied at 1 %; from 2021-04-01
    # Hubei was levied at 1 % too (公告2021年第7号)
    from client.invoices._reading import rate_problem

    one_percent = Decimal("0.01")
    problem = rate_problem(one_percent, issued, hubei)
    assert rate_problem(one_percent, issued, SHENZHEN_CREDIT_CODE) is None
    assert rate_problem(one_percent, issued) is None
    for tax_id in UNREADABLE_IDS:
        assert rate_problem(one_percent, issued, tax_id) is None, tax_id
    if not hubei_refused:
        assert problem is None
        return
    # the region the id shows, the period, what the seller could charge instead, and what to do
    assert problem.startswith(f"1% is no levy rate a seller in Hubei (湖北省) charged on an invoice dated {issued}: ")
    assert f"the seller's tax id {hubei} shows division code 420102, in Hubei" in problem
    assert "from 2020-03-01 until 2021-03-31" in problem and "公告2020年第13号" in problem
    assert "such a line is exempt (免税), or at 3% where the seller gave up the exemption (放弃免税)" in problem
    assert "check the invoice with the tax authority and the seller" in problem
    # what it could charge passes: exempt (read as 0) and 3 %
    assert rate_problem(Decimal("0"), issued, hubei) is None and rate_problem(Decimal("0.03"), issued, hubei) is None


def test_before_1_percent_began_a_hubei_seller_is_told_what_everyone_is():
    from client.invoices._reading import rate_problem

    # 2020-02-29: no seller anywhere charged 1 %; the message is the one of the rate's dates, not of Hubei
    problem = rate_problem(Decimal("0.01"), date(2020, 2, 29), HUBEI_CREDIT_CODE)
    assert problem == rate_problem(Decimal("0.01"), date(2020, 2, 29))
    assert "no line was taxed at 1% before 2020-03-01" in problem and "Hubei" not in problem


def test_the_levy_rate_for_second_hand_car_dealers_begins_on_2020_05_01():
    from client.invoices._reading import rate_problem

    assert rate_problem(Decimal("0.005"), date(2020, 5, 1)) is None
    problem = rate_problem(Decimal("0.005"), date(2020, 4, 30))
    assert "no line was taxed at 0.5% before 2020-05-01" in problem
    assert "when the levy rates were 5%, 3%, 2%, 1.5%, 1%" in problem


def test_a_rate_of_two_periods_passes_in_either_and_fails_between():
    from client.invoices._reading import STATUTORY_RATES, rate_problem, statutory_rate

    thirteen = Decimal("0.13")
    assert len([known for known in STATUTORY_RATES if known.rate == thirteen]) == 2
    assert rate_problem(thirteen, date(2017, 6, 30)) is None and rate_problem(thirteen, date(2019, 4, 1)) is None
    assert "until 2017-06-30" in statutory_rate(thirteen, date(2017, 6, 30)).what
    assert statutory_rate(thirteen, date(2018, 1, 1)) is None
    between = rate_problem(thirteen, date(2018, 1, 1))
    assert between.startswith("13% was a VAT rate until 2017-06-30") and "is one again since 2019-04-01" in between
    assert "the invoice is dated 2018-01-01, when the VAT rates were 17%, 11%, 6%" in between


@pytest.mark.parametrize("rate, issued, then", [
    ("0.90", date(2026, 9, 1), "a VAT rate (13%, 9%, 6%)"), ("0.90", date(2017, 6, 30), "a VAT rate (17%, 13%, 11%, 6%)"),
    ("0.09", date(2017, 6, 30), "when the VAT rates were 17%, 13%, 11%, 6%"),
    ("0.16", date(2019, 4, 1), "when the VAT rates were 13%, 9%, 6%")])
def test_a_rate_refused_is_told_with_the_rates_of_the_invoice_date(rate, issued, then):
    from client.invoices._reading import rate_problem

    problem = rate_problem(Decimal(rate), issued)
    assert then in problem and str(issued) in problem


def test_the_scan_reader_restores_a_rate_of_any_period_once():
    from client.invoices._cross_checks import restore_row
    from client.invoices._scan_fields import Found

    def restored(amount: str, tax: str) -> str | None:
        cells = {"amount": Found(amount, 0.9), "tax": Found(tax, 0.9)}   # the rate cell unread
        found = restore_row(cells, amount_in_total=True).get("tax_rate")
        return None if found is None else found.value

    # 13 % has two periods and is still the one rate that fits; a replaced rate is restored too, and flagged as
    # derived, for line.rate to judge against the invoice's date
    assert restored("1000.00", "130.00") == "13%" and restored("1000.00", "170.00") == "17%"
    assert restored("1000.00", "90.00") == "9%"
