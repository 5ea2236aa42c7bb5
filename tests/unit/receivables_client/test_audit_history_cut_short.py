"""A key's history that does not reach the key's creation, as on a peer that joined the channel
from a snapshot (it holds no history from before it): its first transaction read the key at a
version, so an earlier write exists that the history leaves out. Every check takes the history's
first change for the key's creation, so the audit fails the check saying the history is cut short
and what to do, where it took a claim's confirmation for a claim created CONFIRMED (a forgery, by
its reason) and passed a party record on a later write taken for its creation; and a history
listing no write of a claim the peer holds, where it said the claim was never confirmed. So does a history
that leaves out writes between two it lists: the later one read the key at another version than the earlier
wrote, where the audit compared the values either side and passed a claim rejected and revived between."""
from __future__ import annotations

from client.receivables.audit import _at
from client.receivables.ledger_keys import party_key, receivable_key

from . import fakes
from . import test_audit as audit_tests
from .test_audit import BANK, CORE, R, SUPPLIER, at, checks_of, endorsed, history_entry, party_entry

# the fixtures: the ledger of real endorsements a claim is audited on
orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger

CUT_SHORT = ("does not reach the {}'s creation (a peer that joined the channel from a snapshot "
             "holds none from before it)")


def test_a_claims_history_starting_at_its_confirmation_is_cut_short_not_created_confirmed(ledger):
    ledger.history = [history_entry("t-confirm", "CONFIRMED")]   # t-confirm read R as t-register wrote it
    report, _ = ledger.audit()
    passed, reason = checks_of(report)["confirmation"]
    assert passed is False
    assert reason.startswith(f"the history of {R} on {BANK}'s peer starts at transaction t-confirm, "
                             f"which read its key as written at block {at('t-register')[0]}, "
                             "transaction 0")
    assert CUT_SHORT.format("claim") in reason and f"audit from a peer of {BANK}" in reason
    assert "wrote it in status CONFIRMED" not in reason


def test_a_party_records_history_starting_at_a_later_write_fails_the_record_check(ledger):
    # the holder's record as a later write of its org left it, endorsed by that org: not its creation
    ledger.parties[fakes.TIER1] = [party_entry("t-bind", SUPPLIER)]
    ledger.transactions["t-bind"] = endorsed("t-bind", {party_key(fakes.TIER1): fakes.party()},
                                             ledger.peers(SUPPLIER, BANK),
                                             reads={party_key(fakes.TIER1): (2, 0)})
    report, _ = ledger.audit()
    passed, reason = checks_of(report)["holder party record"]
    assert passed is False and not report.passed
    assert "starts at transaction t-bind, which read its key as written at block 2" in reason
    assert CUT_SHORT.format("party record") in reason


def test_a_history_whose_first_transaction_read_the_key_absent_starts_at_its_creation(ledger):
    # a registration reads the claim's key to find it absent: no version, so this is its creation
    registered = {**ledger.receivable, "status": "REGISTERED"}
    ledger.transactions["t-register"] = endorsed("t-register", {receivable_key(R): registered},
                                                 ledger.peers(SUPPLIER, BANK),
                                                 reads={receivable_key(R): None})
    report, _ = ledger.audit()
    assert report.passed, report.checks


def test_a_claim_the_peer_holds_with_no_write_in_its_history_is_not_said_never_confirmed(ledger):
    ledger.history = []     # the peer answers the claim CONFIRMED, and no write of its key
    report, _ = ledger.audit()
    passed, reason = checks_of(report)["confirmation"]
    assert passed is False
    assert reason.startswith(f"the history of {R} on {BANK}'s peer lists no write of it, though the peer "
                             "holds it (CONFIRMED): ")
    assert CUT_SHORT.format("claim") in reason and "never confirmed" not in reason


def test_a_history_that_leaves_out_a_rejection_and_a_revival_before_the_confirmation_fails(ledger):
    # two orgs rejected the claim (releasing its invoices) and wrote it back REGISTERED as registered; the peer's
    # history lists neither, so the confirmation's value is the registration's, and only the version the
    # confirmation read shows the writes left out
    rejected = {**ledger.receivable, "status": "REJECTED"}
    revived = {**ledger.receivable, "status": "REGISTERED"}
    ledger.transactions["t-taken"] = endorsed("t-taken", {receivable_key(R): rejected}, ledger.peers(CORE, BANK),
                                              reads={receivable_key(R): at("t-register")})
    ledger.transactions["t-reseal"] = endorsed("t-reseal", {receivable_key(R): revived}, ledger.peers(SUPPLIER, BANK),
                                               reads={receivable_key(R): at("t-taken")})
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), reads={receivable_key(R): at("t-reseal")})
    report, _ = ledger.audit()
    assert report.passed is False
    check = report.checks[0]
    assert (check.what, check.subject, check.tx_id, check.passed) == ("confirmation", R, "t-confirm", False)
    assert check.reason == (
        f"the history of {R} on {BANK}'s peer lists transaction t-confirm after t-register, which wrote its key at "
        f"{_at(at('t-register'))}, but t-confirm read the key as written at {_at(at('t-reseal'))}: the history "
        "leaves out a write between them, so it does not show every change of the claim; audit from another peer "
        f"of {BANK}")
