"""An UpgradeLedger page is ``done`` exactly where it has no bookmark left, as every contract version answers it. A
page saying otherwise (not done with no bookmark, done with one) is no answer the SDK returns: taken as it came,
``recfin chaincode upgrade-ledger`` sent the first page again and again, each a committed transaction, or stopped
with the pages past the bookmark never scanned. It is an ``UnreadableAnswer`` that says the page committed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.chaincode_commands import chaincode
from client.receivables import ReceivablesClient, UnreadableAnswer

from . import test_cli
from .fakes import FakeContract
from .test_client_calls import UPGRADE_PAGE

ledger = test_cli.ledger  # the recording double behind every session the command opens

NEXT = UPGRADE_PAGE["bookmark"]


@pytest.mark.parametrize("bookmark, done", [("", False), (NEXT, True)], ids=["more-without-a-bookmark",
                                                                            "done-with-a-bookmark"])
def test_a_page_whose_done_and_bookmark_disagree_is_unreadable_and_said_to_have_committed(bookmark, done):
    contract = FakeContract(responses={"UpgradeLedger": {**UPGRADE_PAGE, "bookmark": bookmark, "done": done}})
    with pytest.raises(UnreadableAnswer) as unread:
        ReceivablesClient(contract).upgrade_ledger()
    assert unread.value.committed and "done" in unread.value.problem
    assert len(contract.calls) == 1


@pytest.mark.parametrize("bookmark, done", [("", True), (NEXT, False)], ids=["last", "more"])
def test_a_page_whose_done_and_bookmark_agree_is_read(bookmark, done):
    contract = FakeContract(responses={"UpgradeLedger": {**UPGRADE_PAGE, "bookmark": bookmark, "done": done}})
    page = ReceivablesClient(contract).upgrade_ledger()
    assert (page.bookmark, page.done) == (bookmark, done)


def test_the_command_stops_at_a_page_with_more_to_do_and_no_bookmark(ledger):
    def more_and_no_bookmark(arguments: list[str]) -> dict:
        # the first page again: the command would send it without end, each a committed transaction
        assert len(ledger.calls) < 3, "the first page sent again"
        return {**UPGRADE_PAGE, "bookmark": "", "done": False}

    ledger.responses["UpgradeLedger"] = more_and_no_bookmark
    res = CliRunner().invoke(chaincode, ["upgrade-ledger"])
    assert res.exit_code == 1
    assert [c.arguments for c in ledger.calls] == [["20", ""]]
    assert "UpgradeLedger committed" in " ".join(res.output.split())
