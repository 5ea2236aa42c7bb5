"""`recfin chaincode upgrade-ledger`: every page of UpgradeLedger, as the regulator's org admin or its user, totals and
findings at the end.

The recording Contract double answers each page (the SDK and the command run for real)."""

from __future__ import annotations

import json
import signal

import grpc
import pytest
from click.testing import CliRunner
from fabric_protos.peer import transaction_pb2

from cli.chaincode_commands import chaincode
from cli.regulator_commands import bookmark_token
from client.gateway.errors import CommitError, CommitStatusError, EndorseError, ErrorDetail

from . import test_cli
from .test_client_calls import UPGRADE_PAGE

ledger = test_cli.ledger  # the recording double behind every session the command opens; opened: (org, user, admin)

UNSPELLED = {"receivable_id": "R-00000000000000a3", "code": "", "number": "INV-2026-0001", "fingerprint": "b" * 64}

# bookmarks of UpgradeLedger pages: keys of the records it scans, where each page after the first starts
K1 = "\x00recfin.receivable\x00R-00000000000000b1\x00"
K2 = "\x00recfin.discount\x00D-00000000000000c1\x00"


def pages(arguments: list[str]) -> dict:
    """Three pages: receivables from "", receivables from K1, then the discount offers from K2."""
    bookmark = arguments[1]
    if bookmark == "":
        return {**UPGRADE_PAGE, "bookmark": K1}
    if bookmark == K1:
        return {**UPGRADE_PAGE, "collisions": [], "without_current_spelling": [UNSPELLED], "bookmark": K2}
    return {**UPGRADE_PAGE, "scanned": 1, "writes": 4, "financier_entries": 0, "fingerprint_entries": 0,
            "claim_policies": 0,
            "discount_offer_entries": 1, "financing_policies": 3,
            "collisions": [], "bookmark": "", "done": True}


def invoke(*args: str):
    return CliRunner().invoke(chaincode, ["upgrade-ledger", *args])


def test_it_follows_the_bookmarks_to_the_end_as_an_admin_and_sums_what_each_page_wrote(ledger):
    ledger.responses["UpgradeLedger"] = pages
    res = invoke("--page-size", "50", "--json")
    assert res.exit_code == 0, res.output
    assert [c.arguments for c in ledger.calls] == [["50", ""], ["50", K1], ["50", K2]]
    assert {c.kind for c in ledger.calls} == {"submit"}
    assert ledger.opened == [("regulator", None, True)]
    report = json.loads(res.stdout)
    assert {k: report[k] for k in ("pages", "scanned", "financier_entries", "discount_offer_entries",
                                   "fingerprint_entries", "claim_policies", "financing_policies")} == {
        "pages": 3, "scanned": 41, "financier_entries": 2, "discount_offer_entries": 1, "fingerprint_entries": 4,
        "claim_policies": 2, "financing_policies": 5}
    assert report["collisions"] == UPGRADE_PAGE["collisions"] and report["without_current_spelling"] == [UNSPELLED]


def test_the_table_names_each_invoice_behind_two_claims_and_each_without_a_current_spelling(ledger):
    ledger.responses["UpgradeLedger"] = pages
    res = invoke("--as", "regulator")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("regulator", None, True)]
    assert "1 invoice(s) registered twice, under two spellings" in res.output
    # both claims' spellings: neither need be the current one
    assert "2431-2000-0000-1234-5678" in res.output and "0024312000000012345678" in res.output
    assert "R-00000000000000a2" in res.output and "INV-2026-0001" in res.output
    assert res.output.startswith(f"page 1: 20 records, 6 values and key-level policies written, "
                                 f"1 collision(s); next page: --bookmark {bookmark_token(K1)}\n")


def test_the_help_says_only_the_regulator_runs_it_and_shows_no_other_org_acting():
    # its pages name every claim on the channel: the contract refuses other orgs' admins and parties
    res = invoke("--help")
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "The regulator's org admin (the default) runs it" in text
    assert "the regulator's users too: the regulator reads everything but changes only freeze state" in text
    assert "RULE role-not-permitted" in text
    examples = [line.strip() for line in res.output.splitlines() if line.strip().startswith("recfin chaincode")]
    assert examples and all("--as" not in e or e.split("--as ")[1].split()[0] == "regulator" for e in examples), examples


def test_a_caller_the_contract_refuses_gets_one_line_and_no_second_page(ledger):
    from .test_cli_ledger_commands import refusal

    ledger.errors["UpgradeLedger"] = refusal("role-not-permitted", "Tier-1 Parts (9131...) is a supplier: only a "
                                                                   "regulator may do this")
    res = invoke("--as", "supplier/supplier1")
    assert res.exit_code == 1 and "UpgradeLedger refused: RULE role-not-permitted" in res.output
    assert len(ledger.calls) == 1


def test_a_page_a_new_record_invalidated_is_sent_again_by_the_clients_retry_alone(ledger):
    """The session's client retries a page a record added to its range invalidated (RACE_RETRY retries
    PHANTOM_READ_CONFLICT, three sends in all). The command used to send it again itself on top of that, so a page
    went out up to nine times while its help said three; an error the retry gives up on is the command's error."""
    from client.receivables import RACE_RETRY

    # the retry every CLI session's client is made with (cli/connection.py)
    assert transaction_pb2.PHANTOM_READ_CONFLICT in RACE_RETRY.retry_on and RACE_RETRY.max_attempts == 3

    def invalidated(arguments):
        raise CommitError(transaction_id="tx-1", validation_code=transaction_pb2.PHANTOM_READ_CONFLICT, block_number=9)

    ledger.responses["UpgradeLedger"] = invalidated
    res = invoke()
    assert res.exit_code == 1 and "PHANTOM_READ_CONFLICT" in res.output and len(ledger.calls) == 1


TO_RESEAL = {"receivable_id": "R-00000000000000a4", "key_orgs": ["CoreEnterpriseMSP", "SupplierMSP"],
             "due_orgs": ["CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]}
GARBAGE_KEY = "\x00recfin.receivable\x00R-0\x00"


def findings(arguments: list[str]) -> dict:
    """One page from "", which sealed two discount offer keys, passed over a record and found a claim to reseal."""
    return {**UPGRADE_PAGE, "collisions": [], "writes": 8, "discount_offer_policies": 2,
            "unreadable": [GARBAGE_KEY],
            "claims_to_reseal": [TO_RESEAL], "bookmark": "", "done": True}


def test_records_passed_over_and_claims_to_reseal_are_named_and_the_offer_policies_summed(ledger):
    ledger.responses["UpgradeLedger"] = findings
    res = invoke("--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["discount_offer_policies"] == 2
    assert report["unreadable"] == [GARBAGE_KEY] and report["claims_to_reseal"] == [TO_RESEAL]
    res = invoke()
    assert res.exit_code == 0, res.output
    assert res.output.startswith("page 1: 20 records, 8 values and key-level policies written, 1 unreadable, "
                                 "1 claim(s) to reseal; the last page\n")
    text = " ".join(res.output.split())
    assert "1 claim(s) whose key names fewer orgs than due" in text and "a freeze's lifting included" in text
    assert "Reseal each with `recfin receivable reseal RECEIVABLE_ID`" in text
    assert "R-00000000000000a4 [CoreEnterpriseMSP, SupplierMSP] [CoreEnterpriseMSP, RegulatorMSP, SupplierMSP]" in text
    assert "1 record(s) the contract cannot read" in text and "recfin.receivable R-0" in text


def unreachable(arguments: list[str]) -> dict:
    """A page no peer endorsed: the cause lies outside the page, which goes through once it is put right."""
    raise EndorseError("failed to endorse transaction", transaction_id="tx-9",
                       details=[ErrorDetail("peer0:7051", "CoreEnterpriseMSP", "connection refused")])


def test_it_starts_from_the_bookmark_given_and_names_the_one_to_go_on_from_when_a_page_fails(ledger):
    def second_page_fails(arguments):
        if arguments[1] == K2:
            return unreachable(arguments)
        return pages(arguments)

    ledger.responses["UpgradeLedger"] = second_page_fails
    res = invoke("--bookmark", bookmark_token(K1))
    assert res.exit_code == 1
    assert [c.arguments for c in ledger.calls] == [["20", K1], ["20", K2]]   # the page of K1 first
    assert f"page 2 failed; once its cause is put right, go on from it: recfin chaincode upgrade-ledger " \
           f"--bookmark {bookmark_token(K2)}" in " ".join(res.output.split())


def found_then_failed(arguments: list[str]) -> dict:
    """A first page from "" that found a collision, a record passed over and a claim to reseal; the page from K1
    after it fails."""
    if arguments[1] == "":
        return {**UPGRADE_PAGE, "unreadable": [GARBAGE_KEY], "claims_to_reseal": [TO_RESEAL], "bookmark": K1}
    return unreachable(arguments)


def test_what_the_pages_before_a_failure_found_is_shown_as_a_run_resumed_from_it_does_not_send_them_again(ledger):
    ledger.responses["UpgradeLedger"] = found_then_failed
    res = invoke()
    assert res.exit_code == 1 and "connection refused" in res.output
    text = " ".join(res.stdout.split())
    assert "pages: 1" in text and "claim_policies: 1" in text
    assert "1 invoice(s) registered twice" in text and "R-00000000000000a2" in text
    assert "R-00000000000000a4 [CoreEnterpriseMSP, SupplierMSP]" in text and "recfin.receivable R-0" in text
    assert f"page 2 failed; once its cause is put right, go on from it: recfin chaincode upgrade-ledger " \
           f"--bookmark {bookmark_token(K1)}" in " ".join(res.stderr.split())


def test_its_json_on_a_failure_is_what_the_pages_before_it_found_and_the_token_of_the_page_that_failed(ledger):
    ledger.responses["UpgradeLedger"] = found_then_failed
    res = invoke("--json")
    assert res.exit_code == 1 and "connection refused" in res.stderr
    report = json.loads(res.stdout)
    assert report["pages"] == 1 and report["failed_at"] == bookmark_token(K1)
    assert report["collisions"] == UPGRADE_PAGE["collisions"]
    assert report["unreadable"] == [GARBAGE_KEY] and report["claims_to_reseal"] == [TO_RESEAL]


def test_a_run_that_ends_has_no_failed_at(ledger):
    ledger.responses["UpgradeLedger"] = findings
    report = json.loads(invoke("--json").stdout)
    assert "failed_at" not in report and report["pages"] == 1


def test_a_bookmark_the_contract_refuses_is_not_advised_again_but_leaving_it_out(ledger):
    from .test_cli_ledger_commands import refusal

    def refuse(arguments):
        raise refusal("bookmark-invalid", f"{arguments[1]!r} is not a bookmark of this scan")

    ledger.responses["UpgradeLedger"] = refuse
    token = bookmark_token("\x00recfin.holder\x00x\x00")   # a listing's bookmark, not the scan's
    res = invoke("--bookmark", token)
    assert res.exit_code == 1 and "RULE bookmark-invalid" in res.output
    text = " ".join(res.output.split())
    assert "leave --bookmark out to start from the first page" in text
    assert "go on from it" not in text and "pages:" not in text   # no page done: nothing found to show


def test_a_bookmark_a_page_returned_of_a_kind_this_recfin_does_not_know_goes_to_the_contract(ledger):
    """A page's bookmark of a kind of record this recfin does not know the upgrade scans (a newer contract
    version's, the chaincode upgraded before recfin) is the contract's to take: sent, the run goes on to its end,
    where it was refused unsent and the run stopped there until recfin was upgraded too."""
    newer_kind = "\x00recfin.disbursement\x00F-1\x00"
    ledger.responses["UpgradeLedger"] = lambda arguments: (
        {**UPGRADE_PAGE, "bookmark": newer_kind, "done": False} if arguments[1] == ""
        else {**UPGRADE_PAGE, "bookmark": "", "done": True})
    res = invoke()
    assert res.exit_code == 0, res.output
    assert [c.arguments for c in ledger.calls] == [["20", ""], ["20", newer_kind]]
    assert "upgrade recfin" not in " ".join(res.output.split())


def test_the_first_page_sent_failing_for_another_cause_names_no_other_command(ledger):
    ledger.responses["UpgradeLedger"] = unreachable
    res = invoke("--bookmark", bookmark_token(K1))
    assert res.exit_code == 1 and "connection refused" in res.output
    assert "go on from it" not in res.output and "--bookmark" not in res.output   # the same command, run again


def test_a_malformed_token_is_told_where_upgrade_ledger_prints_its_tokens(ledger):
    res = invoke("--bookmark", "@@")
    assert res.exit_code == 2 and not ledger.calls
    text = " ".join(res.output.split())
    assert "'@@' is not a bookmark token" in text
    assert "printed after 'next page: --bookmark' on each page's line, or after 'go on from it: recfin " \
           "chaincode upgrade-ledger --bookmark' when a page failed or was stopped (failed_at with --json)" \
           in text
    assert "bookmark_token" not in text   # the listings' words: no upgrade page prints that field


def test_a_run_interrupted_during_a_page_shows_what_the_pages_before_found_and_the_token_to_go_on(ledger):
    """Ctrl-C while the third page is sent: the two pages done are not sent again by a run resumed from the
    third, so what they found is shown, and the token to resume from (the third page may have committed: sent
    again, it writes nothing more)."""
    def third_interrupted(arguments):
        if arguments[1] == K2:
            raise KeyboardInterrupt
        return pages(arguments)

    ledger.responses["UpgradeLedger"] = third_interrupted
    res = invoke()
    assert res.exit_code == 1
    assert "pages: 2" in " ".join(res.stdout.split()) and "R-00000000000000a2" in res.stdout
    assert f"page 3 was interrupted (it may have committed: sent again, it writes nothing more); go on " \
           f"from it: recfin chaincode upgrade-ledger --bookmark {bookmark_token(K2)}" \
           in " ".join(res.stderr.split())
    res = invoke("--json")
    assert res.exit_code == 1 and json.loads(res.stdout)["failed_at"] == bookmark_token(K2)


def test_a_page_interrupted_after_the_orderer_took_it_gets_no_advice_against_sending_it_again(ledger):
    """The Gateway's Ctrl-C once the orderer was handed the page (``may_have_been_ordered``): the command says
    its own way on, a page sent again writing nothing more, not the line of a change sent without a request
    id, which would tell the regulator to read the record it changes before sending it again."""
    def third_interrupted(arguments):
        if arguments[1] == K2:
            stop = KeyboardInterrupt()
            stop.transaction_id, stop.may_have_been_ordered = "tx-page-3", True
            raise stop
        return pages(arguments)

    ledger.responses["UpgradeLedger"] = third_interrupted
    res = invoke()
    assert "page 3 was interrupted (it may have committed: sent again, it writes nothing more)" \
        in " ".join(res.stderr.split())
    assert "before you send it again" not in res.output, res.output

def test_each_pages_line_ends_with_the_next_pages_token_so_any_stop_can_go_on_from_the_last_line(ledger):
    """A run killed between two lines (SIGKILL, a host going down) prints nothing more: the last page line
    printed names the page to go on from, in the text and, on stderr, with --json."""
    ledger.responses["UpgradeLedger"] = pages
    res = invoke()
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stdout.splitlines() if line.startswith("page ")]
    assert [line.rsplit("; ", 1)[1] for line in lines] == [
        f"next page: --bookmark {bookmark_token(K1)}", f"next page: --bookmark {bookmark_token(K2)}",
        "the last page"]
    res = invoke("--json")
    assert res.exit_code == 0, res.output
    assert f"next page: --bookmark {bookmark_token(K2)}" in res.stderr and "page 3:" in res.stderr
    assert "next page" not in res.stdout and json.loads(res.stdout)["pages"] == 3


@pytest.fixture
def signals_at_default():
    """SIGTERM and SIGHUP at their default, as in a shell (under nohup SIGHUP is ignored, and the command
    leaves a handler it did not set as it is), and as they were after the test."""
    kept = {signum: signal.signal(signum, signal.SIG_DFL) for signum in (signal.SIGTERM, signal.SIGHUP)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_run_terminated_or_hung_up_during_a_page_shows_what_the_pages_before_found_and_the_token(
        ledger, signals_at_default, signum):
    """SIGTERM (a stopped job, timeout) or SIGHUP (its ssh session dropped) while the third page is sent
    stops the run as Ctrl-C does, where either ended the process at once, saying nothing of where to go on."""
    def third_stopped(arguments):
        if arguments[1] == K2:
            # delivered only where the command handles it: left at its default, it would end the test run
            assert signal.getsignal(signum) is not signal.SIG_DFL, "the signal would end the process at once"
            signal.raise_signal(signum)
        return pages(arguments)

    ledger.responses["UpgradeLedger"] = third_stopped
    res = invoke()
    name = signal.Signals(signum).name
    assert res.exit_code == 128 + signum, res.output
    assert "pages: 2" in " ".join(res.stdout.split()) and "R-00000000000000a2" in res.stdout
    assert f"page 3 was terminated by {name} (it may have committed: sent again, it writes nothing more); " \
           f"go on from it: recfin chaincode upgrade-ledger --bookmark {bookmark_token(K2)}" in \
           " ".join(res.stderr.split())
    assert f"Error: terminated by {name}" in res.stderr
    assert signal.getsignal(signum) is signal.SIG_DFL   # as it was before the command
    res = invoke("--json")
    assert res.exit_code == 128 + signum and json.loads(res.stdout)["failed_at"] == bookmark_token(K2)


def writing_only_what_no_count_names(arguments: list[str]) -> dict:
    """A first page that wrote only what no other count names (payment-record entries written back, policies
    rewritten from the earlier form), and a last page that wrote nothing."""
    nothing = dict.fromkeys(("financier_entries", "discount_offer_entries", "open_offer_entries",
                             "fingerprint_entries", "claim_policies", "financing_policies",
                             "discount_offer_policies"), 0)
    if arguments[1] == "":
        return {**UPGRADE_PAGE, **nothing, "writes": 6, "collisions": [], "bookmark": K1}
    return {**UPGRADE_PAGE, **nothing, "writes": 0, "collisions": [], "bookmark": "", "done": True}


def test_every_write_a_page_made_is_counted_where_no_other_count_names_it(ledger):
    ledger.responses["UpgradeLedger"] = writing_only_what_no_count_names
    res = invoke()
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("page 1: 20 records, 6 values and key-level policies written; next page:")
    assert "page 2: 20 records, 0 values and key-level policies written; the last page" in res.stdout
    assert "writes: 6" in res.stdout
    report = json.loads(invoke("--json").stdout)
    assert report["writes"] == 6 and report["claim_policies"] == 0


def test_a_page_of_a_contract_before_writes_was_counted_says_what_its_counts_name(ledger):
    older = {k: v for k, v in UPGRADE_PAGE.items() if k != "writes"}
    ledger.responses["UpgradeLedger"] = {**older, "bookmark": "", "done": True}
    res = invoke()
    assert res.exit_code == 0, res.output
    # the entries and policies its counts name: 1 + 2 + 1 + 1
    assert res.stdout.startswith("page 1: 20 records, 5 values and key-level policies written")
    assert "writes: 5" in res.stdout


PARTY_KEY = "\x00recfin.party\x0091310000000000001X\x00"


def party_unreadable_on_two_pages(arguments: list[str]) -> dict:
    """Two pages of claims of one creditor whose party record cannot be read: each page lists its key."""
    if arguments[1] == "":
        return {**UPGRADE_PAGE, "collisions": [], "unreadable": [PARTY_KEY, GARBAGE_KEY], "bookmark": K1}
    return {**UPGRADE_PAGE, "collisions": [], "unreadable": [PARTY_KEY], "bookmark": "", "done": True}


def test_a_record_several_pages_pass_over_is_listed_once(ledger):
    ledger.responses["UpgradeLedger"] = party_unreadable_on_two_pages
    report = json.loads(invoke("--json").stdout)
    assert report["unreadable"] == [PARTY_KEY, GARBAGE_KEY]
    res = invoke()
    assert res.exit_code == 0, res.output
    assert "2 record(s) the contract cannot read" in res.stdout
    assert ", 1 unreadable; the last page" in res.stdout   # a page's line says what that page listed


LOST = CommitStatusError("commit status not received: deadline exceeded", transaction_id="tx-lost",
                         code=grpc.StatusCode.DEADLINE_EXCEEDED)


@pytest.mark.parametrize("lost_at, go_on", [
    ("", "run the same command again"),
    (K1, f"go on from it: recfin chaincode upgrade-ledger --bookmark {bookmark_token(K1)}"),
], ids=["first-page", "second-page"])
def test_a_page_that_may_have_committed_is_sent_again_as_it_writes_only_what_is_missing(ledger, lost_at,
                                                                                         go_on):
    """Its answer lost after the orderer may have taken it: no record to read first, as for another change
    (sent again, it writes nothing more once it committed)."""
    def lost(arguments):
        if arguments[1] == lost_at:
            raise LOST
        return pages(arguments)

    ledger.responses["UpgradeLedger"] = lost
    res = invoke()
    assert res.exit_code == 1
    text = " ".join(res.stderr.split())
    assert f"(transaction tx-lost may have committed all the same; sending it again is safe: an " \
           f"UpgradeLedger page writes only what is missing, nothing once it committed; {go_on})" in text
    assert "read the record it changes" not in text and text.count("go on from it") == (lost_at != "")
