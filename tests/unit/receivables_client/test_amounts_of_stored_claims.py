"""The SDK and the CLI act on claims as the contract does: an amount that is a part of a claim already on the
ledger (a transfer, a payment, terms read back for a disbursement) is held to the cap the claim may have been
stored under (10**17 fen), a new one to 2**53 - 1; and an offer no disbursement could take, made before the
contract refused such offers and accepted, is ended by a cancellation that releases the claim.

The commands, the SDK and the contract run for real on MemoryLedger (``TopologySessions``)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from chaincode.receivables import financing as contract_financing
from chaincode.receivables import keys
from chaincode.receivables import money as contract_money
from chaincode.shim import create_composite_key
from cli import connection
from cli.amounts import read_amount
from client.money import LEDGER_MAX_FEN, MAX_FEN, AboveCap, to_fen, yuan
from client.receivables import FinancingTerms, ReceivablesClient
from client.receivables import _offers as offers_module
from client.receivables._models import AMOUNT_CAP

from ..ledger_contract import Channel
from . import fakes
from .fakes import TIER2, FakeContract
from .test_cli_and_contract_agree import confirmed
from .test_cli_pages_and_currencies import parties_on_the_contract
from .test_cli_party_commands import ok, recfin

STORED = 10**17   # the earlier cap: a claim written under it holds up to this


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def client_of(org: str, user: str) -> ReceivablesClient:
    """The SDK client a command acting ``--as org/user`` uses."""
    with connection.open_session(org, user) as session:
        return session.client


def stored_above_the_cap(channel: Channel, receivable_id: str) -> None:
    """The claim as a contract with the earlier cap let it be written: face and outstanding 10**17 fen."""
    key = create_composite_key(keys.RECEIVABLE, [receivable_id])
    claim = json.loads(channel.ledger.state[key])
    claim["face_amount"] = claim["outstanding"] = STORED
    channel.ledger.state[key] = json.dumps(claim).encode()


def test_a_claim_stored_above_the_cap_is_transferred_and_paid_in_full_from_the_command_line(channel):
    moved, paid = confirmed("26312000000012345678"), confirmed("26312000000012345679")
    for rid in (moved, paid):
        stored_above_the_cap(channel, rid)

    transferred = ok("receivable", "transfer", moved, "--to", TIER2, "--amount", f"{STORED}fen",
                     "--as", "supplier/supplier1")
    assert (transferred["holder"], transferred["outstanding"]) == (TIER2, STORED)
    settled = ok("receivable", "pay", paid, "--amount", f"{STORED}fen", "--as", "coreenterprise")
    assert (settled["status"], settled["outstanding"]) == ("SETTLED", 0)

    beyond = recfin("receivable", "pay", moved, "--amount", f"{STORED + 1}fen", "--as", "coreenterprise")
    assert beyond.exit_code == 2 and f"above the cap of {yuan(STORED)} yuan" in beyond.output


def test_a_new_amount_is_still_held_to_the_cap_every_json_parser_reads_exactly():
    assert read_amount(f"{MAX_FEN}fen").fen == MAX_FEN
    with pytest.raises(AboveCap, match=f"{MAX_FEN:,} fen"):
        read_amount(f"{MAX_FEN + 1}fen")
    assert read_amount(f"{LEDGER_MAX_FEN}fen", cap=LEDGER_MAX_FEN).fen == LEDGER_MAX_FEN
    with pytest.raises(AboveCap):
        to_fen(MAX_FEN + 1)
    with pytest.raises(AboveCap, match=f"{LEDGER_MAX_FEN:,} fen"):
        to_fen(Decimal(LEDGER_MAX_FEN + 1).scaleb(-2), cap=LEDGER_MAX_FEN)
    with pytest.raises(ValueError, match="fees"):
        FinancingTerms(advance_rate="0.9", discount_rate="0.036", fees=MAX_FEN + 1, recourse=False,
                       expires_on=date(2026, 4, 30))


@pytest.mark.parametrize("typed", ["9" * 5000 + "fen", "0" * 30 + "9" * 30 + "fen"])
def test_an_amount_of_more_digits_than_any_cap_is_refused_as_above_the_cap(typed):
    # Python refuses int() of more than 4300 digits with a message about its own limits
    with pytest.raises(AboveCap, match="above the cap"):
        read_amount(typed, cap=LEDGER_MAX_FEN)


def test_terms_read_back_for_a_disbursement_do_not_pass_as_a_new_offer_above_the_cap():
    """``OfferTerms.as_request()`` holds fees to the cap they may have been stored under, for a disbursement; a
    new offer made with them is held to the cap on amounts sent, before anything is read or sent."""
    from client.receivables import OfferTerms
    stored = OfferTerms(advance_rate=Decimal("0.8"), discount_rate=Decimal("0.05"), fees=MAX_FEN + 1,
                        recourse=False, day_count="ACT/360", expires_on=date(2027, 1, 1), salt="a" * 32)
    contract = FakeContract(responses={"MakeFinancingOffer": {}})
    with pytest.raises(AboveCap):
        ReceivablesClient(contract).make_offer("F-1", stored.as_request(),
                                               endorsing_organizations=["SupplierMSP", "BankMSP"])
    assert contract.calls == []


def test_the_sdk_sends_a_transfer_or_payment_of_a_stored_claim_in_full_and_refuses_more():
    contract = FakeContract(responses={
        "TransferReceivable": fakes.receivable(),
        "RecordPayment": {**fakes.receivable(), "allocations": []}})
    client = ReceivablesClient(contract)
    client.transfer("R-1", TIER2, STORED, request_id="t-1")
    client.record_payment("R-1", Decimal(STORED).scaleb(-2), request_id="p-1")
    assert [c.arguments[-2] for c in contract.calls] == [str(STORED), str(STORED)]
    for call in (lambda: client.transfer("R-1", TIER2, STORED + 1), lambda: client.record_payment("R-1", STORED + 1)):
        with pytest.raises(AboveCap):
            call()
    assert len(contract.calls) == 2


def test_terms_accepted_under_the_earlier_cap_are_disbursed_from_the_command_line(channel, monkeypatch):
    rid = confirmed()
    stored_above_the_cap(channel, rid)
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    bank = client_of("bank", "officer1")
    fees = MAX_FEN + 1   # more than a new offer may name
    terms = FinancingTerms.model_validate(
        {"advance_rate": "0.9", "discount_rate": "0.036", "fees": fees, "recourse": False, "expires_on": "2026-04-30"},
        context={AMOUNT_CAP: LEDGER_MAX_FEN})
    with monkeypatch.context() as earlier:
        earlier.setattr(contract_money, "MAX_AMOUNT", STORED)   # the contract before the cap of 2**53 - 1
        earlier.setattr(offers_module, "MAX_FEN", STORED)       # and the SDK of that day
        offer = bank.make_offer(financing, terms)
    ok("finance", "accept", offer.id, "--as", "supplier/supplier1")

    disbursed = ok("finance", "disburse", financing, "--as", "bank/officer1")
    assert disbursed["status"] == "DISBURSED"


@pytest.mark.parametrize("canceller", ["supplier/supplier1", "bank/officer1"])
def test_an_accepted_offer_no_disbursement_could_take_is_ended_by_cancellation_and_the_claim_released(
        channel, monkeypatch, canceller):
    rid = confirmed()
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    outstanding = ok("receivable", "get", rid, "--as", "supplier/supplier1")["outstanding"]
    with monkeypatch.context() as earlier:   # the contract before offers were checked
        earlier.setattr(contract_financing, "ensure_disbursable", lambda *_, **__: None)
        offer = ok("finance", "offer", financing, "--advance-rate", "0.9", "--discount-rate", "0.036",
                   "--fees", f"{outstanding}fen", "--expires", "2026-04-30", "--as", "bank/officer1")["id"]

    # acceptance does not read the private terms: the offer is accepted as any other
    accepted = ok("finance", "accept", offer, "--as", "supplier/supplier1")
    assert (accepted["status"], accepted["accepted_offer_id"]) == ("ACCEPTED", offer)
    assert ok("receivable", "get", rid, "--as", "supplier/supplier1")["status"] == "FINANCED"

    refused = recfin("finance", "disburse", financing, "--as", "bank/officer1")
    assert refused.exit_code == 1
    assert "RecordDisbursement refused: RULE financing-not-positive" in refused.output
    assert channel.document(keys.FINANCING, financing)["status"] == "ACCEPTED"

    cancelled = ok("finance", "cancel", financing, "--reason", "terms no disbursement could take",
                   "--as", canceller)
    assert (cancelled["status"], cancelled["cancellation_reason"]) == ("CANCELLED", "terms no disbursement could take")
    claim = channel.document(keys.RECEIVABLE, rid)
    assert (claim["status"], claim["financing_id"], claim["financier"]) == ("CONFIRMED", None, None)
    # released: the holder can ask for financing again, and a bank finance it on terms it can disburse
    again = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    offer = ok("finance", "offer", again, "--advance-rate", "0.9", "--discount-rate", "0.036", "--fees", "100",
               "--expires", "2026-04-30", "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, "--as", "supplier/supplier1")
    assert ok("finance", "disburse", again, "--as", "bank/officer1")["status"] == "DISBURSED"
