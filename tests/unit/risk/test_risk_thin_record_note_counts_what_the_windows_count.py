"""The thin-record note of `risk score` ("none yet settled or overdue: ... payments are not yet known") is for a
debtor every late share of which is 0 of 0. A claim whose split part a hand-written history dates after the
claim, one part paid late and the other not yet due, is late and not settled: no part of it is overdue, but the
windows count it late and grade the debtor by it. The note counted only claims settled or overdue, and said its
payments were not yet known beside a grade of D drawn from them."""
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import debtor_features

from .risk_helpers import DEBTOR
from .test_risk_part_due_after_its_claim import AS_OF, SIBLING_PAID_LATE, history


def test_no_thin_record_note_for_a_claim_the_windows_count_late(tmp_path):
    features = debtor_features(history(SIBLING_PAID_LATE), AS_OF)
    # neither settled nor overdue, yet late in every window
    assert (features.settled_on_time_count, features.settled_late_count, features.overdue_count) == (0, 0, 0)
    assert (features.late_30, features.late_365) == (1, 1)
    path = tmp_path / "history.json"
    path.write_text(history(SIBLING_PAID_LATE).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF)])
    assert result.exit_code == 0, result.output
    assert "late_share_90/180/365: 1/1, 1/1, 1/1" in result.stdout
    assert "not yet known" not in result.stderr
    assert "none yet settled or overdue" not in result.stderr
