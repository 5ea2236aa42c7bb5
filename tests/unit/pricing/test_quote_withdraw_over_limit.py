"""`recfin finance quote --withdraw-over-limit`: an offer that took the bank above its limit is withdrawn again.

On the real contract in-process (the ``world`` fixture), the bank's other offer made between the quote's read and
its offer as a quote on another host would make it (``offer_meanwhile``); WithdrawFinancingOffer is the contract's
own, watched only to see what the quote sends.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.receivables import ReceivablesClient

from .ledger_world import CONFIG, LIMIT, unknown_outcome
from .test_quote_turns import offer_meanwhile, quote_args


@pytest.fixture
def withdrawals(monkeypatch) -> list[tuple[str, str]]:
    """Each WithdrawFinancingOffer the SDK is asked for, (offer id, reason), sent on to the contract."""
    sent: list[tuple[str, str]] = []
    real_withdraw = ReceivablesClient.withdraw_offer

    def withdraw_offer(client, offer_id, reason):
        sent.append((offer_id, reason))
        return real_withdraw(client, offer_id, reason)

    monkeypatch.setattr(ReceivablesClient, "withdraw_offer", withdraw_offer)
    return sent


def open_offers(world) -> set[str]:
    return {o.offer_id for o in world.client("bank").financier_exposure(world.uscc("core")).offers}


def test_an_offer_above_the_limit_is_withdrawn_and_the_quote_still_exits_3_with_nothing_of_its_own_offered(
        world, second_claim, small_limit, monkeypatch, withdrawals):
    elsewhere = offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json",
                                                    "--withdraw-over-limit"))
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    made = data["made_offer"]["id"]
    assert data["after_offer"]["over_limit_by"] == 40_000_000
    assert [offer_id for offer_id, _ in withdrawals] == [made]
    reason = withdrawals[0][1]
    # public (other banks read the request's offers): why, but not the bank's limit or exposure
    assert reason == ("above the debtor limit: another offer of the bank on the debtor committed while this one "
                      "was priced")
    withdrawn = data["withdrawn_offer"]
    assert (withdrawn["id"], withdrawn["status"], withdrawn["withdrawal_reason"]) == (made, "WITHDRAWN", reason)
    said = result.stderr
    assert f"{made} was offered on {world.financing}, and with it {world.net.actors['bank'].msp} is above" in said
    assert (f"Withdrawn again (--withdraw-over-limit): {made} is WITHDRAWN, so nothing this quote offered on "
            f"{world.financing} stands. Quote again") in said
    assert "still above its limit" not in said   # the other offer alone is within it
    # the offer made elsewhere stands alone: the bank is back within its limit
    assert open_offers(world) == {elsewhere[0].id}
    assert world.client("bank").financier_exposure(world.uscc("core")).offered_in("CNY") == 95_000_000 <= LIMIT


def test_an_offer_above_the_limit_withdrawn_in_the_table_output_says_so(world, second_claim, small_limit,
                                                                           monkeypatch, withdrawals):
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes",
                                                    "--withdraw-over-limit"))
    assert result.exit_code == 3, result.output
    (made, _), = withdrawals
    assert f"offered {made} on {world.financing}" in result.stdout
    assert f"{made} is WITHDRAWN, so nothing this quote offered" in result.stderr


def test_within_the_limit_the_option_withdraws_nothing(world, small_limit, withdrawals):
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json",
                                                    "--withdraw-over-limit"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["after_offer"]["over_limit_by"] == 0 and data["withdrawn_offer"] is None
    assert withdrawals == []
    assert open_offers(world) == {data["made_offer"]["id"]}   # the offer stands


def quote_left_unwithdrawn(world, small_limit: str) -> tuple[str, str]:
    """A quote with --withdraw-over-limit whose withdrawal fails: exit 3, no withdrawn_offer; its stderr and offer."""
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json",
                                                    "--withdraw-over-limit"))
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["withdrawn_offer"] is None
    return result.stderr, data["made_offer"]["id"]


def test_a_refused_withdrawal_is_said_with_the_command_to_retry_it(world, second_claim, small_limit, monkeypatch):
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    real_withdraw = ReceivablesClient.withdraw_offer

    def withdraw_offer(client, offer_id, reason):   # the holder accepts the offer first: it is no longer open
        world.client("tier1").accept_offer(offer_id)
        return real_withdraw(client, offer_id, reason)

    monkeypatch.setattr(ReceivablesClient, "withdraw_offer", withdraw_offer)
    said, made = quote_left_unwithdrawn(world, small_limit)
    assert (f"Withdrawing {made} (--withdraw-over-limit) failed: WithdrawFinancingOffer refused: RULE "
            f"invalid-state: offer {made} is ACCEPTED") in said
    assert "; it was not withdrawn. Retry: " in said
    assert f"recfin finance withdraw-offer {made} --reason 'above the debtor limit' --as bank" in said
    assert f"recfin finance cancel {world.financing} --reason 'above the debtor limit' --as bank" in said


def test_a_withdrawal_whose_outcome_is_lost_says_it_may_have_committed(world, second_claim, small_limit,
                                                                           monkeypatch):
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)

    def lost(transaction_id, commit):   # committed, but its commit status never came back
        commit()
        raise unknown_outcome(transaction_id)

    world.commits.lost["WithdrawFinancingOffer"] = lost
    said, made = quote_left_unwithdrawn(world, small_limit)
    assert f"Withdrawing {made} (--withdraw-over-limit) failed: [tx " in said
    assert "DEADLINE_EXCEEDED: commit status: context deadline exceeded; its outcome is not known" in said
    assert "its outcome is not known: the offer may be withdrawn or stand. Retry: recfin finance withdraw-offer " \
        f"{made} --reason 'above the debtor limit' --as bank" in said
    assert made not in open_offers(world)   # here the withdrawal did commit: the retry would be refused, harmlessly


@pytest.mark.parametrize("extra, expected", [
    (["--face", "1,000,000", "--due", "2027-03-01"], "with --face and --due nothing is offered"),
    (["--json"], "with --json and without --yes nothing is offered"),
])
def test_withdraw_over_limit_is_refused_where_no_offer_can_be_made(world, extra, expected):
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, CONFIG, "--withdraw-over-limit", *extra))
    assert result.exit_code == 2 and expected in result.output
    assert "--withdraw-over-limit" in result.output
    assert world.opened == []   # refused before connecting
