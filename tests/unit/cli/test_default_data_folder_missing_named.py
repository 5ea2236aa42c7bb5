"""A ledger command given no --data-root looks for the connection profiles in the topology's data folder, which
RECFIN_HOME places when the topology names none. Where that folder was not there (RECFIN_HOME mistyped, or set in
one shell and not another) the line said only to run `recfin network up` first, which would start a second
network there. It now says which setting chose the folder, and to give a running network's with --data-root."""
from __future__ import annotations

from pathlib import Path

from cli.main import main

COMMAND = ["receivable", "get", "R-0123456789abcdef", "--as", "supplier"]
TOPOLOGY = Path(__file__).resolve().parents[3] / "network" / "topology.yaml"


def _line(result) -> str:
    assert result.exit_code == 1, result.output
    [line] = result.output.strip().splitlines()
    return line


def test_a_missing_folder_of_recfin_home_is_named(runner, tmp_path):
    home = tmp_path / "mistyped"
    line = _line(runner.invoke(main, COMMAND, env={"RECFIN_HOME": str(home)}))
    assert line.startswith("Error: no connection profile for org 'supplier'"), line
    assert (f"(no folder {home / 'network'} is there; it is RECFIN_HOME/network, RECFIN_HOME={home}: for a network "
            "that runs, give its data folder with --data-root DIR)") in line, line


def test_a_missing_data_root_of_the_topology_variable_is_named(runner, tmp_path):
    topology = tmp_path / "topology.yaml"
    data_root = tmp_path / "not-there"
    topology.write_text(TOPOLOGY.read_text() + f"\ndata_root: {data_root}\n")
    line = _line(runner.invoke(main, COMMAND, env={"RECFIN_TOPOLOGY": str(topology)}))
    assert (f"(no folder {data_root} is there; it is the data_root of the topology RECFIN_TOPOLOGY names "
            f"({topology})") in line, line
