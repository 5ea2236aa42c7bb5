"""The CLI's one amount parser: yuan with thousands separators, or explicit fen; shown with the currency."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.amounts import AMOUNT, Amount, fen_of_option, money, parse_amount, read_amount, with_money


@pytest.mark.parametrize("text, fen", [
    ("12,345.67", 1_234_567), ("12345.67", 1_234_567), ("12345", 1_234_500), ("0.5", 50), ("0.05", 5),
    ("1,000,000", 100_000_000), ("1234567fen", 1_234_567), ("1,234,567 fen", 1_234_567), ("7FEN", 7),
    ("CNY 12,345.67", 1_234_567), ("  300.50 ", 30_050), ("0", 0),
])
def test_amounts_read_as_yuan_or_explicit_fen(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize("text, says", [
    ("1.005", "more than two decimals"), ("-3", "not negative"), ("12,34.5", "not an amount"),
    ("1,2345", "not an amount"), ("12.5fen", "not an amount"), ("1e3", "not an amount"), ("nan", "not an amount"),
    ("", "not an amount"), ("1.", "not an amount"), (".5", "not an amount"), ("USD 10", "in USD"),
    ("12 345", "not an amount"), ("1234,567", "not an amount"),   # a group of 4 digits before the separator
])
def test_bad_amounts_say_what_to_write(text, says):
    with pytest.raises(ValueError, match=says):
        parse_amount(text)


@pytest.mark.parametrize("text, says", [
    ("30.000", "'30.000' has more than two decimals: if the dot groups thousands, write 30,000; give yuan with at "
               "most two decimals (or whole fen, e.g. 1234567fen)"),
    ("1.500", "'1.500' has more than two decimals: if the dot groups thousands, write 1,500; "),
    ("1.5000000", "'1.5000000' has more than two decimals: give yuan with at most two decimals"),
    ("1,000.000", "'1,000.000' has more than two decimals: give yuan with at most two decimals"),
    ("CNY 113.000", "'CNY 113.000' has more than two decimals: if the dot groups thousands, write 113,000; "),
    # a whole part starting with 0 groups no thousands: 0.500 is half a yuan, never 500
    ("0.500", "'0.500' has more than two decimals: give yuan with at most two decimals"),
    ("012.345", "'012.345' has more than two decimals: give yuan with at most two decimals"),
    # a malformed whole part is named as such first
    ("abc.123", "'abc.123' is not an amount: write yuan"), ("1e5.000", "'1e5.000' is not an amount: write yuan"),
    ("0,500.000", "'0,500.000' starts with the group 0"),
])
def test_trailing_zeros_past_the_fen_are_refused_as_a_dot_may_group_thousands(text, says):
    # read as 30.00, "30.000" meant as thirty thousand would move a thousandth of it
    with pytest.raises(ValueError) as refused:
        parse_amount(text)
    assert str(refused.value).startswith(says)


@pytest.mark.parametrize("text", ["-3", "-0", "CNY -5", "- 5"])
def test_a_minus_sign_is_refused_saying_what_to_write(text):
    with pytest.raises(ValueError) as refused:
        read_amount(text)
    assert str(refused.value) == (f"{text!r} has a minus sign: amounts are not negative; give how much without "
                                  "it, e.g. 12,345.67")


def test_the_click_type_is_a_usage_error_naming_the_option():
    @click.command()
    @click.option("--amount", type=AMOUNT)
    def cmd(amount):
        click.echo(f"{amount.fen} {amount.currency}")

    assert CliRunner().invoke(cmd, ["--amount", "1,234.50"]).output == "123450 None\n"
    assert CliRunner().invoke(cmd, ["--amount", "USD 1,234.50"]).output == "123450 USD\n"  # checked by the command
    bad = CliRunner().invoke(cmd, ["--amount", "1.234,50"])
    assert bad.exit_code == 2 and "Invalid value for '--amount'" in bad.output


def test_an_amount_keeps_the_currency_written_and_is_checked_against_the_claims():
    usd = read_amount("USD 1,130.00")
    assert usd == Amount(113_000, "USD", "USD 1,130.00")
    assert usd.in_currency("USD") == 113_000
    with pytest.raises(ValueError, match="'USD 1,130.00' is in USD, but the amount is in CNY"):
        usd.in_currency("CNY")
    assert read_amount("1,130.00").in_currency("USD") == 113_000   # no code: the claim's currency
    assert parse_amount("USD 1,130.00", currency="USD") == 113_000
    with pytest.raises(ValueError, match="is in CNY, but the amount is in USD"):
        parse_amount("CNY 1,130.00", currency="USD")



def test_an_amount_option_in_another_currency_is_a_usage_error_naming_that_option():
    @click.command()
    @click.option("--face", type=AMOUNT)
    @click.option("--exposure", type=AMOUNT)
    def cmd(face, exposure):
        click.echo(f"{fen_of_option(face, 'USD', '--face')} {fen_of_option(exposure, 'USD', '--exposure')}")

    assert CliRunner().invoke(cmd, ["--face", "USD 10", "--exposure", "2.50"]).output == "1000 250\n"
    bad = CliRunner().invoke(cmd, ["--face", "10", "--exposure", "CNY 2.50"])
    assert bad.exit_code == 2
    assert "Invalid value for '--exposure': 'CNY 2.50' is in CNY, but the amount is in USD" in bad.output

def test_money_is_exact_with_the_currency():
    assert money(1_234_567) == "CNY 12,345.67"
    assert money(5, "USD") == "USD 0.05"
    assert money(0) == "CNY 0.00"
    assert money(None) == "-"


def test_tables_get_money_and_freeze_orders_machines_keep_fen():
    row = {"id": "R-1", "face_amount": 11_300_000, "outstanding": 0, "currency": "CNY", "financed_share": "0.25",
           "frozen": {"order_reference": "ORD-1", "date": "2026-03-05"}}
    assert with_money(row) == {**row, "face_amount": "CNY 113,000.00", "outstanding": "CNY 0.00",
                               "frozen": "ORD-1 (2026-03-05)"}
    assert row["face_amount"] == 11_300_000  # the record itself is not changed


def test_records_inside_a_record_get_money_too_in_their_own_currency_or_the_enclosing_ones():
    row = {"amount": 8_300_000, "currency": "USD", "paid": 2_962_500,
           "allocations": [{"receivable_id": "R-1.2", "amount": 8_300_000, "outstanding": 0}],
           "invoices": [{"number": "1", "amount": 100, "currency": "CNY"}], "children": ["R-1.1", "R-1.2"]}
    assert with_money(row) == {
        "amount": "USD 83,000.00", "currency": "USD", "paid": "USD 29,625.00",
        "allocations": [{"receivable_id": "R-1.2", "amount": "USD 83,000.00", "outstanding": "USD 0.00"}],
        "invoices": [{"number": "1", "amount": "CNY 1.00", "currency": "CNY"}], "children": ["R-1.1", "R-1.2"]}
    assert with_money(row, "")["allocations"][0]["amount"] == "83,000.00"   # no currency said: none guessed


@pytest.mark.parametrize("text", ["1000000000000000.01", "100000000000000001fen", "9" * 40, "90071992547409.92",
                                  "9007199254740992fen"])
def test_amounts_above_the_ledger_cap_are_refused(text):
    with pytest.raises(ValueError, match="above the cap"):
        parse_amount(text)
    assert parse_amount("90,071,992,547,409.91") == 2**53 - 1  # the cap itself is an amount


@pytest.mark.parametrize("zeros", [4300, 10_000])
def test_leading_zeros_of_fen_read_as_those_of_yuan_do(zeros):
    """Python's int() counts leading zeros towards its 4300-digit limit: 0...0100fen was refused with
    Python's own message (sys.set_int_max_str_digits), where 0...01.00 yuan read as 1.00."""
    assert parse_amount("0" * zeros + "100fen") == parse_amount("0" * zeros + "1.00") == 100
    with pytest.raises(ValueError, match="above the cap"):
        parse_amount("0" * zeros + "9007199254740992fen")


@pytest.mark.parametrize("text, fen, currency", [
    ("1130.00 CNY", 113_000, "CNY"), ("99,999.00 USD", 9_999_900, "USD"), ("113000 fen CNY", 113_000, "CNY")])
def test_an_amount_as_a_contract_refusal_writes_it_is_read_with_its_currency(text, fen, currency):
    """The contract's refusals show an amount with the code after it (``pay 1130.00 CNY or less``), the CLI's
    tables before it: either, copied into an option, is the amount it shows, its currency checked as always."""
    assert read_amount(text) == Amount(fen, currency, text)
    with pytest.raises(ValueError, match=f"is in {currency}, but the amount is in EUR"):
        read_amount(text).in_currency("EUR")


@pytest.mark.parametrize("text", ["CNY 1130.00 CNY", "1130.00 CNY CNY", "1130.00 cny"])
def test_a_currency_code_is_written_once_before_or_after_the_amount(text):
    with pytest.raises(ValueError, match="is not an amount"):
        read_amount(text)


def test_fen_written_in_capitals_stays_fen_not_a_currency():
    assert read_amount("113000 FEN") == Amount(113_000, None, "113000 FEN")
