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
