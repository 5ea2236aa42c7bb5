"""`recfin finance quote --exposure-outside`: what a bank lends against the debtor off the ledger is added to the
ledger's exposure, when the quote is priced and when its offer is checked against the limit again; `--exposure`, the
whole exposure, is for a quote without the ledger only, and refused on one where it would hide the ledger's lending.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import EXIT_DECLINED, finance
from client.receivables import FinancingTerms

from .ledger_world import LIMIT
from .test_quote_turns import offer_meanwhile, quote_args


def lent_on_the_ledger(world, amount: int) -> None:
    """The bank lends ``amount`` against the debtor on another claim of it, disbursed."""
    net = world.net
    other = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], amount, due_in=60))
    f = world.client("tier2").request_financing(other["id"]).id
    terms = FinancingTerms(advance_rate="1", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                           expires_on=date.fromisoformat(world.today) + timedelta(days=5))
    world.client("tier2").accept_offer(world.client("bank").make_offer(f, terms).id)
    world.client("bank").record_disbursement(f)
    assert world.client("bank").financier_exposure(world.uscc("core")).exposure_in("CNY") == amount


def offered(world) -> int:
    return world.client("bank").financier_exposure(world.uscc("core")).offered_in("CNY")


def test_lending_outside_the_ledger_that_leaves_no_room_declines_the_quote(world, small_limit):
    lent_on_the_ledger(world, 140_000_000)   # 1,400,000.00 of the 1,500,000.00 limit
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--exposure-outside",
                                                    "100,000", "--yes", "--json"))
    assert result.exit_code == EXIT_DECLINED, result.output
    data = json.loads(result.stdout)
    assert (data["exposure"], data["available"], data["made_offer"]) == (150_000_000, 0, None)
    assert data["declined"] == "no room under the debtor limit CNY 1,500,000.00 (exposure CNY 1,500,000.00)"
    assert offered(world) == 0


def test_lending_outside_the_ledger_cuts_the_advance_to_what_both_leave(world, small_limit):
    lent_on_the_ledger(world, 140_000_000)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--exposure-outside",
                                                    "10,000", "--yes", "--json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["exposure"], data["available"], data["priced"]["advance"]) == (141_000_000, 9_000_000, 9_000_000)
    assert data["after_offer"] == {"currency": "CNY", "exposure": 141_000_000, "open_offers": 9_000_000,
                                   "debtor_limit": LIMIT, "over_limit_by": 0}
    assert 140_000_000 + offered(world) + 1_000_000 == LIMIT   # on the ledger, on offer and off it: the limit


def test_the_check_after_the_offer_adds_lending_outside_the_ledger_to_the_ledgers_figure_read_again(
        world, second_claim, small_limit, monkeypatch):
    lent_on_the_ledger(world, 20_000_000)
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)   # 950,000.00 offered after the quote's read
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--exposure-outside",
                                                    "10,000", "--yes", "--json"))
    assert result.exit_code == 3, result.output
    after = json.loads(result.stdout)["after_offer"]
    assert (after["exposure"], after["open_offers"]) == (21_000_000, 190_000_000)
    assert after["over_limit_by"] == 21_000_000 + 190_000_000 - LIMIT


def test_exposure_on_a_ledger_quote_is_refused_naming_exposure_outside_and_nothing_is_offered(world, small_limit):
    lent_on_the_ledger(world, 140_000_000)
    # as a bank would add its lending off the ledger: in place of the ledger's figure it would hide 1,400,000.00
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--exposure", "10,000",
                                                    "--yes", "--json"))
    assert result.exit_code == 2, result.output
    assert ("--exposure is the whole exposure of a quote without the ledger (--face, --due); on the ledger the bank's "
            "exposure is read from it: give what the bank lends against the debtor outside the ledger as "
            "--exposure-outside AMOUNT, which is added to it") in " ".join(result.output.split())
    assert world.opened == [] and offered(world) == 0


def test_exposure_outside_without_the_ledger_is_refused_naming_exposure():
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                          "2027-03-01", "--grade", "B", "--on", "2026-12-01", "--exposure-outside",
                                          "10,000"])
    assert result.exit_code == 2
    assert ("--exposure-outside is added to the exposure read from the ledger; with --face and --due there is none: "
            "give all the bank lends against the debtor as --exposure") in " ".join(result.output.split())
