"""`recfin party register|bind --client USER` of a user the org's profile has not: the `recfin org user add` its
error line says to run names the user as a shell takes it, pasted back. It wrote the name as given, so a name with
a space ran as two words, and one holding an ESC drove the terminal the line was shown on (a colour, a title)."""
import pytest

from cli.main import main

USCC = "91310000MA1K00002C"


@pytest.mark.parametrize("user, command", [
    ("a b", "`recfin org user add supplier 'a b'`"),
    ("a\x1b[31mb", "`recfin org user add supplier $'a\\x1b[31mb'`"),
])
def test_the_command_to_issue_the_user_names_it_as_a_shell_takes_it(runner, connecting, user, command):
    res = runner.invoke(main, ["party", "bind", USCC, "--client", user, "--as", "supplier/admin"], color=True)
    assert res.exit_code == 2, res.output
    last = res.output.strip().splitlines()[-1]
    assert last.endswith(f"issue it a certificate first ({command})"), last
    assert "\x1b" not in res.output
    assert connecting == []
