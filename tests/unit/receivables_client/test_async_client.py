"""AsyncReceivablesClient sends exactly what the blocking client sends, awaited."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest

from client.gateway import ChaincodeEvent
from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation

from . import fakes
from .fakes import BANK, CORE, TIER1, FakeContract
from .test_client_calls import BY_HOLDER, CASES, EVERY_DEBTORS, OPEN_OFFER, TERMS, listed_offer


class FakeAsyncContract(FakeContract):
    """The recording double with the AsyncContract's awaited calls."""

    async def submit(self, name, **options):  # type: ignore[override]
        return FakeContract.submit(self, name, **options)

    async def evaluate(self, name, **options):  # type: ignore[override]
        return FakeContract.evaluate(self, name, **options)


@pytest.mark.parametrize("call, kind, name, arguments, answer", CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_async_method_sends_the_same_call_as_the_blocking_one(call, kind, name, arguments, answer):
    sync_contract, async_contract = FakeContract(responses={name: answer}), FakeAsyncContract(responses={name: answer})
    expected = call(ReceivablesClient(sync_contract))
    result = asyncio.run(call(AsyncReceivablesClient(async_contract)))
    assert async_contract.calls == sync_contract.calls
    assert result == expected


def test_async_make_offer_looks_up_the_orgs_and_sends_transient_terms():
    contract = FakeAsyncContract(responses={
        "GetFinancing": {**fakes.financing(status="REQUESTED"), "offers": []},
        "GetReceivable": fakes.receivable(),
        "WhoAmI": fakes.party(msp_id="BankMSP", role="financier"),
        "MakeFinancingOffer": fakes.offer()})
    offer = asyncio.run(AsyncReceivablesClient(contract).make_offer("F-1", TERMS))
    assert [c.name for c in contract.calls] == ["GetFinancing", "GetReceivable", "WhoAmI", "MakeFinancingOffer"]
    assert contract.calls[-1].transient == TERMS.transient()
    assert contract.calls[-1].endorsing_organizations == ["SupplierMSP", "BankMSP"]
    assert offer.id == fakes.offer()["id"]


def test_async_make_offer_sends_the_uncounted_offers_as_the_blocking_one_does():
    left_out = [fakes.offer()["id"], "O-00000000000000c2"]
    sync_contract, async_contract = (kind(responses={"MakeFinancingOffer": fakes.offer()})
                                     for kind in (FakeContract, FakeAsyncContract))
    ReceivablesClient(sync_contract).make_offer("F-1", TERMS, ["SupplierMSP", "BankMSP"], exposure_version=3,
                                                uncounted_offers=left_out)
    asyncio.run(AsyncReceivablesClient(async_contract).make_offer("F-1", TERMS, ["SupplierMSP", "BankMSP"],
                                                                  exposure_version=3, uncounted_offers=left_out))
    assert async_contract.calls == sync_contract.calls
    assert async_contract.calls[-1].arguments == ["F-1", "3", json.dumps(left_out)]
    with pytest.raises(ValueError, match="uncounted_offers"):
        asyncio.run(AsyncReceivablesClient(async_contract).make_offer("F-1", TERMS, uncounted_offers=["O-none"]))
    assert len(async_contract.calls) == 1     # refused before any look-up


def test_async_disbursement_reads_back_terms():
    contract = FakeAsyncContract(responses={
        "GetFinancing": {**fakes.financing(), "offers": []}, "GetOfferTerms": fakes.terms(),
        "GetReceivable": fakes.receivable(status="FINANCED"), "RecordDisbursement": fakes.financing(status="DISBURSED")})
    asyncio.run(AsyncReceivablesClient(contract).record_disbursement("F-1"))
    sent = contract.calls[-1]
    assert json.loads(sent.transient["terms"]) == fakes.terms()
    assert sent.endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"]


def test_async_accept_offer_passes_the_terms_it_reads_as_the_blocking_one_does():
    answers = {"GetOfferTerms": fakes.terms(), "AcceptFinancingOffer": fakes.financing()}
    sync_contract, async_contract = FakeContract(responses=answers), FakeAsyncContract(responses=answers)
    expected = ReceivablesClient(sync_contract).accept_offer("O-1")
    assert asyncio.run(AsyncReceivablesClient(async_contract).accept_offer("O-1")) == expected
    assert async_contract.calls == sync_contract.calls
    assert json.loads(async_contract.calls[-1].transient["terms"]) == fakes.terms()


def test_async_recourse_sends_what_the_blocking_one_sends():
    answers = {"GetFinancing": {**fakes.financing(status="DISBURSED"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(recourse=True), "GetReceivable": fakes.receivable(status="OVERDUE"),
               "ExerciseRecourse": fakes.financing(status="RECOURSED")}
    sync_contract, async_contract = FakeContract(responses=answers), FakeAsyncContract(responses=answers)
    expected = ReceivablesClient(sync_contract).exercise_recourse("F-1", "unpaid")
    assert asyncio.run(AsyncReceivablesClient(async_contract).exercise_recourse("F-1", "unpaid")) == expected
    assert async_contract.calls == sync_contract.calls
    assert async_contract.calls[-1].endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"]


def test_async_recourse_demand_sends_what_the_blocking_one_sends():
    answers = {"GetFinancing": {**fakes.financing(status="DISBURSED"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(recourse=True), "GetReceivable": fakes.receivable(status="FINANCED"),
               "DemandRecourse": fakes.financing(status="DISBURSED", recourse_demands=[
                   {"on": "2026-06-02", "reason": "unpaid", "outstanding": 750_00, "currency": "CNY", "tx_id": "a" * 64}])}
    sync_contract, async_contract = FakeContract(responses=answers), FakeAsyncContract(responses=answers)
    expected = ReceivablesClient(sync_contract).demand_recourse("F-1", "unpaid")
    assert asyncio.run(AsyncReceivablesClient(async_contract).demand_recourse("F-1", "unpaid")) == expected
    assert async_contract.calls == sync_contract.calls
    # the financing record alone changes: the holder's and the bank's orgs, no read of the claim for the debtor's
    assert [c.name for c in async_contract.calls] == ["GetFinancing", "GetOfferTerms", "DemandRecourse"]
    assert json.loads(async_contract.calls[-1].transient["terms"]) == fakes.terms(recourse=True)
    assert async_contract.calls[-1].endorsing_organizations == ["SupplierMSP", "BankMSP"]


def test_async_cancel_financing_pins_the_same_orgs():
    contract = FakeAsyncContract(responses={
        "GetFinancing": {**fakes.financing(), "offers": []}, "GetReceivable": fakes.receivable(status="FINANCED"),
        "CancelFinancing": fakes.financing(status="CANCELLED")})
    result = asyncio.run(AsyncReceivablesClient(contract).cancel_financing("F-1", "not disbursed"))
    assert [c.name for c in contract.calls] == ["GetFinancing", "GetReceivable", "CancelFinancing"]
    assert contract.calls[-1].arguments == ["F-1", "not disbursed"]
    assert contract.calls[-1].endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"]
    assert result.status == "CANCELLED"


def test_async_refusal_is_a_rule_violation():
    error = EndorseError("failed to endorse", transaction_id="tx-3", code=grpc.StatusCode.ABORTED,
                         details=[ErrorDetail("p", "CoreEnterpriseMSP", "chaincode response 500, RULE past-maturity: due")])
    contract = FakeAsyncContract(responses={"GetReceivable": fakes.receivable()}, errors={"ConfirmReceivable": error})
    with pytest.raises(RuleViolation) as caught:
        asyncio.run(AsyncReceivablesClient(contract).confirm("R-1"))
    assert caught.value.rule == "past-maturity" and caught.value.__cause__ is error


def test_async_iteration_over_a_banks_financed_claims():
    pages = {"": fakes.page([fakes.receivable(id="R-1")], EVERY_DEBTORS), EVERY_DEBTORS: fakes.page([fakes.receivable(id="R-2")], "")}
    contract = FakeAsyncContract(responses={"ListReceivablesByFinancier": lambda args: pages[args[3]]})

    async def main():
        return [r.id async for r in AsyncReceivablesClient(contract).iter_receivables("financier", BANK, page_size=1)]

    assert asyncio.run(main()) == ["R-1", "R-2"]
    assert [c.arguments for c in contract.calls] == [[BANK, "", "1", ""], [BANK, "", "1", EVERY_DEBTORS]]


def test_async_iteration_over_a_banks_open_offers():
    pages = {"": fakes.page([listed_offer(id="O-1")], OPEN_OFFER), OPEN_OFFER: fakes.page([listed_offer(id="O-2")], "")}
    contract = FakeAsyncContract(responses={"ListOffersByFinancier": lambda args: pages[args[3]]})

    async def main():
        client = AsyncReceivablesClient(contract)
        first = await client.list_offers_by_financier(BANK, debtor=CORE, page_size=1)
        return first, [o.id async for o in client.iter_offers_by_financier(BANK, CORE, page_size=1)]

    first, ids = asyncio.run(main())
    assert ([o.id for o in first.records], first.bookmark, ids) == (["O-1"], OPEN_OFFER, ["O-1", "O-2"])
    assert [c.arguments for c in contract.calls] == [[BANK, CORE, "1", ""], [BANK, CORE, "1", ""],
                                                     [BANK, CORE, "1", OPEN_OFFER]]


def test_async_iteration_over_pages_and_events():
    pages = {"": fakes.page([fakes.receivable(id="R-1")], BY_HOLDER), BY_HOLDER: fakes.page([fakes.receivable(id="R-2")], "")}
    contract = FakeAsyncContract(responses={"ListReceivablesByHolder": lambda args: pages[args[2]]})

    class Stream:
        def __init__(self):
            self.items = [ChaincodeEvent(4, "t", "receivables", "ReceivableConfirmed",
                                         json.dumps({"event": "ReceivableConfirmed", "receivable_id": "R-1",
                                                     "tx_id": "t", "face_amount": 5}).encode())]
            self.closed = False

        async def __anext__(self):
            if not self.items:
                raise StopAsyncIteration
            return self.items.pop(0)

        async def aclose(self):
            self.closed = True

    stream = Stream()

    class Network:
        def chaincode_events(self, chaincode, *, start_block=None, checkpoint=None):
            return stream

    async def main():
        client = AsyncReceivablesClient(contract, Network())
        ids = [r.id async for r in client.iter_receivables("holder", TIER1, page_size=1)]
        async with client.events() as events:
            names = [(e.name, e.details) async for e in events]
        return ids, names

    ids, names = asyncio.run(main())
    assert ids == ["R-1", "R-2"]
    assert names == [("ReceivableConfirmed", {"face_amount": 5})]
    assert stream.closed


def test_async_client_carries_its_retry_policy_on_every_submit():
    from client.gateway import RetryPolicy

    policy = RetryPolicy(max_attempts=4)
    contract = FakeAsyncContract(responses={"TransferReceivable": fakes.receivable(),
                                            "GetRequest": fakes.request_record()})
    client = AsyncReceivablesClient(contract, retry=policy)
    asyncio.run(client.transfer("R-00000000000000a1", TIER1, 100, request_id="t-1"))
    record = asyncio.run(client.request("split-0001"))
    assert [(c.kind, c.retry) for c in contract.calls] == [("submit", policy), ("evaluate", None)]
    assert record.typed_result.children_records[0].id == "R-00000000000000a1.1"


SPLIT_PAID = {**fakes.receivable(status="SPLIT", outstanding=0,
                                 children=["R-00000000000000a1.1", "R-00000000000000a1.2"]),
              "allocations": [{"receivable_id": "R-00000000000000a1.1", "amount": 300, "payee": TIER1,
                               "outstanding": 2_999_700}]}
PAYMENT_TX = "cd" * 32


@pytest.mark.parametrize("client_class", [ReceivablesClient, AsyncReceivablesClient])
def test_a_payment_on_a_split_claim_names_the_transaction_its_request_record_names(client_class):
    record = fakes.request_record(request_id="pay-1", transaction="RecordPayment", tx_id=PAYMENT_TX,
                                  result=SPLIT_PAID)
    contract_class = FakeContract if client_class is ReceivablesClient else FakeAsyncContract
    contract = contract_class(responses={"RecordPayment": SPLIT_PAID, "GetRequest": record})
    paid = client_class(contract).record_payment("R-00000000000000a1", 300, request_id="pay-1")
    paid = asyncio.run(paid) if client_class is AsyncReceivablesClient else paid
    assert [(c.name, c.arguments) for c in contract.calls] == [
        ("RecordPayment", ["R-00000000000000a1", "300", "pay-1"]), ("GetRequest", ["pay-1", ""])]
    assert paid.tx_id == PAYMENT_TX != paid.last.tx_id


@pytest.mark.parametrize("client_class", [ReceivablesClient, AsyncReceivablesClient])
def test_a_payment_whose_record_cannot_be_read_back_is_returned_without_a_transaction(client_class):
    """The payment committed: a failed read of its record must not look like a failed payment (a caller would pay
    again)."""
    lost = EndorseError("evaluate timed out", transaction_id="tx-8", code=grpc.StatusCode.DEADLINE_EXCEEDED)
    contract_class = FakeContract if client_class is ReceivablesClient else FakeAsyncContract
    contract = contract_class(responses={"RecordPayment": SPLIT_PAID}, errors={"GetRequest": lost})
    paid = client_class(contract).record_payment("R-00000000000000a1", 300)
    paid = asyncio.run(paid) if client_class is AsyncReceivablesClient else paid
    assert paid.allocations[0].amount == 300 and paid.tx_id is None


def _refusal(rule: str) -> EndorseError:
    return EndorseError("failed", transaction_id="t", code=grpc.StatusCode.ABORTED, details=[ErrorDetail(
        "p", "BankMSP", f"chaincode response 500, RULE {rule}: no")])


@pytest.mark.parametrize("call", [
    lambda c: c.exercise_recourse("F-1", "unpaid"),
    lambda c: c.record_disbursement("F-1"), lambda c: c.cancel_financing("F-1", "not disbursed")])
def test_a_bank_that_left_the_claim_is_sent_to_its_own_org_for_the_contracts_own_refusal(call):
    """The bank reads its financing (recoursed, cancelled) but no longer the claim: the claim read's refusal is not
    raised, the call goes to the bank's org alone and the contract's own rule answers, by both clients alike."""
    answers = {"GetFinancing": {**fakes.financing(status="RECOURSED"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(recourse=True), "WhoAmI": fakes.party(msp_id="BankMSP", role="financier"),
               "ExerciseRecourse": fakes.financing(status="RECOURSED"), "RecordDisbursement": fakes.financing(),
               "CancelFinancing": fakes.financing(status="CANCELLED")}
    errors = {"GetReceivable": _refusal("not-permitted-to-read")}
    sync_contract = FakeContract(responses=answers, errors=errors)
    async_contract = FakeAsyncContract(responses=answers, errors=errors)
    call(ReceivablesClient(sync_contract))
    asyncio.run(call(AsyncReceivablesClient(async_contract)))
    assert async_contract.calls == sync_contract.calls
    assert [c.name for c in sync_contract.calls if c.kind == "evaluate"][-2:] == ["GetReceivable", "WhoAmI"]
    assert sync_contract.calls[-1].kind == "submit" and sync_contract.calls[-1].endorsing_organizations == ["BankMSP"]


def test_a_claim_read_failing_otherwise_is_raised_and_nothing_is_sent():
    # not-found (a peer a block behind): sent to the caller's org alone, the call would miss the claim's orgs
    answers = {"GetFinancing": {**fakes.financing(status="DISBURSED"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(recourse=True)}
    errors = {"GetReceivable": _refusal("not-found")}
    sync_contract = FakeContract(responses=answers, errors=errors)
    async_contract = FakeAsyncContract(responses=answers, errors=errors)
    with pytest.raises(RuleViolation) as raised:
        ReceivablesClient(sync_contract).exercise_recourse("F-1", "unpaid")
    assert raised.value.rule == "not-found"
    with pytest.raises(RuleViolation):
        asyncio.run(AsyncReceivablesClient(async_contract).exercise_recourse("F-1", "unpaid"))
    assert async_contract.calls == sync_contract.calls and {c.kind for c in sync_contract.calls} == {"evaluate"}
