"""Every event the contract emits reads as its details model, field for field.

The payloads are the contract's own, recorded through the walk of every submit transaction in
tests/unit/receivables/test_events.py; each goes through ``ReceivablesEvent`` as the event stream gives it.
"""

from __future__ import annotations

import json
import typing
from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel

from chaincode.receivables import events as contract_events
from chaincode.shim._stub import ChaincodeStub
from client.gateway import ChaincodeEvent
from client.receivables import (EVENT_DETAILS, EVENT_NAMES, EventDetails, LedgerUpgraded, ReceivablesEvent,
                                ReceivableSplit, ReceivableTransferred)

from ..receivables import test_events as contract_event_tests


def _names_the_contract_declares() -> set[str]:
    return {value for name, value in vars(contract_events).items() if name.isupper() and isinstance(value, str)}


def _untyped_fields(model: type[BaseModel], path: str = "") -> list[str]:
    """The fields of ``model`` (and of the models inside it) whose type says nothing: ``Any`` or a bare dict."""
    found = []
    for name, field in model.model_fields.items():
        pending = [field.annotation]
        while pending:
            annotation = pending.pop()
            if annotation is typing.Any or annotation is dict or typing.get_origin(annotation) is dict:
                found.append(f"{path}{name}")
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found.extend(_untyped_fields(annotation, f"{path}{name}."))
            else:
                pending.extend(typing.get_args(annotation))
    return found


def as_streamed(payloads: list[tuple[str, bytes]]) -> list[ReceivablesEvent]:
    """Each event as the ledger delivers it, one a block, from the transaction that emitted it (the one its payload
    names: the SDK refuses a payload naming another)."""
    return [ReceivablesEvent.from_chaincode_event(ChaincodeEvent(block, json.loads(payload)["tx_id"], "receivables",
                                                                 name, payload))
            for block, (name, payload) in enumerate(payloads, start=1)]


async def lifecycle_events(monkeypatch) -> list[ReceivablesEvent]:
    """The events of the walk of every submit transaction, as the event stream gives them."""
    payloads: list[tuple[str, bytes]] = []
    real = ChaincodeStub.set_event

    def recorded(stub, name, payload):
        payloads.append((name, payload))
        return real(stub, name, payload)

    monkeypatch.setattr(ChaincodeStub, "set_event", recorded)
    await contract_event_tests.test_every_submit_transaction_emits_exactly_one_event_naming_the_receivable(monkeypatch)
    return as_streamed(payloads)


def test_a_model_exists_for_every_event_name_the_client_and_the_contract_know():
    assert set(EVENT_NAMES) == set(EVENT_DETAILS) == _names_the_contract_declares()
    assert all(model.__name__ == name for name, model in EVENT_DETAILS.items())


@pytest.mark.parametrize("name", EVENT_NAMES)
def test_no_field_of_a_details_model_is_left_untyped(name):
    assert _untyped_fields(EVENT_DETAILS[name]) == []


async def test_every_event_of_the_lifecycle_reads_as_its_model_with_nothing_lost(monkeypatch):
    emitted = await lifecycle_events(monkeypatch)
    assert {e.name for e in emitted} == set(EVENT_NAMES)
    for event in emitted:
        typed = event.typed()
        assert type(typed) is EVENT_DETAILS[event.name]
        assert typed.to_json() == event.details, event.name   # every field read, none dropped, none changed
        assert event.payload() == {"event": event.name, "receivable_id": event.receivable_id, "tx_id": event.tx_id,
                                   **event.details}


async def test_amounts_are_fen_with_their_currency_and_dates_are_dates(monkeypatch):
    by_name = {e.name: e.typed() for e in await lifecycle_events(monkeypatch)}
    registered = by_name["ReceivableRegistered"]
    assert isinstance(registered.face_amount, int) and registered.currency == "CNY"
    assert isinstance(registered.due_date, date)
    split = by_name["ReceivableSplit"]
    assert (split.amount, split.kept, split.currency, len(split.children)) == (4000, 6000, "CNY", 2)
    assert not isinstance(split, ReceivableTransferred)
    accepted = by_name["DiscountOfferAccepted"]
    assert isinstance(accepted.apr, Decimal) and accepted.paid + accepted.discount == 4000
    assert by_name["FinancingOffered"].expires_on is None  # private: the event carries no expiry
    paid = by_name["PaymentRecorded"]
    assert paid.amount == sum(a.amount for a in paid.allocations) == 100
    upgraded = by_name["LedgerUpgraded"]
    assert isinstance(upgraded, LedgerUpgraded) and upgraded.written >= 1


def _event(name: str, **details) -> ReceivablesEvent:
    payload = json.dumps({"event": name, "receivable_id": "R-1", "tx_id": "t9", **details}).encode()
    return ReceivablesEvent.from_chaincode_event(ChaincodeEvent(7, "t9", "receivables", name, payload))


SPLIT = {"from": "A", "to": "B", "amount": 4000, "kept": 6000, "currency": "CNY", "children": ["R-1.1", "R-1.2"]}


def test_from_is_read_as_from_and_written_back_as_the_payload_spells_it():
    typed = _event("ReceivableSplit", **SPLIT).typed()
    assert isinstance(typed, ReceivableSplit) and isinstance(typed, EventDetails)
    assert (typed.from_, typed.to) == ("A", "B")
    assert typed.to_json() == SPLIT


def test_a_field_the_client_does_not_know_is_refused_by_typed_but_kept_in_details():
    event = _event("ReceivableSplit", **SPLIT, condition="escrow")
    assert event.details["condition"] == "escrow"   # the stream still gives the event
    with pytest.raises(ValueError, match=r"event 'ReceivableSplit' in block 7 tx t9 does not read as "
                                         r"ReceivableSplit: condition: Extra inputs are not permitted .*upgrade"):
        event.typed()


def test_a_payment_names_the_financing_requests_it_ended_and_leaves_the_field_out_when_none():
    paid = {"amount": 100, "currency": "CNY",
            "allocations": [{"receivable_id": "R-1.1", "amount": 100, "payee": "A", "outstanding": 0}]}
    ended = {**paid, "financings_withdrawn": [{"receivable_id": "R-1.1", "financing_id": "F-9"}]}
    typed = _event("PaymentRecorded", **ended).typed()
    assert [(w.receivable_id, w.financing_id) for w in typed.financings_withdrawn] == [("R-1.1", "F-9")]
    assert typed.to_json() == ended
    plain = _event("PaymentRecorded", **paid).typed()
    assert plain.financings_withdrawn == [] and plain.to_json() == paid


def test_a_payment_names_the_accepted_financings_it_ended_and_leaves_the_field_out_when_none():
    # from the due date on a payment ends a financing a bank accepted and never disbursed: typed() refused the
    # event while the model lacked the field
    paid = {"amount": 100, "currency": "CNY",
            "allocations": [{"receivable_id": "R-1", "amount": 100, "payee": "A", "outstanding": 0}]}
    ended = {**paid, "financings_cancelled": [{"receivable_id": "R-1", "financing_id": "F-9", "financier": "B"}]}
    typed = _event("PaymentRecorded", **ended).typed()
    assert [(c.receivable_id, c.financing_id, c.financier) for c in typed.financings_cancelled] == [("R-1", "F-9", "B")]
    assert typed.to_json() == ended
    plain = _event("PaymentRecorded", **paid).typed()
    assert plain.financings_cancelled == [] and plain.to_json() == paid


def test_an_attestation_names_the_sources_it_skipped_and_reads_as_none_skipped_without_them():
    attested = {"attestation_id": "A-1", "fingerprint": "f" * 64, "outcome": "pass", "sources": ["reference-tax"],
                "attester": "BANK"}
    skipped = {**attested, "sources_skipped": ["reference-credit"]}
    typed = _event("InvoiceVerificationAttested", **skipped).typed()
    assert typed.sources_skipped == ["reference-credit"] and typed.to_json() == skipped
    plain = _event("InvoiceVerificationAttested", **attested).typed()
    assert plain.sources_skipped == [] and plain.to_json() == attested


def test_an_amount_that_is_not_integer_fen_is_refused():
    with pytest.raises(ValueError, match="amount: Input should be a valid integer"):
        _event("ReceivableSplit", **{**SPLIT, "amount": 40.5}).typed()


def test_an_event_name_the_client_does_not_know_says_so():
    with pytest.raises(ValueError, match=r"event 'ReceivableEscrowed' in block 7 tx t9: this client knows no event "
                                         r"of that name .*`details`"):
        _event("ReceivableEscrowed", amount=1).typed()


def test_an_older_contracts_event_without_currency_reads_with_the_currency_unknown():
    # the contract named the currency only in ReceivableRegistered before; blocks keep those events for good
    older = {"from": "A", "to": "B", "amount": 4000, "children": ["R-1.1", "R-1.2"]}
    typed = _event("ReceivableSplit", **older).typed()
    assert typed.currency is None and typed.amount == 4000
    assert typed.kept is None     # what the holder kept: named since, unknown in an older contract's event
    assert typed.to_json() == older   # nothing added that the payload did not carry


def test_a_holder_change_is_built_in_python_by_its_python_name():
    built = ReceivableTransferred(from_="A", to="B", amount=1, currency="CNY")
    assert built.to_json() == {"from": "A", "to": "B", "amount": 1, "currency": "CNY"}


def test_a_ledger_upgrade_event_of_a_contract_before_the_open_offer_index_reads():
    older = {"scanned": 3, "financier_entries": 1, "discount_offer_entries": 0, "fingerprint_entries": 2,
             "collisions": [], "without_current_spelling": [], "bookmark": "", "done": True, "by": "REGULATOR"}
    typed = _event("LedgerUpgraded", **older).typed()
    assert typed.open_offer_entries == 0 and typed.written == 3
    assert typed.to_json() == older


def test_freeze_events_say_whether_the_order_was_queued_and_which_order_binds_after_a_lifting():
    queued = _event("ReceivableFrozen", order_reference="ORDER-B", queued=True).typed()
    assert (queued.order_reference, queued.queued) == ("ORDER-B", True)
    lifted = _event("ReceivableUnfrozen", order_reference="LIFT-A", lifted="ORDER-A", frozen_by="ORDER-B").typed()
    assert lifted.frozen_by == "ORDER-B"
    # an older contract's events, which queued no order: the order took effect, the lifting freed the claim
    older_freeze = _event("ReceivableFrozen", order_reference="ORDER-A").typed()
    older_lifting = _event("ReceivableUnfrozen", order_reference="LIFT-A", lifted="ORDER-A").typed()
    assert (older_freeze.queued, older_lifting.frozen_by) == (False, None)
    assert older_lifting.to_json() == {"order_reference": "LIFT-A", "lifted": "ORDER-A"}
