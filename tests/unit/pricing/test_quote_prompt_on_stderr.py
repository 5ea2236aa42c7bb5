"""`finance quote` asks "make this offer?" on stderr, as every prompt of the CLI: on stdout, sent to a file with the
quote, the question went unseen and the command seemed to hang. The quote itself stays on stdout."""
from __future__ import annotations

from click.testing import CliRunner

from cli.main import main
from client.pricing import bank_config_path


def test_the_question_is_on_stderr_and_the_quote_on_stdout(world):
    result = CliRunner().invoke(main, ["finance", "quote", world.receivable, "--as", "bank", "--grade", "B",
                                       "--config", str(bank_config_path("bank")), "--on", world.today],
                                input="n\n")
    assert result.exit_code == 0, result.output
    assert f"make this offer on {world.financing}? [y/N]" in result.stderr
    assert "make this offer" not in result.stdout
    assert world.receivable in result.stdout   # the quote's table
    assert world.client("tier1").get_financing(world.financing).offers == []
