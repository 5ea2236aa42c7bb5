"""`recfin discount accept` and accept_discount_offer carry a business request id, as the other retried writes
do: an acceptance whose answer was lost names its id, and the same command with --request-id (the same
request_id) is answered with the claim the acceptance settled, exit 0, settling nothing twice, where it was
refused (invalid-state, exit 1) and, at the prompt, not even sent. Over the real contract on MemoryLedger."""

from __future__ import annotations

from chaincode.receivables import keys
from client.gateway import CommitStatusError
from cli import connection

from . import test_cli_discount_accept_agreed as agreed
from .test_cli_discount_accept_agreed import _accept, _sent
from .test_lost_answer_without_a_request_id import answer_lost

# the fixtures: a confirmed claim of supplier1's and the core enterprise's 5% offer on it, priced on the channel's day
offered, on_the_channels_day = agreed.offered, agreed.on_the_channels_day

LOST = CommitStatusError("commit status not received", transaction_id="tx-lost")


def test_an_acceptance_whose_answer_was_lost_names_its_request_id_and_the_retry_returns_the_claim(
        on_the_channels_day, monkeypatch):
    channel, offer_id, claim = on_the_channels_day
    with monkeypatch.context() as lost:
        answer_lost(lost, "AcceptDiscountOffer", LOST)
        first = _accept(offer_id, claim, "--yes", "--request-id", "accept-7")
    assert first.exit_code == 1, first.output
    said = " ".join(first.output.split())
    assert "request id accept-7: it may have committed; run the same command with --request-id accept-7" in said
    settled = channel.document(keys.RECEIVABLE, claim)
    assert settled["status"] == "SETTLED"
    again = _accept(offer_id, claim, "--yes", "--request-id", "accept-7")
    assert again.exit_code == 0, again.output
    assert "paid CNY 1,115.87, discount CNY 14.13" in again.output
    assert channel.document(keys.RECEIVABLE, claim) == settled
    with connection.open_session("supplier", "supplier1") as holder:
        assert holder.client.request("accept-7").tx_id == settled["last"]["tx_id"]


def test_the_retry_at_the_prompt_of_a_settled_claim_is_sent_without_asking(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    assert _accept(offer_id, claim, "--request-id", "accept-7", typed=b"y\n").exit_code == 0
    settled = channel.document(keys.RECEIVABLE, claim)
    again = _accept(offer_id, claim, "--request-id", "accept-7", typed=b"")
    assert again.exit_code == 0, again.output
    assert "[y/N]" not in again.output
    assert channel.document(keys.RECEIVABLE, claim) == settled
    assert _sent(channel) == ["AcceptDiscountOffer", "AcceptDiscountOffer"]


def test_a_second_acceptance_under_a_new_request_id_is_refused_by_the_claims_status(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    assert _accept(offer_id, claim, "--yes", "--request-id", "accept-7").exit_code == 0
    other = _accept(offer_id, claim, "--yes", "--request-id", "accept-8")
    assert other.exit_code == 1, other.output
    said = " ".join(other.output.split())
    assert "while it is SETTLED: only when CONFIRMED" in said and "sent again" not in said, said


def test_the_sdk_sends_one_request_id_per_call_and_the_same_on_its_retry(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    with connection.open_session("supplier", "supplier1") as holder:
        settled = holder.client.accept_discount_offer(offer_id, claim, request_id="pay-early-1")
        again = holder.client.accept_discount_offer(offer_id, claim, request_id="pay-early-1")
        assert again == settled and again.status == "SETTLED"
        assert holder.client.request("pay-early-1").typed_result == settled


def test_at_the_prompt_a_claim_an_acceptance_settled_is_refused_naming_whose_and_how_to_tell(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    assert _accept(offer_id, claim, "--yes").exit_code == 0
    settled = channel.document(keys.RECEIVABLE, claim)
    again = _accept(offer_id, claim, typed=b"y\n")     # run again, without --request-id, in a terminal
    assert again.exit_code == 1, again.output
    said = " ".join(again.output.split())
    assert f"not sent: {claim} is settled" in said, said
    assert (f"the holder {settled['last']['by']} ({settled['last']['msp_id']}) settled it by accepting a discount, "
            f"in transaction {settled['last']['tx_id']} at {settled['last']['at']}") in said, said
    assert f"recfin transaction status {settled['last']['tx_id']} --as supplier/supplier1" in said, said
    assert "recfin request get REQUEST_ID --as supplier/supplier1" in said, said
    assert "[y/N]" not in again.output
    assert _sent(channel) == ["AcceptDiscountOffer"] and channel.document(keys.RECEIVABLE, claim) == settled
