"""`recfin risk train` with a seed writes the same artefact and card, byte for byte, each time it runs (with the same
code and libraries): a model can be re-trained to check it, and its card's sha256 found again. The artefact recorded
the time of the run (``training.trained_at``), so no two runs wrote the same bytes, and neither did their cards,
which record the artefact's sha256."""
from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner

from cli.risk_commands import risk


def trained(out) -> tuple[bytes, bytes]:
    result = CliRunner().invoke(risk, ["train", "--seed", "5", "--debtors", "20", "--out", str(out), "--replace"])
    assert result.exit_code == 0, result.output
    return tuple(path.read_bytes() for path in sorted(out.iterdir()))


def test_training_twice_with_a_seed_writes_the_same_bytes(tmp_path, monkeypatch):
    from client.risk import training
    first = trained(tmp_path)
    assert len(first) == 2   # the artefact and its card, nothing else
    # a run a minute later: the clock may be read only for the times the command prints, not in what it writes
    class ALaterClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz).replace(year=2031)
    monkeypatch.setattr(training, "datetime", ALaterClock, raising=False)
    assert trained(tmp_path) == first
