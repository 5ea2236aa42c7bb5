"""`chaincode upgrade-ledger` stops with an error naming the bookmark when a page answers one the run already sent
(a peer answering out of order): it followed it and read the same pages again for ever. What the pages before it
found is shown, and the way on is the bookmark of the page that answered so, which, sent again, writes nothing more.
Over the recording ledger double the upgrade-ledger tests use."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.chaincode_commands import chaincode
from cli.regulator_commands import bookmark_token

from ..receivables_client import test_cli
from ..receivables_client.test_client_calls import UPGRADE_PAGE

ledger = test_cli.ledger  # the recording double behind every session the command opens

K1 = "\x00recfin.receivable\x00R-00000000000000b1\x00"
K2 = "\x00recfin.discount\x00D-00000000000000c1\x00"
SENDS_AT_MOST = 10   # the double stops a run that did not stop itself, so a failing test does not hang


def answering(ledger, back_to: str):
    """Pages from "" to K1, then from K1 to K2, then from K2 back to ``back_to``, a bookmark already sent."""
    def page(arguments: list[str]) -> dict:
        if len(ledger.calls) > SENDS_AT_MOST:
            raise AssertionError("the run followed the same pages again")
        return {**UPGRADE_PAGE, "bookmark": {"": K1, K1: K2, K2: back_to}[arguments[1]], "done": False}
    return page


@pytest.mark.parametrize("back_to", [K1, K2])
def test_a_page_answering_a_bookmark_already_sent_stops_the_run_naming_it(ledger, back_to):
    ledger.responses["UpgradeLedger"] = answering(ledger, back_to)
    res = CliRunner().invoke(chaincode, ["upgrade-ledger"])
    assert res.exit_code == 1, res.output
    assert [c.arguments[1] for c in ledger.calls] == ["", K1, K2]
    text = " ".join(res.output.split())
    assert f"the peer answered a page with the bookmark {back_to!r}, which this listing already asked with" in text
    assert "pages: 2" in text   # the two pages before it, the page that answered so sent again
    assert f"page 3 failed; once its cause is put right, go on from it: recfin chaincode upgrade-ledger --bookmark " \
           f"{bookmark_token(K2)}" in text


def test_a_page_answering_the_bookmark_given_stops_the_run_at_its_first_page(ledger):
    ledger.responses["UpgradeLedger"] = answering(ledger, K2)
    res = CliRunner().invoke(chaincode, ["upgrade-ledger", "--bookmark", bookmark_token(K2), "--json"])
    assert res.exit_code == 1, res.output
    assert [c.arguments[1] for c in ledger.calls] == [K2]
    assert f"the bookmark {K2!r}, which this listing already asked with" in " ".join(res.stderr.split())
    assert res.stdout == ""   # no page done: nothing found to show
