"""`regulator list` shows which claims an order freezes, by the order's reference, over the recording double."""
from __future__ import annotations

import json

import pytest

from . import fakes, test_cli_ledger_commands
from .test_cli_ledger_commands import invoke

ledger = test_cli_ledger_commands.ledger     # the recording double behind the commands, a fixture

ORDER = {"order_reference": "(2026) Hu 0101 Bao 123", "by": "91310000MA1K00009R", "date": "2026-04-01",
         "tx_id": "t-freeze"}
FROZEN, FREE = fakes.receivable(id="R-1", frozen=ORDER), fakes.receivable(id="R-2")


def rows_by_id(output: str) -> tuple[list[str], dict[str, str]]:
    """The table's header cells, and each claim's line by its id."""
    lines = output.splitlines()
    return lines[0].split(), {line.split()[0]: line for line in lines[1:] if line.startswith("R-")}


@pytest.mark.parametrize("pages", [[], ["--all"]], ids=["page", "all"])
def test_the_frozen_column_shows_the_orders_reference_or_a_dash(ledger, pages):
    ledger.responses["ListReceivablesByStatus"] = lambda args: fakes.page([FROZEN, FREE], "")
    res = invoke("regulator", "list", "CONFIRMED", *pages)
    assert res.exit_code == 0, res.output
    header, rows = rows_by_id(res.output)
    assert header[-1] == "FROZEN"
    assert rows["R-1"].rstrip().endswith("(2026) Hu 0101 Bao 123")
    assert rows["R-2"].rstrip().endswith(" -")


def test_the_json_keeps_the_whole_order(ledger):
    ledger.responses["ListReceivablesByStatus"] = lambda args: fakes.page([FROZEN, FREE], "")
    records = json.loads(invoke("regulator", "list", "CONFIRMED", "--all", "--json").output)
    assert [r["frozen"] for r in records] == [ORDER, None]


@pytest.mark.parametrize("by, query", [(["--debtor", fakes.receivable()["debtor"]], "ListReceivablesByDebtor"),
                                       (["--status", "confirmed"], "ListReceivablesByStatus"),
                                       (["--financier", "91110000MA1K00006B"], "ListReceivablesByFinancier")],
                         ids=["debtor", "status", "financier"])
def test_receivable_list_shows_the_frozen_column_too(ledger, by, query):
    ledger.responses[query] = lambda args: fakes.page([FROZEN, FREE], "")
    res = invoke("receivable", "list", *by)
    assert res.exit_code == 0, res.output
    header, rows = rows_by_id(res.output)
    assert header[-1] == "FROZEN"
    assert rows["R-1"].rstrip().endswith("(2026) Hu 0101 Bao 123") and rows["R-2"].rstrip().endswith(" -")
