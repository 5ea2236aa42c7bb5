"""`risk score --synthetic-seed` simulates only the debtor asked; `train` and `evaluate --plot` refuse an output
path they cannot write before any work."""
import os
from pathlib import Path

import pytest

from cli.risk_commands import risk
from client.risk import simulator, training
from client.risk.model import VERSION
from client.risk.simulator import SimulationConfig, simulate, simulate_debtor

from ..cli_errors import error_line, invoke


@pytest.mark.parametrize("seed", [1, 20261128])
def test_simulating_one_debtor_gives_the_history_simulating_all_gives_it(seed):
    cfg = SimulationConfig(debtors=12, seed=seed)
    everyone = simulate(cfg)
    assert [simulate_debtor(cfg, h.debtor) for h in everyone] == everyone
    assert simulate_debtor(cfg, "SYN-DEBTOR-0012") is None


def test_scoring_a_synthetic_debtor_simulates_no_other(monkeypatch):
    monkeypatch.setattr(simulator, "simulate", lambda *a, **k: pytest.fail("simulated every debtor to score one"))
    r = invoke(risk, "score", "SYN-DEBTOR-0003", "--synthetic-seed", "7", "--synthetic-debtors", "5", "--json")
    assert r.exit_code == 0 and '"debtor": "SYN-DEBTOR-0003"' in r.output
    r = invoke(risk, "score", "SYN-DEBTOR-0005", "--synthetic-seed", "7", "--synthetic-debtors", "5")
    assert r.exit_code == 2 and "no synthetic debtor SYN-DEBTOR-0005" in error_line(r)


def _no_work(monkeypatch):
    monkeypatch.setattr(training, "run", lambda *a, **k: pytest.fail("ran before checking where it writes"))


def _fifo(path):
    os.mkfifo(path)
    return path


def _link_to_a_device(path):
    os.symlink(os.devnull, path)
    return path


@pytest.mark.parametrize("make,expected", [(_fifo, "it is a FIFO, not a file"),
                                           (_link_to_a_device, "it is a device, not a file")])
def test_a_plot_path_at_a_fifo_or_a_device_is_refused_before_evaluating(tmp_path, monkeypatch, make, expected):
    _no_work(monkeypatch)
    plot = tmp_path / "plot.png"
    make(plot)
    r = invoke(risk, "evaluate", "--plot", plot)
    assert r.exit_code == 2 and expected in r.output
    assert error_line(r).startswith("Error: Invalid value for '--plot': ")


@pytest.mark.parametrize("name", [f"late_payment-{VERSION}.card.md", f"late_payment-{VERSION}.json"])
def test_a_folder_or_fifo_where_train_writes_is_refused_before_training(tmp_path, monkeypatch, name):
    _no_work(monkeypatch)
    (tmp_path / name).mkdir()
    r = invoke(risk, "train", "--out", tmp_path, "--replace")
    assert r.exit_code == 2 and f"cannot write the model to {tmp_path / name}: it is a folder" in error_line(r)
    other = tmp_path / "other"
    other.mkdir()
    _fifo(other / name)
    r = invoke(risk, "train", "--out", other, "--replace")
    assert r.exit_code == 2 and "it is a FIFO, not a file" in error_line(r)


def test_a_folder_train_or_evaluate_may_not_write_is_refused_before_the_work(tmp_path, monkeypatch):
    """Bug: `risk train --out <read-only folder> --compare` trained for 16 s, and `risk evaluate --plot` evaluated,
    before the first write failed. The folder's permission is refused as os.access refuses it to a user but root."""
    _no_work(monkeypatch)
    read_only = tmp_path / "ro"
    read_only.mkdir()
    asked = os.access

    def access(path, mode, **kw):
        return False if Path(path) == read_only and mode & os.W_OK else asked(path, mode, **kw)

    monkeypatch.setattr(os, "access", access)
    r = invoke(risk, "train", "--out", read_only, "--compare")
    assert r.exit_code == 2 and f"its folder {read_only} is not writable by this user" in error_line(r)
    assert "'--out'" in error_line(r)
    r = invoke(risk, "evaluate", "--plot", read_only / "p.png")
    assert r.exit_code == 2 and f"its folder {read_only} is not writable by this user" in error_line(r)
    assert "'--plot'" in error_line(r)
    assert list(read_only.iterdir()) == []
