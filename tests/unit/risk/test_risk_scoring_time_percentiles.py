"""`recfin risk train` and `recfin risk evaluate` give the scorer's time per held-out debtor as its mean, median and
95th percentile, in the text and in --json: on a machine busy with other work one slow debtor moves the mean, where
the median and the 95th percentile say how the time is spread (docs/risk-and-pricing.md, the measurements).

No timing value is asserted: only that the figures are there, in their order, and that the median is no more than
the 95th percentile."""
import json
import re

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import training

SCORING = re.compile(r"scoring (\d+\.\d\d) ms per debtor on average, (\d+\.\d\d) at the median, "
                     r"(\d+\.\d\d) at the 95th percentile")
FIELDS = ("score_ms_per_debtor", "score_ms_per_debtor_median", "score_ms_per_debtor_p95")


def test_the_report_times_each_held_out_debtor(evaluated_3_40):
    _, report = evaluated_3_40
    mean, median, p95 = (getattr(report, field) for field in FIELDS)
    assert 0 < median <= p95 and mean > 0


@pytest.fixture
def runs(evaluated_3_40, monkeypatch):
    """The commands given evaluated_3_40's run, fitted once: how they render its times is what is checked here."""
    monkeypatch.setattr(training, "run", lambda seed, debtors, **_: evaluated_3_40)
    return evaluated_3_40[1]


@pytest.mark.parametrize("command", [["evaluate"], ["train", "--out"]])
def test_the_commands_print_the_mean_median_and_95th_percentile(runs, tmp_path, command):
    out = [str(tmp_path)] if command[-1] == "--out" else []
    runner = CliRunner()
    text = runner.invoke(risk, [*command, *out, "--seed", "3", "--debtors", "40"])
    assert text.exit_code == 0, text.output
    [said] = SCORING.findall(text.stdout)
    assert float(said[1]) <= float(said[2])
    assert said == tuple(f"{getattr(runs, field):.2f}" for field in FIELDS)
    if command[0] == "train":
        out = [str(tmp_path / "again")]
    as_json = runner.invoke(risk, [*command, *out, "--seed", "3", "--debtors", "40", "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert [field for field in data if field in FIELDS] == list(FIELDS)
    assert data["score_ms_per_debtor_median"] <= data["score_ms_per_debtor_p95"]
