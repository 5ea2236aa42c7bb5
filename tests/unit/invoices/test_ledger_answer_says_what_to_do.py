"""An answer of FindInvoice of another shape was refused saying only what was wrong with it ("FindInvoice answered
b'[]': expected an object with fingerprint, used, receivable_id and live"), leaving the operator to guess that the
channel runs another contract or version than the SDK asks. Each refusal says so, and how to check it."""

import json

import pytest

from client.invoices import LedgerAnswerInvalid, LedgerRegistry, invoice_fingerprint

from ._samples import invoice

FP = invoice_fingerprint(invoice())
ADVICE = ("another contract, or another version of the receivables contract than this SDK's, answered: check what "
          "the channel runs (recfin chaincode config --committed) against this release")


class AnsweringContract:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def evaluate_transaction(self, name: str, *args: str) -> bytes:
        return self.raw


@pytest.mark.parametrize("raw, why", [
    (b"not json", "not JSON"),
    (b"[]", "expected an object with fingerprint, used, receivable_id and live"),
    (json.dumps({"fingerprint": FP, "used": "yes", "receivable_id": "R-1", "live": True}).encode(),
     "used and live must be true or false"),
    (b"[" * 100_000, "JSON nested too deeply to be an answer"),
])
def test_an_answer_of_another_shape_says_what_was_wrong_and_what_to_check(raw, why):
    with pytest.raises(LedgerAnswerInvalid) as refused:
        LedgerRegistry(AnsweringContract(raw)).receivable_for(FP)
    assert str(refused.value).startswith("FindInvoice answered ")
    assert str(refused.value).endswith(f": {why}; {ADVICE}")
