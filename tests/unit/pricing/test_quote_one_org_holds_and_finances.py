"""`recfin finance quote --yes` by a bank of the claim holder's own org: its offer needs that org and a regulator org
to endorse (the terms' collection), which the SDK reads from the chaincode's committed definition; orgs the operator
names (``--endorsing-org``) are sent as given.

On the real contract in-process (``ledger_world``), configured so that the supplier org's parties may finance too, as
a group's finance arm would; the contract's submit is watched only to see which orgs the quote names.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner

from chaincode.receivables.config import NetworkConfig
from cli.finance_commands import finance

from ..ledger_contract import ScriptedLifecycle, committed_definition
from ..receivables.support import BANK, CORE, REGULATOR, SUPPLIER, standard_net
from .ledger_world import CONFIG, StepwiseContract, World

HOLDS_AND_FINANCES = NetworkConfig(org_roles={CORE: ("core_enterprise",), SUPPLIER: ("supplier", "financier"),
                                              BANK: ("financier",), REGULATOR: ("regulator",)})


@pytest.fixture
def group_world(monkeypatch, tmp_path) -> World:
    """A confirmed claim of tier1 on core with a live financing request, and ``groupbank``, a financier of tier1's
    own org; every submit's orgs are kept in ``world.sent`` as (transaction, orgs named), and the Network answers
    ``_lifecycle`` with the chaincode's definition (``world.lifecycle``)."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    world = World()
    world.lifecycle = ScriptedLifecycle(committed_definition(HOLDS_AND_FINANCES))

    def get_contract(chaincode, contract_name=None):
        assert chaincode == "_lifecycle", chaincode
        return world.lifecycle

    monkeypatch.setattr(world.commits, "get_contract", get_contract, raising=False)   # the clients' Network
    world.net = net = asyncio.run(standard_net(HOLDS_AND_FINANCES))
    asyncio.run(net.party("groupbank", SUPPLIER, "financier", "Group Finance"))
    world.serve(monkeypatch)
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000, due_in=90))
    world.receivable = claim["id"]
    world.financing = world.client("tier1").request_financing(claim["id"]).id
    world.sent = []
    submit = StepwiseContract.submit

    def watched(contract, name, *, endorsing_organizations=None, **options):
        world.sent.append((name, endorsing_organizations))
        return submit(contract, name, endorsing_organizations=endorsing_organizations, **options)

    monkeypatch.setattr(StepwiseContract, "submit", watched)
    return world


def quote(world: World, *extra: str):
    return CliRunner().invoke(finance, ["quote", world.receivable, "--as", "groupbank", "--config", CONFIG,
                                        "--grade", "A", "--on", world.net.today, "--yes", "--json", *extra])


def test_the_quotes_offer_goes_to_the_holders_org_and_the_regulator_org_the_sdk_reads(group_world):
    made = quote(group_world)
    assert made.exit_code == 0, made.output
    offer = json.loads(made.stdout)["made_offer"]
    assert (offer["financing_id"], offer["status"]) == (group_world.financing, "OPEN")
    assert group_world.sent == [("MakeFinancingOffer", [SUPPLIER, REGULATOR])]
    assert [named for _, _, named in group_world.lifecycle.asked] == [[SUPPLIER]]
    assert [o.id for o in group_world.client("tier1").get_financing(group_world.financing).offers] == [offer["id"]]


def test_the_orgs_the_operator_names_are_sent_as_given(group_world):
    made = quote(group_world, "--endorsing-org", SUPPLIER, "--endorsing-org", REGULATOR)
    assert made.exit_code == 0, made.output
    assert group_world.sent == [("MakeFinancingOffer", [SUPPLIER, REGULATOR])]
    assert group_world.lifecycle.asked == []


@pytest.mark.parametrize("args, said", [
    (["--face", "1,000,000", "--due", "2027-03-01"], "with --face and --due nothing is offered"),
    (["--json"], "with --json and without --yes nothing is offered"),
])
def test_endorsing_orgs_where_nothing_is_offered_are_a_usage_error(args, said):
    res = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--grade", "B", *args,
                                       "--endorsing-org", SUPPLIER])
    assert res.exit_code == 2, res.output
    assert said in res.output
