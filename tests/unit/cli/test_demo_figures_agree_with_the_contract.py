"""The figures `recfin demo` prints (amounts in yuan to the fen, each offer's all-in APR and net cash, the early
payment's discount, the exposure and its financed share) are the contract's own for the story's inputs: each is
worked out here from the terms, by the formulas the contract documents (chaincode/receivables/financing.py,
settlement.py; the all-in APR the offers are compared on is client.pricing's, what the holder gives up over the cash
it gets, a year of 365 days), not read from the code that prints it, and the disbursement the contract recorded
agrees.

On the real contract in memory (tests/unit/ledger_contract.py), as test_demo_on_contract.py runs the story."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction

from click.testing import CliRunner

from chaincode.receivables import keys
from chaincode.shim import split_composite_key
from cli import demo_commands

from ..receivables_client import test_demo, test_demo_on_contract

world = test_demo_on_contract.world   # the demo on the contract in memory

DAYS = demo_commands.TERM_DAYS   # the story's claims are due 90 days from the day it runs; the ledger's day is one
BASIS = 360                      # both banks quote ACT/360; the early payment discounts on 360 days too


def half_up(value: Fraction) -> int:
    """To the nearest whole fen, halves up (the contract's rounding of every amount)."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def yuan_text(amount: int) -> str:
    return f"CNY {amount // 100:,}.{amount % 100:02d}"


def percent_text(rate: Fraction) -> str:
    """A fraction as a percentage, half up to 2 places: 0.0479... -> '4.79%'."""
    hundredths = half_up(rate * 10_000)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def offer_figures(kept: int, quote: dict) -> tuple[int, int, int, Fraction]:
    """principal, interest and net cash of a quote on ``kept`` fen for DAYS days, and its all-in annual cost (what
    the holder gives up, interest and fees, over the cash it gets, a year of 365 days)."""
    principal = half_up(kept * Fraction(quote["advance_rate"]))
    interest = half_up(principal * Fraction(quote["discount_rate"]) * DAYS / BASIS)
    fees = fen(str(quote["fees"]))
    net = principal - interest - fees
    return principal, interest, net, Fraction(interest + fees, net) * 365 / DAYS


def test_the_printed_figures_are_the_contract_s_for_the_story_s_inputs(world):
    channel, _ = world
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 0, res.output
    lines = test_demo.one_line_per_step(res.output)

    def line(start: str) -> str:
        (found,) = [text for text in lines if re.match(rf"\[\s*\d+\] \S+\s+{re.escape(start)}", text)]
        return found

    amount, tax = (fen(str(x)) for x in demo_commands.FIRST_DELIVERY)
    face = amount + tax
    moved = fen(str(demo_commands.SPLIT_OFF))
    kept = face - moved
    assert f"face={yuan_text(face)}" in line("register receivable")
    assert yuan_text(face) == "CNY 113,000.00" and kept == 8_300_000
    assert f"split {yuan_text(moved)} to its tier-2 supplier " in line("split")

    # the two offers on the part kept: net cash now, and the all-in annual cost they are compared on
    figures = {key: offer_figures(kept, demo_commands.QUOTES[key]) for key in ("bank", "bank2")}
    compared = line("compare the offers")
    for key, (_, _, net, apr) in figures.items():
        assert f"={percent_text(apr)} all-in, {yuan_text(net)} now" in compared, (key, compared)
    assert (figures["bank"][2], figures["bank2"][2]) == (7_382_770, 6_998_560)    # 74,700 - 672.30 - 200; ...
    cheaper = min(figures, key=lambda key: figures[key][3])
    assert line(f"accept {cheaper}'s offer, the cheaper")
    # the contract's own disbursement of the accepted offer: the same principal, interest and cash
    (disbursement,) = [json.loads(value) for collection in channel.ledger.private_state.values()
                       for key, value in collection.items() if split_composite_key(key)[0] == keys.DISBURSEMENT]
    principal, interest, net, _ = figures[cheaper]
    assert (disbursement["principal"], disbursement["interest"], disbursement["net_amount"], disbursement["days"]) \
        == (principal, interest, net, DAYS)

    # the early payment on the part passed on: 5% a year over the days left, on 360 days
    discount = half_up(moved * Fraction("0.05") * DAYS / BASIS)
    assert f"paid={yuan_text(moved - discount)}  discount={yuan_text(discount)}" in line("take early payment")
    assert discount == 37_500

    # the exposure before the freeze: the financed part and the second delivery's claim, the first financed
    second = sum(fen(str(x)) for x in demo_commands.SECOND_DELIVERY)
    exposure = line("read the exposure")
    assert (f"exposure={yuan_text(kept + second)}  financed_share={percent_text(Fraction(kept, kept + second))}"
            in exposure), exposure
    assert line(f"pay {yuan_text(kept)} to the bank")
