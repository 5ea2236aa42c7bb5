"""Every public method of ReceivablesClient has its twin on AsyncReceivablesClient with the same parameters (names,
kinds, defaults), awaited where the blocking one returns, an async iterator where it gives an iterator; and each
twin refuses every bad argument the blocking one refuses, with the same error and message, keyword and
keyword-only arguments included, and the methods that need the Network (waits, events, a checkpoint's check) and
the ``iter_*`` walks too. The transport is faked: what either sends is compared as well, so nothing reaches a peer.

test_sync_and_async_refuse_alike.py varies the positional arguments of the shared operations; this one the rest,
and what the peers answer: a refusal, an answer that is no document of the contract's, a peer not reached."""

from __future__ import annotations

import asyncio
import inspect
import re
from datetime import date
from decimal import Decimal

import grpc
import pytest

from client.gateway import InMemoryCheckpointer
from client.gateway._events import check_checkpoint
from client.receivables import AsyncReceivablesClient, ReceivablesClient

from .fakes import BANK, CORE, TIER1, FakeContract
from .test_async_client import FakeAsyncContract
from .test_sync_and_async_refuse_alike import ANSWERS, CALLS, HOSTILE
from ..client.test_ledger_event_checkpoint_resumable import block, transaction

class FakeEvents:
    """The chaincode events of a network that has none to give yet."""

    def __iter__(self):
        return iter(())

    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


CHECKPOINT = InMemoryCheckpointer()
CHECKPOINT.checkpoint_transaction(5, "ab" * 32)
CHECKPOINT_BLOCK = block(5, (transaction("ab" * 32, event=True), 0))


class FakeNetwork:
    """A Network recording the waits and the event streams asked of it; its qscc answers with the block of
    :data:`CHECKPOINT`'s transaction, which emitted an event."""

    name = "receivables"
    last_committed_block = 7   # of a client that committed block 7: what a catch_up with it waits for

    def __init__(self) -> None:
        self.asked: list[tuple] = []
        self.qscc = FakeContract(responses={"GetBlockByTxID": CHECKPOINT_BLOCK})

    def wait_for_block(self, block_number, *, timeout=None):
        self.asked.append(("wait_for_block", block_number, timeout))
        return block_number

    def chaincode_events(self, chaincode_name, *, start_block=None, checkpoint=None):
        self.asked.append(("chaincode_events", chaincode_name, start_block, checkpoint))
        return FakeEvents()

    def get_contract(self, chaincode_name, contract_name=None):
        return self.qscc


class FakeAsyncNetwork(FakeNetwork):
    def __init__(self) -> None:
        super().__init__()
        self.qscc = FakeAsyncContract(responses={"GetBlockByTxID": CHECKPOINT_BLOCK})

    async def wait_for_block(self, block_number, *, timeout=None):
        return FakeNetwork.wait_for_block(self, block_number, timeout=timeout)


ITERATORS = {"iter_receivables": ("holder", TIER1), "iter_offers_by_financier": (BANK,),
             "iter_payment_record": (CORE,), "iter_discount_offers": (CORE,)}
NETWORK_CALLS = {"wait_for_block": (3,), "catch_up": (ReceivablesClient(FakeContract(), FakeNetwork()),), "events": (), "check_checkpoint": (CHECKPOINT,)}
ORDINARY = {**CALLS, **ITERATORS, **NETWORK_CALLS}
# keyword-only arguments without a default, given as the ordinary call gives them
REQUIRED_KEYWORDS = {"check_checkpoint": {"msp_id": "SupplierMSP"}}
# a few more hostile values for the arguments of numbers (sizes, blocks, timeouts)
NUMERIC_HOSTILE = [0, -1, 10 ** 30, float("nan"), float("inf"), "20", 2.0, Decimal("2.5")]


def public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def test_each_blocking_method_has_an_async_twin_and_no_other():
    assert public_methods(AsyncReceivablesClient) == public_methods(ReceivablesClient)
    # every one is tried below
    assert public_methods(ReceivablesClient) == set(ORDINARY)


def parameters(method) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values()]


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_the_twins_take_the_same_parameters(name):
    blocking, awaited = getattr(ReceivablesClient, name), getattr(AsyncReceivablesClient, name)
    assert parameters(awaited) == parameters(blocking)
    if name in ITERATORS or name == "events":
        assert not inspect.iscoroutinefunction(awaited) and not inspect.iscoroutinefunction(blocking)
    else:
        assert inspect.iscoroutinefunction(awaited) and not inspect.iscoroutinefunction(blocking)


def outcome(client, method: str, args: tuple, kwargs: dict) -> tuple:
    """What ``method(*args, **kwargs)`` did on ``client``, run to its end (an iterator to its first record): its
    error's type and message, or OK; and what it sent or asked of the Network, every fresh request id as <id>."""
    awaits = isinstance(client, AsyncReceivablesClient)

    async def first_of(iterator):
        async for record in iterator:
            return record

    try:
        made = getattr(client, method)(*args, **kwargs)
        if method in ITERATORS:
            asyncio.run(first_of(made)) if awaits else next(iter(made), None)
        elif method == "events":
            asyncio.run(made.aclose()) if awaits else made.close()
        elif awaits:
            asyncio.run(made)
        done = ("OK",)
    except Exception as error:      # what each raised is the comparison
        done = (type(error).__name__, re.sub(r"[0-9a-f]{32}", "<id>", str(error)))
    sent = [(c.kind, c.name, [re.sub(r"^[0-9a-f]{32}$", "<id>", a) if isinstance(a, str) else a for a in c.arguments],
             c.transient, c.endorsing_organizations)
            for c in [*client.contract.calls, *(client.network.qscc.calls if client.network else [])]]
    return done, sent, client.network.asked if client.network else []


def clients(name: str) -> tuple[ReceivablesClient, AsyncReceivablesClient]:
    """The twins over faked transports; with a faked Network for the calls that need one (others, given one, would
    read the channel's config through it)."""
    with_network = name in NETWORK_CALLS
    blocking = ReceivablesClient(FakeContract(responses=ANSWERS), FakeNetwork() if with_network else None)
    awaited = AsyncReceivablesClient(FakeAsyncContract(responses=ANSWERS),
                                     FakeAsyncNetwork() if with_network else None)
    return blocking, awaited


def variants(name: str) -> list[tuple[tuple, dict, str]]:
    """The ordinary call of ``name``, then each of its arguments in turn hostile: the positional ones of the
    methods test_sync_and_async_refuse_alike.py does not vary, and every one that has a default or is keyword-only."""
    ordinary, required = ORDINARY[name], REQUIRED_KEYWORDS.get(name, {})
    cases = [(ordinary, required, "ordinary")]
    if name not in CALLS:
        cases += [(ordinary[:i] + (bad,) + ordinary[i + 1:], required, f"argument {i} {bad!r:.40}")
                  for i in range(len(ordinary)) for bad in HOSTILE + NUMERIC_HOSTILE]
    for parameter in list(inspect.signature(getattr(ReceivablesClient, name)).parameters.values())[1:]:
        given_by_position = (parameter.kind is not parameter.KEYWORD_ONLY
                             and list(inspect.signature(getattr(ReceivablesClient, name)).parameters).index(
                                 parameter.name) - 1 < len(ordinary))
        if parameter.kind is parameter.VAR_POSITIONAL or given_by_position:
            continue
        if parameter.default is parameter.empty and parameter.kind is not parameter.KEYWORD_ONLY:
            continue
        cases += [(ordinary, {**required, parameter.name: bad}, f"{parameter.name}={bad!r:.40}")
                  for bad in HOSTILE + NUMERIC_HOSTILE]
    return cases


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_the_twins_refuse_alike_every_argument_and_send_alike(name):
    for args, kwargs, case in variants(name):
        blocking, awaited = clients(name)
        assert outcome(awaited, name, args, kwargs) == outcome(blocking, name, args, kwargs), f"{name}: {case}"
    blocking, _ = clients(name)
    assert outcome(blocking, name, ORDINARY[name], REQUIRED_KEYWORDS.get(name, {}))[0] == ("OK",)


def test_catch_up_refuses_what_is_no_client_naming_it_and_waits_for_nothing():
    """A credit code, an org's name or a list of clients given whole in place of the clients was an AttributeError
    of Python's words only ('str' object has no attribute 'last_committed_block')."""
    for other in HOSTILE + [FakeContract()]:
        blocking, awaited = clients("catch_up")
        done, sent, asked = outcome(blocking, "catch_up", (other,), {})
        assert outcome(awaited, "catch_up", (other,), {}) == (done, sent, asked), repr(other)[:60]
        assert done[0] == "ArgumentTypeRefused" and "catch_up waits for the changes other orgs' clients submitted" in done[1]
        assert f"is a {type(other).__name__}, not a ReceivablesClient or AsyncReceivablesClient" in done[1]
        assert asked == []


@pytest.mark.parametrize("timeout", ["5", 0, -1, float("nan"), Decimal("5"), True])
def test_catch_up_refuses_a_bad_timeout_whether_or_not_there_is_a_block_to_wait_for(timeout):
    """Checked only by the wait, a bad timeout passed every run in which the other clients had committed nothing,
    to be refused the first time one had."""
    idle, busy = ReceivablesClient(FakeContract(), FakeNetwork()), ReceivablesClient(FakeContract(), FakeNetwork())
    idle.network.last_committed_block = None
    outcomes = set()
    for other in (idle, busy):
        blocking, awaited = clients("catch_up")
        done, sent, asked = outcome(blocking, "catch_up", (other,), {"timeout": timeout})
        assert outcome(awaited, "catch_up", (other,), {"timeout": timeout}) == (done, sent, asked)
        assert asked == []
        outcomes.add(done)
    (done,) = outcomes
    assert done[0] in ("TypeError", "ValueError") and "timeout must be" in done[1]


@pytest.mark.parametrize("checkpoint", ["checkpoint.json", 5, (7, "t-1"), InMemoryCheckpointer])
def test_check_checkpoint_refuses_what_is_no_checkpointer_as_events_does(checkpoint):
    """A file's path or a position given in place of the checkpointer was an AttributeError of Python's words
    only; it is the gateway's refusal of it, which events() gives too, and nothing is asked."""
    blocking, awaited = clients("check_checkpoint")
    done, sent, asked = outcome(blocking, "check_checkpoint", (checkpoint,), {"msp_id": "SupplierMSP"})
    assert outcome(awaited, "check_checkpoint", (checkpoint,), {"msp_id": "SupplierMSP"}) == (done, sent, asked)
    assert done[0] == "TypeError" and "not a checkpointer" in done[1] and sent == []
    with pytest.raises(TypeError) as events_refused:
        blocking.events(checkpoint=checkpoint, network=FakeNetworkCheckingItsCheckpoint())
    assert str(events_refused.value) == done[1]


@pytest.mark.parametrize("name", ["events", "check_checkpoint"])
def test_a_network_argument_that_is_no_network_is_refused_naming_it(name):
    """A channel's or an org's name given as ``network=`` was an AttributeError of Python's words only ('str' object
    has no attribute 'chaincode_events')."""
    for network in HOSTILE:
        if network is None:   # the client's own
            continue
        blocking, awaited = clients(name)
        done, sent, asked = outcome(blocking, name, ORDINARY[name], {**REQUIRED_KEYWORDS.get(name, {}),
                                                                     "network": network})
        assert outcome(awaited, name, ORDINARY[name], {**REQUIRED_KEYWORDS.get(name, {}), "network": network}) == (
            done, sent, asked)
        assert done[0] == "ArgumentTypeRefused" and f"{name}(network=...) takes the gateway Network of the channel" in done[1]
        assert f"not {type(network).__name__} " in done[1] and sent == [] and asked == []


class FakeNetworkCheckingItsCheckpoint(FakeNetwork):
    """A Network that checks the checkpoint it is given as the gateway's does."""

    def chaincode_events(self, chaincode_name, *, start_block=None, checkpoint=None):
        check_checkpoint(checkpoint)
        return super().chaincode_events(chaincode_name, start_block=start_block, checkpoint=checkpoint)


def test_the_dates_of_a_listing_are_refused_alike():
    for as_of in [date(2026, 1, 1), "2026-01-01", 20260101]:
        blocking, awaited = clients("debtor_payment_record")
        call = ("debtor_payment_record", (CORE,), {"as_of": as_of})
        assert outcome(awaited, *call) == outcome(blocking, *call), repr(as_of)


class FailingEverywhere(dict):
    """Errors of a contract: every transaction raises ``failure``."""

    def __init__(self, failure: Exception) -> None:
        super().__init__()
        self.failure = failure

    def __contains__(self, name) -> bool:
        return True

    def __getitem__(self, name) -> Exception:
        return self.failure


def refuse_every_call(contract: FakeContract, rule: str) -> None:
    """Every call of ``contract`` refused under ``rule``, as the Gateway raises it: an EndorseError for a submit, an
    EvaluateError for an evaluate, each with the peer's detail."""
    from client.gateway import ErrorDetail
    from client.gateway.errors import EndorseError, EvaluateError

    said = [ErrorDetail("peer0:7051", "SupplierMSP", f"chaincode response 500, RULE {rule}: refused here")]
    refusal = {"submit": EndorseError("endorse refused", transaction_id="t" * 64, code=grpc.StatusCode.ABORTED,
                                      details=said),
               "evaluate": EvaluateError("evaluate refused", transaction_id="t" * 64, code=grpc.StatusCode.UNKNOWN,
                                         details=said)}
    answer = contract._answer

    def refused(kind, *args, **kwargs):
        contract.errors = FailingEverywhere(refusal[kind])
        return answer(kind, *args, **kwargs)

    contract._answer = refused


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("answer", ["refused", "unreadable", "unreachable"])
def test_the_twins_raise_alike_what_the_peers_answer(name, answer):
    """The contract's refusal (a RuleViolation with its rule), an answer that is no document of the contract's, and a
    peer that is not reached come back from both twins as the same error, with the same words."""
    from client.gateway.errors import EvaluateError

    outcomes = []
    for client in clients(name):
        if answer == "refused":
            refuse_every_call(client.contract, "not-permitted")
        elif answer == "unreadable":
            client.contract.responses = {transaction: b"\xff not json" for transaction in ANSWERS}
        else:
            client.contract.errors = FailingEverywhere(EvaluateError(
                "peer unreachable", transaction_id="t" * 64, code=grpc.StatusCode.UNAVAILABLE, sent=False))
        outcomes.append(outcome(client, name, ORDINARY[name], REQUIRED_KEYWORDS.get(name, {})))
    blocking, awaited = outcomes
    assert awaited == blocking
    # check_payment_term returns None where the contract's settings cannot be read (a peer not reached...)
    assert blocking[0][0] != "OK" or name == "check_payment_term", blocking[0]
