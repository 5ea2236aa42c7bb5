"""`recfin risk score --history FILE --currency X` read and validated the whole file twice: once to learn the
currency it names, once more to score it, so a large saved history took twice as long as one without
--currency. The file is read once, and that history is the one scored."""
from __future__ import annotations

import json

from click.testing import CliRunner

import cli.risk_commands as risk_commands
from cli.risk_commands import risk
from client.risk.simulator import SimulationConfig, simulate


def _saved_in_cny(tmp_path):
    history = simulate(SimulationConfig(debtors=1, seed=2))[0].model_copy(update={"currency": "CNY"})
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    return history.debtor, path


def test_a_history_file_given_with_its_currency_is_read_once(tmp_path, monkeypatch):
    debtor, path = _saved_in_cny(tmp_path)
    reads = []
    read_json_file = risk_commands.read_json_file

    def counted(file, *args, **kwargs):
        reads.append(file)
        return read_json_file(file, *args, **kwargs)

    monkeypatch.setattr(risk_commands, "read_json_file", counted)
    scored = CliRunner().invoke(risk, ["score", debtor, "--history", str(path), "--currency", "CNY", "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["currency"] == "CNY"
    assert [file for file in reads if file == path] == [path]
