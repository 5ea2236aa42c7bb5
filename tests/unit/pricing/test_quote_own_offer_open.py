"""`recfin finance quote` on a request the bank already has an open offer on: the contract takes one offer
per bank and request (rule offer-already-made), so the quote sends nothing and names the offer and the CLI
command that withdraws it, rather than prompting, sending, and relaying the contract's refusal with a
chaincode function's name.

On the real contract in-process (the ``world`` fixture); the withdrawal is run as the message words it.
"""

from __future__ import annotations

import json
import shlex
from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

import cli.finance_commands as commands
from cli import connection
from cli.finance_commands import finance
from cli.main import main
from client.receivables import FinancingTerms

from .ledger_world import CONFIG


def quote(world, *extra, input=None):
    return CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG,
                                        "--on", world.net.today, "--grade", "A", *extra], input=input)


def forbid_sending(monkeypatch) -> None:
    """From here on, fails the test if a quote goes on to make its offer."""
    def offer_in_turn(*_args, **_kwargs):
        pytest.fail("the quote sent MakeFinancingOffer on a request where the bank's offer is open")
    monkeypatch.setattr(commands, "offer_in_turn", offer_in_turn)


def first_offer(world) -> str:
    result = quote(world, "--yes", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["made_offer"]["id"]


def withdrawal_named(said: str) -> list[str]:
    """The `recfin finance withdraw-offer ...` command the message names, as words for the CLI."""
    command = said.split(": recfin finance withdraw-offer ", 1)[1].strip()
    return ["finance", "withdraw-offer", *shlex.split(command)]


def run_as_a_user(monkeypatch) -> None:
    """Sessions of the world with the profile user the lifecycle commands name, as a real session has."""
    opened = connection.open_session

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        with opened(org, user, data_root, admin=admin) as session:
            yield SimpleNamespace(**vars(session), user=SimpleNamespace(name=user or "officer1"))

    monkeypatch.setattr(connection, "open_session", open_session)


def open_offers_on_the_request(world) -> list[str]:
    return [o.id for o in world.client("tier1").get_financing(world.financing).offers if o.status == "OPEN"]


def test_quote_again_with_yes_sends_nothing_and_names_the_open_offer_and_its_withdrawal(world, monkeypatch):
    made = first_offer(world)
    with monkeypatch.context() as patched:
        forbid_sending(patched)
        again = quote(world, "--yes", "--json")
    assert again.exit_code == 1
    assert again.stdout == ""
    bank = world.uscc("bank")
    said = again.stderr
    assert (f"no offer made on {world.financing}: {bank}'s offer {made}, made on {world.today}, is still "
            f"open on it, and the contract takes one offer per bank and request "
            f"(rule offer-already-made)") in said
    assert f"recfin finance withdraw-offer {made} --reason 'terms revised' --as bank" in said
    assert "WithdrawFinancingOffer" not in said   # the contract's function name is no way forward on the CLI
    assert open_offers_on_the_request(world) == [made]
    # the command said withdraws it, and the quote run again offers
    run_as_a_user(monkeypatch)
    withdrawn = CliRunner().invoke(main, withdrawal_named(said))
    assert withdrawn.exit_code == 0, withdrawn.output
    offered = quote(world, "--yes", "--json")
    assert offered.exit_code == 0, offered.output
    assert open_offers_on_the_request(world) == [json.loads(offered.stdout)["made_offer"]["id"]]


def test_quote_again_at_the_prompt_does_not_ask(world, monkeypatch):
    made = first_offer(world)
    forbid_sending(monkeypatch)
    again = quote(world, input="y\n")
    # quoted, not offered: as for an offer the contract would refuse now
    assert again.exit_code == 0, again.output
    assert "make this offer" not in again.output
    assert f"no offer made on {world.financing}: {world.uscc('bank')}'s offer {made}" in again.output
    assert f"recfin finance withdraw-offer {made} --reason 'terms revised' --as bank" in again.output


def test_an_expired_offer_still_open_is_named_too(world, monkeypatch):
    # the contract refuses a second offer while the first is OPEN, whether or not it has expired
    start = date.fromisoformat(world.today)
    terms = FinancingTerms(advance_rate="0.9", discount_rate="0.04", fees=0, recourse=False,
                           day_count="ACT/360", expires_on=start + timedelta(days=1))
    made = world.client("bank").make_offer(world.financing, terms).id
    world.net.advance(3)
    forbid_sending(monkeypatch)
    again = quote(world, "--yes")
    assert again.exit_code == 1
    assert f"{world.uscc('bank')}'s offer {made}, made on {start}, is still open on it" in again.output


def test_only_quoting_offers_nothing_and_its_priced_says_why_the_offer_could_not_be_made(world, monkeypatch):
    made = first_offer(world)
    forbid_sending(monkeypatch)
    only = quote(world, "--json")   # without --yes: no prompt, no offer, nothing on stderr for a script to sort out
    assert only.exit_code == 0, only.output
    data = json.loads(only.stdout)
    assert data["made_offer"] is None and only.stderr == ""
    # what --yes would meet, said in the JSON as a freeze order is: not takeable now, why, and the step that lifts it
    priced, bank = data["priced"], world.uscc("bank")
    assert (priced["takeable_now"], priced["first_step"]) == (False, f"{bank} withdraws its offer {made}")
    assert priced["why"].startswith(f"not takeable now: {bank}'s offer {made}, made on {world.today}, is still open "
                                    f"on {world.financing}, and the contract takes one offer per bank and request "
                                    f"(rule offer-already-made)")
    assert priced["why"].endswith(f"recfin finance withdraw-offer {made} --reason 'terms revised' --as bank")
    assert open_offers_on_the_request(world) == [made]


def test_only_quoting_with_no_offer_of_the_bank_open_prices_an_offer_takeable_now(world, monkeypatch):
    forbid_sending(monkeypatch)
    only = quote(world, "--json")
    assert only.exit_code == 0, only.output
    priced = json.loads(only.stdout)["priced"]
    assert (priced["takeable_now"], priced["first_step"], priced["why"]) == (True, None, "")
