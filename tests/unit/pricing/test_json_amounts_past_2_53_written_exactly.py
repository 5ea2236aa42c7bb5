"""``--json`` writes amounts as JSON integers of fen, exact past 2^53 - 1, as the docs say ("Amounts in
``--json``"): a claim recorded under the contract's earlier cap owes up to 10^17 fen, and a float or a string in
their place would round the figure or change the format scripts read."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from cli.finance_commands import finance
from client.money import LEDGER_MAX_FEN, MAX_FEN

from ..cli_errors import invoke as run_command

OFFERS = json.loads((Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json").read_text())
ODD_FACE = LEDGER_MAX_FEN - 1   # odd, so that a double (which holds no odd integer past 2^53) cannot hold it


def test_a_comparison_writes_a_face_past_2_53_as_the_exact_integer(tmp_path):
    data = copy.deepcopy(OFFERS)
    data["receivable"]["face_amount"] = ODD_FACE
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    result = run_command(finance, "compare", "RCV-1", "--offers", path, "--on", "2026-12-01", "--json")
    assert result.exit_code == 0, result.output
    assert re.search(rf'"face_amount": {ODD_FACE}\b', result.stdout)
    proposals = json.loads(result.stdout)["proposals"]
    assert proposals and all(type(p["net_cash"]) is int and type(p["interest"]) is int for p in proposals)
    assert any(p["net_cash"] > MAX_FEN for p in proposals)
