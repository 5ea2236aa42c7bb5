"""A workload whose parties' clients call their contracts through a WatchedContract (as bench.network_session's clients
do) marks its operations so: the driver then counts a bare ValueError the SDK raised before any contract call as not
sent; a workload over clients not watched leaves its operations unmarked, and such an error stays a client_error. An
argument the SDK refused with its typed error (ArgumentRefused) is not sent in either."""
import asyncio
import dataclasses

from bench import outcomes
from bench.driver import CONCURRENCY, Plan, drive
from bench.outcomes import WatchedContract
from bench.workloads import HotKeyWorkload, Parties, RegisterWorkload
from client.receivables import AsyncReceivablesClient

from .fakeclock import FakeClock

SUPPLIER, DEBTOR, TRANSFEREE = "91310000MA1K00001E", "91310000MA1K00003A", "91310000MA1K00002C"


class NoContract:
    """A contract no call may reach."""

    chaincode_name = "receivables"

    async def submit(self, name, **options):
        raise AssertionError(f"{name} was sent")

    async def evaluate(self, name, **options):
        raise AssertionError(f"{name} was sent")


def parties(contract_of) -> Parties:
    return Parties(supplier=AsyncReceivablesClient(contract_of()), debtor=AsyncReceivablesClient(contract_of()),
                   supplier_code=SUPPLIER, debtor_code=DEBTOR, transferee_code=TRANSFEREE)


OVER_LONG_ID = "R-" + "0" * 300       # refused by the SDK with ArgumentRefused, before anything is sent


def causes_of(operation) -> list[str]:
    plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=10, call_timeout=None)
    clock = FakeClock()
    return [s.cause for s in asyncio.run(clock.run(drive(iter([operation]), plan, clock=clock))).samples]


def waiting_without_a_network(operation, client):
    """``operation`` made into one the SDK refuses before sending with a bare ValueError (not typed): a wait for a
    block by a client made without its Network."""
    async def call():
        await client.wait_for_block(1)
    return dataclasses.replace(operation, call=call)


def test_a_workload_over_watched_clients_marks_its_operations_and_a_bare_refusal_before_sending_is_not_sent():
    workload = RegisterWorkload(parties(lambda: WatchedContract(NoContract())))
    assert workload.sends_watched and next(workload.operations()).sends_watched
    assert HotKeyWorkload(workload.parties).sends_watched
    assert causes_of(waiting_without_a_network(workload.query(OVER_LONG_ID), workload.parties.debtor)) == [outcomes.NOT_SENT]


def test_a_workload_over_clients_not_watched_leaves_its_operations_unmarked():
    workload = RegisterWorkload(parties(NoContract))
    assert not workload.sends_watched and not next(workload.operations()).sends_watched
    assert causes_of(waiting_without_a_network(workload.query(OVER_LONG_ID), workload.parties.debtor)) == \
        [outcomes.CLIENT_ERROR]


def test_an_argument_the_sdk_refused_with_its_typed_error_is_not_sent_whether_or_not_the_clients_are_watched():
    for contract_of in (lambda: WatchedContract(NoContract()), NoContract):
        workload = RegisterWorkload(parties(contract_of))
        assert causes_of(workload.query(OVER_LONG_ID)) == [outcomes.NOT_SENT]
