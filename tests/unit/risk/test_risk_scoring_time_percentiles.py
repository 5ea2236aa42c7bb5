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


@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_the_commands_print_the_mean_median_and_95th_percentile(runs, tmp_path, command):
    def invoke(*json_option: str):
        # train writes the model: into a folder of its own each time, as it keeps one already written
        out = ["--out", str(tmp_path / f"model{len(json_option)}")] if command == "train" else []
        result = CliRunner().invoke(risk, [command, *out, "--seed", "3", "--debtors", "40", *json_option])
        assert result.exit_code == 0, result.output
        return result.stdout

    [said] = SCORING.findall(invoke())
    assert float(said[1]) <= float(said[2])
    assert said == tuple(f"{getattr(runs, field):.2f}" for field in FIELDS)
    data = json.loads(invoke("--json"))
    assert [field for field in data if field in FIELDS] == list(FIELDS)
    assert data["score_ms_per_debtor_median"] <= data["score_ms_per_debtor_p95"]
