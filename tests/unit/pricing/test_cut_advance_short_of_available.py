"""An advance cut to fit what the debtor limit leaves is the largest a rate of the contract's 10 decimal
places gives, not what is available: on a large claim a rate's last place is worth more than a fen, so the
advance may fall short of it, or be 0. The pricer's docstring says so, as the quote computes it."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
import yaml

from client.pricing import BankPricing, ReceivableTerms, bank_config_path, pricer, quote
from client.pricing.proposals import RATE_PLACES

ON, DUE = date(2026, 12, 1), date(2027, 3, 1)
LIMIT = 20_000_000_000   # the shipped per_debtor, grade A


def no_minimum_advance() -> BankPricing:
    data = yaml.safe_load(bank_config_path("bank").read_text(encoding="utf-8"))
    data["limits"]["min_advance"] = 0
    return BankPricing.model_validate(data)


@pytest.mark.parametrize("outstanding, exposure", [(2**53 - 1, 0), (2**53 - 1, LIMIT - 1_000_000),
                                                   (30_000_000_001, 0), (10**12 + 7, LIMIT - 123_456_789)])
def test_a_cut_advance_is_short_of_available_by_less_than_a_rates_last_place(outstanding, exposure):
    config = no_minimum_advance()
    terms = ReceivableTerms(receivable_id="R", face_amount=outstanding, due_date=DUE)
    q = quote(config, terms, grade="A", on=ON, exposure=exposure)
    advance = q.priced.advance if q.priced else 0
    last_place = Fraction(outstanding, 10**RATE_PLACES)
    assert 0 <= q.available - advance < last_place + 1
    # none at all only where even the smallest rate would advance more than is available
    assert (advance == 0) == (int(last_place + Fraction(1, 2)) > q.available)


def test_the_pricers_docstring_does_not_state_the_advance_as_what_is_available():
    # 2^53 - 1 fen outstanding, CNY 200,000,000.00 available: CNY 199,995,852.25 advanced, not the
    # 200,000,000.00 that "min(outstanding x advance rate, available)" would have it
    q = quote(no_minimum_advance(), ReceivableTerms(receivable_id="R", face_amount=2**53 - 1, due_date=DUE),
              grade="A", on=ON)
    assert (q.available, q.priced.advance) == (LIMIT, 19_999_585_225)
    assert "min(outstanding x advance rate, available)" not in pricer.__doc__
    assert "short of it by less than" in " ".join(pricer.__doc__.split())
