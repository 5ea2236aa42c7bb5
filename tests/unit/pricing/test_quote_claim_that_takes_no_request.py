"""A quote on a claim no financing request can be made on says why, not that its holder should ask for one: the
contract takes a request only on a CONFIRMED claim. (A bank reads a claim without a request only where it is a party
to it: a bank of the holder's own org, quoting here as the holder.)"""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import bank_config_path

CONFIG = str(bank_config_path("bank"))


@pytest.fixture(autouse=True)
def host_clock_at_the_ledgers_today(world, monkeypatch):
    """The host's business date is the ledger's (its clock dates the queries): what a caller that cannot read the
    ledger's today (the holder) judges a due date by."""
    import cli.finance_commands as commands
    monkeypatch.setattr(commands, "business_today", lambda: date.fromisoformat(world.today))


def quote(world, receivable: str, as_: str = "bank"):
    return CliRunner().invoke(finance, ["quote", receivable, "--as", as_, "--config", CONFIG, "--grade", "A",
                                        "--on", world.today, "--json", "--yes"])


def test_a_settled_claim_has_nothing_outstanding_to_finance(world):
    made = json.loads(quote(world, world.receivable).stdout)["made_offer"]
    world.client("tier1").accept_offer(made["id"])
    world.client("bank").record_disbursement(world.financing)
    world.client("bank").record_repayment(world.financing)
    result = quote(world, world.receivable)
    assert result.exit_code == 1
    assert result.output == (f"Error: {world.receivable} is settled: nothing is outstanding on it, so nothing is left "
                             f"to finance or pay early\n")


def test_a_rejected_claim_takes_no_request(world):
    net = world.net
    rejected = asyncio.run(net.registered(net.actors["tier1"], net.actors["core"], 100_000_000))["id"]
    world.client("core").reject(rejected, "not delivered")
    result = quote(world, rejected, as_="tier1")
    assert result.exit_code == 1
    assert result.output == (f"Error: {rejected} is REJECTED and has no financing request, and the contract takes one "
                             f"only on a CONFIRMED claim (rule invalid-state): no offer can be made on it\n")
    assert "recfin finance request" not in result.output


@pytest.mark.parametrize(("made", "told"), [
    ("registered", "{id} is REGISTERED, not yet confirmed by its debtor, and has no financing request: once the debtor "
                   "confirms it (recfin receivable confirm {id}), its holder asks first (recfin finance request {id}), "
                   "both before its due date {due}"),
    ("confirmed", "{id} has no live financing request: its holder asks first (recfin finance request {id}), before its "
                  "due date {due}"),
])
def test_a_claim_that_can_take_a_request_is_told_the_steps_to_one(world, made, told):
    net = world.net
    claim = asyncio.run(getattr(net, made)(net.actors["tier1"], net.actors["core"], 100_000_000))
    result = quote(world, claim["id"], as_="tier1")
    assert result.exit_code == 1
    assert result.output == f"Error: {told.format(id=claim['id'], due=claim['due_date'])}\n"


def test_a_frozen_claim_is_told_no_request_is_taken_while_the_order_binds_it(world):
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000))["id"]
    world.client("regulator").freeze(claim, "(2026) Hu 0101 Zhi 1")
    result = quote(world, claim, as_="tier1")
    assert result.exit_code == 1
    assert result.output == (f"Error: {claim} is frozen (order (2026) Hu 0101 Zhi 1) and has no financing request: the "
                             f"contract takes none on a frozen claim (rule receivable-frozen), so no offer can be made "
                             f"on it while any order binds it\n")


def test_a_frozen_claim_names_every_order_binding_it(world):
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000))["id"]
    world.client("regulator").freeze(claim, "ORDER-1")
    world.client("regulator").freeze(claim, "ORDER-2")
    result = quote(world, claim, as_="tier1")
    assert result.exit_code == 1 and f"{claim} is frozen (orders ORDER-1, ORDER-2) and has no" in result.output


def test_a_claim_past_its_due_date_is_told_no_request_is_taken_from_then_on(world):
    # read by one that may read the ledger's today (the regulator here): the request it would advise is refused
    # past-maturity
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000, due_in=10))
    net.advance(days=10)
    result = CliRunner().invoke(finance, ["quote", claim["id"], "--as", "regulator", "--config", CONFIG, "--grade",
                                          "A", "--json", "--yes"])
    assert result.exit_code == 1
    assert result.output == (f"Error: {claim['id']} fell due on {claim['due_date']} and has no financing request: the "
                             f"contract takes none from a claim's due date on (rule past-maturity), so no offer can be "
                             f"made on it\n")


def test_the_holder_of_a_claim_past_its_due_date_is_not_told_to_request_financing(world, monkeypatch):
    # the holder cannot read the ledger's today: judged by the host's date, which the ledger's queries carry
    import cli.finance_commands as commands
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000, due_in=10))
    monkeypatch.setattr(commands, "business_today", lambda: date.fromisoformat(claim["due_date"]) + timedelta(days=1))
    result = quote(world, claim["id"], as_="tier1")
    assert result.exit_code == 1
    assert "fell due on" in result.output and "recfin finance request" not in result.output


def test_a_claim_its_debtor_paid_to_the_bank_in_full_has_nothing_outstanding(world):
    # settled before the bank records its repayment: the claim still names its financing
    made = json.loads(quote(world, world.receivable).stdout)["made_offer"]
    world.client("tier1").accept_offer(made["id"])
    world.client("bank").record_disbursement(world.financing)
    world.client("core").record_payment(world.receivable, 100_000_000)
    assert world.client("tier1").get_receivable(world.receivable).financing_id == world.financing
    result = quote(world, world.receivable)
    assert result.exit_code == 1
    assert result.output == (f"Error: {world.receivable} is settled: nothing is outstanding on it, so nothing is left "
                             f"to finance or pay early\n")
