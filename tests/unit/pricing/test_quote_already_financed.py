"""A quote on a claim already financed (its financing accepted, or disbursed) is refused before the debtor is scored:
the contract takes offers only on an open financing request, so an offer priced on it could never be made, and a
priced table that exits 0 would read, to an officer or a script, as terms the bank can offer on the claim."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance


def quote(world, *args: str):
    return CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--grade", "B", *args])


@pytest.fixture
def accepted(world):
    made = json.loads(quote(world, "--yes", "--json").stdout)["made_offer"]
    world.client("tier1").accept_offer(made["id"])
    return world


@pytest.mark.parametrize("options", [(), ("--json",), ("--yes",), ("--yes", "--json")])
def test_a_claim_whose_financing_was_accepted_is_refused_naming_the_way_to_end_it(accepted, options):
    world = accepted
    bank = world.uscc("bank")
    result = quote(world, *options)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {world.receivable} is already financed: financing {world.financing} was accepted from {bank}, not "
        f"yet disbursed, and the contract takes offers only on an open financing request (rule invalid-state), so "
        f"no offer can be made on it while that financing lasts: the holder or {bank} may cancel it before it is "
        f"disbursed (recfin finance cancel {world.financing} --reason TEXT), after which the holder may request "
        f"financing again\n")


def test_a_claim_whose_financing_was_disbursed_is_refused_saying_it_ends_with_the_claim_settled(accepted):
    world = accepted
    bank = world.uscc("bank")
    world.client("bank").record_disbursement(world.financing)
    result = quote(world, "--json")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {world.receivable} is already financed: financing {world.financing} was disbursed by {bank}, and "
        f"the contract takes offers only on an open financing request (rule invalid-state), so no offer can be made "
        f"on it: that financing ends with the claim settled, the debtor paying {bank}\n")
    assert world.opened.count("bank") >= 1   # read from the ledger: refused there, not before connecting
