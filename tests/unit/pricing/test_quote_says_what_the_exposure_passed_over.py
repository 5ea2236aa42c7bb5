"""`recfin finance quote` says when the bank's exposure it holds against its limit passed over an offer of the bank
the peer cannot read (a newer contract version's record): that offer counts in none of the figures."""

from __future__ import annotations

import asyncio
import json

from chaincode.receivables import keys

from .test_finance_ledger import quote


def test_a_quote_on_an_exposure_that_passed_over_an_offer_warns_on_stderr(world):
    net = world.net
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    other = asyncio.run(net.confirmed(tier1, core, 5_000_000))
    _, offer = asyncio.run(net.offered(tier1, other["id"], bank))
    key = net._key(keys.OFFER, offer["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "field_of_a_newer_version": 1}).encode()
    result = quote(world, "--json")
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "1 record passed over" in warning and f"recfin.offer {offer['id']}" in warning, warning
    json.loads(result.stdout)   # --json on stdout stays one document
