"""A transaction the audit reads by its id is taken only as the answer for that id: a transaction whose
header names another id, or a block said to hold it that holds none of that id, fails the check of the key
whose history lists it, naming both (it says nothing of the transaction asked for)."""
from __future__ import annotations

from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .audit_ledger import ScriptedQscc, config_block, endorsed, transaction_block
from .test_audit import BANK, CORE, SUPPLIER, R, checks_of

orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger


def test_a_transaction_answered_for_another_id_is_not_credited_to_the_one_asked_for(ledger):
    # the history lists t-confirm, a confirmation two other orgs endorsed; asked for it, the answer is another
    # transaction, one the debtor's org endorsed
    forged = endorsed("t-confirm", {receivable_key(R): ledger.receivable}, ledger.peers(SUPPLIER, BANK))
    genuine = endorsed("t-genuine", {receivable_key(R): ledger.receivable}, ledger.peers(CORE, SUPPLIER))
    ledger.transactions["t-confirm"] = forged
    blocks = [config_block(list(ledger.orgs.values())), transaction_block(1, [forged])]
    ledger.qscc = lambda: ScriptedQscc(blocks, {**ledger.transactions, "t-confirm": genuine})
    report = ledger.audit()[0]
    assert not report.passed
    assert checks_of(report)["confirmation"] == (
        False, f"{BANK}'s peer answered transaction 't-genuine' when asked for transaction t-confirm")


def test_a_block_answered_as_a_transactions_that_holds_none_of_its_id_fails_the_check(ledger, monkeypatch):
    qscc = ledger.qscc()
    elsewhere = transaction_block(7, [ledger.transactions["t-register"]])
    monkeypatch.setattr(qscc, "block_of", lambda tx_id: elsewhere if tx_id == "t-confirm" else
                        ScriptedQscc.block_of(qscc, tx_id))
    ledger.qscc = lambda: qscc
    report = ledger.audit()[0]
    assert checks_of(report)["confirmation"] == (
        False, f"{BANK}'s peer answered block 7 as the block of transaction t-confirm, but no transaction "
               "in it has that id")
