"""`recfin finance compare R` on the ledger, where the peer cannot read one of the request's bank offers (a newer
contract version wrote it, or none did): the offer is in no row, and a warning line names it, so that a holder
choosing among the offers knows one is missing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chaincode.receivables import keys
from cli.finance_commands import finance
from client.pricing.ledger import proposal_inputs_from_ledger
from client.receivables import PassedOver

from ..receivables.test_queries_name_what_they_pass_over import as_newer_version_wrote
from .ledger_world import a_claim_with_two_offers

OFFERS = str(Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json")


def _two_offers_one_a_newer_versions(world) -> tuple[str, str, str]:
    """A claim of tier1's with a request and two banks' offers on it, the first rewritten as a newer contract
    version writes it: the claim, the offer still read and the ledger key of the other."""
    net = world.net
    claim, newer, kept = a_claim_with_two_offers(net)
    key = net._key(keys.OFFER, newer["id"])
    as_newer_version_wrote(net, key)
    return claim, kept["id"], key


def test_compare_names_the_offer_the_peer_could_not_read(world):
    claim, kept, key = _two_offers_one_a_newer_versions(world)
    shown = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.net.today])
    assert shown.exit_code == 0, shown.output
    assert kept in shown.stdout
    [warning] = [line for line in shown.stdout.splitlines() if line.startswith("warning:")]
    assert "1 record passed over, in no offer compared" in warning and "newer contract version" in warning, warning
    as_json = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.net.today, "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert [p["offer_id"] for p in json.loads(as_json.stdout)["proposals"] if p["offer_id"].startswith("O-")] == [kept]
    assert "1 record passed over, in no offer compared" in as_json.stderr
    # the SDK's gathering hands the key to a caller that asks
    passed = PassedOver()
    inputs = proposal_inputs_from_ledger(world.client("tier1"), claim, passed_over=passed)
    assert ([o.offer_id for o in inputs.bank_offers], passed.newer_version, passed.unreadable) == ([kept], [key], [])


def test_compares_json_names_the_offer_the_peer_could_not_read(world):
    """A holder's system reading the --json alone took the ranking for one of every offer on the request."""
    claim, kept, key = _two_offers_one_a_newer_versions(world)
    as_json = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.net.today, "--json"])
    assert json.loads(as_json.stdout)["passed_over"] == {"unreadable": [], "newer_version": [key]}


def test_compare_of_an_offers_file_reads_nothing_passed_over():
    data = json.loads(CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", OFFERS, "--on", "2026-12-01",
                                                   "--json"]).stdout)
    assert data["passed_over"] is None
