"""A party's --name, or a --client-id, that the contract would refuse is a usage error before anything connects:
exit 2, the option named, with the network down too. It was found only once the command had connected (a name
of more than one line or 200 characters, an id no certificate presents): with no network the admin was told to
start one rather than what was wrong, and with one it came back a refusal (exit 1), as the contract's answers do.
The checks are the contract's own (``chaincode.receivables.arguments``)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

USCC = "91310000MA1K00002C"
CLIENT_ID = "x509::CN=supplier3@supplier.recfin.local,OU=client::CN=ca.supplier.recfin.local"
REGISTER = ["party", "register", "--uscc", USCC, "--role", "supplier", "--as", "supplier/admin"]
NAMED = [[*REGISTER, "--client-id", CLIENT_ID], ["party", "rename", USCC, "--as", "supplier/admin"]]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", NAMED, ids=["register", "rename"])
@pytest.mark.parametrize("name, said", [("", "name must be 1 to 200 characters (it has 0)"),
                                        ("P" * 201, "name must be 1 to 200 characters (it has 201)"),
                                        ("Tier-1\nParts Co.", "name holds '\\n' (U+000A"),
                                        ("\u200b ", "name has no visible character: give the enterprise's "
                                                    "registered name"),
                                        ("Tier-1 Parts Co. ", "name ends with U+0020 SPACE"),
                                        ("\ufeffTier-1 Parts Co.", "send 'Tier-1 Parts Co.'")])
def test_a_name_the_contract_would_refuse_is_a_usage_error_before_connecting(ledger_sessions, command, name, said):
    res = run(*command, "--name", name)
    assert res.exit_code == 2, res.output
    assert "Error: Invalid value for '--name': " in res.output and said in res.output
    assert "nothing was sent" in res.output and ledger_sessions == []


@pytest.mark.parametrize("command", [[*REGISTER, "--name", "Tier-1 Parts Co."], ["party", "bind", USCC]],
                         ids=["register", "bind"])
@pytest.mark.parametrize("client_id, said", [("CN=supplier3", "it does not start with x509::"),
                                             ("x509::" + "C" * 1000, "client id must be 1 to 1000 characters")])
def test_an_id_no_certificate_presents_is_not_bound_and_nothing_connects(ledger_sessions, command, client_id, said):
    res = run(*command, "--client-id", client_id)
    assert res.exit_code == 2, res.output
    assert "Error: Invalid value for '--client-id': " in res.output and said in res.output
    assert ledger_sessions == []


def test_unbind_takes_an_id_an_earlier_contract_bound_but_not_one_of_over_1000_characters(ledger_sessions):
    res = run("party", "unbind", USCC, "--client-id", "x" * 1001)
    assert res.exit_code == 2 and "client id must be 1 to 1000 characters" in res.output, res.output
    assert ledger_sessions == []
    res = run("party", "unbind", USCC, "--client-id", "CN=supplier3")     # the contract decides: it may be bound
    assert res.exit_code == 1 and "connecting" in res.output, res.output


@pytest.mark.parametrize("args", [
    [*REGISTER, "--client-id", CLIENT_ID, "--name", "P" * 200],
    [*REGISTER, "--client-id", CLIENT_ID, "--name", "上海第一汽车零部件有限公司"],
    ["party", "rename", USCC, "--name", "Tier-1 Auto Parts Co."],
    ["party", "bind", USCC, "--client-id", CLIENT_ID],
])
def test_what_the_contract_takes_gets_as_far_as_connecting(ledger_sessions, args):
    res = run(*args)
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
