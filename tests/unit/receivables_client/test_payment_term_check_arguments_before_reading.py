"""``check_payment_term``'s ``today`` and ``request_id`` are checked before the contract's settings are read, in
the blocking and the async client alike. A ``today`` of another type (``"2026-03-01"``, a datetime) raised
"'>' not supported between instances of 'datetime.date' and 'str'" from inside the contract's rule for a claim
past the term, and went unused for one within it; a request id the registration could not be sent with (``""``,
``"order 7"``, an int) was looked up as though it could, or passed unsaid."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, timezone

import pytest

from client.receivables import (ArgumentRefused, ArgumentTypeRefused, AsyncReceivablesClient, ReceivablesClient,
                                RefusedBeforeSending)

from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import registration

WITHIN_THE_TERM = registration()
PAST_THE_TERM = registration().model_copy(update={"due_date": date(2030, 1, 1)})


def _raised_by_both(claim, **given):
    """What each client's check_payment_term raised over a contract answering its settings, and what each read."""
    answers = {"GetContractSettings": fakes.contract_settings(), "GetRequest": {}}
    contracts = FakeContract(responses=dict(answers)), FakeAsyncContract(responses=dict(answers))
    raised = []
    for contract, run in zip(contracts, (lambda c: ReceivablesClient(c).check_payment_term(claim, **given),
                                         lambda c: asyncio.run(AsyncReceivablesClient(c).check_payment_term(
                                             claim, **given)))):
        with pytest.raises(Exception) as error:
            run(contract)
        raised.append(error.value)
    return raised, [c.calls for c in contracts]


@pytest.mark.parametrize("claim", [WITHIN_THE_TERM, PAST_THE_TERM], ids=["within", "past"])
@pytest.mark.parametrize("given, kind, said", [
    ({"today": "2026-03-01"}, ArgumentTypeRefused, "today must be a datetime.date, not str"),
    ({"today": 1.5}, ArgumentTypeRefused, "today must be a datetime.date, not float"),
    ({"today": datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)}, ArgumentTypeRefused,
     "today must be a datetime.date, not a datetime: pass business_date(today)"),
    ({"request_id": 7}, ArgumentTypeRefused, "request_id must be a str, not int"),
    ({"request_id": ""}, ArgumentRefused, "request_id '': a request id is 1 to 128"),
    ({"request_id": "order 7"}, RefusedBeforeSending,
     "RegisterReceivable would be refused: RULE request-id-invalid: request_id 'order 7'"),
], ids=["today-text", "today-float", "today-datetime", "request-id-int", "request-id-empty", "request-id-spaced"])
def test_an_argument_the_check_cannot_use_is_refused_before_anything_is_read(claim, given, kind, said):
    raised, calls = _raised_by_both(claim, **given)
    for error in raised:
        assert type(error) is kind
        assert re.match(re.escape(said), str(error)), str(error)
    assert calls == [[], []]


def test_a_date_and_a_request_id_of_the_contracts_form_are_used():
    contract = FakeContract(responses={"GetContractSettings": fakes.contract_settings()})
    assert ReceivablesClient(contract).check_payment_term(WITHIN_THE_TERM, today=date(2026, 3, 2),
                                                          request_id="order-7") is not None
    assert [c.name for c in contract.calls] == ["GetContractSettings"]
