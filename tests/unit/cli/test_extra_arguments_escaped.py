"""An argument no command takes is named on click's one `Error: Got unexpected extra argument (...)` line as it
prints, each character that does not escaped: click wrote the words as given, so a line break in one started a
second `Error:` line of its own, and an ESC, a BEL or a right-to-left override reached the terminal (recoloured it,
rang it, reordered the line)."""
import pytest
from click.testing import CliRunner

from cli.main import main

FORGED = "a\x1b[31mb\x07\u202ec\nError: forged"


@pytest.mark.parametrize("command", [["receivable", "get", "R-0123456789abcdef"], ["events"],
                                     ["transaction", "status", "a" * 64], ["demo"]])
def test_an_extra_argument_is_named_escaped_on_one_error_line(command):
    result = CliRunner().invoke(main, [*command, FORGED], color=True)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: Got unexpected extra argument (a\\x1b[31mb\\x07\\u202ec\\nError: forged)"], \
        result.output
    assert not any(char in result.output for char in "\x1b\x07\u202e")


def test_extra_arguments_that_print_as_themselves_are_named_as_click_names_them():
    result = CliRunner().invoke(main, ["receivable", "get", "R-0123456789abcdef", "one", "二"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: Got unexpected extra arguments (one 二)"
