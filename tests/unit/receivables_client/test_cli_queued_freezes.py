"""Several freeze orders on one claim, from the command line: `regulator unfreeze --lifts` names the order lifted,
`regulator list` shows the order in effect and "+N" queued, and the contract behind the commands keeps the claim
frozen until the last order is lifted."""
from __future__ import annotations

import json

import pytest

from client.receivables import ReceivablesClient

from . import fakes, test_cli_history_orders, test_cli_ledger_commands
from .test_cli_ledger_commands import invoke
from .test_cli_listing_shows_freezes import ORDER, rows_by_id
from .test_cli_party_commands import ok, recfin
from .test_cli_pages_and_currencies import registered

ledger = test_cli_ledger_commands.ledger     # the recording double behind the commands, a fixture
channel = test_cli_history_orders.channel   # the contract behind the commands, a fixture

QUEUED = [{**ORDER, "order_reference": f"(2026) Jing 02 Bao {n}", "tx_id": f"t-{n}"} for n in (7, 8)]


def test_unfreeze_sends_the_order_it_lifts_only_when_given(ledger):
    ledger.responses["UnfreezeReceivable"] = fakes.receivable(frozen=ORDER, queued_freezes=QUEUED[1:])
    res = invoke("regulator", "unfreeze", "R-1", "--order", "ORD-2", "--lifts", "(2026) Jing 02 Bao 7")
    assert res.exit_code == 0, res.output
    assert ledger.only().arguments == ["R-1", "ORD-2", "(2026) Jing 02 Bao 7"]
    # the order in effect in the table, the one still queued under it
    assert "(2026) Hu 0101 Bao 123 (2026-04-01)" in res.output
    assert res.output.rstrip().endswith("queued behind it: (2026) Jing 02 Bao 8")


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_lifts_is_refused_before_anything_is_sent(ledger, blank):
    """A blank --lifts (an empty variable, say) names no order: sent, it would lift the order in effect, the one
    with priority, where the order queued behind it was meant."""
    res = invoke("regulator", "unfreeze", "R-1", "--order", "LIFT-B", "--lifts", blank)
    assert res.exit_code == 2 and "--lifts is blank: name the freeze order lifted" in res.output, res.output
    assert ledger.calls == []
    contract = fakes.FakeContract()
    with pytest.raises(ValueError, match="lifts is blank"):
        ReceivablesClient(contract).unfreeze("R-1", "LIFT-B", lifts=blank)
    assert contract.calls == []


@pytest.mark.parametrize("pages", [[], ["--all"]], ids=["page", "all"])
def test_the_frozen_column_counts_the_queued_orders(ledger, pages):
    queued = fakes.receivable(id="R-3", frozen=ORDER, queued_freezes=QUEUED)
    ledger.responses["ListReceivablesByStatus"] = lambda args: fakes.page([queued, fakes.receivable(id="R-2")], "")
    res = invoke("regulator", "list", "CONFIRMED", *pages)
    assert res.exit_code == 0, res.output
    _, rows = rows_by_id(res.output)
    assert rows["R-3"].rstrip().endswith("(2026) Hu 0101 Bao 123 +2") and rows["R-2"].rstrip().endswith(" -")
    records = json.loads(invoke("regulator", "list", "CONFIRMED", *pages, "--json").output)
    records = records if isinstance(records, list) else records["records"]
    assert records[0]["queued_freezes"] == QUEUED


def test_two_orders_through_the_commands_on_the_contract(channel):
    rid = registered("26312000000012348888")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-A", "--as", "regulator/inspector1")
    queued = recfin("regulator", "freeze", rid, "--order", "ORDER-B", "--as", "regulator/inspector1")
    assert queued.exit_code == 0 and queued.output.rstrip().endswith("queued behind it: ORDER-B"), queued.output
    listed = recfin("regulator", "list", "CONFIRMED", "--as", "regulator/inspector1")
    assert "ORDER-A +1" in listed.output, listed.output

    refused = recfin("regulator", "unfreeze", rid, "--order", "LIFT-X", "--lifts", "ORDER-X", "--as", "regulator")
    assert refused.exit_code != 0 and "freeze-order-not-found" in refused.output, refused.output
    assert "'ORDER-A', 'ORDER-B'" in refused.output
    lifted = ok("regulator", "unfreeze", rid, "--order", "LIFT-B", "--lifts", "ORDER-B", "--as", "regulator")
    assert (lifted["frozen"]["order_reference"], lifted["queued_freezes"]) == ("ORDER-A", [])
    freed = ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    assert (freed["frozen"], freed["last_unfreeze"]["lifted"]) == (None, "ORDER-A")
