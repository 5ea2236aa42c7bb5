"""A claim has one face amount and one due date on the ledger. A history file whose events of one claim disagree
on either was scored on its first event's, with nothing said: it is refused, naming the claim, both values and
the events that give them."""
import json
from datetime import date

import pytest
from pydantic import ValidationError

from cli.risk_commands import risk
from client.risk import ReceivableHistory
from client.risk.simulator import SimulationConfig, simulate

from ..cli_errors import error_line, invoke
from .risk_helpers import DEBTOR, ev, lifecycle

DUE = date(2026, 3, 31)


def two_faces():
    """R1 registered and confirmed at 100,000 fen, settled at 90,000: the last event's face differs."""
    events = lifecycle("R1", date(2026, 1, 5), DUE, face=100_000, paid=DUE)
    return events[:-1] + [ev("R1", "settled", DUE, DUE, face=90_000, settled=DUE)]


def test_two_face_amounts_of_one_claim_are_refused_naming_both():
    with pytest.raises(ValidationError) as refused:
        ReceivableHistory(debtor=DEBTOR, events=two_faces())
    assert ("R1 has two face_amounts: 100000 fen on its 'registered' event of 2026-01-04 and 90000 fen on its "
            "'settled' event of 2026-03-31") in str(refused.value)


def test_two_due_dates_of_one_claim_are_refused_naming_both():
    events = lifecycle("R1", date(2026, 1, 5), DUE, paid=DUE)
    events = events[:1] + [ev("R1", "confirmed", date(2026, 1, 5), date(2026, 4, 30))] + events[2:]
    with pytest.raises(ValidationError) as refused:
        ReceivableHistory(debtor=DEBTOR, events=events)
    assert ("R1 has two due_dates: 2026-03-31 on its 'registered' event of 2026-01-04 and 2026-04-30 on its "
            "'confirmed' event of 2026-01-05") in str(refused.value)


def test_risk_score_refuses_such_a_file_in_one_line_naming_the_claim(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps([e.model_dump(mode="json") for e in two_faces()]))
    result = invoke(risk, "score", DEBTOR, "--history", path)
    assert result.exit_code == 2, result.output
    line = error_line(result)
    assert line.startswith(f"Error: Invalid value for '--history': {path}: events: R1 has two face_amounts: "
                           "100000 fen on its 'registered' event"), line


def test_claims_of_their_own_faces_and_the_simulators_histories_are_taken():
    parts = lifecycle("R1", date(2026, 1, 5), DUE, face=100_000) + [
        ev("R1.1", "registered", date(2026, 2, 1), DUE, face=40_000, parent="R1"),
        ev("R1.2", "registered", date(2026, 2, 1), DUE, face=60_000, parent="R1")]
    assert len(ReceivableHistory(debtor=DEBTOR, events=parts).events) == len(parts)
    for history in simulate(SimulationConfig(debtors=20, seed=5)):   # splits and instalments included
        ReceivableHistory.model_validate(history.model_dump())
