"""The ledger readers refuse an msp_id that is no org's name, naming msp_id, before anything is asked: it was put in
the query's endorsing organizations as given, and the Gateway's check of that list refused it as
"endorsing_organizations[0]", an argument the caller never wrote (a fake answering anything took it)."""
from __future__ import annotations

import pytest

from client.gateway import InMemoryCheckpointer
from client.ledger.event_checkpoints import check_chaincode_events_checkpoint
from client.ledger.lifecycle import chaincode_definition
from client.ledger.qscc import block_by_number, block_by_tx_id, current_config, transaction_by_id
from .test_ledger_block_by_number import AnsweringQscc

TX = "ab" * 32


def resumable_checkpoint() -> InMemoryCheckpointer:
    held = InMemoryCheckpointer()
    held.checkpoint_transaction(3, TX)
    return held


READERS = {
    "block_by_number": lambda qscc, msp_id: block_by_number(qscc, msp_id, "receivables", 3),
    "block_by_tx_id": lambda qscc, msp_id: block_by_tx_id(qscc, msp_id, "receivables", TX),
    "transaction_by_id": lambda qscc, msp_id: transaction_by_id(qscc, msp_id, "receivables", TX),
    "current_config": lambda qscc, msp_id: current_config(qscc, msp_id, "receivables"),
    "chaincode_definition": lambda qscc, msp_id: chaincode_definition(qscc, msp_id, "receivables"),
    "check_chaincode_events_checkpoint": lambda qscc, msp_id: check_chaincode_events_checkpoint(
        qscc, msp_id, "receivables", resumable_checkpoint()),
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("msp_id, error, words", [
    (None, TypeError, "msp_id must be an org's MSP ID, a str such as 'Org1MSP', not NoneType None"),
    ("", ValueError, "msp_id is empty: give an org's MSP ID, a str such as 'Org1MSP'"),
    (b"BankMSP", TypeError, "msp_id must be an org's MSP ID, a str such as 'Org1MSP', not bytes b'BankMSP'"),
], ids=["None", "empty", "bytes"])
def test_an_msp_id_that_is_no_name_is_refused_naming_it_before_anything_is_asked(reader, msp_id, error, words):
    qscc = AnsweringQscc(AssertionError("asked"))
    with pytest.raises(error) as refused:
        reader(qscc, msp_id)
    assert str(refused.value) == words
    assert qscc.asked == []
