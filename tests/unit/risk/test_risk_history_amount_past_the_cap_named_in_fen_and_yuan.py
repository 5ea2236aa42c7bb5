"""A --history file whose claim has a face or a payment above what the ledger holds (near 2**63 fen) is refused in
the words of every other amount past a cap (``client.money.above_cap``): the amount in fen, the cap in yuan and in
fen, and what to do. Pydantic's own words said only "Input should be less than or equal to 100000000000000000",
a number of no unit."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.money import LEDGER_MAX_FEN

from ..cli_errors import error_line

HISTORY = json.loads((Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json").read_text())
LEDGER_CAP = "1,000,000,000,000,000.00 yuan (100,000,000,000,000,000 fen)"


def _paid_event_index() -> int:
    return next(i for i, event in enumerate(HISTORY["events"]) if event["kind"] == "paid")


@pytest.mark.parametrize("field", ["face_amount", "amount"])
@pytest.mark.parametrize("amount", [LEDGER_MAX_FEN + 1, 2**63])
def test_a_history_amount_past_the_ledgers_cap_names_it(tmp_path, field, amount):
    history = copy.deepcopy(HISTORY)
    at = _paid_event_index() if field == "amount" else 0
    history["events"][at][field] = amount
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    result = CliRunner().invoke(risk, ["score", HISTORY["debtor"], "--history", str(path)])
    assert result.exit_code == 2
    assert error_line(result).endswith(f"history.json: events.{at}.{field}: amount {amount:,} fen is above the cap "
                                       f"of {LEDGER_CAP} that the ledger accepts: check the amount")
