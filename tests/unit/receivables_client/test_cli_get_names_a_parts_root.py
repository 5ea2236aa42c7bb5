"""`recfin receivable get` of a part split off names its root (``root_id``), as --json does: the part lists no
invoices (the root holds them) and ``parent_id`` names only the claim it was split from, which for a part of a
part is not the root. Before, a bank looking at part ``R.2.2`` before financing it saw no invoice and no way to the
claim that lists them but walking up parent by parent. A claim that is its own root shows no such line.

Over the recording Contract double, as test_cli.py's other `receivable get` tests."""

from __future__ import annotations

from . import fakes, test_cli
from .test_cli import invoke

ledger = test_cli.ledger  # the recording double behind the CLI's sessions, a fixture


def _fields(*args: str) -> dict[str, str]:
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    return dict(line.split(": ", 1) for line in res.output.splitlines() if ": " in line)


def test_a_part_of_a_part_names_its_root(ledger):
    ledger.responses["GetReceivable"] = fakes.receivable(id="R-00000000000000a1.2.2", parent_id="R-00000000000000a1.2",
                                                         root_id="R-00000000000000a1", invoices=[])
    shown = _fields("receivable", "get", "R-00000000000000a1.2.2", "--as", "bank")
    assert (shown["parent_id"], shown["root_id"]) == ("R-00000000000000a1.2", "R-00000000000000a1")


def test_a_claim_that_is_its_own_root_shows_no_root_line(ledger):
    ledger.responses["GetReceivable"] = fakes.receivable()
    assert "root_id" not in _fields("receivable", "get", "R-00000000000000a1", "--as", "bank")
