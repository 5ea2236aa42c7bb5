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
    sent: list[str] = []

    def lost(transaction_id, commit):   # committed, but its commit status never came back
        sent.append(transaction_id)
        commit()
        raise unknown_outcome(transaction_id)

    world.commits.lost["WithdrawFinancingOffer"] = lost
    said, made = quote_left_unwithdrawn(world, small_limit)
    assert f"Withdrawing {made} (--withdraw-over-limit) failed: [tx " in said
    assert "DEADLINE_EXCEEDED: commit status: context deadline exceeded; its outcome is not known" in said
    # as any change whose answer was lost: the transaction, and the command that tells whether it committed
    assert (f"its outcome is not known: the offer may be withdrawn or stand (transaction {sent[0]} may have "
            f"committed all the same: `recfin transaction status {sent[0]} --as bank` tells whether it did). "
            f"Retry: recfin finance withdraw-offer {made} --reason 'above the debtor limit' --as bank") in said
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


def stopped_withdrawal(world, *, reached_the_orderer: bool | None) -> list[str]:
    """The quote's WithdrawFinancingOffer stopped by Ctrl-C as the Gateway stops it: once the orderer was handed it
    (it commits here), while it was endorsed (nothing sent), or, for None, before its transaction was built. The
    list gets its transaction id."""
    sent: list[str] = []

    def stopped(transaction_id, commit):
        sent.append(transaction_id)
        stop = KeyboardInterrupt()
        if reached_the_orderer is not None:
            if reached_the_orderer:
                commit()
            stop.transaction_id, stop.may_have_been_ordered = transaction_id, reached_the_orderer
        raise stop

    world.commits.lost["WithdrawFinancingOffer"] = stopped
    return sent


def quote_stopped(world, small_limit: str) -> tuple[str, str]:
    """A quote with --withdraw-over-limit stopped after its offer committed: exit 130, its one error line, and the
    offer it made (the bank's one offer on the request)."""
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes",
                                                    "--withdraw-over-limit"))
    assert result.exit_code == 130, result.output
    financing = world.client("bank").get_financing(world.financing)
    made, = [o.id for o in financing.offers if o.financier_msp == world.net.actors["bank"].msp]
    return result.stderr.strip().splitlines()[-1], made


def test_a_withdrawal_stopped_while_it_was_endorsed_says_it_cannot_commit_and_the_offer_stands(
        world, second_claim, small_limit, monkeypatch):
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    sent = stopped_withdrawal(world, reached_the_orderer=False)
    said, made = quote_stopped(world, small_limit)
    assert said.startswith(f"Error: {made} is offered on {world.financing}, and with it ")
    assert (f"Withdrawing {made} (--withdraw-over-limit) was interrupted; transaction {sent[0]} was stopped before "
            f"it reached the orderer, so it cannot commit: the offer stands. Retry: recfin finance withdraw-offer "
            f"{made} --reason 'above the debtor limit' --as bank") in said
    assert made in open_offers(world)


def test_a_withdrawal_stopped_once_the_orderer_took_it_names_the_status_that_tells(world, second_claim,
                                                                                   small_limit, monkeypatch):
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    sent = stopped_withdrawal(world, reached_the_orderer=True)
    said, made = quote_stopped(world, small_limit)
    assert (f"Withdrawing {made} (--withdraw-over-limit) was interrupted; its outcome is not known: the offer may "
            f"be withdrawn or stand (transaction {sent[0]} may have committed all the same: `recfin transaction "
            f"status {sent[0]} --as bank` tells whether it did). Retry: recfin finance withdraw-offer {made}") in said
    assert made not in open_offers(world)   # here it had committed


def test_a_withdrawal_stopped_before_it_was_sent_says_so_and_the_offer_stands(world, second_claim, small_limit,
                                                                              monkeypatch):
    offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    stopped_withdrawal(world, reached_the_orderer=None)
    said, made = quote_stopped(world, small_limit)
    assert (f"Withdrawing {made} (--withdraw-over-limit) was interrupted; it was not sent: the offer stands. "
            f"Retry: recfin finance withdraw-offer {made}") in said
    assert made in open_offers(world)


@pytest.mark.parametrize("withdraw", [True, False], ids=["withdraw-over-limit", "offer-stands"])
def test_stopped_before_the_offer_was_checked_against_the_limit_says_the_offer_stands_unchecked(
        world, small_limit, monkeypatch, withdraw):
    real_exposure = ReceivablesClient.financier_exposure
    reads: list[str] = []

    def exposure(client, debtor, *args, **kwargs):
        reads.append(debtor)
        if len(reads) == 2:   # the read again, once the offer committed
            raise KeyboardInterrupt()
        return real_exposure(client, debtor, *args, **kwargs)

    monkeypatch.setattr(ReceivablesClient, "financier_exposure", exposure)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes",
                                                    *(["--withdraw-over-limit"] if withdraw else [])))
    assert result.exit_code == 130, result.output
    made, = open_offers(world)
    not_withdrawn = " (not withdrawn: --withdraw-over-limit withdraws only an offer found above the limit)" \
        if withdraw else ""
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {made} is offered on {world.financing}, but the quote was interrupted before it read the bank's "
        f"exposure to {world.uscc('core')} again to check it against the limit CNY 1,500,000.00. The offer "
        f"stands{not_withdrawn}; before the next offer on the debtor, check that exposure and open offers (a quote "
        "shows both) stay within the limit")
