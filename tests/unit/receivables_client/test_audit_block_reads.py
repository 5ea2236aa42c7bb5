"""The blocks an audit reads back a claim's writes from: each read once while it is among the few kept
(``BLOCKS_KEPT``), a VALID transaction found in one not read again by its id, and an answer that is no block
failing the check with a reason naming the block and the channel."""
from __future__ import annotations

import pytest

from client.receivables import ReceivablesClient
from client.receivables import audit as audit_module
from client.receivables.audit import ReceivableAudit
from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .audit_ledger import CHAINCODE, CHANNEL, endorsed, seal, transaction_block
from .test_audit import BANK, BLOCK_OF, CORE, PART, SUPPLIER, R, as_split_part, at, refusal, split_again
from .test_audit_unreadable_root import UNPROVEN, resealed_then_split, split_reading, unreadable_root

orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger


def blocks_asked(qscc) -> list[str]:
    return [arguments[1] for function, arguments, _ in qscc.asked if function == "GetBlockByNumber"]


def test_a_walk_reads_a_block_holding_two_versions_of_the_root_once(ledger, monkeypatch):
    # R registered and confirmed in one block: the split reads R at the confirmation, which read it at the registration
    shared = BLOCK_OF["t-register"]
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), reads={receivable_key(R): (shared, 0)})
    as_split_part(ledger)
    split_reading(ledger, {receivable_key(R): (shared, 1)})
    unreadable_root(ledger)
    scripted = ledger.qscc()
    scripted.blocks[shared] = transaction_block(shared, [ledger.transactions["t-register"],
                                                         ledger.transactions["t-confirm"]])
    scripted.blocks[at("t-confirm")[0]] = transaction_block(at("t-confirm")[0], [])
    seal(scripted.blocks)       # cut as the ordering service would have cut these
    monkeypatch.setattr(ledger, "qscc", lambda: scripted)
    report, qscc = ledger.audit()
    assert report.passed, report.checks
    assert report.checks[1].tx_id == "t-confirm"
    assert blocks_asked(qscc).count(str(shared)) == 1


def test_a_transaction_a_parents_walk_found_valid_is_not_read_again_by_id_for_the_roots_history(ledger):
    # PART.1's parent PART is refused the auditor, its root R is not: the walk back through PART's writes reads
    # the split of R from its block, and R's history lists that split too
    as_split_part(ledger)
    split_again(ledger)
    ledger.histories[PART] = refusal("not-permitted-to-read", PART)
    report, qscc = ledger.audit()
    assert report.passed, report.checks
    by_id = [arguments[1] for function, arguments, _ in qscc.asked if function == "GetTransactionByID"]
    assert "t-split" not in by_id and {"t-register", "t-confirm", "t-split-2"} <= set(by_id)
    assert blocks_asked(qscc).count(str(at("t-split")[0])) == 1


def test_an_audit_keeps_only_the_blocks_it_read_last(ledger, monkeypatch):
    # the walk reads three blocks (the split read R at t-reseal, which read it at t-confirm, at t-register)
    resealed_then_split(ledger)
    monkeypatch.setattr(audit_module, "BLOCKS_KEPT", 1)
    audit = ReceivableAudit(ReceivablesClient(ledger.contract), ledger.qscc(), channel=CHANNEL, msp_id=BANK,
                            chaincode=CHAINCODE)
    report = audit.audit(PART)
    assert report.passed, report.checks
    assert {str(at(tx)[0]) for tx in ("t-register", "t-confirm", "t-reseal")} <= set(blocks_asked(audit.qscc))
    assert len(audit._blocks) == 1      # the last read, whichever check read it


@pytest.mark.parametrize("answer, problem", [
    (b"\xff\xff not a block", f"of channel {CHANNEL} does not decode as a common.Block"),
    (b"", f"of channel {CHANNEL}: the answer of {BANK}'s peer is no block (0 bytes holding no block header)"),
], ids=["undecodable", "empty"])
def test_a_block_answered_with_bytes_that_are_no_block_fails_the_walk_naming_the_block_and_the_channel(
        ledger, monkeypatch, answer, problem):
    as_split_part(ledger)
    unreadable_root(ledger)
    qscc = ledger.qscc()
    confirmed_in = str(at("t-confirm")[0])
    answered = qscc.evaluate

    def evaluate(function, *, arguments=(), endorsing_organizations=None):
        if function == "GetBlockByNumber" and arguments[1] == confirmed_in:
            return answer
        return answered(function, arguments=arguments, endorsing_organizations=endorsing_organizations)

    monkeypatch.setattr(qscc, "evaluate", evaluate)
    monkeypatch.setattr(ledger, "qscc", lambda: qscc)
    before = ledger.audit()[0].checks[1]
    assert (before.what, before.subject, before.passed) == ("changes before confirmation", R, False)
    assert f"block {confirmed_in} cannot be read: block {confirmed_in} {problem}" in before.reason
    assert before.reason.endswith(UNPROVEN)
