import json
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from cli.output import emit, one_line, reports_errors, table
from network.errors import TopologyError


@dataclass
class Row:
    name: str
    pid: int | None
    healthy: bool
    log: Path


def test_table_aligns_and_shows_none_and_booleans():
    out = table([{"name": "peer0.bank", "pid": None, "healthy": True}, {"name": "o", "pid": 12, "healthy": False}],
                ["name", "pid", "healthy"])
    assert out.splitlines() == ["NAME        PID  HEALTHY", "peer0.bank  -    yes", "o           12   no"]


def test_lists_and_records_show_as_key_values_in_tables_and_record_lines_and_unchanged_in_json(capsys):
    record = {"scale": [{"min_days_early": 30, "apr": "0.04"}, {"min_days_early": 60, "apr": "0.05"}],
              "children": ["R-1.1", "R-1.2"], "terms": {"fees": 100, "days": [30]}}
    emit(record, as_json=False)
    assert capsys.readouterr().out.splitlines() == [
        "scale: [{min_days_early=30, apr=0.04}, {min_days_early=60, apr=0.05}]",
        "children: [R-1.1, R-1.2]",
        "terms: {fees=100, days=[30]}"]
    assert table([record], ["children"]).splitlines() == ["CHILDREN", "[R-1.1, R-1.2]"]
    emit(record, as_json=True)
    assert json.loads(capsys.readouterr().out) == record


def test_emit_json_of_dataclasses(capsys):
    emit([Row("a", None, False, Path("/x/a.log"))], as_json=True)
    assert json.loads(capsys.readouterr().out) == [{"name": "a", "pid": None, "healthy": False, "log": "/x/a.log"}]


def test_emit_one_record_as_lines(capsys):
    emit({"name": "receivables", "sequence": 2}, as_json=False, columns=["name", "sequence"])
    assert capsys.readouterr().out == "name: receivables\nsequence: 2\n"


def test_errors_become_one_line_click_exceptions():
    @reports_errors
    def fails():
        raise TopologyError("topology.yaml: a: bad\ntopology.yaml: b: worse")

    with pytest.raises(click.ClickException) as err:
        fails()
    assert err.value.message == "topology.yaml: a: bad; topology.yaml: b: worse"
    assert one_line(ValueError()) == "ValueError"
