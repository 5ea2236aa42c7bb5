"""accept_discount_offer and `recfin discount accept` send the offer's terms as read (AcceptDiscountOffer's
``as_read``), so the contract settles only on them: a rate the debtor's org rewrote since is refused
(``discount-offer-changed``), not taken."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from cli import connection
from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import AsyncReceivablesClient, DiscountOffer, ReceivablesClient, RuleViolation

from ..ledger_contract import Channel, LedgerContract
from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin

D, R = fakes.discount_offer()["id"], "R-00000000000000a1"
TERMS_READ = {"apr": "0.05", "scale": None, "day_count": "ACT/360", "expires_on": "2026-04-01"}


def _refusal(rule: str) -> EndorseError:
    peer = ErrorDetail("p", "SupplierMSP", f"chaincode response 500, RULE {rule}: refused")
    return EndorseError("failed", transaction_id="t", code=grpc.StatusCode.ABORTED, details=[peer])


def _responses() -> dict:
    return {"GetDiscountOffer": fakes.discount_offer(),
            "AcceptDiscountOffer": fakes.receivable(status="SETTLED")}


def test_the_sdk_reads_the_offer_with_the_claim_and_sends_its_terms():
    contract = FakeContract(responses=_responses())
    settled = ReceivablesClient(contract).accept_discount_offer(D, R)
    assert [(c.kind, c.name, c.arguments[:2]) for c in contract.calls] == [
        ("evaluate", "GetDiscountOffer", [D, R]), ("submit", "AcceptDiscountOffer", [D, R])]
    assert json.loads(contract.calls[-1].arguments[2]) == TERMS_READ
    assert settled.status == "SETTLED"


def test_the_async_sdk_sends_the_same_calls():
    sync_contract = FakeContract(responses=_responses())
    async_contract = FakeAsyncContract(responses=_responses())
    ReceivablesClient(sync_contract).accept_discount_offer(D, R, request_id="accept-1")
    asyncio.run(AsyncReceivablesClient(async_contract).accept_discount_offer(D, R, request_id="accept-1"))
    assert async_contract.calls == sync_contract.calls and len(sync_contract.calls) == 2


def test_an_offer_read_before_is_sent_as_read_and_not_read_again():
    """The terms of the offer the caller decided on, not one read at sending: the contract compares them."""
    read = DiscountOffer.model_validate(fakes.discount_offer(apr="0.04", expires_on="2026-03-20"))
    sync_contract = FakeContract(responses=_responses())
    async_contract = FakeAsyncContract(responses=_responses())
    ReceivablesClient(sync_contract).accept_discount_offer(D, R, as_read=read, request_id="accept-1")
    asyncio.run(AsyncReceivablesClient(async_contract).accept_discount_offer(D, R, as_read=read,
                                                                            request_id="accept-1"))
    assert async_contract.calls == sync_contract.calls
    (sent,) = sync_contract.calls
    assert sent.name == "AcceptDiscountOffer"
    assert json.loads(sent.arguments[2]) == {**TERMS_READ, "apr": "0.04", "expires_on": "2026-03-20"}


@pytest.mark.parametrize("as_read, error", [
    (DiscountOffer.model_validate(fakes.discount_offer(id="D-00000000000000e2")), ValueError),
    (fakes.discount_offer(), TypeError),
])
def test_an_as_read_that_is_not_the_offer_accepted_raises_before_anything_is_sent(as_read, error):
    contract = FakeContract(responses=_responses())
    with pytest.raises(error, match="as_read"):
        ReceivablesClient(contract).accept_discount_offer(D, R, as_read=as_read)
    async_contract = FakeAsyncContract(responses=_responses())
    with pytest.raises(error, match="as_read"):
        asyncio.run(AsyncReceivablesClient(async_contract).accept_discount_offer(D, R, as_read=as_read))
    assert contract.calls == [] and async_contract.calls == []


def test_a_caller_refused_the_read_is_sent_without_terms_for_the_contracts_own_refusal():
    refusals = {"GetDiscountOffer": _refusal("not-permitted-to-read"),
                "AcceptDiscountOffer": _refusal("not-the-holder")}
    contract = FakeContract(responses=_responses(), errors=refusals)
    with pytest.raises(RuleViolation) as refused:
        ReceivablesClient(contract).accept_discount_offer(D, R)
    assert refused.value.rule == "not-the-holder"
    assert (contract.calls[-1].name, contract.calls[-1].arguments[:3]) == ("AcceptDiscountOffer", [D, R, ""])


def test_any_other_refusal_of_the_read_is_raised_and_nothing_is_sent():
    contract = FakeContract(responses=_responses(), errors={"GetDiscountOffer": _refusal("not-found")})
    with pytest.raises(RuleViolation, match="not-found"):
        ReceivablesClient(contract).accept_discount_offer(D, R)
    assert [c.name for c in contract.calls] == ["GetDiscountOffer"]


# ------------------------------------------------------------------ on the contract

@pytest.fixture
def offered(monkeypatch, tmp_path) -> tuple[Channel, str, str]:
    """A confirmed claim of supplier1's, and the core enterprise's 5% offer on it."""
    channel = parties_on_the_contract(monkeypatch, tmp_path)
    claim = registered("26312000000012345678")
    ok("receivable", "confirm", claim, "--as", "coreenterprise")
    offer = ok("discount", "publish", "--apr", "0.05", "--expires", "2026-04-01", "--receivable",
               claim, "--as", "coreenterprise")
    return channel, offer["id"], claim


def _rewrite_apr(channel: Channel, offer_id: str, apr: str) -> None:
    """The offer's rate rewritten, as the debtor's org alone may write its key."""
    key = create_composite_key(keys.DISCOUNT, [offer_id])
    channel.ledger.state[key] = json.dumps({**json.loads(channel.ledger.state[key]), "apr": apr}).encode()


def test_the_sdk_accepts_an_unchanged_offer_and_refuses_one_rewritten_since_it_was_read(offered):
    channel, offer_id, claim = offered
    with connection.open_session("supplier", "supplier1") as holder:
        read = holder.client.get_discount_offer(offer_id, receivable_id=claim)
        _rewrite_apr(channel, offer_id, "0.95")
        with pytest.raises(RuleViolation) as refused:
            holder.client.accept_discount_offer(offer_id, claim, as_read=read)
        assert refused.value.rule == "discount-offer-changed"
        assert "apr 0.95, read as 0.05" in str(refused.value)
        assert channel.document(keys.RECEIVABLE, claim)["status"] == "CONFIRMED"
        _rewrite_apr(channel, offer_id, "0.05")
        settled = holder.client.accept_discount_offer(offer_id, claim, as_read=read)
    assert settled.status == "SETTLED" and settled.payments[-1].method == "dynamic-discount"


def test_the_command_sends_the_terms_it_read_and_shows_them(offered):
    channel, offer_id, claim = offered
    accepted = recfin("discount", "accept", offer_id, claim, "--as", "supplier/supplier1", "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert "on the terms read: apr 0.05, ACT/360, expires 2026-04-01" in accepted.output
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "SETTLED"


def test_the_command_is_refused_when_the_offer_changes_between_its_read_and_acceptance(offered, monkeypatch):
    channel, offer_id, claim = offered
    submit = LedgerContract.submit

    def rewritten_after_the_read(self, name, **kwargs):
        if name == "AcceptDiscountOffer":
            _rewrite_apr(channel, offer_id, "0.95")
        return submit(self, name, **kwargs)

    monkeypatch.setattr(LedgerContract, "submit", rewritten_after_the_read)
    refused = recfin("discount", "accept", offer_id, claim, "--as", "supplier/supplier1", "--yes")
    assert refused.exit_code != 0
    said = " ".join(refused.output.split())
    assert "discount-offer-changed" in said and "apr 0.95, read as 0.05" in said, said
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "CONFIRMED"
