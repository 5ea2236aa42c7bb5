"""``unless_refused_the_read`` gives an AsyncReceivablesClient's read the answer the blocking client's gets: None
where the contract refuses the caller the read, any other refusal raised. An async read is a coroutine, refused
only when awaited, which the helper used to hand back untouched, so the refusal it exists to turn into None came
out of the caller's ``await``."""

from __future__ import annotations

import asyncio

import pytest

from client.gateway.errors import ErrorDetail, EvaluateError
from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation, unless_refused_the_read

from . import fakes
from .test_async_client import FakeAsyncContract

R = fakes.receivable()["id"]


def refusal(rule: str) -> EvaluateError:
    return EvaluateError("evaluate call to endorser returned error", transaction_id="t1", details=[
        ErrorDetail("peer0", "BankMSP", f"chaincode response 500, RULE {rule}: as the contract words it")])


def awaited_read(errors=None, responses=None):
    client = AsyncReceivablesClient(FakeAsyncContract(errors=errors or {}, responses=responses or {}))
    return asyncio.run(_await(unless_refused_the_read(lambda: client.get_receivable(R))))


async def _await(awaitable):
    return await awaitable


def test_an_async_read_refused_for_who_the_caller_is_gives_none_as_the_blocking_one_does():
    errors = {"GetReceivable": refusal("not-permitted-to-read")}
    assert unless_refused_the_read(lambda: ReceivablesClient(fakes.FakeContract(errors=errors)).get_receivable(R)) \
        is None
    assert awaited_read(errors=errors) is None


def test_an_async_read_refused_by_another_rule_raises_it():
    with pytest.raises(RuleViolation) as refused:
        awaited_read(errors={"GetReceivable": refusal("not-found")})
    assert refused.value.rule == "not-found"


def test_an_async_read_that_answers_gives_the_answer():
    assert awaited_read(responses={"GetReceivable": fakes.receivable()}).id == R
