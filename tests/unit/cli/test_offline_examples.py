"""Every `Example:` of the offline commands runs exactly as written, from the repository root, without a network.

Examples that need the network (--ledger, --as an org, a ledger receivable id) are left to the integration suite;
`risk train` and `risk evaluate` write files (and take seconds), so their examples are run in a temporary folder.
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main

ROOT = Path(__file__).parents[3]
OFFLINE = [("invoice", "verify"), ("invoice", "match"), ("invoice", "read"), ("risk", "score"),
           ("finance", "quote"), ("finance", "compare")]
NEEDS_NETWORK = ("--ledger", "--as regulator", "--as bank/", "--as supplier/", "R-7f3a")
WRITES = ("--invoice-out",)   # options naming a file the command writes


def examples(path: tuple[str, ...]) -> list[list[str]]:
    text = CliRunner().invoke(main, [*path, "--help"], terminal_width=400).output
    block = text.split("Example:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in block.splitlines() if line.strip().startswith("recfin ")]


CASES = [(path, args) for path in OFFLINE for args in examples(path)
         if not any(marker in " ".join(args) for marker in NEEDS_NETWORK)]


def test_each_offline_command_has_an_offline_example():
    assert {tuple(args[:2]) for _, args in CASES} == set(OFFLINE)


@pytest.mark.parametrize("path, args", CASES, ids=[" ".join(a) for _, a in CASES])
def test_the_example_runs_as_written(path, args, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    # a file an example writes goes to a temporary folder, not into the checkout
    args = [str(tmp_path / arg) if previous in WRITES else arg for previous, arg in zip(["", *args], args)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    if "--json" in args:
        json.loads(result.stdout)


def test_the_train_and_evaluate_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [evaluate] = examples(("risk", "evaluate"))
    result = CliRunner().invoke(main, evaluate)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "calibration.png").stat().st_size > 0
    # the second example re-trains the shipped model (--replace): not run here, where it would write over it
    train, retrain_shipped = examples(("risk", "train"))
    assert "--replace" in retrain_shipped and "--out" not in retrain_shipped
    train = [str(tmp_path / "model") if a == "/tmp/model" else a for a in train]
    result = CliRunner().invoke(main, train)
    assert result.exit_code == 0, result.output
    assert Path(json.loads(result.stdout)["artefact"]).is_file()
