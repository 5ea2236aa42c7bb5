"""An argument the contract refuses whatever the ledger holds is refused by the SDK before anything is read or sent,
with a RefusedBeforeSending (a ValueError) carrying the rule the contract would answer with: the caller learns of
it without a round trip to the peers, in the contract's words, in the blocking and the async client alike, and
tells it apart by ``rule`` as it tells the peers' RuleViolation apart, without reading the message."""

from __future__ import annotations

import asyncio
import copy
import json
import pickle
from datetime import date
from decimal import Decimal

import pytest

from client.receivables import (AsyncReceivablesClient, DiscountOfferRequest, FinancingTerms, GoodsReceiptReference,
                                InvoiceInput, ReceivableRegistration, ReceivablesClient, ReceivablesError,
                                RefusedBeforeSending, RuleViolation, ScaleTierIn)

from . import fakes
from .test_async_client import FakeAsyncContract
from .test_client_calls import ATTESTATION

R = "R-00000000000000a1"


def refused_before_sending(call, rule: str, transaction: str) -> None:
    """``call`` raises RefusedBeforeSending, naming ``transaction`` and ``rule`` in its fields and its message,
    through either client, and sends nothing."""
    contract = fakes.FakeContract()
    with pytest.raises(RefusedBeforeSending) as blocking:
        call(ReceivablesClient(contract))
    assert contract.calls == []
    async_contract = FakeAsyncContract()
    with pytest.raises(RefusedBeforeSending) as awaited:
        asyncio.run(call(AsyncReceivablesClient(async_contract)))
    assert async_contract.calls == []
    for refused in (blocking.value, awaited.value):
        assert (refused.transaction, refused.rule, refused.sent) == (transaction, rule, False)
        assert refused.detail and str(refused) == (f"{transaction} would be refused: RULE {rule}: {refused.detail}; "
                                                   "nothing was sent")


@pytest.mark.parametrize("zero", [0, Decimal("0"), Decimal("0.00")])
def test_a_transfer_or_a_payment_of_nothing_is_refused_as_the_contract_refuses_it(zero):
    refused_before_sending(lambda c: c.transfer(R, fakes.TIER2, zero), "amount-not-positive", "TransferReceivable")
    refused_before_sending(lambda c: c.split(R, fakes.TIER2, zero), "amount-not-positive", "TransferReceivable")
    refused_before_sending(lambda c: c.record_payment(R, zero), "amount-not-positive", "RecordPayment")


def test_the_smallest_amount_still_goes_out_in_fen():
    contract = fakes.FakeContract(responses={"RecordPayment": {**fakes.receivable(), "allocations": []}})
    ReceivablesClient(contract).record_payment(R, Decimal("0.01"))
    assert contract.only().arguments[1] == "1"


INVOICE = dict(number="26312000000012345678", date=date(2026, 3, 1), amount=10_000_000, tax=1_300_000,
               seller_tax_id=fakes.TIER1, buyer_tax_id=fakes.CORE)


def registration(**change) -> ReceivableRegistration:
    return ReceivableRegistration(**{"debtor": fakes.CORE, "face_amount": 11_300_000, "issue_date": date(2026, 3, 2),
                                     "due_date": date(2026, 5, 31), "invoices": [InvoiceInput(**INVOICE)],
                                     "contract_hash": "c" * 64, **change})


def terms(**change) -> FinancingTerms:
    return FinancingTerms(**{"advance_rate": "0.9", "discount_rate": "0.036", "recourse": False,
                             "expires_on": date(2026, 4, 30), **change})


def discount_offer(**change) -> DiscountOfferRequest:
    return DiscountOfferRequest(**{"apr": "0.08", "expires_on": date(2026, 4, 30), **change})


REGISTRATIONS = [
    ("amount-not-positive", {"face_amount": 0}),
    ("amount-not-positive", {"invoices": [InvoiceInput(**{**INVOICE, "amount": 0})]}),
    ("currency-invalid", {"currency": "cny"}),
    ("currency-invalid", {"currency": "JPY"}),      # a code, but of no hundredths
    ("credit-code-invalid", {"debtor": fakes.CORE[:-1] + "0"}),
    ("argument-invalid", {"contract_hash": "C" * 64}),
    ("goods-receipt-invalid", {"goods_receipts": [GoodsReceiptReference(po_number=" PO-1", receipt_number="GR-1")]}),
]


@pytest.mark.parametrize("rule, change", REGISTRATIONS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(REGISTRATIONS)])
def test_a_registration_the_contract_would_refuse_is_not_sent(rule, change):
    refused_before_sending(lambda c: c.register_receivable(registration(**change)), rule, "RegisterReceivable")


@pytest.mark.parametrize("rule, offer", [
    ("rate-invalid", lambda: discount_offer(apr="1.5")),
    ("discount-terms-invalid", lambda: discount_offer(apr=None)),
    ("discount-terms-invalid", lambda: discount_offer(apr=None, scale=[ScaleTierIn(min_days_early=10, apr="0.05"),
                                                                      ScaleTierIn(min_days_early=10, apr="0.06")])),
])
def test_a_discount_offer_the_contract_would_refuse_is_not_sent(rule, offer):
    refused_before_sending(lambda c: c.publish_discount_offer(offer()), rule, "PublishDiscountOffer")


@pytest.mark.parametrize("change", [{"advance_rate": "2"}, {"discount_rate": "5"}])
def test_new_terms_the_contract_would_refuse_are_refused_before_the_financing_is_read(change):
    refused_before_sending(lambda c: c.make_offer("F-00000000000000b1", terms(**change)), "rate-invalid",
                           "MakeFinancingOffer")


def test_a_party_whose_credit_code_fails_its_check_digit_is_refused_before_the_channel_is_read():
    refused_before_sending(lambda c: c.register_party(fakes.TIER1[:-1] + "0", "Tier One", "supplier", "SupplierMSP",
                                                      ["x509::CN=a::CN=ca"]),
                           "credit-code-invalid", "RegisterParty")


def test_an_attestation_of_an_invoice_number_the_contract_would_refuse_is_not_sent():
    request = ATTESTATION.model_copy(update={"number": "1234"})
    refused_before_sending(lambda c: c.attest_invoice_verification(request), "invoice-number-invalid",
                           "AttestInvoiceVerification")


def test_requests_the_contract_takes_go_out_as_before():
    contract = fakes.FakeContract(responses={"RegisterReceivable": fakes.receivable(),
                                             "PublishDiscountOffer": fakes.discount_offer()})
    client = ReceivablesClient(contract)
    client.register_receivable(registration(currency="USD", invoices=[InvoiceInput(**INVOICE, currency="USD")]))
    client.publish_discount_offer(discount_offer())
    assert [call.name for call in contract.calls] == ["RegisterReceivable", "PublishDiscountOffer"]
    assert json.loads(contract.calls[0].arguments[0])["currency"] == "USD"


F, O = "F-00000000000000b1", "O-00000000000000c1"
SAID = [
    ("RejectReceivable", lambda c, text: c.reject(R, text)),
    ("WithdrawReceivable", lambda c, text: c.withdraw(R, text)),
    ("WithdrawFinancingOffer", lambda c, text: c.withdraw_offer(O, text)),
    ("CancelFinancing", lambda c, text: c.cancel_financing(F, text)),
    ("DemandRecourse", lambda c, text: c.demand_recourse(F, text)),
    ("ExerciseRecourse", lambda c, text: c.exercise_recourse(F, text)),
    ("FreezeReceivable", lambda c, text: c.freeze(R, text)),
    ("UnfreezeReceivable", lambda c, text: c.unfreeze(R, text)),
    ("UnfreezeReceivable", lambda c, text: c.unfreeze(R, "(2026) Hu 0101 Jie 123", lifts=text)),
]


@pytest.mark.parametrize("text", ["\u3000", "goods returned\nsee the attached letter", "x" * 501])
@pytest.mark.parametrize("transaction, call", SAID, ids=[f"{t}-{i}" for i, (t, _) in enumerate(SAID)])
def test_a_reason_or_order_the_contract_would_refuse_is_refused_before_anything_is_read(transaction, call, text):
    if text.isspace() and call is SAID[-1][1]:
        # a blank lifts has advice of its own: name the order lifted, or pass None
        contract = fakes.FakeContract()
        with pytest.raises(ValueError, match="^lifts is blank"):
            call(ReceivablesClient(contract), text)
        assert contract.calls == []
        return
    refused_before_sending(lambda c: call(c, text), "argument-invalid", transaction)


ORDERS = SAID[-3:-1]    # the order freezing and the order lifting; for lifts, below


@pytest.mark.parametrize("text", ["\u200b", "\ufeff\u200b\u2060"])
@pytest.mark.parametrize("transaction, call", ORDERS, ids=[f"{t}-{i}" for i, (t, _) in enumerate(ORDERS)])
def test_an_order_reference_of_only_invisible_characters_is_refused_before_sending_in_the_contracts_words(
        transaction, call, text):
    refused_before_sending(lambda c: call(c, text), "argument-invalid", transaction)
    with pytest.raises(RefusedBeforeSending) as refused:
        call(ReceivablesClient(fakes.FakeContract()), text)
    assert "holds only invisible characters: give the order's reference as written on the order" in (
        refused.value.detail)


def test_an_invisible_lifts_goes_out_to_name_an_order_an_earlier_contract_recorded_so():
    # the contract lifts such an order where one binds the claim exactly as written, and refuses it otherwise
    contract = fakes.FakeContract(responses={"UnfreezeReceivable": fakes.receivable()})
    ReceivablesClient(contract).unfreeze(R, "(2026) Hu 0101 Jie 123", lifts="\u200b")
    assert contract.only().arguments[1:] == ["(2026) Hu 0101 Jie 123", "\u200b"]


def test_a_reason_goes_out_as_written():
    contract = fakes.FakeContract(responses={"RejectReceivable": fakes.receivable()})
    ReceivablesClient(contract).reject(R, "  goods returned ")
    assert contract.only().arguments[1] == "  goods returned "


def test_a_refusal_before_sending_is_told_apart_by_its_fields_and_still_caught_as_a_value_error():
    contract = fakes.FakeContract()
    try:
        ReceivablesClient(contract).record_payment(R, 0)
    except ValueError as caught:        # as every caller that caught the ValueError before
        refused = caught
    assert isinstance(refused, RefusedBeforeSending) and isinstance(refused, ReceivablesError)
    assert not isinstance(refused, RuleViolation)     # no peer refused it: no transaction id, no gateway error
    assert (refused.transaction, refused.rule, refused.sent) == ("RecordPayment", "amount-not-positive", False)
    assert refused.detail == "amount is 0: give an amount greater than zero"
    assert str(refused) == ("RecordPayment would be refused: RULE amount-not-positive: amount is 0: give an amount "
                            "greater than zero; nothing was sent")
    assert refused.__cause__ is None and refused.__suppress_context__    # the contract's own error stays inside
    assert contract.calls == []


def test_a_refusal_before_sending_pickles_and_copies_with_every_field():
    """A ProcessPool worker's refusal reaches the caller whole, as the peers' RuleViolation does."""
    refused = RefusedBeforeSending("TransferReceivable", "amount-not-positive", "amount is 0: give an amount "
                                   "greater than zero")
    twins = [pickle.loads(pickle.dumps(refused, protocol=p)) for p in range(pickle.HIGHEST_PROTOCOL + 1)]
    for twin in [*twins, copy.copy(refused), copy.deepcopy(refused)]:
        assert type(twin) is RefusedBeforeSending
        assert (twin.transaction, twin.rule, twin.detail, twin.sent, str(twin)) == \
            (refused.transaction, refused.rule, refused.detail, False, str(refused))



@pytest.mark.parametrize("version", [-1, 10 ** 15, 10 ** 5000], ids=["negative", "16-digits", "5001-digits"])
def test_an_exposure_version_the_contract_would_refuse_is_refused_under_its_rule_before_any_look_up(version):
    refused_before_sending(lambda c: c.make_offer(F, terms(), exposure_version=version), "argument-invalid",
                           "MakeFinancingOffer")


@pytest.mark.parametrize("wrong", [O, ["O-none"], [7], {O}, [O] * 1001], ids=["id", "no-id", "int", "set", "1001"])
def test_uncounted_offers_the_contract_would_refuse_are_refused_under_its_rule_before_any_look_up(wrong):
    refused_before_sending(lambda c: c.make_offer(F, terms(), uncounted_offers=wrong), "argument-invalid",
                           "MakeFinancingOffer")


FINGERPRINT = "3f5a" * 16
NOT_FINGERPRINTS = ["invoice.xml", FINGERPRINT[:-1], FINGERPRINT + "0", "3f5a...e9", FINGERPRINT.upper(),
                    "26312000000012345678"]
LOOK_UPS = [("FindInvoice", lambda c, fp: c.find_invoice(fp)),
            ("GetInvoiceAttestations", lambda c, fp: c.invoice_attestations(fp))]


@pytest.mark.parametrize("given", NOT_FINGERPRINTS)
@pytest.mark.parametrize("transaction, look_up", LOOK_UPS, ids=[t for t, _ in LOOK_UPS])
def test_what_is_no_fingerprint_is_refused_as_the_contract_refuses_it_before_it_is_sent(transaction, look_up, given):
    from chaincode.receivables.arguments import _fingerprint as contracts_check
    from chaincode.receivables.errors import RuleViolation as ContractRefusal

    with pytest.raises(ContractRefusal) as by_the_contract:   # what the peers would have answered
        contracts_check(given)
    assert by_the_contract.value.code == "fingerprint-invalid"
    refused_before_sending(lambda c: look_up(c, given), "fingerprint-invalid", transaction)


def test_a_fingerprint_in_capitals_is_told_to_go_in_lower_case():
    with pytest.raises(RefusedBeforeSending) as refused:
        ReceivablesClient(fakes.FakeContract()).find_invoice(FINGERPRINT.upper())
    assert refused.value.detail == (f"{FINGERPRINT.upper()!r} is an invoice fingerprint in capitals: give it in "
                                    "lower case (fingerprint.lower()), the one spelling the invoice registry keys by")


@pytest.mark.parametrize("transaction, look_up", LOOK_UPS, ids=[t for t, _ in LOOK_UPS])
def test_a_fingerprint_goes_out_as_given(transaction, look_up):
    contract = fakes.FakeContract(responses={
        "FindInvoice": {"fingerprint": FINGERPRINT, "used": False, "receivable_id": None, "live": False},
        "GetInvoiceAttestations": {"attestations": [], "unreadable": [], "newer_version": []}})
    look_up(ReceivablesClient(contract), FINGERPRINT)
    assert contract.calls[0].name == transaction and contract.calls[0].arguments[0] == FINGERPRINT
