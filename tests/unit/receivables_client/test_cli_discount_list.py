"""`recfin discount list`: a debtor's treasurer lists its own early-payment offers (the ones `discount withdraw`
takes back), and a supplier the offers covering its claim, where the CLI had no way to list them at all: an
offer id was learnt only from the publication's output or an event. Over the real contract on MemoryLedger."""

from __future__ import annotations

import json

from click.testing import CliRunner

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from cli.main import main

from . import test_cli_discount_accept_agreed as agreed
from .test_cli_pages_and_currencies import registered
from .test_cli_party_commands import ok, recfin

offered = agreed.offered   # the fixture: a confirmed claim of supplier1's and the core enterprise's 5% offer on it


def test_a_debtor_lists_its_open_offers_and_with_scope_all_the_withdrawn_ones(offered):
    _, offer_id, claim = offered
    second = ok("discount", "publish", "--apr", "0.04", "--expires", "2026-04-01", "--as", "coreenterprise")
    listed = recfin("discount", "list", "--as", "coreenterprise", "--json")
    assert listed.exit_code == 0, listed.output
    # oldest publication first, then by id: the two of one day come in id order
    assert [d["id"] for d in json.loads(listed.stdout)["records"]] == sorted([offer_id, second["id"]])
    ok("discount", "withdraw", second["id"], "--as", "coreenterprise")
    table = recfin("discount", "list", "--as", "coreenterprise", "--all")
    assert table.exit_code == 0 and offer_id in table.output and second["id"] not in table.output, table.output
    every = recfin("discount", "list", "--as", "coreenterprise", "--scope", "all", "--all", "--json")
    assert {d["id"]: d["status"] for d in json.loads(every.stdout)} == {offer_id: "OPEN", second["id"]: "WITHDRAWN"}


def test_a_holder_lists_the_offers_covering_its_claim(offered):
    _, offer_id, claim = offered
    listed = recfin("discount", "list", "--receivable", claim, "--as", "supplier/supplier1", "--json")
    assert listed.exit_code == 0, listed.output
    assert [d["id"] for d in json.loads(listed.stdout)["records"]] == [offer_id]


def test_a_supplier_names_whose_offers_before_anything_is_listed(offered):
    said = recfin("discount", "list", "--as", "supplier/supplier1")
    assert said.exit_code == 2, said.output
    assert "--debtor USCC" in said.output and "--receivable" in said.output
    both = CliRunner().invoke(main, ["discount", "list", "--debtor", "91310000MA1K000019", "--receivable", "R-1",
                                     "--as", "supplier/supplier1"])
    assert both.exit_code == 2 and "not both" in both.output, both.output


def test_a_supplier_lists_the_offers_past_a_claim_the_peer_cannot_read_and_is_told_of_it(offered):
    """An offer listing a claim a newer contract version wrote: the rest of the debtor's offers are listed, and a
    warning line names the claim's key (--json: newer_version), where the contract refused the whole list."""
    channel, offer_id, _ = offered
    other = registered("26312000000012345679")
    ok("receivable", "confirm", other, "--as", "coreenterprise")
    ok("discount", "publish", "--apr", "0.04", "--expires", "2026-04-01", "--receivable", other,
       "--as", "coreenterprise")
    key = create_composite_key(keys.RECEIVABLE, [other])
    channel.ledger.state[key] = json.dumps({**json.loads(channel.ledger.state[key]), "of_a_newer_version": 1}).encode()
    debtor = ("--debtor", json.loads(channel.ledger.state[key])["debtor"], "--as", "supplier/supplier1")
    table = recfin("discount", "list", *debtor)
    assert table.exit_code == 0, table.output
    [warning] = [line for line in table.stdout.splitlines() if line.startswith("warning:")]
    assert "1 record passed over" in warning and f"recfin.receivable {other}" in warning, warning
    assert offer_id in table.stdout
    page = json.loads(recfin("discount", "list", *debtor, "--json").stdout)
    assert ([d["id"] for d in page["records"]], page["newer_version"]) == ([offer_id], [key])
