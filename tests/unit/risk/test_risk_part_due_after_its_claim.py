"""A history whose split part carries a later due date than its claim (a file written by hand: the contract
keeps the claim's due date on its parts), one part paid on time and the other still to pay: the windows count
the claim late, as it fell due and is not paid, and the smoothing of the late shares must count it with the
claims paid late. Left out of them (late_payment-v8 as first shipped) it scaled a window holding it alone by
nothing: the share was 1 and `risk score` failed on a division by zero."""
import math
from datetime import date

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import ReceivableHistory, debtor_features
from client.risk.features import claim_weight

from .risk_helpers import DEBTOR, ev, lifecycle

DUE, PART_DUE, AS_OF = date(2026, 3, 1), date(2026, 5, 1), date(2026, 3, 15)


def history():
    return ReceivableHistory(debtor=DEBTOR, events=[
        ev("R", "registered", date(2026, 1, 4), DUE, face=800_000, holder="S0"),
        ev("R", "confirmed", date(2026, 1, 5), DUE, face=800_000, holder="S0"),
        ev("R", "split", date(2026, 2, 1), DUE, face=800_000, holder="S0"),
        ev("R.1", "registered", date(2026, 2, 1), DUE, face=400_000, holder="S1", parent="R"),
        ev("R.1", "confirmed", date(2026, 2, 1), DUE, face=400_000, holder="S1", parent="R"),
        ev("R.1", "settled", DUE, DUE, face=400_000, holder="S1", parent="R", settled=DUE),
        ev("R.2", "registered", date(2026, 2, 1), PART_DUE, face=400_000, holder="S0", parent="R"),
        ev("R.2", "confirmed", date(2026, 2, 1), PART_DUE, face=400_000, holder="S0", parent="R"),
        # a claim confirmed on the as-of date, so that a file is scored as of it
        *lifecycle("X", AS_OF, date(2026, 6, 1))])


def test_a_window_holding_only_a_claim_whose_part_is_due_later_has_a_finite_smoothed_share():
    features = debtor_features(history(), AS_OF)
    assert (features.fell_due_30, features.late_30) == (1, 1)
    assert features.smoothing_claims.late_record == claim_weight(800_000)   # the claim's, at its face
    inputs = features.model_inputs()
    assert all(math.isfinite(x) for x in inputs)


def test_risk_score_scores_it(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(history().model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert result.exception is None
