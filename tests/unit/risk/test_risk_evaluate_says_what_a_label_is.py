"""`risk evaluate` says what a label of its examples is in a sentence: which receivable, and when it is late. It
read "falling due in the 90 days after it not paid by its due date", the verb missing, so the label could be read as
the receivables not paid, not as whether each was."""
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import training


def test_evaluate_says_when_a_receivable_is_labelled_late(evaluated_3_40, monkeypatch):
    monkeypatch.setattr(training, "run", lambda seed, debtors, **_: evaluated_3_40)
    result = CliRunner().invoke(risk, ["evaluate", "--seed", "3", "--debtors", "40"])
    assert result.exit_code == 0, result.output
    assert ("label: late when a receivable confirmed and open on the as-of date, and falling due in the 90 days "
            "after it, is not paid by its due date, or by the next working day when that is a day off (a split "
            "claim once)\n") in result.stdout
