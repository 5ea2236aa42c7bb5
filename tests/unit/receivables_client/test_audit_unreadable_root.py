"""The audit of a split part whose root the contract refuses the auditor (``not-permitted-to-read``: a bank asked
to finance a part is no party to its root): the root's writes are read back from the blocks of the auditor's own
peer, through the version each transaction read of the root's key, and checked as a readable root's history is.
Where they cannot be read back, the check fails: nothing then shows the root was registered and confirmed by its
debtor, and a debt two orgs made up would pass for one.
"""
from __future__ import annotations

import json

import grpc
import pytest
from click.testing import CliRunner
from fabric_protos.peer import transaction_pb2

from client.gateway.errors import EvaluateError
from client.ledger.endorsements import committed_transaction
from chaincode.receivables.keys import new_id
from client.receivables.ledger_keys import party_key, receivable_key

from . import fakes
from . import test_audit as audit_tests
from .audit_ledger import endorsed
from .test_audit import (BANK, CORE, PART, REGULATOR, SUPPLIER, R, _confirmed_as_changed, as_split_part, at,
                         checks_of, history_entry, party_entry, recfin, refusal, split_again)

# the fixtures: the ledger of real endorsements a claim is audited on, and the command's session on it
orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank

UNPROVEN = f"so nothing shows {R} was registered and confirmed by its debtor"


def forged_root(ledger) -> None:
    """Two orgs other than the debtor's write R, never registered, CONFIRMED naming the real debtor; its holder
    then splits it with the genuine contract, which the debtor's peer endorses (it checks only that R is
    CONFIRMED and the caller holds it)."""
    ledger.history = [history_entry("t-forged", "CONFIRMED")]
    ledger.transactions["t-forged"] = endorsed("t-forged", {receivable_key(R): ledger.receivable},
                                               ledger.peers(SUPPLIER, REGULATOR))
    as_split_part(ledger)


def unreadable_root(ledger) -> None:
    ledger.histories[R] = refusal("not-permitted-to-read", R)


def split_reading(ledger, reads) -> None:
    """The split of R into PART (as_split_part) again, reading R as ``reads`` says."""
    written = committed_transaction(ledger.transactions["t-split"])
    ledger.transactions["t-split"] = endorsed(
        "t-split", [(write.key, json.loads(write.value)) for action in written.actions for write in action.writes],
        ledger.peers(CORE, SUPPLIER), reads=reads)


@pytest.mark.parametrize("root_readable", [True, False])
def test_a_part_of_a_root_two_orgs_wrote_confirmed_fails_whether_or_not_the_auditor_may_read_the_root(
        ledger, root_readable):
    forged_root(ledger)
    if not root_readable:
        unreadable_root(ledger)
    report, _ = ledger.audit()
    assert not report.passed
    passed, reason = checks_of(report)["changes before confirmation"]
    assert passed is False
    seen = "its history" if root_readable else "its writes, read back from the blocks"
    assert reason.startswith(f"{PART} was split from {R}, which was not created REGISTERED and then confirmed "
                             f"({seen}: CONFIRMED, SPLIT)")
    assert all(check.checked for check in report.checks)


def blind_write(ledger, tx_id: str, claim: dict, history: list[dict]) -> None:
    """Transaction ``tx_id`` of the regulator's and the bank's orgs writes ``claim`` over its key, reading nothing of
    it (a blind write, which Fabric commits: a key an earlier contract version left without a key-level policy falls
    under the chaincode-level one, any two orgs); ``history``, the claim's, lists it last."""
    ledger.transactions[tx_id] = endorsed(tx_id, {receivable_key(claim["id"]): claim}, ledger.peers(BANK, REGULATOR))
    history.append(history_entry(tx_id, claim["status"]))


def held_by_tier2(ledger) -> None:
    """The party record of the holder the forgers chose, as its own org registered it."""
    ledger.parties[fakes.TIER2] = [party_entry("t-tier2", SUPPLIER)]
    ledger.transactions["t-tier2"] = endorsed("t-tier2", {party_key(fakes.TIER2): fakes.party(uscc=fakes.TIER2)},
                                              ledger.peers(SUPPLIER, BANK))


def the_one_failed_check(ledger):
    """The audit's ``changes before confirmation``, which fails while every other check passes."""
    report, _ = ledger.audit()
    assert not report.passed
    before = report.checks[1]
    assert all(check.passed for check in report.checks if check is not before)
    return before


def not_its_registration(tx_id: str, problem: str) -> str:
    """The reason of the check failing because the write R's walk back through the blocks starts at, ``tx_id``,
    is not R's registration, for ``problem``."""
    return (f"{PART} was split from {R}, whose history the contract refuses the auditor (not-permitted-to-read), "
            f"and the write its blocks show as {R}'s creation, transaction {tx_id}, which read no earlier version of "
            f"it, {problem}: a write that reads nothing of a key hides every write before it, so nothing shows the "
            "claim registered was the one confirmed")


@pytest.mark.parametrize("root_readable", [True, False])
def test_a_root_two_orgs_rewrote_for_another_holder_reading_nothing_before_its_confirmation_fails(
        ledger, root_readable):
    # R registered, then written again REGISTERED to tier 2 by two other orgs reading nothing of it; its debtor
    # confirms what it finds, and tier 2 splits it. The blind write read back from the blocks would pass for
    # R's registration, the confirmation writing what it wrote
    registration = ledger.history.pop()
    blind_write(ledger, "t-taken", {**ledger.receivable, "status": "REGISTERED", "holder": fakes.TIER2},
                ledger.history)
    ledger.history.append(registration)
    _confirmed_as_changed(ledger, holder=fakes.TIER2)
    held_by_tier2(ledger)
    as_split_part(ledger)
    if not root_readable:
        unreadable_root(ledger)
    before = the_one_failed_check(ledger)
    if root_readable:   # the history lists the registration, which the confirmation does not match
        assert (before.subject, before.tx_id, before.passed) == (R, "t-confirm", False)
        assert "with holder other than its registration (t-register) did" in before.reason
        return
    assert (before.what, before.subject, before.tx_id, before.passed) == (
        "changes before confirmation", R, "t-taken", False)
    assert before.reason == not_its_registration(
        "t-taken", f"is not the registration that made that id (registering in t-taken makes the claim "
                   f"{new_id('R', 't-taken')})")


def test_a_root_two_orgs_rewrote_under_a_transaction_id_naming_it_fails_as_not_submitted_by_its_creditor(ledger):
    # two orgs grind nonces until their transaction's id names R (some 2^64 / N tries with N claims they may still
    # rewrite; here their write simply takes the id) and write R REGISTERED to tier 2, reading nothing of it, before
    # its debtor confirms: their own client submits it, and only the creditor's org's client can sign as that org
    ledger.transactions["t-register"] = endorsed(
        "t-register", {receivable_key(R): {**ledger.receivable, "status": "REGISTERED", "holder": fakes.TIER2}},
        ledger.peers(BANK, REGULATOR), creator=BANK)
    _confirmed_as_changed(ledger, holder=fakes.TIER2)
    held_by_tier2(ledger)
    as_split_part(ledger)
    unreadable_root(ledger)
    before = the_one_failed_check(ledger)
    assert (before.what, before.subject, before.tx_id, before.passed) == (
        "changes before confirmation", R, "t-register", False)
    assert before.reason == not_its_registration(
        "t-register", f"was submitted by a client of {BANK} but writes {SUPPLIER} as the holder's org, so it is not "
                      "the registration, which its creditor submits from the org it writes as the holder's")


def test_a_roots_registration_read_back_from_the_blocks_passes_by_its_creator_not_its_endorsers_order(ledger):
    # the creditor's client submits its registration; which org's peer endorsed first says nothing of who did
    registered = {**ledger.receivable, "status": "REGISTERED"}
    ledger.transactions["t-register"] = endorsed("t-register", {receivable_key(R): registered},
                                                 ledger.peers(BANK, SUPPLIER), creator=SUPPLIER)
    as_split_part(ledger)
    unreadable_root(ledger)
    report, _ = ledger.audit()
    assert report.passed, report.checks


def test_a_parent_two_orgs_rewrote_reading_nothing_before_its_split_fails_as_not_created_by_a_split(ledger):
    # R split into PART; two other orgs write PART again, to tier 2, reading nothing of it; tier 2 splits PART
    # into PART.1. PART's writes read back from the blocks start at the blind write, which splits nothing
    as_split_part(ledger)
    ledger.receivable = {**ledger.receivable, "holder": fakes.TIER2}
    blind_write(ledger, "t-taken", ledger.receivable, ledger.history)
    held_by_tier2(ledger)
    grandchild = split_again(ledger)
    ledger.histories[PART] = refusal("not-permitted-to-read", PART)
    checks = ledger.audit()[0].checks
    assert [(check.what, check.passed) for check in checks] == [
        ("confirmation", True), ("changes before confirmation", False), ("debtor party record", True),
        ("holder party record", True)]
    assert (checks[1].subject, checks[1].tx_id, checks[1].reason) == (
        PART, "t-taken", f"{grandchild} descends from {PART}, which was not created by a split of its parent (its "
                         f"writes, read back from the blocks: CONFIRMED, SPLIT), yet is not {R}, the root "
                         f"{grandchild} names: {grandchild} does not come from {R}")


def resealed_then_split(ledger) -> None:
    """R split into PART, its history refused the auditor; between its confirmation and the split, a transaction
    (t-reseal) that read R and wrote only its key-level policy, at which the split read R."""
    ledger.transactions["t-reseal"] = endorsed("t-reseal", {}, ledger.peers(CORE, SUPPLIER),
                                               reads={receivable_key(R): at("t-confirm")},
                                               metadata=(receivable_key(R),))
    as_split_part(ledger)
    split_reading(ledger, {receivable_key(R): at("t-reseal")})
    unreadable_root(ledger)


def test_a_genuine_roots_writes_read_back_from_the_blocks_pass_through_a_write_of_its_key_level_policy(ledger):
    resealed_then_split(ledger)
    report, qscc = ledger.audit()
    assert report.passed, report.checks
    before = report.checks[1]
    assert (before.subject, before.tx_id, before.expected_msp, before.checked) == (R, "t-confirm", SUPPLIER, True)
    assert before.reason.startswith(f"{PART} was split from {R} ({R} read back from the blocks, the contract "
                                    "refusing the auditor its history): its confirmation (t-confirm) wrote")
    # every block read from the auditor's own peer
    blocks = [arguments[1] for function, arguments, orgs in qscc.asked if function == "GetBlockByNumber"]
    assert {str(at(tx)[0]) for tx in ("t-register", "t-confirm", "t-reseal")} <= set(blocks)
    assert {tuple(orgs) for *_, orgs in qscc.asked} == {(BANK,)}


@pytest.mark.parametrize("reads, problem", [
    ({}, f"the split (t-split) records no read of {R}, as a split reads the claim it splits"),
    ({receivable_key(R): (40, 0)}, f"read {R} as written at block 40, transaction 0: BankMSP's peer cannot give "
                                   "block 40"),
    ({receivable_key(R): (at("t-confirm")[0], 3)}, f"read {R} as written at block {at('t-confirm')[0]}, "
                                                   f"transaction 3: block {at('t-confirm')[0]} holds 1 transactions"),
    # no t-reseal: its block holds no transaction, which no block the ordering service cuts does
    ({receivable_key(R): at("t-reseal")}, f"read {R} as written at block {at('t-reseal')[0]}, transaction 0: "
                                          f"block {at('t-reseal')[0]}'s data is not what the ordering service "
                                          "hashes: the block holds no transaction"),
    ([(receivable_key(R), at("t-confirm")), (receivable_key(R), at("t-register"))], f"reads {R} at 2 versions"),
])
def test_a_root_whose_writes_cannot_be_read_back_fails_saying_nothing_shows_it_was_registered_and_confirmed(
        ledger, reads, problem):
    as_split_part(ledger)
    split_reading(ledger, reads)
    unreadable_root(ledger)
    report, _ = ledger.audit()
    assert not report.passed
    before = report.checks[1]
    assert (before.what, before.subject, before.passed) == ("changes before confirmation", R, False)
    assert before.reason.startswith(f"{PART} was split from {R}, whose history the contract refuses the auditor "
                                    "(not-permitted-to-read), and its writes cannot be read back from the blocks: ")
    assert problem in before.reason and before.reason.endswith(UNPROVEN)


def test_a_write_the_root_was_read_at_that_is_not_valid_or_does_not_write_it_fails(ledger):
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER),
                                                reads={receivable_key(R): at("t-register")},
                                                validation=transaction_pb2.MVCC_READ_CONFLICT)
    as_split_part(ledger)
    unreadable_root(ledger)
    passed, reason = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert passed is False and reason.endswith(UNPROVEN)
    assert (f"transaction t-confirm (block {at('t-confirm')[0]}, transaction 0): the transaction committed as "
            "MVCC_READ_CONFLICT, not VALID") in reason
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(PART): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER),
                                                reads={receivable_key(R): at("t-register")})
    passed, reason = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert passed is False and f"does not write {R}'s key" in reason and reason.endswith(UNPROVEN)


def test_a_write_of_the_roots_policy_alone_that_read_no_version_of_it_fails(ledger):
    ledger.transactions["t-reseal"] = endorsed("t-reseal", {}, ledger.peers(CORE, SUPPLIER),
                                               metadata=(receivable_key(R),))
    as_split_part(ledger)
    split_reading(ledger, {receivable_key(R): at("t-reseal")})
    unreadable_root(ledger)
    passed, reason = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert passed is False and f"wrote only {R}'s key-level policy and read no version of it" in reason
    assert reason.endswith(UNPROVEN)


def test_a_write_read_at_a_version_not_before_it_fails(ledger):
    # t-confirm claims to have read R as it wrote it itself: the walk would never end
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER),
                                                reads={receivable_key(R): at("t-confirm")})
    as_split_part(ledger)
    unreadable_root(ledger)
    passed, reason = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert passed is False
    assert f"read {R} at block {at('t-confirm')[0]}, transaction 0, which is not before it" in reason


def test_a_block_read_that_fails_on_its_way_leaves_the_audit_unmade(ledger, monkeypatch):
    as_split_part(ledger)
    unreadable_root(ledger)
    qscc = ledger.qscc()
    answer = qscc.evaluate

    def evaluate(function, *, arguments=(), endorsing_organizations=None):
        if function == "GetBlockByNumber" and arguments[1] != "0" and arguments[1] != str(len(qscc.blocks) - 1):
            raise EvaluateError("failed to connect to all addresses", transaction_id="q",
                                code=grpc.StatusCode.UNAVAILABLE)
        return answer(function, arguments=arguments, endorsing_organizations=endorsing_organizations)

    monkeypatch.setattr(qscc, "evaluate", evaluate)
    monkeypatch.setattr(ledger, "qscc", lambda: qscc)
    with pytest.raises(EvaluateError):
        ledger.audit()


def test_the_command_exits_1_for_a_part_of_a_made_up_root_it_may_not_read(as_bank):
    forged_root(as_bank)
    unreadable_root(as_bank)
    res = CliRunner().invoke(recfin, ["receivable", "audit", PART])
    assert res.exit_code == 1, res.output
    assert "NOT CHECKED" not in res.output and "FAILED: 1 of 4 checks failed" in res.output


def test_a_registration_whose_invoices_are_no_list_fails_its_check_instead_of_raising(as_bank):
    registered = {**as_bank.receivable, "status": "REGISTERED", "invoices": 1}
    as_bank.transactions["t-register"] = endorsed("t-register", {receivable_key(R): registered},
                                                  as_bank.peers(SUPPLIER, BANK))
    passed, reason = checks_of(as_bank.audit()[0])["changes before confirmation"]
    assert passed is False
    assert reason.startswith(f"the value its registration (t-register) wrote for {R} cannot be read as a claim: ")
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output
    assert "FAILED: 1 of 5 checks failed" in res.output
