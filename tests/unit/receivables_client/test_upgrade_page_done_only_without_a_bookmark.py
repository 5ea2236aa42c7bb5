"""An UpgradeLedger page is ``done`` exactly where it has no bookmark left, as every contract version answers it. A
page saying otherwise (not done with no bookmark, done with one) is no answer the SDK returns: taken as it came,
``recfin chaincode upgrade-ledger`` sent the first page again and again, each a committed transaction, or stopped
with the pages past the bookmark never scanned. It is an ``UnreadableAnswer`` that says the page committed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.chaincode_commands import chaincode
from cli.regulator_commands import bookmark_token
from client.gateway import ChaincodeEvent
from client.receivables import ReceivablesClient, ReceivablesEvent, UnreadableAnswer
from client.shown import shown_value

from . import test_cli
from .fakes import FakeContract
from .test_cli_upgrade_ledger import K1, K2
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
    # a newer recfin reads this answer no better than this one: no contract version gives it
    assert unread.value.of_no_version and "upgrade recfin" not in str(unread.value)
    assert "no version of the contract answers so" in str(unread.value)
    assert f"done is {json.dumps(done)} with the bookmark {shown_value(bookmark)}" in unread.value.problem


def test_a_page_of_a_newer_contract_still_says_to_upgrade_recfin():
    contract = FakeContract(responses={"UpgradeLedger": {**UPGRADE_PAGE, "resealed_notices": 2}})
    with pytest.raises(UnreadableAnswer) as unread:
        ReceivablesClient(contract).upgrade_ledger()
    assert not unread.value.of_no_version and "upgrade recfin to the contract's version" in str(unread.value)


def test_a_long_bookmark_of_a_page_done_is_shown_cut_short():
    long_bookmark = NEXT + "R" * 100_000 + "\x00"
    contract = FakeContract(responses={"UpgradeLedger": {**UPGRADE_PAGE, "bookmark": long_bookmark, "done": True}})
    with pytest.raises(UnreadableAnswer) as unread:
        ReceivablesClient(contract).upgrade_ledger()
    assert len(str(unread.value)) < 1000 and f"({len(long_bookmark)} characters)" in unread.value.problem


def test_a_ledger_upgraded_event_whose_done_and_bookmark_disagree_names_no_newer_contract():
    payload = {"event": "LedgerUpgraded", "tx_id": "t9", **UPGRADE_PAGE, "bookmark": "", "done": False,
               "by": "REGULATOR"}
    event = ReceivablesEvent.from_chaincode_event(ChaincodeEvent(7, "t9", "receivables", "LedgerUpgraded",
                                                                 json.dumps(payload).encode()))
    with pytest.raises(ValueError, match="no version of the contract emits it") as unread:
        event.typed()
    assert "upgrade recfin" not in str(unread.value)


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
    assert "page 1 of the upgrade committed" in " ".join(res.output.split())


def on_the_third_page(answer: dict):
    """Pages from "", K1 and K2 (test_cli_upgrade_ledger's), the third answering ``answer``."""
    def pages(arguments: list[str]) -> dict:
        following = {"": K1, K1: K2}
        return {**UPGRADE_PAGE, "bookmark": following[arguments[1]]} if arguments[1] in following else answer
    return pages


@pytest.mark.parametrize("bookmark, done", [("", False), (NEXT, True)], ids=["more-without-a-bookmark",
                                                                            "done-with-a-bookmark"])
def test_the_command_says_which_page_committed_and_how_to_go_on(ledger, bookmark, done):
    ledger.responses["UpgradeLedger"] = on_the_third_page({**UPGRADE_PAGE, "bookmark": bookmark, "done": done})
    res = CliRunner().invoke(chaincode, ["upgrade-ledger"])
    assert res.exit_code == 1 and len(ledger.calls) == 3
    [error] = [line for line in res.output.splitlines() if line.startswith("Error: ")]
    # it did commit: neither "may have committed" nor a newer recfin, which reads the answer no better
    assert error.startswith("Error: page 3 of the upgrade committed, but its answer cannot be read (done is ")
    assert "what it wrote is on the ledger" in error and "no version of the contract answers so" in error
    assert "may have committed" not in error and "upgrade recfin" not in error
    assert error.endswith(f"go on from it: recfin chaincode upgrade-ledger --bookmark {bookmark_token(K2)} (sent "
                          "again, the page writes nothing more and says what it found)")


def test_a_page_of_a_newer_contract_says_to_upgrade_recfin_and_go_on_from_it(ledger):
    ledger.responses["UpgradeLedger"] = on_the_third_page({**UPGRADE_PAGE, "resealed_notices": 2})
    res = CliRunner().invoke(chaincode, ["upgrade-ledger"])
    assert res.exit_code == 1
    [error] = [line for line in res.output.splitlines() if line.startswith("Error: ")]
    assert error.startswith("Error: page 3 of the upgrade committed, but its answer cannot be read (resealed_notices")
    assert "may have committed" not in error
    assert f"upgrade recfin to the contract's version, then go on from it: recfin chaincode upgrade-ledger " \
           f"--bookmark {bookmark_token(K2)}" in error
