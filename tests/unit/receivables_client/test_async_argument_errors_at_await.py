"""Every awaited method of AsyncReceivablesClient raises a bad argument at its await, never at the call: the
methods shared with the blocking client as much as those the async client writes itself."""

from __future__ import annotations

import asyncio
import inspect
from datetime import datetime
from decimal import Decimal

import pytest

from client.receivables import AsyncReceivablesClient, Receivable
from client.receivables._operations import _Operations

from . import fakes
from .test_async_client import FakeAsyncContract

ASYNC_ITERATORS = {"iter_receivables", "iter_offers_by_financier", "iter_payment_record", "iter_discount_offers",
                   "events"}
"""What docs/sdk-receivables.md names as the async client's async iterators: entered with ``async for``."""

BAD_ARGUMENTS = [
    # shared with the blocking client (_Operations)
    ("transfer", lambda c: c.transfer("R-1", fakes.TIER2, Decimal("-1")), ValueError),
    ("split", lambda c: c.split("R-1", fakes.TIER2, Decimal("-1")), ValueError),
    ("reject", lambda c: c.reject(123, "not ours"), TypeError),
    ("list_by_status", lambda c: c.list_by_status("NOPE"), ValueError),
    ("list_by_holder", lambda c: c.list_by_holder(fakes.TIER1, page_size=0), ValueError),
    ("register_receivable", lambda c: c.register_receivable({"debtor": "D"}), TypeError),
    ("debtor_payment_record", lambda c: c.debtor_payment_record(fakes.CORE, as_of=datetime(2026, 6, 30, 12)), TypeError),
    # shared too, as bodies whose steps the async client awaits (client.gateway._twins.awaiting)
    ("confirm", lambda c: c.confirm(123), TypeError),
    ("confirm", lambda c: c.confirm("R-1", endorsing_orgs=["X"]), TypeError),      # a keyword it does not take
    ("record_payment", lambda c: c.record_payment("R-1"), TypeError),              # an argument missing
    ("record_payment", lambda c: c.record_payment("R-1", Decimal("-1")), ValueError),
    ("make_offer", lambda c: c.make_offer("F-1", "not terms"), TypeError),
]


def public_methods(cls: type) -> dict[str, object]:
    return {name: getattr(cls, name) for name in dir(cls)
            if not name.startswith("_") and inspect.isfunction(inspect.getattr_static(cls, name))}


def test_every_public_method_but_the_async_iterators_is_a_coroutine_function():
    methods = public_methods(AsyncReceivablesClient)
    not_coroutines = {name for name, method in methods.items() if not inspect.iscoroutinefunction(method)}
    assert not_coroutines == ASYNC_ITERATORS
    assert {"transfer", "reject", "list_by_status", "get_receivable", "confirm", "make_offer"} <= methods.keys()


@pytest.mark.parametrize("name, call, error", BAD_ARGUMENTS, ids=[case[0] for case in BAD_ARGUMENTS])
def test_a_bad_argument_raises_at_the_await_not_at_the_call(name, call, error):
    contract = FakeAsyncContract(responses={})
    coroutine = call(AsyncReceivablesClient(contract))   # raises nothing yet
    assert inspect.iscoroutine(coroutine)
    with pytest.raises(error):
        asyncio.run(coroutine)
    assert contract.calls == []


def test_a_bad_argument_in_a_gather_leaves_the_other_calls_awaited():
    contract = FakeAsyncContract(responses={"GetReceivable": fakes.receivable()})
    client = AsyncReceivablesClient(contract)

    async def main():
        return await asyncio.gather(client.get_receivable("R-1"), client.transfer("R-1", fakes.TIER2, Decimal("-1")),
                                    return_exceptions=True)

    read, refused = asyncio.run(main())
    assert isinstance(read, Receivable) and read.id == fakes.receivable()["id"]
    assert isinstance(refused, ValueError) and "amount" in str(refused)
    assert [c.name for c in contract.calls] == ["GetReceivable"]


def test_the_same_signature_docstring_and_alias_as_the_shared_method():
    for name in ("transfer", "reject", "list_by_status", "who_am_i"):
        assert inspect.signature(getattr(AsyncReceivablesClient, name)) == inspect.signature(getattr(_Operations, name))
        assert getattr(AsyncReceivablesClient, name).__doc__ == getattr(_Operations, name).__doc__
        assert getattr(AsyncReceivablesClient, name).__name__ == name
    assert AsyncReceivablesClient.split is AsyncReceivablesClient.transfer


def test_the_wrapped_methods_pickle_and_are_named_as_the_async_clients():
    import pickle

    for name in ("transfer", "split", "confirm", "get_receivable"):
        method = getattr(AsyncReceivablesClient, name)
        assert pickle.loads(pickle.dumps(method)) is method
        assert method.__qualname__.startswith("AsyncReceivablesClient.")
