"""`chaincode upgrade-ledger --bookmark` with a token that decodes but names no page of the scan (a paste gone wrong,
10,000 characters) is refused on lines of a reasonable length: the advice to leave --bookmark out named the token
whole. The key is one of a kind the contract does not scan: the SDK sends it (a newer contract scans kinds it does
not know), and the contract refuses it. Over the recording ledger double the upgrade-ledger tests use, answering as
the contract does (``StoreBase.records_from``)."""
from __future__ import annotations

from click.testing import CliRunner

from chaincode.receivables.errors import shown
from cli.chaincode_commands import chaincode
from cli.regulator_commands import bookmark_token

from ..receivables_client import test_cli
from ..receivables_client.test_cli_ledger_commands import refusal

ledger = test_cli.ledger  # the recording double behind every session the command opens

KEY = "\x00recfin.holder\x00" + "x" * 7_500 + "\x00"   # a listing's key, not the scan's
LONG_TOKEN = bookmark_token(KEY)


def refused_as_the_contract_does(arguments: list[str]):
    raise refusal("bookmark-invalid", f"{shown(arguments[1])} is not a bookmark of this scan: send \"\" for the "
                  "first page and then the bookmark the previous page returned")


def test_a_long_token_of_no_page_is_named_cut_short(ledger):
    ledger.responses["UpgradeLedger"] = refused_as_the_contract_does
    res = CliRunner().invoke(chaincode, ["upgrade-ledger", "--bookmark", LONG_TOKEN])
    assert res.exit_code == 1, res.output
    assert [(c.name, c.arguments) for c in ledger.calls] == [("UpgradeLedger", ["20", KEY])]   # the contract's to say
    text = " ".join(res.output.split())
    assert "Error: UpgradeLedger refused: RULE bookmark-invalid: " in text and "is not a bookmark of this scan" in text
    assert f"the contract takes no page from --bookmark '{LONG_TOKEN[:20]}" in text
    assert f"({len(LONG_TOKEN)} characters): leave --bookmark out" in text
    assert max(len(line) for line in res.output.splitlines()) < 600, res.output[:300]
