"""The benchmark's workloads: endless generators of receivables SDK calls.

Each workload acts through the parties the demo registers (``cli/demo_commands.py``):
the tier-1 supplier registers and transfers, the core enterprise (the debtor)
confirms, the tier-2 supplier receives transfers. Every registration carries a
new invoice, so none is refused as double financing.

- ``register``: the supplier registers a receivable (one write set of about ten keys);
- ``confirm``: the debtor confirms one from a pool registered beforehand, endorsed by the debtor's
  and the holder's orgs, named (:meth:`Parties.confirm_endorsers`);
- ``transfer``: the supplier transfers the whole of one from a pool registered and
  confirmed beforehand to the tier-2 supplier (key-level endorsement: debtor and holder);
- ``mixed``: the business flow in proportion, 4 register : 3 confirm : 2 transfer :
  1 query (``GetReceivable``), each confirm and transfer taking a receivable the
  run itself registered or confirmed (a seed pool lets every kind start at once);
- ``hotkey`` (not part of ``all``): every client splits small amounts off the same
  confirmed receivable, with business request ids and the SDK's MVCC retry; after the
  run the family is read back and checked for exactly-once (``bench/exactly_once.py``).

Workloads are written over :class:`~client.receivables.AsyncReceivablesClient`;
anything with the same coroutine methods drives them.
"""
from __future__ import annotations

import asyncio
import functools
import secrets
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fabric_protos.peer import transaction_pb2

from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH
from client.business_dates import business_today
from client.gateway import CommitError, CommitStatusError, EndorseError, RetryPolicy
from client.money import yuan
from client.receivables import (
    AsyncReceivablesClient,
    InvoiceInput,
    ReceivableRegistration,
    RuleViolation,
    new_request_id,
)

from .choices import CONFIRM, HOTKEY, MIXED, REGISTER, TRANSFER
from .driver import CONCURRENCY, MODES, RATE, Operation
from .exactly_once import (Acknowledgement, check, ledger_transfers, read_family, read_records,
                           read_split_requests)
from .outcomes import classify

INVOICE_AMOUNT = Decimal("1000.00")
INVOICE_TAX = Decimal("130.00")
FACE_AMOUNT = INVOICE_AMOUNT + INVOICE_TAX
MIX = (("register", 4), ("confirm", 3), ("transfer", 2), ("query", 1))
"""The mixed workload's proportions (kind, weight)."""
PROGRESS_INTERVAL = 30.0   # seconds between the lines saying how far a pool's preparation has got


@dataclass
class Parties:
    """Who acts: the supplier's and the debtor's clients, the credit codes of the three parties, and the
    MSP IDs of the supplier's and the debtor's orgs (needed by a confirm; ``open_parties`` sets them)."""

    supplier: Any           # AsyncReceivablesClient of the tier-1 supplier
    debtor: Any             # AsyncReceivablesClient of the core enterprise
    supplier_code: str
    debtor_code: str
    transferee_code: str    # the tier-2 supplier
    supplier_msp: str | None = None
    debtor_msp: str | None = None

    def confirm_endorsers(self) -> list[str]:
        """The orgs a confirm is sent to: the debtor's, whose peer the workload waits for until it has the
        registration's block (``Workload._caught_up``), and the holder's (the supplier registered the claim,
        and holds it until a transfer), whose peer committed that block. Both have what the confirm reads;
        the chaincode policy (any two orgs) is met; and both are the orgs the claim's key-level policy needs
        from then on. Left to the Gateway, the second org could be the bank's or the regulator's, whose peer
        may not have committed the registration yet: it answers not-found, and the confirm would count as an
        endorsement failure."""
        if not (self.debtor_msp and self.supplier_msp):
            raise ValueError("Parties needs supplier_msp and debtor_msp (the orgs' MSP IDs) for a confirm to name "
                             "its endorsing orgs: build it with bench.network_session.open_parties, or pass them")
        return [self.debtor_msp, self.supplier_msp]


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
    in_all = True             # run by `recfin bench --workload all`
    node_counterpart = True   # bench/node/workload.js sends it too (--compare-node)
    modes = MODES             # the driver modes it can be measured in (bench/driver.py)
    pool_per_process = False  # with client processes: False, the pool is the run's, split among them; True,
                              # each prepares the whole pool for itself
    sends_only_its_pool = False  # True: every operation takes what prepare made (a pool of 0: none is sent)

    def __init__(self, parties: Parties) -> None:
        self.parties = parties
        self.registered: deque[str] = deque()   # registered, not yet confirmed
        self.confirmed: deque[str] = deque()    # confirmed, not yet transferred
        self.touched: set[str] = set()          # every receivable a committed operation wrote (fault checks)
        self.prepared: list[str] = []           # the tx id of each commit prepare made (fault checks look them up)
        self.written_in: dict[str, int] = {}     # pooled receivable -> the block its last change committed in

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        """Register (and confirm) what the operations will consume; nothing by default."""

    def operations(self) -> Iterator[Operation]:
        raise NotImplementedError

    async def conclude(self) -> dict[str, Any]:
        """After the run: what the workload checked on the ledger, added to its report; nothing by default."""
        return {}

    # -- the calls, each returning the tx id it committed and feeding the pools
    def register(self) -> Operation:
        async def call() -> str:
            supplier = self.parties.supplier
            registered = await supplier.register_receivable(new_registration(self.parties))
            return self._pooled(registered, supplier, self.registered)
        return Operation("register", call)

    def confirm(self, receivable_id: str) -> Operation:
        async def call() -> str:
            debtor = self.parties.debtor
            await self._caught_up(debtor, receivable_id)
            confirmed = await debtor.confirm(receivable_id, endorsing_organizations=self.parties.confirm_endorsers())
            return self._pooled(confirmed, debtor, self.confirmed)
        return Operation("confirm", call)

    def transfer(self, receivable_id: str) -> Operation:
        async def call() -> str:
            supplier = self.parties.supplier
            await self._caught_up(supplier, receivable_id)
            moved = await supplier.transfer(receivable_id, self.parties.transferee_code, FACE_AMOUNT)
            self.touched.add(moved.id)
            return moved.tx_id
        return Operation("transfer", call)

    def _pooled(self, committed: Any, writer: Any, pool: deque[str]) -> str:
        """Book a commit whose receivable the next operation takes from ``pool``: the block the writer's peer
        reported for its latest commit (this change is in it or before), the pool, the receivables the fault
        checks read; its tx id."""
        if (block := writer.last_committed_block) is not None:
            self.written_in[committed.id] = block
        pool.append(committed.id)
        self.touched.add(committed.id)
        return committed.tx_id

    async def _caught_up(self, actor: Any, receivable_id: str) -> None:
        """Before the other org builds on a receivable, wait until its own peer has the block the receivable's
        last change went into (each peer commits blocks on its own, a moment apart), unless the actor's own
        commits already show its peer past that block. Otherwise the call could read stale state and be
        refused, which would count as a failure of the network.

        Only the actor's peer is waited for: the other endorser must be the org whose peer wrote that block.
        A confirm names it (:meth:`Parties.confirm_endorsers`); a transfer needs no name, since the claim's
        key-level policy leaves the Gateway one choice, the debtor's and the holder's orgs."""
        block = self.written_in.pop(receivable_id, None)
        own = actor.last_committed_block
        if block is not None and (own is None or own < block):
            await actor.wait_for_block(block)

    def query(self, receivable_id: str) -> Operation:
        async def call() -> None:
            await self.parties.debtor.get_receivable(receivable_id)
            return None
        return Operation("query", call)

    def _confirm_next(self) -> Operation | None:
        """A confirm of the next registered receivable, or None when none is left (each failed confirm of a
        pool's preparation has taken one)."""
        return self.confirm(self.registered.popleft()) if self.registered else None

    async def _fill(self, count: int, make: Callable[[], Operation | None], concurrency: int, what: str,
                    say: Callable[[str], None]) -> None:
        """Run ``count`` operations to build a pool; failures are retried with a new operation up to count * 2 tries,
        or until ``make`` has nothing left to build on (None). How far it has got, how many tries it has started and
        its last failure are said every PROGRESS_INTERVAL seconds on the way (a large pool takes minutes, and a pool
        whose calls are refused says why)."""
        gate = asyncio.Semaphore(concurrency)
        done = 0
        tries = 0
        last_error: BaseException | None = None

        async def one() -> None:
            nonlocal done, tries, last_error
            async with gate:
                while done < count and tries < 2 * count:
                    operation = make()
                    if operation is None:   # nothing left to build on: the last failure stays the one said
                        return
                    tries += 1
                    try:
                        tx_id = await operation.call()
                        done += 1
                        if tx_id:
                            self.prepared.append(tx_id)
                        return
                    except Exception as error:  # a pool short of a few is reported, not fatal
                        last_error = error

        async def tell() -> None:
            while True:
                await asyncio.sleep(PROGRESS_INTERVAL)
                say(f"  pool: {done}/{count} {what} so far (tries: {tries}"
                    + (f"; last failure: {last_error})" if last_error else ")"))

        teller = asyncio.create_task(tell())
        try:
            await asyncio.gather(*(one() for _ in range(count)))
        finally:
            teller.cancel()
        say(f"  pool: {done}/{count} {what}" + (f" (last failure: {last_error})" if done < count and last_error else ""))


class RegisterWorkload(Workload):
    name = REGISTER

    def operations(self) -> Iterator[Operation]:
        while True:
            yield self.register()


class ConfirmWorkload(Workload):
    name = CONFIRM
    sends_only_its_pool = True

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        await self._fill(pool_size, self.register, concurrency, "registered to confirm", say)

    def operations(self) -> Iterator[Operation]:
        while self.registered:
            yield self.confirm(self.registered.popleft())


class TransferWorkload(Workload):
    name = TRANSFER
    sends_only_its_pool = True

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        await self._fill(pool_size, self.register, concurrency, "registered", say)
        await self._fill(len(self.registered), self._confirm_next, concurrency,
                         "confirmed to transfer", say)

    def operations(self) -> Iterator[Operation]:
        while self.confirmed:
            yield self.transfer(self.confirmed.popleft())


class MixedWorkload(Workload):
    name = MIXED

    def __init__(self, parties: Parties, *, mix: tuple[tuple[str, int], ...] = MIX) -> None:
        super().__init__(parties)
        self.cycle = [kind for kind, weight in mix for _ in range(weight)]
        self.known: deque[str] = deque(maxlen=1000)   # receivables to query

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        seed = max(1, pool_size // 10)
        await self._fill(2 * seed, self.register, concurrency, "registered (seed)", say)
        await self._fill(seed, self._confirm_next, concurrency, "confirmed (seed)", say)
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


# ---- the hot key ---------------------------------------------------------------------------

MAX_HOT_TRANSFERS = MAX_SPLIT_DEPTH
"""Each split adds a level to the chain of remainders (``<id>.2.2...``), and the contract refuses a split that
deep below the root (``split-too-deep``): a family takes that many transfers, no more."""
HOT_AMOUNT_CYCLE = 50
"""Request n moves 1 + (n - 1) % 50 fen: requests are matched to the ledger by request id (GetRequest), so
amounts repeat; 64 requests move 13.80 CNY of the 1,130.00 face."""
HOT_RETRY = RetryPolicy(max_attempts=3, backoff=0.1)
HOT_SENDS = 60
"""Sends of one request (each a submit with the SDK's own retries) before it gives up."""
CATCH_UP_PAUSE = 0.05
CONFLICT_CODES = frozenset({transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT})
DEFAULT_BATCH_TIMEOUT = 0.25
"""The topology's default batch timeout in seconds (network/tuning.py, OrderingTuning)."""
SPLIT_SECONDS = DEFAULT_BATCH_TIMEOUT
"""About one split of the hot receivable commits per block, cut at the 250 ms batch timeout under load."""


@dataclass
class ConflictTally:
    conflicts: int = 0   # transactions the SDK saw invalidated by a read conflict
    retries: int = 0     # of which it endorsed and submitted again


@dataclass(frozen=True)
class CountingRetry(RetryPolicy):
    """The SDK's RetryPolicy, counting each conflict the SDK asks it about and each retry it allows."""

    tally: ConflictTally = field(default_factory=ConflictTally, compare=False)

    def should_retry(self, attempt: int, validation_code: int) -> bool:
        retry = super().should_retry(attempt, validation_code)
        self.tally.conflicts += validation_code in CONFLICT_CODES
        self.tally.retries += retry
        return retry


@dataclass
class HotRequest:
    """One business transfer: its request id and its amount in fen."""

    request_id: str
    amount: int


class HotKeyStarved(RuntimeError):
    """A request found no remainder to split within HOT_SENDS sends."""


class HotKeyWorkload(Workload):
    """Every client splits a small amount off the same confirmed receivable family, to the tier-2 supplier.

    A split reads and rewrites the family's remainder, so concurrent splits conflict:
    one per block commits, the others are invalidated (MVCC_READ_CONFLICT) and the SDK
    endorses them again (its RetryPolicy). The remainder has moved on by then (the
    re-endorsement is refused, ``invalid-state``), so the request is sent again to the new
    remainder (``<id>.2``, then ``<id>.2.2``...) with the same request id. Every
    ``duplicate_every``-th request is sent twice at once, as by a client that resends
    before the first answer comes: both sends must get one answer and move the amount once.
    ``conclude`` reads the family back and checks exactly that (``bench/exactly_once.py``).
    """

    name = HOTKEY
    in_all = False            # a correctness workload: it measures contention, not throughput
    node_counterpart = False
    # Not rate mode: the hot key commits about one split a block (SPLIT_SECONDS), so requests sent at a fixed
    # rate only queue on it, and a rate worth measuring uses up the MAX_HOT_TRANSFERS a family takes within
    # seconds (at the default 50/s, the whole budget before the warm-up ends, leaving nothing measured).
    modes = (CONCURRENCY,)
    pool_per_process = True   # each client process splits its own family, which takes the whole budget
    sends_only_its_pool = True   # the family's requests: pool_size of them

    def __init__(self, parties: Parties, *, duplicate_every: int = 5, retry: RetryPolicy = HOT_RETRY) -> None:
        super().__init__(parties)
        self.duplicate_every = duplicate_every
        self.policy = CountingRetry(max_attempts=retry.max_attempts, backoff=retry.backoff, retry_on=retry.retry_on)
        self.client = AsyncReceivablesClient(parties.supplier.contract, parties.supplier.network, retry=self.policy)
        self.root: str | None = None
        self.remainder = ""
        self.budget = 0
        self.requests: dict[str, HotRequest] = {}
        self.acknowledgements: list[Acknowledgement] = []
        self.duplicate_sends = self.retargets = self.unsettled = 0
        self.resend_failures: Counter[str] = Counter()   # cause -> sends of a request sent twice that failed while
                                                         # the other send was acknowledged

    async def prepare(self, pool_size: int, *, concurrency: int = 16, say: Callable[[str], None] = print) -> None:
        """Register and confirm the family's root; ``pool_size`` requests (at most MAX_HOT_TRANSFERS) follow."""
        self.budget = min(pool_size, MAX_HOT_TRANSFERS)
        supplier, debtor = self.parties.supplier, self.parties.debtor
        registered = await supplier.register_receivable(new_registration(self.parties))
        await debtor.catch_up(supplier)       # each org's peer must have the other's change before building on it
        confirmed = await debtor.confirm(registered.id, endorsing_organizations=self.parties.confirm_endorsers())
        await supplier.catch_up(debtor)
        self.root = self.remainder = confirmed.id
        self.touched.add(confirmed.id)
        say(f"  hot family {confirmed.id}: up to {self.budget} transfers of 0.01 to "
            f"{yuan(min(self.budget, HOT_AMOUNT_CYCLE))} CNY off it")

    def operations(self) -> Iterator[Operation]:
        for n in range(1, self.budget + 1):
            request = HotRequest(new_request_id(), amount=1 + (n - 1) % HOT_AMOUNT_CYCLE)
            self.requests[request.request_id] = request
            twice = bool(self.duplicate_every) and n % self.duplicate_every == 0
            yield Operation("transfer", functools.partial(self._perform, request, twice))

    async def _perform(self, request: HotRequest, twice: bool) -> str:
        """Send the request (twice at once when ``twice``); the tx id of an acknowledged send. When one of two sends
        was acknowledged, the request was: the other's failure is counted in ``resend_failures`` (the hot-key
        figures), so the report counts it committed, as the exactly-once check counts it acknowledged."""
        if not twice:
            return await self._send(request, request.request_id)
        self.duplicate_sends += 1
        sent = await asyncio.gather(self._send(request, request.request_id),
                                    self._send(request, self._resend_id(request)), return_exceptions=True)
        failures = [s for s in sent if isinstance(s, BaseException)]
        acknowledged = [s for s in sent if not isinstance(s, BaseException)]
        if not acknowledged or any(not isinstance(f, Exception) for f in failures):
            raise failures[0]                               # nothing acknowledged, or a cancellation to pass on
        for failure in failures:
            self.resend_failures[classify(failure).cause] += 1
        return acknowledged[0]

    def _resend_id(self, request: HotRequest) -> str:
        """The request id of the second send of a request: the same one, which is what makes it harmless."""
        return request.request_id

    async def _send(self, request: HotRequest, request_id: str) -> str:
        for _ in range(HOT_SENDS):
            target = self.remainder
            try:
                result = await self.client.transfer(target, self.parties.transferee_code, request.amount,
                                                    request_id=request_id)
            except RuleViolation as refusal:
                if refusal.rule == "invalid-state":         # another split took this remainder first
                    self.retargets += 1
                    await self._catch_up(target)
                    continue
                if refusal.rule != "request-id-reused":
                    raise
                result = await self._recorded(request_id)
            except CommitError as error:
                if error.validation_code not in CONFLICT_CODES:
                    raise
                self.retargets += 1                         # the SDK's attempts all lost the race
                await self._catch_up(target)
                continue
            except (EndorseError, CommitStatusError):
                # peers answered differently (one had not seen the last split yet), or the outcome is
                # unknown: the request id makes sending it again safe
                self.unsettled += 1
                await self._catch_up(target)
                continue
            return self._acknowledge(request, result)
        raise HotKeyStarved(f"request {request.request_id} ({request.amount} fen) found no remainder to split "
                            f"in {HOT_SENDS} sends")

    async def _recorded(self, request_id: str):
        """The answer the contract recorded for ``request_id`` (GetRequest): an earlier send committed on a
        remainder the latest send no longer named, so the latest was refused as ``request-id-reused``."""
        for _ in range(HOT_SENDS):
            try:
                return (await self.client.request(request_id)).typed_result
            except RuleViolation as refusal:
                if refusal.rule != "not-found":
                    raise
            await asyncio.sleep(CATCH_UP_PAUSE)             # the peer asked has not committed that send yet
        raise RuntimeError(f"request id {request_id} was refused as reused, yet no peer asked has its record")

    async def _catch_up(self, stale: str) -> None:
        """Move the remainder past ``stale`` to the part the family keeps now, as the ledger says."""
        if self.remainder != stale:
            return                                          # another send has moved on already
        node = await self.client.get_receivable(stale)
        while node.status == "SPLIT":
            node = await self.client.get_receivable(node.children[1])    # <id>.2, the part kept
        if node.id == stale:
            await asyncio.sleep(CATCH_UP_PAUSE)             # this peer has not committed the split yet
        self._advance(node.id)

    def _advance(self, receivable_id: str) -> None:
        """Take ``receivable_id`` as the remainder if it is deeper in the chain than the one known."""
        if receivable_id.startswith(self.remainder + "."):
            self.remainder = receivable_id

    def _acknowledge(self, request: HotRequest, result: Any) -> str:
        moved, kept = result.children_records        # <id>.1 to the tier-2 supplier, <id>.2 kept
        self.acknowledgements.append(Acknowledgement(request.request_id, moved.id, moved.last.tx_id))
        self.touched.update({result.id, moved.id, kept.id})
        self._advance(kept.id)
        return moved.last.tx_id

    async def conclude(self) -> dict[str, Any]:
        """Read the family and every request's record back and judge them: acknowledged / found / duplicated /
        lost / unaccounted, amounts adding up."""
        if self.root is None:
            return {}
        family = await read_family(self.client, self.root)
        recorded = await read_records(self.client, self.requests)
        # a split no record names may be a request applied twice: its transaction, on the ledger, says whose
        named = {t.child_id for t in recorded.values() if t is not None}
        unnamed = [t for t in ledger_transfers(family) if t.child_id not in named]
        applied_by = await read_split_requests(self.client, self.parties.supplier_msp, unnamed)
        verdict = check({r.request_id: r.amount for r in self.requests.values()}, self.acknowledgements,
                        recorded, family, self.root, applied_by)
        return {"hot_key": {"families": [self.root], "requests": len(self.requests),
                            "duplicate_sends": self.duplicate_sends, "conflicts": self.policy.tally.conflicts,
                            "retries": self.policy.tally.retries, "retargets": self.retargets,
                            "unsettled": self.unsettled, "resend_failures": dict(self.resend_failures)},
                "exactly_once": verdict.to_json()}


WORKLOADS: dict[str, type[Workload]] = {w.name: w for w in (RegisterWorkload, ConfirmWorkload, TransferWorkload,
                                                            MixedWorkload, HotKeyWorkload)}


def merge_findings(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The findings of client processes as one: counts add up, lists join, a verdict holds if it holds in each."""
    def merge(a: Any, b: Any) -> Any:
        if isinstance(a, dict):
            return {k: merge(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k)) for k in {**a, **b}}
        if isinstance(a, bool):
            return a and b
        return a + b     # numbers and lists

    merged: dict[str, Any] = {}
    for part in parts:
        merged = merge(merged, part) if merged else dict(part)
    return merged


def mode_refusal(workload: str, mode: str) -> str:
    """Why ``workload`` cannot run in driver mode ``mode``, and what to use instead."""
    allowed = WORKLOADS[workload].modes
    return (f"the {workload} workload cannot run in {mode} mode: use --mode {' or '.join(allowed)}"
            + (" (the hot key commits about one split per block, so requests sent at a fixed rate only queue on "
               "it and use up the family's transfers before the measured window)" if workload == HotKeyWorkload.name
               else ""))


def pool_size_for(workload: str, mode: str, rate: float | None, concurrency: int | None, seconds: float,
                  assumed_latency: float = DEFAULT_BATCH_TIMEOUT) -> int:
    """How many receivables to prepare so the run does not run dry: rate x time in fixed-rate mode; in
    fixed-concurrency mode, concurrency x time / the shortest latency Fabric gives, ``assumed_latency``: the
    channel's batch timeout (``recfin bench`` passes it). With fewer in flight than a block holds, each block is
    cut at its timeout, and a worker sends its next operation only once the block holding its last one has
    committed: about an operation per batch timeout per worker at most. A run that still runs dry (blocks filled
    before their timeout, at a concurrency near the batch size) is reported as such (bench/report.py).
    The hot key's requests: one per block cut over the time, at most MAX_HOT_TRANSFERS (concurrency mode only)."""
    if mode not in WORKLOADS[workload].modes:
        raise ValueError(mode_refusal(workload, mode))
    if workload == "register":
        return 0
    if workload == HotKeyWorkload.name:
        return min(MAX_HOT_TRANSFERS, int(seconds / SPLIT_SECONDS) + 10)
    per_second = rate if mode == RATE else (concurrency or 1) / assumed_latency
    return int(per_second * seconds * 1.1) + 10
