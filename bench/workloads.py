"""The benchmark's workloads: endless generators of receivables SDK calls.

Each workload acts through the parties the demo registers (``cli/demo_commands.py``):
the tier-1 supplier registers and transfers, the core enterprise (the debtor)
confirms, the tier-2 supplier receives transfers. Every registration carries a
new invoice, so none is refused as double financing.

- ``register``: the supplier registers a receivable (one write set of about ten keys);
- ``confirm``: the debtor confirms one from a pool registered beforehand;
- ``transfer``: the supplier transfers the whole of one from a pool registered and
  confirmed beforehand to the tier-2 supplier (key-level endorsement: debtor and holder);
- ``mixed``: the business flow in proportion, 4 register : 3 confirm : 2 transfer :
  1 query (``GetReceivable``), each confirm and transfer taking a receivable the
  run itself registered or confirmed (a seed pool lets every kind start at once).

Workloads are written over :class:`~client.receivables.AsyncReceivablesClient`;
anything with the same coroutine methods drives them.
"""
from __future__ import annotations

import asyncio
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from client.receivables import InvoiceInput, ReceivableRegistration

from .driver import Operation

CHINA = timezone(timedelta(hours=8))
INVOICE_AMOUNT = Decimal("1000.00")
INVOICE_TAX = Decimal("130.00")
FACE_AMOUNT = INVOICE_AMOUNT + INVOICE_TAX
MIX = (("register", 4), ("confirm", 3), ("transfer", 2), ("query", 1))
"""The mixed workload's proportions (kind, weight)."""


@dataclass
class Parties:
    """Who acts: the supplier's and the debtor's clients, and the credit codes of the three parties."""

    supplier: Any           # AsyncReceivablesClient of the tier-1 supplier
    debtor: Any             # AsyncReceivablesClient of the core enterprise
    supplier_code: str
    debtor_code: str
    transferee_code: str    # the tier-2 supplier


def business_today() -> date:
    return datetime.now(CHINA).date()


def new_registration(parties: Parties, today: date | None = None) -> ReceivableRegistration:
    """A receivable of FACE_AMOUNT on a new invoice (a random 20-digit number), due in 90 days."""
    today = today or business_today()
    invoice = InvoiceInput(number=f"{today:%y%m%d}{secrets.randbelow(10**14):014d}", date=today,
                           amount=INVOICE_AMOUNT, tax=INVOICE_TAX,
                           seller_tax_id=parties.supplier_code, buyer_tax_id=parties.debtor_code)
    return ReceivableRegistration(debtor=parties.debtor_code, face_amount=FACE_AMOUNT, issue_date=today,
                                  due_date=today + timedelta(days=90), invoices=[invoice],
                                  contract_hash=secrets.token_hex(32))


class Workload:
    """A named stream of operations; ``prepare`` builds what the stream consumes before the clock starts."""

    name = ""

    def __init__(self, parties: Parties) -> None:
        self.parties = parties
        self.registered: deque[str] = deque()   # registered, not yet confirmed
        self.confirmed: deque[str] = deque()    # confirmed, not yet transferred
        self.touched: set[str] = set()          # every receivable a committed operation wrote (fault checks)

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        """Register (and confirm) what the operations will consume; nothing by default."""

    def operations(self) -> Iterator[Operation]:
        raise NotImplementedError

    # -- the calls, each returning the tx id it committed and feeding the pools
    def register(self) -> Operation:
        async def call() -> str:
            r = await self.parties.supplier.register_receivable(new_registration(self.parties))
            self.registered.append(r.id)
            self.touched.add(r.id)
            return r.tx_id
        return Operation("register", call)

    def confirm(self, receivable_id: str) -> Operation:
        async def call() -> str:
            r = await self.parties.debtor.confirm(receivable_id)
            self.confirmed.append(r.id)
            self.touched.add(r.id)
            return r.tx_id
        return Operation("confirm", call)

    def transfer(self, receivable_id: str) -> Operation:
        async def call() -> str:
            moved = await self.parties.supplier.transfer(receivable_id, self.parties.transferee_code, FACE_AMOUNT)
            self.touched.add(moved.id)
            return moved.tx_id
        return Operation("transfer", call)

    def query(self, receivable_id: str) -> Operation:
        async def call() -> None:
            await self.parties.debtor.get_receivable(receivable_id)
            return None
        return Operation("query", call)

    async def _fill(self, count: int, make: Callable[[], Operation], concurrency: int, what: str,
                    say: Callable[[str], None]) -> None:
        """Run ``count`` operations to build a pool; failures are retried with a new operation up to count * 2 tries."""
        gate = asyncio.Semaphore(concurrency)
        done = 0
        tries = 0
        last_error: BaseException | None = None

        async def one() -> None:
            nonlocal done, tries, last_error
            async with gate:
                while done < count and tries < 2 * count:
                    tries += 1
                    try:
                        await make().call()
                        done += 1
                        return
                    except Exception as error:  # a pool short of a few is reported, not fatal
                        last_error = error

        await asyncio.gather(*(one() for _ in range(count)))
        say(f"  pool: {done}/{count} {what}" + (f" (last failure: {last_error})" if done < count and last_error else ""))


class RegisterWorkload(Workload):
    name = "register"

    def operations(self) -> Iterator[Operation]:
        while True:
            yield self.register()


class ConfirmWorkload(Workload):
    name = "confirm"

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        await self._fill(pool_size, self.register, concurrency, "registered to confirm", say)

    def operations(self) -> Iterator[Operation]:
        while self.registered:
            yield self.confirm(self.registered.popleft())


class TransferWorkload(Workload):
    name = "transfer"

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        await self._fill(pool_size, self.register, concurrency, "registered", say)
        await self._fill(len(self.registered), lambda: self.confirm(self.registered.popleft()), concurrency,
                         "confirmed to transfer", say)

    def operations(self) -> Iterator[Operation]:
        while self.confirmed:
            yield self.transfer(self.confirmed.popleft())


class MixedWorkload(Workload):
    name = "mixed"

    def __init__(self, parties: Parties, *, mix: tuple[tuple[str, int], ...] = MIX) -> None:
        super().__init__(parties)
        self.cycle = [kind for kind, weight in mix for _ in range(weight)]
        self.known: deque[str] = deque(maxlen=1000)   # receivables to query

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        seed = max(1, pool_size // 10)
        await self._fill(2 * seed, self.register, concurrency, "registered (seed)", say)
        await self._fill(seed, lambda: self.confirm(self.registered.popleft()), concurrency, "confirmed (seed)", say)
        self.known.extend(self.confirmed)

    def operations(self) -> Iterator[Operation]:
        """The mix in a fixed interleaved order; a kind whose pool is empty gives way to a register."""
        while True:
            for kind in self.cycle:
                if kind == "confirm" and self.registered:
                    yield self.confirm(self.registered.popleft())
                elif kind == "transfer" and self.confirmed:
                    receivable_id = self.confirmed.popleft()
                    self.known.append(receivable_id)
                    yield self.transfer(receivable_id)
                elif kind == "query" and self.known:
                    self.known.rotate(1)
                    yield self.query(self.known[0])
                else:
                    yield self.register()


WORKLOADS: dict[str, type[Workload]] = {w.name: w for w in (RegisterWorkload, ConfirmWorkload, TransferWorkload,
                                                            MixedWorkload)}


def pool_size_for(workload: str, mode: str, rate: float | None, concurrency: int | None, seconds: float,
                  assumed_latency: float = 0.5) -> int:
    """How many receivables to prepare so the run does not run dry: rate x time in fixed-rate mode; in
    fixed-concurrency mode, concurrency x time / the shortest latency Fabric gives (about a block cut)."""
    if workload == "register":
        return 0
    per_second = rate if mode == "rate" else (concurrency or 1) / assumed_latency
    return int(per_second * seconds * 1.1) + 10
