"""late_payment-v8 weighs the most days any claim was paid late (max_days_late, as log_max_days_late), not the
mean, which falls when a claim is paid a day late beside others paid later. The table of `risk score` showed
the mean alone, so the figure the model used was only in --json: it shows the most days late as the model's
input, and the mean beside it as no input, as docs/risk-and-pricing.md says."""
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import MODEL_FEATURES, ReceivableHistory

from .risk_helpers import DEBTOR, lifecycle

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md"
AS_OF = date(2026, 6, 30)


def history():
    """A claim of 1,000 yuan paid 30 days late and one of 9,000 yuan paid 10 days late: 30 days at most, 12 by
    amount ((1,000 x 30 + 9,000 x 10) / 10,000)."""
    due = date(2026, 3, 2)   # a working day: late from the day after it
    return ReceivableHistory(debtor=DEBTOR, events=[
        *lifecycle("A", date(2026, 1, 5), due, face=100_000, paid=due + timedelta(days=30)),
        *lifecycle("B", date(2026, 1, 6), due, face=900_000, paid=due + timedelta(days=10))])


def rows(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)


def test_the_table_shows_the_most_days_late_as_the_input_and_the_mean_as_none(tmp_path):
    assert "log_max_days_late" in MODEL_FEATURES
    path = tmp_path / "history.json"
    path.write_text(history().model_dump_json())
    args = ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF)]
    table = CliRunner().invoke(risk, args)
    assert table.exit_code == 0, table.output
    shown = rows(table.stdout)
    # late_payment-v16 weighs it 0 (test_risk_score_table_says_which_inputs_the_model_weighs_0.py)
    assert shown["max_days_late"].startswith("30 (the most days a claim was paid late: ")
    assert shown["mean_days_late"] == "12.0 (each claim weighed by its face: not a model input)"
    assert "days late" not in shown["settled_late"]   # one figure of each, each on its own line


def test_the_docs_say_the_table_shows_both():
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert "the table of `risk score` shows both on lines of their own, `max_days_late` as the model's input" in docs
    assert "and `mean_days_late` as not one" in docs
