"""`chaincode upgrade-ledger --bookmark` with a token that decodes but names no page of the scan (a paste gone wrong,
10,000 characters) is refused on one line of a reasonable length: the advice to leave --bookmark out named the token
whole. Over the recording ledger double the upgrade-ledger tests use."""
from __future__ import annotations

from click.testing import CliRunner

from cli.chaincode_commands import chaincode
from cli.regulator_commands import bookmark_token

from ..receivables_client import test_cli

ledger = test_cli.ledger  # the recording double behind every session the command opens

LONG_TOKEN = bookmark_token("\x00recfin.holder\x00" + "x" * 7_500 + "\x00")   # a listing's key, not the scan's


def test_a_long_token_of_no_page_is_named_cut_short(ledger):
    res = CliRunner().invoke(chaincode, ["upgrade-ledger", "--bookmark", LONG_TOKEN])
    assert res.exit_code == 1 and ledger.calls == [], res.output   # refused before sending
    text = " ".join(res.output.split())
    assert f"the contract takes no page from --bookmark '{LONG_TOKEN[:20]}" in text
    assert f"({len(LONG_TOKEN)} characters): leave --bookmark out" in text
    assert max(len(line) for line in res.output.splitlines()) < 600, res.output[:300]
