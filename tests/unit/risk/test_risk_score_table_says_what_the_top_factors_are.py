"""The table of `risk score` listed the top factors as bare signed numbers ("log_recent_days_late +0.82"), said
nowhere: a credit officer could read +0.82 as 82 points of probability, or a factor's minus, for a debtor with no
record at all, as something good the debtor did. Each is the input's push on the log-odds of paying late against
the mean of the debtors the model was trained on; the table says so, and docs/risk-and-pricing.md explains it."""
from pathlib import Path

from click.testing import CliRunner

from cli.risk_commands import risk

from .risk_helpers import DEBTOR

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md"
MEANING = ("(each input's push on the log-odds of paying late, against the mean of the debtors the model was "
           "trained on: + raises the probability, - lowers it; the largest three)")


def test_the_table_says_what_the_numbers_of_the_top_factors_are(tmp_path):
    path = tmp_path / "history.json"
    path.write_text('{"debtor": "%s", "events": []}' % DEBTOR)
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith("top_factors: "))
    factors, _, meaning = line.removeprefix("top_factors: ").partition(" (")
    assert len(factors.split(", ")) == 3
    assert f"({meaning}" == MEANING


def test_the_docs_explain_the_top_factors():
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert ("`top_factors` are the three inputs that move the debtor's log-odds the most, each as its "
            "coefficient times its standardised value") in docs
