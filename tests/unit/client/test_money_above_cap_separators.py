"""An amount above the cap is shown, with the cap, in thousands separators as every amount the SDK shows (client.money
``yuan``), and a huge one in exponent form, never as a Python error of its own (an int of hundreds of digits was
formatted as a float, which overflows)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from client.money import LEDGER_MAX_FEN, MAX_FEN, AboveCap, to_fen, yuan

CAP = f"is above the cap of {yuan(MAX_FEN)} yuan ({MAX_FEN:,} fen)"


@pytest.mark.parametrize(("amount", "shown"), [
    (MAX_FEN + 1, "9,007,199,254,740,992 fen"),
    (-(MAX_FEN + 1), "-9,007,199,254,740,992 fen"),
    (Decimal("90071992547410"), "90,071,992,547,410 yuan"),
    (Decimal("1E+50"), "1.000000E+50 yuan"),
    (10**299, "1.000000E+299 fen"),
    (2**1400, "1E+421 fen or more"),                # 2**1400 is 2.8E+421
    (-(2**3_400_000), "-1E+1023501 fen or more"),   # a Decimal of it would take seconds to build
], ids=lambda value: value if isinstance(value, str) else "amount")
def test_an_amount_above_the_cap_and_the_cap_are_shown_with_thousands_separators(amount, shown):
    with pytest.raises(AboveCap) as refused:
        to_fen(amount)
    assert str(refused.value).startswith(f"amount {shown} {CAP} that the ledger accepts")


def test_an_amount_rounded_across_the_cap_is_shown_as_given_with_separators():
    with pytest.raises(AboveCap, match=r"^amount 90,071,992,547,409\.915 yuan is above the cap of "
                                       r"90,071,992,547,409\.91 yuan"):
        to_fen(Decimal("90071992547409.915"), rounding=ROUND_HALF_UP)


def test_the_ledger_cap_is_shown_so_too():
    with pytest.raises(AboveCap, match=r"above the cap of 1,000,000,000,000,000\.00 yuan \(100,000,000,000,000,000 fen\)"):
        to_fen(LEDGER_MAX_FEN + 1, cap=LEDGER_MAX_FEN)
