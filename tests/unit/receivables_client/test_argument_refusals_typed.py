"""Every refusal of an argument the SDK makes before anything is sent is typed: ``ArgumentRefused`` (a ValueError)
or ``ArgumentTypeRefused`` (a TypeError), ``sent`` False, in the words it always had. A caller counting what
reached the peers (a benchmark's driver, a retrying worker) tells the client's own refusals from the peers'
answers by type, where a bare ValueError or TypeError could as well be a bug of its own code. A request model's
``pydantic.ValidationError``, raised as the call builds the model, is pydantic's type and is left as it is."""

from __future__ import annotations

import asyncio
import pickle
from datetime import date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from client.money import AboveCap
from client.receivables import ArgumentRefused, ArgumentTypeRefused, ReceivablesClient, RefusedBeforeSending

from .fakes import CORE, TIER2, FakeContract
from .test_a_client_of_the_other_familys_objects_refused_when_made import _over_both_families
from .test_client_calls import TERMS, D, F, R, registration
from .test_events_checkpoint_of_another_ledger import TX, Checkpoint, FakeTransport, _async_client, _client
from .test_sync_and_async_refuse_alike import ANSWERS, CALLS, HOSTILE

TYPED = (ArgumentRefused, ArgumentTypeRefused)


def refused_unsent(call) -> BaseException | None:
    """What ``call(client)`` raised on a blocking client over a fake contract, where nothing was sent; else None."""
    client = ReceivablesClient(FakeContract(responses=ANSWERS))
    try:
        call(client)
    except (ValueError, TypeError) as error:
        return None if client.contract.calls else error
    return None


def test_every_refusal_of_a_hostile_argument_before_sending_is_typed():
    """Every public call, each argument in turn replaced by each hostile value (empty, padded, a float, bytes,
    5,000 characters...): what the SDK refused before sending is typed, whichever helper refused it."""
    untyped, typed = [], 0
    for method, ordinary in CALLS.items():
        for i in range(len(ordinary)):
            for bad in HOSTILE:
                args = ordinary[:i] + (bad,) + ordinary[i + 1:]
                error = refused_unsent(lambda client: getattr(client, method)(*args))
                if error is None or isinstance(error, ValidationError):
                    continue
                if isinstance(error, TYPED) and error.sent is False:
                    typed += 1
                else:
                    untyped.append(f"{method}{args!r:.120}: {type(error).__name__}: {error}")
    assert untyped == []
    assert typed > 1000   # the sweep reached the refusals at all


# the refusals the sweep above does not reach: keyword arguments, arguments of the waits and events
BAD_CALLS = {
    "an amount of fractions of a fen": (lambda c: c.transfer(R, TIER2, Decimal("1.001")), ArgumentRefused),
    "a negative amount": (lambda c: c.transfer(R, TIER2, -5), ArgumentRefused),
    "an amount that is no number": (lambda c: c.transfer(R, TIER2, Decimal("NaN")), ArgumentRefused),
    "an amount above the cap": (lambda c: c.transfer(R, TIER2, 10 ** 30), AboveCap),
    "a float amount": (lambda c: c.record_payment(R, 1.5), ArgumentTypeRefused),
    "no endorsing org": (lambda c: c.confirm(R, endorsing_organizations=[]), ArgumentRefused),
    "an endorsing org that is no str": (lambda c: c.confirm(R, endorsing_organizations=[7]), ArgumentTypeRefused),
    "a blank endorsing org": (lambda c: c.confirm(R, endorsing_organizations=[" "]), ArgumentRefused),
    "one endorsing org given as a str": (lambda c: c.confirm(R, endorsing_organizations="BankMSP"),
                                         ArgumentTypeRefused),
    "a blank lifts": (lambda c: c.unfreeze(R, "ORDER-2", lifts="  "), ArgumentRefused),
    "a listing of no kind": (lambda c: c.iter_receivables("bank", TIER2), ArgumentRefused),
    "as_read that is no offer": (lambda c: c.accept_discount_offer(D, R, as_read={"id": D}), ArgumentTypeRefused),
    "fees that are a float": (lambda c: c.make_offer(F, TERMS.model_copy(update={"fees": 1.5}), ["A", "B"]),
                              ArgumentTypeRefused),
    "catch_up given a credit code": (lambda c: c.catch_up(TIER2), ArgumentTypeRefused),
    "events given a channel's name as network": (lambda c: c.events(network="receivables"), ArgumentTypeRefused),
    "a request id of nothing": (lambda c: c.transfer(R, TIER2, 100, request_id=""), ArgumentRefused),
    "a page size that is no int": (lambda c: c.list_by_status("CONFIRMED", page_size="20"), ArgumentTypeRefused),
    "a page size out of range": (lambda c: c.list_by_status("CONFIRMED", page_size=0), RefusedBeforeSending),
    "a query submitted": (lambda c: c._submit("GetOfferTerms", "O-1", model=None), ArgumentRefused),
    "a retry that is no RetryPolicy": (lambda c: type(c)(c.contract, retry=3), ArgumentTypeRefused),
    "events with no network given or held": (lambda c: c.events(), ArgumentRefused),
    "check_checkpoint with no network given or held": (
        lambda c: c.check_checkpoint(Checkpoint(6, TX), msp_id="Org1MSP"), ArgumentRefused),
    "an as_of of text": (lambda c: c.debtor_payment_record(CORE, as_of="2026-03-01"), ArgumentTypeRefused),
    "an as_of that is a datetime": (lambda c: c.debtor_payment_record(CORE, as_of=datetime(2026, 3, 1)),
                                    ArgumentTypeRefused),
    "a today of text": (lambda c: c.check_payment_term(registration(), today="2026-03-01"), ArgumentTypeRefused),
    "a request's date put in as a datetime": (
        lambda c: c.register_receivable(registration().model_copy(update={"issue_date": datetime(2026, 3, 2)})),
        ArgumentTypeRefused),
}


@pytest.mark.parametrize("call, kind", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_each_refusal_before_sending_is_typed_in_the_words_it_had(call, kind):
    error = refused_unsent(call)
    assert isinstance(error, kind) and isinstance(error, TYPED) and error.sent is False, repr(error)
    # the classes callers catch are kept: a ValueError is one still, a TypeError one still
    assert isinstance(error, ValueError) == isinstance(error, ArgumentRefused)
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is type(error) and str(copied) == str(error)


@pytest.mark.parametrize("msp_id, kind", [(" Org1MSP", ArgumentRefused), ("", ArgumentRefused),
                                          (7, ArgumentTypeRefused)])
def test_check_checkpoints_refusal_of_its_org_is_typed_blocking_and_awaited(msp_id, kind):
    transport = FakeTransport()
    client = _client(transport)
    with pytest.raises(kind):
        client.check_checkpoint(Checkpoint(6, TX), msp_id=msp_id)

    async def awaited():
        async with _async_client(transport) as awaiting:
            with pytest.raises(kind):
                await awaiting.check_checkpoint(Checkpoint(6, TX), msp_id=msp_id)

    asyncio.run(awaited())
    assert transport.requests("evaluate") == []


def test_a_requests_date_of_another_type_is_typed_as_the_request_is_built():
    """A request's date field given a number or a datetime is refused as the caller builds the request, before any
    call: the SDK's own refusal, as a float amount of the request is."""
    with pytest.raises(ArgumentTypeRefused, match="^due_date must be a datetime.date, not int") as refused:
        registration().model_validate({**registration().model_dump(), "due_date": 0})
    assert refused.value.sent is False
    assert date(2026, 5, 31) == registration().due_date   # the request built from a date is taken as it was


@pytest.mark.parametrize("make", [lambda networks, contract: ReceivablesClient(contract, networks["async"]),
                                  lambda networks, contract: ReceivablesClient(contract).events(
                                      network=networks["async"])], ids=["made", "events"])
def test_a_network_of_the_other_family_is_an_argument_refused(make):
    async def refusal(networks):
        try:
            make(networks, FakeContract())
        except ValueError as refused:
            return refused
        return None

    refused, sent = _over_both_families(refusal)
    assert isinstance(refused, ArgumentRefused) and refused.sent is False, repr(refused)
    assert "was given an AsyncNetwork as its network" in str(refused) and sent == []
