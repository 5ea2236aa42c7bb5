"""`recfin chaincode upgrade-ledger` names the records a newer contract version wrote apart from those no version
wrote: the peer that ran the pages runs an older version than the ledger's, which installing the channel's version
puts right, not a key two orgs wrote to be hunted down.

The recording Contract double answers each page (the SDK and the command run for real)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.chaincode_commands import chaincode

from . import test_cli
from .test_cli_upgrade_ledger import GARBAGE_KEY
from .test_client_calls import UPGRADE_PAGE

ledger = test_cli.ledger  # the recording double behind every session the command opens

NEWER_CLAIM = "\x00recfin.receivable\x00R-00000000000000b1\x00"
NEWER_FINANCING = "\x00recfin.financing\x00F-00000000000000b2\x00"

# bookmarks of UpgradeLedger pages: keys of the records it scans, where each page after the first starts
K1 = "\x00recfin.receivable\x00R-00000000000000b1\x00"
K2 = "\x00recfin.discount\x00D-00000000000000c1\x00"


def newer_on_two_pages(arguments: list[str]) -> dict:
    """A page of claims passing over one a newer version wrote and a value no version wrote, then a page of
    offers and financings naming that claim again, and a newer version's financing."""
    if arguments[1] == "":
        return {**UPGRADE_PAGE, "collisions": [], "unreadable": [GARBAGE_KEY], "newer_version": [NEWER_CLAIM],
                "bookmark": K1}
    return {**UPGRADE_PAGE, "collisions": [], "newer_version": [NEWER_CLAIM, NEWER_FINANCING], "bookmark": "",
            "done": True}


def test_records_of_a_newer_version_are_listed_apart_once_with_the_way_on(ledger):
    ledger.responses["UpgradeLedger"] = newer_on_two_pages
    report = json.loads(CliRunner().invoke(chaincode, ["upgrade-ledger", "--json"]).stdout)
    assert report["newer_version"] == [NEWER_CLAIM, NEWER_FINANCING] and report["unreadable"] == [GARBAGE_KEY]
    res = CliRunner().invoke(chaincode, ["upgrade-ledger"])
    assert res.exit_code == 0, res.output
    assert ", 1 unreadable, 1 of a newer contract version; next page" in res.output
    assert ", 2 of a newer contract version; the last page" in res.output
    text = " ".join(res.output.split())
    newer = text[text.index("2 record(s) a newer version of the contract wrote"):]
    assert "runs an older contract version than the ledger's" in newer
    assert "Install the channel's version there" in newer and "run upgrade-ledger again" in newer
    assert "recfin.receivable R-00000000000000b1" in newer and "recfin.financing F-00000000000000b2" in newer
    # the records no version wrote are still named as such, and only those
    unreadable = text[text.index("1 record(s) the contract cannot read"):text.index("2 record(s) a newer")]
    assert "recfin.receivable R-0 " in unreadable + " " and "b1" not in unreadable


def test_a_contract_before_it_told_them_apart_lists_none(ledger):
    page = {**UPGRADE_PAGE, "collisions": [], "bookmark": "", "done": True}
    ledger.responses["UpgradeLedger"] = lambda arguments: page
    res = CliRunner().invoke(chaincode, ["upgrade-ledger", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["newer_version"] == []


def test_a_run_whose_last_page_passed_over_newer_records_does_not_say_the_ledger_is_upgraded(ledger):
    # done is the scan's end: the records listed were passed over, so the run ends on them and the way on
    ledger.responses["UpgradeLedger"] = newer_on_two_pages
    res = CliRunner().invoke(chaincode, ["upgrade-ledger"])
    assert res.exit_code == 0, res.output
    assert "upgraded" not in res.output and "complete" not in res.output
    said = [line for line in res.output.splitlines() if line.strip()]
    last_page = next(line for line in said if line.startswith("page 2:"))
    assert last_page.endswith(", 2 of a newer contract version; the last page")
    final_paragraph = said[-4]   # the two keys' table (its header and rows) closes the output
    assert final_paragraph.startswith("2 record(s) a newer version of the contract wrote were passed over, "
                                      "nothing written for them")
    assert final_paragraph.endswith("(TYPE and ID name its key).")
    assert said[-2:] == ["recfin.receivable  R-00000000000000b1", "recfin.financing   F-00000000000000b2"]
