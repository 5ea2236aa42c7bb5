"""A reseal's answer and its ReceivableResealed event read ``member_form_resealed`` as a JSON boolean and
``entries_resealed`` as a JSON integer, as the contract writes them: pydantic's lax ``bool`` and ``int`` would
take ``"yes"``, ``1`` or ``"off"`` for a flag and ``true`` or ``"7"`` for a count, values the contract never
writes, where every other flag and count of the documents is refused unless it is written so."""

from __future__ import annotations

import json

import pytest

from client.gateway import ChaincodeEvent
from client.receivables import ReceivablesClient, ReceivablesEvent, UnreadableAnswer

from . import fakes

R = fakes.receivable()["id"]
KEY_ORGS = ["CoreEnterpriseMSP", "SupplierMSP"]


def reseal(**over) -> dict:
    doc = {"receivable_id": R, "orgs_before": KEY_ORGS, "orgs_after": KEY_ORGS, "member_form_resealed": True,
           "entries_resealed": 2, "tx_id": "ab" * 32}
    doc.update(over)
    return doc


NOT_AS_WRITTEN = [{"member_form_resealed": "yes"}, {"member_form_resealed": 1}, {"member_form_resealed": "off"},
                  {"entries_resealed": True}, {"entries_resealed": "7"}, {"entries_resealed": 2.0}]


@pytest.mark.parametrize("written", NOT_AS_WRITTEN)
def test_a_reseal_answer_not_written_as_the_contract_writes_it_is_unreadable_and_says_it_committed(written):
    contract = fakes.FakeContract(responses={"GetReceivableEndorsers": KEY_ORGS, "ResealReceivable": reseal(**written)})
    with pytest.raises(UnreadableAnswer) as unreadable:
        ReceivablesClient(contract).reseal_receivable(R)
    assert unreadable.value.committed
    assert next(iter(written)) in unreadable.value.problem


def test_a_reseal_answer_as_written_reads():
    contract = fakes.FakeContract(responses={"GetReceivableEndorsers": KEY_ORGS, "ResealReceivable": reseal()})
    done = ReceivablesClient(contract).reseal_receivable(R)
    assert (done.member_form_resealed, done.entries_resealed) == (True, 2)


def resealed_event(**over) -> ReceivablesEvent:
    payload = {"event": "ReceivableResealed", "receivable_id": R, "tx_id": "ab" * 32, "by": fakes.CORE,
               "orgs_before": KEY_ORGS, "orgs_after": KEY_ORGS, "member_form_resealed": False,
               "entries_resealed": 0, **over}
    return ReceivablesEvent.from_chaincode_event(ChaincodeEvent(
        block_number=9, transaction_id="ab" * 32, chaincode_name="receivables", event_name="ReceivableResealed",
        payload=json.dumps(payload).encode()))


@pytest.mark.parametrize("written", NOT_AS_WRITTEN)
def test_a_resealed_event_not_written_as_the_contract_writes_it_does_not_read_as_its_model(written):
    with pytest.raises(ValueError, match=next(iter(written))):
        resealed_event(**written).typed()
    assert resealed_event().typed().entries_resealed == 0
