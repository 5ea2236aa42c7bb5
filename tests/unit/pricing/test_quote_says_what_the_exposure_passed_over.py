"""`recfin finance quote` says when the bank's exposure it holds against its limit passed over an offer of the bank
the peer cannot read (a newer contract version's record): that offer counts in none of the figures."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner

from chaincode.receivables import keys
from cli.finance_commands import finance

from .test_finance_ledger import CONFIG, quote


@pytest.fixture
def newer_offer(world):
    """An offer of the bank, on another claim, whose record is of a newer contract version: its id and its key."""
    net = world.net
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    other = asyncio.run(net.confirmed(tier1, core, 5_000_000))
    _, offer = asyncio.run(net.offered(tier1, other["id"], bank))
    key = net._key(keys.OFFER, offer["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "field_of_a_newer_version": 1}).encode()
    return offer["id"], key


def test_a_quote_on_an_exposure_that_passed_over_an_offer_warns_on_stderr(world, newer_offer):
    offer_id, _ = newer_offer
    result = quote(world, "--json")
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "1 record passed over" in warning and f"recfin.offer {offer_id}" in warning, warning
    json.loads(result.stdout)   # --json on stdout stays one document


def test_the_quotes_json_names_the_offer_its_figures_passed_over(world, newer_offer):
    """A bank's system reading the --json alone took the limit's figures for whole: the room it was priced on is
    larger by the offer the peer could not read."""
    _, key = newer_offer
    data = json.loads(quote(world, "--json").stdout)
    assert data["passed_over"] == {"unreadable": [], "newer_version": [key]}


def test_a_whole_read_passes_over_nothing_and_a_quote_without_the_ledger_reads_none(world):
    assert json.loads(quote(world, "--json").stdout)["passed_over"] == {"unreadable": [], "newer_version": []}
    offline = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--config", CONFIG, "--face", "100000",
                                           "--due", "2026-03-01", "--on", "2026-01-10", "--grade", "B", "--json"])
    assert json.loads(offline.stdout)["passed_over"] is None
