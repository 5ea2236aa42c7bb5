"""A ledger command stopped after its call committed says so: the SDK knows that a split claim's payment
committed once it reads the payment's transaction back (``committed`` on the interrupt), and the error
line then says "it committed", where it said "it may have committed" as for a call whose fate is unknown.
The advice (the same --request-id) stays."""
import pytest

from cli.request_ids import AnswerLost, exactly_once
from client.receivables import ReceivablesClient
from tests.unit.receivables_client import fakes
from tests.unit.receivables_client.fakes import TIER2, FakeContract

R = fakes.receivable()["id"]
ADVICE = ("run the same command with --request-id PAY-7 to apply it at most once, or "
          "`recfin request get PAY-7` to see whether it did")


def test_a_split_claims_payment_interrupted_while_its_transaction_is_read_back_is_said_to_have_committed():
    split_paid = {**fakes.receivable(status="SPLIT"), "allocations": []}
    contract = FakeContract(responses={"RecordPayment": split_paid},
                            errors={"GetRequest": KeyboardInterrupt()})
    with pytest.raises(AnswerLost) as lost:
        exactly_once("PAY-7", lambda rid: ReceivablesClient(contract).record_payment(R, 100, request_id=rid))
    assert [call.name for call in contract.calls] == ["RecordPayment", "GetRequest"]
    assert lost.value.exit_code == 130 and lost.value.__cause__.committed is True
    assert lost.value.message.endswith(f"(request id PAY-7: it committed; {ADVICE})")


def test_a_call_interrupted_while_it_was_submitted_may_have_committed_still():
    contract = FakeContract(errors={"TransferReceivable": KeyboardInterrupt()})
    with pytest.raises(AnswerLost) as lost:
        exactly_once("PAY-7",
                     lambda rid: ReceivablesClient(contract).transfer(R, TIER2, 3_000_000, request_id=rid))
    assert lost.value.message.endswith(f"(request id PAY-7: it may have committed; {ADVICE})")
