"""`recfin risk train` and `risk evaluate` without scikit-learn (the `risk` extra) say so in one line, first.

scikit-learn and matplotlib are not recfin's own dependencies (scoring needs neither): a plain
`pip install recfin` has no scikit-learn, and the commands used to simulate for seconds, then end in a
ModuleNotFoundError traceback.
"""
from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from cli.main import main


@pytest.mark.parametrize("command", [["risk", "train", "--debtors", "20"],
                                     ["risk", "evaluate", "--debtors", "20"]])
def test_without_scikit_learn_the_command_names_the_extra_before_any_work(command, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "sklearn", None)     # import sklearn raises ImportError
    if command[1] == "train":
        command = [*command, "--out", str(tmp_path / "model")]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ImportError)
    assert f"`recfin risk {command[1]}` needs scikit-learn and numpy" in result.output
    assert "pip install 'recfin[risk]'" in result.output
    assert "simulating" not in result.output                 # refused before the minutes of work
    assert not (tmp_path / "model").exists()


def test_without_matplotlib_the_plot_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    plot = str(tmp_path / "c.png")
    result = CliRunner().invoke(main, ["risk", "evaluate", "--debtors", "20", "--plot", plot])
    assert result.exit_code == 1, result.output
    assert "--plot needs matplotlib: pip install 'recfin[risk]'" in result.output
    assert "simulating" not in result.output
