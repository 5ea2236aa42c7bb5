"""Only a core enterprise owes receivables on the ledger (the contract refuses any other debtor, rule
debtor-not-core-enterprise). `risk score` of a supplier's credit code (most often given for its buyer's), a bank's or
the regulator's found no claim, and graded it C "as a debtor whose payments are not yet known", payments that can
never come. It is refused, naming the party's role and what to give instead; a core enterprise with no claim yet is
still scored, as one with no record."""
import asyncio
import json

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.receivables import ReceivablesClient

from ..pricing.ledger_world import World


@pytest.fixture
def world(monkeypatch):
    w = World()
    w.serve(monkeypatch)
    return w


@pytest.mark.parametrize("actor, role", [("tier1", "supplier"), ("bank", "financier"), ("regulator", "regulator")])
def test_a_party_no_claim_can_be_owed_by_is_refused_naming_its_role(world, actor, role):
    party = world.uscc(actor)
    result = CliRunner().invoke(risk, ["score", party, "--json"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert (f"Error: {party} is a {role}, not a core enterprise: only a core enterprise owes receivables on the "
            "ledger (rule debtor-not-core-enterprise), so it has no payment record to score; give the credit code "
            "of the core enterprise that owes the claims") in said
    assert result.stdout == ""


def test_a_core_enterprise_with_no_claim_yet_is_scored_as_one_with_no_record(world):
    debtor = world.uscc("core")
    result = CliRunner().invoke(risk, ["score", debtor, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["thin_record"].startswith(f"{debtor} has no confirmed receivable on record")


def test_a_debtor_with_claims_is_scored_without_looking_its_party_up(world, monkeypatch):
    net = world.net
    asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1000_00, due_in=30))

    def looked_up(*_args, **_kwargs):
        raise AssertionError("the party was looked up though its claims are on record")
    monkeypatch.setattr(ReceivablesClient, "get_party", looked_up)
    result = CliRunner().invoke(risk, ["score", world.uscc("core"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["features"]["confirmed_count"] == 1
