"""A claim given twice to `discount publish --receivable`, or an identity given twice to `party register` (--client or
--client-id), is what the contract refuses (argument-invalid: "list each ... once"): a usage error (exit 2) naming
the option and the value before anything connects. It came back the contract's refusal once connected (exit 1), and
with the network down the user was told to start it."""
import pytest
from click.testing import CliRunner

from cli.main import main

USCC = "91310000MA1K00002C"
CLIENT_ID = "x509::CN=supplier3@supplier.recfin.local,OU=client::CN=ca.supplier.recfin.local"
REGISTER = ["party", "register", "--uscc", USCC, "--name", "Tier-1 Parts Co.", "--role", "supplier",
            "--as", "supplier/admin"]
PUBLISH = ["discount", "publish", "--apr", "0.05", "--expires", "2030-01-01"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args, option, value", [
    ([*PUBLISH, "--receivable", "R-1", "--receivable", "R-2", "--receivable", "R-1"], "--receivable", "R-1"),
    ([*REGISTER, "--client", "supplier3", "--client", "supplier3"], "--client", "supplier3"),
    ([*REGISTER, "--client-id", CLIENT_ID, "--client-id", CLIENT_ID], "--client-id", CLIENT_ID),
])
def test_a_value_given_twice_is_refused_before_connecting(ledger_sessions, args, option, value):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}': {value!r} is given twice: give each once" in res.output
    assert ledger_sessions == []


@pytest.mark.parametrize("args", [
    [*PUBLISH, "--receivable", "R-1", "--receivable", "R-2"],
    [*REGISTER, "--client", "supplier3", "--client", "supplier4", "--client-id", CLIENT_ID],
])
def test_each_value_once_gets_as_far_as_connecting(ledger_sessions, args):
    res = run(*args)
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
