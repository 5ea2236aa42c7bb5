"""late_payment-v16 weighs the recent days late (log_recent_days_late: how late the debtor pays now), and it
takes the model's largest coefficient. The table of `risk score` did not show it: a reader saw it only among the
top factors, as a log-odds share, or in --json. It is a line of its own, in days, as the model's input, beside
the most days late, as docs/risk-and-pricing.md says."""
from pathlib import Path

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import MODEL_FEATURES, ReceivableHistory

from .risk_helpers import DEBTOR
from .test_risk_recent_days_late import AS_OF, claims

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md"


def rows(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)


def score_table(tmp_path, events) -> dict[str, str]:
    path = tmp_path / "history.json"
    # read from the ledger as of that day, as `risk history` saves it: scored as of it, C 15 days past due
    path.write_text(ReceivableHistory(debtor=DEBTOR, read_as_of=AS_OF, events=events).model_dump_json())
    table = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path)])
    assert table.exit_code == 0, table.output
    return rows(table.stdout)


def test_the_table_shows_the_recent_days_late_in_days_as_the_input(tmp_path):
    """The worked example of tests/unit/risk/test_risk_recent_days_late.py: (25 + 375) / (10 + 2) = 33.3 days."""
    assert "log_recent_days_late" in MODEL_FEATURES
    shown = score_table(tmp_path, claims())
    assert shown["recent_days_late"] == (
        "33.3 (days late of the claims that fell due lately, each halved for every 15 days since it fell "
        "due, over those paid on time: the model's input)")
    lines = list(shown)
    assert lines.index("recent_days_late") == lines.index("mean_days_late") + 1


def test_a_clean_record_shows_no_recent_days_late(tmp_path):
    on_time = claims()[:3]   # A alone, paid on its due date
    assert score_table(tmp_path, on_time)["recent_days_late"].startswith("0.0 (")


def test_the_docs_say_the_table_shows_it():
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert "the table of `risk score` shows it, in days, on a line of its own as the model's input" in docs
