"""Every option of a fixed set of values names a long value that is none of them cut short, as every other refusal
names a long value: `finance quote --grade`, `finance compare --by`, `hsm generate --curve`, `bench --workload` and
`--mode` were plain click Choices, which echoed a 10,000-character paste whole into the error line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

LONG = "x" * 10_000


@pytest.mark.parametrize("args", [
    ["finance", "quote", "R-1", "--as", "bank", "--grade", LONG],
    ["finance", "compare", "R-1", "--by", LONG],
    ["hsm", "generate", "--curve", LONG],
    ["bench", "--workload", LONG],
    ["bench", "--mode", LONG],
], ids=["quote --grade", "compare --by", "hsm --curve", "bench --workload", "bench --mode"])
def test_a_long_value_none_of_the_choices_is_named_cut_short(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "is not one of" in result.output and "(10000 characters)" in result.output, result.output
    assert len(result.output) < 1500
