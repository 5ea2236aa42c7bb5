"""``may_have_committed(error)`` answers for whatever a call raised, as the SDK's own note on it says: a submit that
committed but whose answer this client cannot read (``UnreadableAnswer``), and one its caller gave up on after its
transaction was handed to the orderer (a CancelledError or KeyboardInterrupt the Gateway marks
``may_have_been_ordered``), may have committed. Told False, an integration deciding by it between "send again with
the same request id" and "failed" took such a call for one that failed: sent again under a new id, a payment or a
transfer was applied twice."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from client.gateway.errors import CommitError, CommitStatusError, EndorseError, ErrorDetail
from client.receivables import (AsyncReceivablesClient, ReceivablesClient, RuleViolation, UnreadableAnswer,
                                may_have_committed)

from . import fakes
from .fakes import TIER2, FakeContract
from .test_request_id_of_a_cancelled_call import NeverAnswers

R = fakes.receivable()["id"]


def raised_by(call, contract) -> BaseException:
    with pytest.raises(BaseException) as caught:
        call(ReceivablesClient(contract))
    return caught.value


def test_a_submit_that_committed_with_an_answer_this_client_cannot_read_may_have_committed():
    unreadable = raised_by(lambda c: c.record_payment(R, 100), FakeContract(responses={"RecordPayment": {}}))
    assert isinstance(unreadable, UnreadableAnswer) and unreadable.committed
    assert may_have_committed(unreadable)


def test_an_evaluate_whose_answer_this_client_cannot_read_did_not_commit():
    unreadable = raised_by(lambda c: c.get_receivable(R), FakeContract(responses={"GetReceivable": {}}))
    assert isinstance(unreadable, UnreadableAnswer) and not unreadable.committed
    assert not may_have_committed(unreadable)


def given_up(ordered: bool) -> KeyboardInterrupt:
    """Ctrl-C as the Gateway raises it from a submit: ``may_have_been_ordered`` says how far it got."""
    stopped = KeyboardInterrupt()
    stopped.transaction_id, stopped.may_have_been_ordered = "ab" * 32, ordered
    return stopped


@pytest.mark.parametrize("call, transaction", [
    (lambda c: c.transfer(R, TIER2, 3_000_000), "TransferReceivable"),                 # with a request id
    (lambda c: c.withdraw_discount_offer("D-00000000000000e1"), "WithdrawDiscountOffer"),   # without one
], ids=["request-id", "no-request-id"])
def test_a_submit_given_up_after_its_transaction_was_handed_to_the_orderer_may_have_committed(call, transaction):
    handed = raised_by(call, FakeContract(errors={transaction: given_up(ordered=True)}))
    assert isinstance(handed, KeyboardInterrupt) and may_have_committed(handed)
    endorsing = raised_by(call, FakeContract(errors={transaction: given_up(ordered=False)}))
    assert isinstance(endorsing, KeyboardInterrupt) and not may_have_committed(endorsing)


def test_a_call_with_a_request_id_cancelled_while_submitted_may_have_committed_as_its_note_says():
    """A Contract that does not say how far the submit got: the SDK's note says it may have committed."""
    contract = NeverAnswers(silent=frozenset({"RecordPayment"}))

    async def give_up():
        await asyncio.wait_for(AsyncReceivablesClient(contract).record_payment(R, 100), timeout=0.001)

    with pytest.raises(TimeoutError) as gave_up:
        asyncio.run(give_up())
    cancelled = gave_up.value.__cause__
    assert "it may have committed" in cancelled.__notes__[0]
    assert may_have_committed(cancelled)


def test_a_query_cancelled_while_it_waited_did_not_commit():
    contract = NeverAnswers(silent=frozenset({"GetReceivable"}))

    async def give_up():
        await asyncio.wait_for(AsyncReceivablesClient(contract).get_receivable(R), timeout=0.001)

    with pytest.raises(TimeoutError) as gave_up:
        asyncio.run(give_up())
    assert not may_have_committed(gave_up.value.__cause__)


def test_a_split_claims_payment_given_up_while_its_transaction_was_read_committed():
    contract = NeverAnswers(silent=frozenset({"GetRequest"}), responses={
        "RecordPayment": {**fakes.receivable(status="SPLIT"), "allocations": []}})

    async def give_up():
        await asyncio.wait_for(AsyncReceivablesClient(contract).record_payment(R, 100), timeout=0.001)

    with pytest.raises(TimeoutError) as gave_up:
        asyncio.run(give_up())
    assert gave_up.value.__cause__.committed and may_have_committed(gave_up.value.__cause__)


def test_a_refusal_an_invalid_transaction_and_a_failed_endorsement_did_not_commit():
    peer = ErrorDetail("p", "SupplierMSP", "chaincode response 500, RULE not-the-holder: refused")
    refused = raised_by(lambda c: c.record_payment(R, 100), FakeContract(errors={"RecordPayment": EndorseError(
        "failed", transaction_id="t", code=grpc.StatusCode.ABORTED, details=[peer])}))
    assert isinstance(refused, RuleViolation) and not may_have_committed(refused)
    assert not may_have_committed(EndorseError("no peers", transaction_id="t", code=grpc.StatusCode.UNAVAILABLE))
    assert not may_have_committed(CommitError(transaction_id="t", validation_code=11, block_number=7))
    assert may_have_committed(CommitStatusError("status not received", transaction_id="t"))
    assert not may_have_committed(ValueError("receivable_id '' names nothing"))
