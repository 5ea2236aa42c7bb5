"""Refusals come back as RuleViolation with the rule's code; money is never a float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import grpc
import pytest

from client.gateway.errors import CommitError, EndorseError, ErrorDetail, EvaluateError
from client.money import to_fen
from client.receivables import (
    FinancingTerms,
    InvoiceAttestationRequest,
    InvoiceInput,
    ReceivableRegistration,
    ReceivablesClient,
    RuleViolation,
)

from chaincode.receivables.errors import newer_version_record
from client.receivables._read_refusals import refuses_the_caller

from . import fakes
from .fakes import CORE, TIER1, TIER2, FakeContract

HOLDER_MESSAGE = "91310000MA1K00002C does not hold R-1: only its holder may do this"
INVOICE = InvoiceInput(number="26312000000012345678", date=date(2026, 3, 1), amount=100, tax=13, seller_tax_id=TIER1,
                       buyer_tax_id=CORE)


def endorse_error(*messages: str) -> EndorseError:
    return EndorseError("failed to endorse transaction, see attached details for more info", transaction_id="tx-9",
                        code=grpc.StatusCode.ABORTED,
                        details=[ErrorDetail(f"peer{i}.example:7051", "SupplierMSP", m) for i, m in enumerate(messages)])


def test_endorsement_refusal_becomes_rule_violation_with_code_detail_and_cause():
    error = endorse_error("chaincode response 500, RULE not-the-holder: " + HOLDER_MESSAGE)
    contract = FakeContract(errors={"TransferReceivable": error})
    with pytest.raises(RuleViolation) as caught:
        ReceivablesClient(contract).transfer("R-1", TIER2, 100)
    violation = caught.value
    assert violation.rule == "not-the-holder"
    assert violation.detail == HOLDER_MESSAGE
    assert violation.transaction == "TransferReceivable" and violation.transaction_id == "tx-9"
    assert violation.__cause__ is error and violation.gateway_error is error
    assert "RULE not-the-holder" in str(violation)


def test_rule_is_found_in_a_later_peer_detail():
    error = endorse_error("some unrelated transport hiccup",
                          "chaincode response 500, RULE invoice-already-financed: invoice 1 backs R-2")
    contract = FakeContract(errors={"ConfirmReceivable": error})
    with pytest.raises(RuleViolation) as caught:
        ReceivablesClient(contract).confirm("R-1", endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])
    assert caught.value.rule == "invoice-already-financed"
    assert caught.value.detail == "invoice 1 backs R-2"


def test_evaluate_refusal_in_the_status_message_becomes_rule_violation():
    error = EvaluateError("evaluate call to endorser returned error: chaincode response 500, RULE not-found: no receivable R-404",
                          transaction_id="tx-1", code=grpc.StatusCode.ABORTED)
    contract = FakeContract(errors={"GetReceivable": error})
    with pytest.raises(RuleViolation) as caught:
        ReceivablesClient(contract).get_receivable("R-404")
    assert (caught.value.rule, caught.value.detail) == ("not-found", "no receivable R-404")


def test_a_newer_contract_versions_record_comes_back_as_its_rule_and_stops_a_planning_read():
    """The contract's own refusal text (``record-newer-version``: one line, backticks and colons in it) reaches the
    caller whole, by its rule; a read the SDK makes to plan an action raises it rather than sending the action
    blind, as it is no refusal of the caller (``READ_REFUSALS``)."""
    refusal = str(newer_version_record("recfin.receivable [R-1]"))
    error = endorse_error("chaincode response 500, " + refusal)
    contract = FakeContract(errors={"GetReceivable": error})
    client = ReceivablesClient(contract)
    with pytest.raises(RuleViolation) as caught:
        client.get_receivable("R-1")
    assert f"RULE {caught.value.rule}: {caught.value.detail}" == refusal
    assert caught.value.rule == "record-newer-version" and not refuses_the_caller(caught.value)
    with pytest.raises(RuleViolation) as planning:
        client.confirm("R-1")   # reads the claim first, to name the orgs that endorse
    assert planning.value.rule == "record-newer-version"
    assert [c.name for c in contract.calls if c.kind == "submit"] == [], contract.calls


def test_errors_without_a_rule_pass_through_unchanged():
    conversion = endorse_error("chaincode response 500, argument 'receivable' is not JSON")
    commit = CommitError(transaction_id="tx-2", validation_code=11, block_number=7)  # MVCC_READ_CONFLICT
    contract = FakeContract(errors={"RegisterParty": conversion, "ConfirmReceivable": commit})
    client = ReceivablesClient(contract)
    with pytest.raises(EndorseError) as caught:
        client.register_party(TIER1, "x", "supplier", "SupplierMSP", ["x509::CN=a::CN=ca"])
    assert caught.value is conversion
    with pytest.raises(CommitError) as caught_commit:
        client.confirm("R-1", endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])
    assert caught_commit.value is commit


@pytest.mark.parametrize("call", [
    lambda c: c.transfer("R-1", TIER2, 100.0),
    lambda c: c.transfer("R-1", TIER2, True),
    lambda c: c.record_payment("R-1", 12.5),
    lambda c: c.transfer("R-1", TIER2, "100"),
])
def test_float_bool_or_text_amounts_raise_type_error_before_sending(call):
    contract = FakeContract()
    with pytest.raises(TypeError):
        call(ReceivablesClient(contract))
    assert contract.calls == []


@pytest.mark.parametrize(("call", "named"), [
    (lambda c: c.register_party(TIER1, "Tier 1", "supplier", "SupplierMSP", "x509::CN=a::CN=ca"), "client_ids"),
    (lambda c: c.make_offer("F-1", FinancingTerms(advance_rate="0.9", discount_rate="0.036", recourse=False,
                                                  expires_on=date(2026, 4, 30)), "BankMSP"),
     "endorsing_organizations"),
])
def test_a_lone_string_where_a_list_is_expected_raises_type_error_before_sending(call, named):
    """Iterated, "BankMSP" would name the orgs "B", "a", "n", ... and a client id would bind its characters."""
    contract = FakeContract()
    with pytest.raises(TypeError, match=f"{named} must be a list"):
        call(ReceivablesClient(contract))
    assert contract.calls == []


def test_float_in_request_models_raises_type_error():
    with pytest.raises(TypeError, match="float"):
        InvoiceInput(number="1", date=date(2026, 3, 1), amount=100.0, tax=0, seller_tax_id=TIER1, buyer_tax_id=CORE)
    with pytest.raises(TypeError, match="float"):
        FinancingTerms(advance_rate=0.9, discount_rate="0.036", recourse=False, expires_on=date(2026, 4, 30))


def test_fractions_of_a_fen_are_refused_before_sending():
    contract = FakeContract()
    with pytest.raises(ValueError):
        ReceivablesClient(contract).record_payment("R-1", Decimal("0.001"))
    assert contract.calls == []


def test_a_datetime_for_a_date_argument_is_refused_before_sending():
    """A datetime is a date to isinstance, but its isoformat() carries the time: the contract would refuse it."""
    contract = FakeContract()
    with pytest.raises(TypeError, match=r"as_of\.date\(\)"):
        ReceivablesClient(contract).debtor_payment_record(CORE, as_of=datetime(2026, 3, 1, 9, 30))
    assert contract.calls == []


def test_a_negative_zero_rate_is_refused_before_sending():
    with pytest.raises(ValueError, match="rate -0"):
        FinancingTerms(advance_rate=Decimal("-0"), discount_rate="0.036", recourse=False,
                       expires_on=date(2026, 4, 30))


def test_salt_is_random_and_long_enough():
    a = FinancingTerms(advance_rate="0.9", discount_rate="0.036", recourse=False, expires_on=date(2026, 4, 30))
    b = FinancingTerms(advance_rate="0.9", discount_rate="0.036", recourse=False, expires_on=date(2026, 4, 30))
    assert a.salt != b.salt and len(a.salt) >= 16


def test_parsed_documents_keep_money_as_int_and_rates_as_decimal():
    contract = FakeContract(responses={"GetStatistics": fakes.statistics(), "GetOfferTerms": fakes.terms()})
    client = ReceivablesClient(contract)
    stats = client.statistics()
    assert stats.total["CNY"].exposure == 11300000 and isinstance(stats.total["CNY"].exposure, int)
    assert stats.total["CNY"].financed_share == Decimal("0.25")
    assert stats.to_json()["total"]["CNY"]["financed_share"] == "0.2500"
    assert client.get_offer_terms("O-1").discount_rate == Decimal("0.036")


@pytest.mark.parametrize(("call", "shown"), [
    (lambda c: c.transfer("R-1", TIER2, -500), "amount is -500 fen"),
    (lambda c: c.record_payment("R-1", -500), "amount is -500 fen"),
    (lambda c: c.settle("R-1", Decimal("-5.00")), "amount is -5.00 yuan"),
])
def test_a_negative_amount_raises_value_error_naming_the_argument_before_sending(call, shown):
    contract = FakeContract()
    with pytest.raises(ValueError, match=f"{shown}: the ledger takes no negative amount"):
        call(ReceivablesClient(contract))
    assert contract.calls == []


@pytest.mark.parametrize(("build", "field"), [
    (lambda: InvoiceInput(number="1", date=date(2026, 3, 1), amount=-100, tax=0, seller_tax_id=TIER1,
                          buyer_tax_id=CORE), "amount"),
    (lambda: InvoiceInput(number="1", date=date(2026, 3, 1), amount=100, tax=Decimal("-0.13"), seller_tax_id=TIER1,
                          buyer_tax_id=CORE), "tax"),
    (lambda: ReceivableRegistration(debtor=CORE, face_amount=-100, issue_date=date(2026, 3, 1),
                                    due_date=date(2026, 5, 31), invoices=[INVOICE], contract_hash="c" * 64),
     "face_amount"),
    (lambda: FinancingTerms(advance_rate="0.9", discount_rate="0.036", fees=-1, recourse=False,
                            expires_on=date(2026, 4, 30)), "fees"),
    (lambda: InvoiceAttestationRequest(seller_tax_id=TIER1, number="26312000000012345678", fingerprint="f" * 64,
                                       buyer_tax_id=CORE, issue_date=date(2026, 3, 1), total_with_tax=-1,
                                       sources=["reference-tax"], outcome="fail", evidence_digest="e" * 64),
     "total_with_tax"),
])
def test_request_models_refuse_a_negative_amount_naming_the_field(build, field):
    with pytest.raises(ValueError, match=f"{field} is -[0-9.]+ (fen|yuan): the ledger takes no negative amount"):
        build()


def test_to_fen_still_takes_the_negative_amounts_of_invoice_lines():
    """A red-letter invoice or a discount line is negative: only what the receivables SDK sends is refused."""
    assert to_fen(-500) == -500 and to_fen(Decimal("-12.34")) == -1234
