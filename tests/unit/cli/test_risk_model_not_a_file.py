"""`risk score --model` naming a device or a FIFO: said to be one, not a missing model to train "there"."""
import os

import pytest

from cli.risk_commands import risk

from ..cli_errors import error_line, invoke

SCORE = ["score", "SYN-DEBTOR-0001", "--synthetic-seed", "5", "--synthetic-debtors", "3"]


@pytest.mark.parametrize("kind", ["a device", "a FIFO"])
def test_a_model_path_that_is_a_device_or_a_fifo_says_so(tmp_path, kind):
    if kind == "a device":
        path = os.devnull     # only opened to be looked at, never read or written
    else:
        path = tmp_path / "model.json"
        os.mkfifo(path)
    r = invoke(risk, *SCORE, "--model", path)
    assert r.exit_code == 2  # refused as the option's value, before anything looks for a model there
    assert error_line(r) == (f"Error: Invalid value for '--model': {path} is {kind}, not a file: give the path of "
                             "the file itself")
