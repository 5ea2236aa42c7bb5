"""`risk train` and `risk evaluate` name their default population in --help as a literal, since the training module
(scikit-learn behind it) is loaded only when a command runs: the figure must stay the one training uses."""
import pytest
from click.testing import CliRunner

from cli.main import main
from client.risk.training import DEFAULT_DEBTORS


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_the_help_names_the_population_training_uses_by_default(command):
    done = CliRunner().invoke(main, ["risk", command, "--help"], terminal_width=200)
    assert done.exit_code == 0, done.output
    assert f"(default {DEFAULT_DEBTORS})." in " ".join(done.output.split())
