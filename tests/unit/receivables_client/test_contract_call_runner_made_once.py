"""Every call of the contract runs one body both clients share (``_ContractCalls._call_steps``): blocking in
ReceivablesClient, awaited in AsyncReceivablesClient. Its runner is made once for each kind of client, not at every
call: making one copies the body's name and signature (``client.gateway._twins``), which cost about ten times the
call's own steps on the path every operation takes. Two clients sharing the runner each get their own answers."""

from __future__ import annotations

import asyncio

from pydantic import TypeAdapter

from client.gateway import _twins
from client.receivables import AsyncReceivablesClient, ReceivablesClient

ANSWER = TypeAdapter(dict)


class Contract:
    def __init__(self, answer: bytes) -> None:
        self.answer = answer

    def evaluate(self, name: str, **options) -> bytes:
        return self.answer


class AsyncContract(Contract):
    async def evaluate(self, name: str, **options) -> bytes:
        return self.answer


def counted(run_steps, made: list):
    def making(body):
        made.append(body)
        return run_steps(body)
    return staticmethod(making)


def test_the_blocking_client_makes_the_runner_of_its_calls_once(monkeypatch):
    made: list = []
    monkeypatch.setattr(ReceivablesClient, "_run_steps", counted(_twins.blocking, made))
    first, second = ReceivablesClient(Contract(b'{"n": 1}')), ReceivablesClient(Contract(b'{"n": 2}'))
    answers = [client._evaluate("WhoAmI", model=ANSWER) for client in (first, second, first)]
    assert answers == [{"n": 1}, {"n": 2}, {"n": 1}]
    assert len(made) == 1


def test_the_async_client_makes_the_runner_of_its_calls_once(monkeypatch):
    made: list = []
    monkeypatch.setattr(AsyncReceivablesClient, "_run_steps", counted(_twins.awaiting, made))
    first = AsyncReceivablesClient(AsyncContract(b'{"n": 1}'))
    second = AsyncReceivablesClient(AsyncContract(b'{"n": 2}'))

    async def calls():
        return [await client._evaluate("WhoAmI", model=ANSWER) for client in (first, second, first)]

    assert asyncio.run(calls()) == [{"n": 1}, {"n": 2}, {"n": 1}]
    assert len(made) == 1
