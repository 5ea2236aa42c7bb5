"""A regulator looking for frozen claims types `recfin regulator list FROZEN` (or `receivable list --status
frozen`): FROZEN is a column of the listing, not a status, since a frozen claim keeps the status it had. The refusal
says so and where frozen claims show, not only which statuses there are."""

from __future__ import annotations

import pytest

from client.receivables import STATUSES

from .test_operator_spellings import refusal


@pytest.mark.parametrize("args, hint", [(["regulator", "list", "FROZEN"], "'STATUS'"),
                                        (["receivable", "list", "--status", "frozen"], "'--status'")])
def test_frozen_is_refused_saying_a_frozen_claim_keeps_its_status_and_shows_in_the_frozen_column(args, hint):
    said = refusal(*args)
    assert f"Invalid value for {hint}: '{args[-1]}' is not a claim status: a frozen claim keeps its status" in said
    assert "its FROZEN column" in said and f"give one of {', '.join(STATUSES)} (in any case)" in said
