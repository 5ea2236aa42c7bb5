"""`finance quote`'s "make this offer?" whose input ended (stdin not a terminal, or Ctrl-D) offers nothing and exits 1
with a line saying how to answer it: not 130, the exit of Ctrl-C and of an offer that may still commit, so that a script
tells "nothing offered" from "may have committed"."""
from __future__ import annotations

from click.testing import CliRunner

from cli.main import main
from client.pricing import bank_config_path
from tests.unit.cli_errors import CtrlCAtThePrompt


def quote_answered_with(world, answer):
    return CliRunner().invoke(main, ["finance", "quote", world.receivable, "--as", "bank", "--grade", "B",
                                     "--config", str(bank_config_path("bank")), "--on", world.today], input=answer)


def test_a_quote_whose_prompt_input_ended_exits_1_saying_how_to_answer_it_and_offers_nothing(world):
    result = quote_answered_with(world, "")
    assert result.exit_code == 1, result.output
    assert "make this offer" not in result.stdout   # asked on stderr, which a file taking stdout leaves seen
    assert result.stderr == (f"make this offer on {world.financing}? [y/N]: \n"
                             "Error: aborted: the prompt got no answer (its input ended): answer it in a terminal, "
                             "or give --yes to make the offer (--json only quotes)\n")
    assert "Aborted!" not in result.output
    assert world.client("tier1").get_financing(world.financing).offers == []


def test_ctrl_c_at_the_quote_prompt_still_exits_130_as_a_stop_and_offers_nothing(world):
    result = quote_answered_with(world, CtrlCAtThePrompt())
    assert (result.exit_code, result.stderr) == (
        130, f"make this offer on {world.financing}? [y/N]: \nError: interrupted\n"), result.output
    assert world.client("tier1").get_financing(world.financing).offers == []
