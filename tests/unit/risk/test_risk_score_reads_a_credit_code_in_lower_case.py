"""`recfin risk score` on the ledger reads a DEBTOR typed in lower case in capitals, as the `party` commands do:
GB 32100-2015 writes a credit code's letters in capitals and the contract keys parties and claims by no other, so
``9131000000000001xn`` can only mean ``9131000000000001XN``. It was refused, exit 2, as no unified social credit
code. A history file's or the simulator's id is matched as typed. Over the real contract on a ledger
in memory (tests/unit/pricing/ledger_world.py)."""
import asyncio
import json

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk

from ..pricing.ledger_world import World


@pytest.fixture
def world(monkeypatch):
    w = World().serve(monkeypatch)
    net = w.net
    asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1000_00, due_in=30))
    return w


def test_a_debtor_in_lower_case_is_scored_as_the_code_in_capitals(world):
    core = world.uscc("core")
    assert core.lower() != core   # it has letters to read so
    result = CliRunner().invoke(risk, ["score", core.lower(), "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert scored["debtor"] == core and scored["features"]["confirmed_count"] == 1


def test_a_code_wrong_in_capitals_too_is_still_refused_before_connecting(world):
    wrong = world.uscc("core")[:-1] + "0"   # its check character wrong
    result = CliRunner().invoke(risk, ["score", wrong.lower(), "--json"])
    assert result.exit_code == 2, result.output
    assert "is not a unified social credit code" in result.output
    assert world.opened == []


def test_a_history_files_debtor_is_matched_as_typed(tmp_path):
    history = tmp_path / "history.json"
    history.write_text(json.dumps({"debtor": "SYN-DEBTOR-0007", "events": []}))
    result = CliRunner().invoke(risk, ["score", "syn-debtor-0007", "--history", str(history), "--json"])
    assert result.exit_code == 2, result.output
    assert "holds the history of SYN-DEBTOR-0007, not syn-debtor-0007" in " ".join(result.output.split())


def test_help_says_a_code_in_lower_case_is_read_in_capitals():
    shown = " ".join(CliRunner().invoke(risk, ["score", "--help"]).output.split())
    assert "a code in lower case is read in capitals, as the ledger keeps it" in shown
