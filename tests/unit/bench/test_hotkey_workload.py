"""The hot-key workload through the real SDK and the real contract, with read conflicts forced.

``BlockPeer`` is the Gateway transport of these tests, in process: endorsement
runs the receivables contract on a MemoryLedger (``endorse_proposal``),
everything submitted within ``block_time`` is ordered into one block, and each
transaction of the block is validated and committed in turn by
``MemoryLedger.commit`` as a peer validates it: MVCC_READ_CONFLICT where a key
it read has another version since it was endorsed, PHANTOM_READ_CONFLICT where
a range it read gained, lost or changed a key. It is one peer, not Fabric; the
workload on the real network is tests/integration/test_contention.py. What
these tests prove is the workload's own logic and the SDK's retry with business
request ids against the contract's real replay of a recorded request.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field

import grpc
from cryptography.hazmat.primitives.serialization import Encoding
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2

from bench import workloads
from bench.driver import CONCURRENCY, MonotonicClock, Plan
from bench.runner import execute
from bench.workloads import (
    FACE_AMOUNT, HOT_AMOUNT_CYCLE, MAX_HOT_TRANSFERS, WORKLOADS, HotKeyWorkload, Parties, pool_size_for,
)
from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH
from chaincode.shim._types import ERROR_THRESHOLD
from chaincode.testing import Endorsement, MemoryLedger
from client.gateway import ErrorDetail, Identity, RetryPolicy, TransportError, connect_async, private_key_signer
from client.receivables import CONTRACT_NAME, AsyncReceivablesClient, new_request_id, to_fen

from ..client.gateway_fakes import filtered_block, prepared_envelope
from ..receivables.support import standard_net

PEM = Encoding.PEM


@dataclass
class BlockPeer:
    """An AsyncGatewayTransport answered by one in-process peer over ``ledger``."""

    ledger: MemoryLedger
    block_time: float = 0.02
    blocks: int = 0
    invalidated: int = 0
    _endorsed: dict[str, Endorsement] = field(default_factory=dict)
    _pending: list[tuple[Endorsement, asyncio.Future]] = field(default_factory=list)
    _status: dict[str, asyncio.Future] = field(default_factory=dict)
    named: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)   # (function, orgs an endorse named)

    async def _simulate(self, signed: proposal_pb2.SignedProposal) -> Endorsement:
        endorsement = await self.ledger.endorse_proposal(signed)
        result = endorsement.result
        if result.status >= ERROR_THRESHOLD:
            raise TransportError(grpc.StatusCode.ABORTED, "failed to endorse transaction, see attached details",
                                 [ErrorDetail("peer0.test:7051", "SupplierMSP",
                                              f"chaincode response {result.status}, {result.message}")])
        return endorsement

    async def evaluate(self, request, timeout):
        endorsed = await self._simulate(request.proposed_transaction)
        return gateway_pb2.EvaluateResponse(
            result=proposal_response_pb2.Response(status=200, payload=endorsed.result.payload))

    async def endorse(self, request, timeout):
        endorsed = await self._simulate(request.proposed_transaction)
        self.named.append((_function(request.proposed_transaction),
                           tuple(request.endorsing_organizations)))
        self._endorsed[endorsed.result.tx_id] = endorsed
        envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, endorsed.result.payload)
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    async def submit(self, request, timeout):
        status = asyncio.get_running_loop().create_future()
        self._status[request.transaction_id] = status
        self._pending.append((self._endorsed.pop(request.transaction_id), status))
        if len(self._pending) == 1:
            asyncio.get_running_loop().call_later(self.block_time, self._cut)
        return gateway_pb2.SubmitResponse()

    def _cut(self) -> None:
        block, self._pending = self._pending, []
        self.blocks += 1
        for endorsed, status in block:
            status.set_result(self._validate_and_commit(endorsed))

    def _validate_and_commit(self, endorsed: Endorsement) -> int:
        code = self.ledger.commit(endorsed)
        if code != "VALID":
            self.invalidated += 1
        return transaction_pb2.TxValidationCode.Value(code)

    async def commit_status(self, request, timeout):
        transaction_id = gateway_pb2.CommitStatusRequest.FromString(request.request).transaction_id
        code = await self._status.pop(transaction_id)
        return gateway_pb2.CommitStatusResponse(result=code, block_number=self.blocks)

    def chaincode_events(self, request):
        raise NotImplementedError

    def deliver(self, envelope, kind):
        """The one peer has every block it cut: a filtered Deliver from the newest block gives that one."""
        assert kind == "filtered", kind
        return _OneBlock(filtered_block(self.blocks, self.ledger.channel_id))

    async def close(self) -> None:
        pass


class _OneBlock:
    """An async Deliver stream that sends one response, then waits until it is cancelled."""

    def __init__(self, response) -> None:
        self._response = response

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._response is None:
            await asyncio.Event().wait()
        response, self._response = self._response, None
        return response

    def cancel(self) -> None:
        pass


def _function(signed: proposal_pb2.SignedProposal) -> str:
    """The contract function a proposal calls, without the contract's name."""
    proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
    invocation = chaincode_pb2.ChaincodeInvocationSpec.FromString(
        proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload).input)
    return invocation.chaincode_spec.input.args[0].decode().split(":")[-1]


class World:
    """The demo's parties on a MemoryLedger, every client going through one BlockPeer.

    Build it outside the event loop; open the clients (``parties``) inside it."""

    def __init__(self) -> None:
        self.net = asyncio.run(standard_net())
        self.peer = BlockPeer(self.net.ledger)

    def client(self, actor: str) -> AsyncReceivablesClient:
        identity = self.net.actors[actor].identity
        gateway = connect_async(transport=self.peer,
                                identity=Identity.from_pem(identity.msp_id, identity.certificate.public_bytes(PEM)),
                                signer=private_key_signer(identity.private_key))
        network = gateway.get_network(self.net.ledger.channel_id)
        return AsyncReceivablesClient(network.get_contract(self.net.ledger.chaincode_name, CONTRACT_NAME), network)

    def parties(self) -> Parties:
        a = self.net.actors
        return Parties(self.client("tier1"), self.client("core"), a["tier1"].uscc, a["core"].uscc, a["tier2"].uscc,
                       supplier_msp=a["tier1"].identity.msp_id, debtor_msp=a["core"].identity.msp_id)

    def transfers_on_ledger(self, root: str) -> list[tuple[str, int]]:
        """(part id, fen) of every part split off the family, read straight from the ledger's state."""
        out, level = [], [root]
        while level:
            docs = [self.net.doc(i) for i in level]
            out += [(self.net.doc(d["children"][0])["id"], self.net.doc(d["children"][0])["face_amount"])
                    for d in docs if d["status"] == "SPLIT"]
            level = [c for d in docs for c in d["children"]]
        return out


NO_BACKOFF = RetryPolicy(max_attempts=3, backoff=0.0)


def quiet(line: str) -> None:
    pass


def run_all_at_once(world: World, requests: int, *, duplicate_every: int,
                    workload_class: type[HotKeyWorkload] = HotKeyWorkload):
    """Prepare, start every request at the same moment (as that many clients would), then conclude:
    the workload, the tx ids answered, the hot-key figures and the exactly-once verdict."""
    async def scenario():
        workload = workload_class(world.parties(), duplicate_every=duplicate_every, retry=NO_BACKOFF)
        await workload.prepare(requests, say=quiet)
        tx_ids = await asyncio.gather(*(op.call() for op in workload.operations()))
        findings = await workload.conclude()
        return workload, list(tx_ids), findings["hot_key"], findings["exactly_once"]

    return asyncio.run(scenario())


class EndsOnceDrained(MonotonicClock):
    """The real clock, except that a wait ends once every worker of a closed loop has found the workload out of
    operations: the rest of the window (sized for a loaded machine) would measure nothing more."""

    def __init__(self, workers: int) -> None:
        self.workers, self.ended = workers, 0
        self.drained = asyncio.Event()

    def watch(self, workload: HotKeyWorkload) -> None:
        """Count the workers that ask ``workload`` for an operation past its last (each then returns)."""
        operations = workload.operations
        workload.operations = lambda: CountsItsEnd(operations(), self)

    def worker_ended(self) -> None:
        self.ended += 1
        if self.ended == self.workers:
            self.drained.set()

    async def sleep(self, seconds: float) -> None:
        waits = {asyncio.ensure_future(super().sleep(seconds)), asyncio.ensure_future(self.drained.wait())}
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()


@dataclass
class CountsItsEnd:
    """``operations``, telling ``clock`` of each ask past the last."""

    operations: Iterator
    clock: EndsOnceDrained

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.operations)
        except StopIteration:
            self.clock.worker_ended()
            raise


def counts(verdict: dict) -> tuple[int, int, int, int]:
    return verdict["acknowledged"], verdict["found"], verdict["duplicated"], verdict["lost"]


def test_two_clients_on_one_block_conflict_and_the_loser_moves_on_to_the_new_remainder():
    world = World()
    workload, tx_ids, hot, verdict = run_all_at_once(world, 2, duplicate_every=0)
    # the second split read the root the first one rewrote: invalidated, endorsed again by the SDK and
    # refused there (the root is split now), then sent with its request id to <root>.2
    assert (hot["conflicts"], hot["retries"], hot["retargets"]) == (1, 1, 1)
    assert world.peer.invalidated == 1
    assert counts(verdict) == (2, 2, 0, 0)
    assert verdict["holds"] and verdict["leaves_total"] == verdict["face_amount"]
    root = workload.root
    assert sorted(world.transfers_on_ledger(root)) == [(f"{root}.1", 1), (f"{root}.2.1", 2)]
    assert len(set(tx_ids)) == 2 and workload.remainder == f"{root}.2.2"


def test_the_root_is_confirmed_by_the_debtors_and_the_holders_orgs_named_and_splits_are_left_to_the_gateway():
    world = World()
    run_all_at_once(world, 2, duplicate_every=0)
    assert ("ConfirmReceivable", ("CoreEnterpriseMSP", "SupplierMSP")) in world.peer.named
    assert {orgs for function, orgs in world.peer.named if function != "ConfirmReceivable"} == {()}


def test_a_request_sent_twice_at_once_is_answered_twice_and_moves_its_amount_once():
    world = World()
    workload, _, hot, verdict = run_all_at_once(world, 1, duplicate_every=1)
    # both sends endorsed on the same state: the second is invalidated; the SDK endorses it again and the
    # contract answers it from the request id's record, writing nothing
    assert (hot["duplicate_sends"], hot["conflicts"], hot["retries"], hot["retargets"]) == (1, 1, 1, 0)
    answers = workload.acknowledgements
    assert len(answers) == 2 and answers[0] == answers[1]
    assert world.transfers_on_ledger(workload.root) == [(f"{workload.root}.1", 1)]
    assert counts(verdict) == (1, 1, 0, 0)


class ResendsWithoutItsRequestId(HotKeyWorkload):
    """A client that resends a request under a new request id: what business request ids prevent."""

    def _resend_id(self, request):
        return new_request_id()


def test_a_resend_under_a_new_request_id_moves_the_amount_twice_and_the_check_says_so():
    world = World()
    workload, _, _, verdict = run_all_at_once(world, 1, duplicate_every=1, workload_class=ResendsWithoutItsRequestId)
    assert sorted(amount for _, amount in world.transfers_on_ledger(workload.root)) == [1, 1]
    assert counts(verdict) == (1, 0, 1, 0)
    assert not verdict["holds"]


def test_many_clients_under_the_driver_conflict_retry_and_every_transfer_happens_exactly_once():
    world = World()
    # every one of the 30 requests has to be sent inside the window: 15 s leaves room for a loaded machine, where
    # 2.5 s once ran out with requests unsent; the run ends once all are answered, not at the window's end
    plan = Plan(CONCURRENCY, concurrency=6, warmup=0, duration=15, call_timeout=30)

    async def scenario():
        workload = HotKeyWorkload(world.parties(), duplicate_every=5, retry=NO_BACKOFF)
        await workload.prepare(30, say=quiet)
        clock = EndsOnceDrained(plan.concurrency)
        clock.watch(workload)
        return workload, await execute(workload, plan, [], clock=clock)

    workload, measured = asyncio.run(scenario())
    samples = measured.run.samples
    assert measured.run.exhausted and len(samples) == 30
    assert {s.cause for s in samples} == {"committed"} and {s.kind for s in samples} == {"transfer"}
    hot, verdict = measured.findings["hot_key"], measured.findings["exactly_once"]
    assert hot["requests"] == 30 and hot["duplicate_sends"] == 6
    assert hot["conflicts"] > 0 and hot["retries"] > 0 and hot["retargets"] > 0
    assert counts(verdict) == (30, 30, 0, 0)
    assert verdict["holds"] and verdict["committed_unacknowledged"] == verdict["unaccounted"] == 0
    assert sorted(a for _, a in world.transfers_on_ledger(workload.root)) == list(range(1, 31))
    assert {workload.root, f"{workload.root}.1"} <= measured.touched


def test_the_hot_family_is_sized_for_the_run_and_kept_within_the_contracts_split_depth():
    assert pool_size_for("hotkey", "concurrency", None, 8, 5) == 30         # about one split per 250 ms block
    assert pool_size_for("hotkey", "concurrency", None, 8, 30) == MAX_HOT_TRANSFERS == MAX_SPLIT_DEPTH
    moved = sum(1 + (n - 1) % HOT_AMOUNT_CYCLE for n in range(1, MAX_HOT_TRANSFERS + 1))
    assert moved < to_fen(FACE_AMOUNT)                                      # every request's amount fits the face


def test_a_whole_family_commits_every_transfer_the_contract_allows():
    """Each split is a level deeper: a family of more transfers than the contract's split depth would have its
    last requests refused (split-too-deep) and measure refusals instead of contention."""
    world = World()

    async def scenario():           # one after another: each request splits the remainder the last one left
        workload = HotKeyWorkload(world.parties(), duplicate_every=0, retry=NO_BACKOFF)
        await workload.prepare(pool_size_for("hotkey", CONCURRENCY, None, 8, 600), say=quiet)
        for operation in workload.operations():
            await operation.call()
        return (await workload.conclude())["exactly_once"]

    assert counts(asyncio.run(scenario())) == (MAX_SPLIT_DEPTH, MAX_SPLIT_DEPTH, 0, 0)


def test_requests_past_the_amount_cycle_repeat_amounts_and_are_matched_by_request_id(monkeypatch):
    # the cycle's length does not matter to the matching: a short one keeps the requests sent at once few
    cycle = 5
    assert cycle < HOT_AMOUNT_CYCLE
    monkeypatch.setattr(workloads, "HOT_AMOUNT_CYCLE", cycle)
    world = World()
    workload, _, _, verdict = run_all_at_once(world, cycle + 3, duplicate_every=0)
    amounts = sorted(a for _, a in world.transfers_on_ledger(workload.root))
    assert amounts == sorted([*range(1, cycle + 1), 1, 2, 3])
    assert counts(verdict) == (cycle + 3, cycle + 3, 0, 0) and verdict["holds"]


def test_the_workload_sdk_client_carries_its_counting_retry_policy():
    world = World()

    async def scenario():
        return HotKeyWorkload(world.parties(), retry=NO_BACKOFF)

    workload = asyncio.run(scenario())
    assert workload.client.retry is workload.policy and workload.policy.max_attempts == NO_BACKOFF.max_attempts


def test_recfin_bench_runs_hotkey_only_when_named_and_prints_the_verdict(tmp_path, monkeypatch):
    """The command's wiring with the runner fed by the in-process peer: findings printed, in the report,
    and a verdict that does not hold makes the command fail."""
    import json

    from click.testing import CliRunner

    from cli import bench_commands

    from .test_bench_command import a_network_without_fabric_tools

    ran = []

    def fake_run_with(workload_class):
        async def fake_run(settings, codes, processes, say):
            ran.append(settings.workload)
            workload = workload_class(world.parties(), retry=NO_BACKOFF)
            await workload.prepare(min(settings.pool_size, 6), say=say)
            clock = EndsOnceDrained(settings.plan.concurrency)
            clock.watch(workload)
            return await execute(workload, settings.plan, [], clock=clock)
        return fake_run

    monkeypatch.setattr(bench_commands, "running_network",
                        lambda topology, root: (a_network_without_fabric_tools(), []))
    monkeypatch.setattr("bench.network_session.ensure_parties", lambda root, say: {})
    args = ["--mode", "concurrency", "--concurrency", "3", "--warmup", "0", "--duration", "1"]

    world = World()
    monkeypatch.setattr("bench.runner.run_on_network", fake_run_with(HotKeyWorkload))
    result = CliRunner().invoke(bench_commands.bench, ["-w", "hotkey", *args, "--output", str(tmp_path / "ok")])
    assert result.exit_code == 0, result.output
    assert "exactly once: acknowledged 6  found 6  duplicated 0  lost 0" in result.output
    report = json.loads((tmp_path / "ok" / "bench-hotkey.json").read_text())
    assert report["exactly_once"]["holds"] and report["hot_key"]["requests"] == 6

    world = World()
    monkeypatch.setattr("bench.runner.run_on_network", fake_run_with(ResendsWithoutItsRequestId))
    result = CliRunner().invoke(bench_commands.bench, ["-w", "hotkey", *args, "--output", str(tmp_path / "bad")])
    assert result.exit_code == 1 and "exactly-once does not hold for hotkey" in result.output
    assert "duplicated: request" in result.output

    assert "hotkey" not in [name for name, w in WORKLOADS.items() if w.in_all] and ran == ["hotkey", "hotkey"]
