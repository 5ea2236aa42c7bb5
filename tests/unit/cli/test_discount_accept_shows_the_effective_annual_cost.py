"""`recfin discount accept` showed, before asking, the offer's rate (on the claim's face, on the offer's own day
count) but not the effective annual cost `finance compare` shows for the same offer on the same day (the discount
over the cash taken, a year of 365 days): an operator comparing the prompt with the comparison saw two different
percentages and no way to tell them apart. The prompt now gives the effective annual cost too, as compare's APR
column shows it, named with its basis."""
from __future__ import annotations

from click.testing import CliRunner

from cli import finance_commands
from cli.main import main
from tests.unit.receivables_client import test_cli_discount_accept_agreed as agreed

# the fixtures: a confirmed claim of supplier1's, the core enterprise's 5% ACT/360 offer on it, priced on the
# channel's day
offered = agreed.offered
on_the_channels_day = agreed.on_the_channels_day


def _compares_apr(offer_id: str, claim: str) -> str:
    """The APR `finance compare` shows for the offer, from its table's row."""
    compared = CliRunner().invoke(main, ["finance", "compare", claim, *agreed.HOLDER])
    assert compared.exit_code == 0, compared.output
    lines = compared.stdout.splitlines()
    header = next(line for line in lines if line.startswith("RANK_BY_COST"))
    [row] = [line for line in lines if offer_id in line.split()]
    # the table's columns are aligned: the APR is what stands under its heading
    start, end = header.index(" APR ") + 1, header.index(" APR_DAY_COUNT ") + 1
    assert row[end:].split()[0] == "ACT/365", row
    return row[start:end].strip()


def test_the_prompt_gives_the_effective_annual_cost_compare_shows(on_the_channels_day, monkeypatch):
    channel, offer_id, claim = on_the_channels_day
    monkeypatch.setattr(finance_commands, "business_today", channel.today, raising=False)
    apr = _compares_apr(offer_id, claim)

    answered = agreed._accept(offer_id, claim, typed=b"n\n")
    assert answered.exit_code == 0, answered.output
    [line] = [line for line in answered.stderr.splitlines() if line.startswith(f"paid {agreed.PAID}")]
    assert line.endswith(f"; effective annual cost {apr} (ACT/365)"), (line, apr)
    assert apr != "5.0000%"   # the discount over the cash taken, not the offer's rate on the face
    assert agreed._sent(channel) == []
