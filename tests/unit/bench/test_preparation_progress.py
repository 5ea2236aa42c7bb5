"""A pool's preparation says how far it has got at least every PROGRESS_INTERVAL: its count, the tries it has
started and its last failure, also when nothing succeeds (each call refused) or nothing answers at all."""
import asyncio
import types

import pytest

from bench import workloads
from bench.driver import Operation
from bench.workloads import Parties, RegisterWorkload, TransferWorkload

CODES = ("91310000MA1K00002C", "91310000MA1K000019", "91320500MA1K00003D")
ORGS = {"supplier_msp": "SupplierMSP", "debtor_msp": "CoreEnterpriseMSP"}


@pytest.fixture
def workload(monkeypatch):
    monkeypatch.setattr(workloads, "PROGRESS_INTERVAL", 0.01)
    return RegisterWorkload(Parties(None, None, *CODES))


def test_a_pool_whose_every_call_is_refused_says_its_tries_and_the_refusal_on_the_way(workload):
    said = []

    def refused() -> Operation:
        async def call():
            await asyncio.sleep(0.05)
            raise RuntimeError("endorsement refused by peer0.supplier")
        return Operation("register", call)

    asyncio.run(workload._fill(2, refused, 1, "registered", said.append))
    on_the_way, last = said[:-1], said[-1]
    assert on_the_way and all(line.startswith("  pool: 0/2 registered so far (tries: ") for line in on_the_way)
    assert on_the_way[-1] == "  pool: 0/2 registered so far (tries: 4; last failure: endorsement refused by peer0.supplier)"
    assert last == "  pool: 0/2 registered (last failure: endorsement refused by peer0.supplier)"


def test_a_pool_whose_calls_do_not_answer_still_says_how_far_it_got(workload):
    """The line comes whether or not a call ends: here the only call answers once two lines have been said."""
    said = []

    async def fill():
        answered = asyncio.Event()

        def say(line):
            said.append(line)
            if len(said) == 2:
                answered.set()

        async def call():
            await answered.wait()
            return "tx"

        await asyncio.wait_for(workload._fill(1, lambda: Operation("register", call), 1, "registered", say), 60)

    asyncio.run(fill())
    assert said == ["  pool: 0/1 registered so far (tries: 1)"] * 2 + ["  pool: 1/1 registered"]


class ConfirmsRefused:
    """A client for both orgs whose registrations commit and whose confirms are all refused."""

    last_committed_block = None

    def __init__(self):
        self.registered = 0

    async def register_receivable(self, registration):
        self.registered += 1
        return types.SimpleNamespace(id=f"R-{self.registered}", tx_id=f"tx-{self.registered}")

    async def confirm(self, receivable_id, *, endorsing_organizations=None):
        raise RuntimeError(f"endorsement refused for {receivable_id} by peer0.core")


def test_a_pool_of_confirms_that_fail_names_their_refusal_not_the_empty_pool_of_registrations():
    # each failed confirm takes a registered receivable: once they are all taken, the tries left have nothing
    # to confirm, which is no failure of the network and must not stand in for the refusal in the last line
    client = ConfirmsRefused()
    said = []
    asyncio.run(TransferWorkload(Parties(client, client, *CODES, **ORGS)).prepare(3, say=said.append))
    assert said[-2:] == ["  pool: 3/3 registered",
                         "  pool: 0/3 confirmed to transfer (last failure: endorsement refused for R-3 by peer0.core)"]
