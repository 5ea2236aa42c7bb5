"""The orders queued behind a freeze, listed under the claim's table, are written as the table writes its cells: a
reference an earlier contract took with a line break in it, or one holding an invisible character, is quoted with
escapes, so it neither starts a line of its own nor reads as another order; one that prints is shown as it is."""
from __future__ import annotations

from tests.unit.receivables_client import fakes, test_cli_ledger_commands
from tests.unit.receivables_client.test_cli_ledger_commands import invoke

ledger = test_cli_ledger_commands.ledger     # the recording double behind the commands, a fixture

ORDER = {"order_reference": "(2026) Hu 0101 Bao 123", "by": "91310000MA1K00009R", "date": "2026-04-01",
         "tx_id": "t-1"}


def test_queued_references_print_escaped(ledger):
    queued = [{**ORDER, "order_reference": reference, "tx_id": f"t-{n}"}
              for n, reference in enumerate(("ORDER-B\nR-2 is not frozen", "ORDER\u200bC", "(2026) Jing 02 Bao 8"))]
    ledger.responses["FreezeReceivable"] = fakes.receivable(frozen=ORDER, queued_freezes=queued)
    res = invoke("regulator", "freeze", "R-1", "--order", "(2026) Jing 02 Bao 8")
    assert res.exit_code == 0, res.output
    last = res.output.rstrip().splitlines()[-1]
    assert last == ("+3 queued behind it: 'ORDER-B\\nR-2 is not frozen', 'ORDER\\u200bC', "
                    "(2026) Jing 02 Bao 8"), res.output
