"""`recfin demo` shows each offer's APR rounded once, from its exact figure, as `recfin finance compare` does: the
6-place APR offers state, rounded again to 2 places, can read 0.01 point above it."""

from __future__ import annotations

from decimal import Decimal

from cli import demo_commands

from ..receivables_client import test_demo

ledger = test_demo.ledger   # the demo over contract doubles

# on the story's 83,000.00 kept for 90 days, 90% advanced at 3.6% ACT/360 with these fees costs 4.8049535...% a year:
# 0.048050 to 6 places, which rounded again would show 4.81%
BOUNDARY_FEES = Decimal("202.37")


def test_the_compared_offers_show_their_apr_rounded_once(ledger, monkeypatch):
    monkeypatch.setitem(demo_commands.QUOTES, "bank", {**demo_commands.QUOTES["bank"], "fees": BOUNDARY_FEES})
    res = test_demo.run_demo("--skip-setup")
    assert res.exit_code == 0, res.output
    (compared,) = [line for line in res.output.splitlines() if "chosen=" in line]
    assert "O-1=4.80% all-in, CNY 73,825.33 now" in compared, compared
