"""`finance quote`'s "make this offer?" left without an answer (its input ended, as when stdin is not a terminal, or
Ctrl-C there) ends as Ctrl-C does anywhere in recfin: one line, exit 130, and no offer made."""
from __future__ import annotations

from click.testing import CliRunner

from cli.main import main
from client.pricing import bank_config_path


def test_a_quote_whose_prompt_gets_no_answer_exits_130_saying_so_and_offers_nothing(world):
    result = CliRunner().invoke(main, ["finance", "quote", world.receivable, "--as", "bank", "--grade", "B",
                                       "--config", str(bank_config_path("bank")), "--on", world.today], input="")
    assert result.exit_code == 130, result.output
    assert "make this offer" in result.stdout
    assert result.stderr == "Error: aborted: the prompt got no answer (its input ended)\n"
    assert "Aborted!" not in result.output
    assert world.client("tier1").get_financing(world.financing).offers == []
