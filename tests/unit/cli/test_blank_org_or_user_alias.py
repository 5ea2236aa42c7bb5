"""The hidden aliases of --as (--org, --user) given an empty value, as an unset shell variable gives: refused
before anything connects, as --as "" is; taken as "not given", the command would sign as the default org or user."""
import pytest
from click.testing import CliRunner

from cli.main import main


@pytest.mark.parametrize("command", [["finance", "disburse", "F-1"], ["receivable", "pay", "R-1", "--amount", "5"]])
@pytest.mark.parametrize("who, option, named", [
    (["--org", ""], "--org", "the org"), (["--org", "  "], "--org", "the org"),
    (["--org", "bank", "--user", ""], "--user", "the user of the org's profile"),
    (["--user", ""], "--user", "the user of the org's profile"),
])
def test_a_blank_org_or_user_is_refused_before_connecting(ledger_sessions, command, who, option, named):
    res = CliRunner().invoke(main, command + who)
    assert res.exit_code == 2, res.output
    value = who[who.index(option) + 1]
    assert res.output.splitlines()[-1] == (f"Error: Invalid value for '{option}': {value!r} is blank (an unset shell "
                                           f"variable?): name {named}, or leave {option} out for the default")
    assert ledger_sessions == []


def test_a_named_org_and_user_still_act_as_given(ledger_sessions):
    res = CliRunner().invoke(main, ["finance", "disburse", "F-1", "--org", " bank ", "--user", "officer1"])
    assert res.exit_code == 1 and ledger_sessions == [("bank", "officer1")], res.output
