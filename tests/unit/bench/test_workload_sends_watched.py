"""A workload whose parties' clients call their contracts through a WatchedContract (as bench.network_session's clients
do) marks its operations so: the driver then counts an argument the SDK refused before sending as not sent; a
workload over clients not watched leaves its operations unmarked, and such an error stays a client_error."""
import asyncio

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


OVER_LONG_ID = "R-" + "0" * 300       # refused by the SDK with a bare ValueError, before anything is sent


def causes_of(operation) -> list[str]:
    plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=10, call_timeout=None)
    clock = FakeClock()
    return [s.cause for s in asyncio.run(clock.run(drive(iter([operation]), plan, clock=clock))).samples]


def test_a_workload_over_watched_clients_marks_its_operations_and_a_refused_argument_is_not_sent():
    workload = RegisterWorkload(parties(lambda: WatchedContract(NoContract())))
    assert workload.sends_watched and next(workload.operations()).sends_watched
    assert HotKeyWorkload(workload.parties).sends_watched
    assert causes_of(workload.query(OVER_LONG_ID)) == [outcomes.NOT_SENT]


def test_a_workload_over_clients_not_watched_leaves_its_operations_unmarked():
    workload = RegisterWorkload(parties(NoContract))
    assert not workload.sends_watched and not next(workload.operations()).sends_watched
    assert causes_of(workload.query(OVER_LONG_ID)) == [outcomes.CLIENT_ERROR]
