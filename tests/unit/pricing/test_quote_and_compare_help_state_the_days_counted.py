"""`recfin finance quote --help` and `compare --help` say which days interest and a discount run for: the calendar
days from the day the cash is taken to the claim's due date, one on a Saturday, Sunday or public holiday not moved
to the next working day, on the offer's day count (ACT/360, or ACT/365 Fixed, 365 in a leap year too), as the
contract counts them. A bank officer or a holder checking a figure by hand could otherwise count to the Monday, or
divide a leap year by 366."""
from __future__ import annotations

import pytest

from .test_quote_and_compare_help_state_the_rounding import help_of


@pytest.mark.parametrize("command, taken", [("quote", "--on"), ("compare", "--on")])
def test_the_help_states_the_days_counted(command, taken):
    said = help_of(command)
    assert (f"Interest, and a discount, run for the calendar days from {taken} to the claim's due date, one on a "
            "Saturday, Sunday or public holiday not moved to the next working day, on the offer's day count "
            "(ACT/360, or ACT/365 Fixed: 365 in a leap year too), as the contract counts them.") in said, said
