"""`recfin invoice register FILE --request-id ID` sends the claim under that id, as `receivable register` does: the
payment-term check and the registration both get it, and the same command run again is answered with the claim
that committed under it (even when the network's term has been shortened since), never registered twice.

The commands, the SDK and the contract run for real on MemoryLedger (``tests.unit.invoices._ledger``)."""

from __future__ import annotations

import functools

import pytest

from client.receivables import ReceivablesClient

from ..invoices._ledger import Ledger
from ..invoices._samples import SELLER
from ..invoices.test_attest import INVOICE, MATCHED, run

REGISTER = ("register", INVOICE, *MATCHED, "--as", "supplier/supplier1")


@pytest.fixture
def ledger(monkeypatch):
    return Ledger().serve(monkeypatch)


@pytest.fixture
def ids_sent(monkeypatch):
    """The request id each call of the SDK's registration was given, as (method, request_id)."""
    sent: list[tuple[str, str | None]] = []
    for name in ("check_payment_term", "register_receivable"):
        method = getattr(ReceivablesClient, name)

        @functools.wraps(method)
        def recorded(self, *args, _method=method, **kwargs):
            sent.append((_method.__name__, kwargs.get("request_id")))
            return _method(self, *args, **kwargs)

        monkeypatch.setattr(ReceivablesClient, name, recorded)
    return sent


def _registrations(ledger: Ledger) -> list[str]:
    return [claim.id for claim in ledger.client("supplier").list_by_holder(SELLER.tax_id).records]


def test_the_request_id_given_reaches_the_check_and_the_registration(ledger, ids_sent):
    result = run(*REGISTER, "--request-id", "REG-7")
    assert result.exit_code == 0, result.output
    assert ids_sent == [("check_payment_term", "REG-7"), ("register_receivable", "REG-7")]
    assert ledger.client("supplier").request("REG-7").transaction == "RegisterReceivable"


def test_the_same_command_again_is_answered_with_the_claim_registered_under_its_id(ledger, ids_sent):
    first = run(*REGISTER, "--request-id", "REG-7")
    assert first.exit_code == 0, first.output
    # the network's term shortened since (a new definition): the retry is answered with the claim registered
    contract = ledger.memory.router.default_contract
    contract.config = contract.config.model_copy(update={"max_payment_term_days": 30})
    again = run(*REGISTER, "--request-id", "REG-7")
    assert again.exit_code == 0, again.output
    assert again.output.split()[1] == first.output.split()[1]
    assert len(_registrations(ledger)) == 1
    # a new request id is held to the shortened term, as a new registration
    other = run(*REGISTER, "--request-id", "REG-8")
    assert other.exit_code == 1 and "past the maximum payment term of 30 days" in other.output
