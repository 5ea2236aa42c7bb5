"""CPU per transaction of recfin's own components, measured without a Fabric network.

    python -m bench.components                         # 300 of each operation, chaincode server and client
    python -m bench.components --iterations 1000 --profile 25
    python -m bench.components --part client --json > components.json

- **chaincode server**: the receivables contract served by a real ``ChaincodeServer`` in its
  own process (``python -m bench.components --serve-chaincode``, the production server class
  and stream handler), dialled over loopback gRPC by this process, which plays the peer: it
  sends each TRANSACTION with a signed proposal, answers every GET_STATE / PUT_STATE / write
  batch from a ``MemoryLedger`` (``chaincode.testing``'s peer session, the same replies a peer
  sends) and commits the write set when the transaction completes with status 200. The
  figure is that server process's CPU (``/proc/<pid>/stat``, ``bench.cpu``) per transaction:
  protobuf, gRPC and the contract, as one endorsing peer costs it.
- **client**: the Gateway SDK's own work per transaction through its step-by-step API
  (``AsyncContract.new_proposal`` -> ``endorse`` -> ``submit`` -> ``status``): building and
  signing the proposal, reading the endorse reply and signing the prepared transaction,
  building and signing the commit-status request. The Gateway's replies are prepared
  in-process before the clock starts (a prepared transaction built from the same operation's
  real read/write set, event and result, endorsed by two peers), so no Fabric is involved and
  no gRPC call is made: the figure is this process's CPU (``time.process_time``).

Operations: ``RegisterReceivable`` by the tier-1 supplier, ``ConfirmReceivable`` by the debtor,
``TransferReceivable`` splitting 100.00 off each confirmed receivable to the tier-2 supplier (both
parts); then, chaincode server only, the financing of the part kept (request, a bank's offer with
private terms, acceptance, disbursement, the debtor's acknowledgement and payment to the bank, the
bank's repayment record) and the part moved (the regulator's freeze and unfreeze, the debtor's
early-payment offer, the holder's acceptance). Everything runs one transaction at a time. See
docs/benchmark.md, "Component CPU".
"""
from __future__ import annotations

import asyncio
import contextlib
import cProfile
import hashlib
import json
import os
import pstats
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from datetime import date, datetime, timedelta, timezone
from typing import Any

import click
import grpc
from cryptography.hazmat.primitives.serialization import Encoding
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    chaincode_shim_pb2 as shim_pb2,
    chaincode_shim_pb2_grpc,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)

from chaincode.receivables import keys, uscc
from chaincode.receivables.model import SPLIT
from chaincode.shim import ChaincodeServer, PeerError, PeerOptions
from chaincode.shim._composite import create_composite_key
from chaincode.shim.server import load_contract
from chaincode.testing import MemoryLedger, TestIdentity, make_identity
from chaincode.testing._memory_peer import MemoryPeerSession, Write
from chaincode.testing._proposals import make_signed_proposal
from cli.output import progress, table
from client.gateway import AsyncContract, Identity, connect_async, private_key_signer
from client.business_dates import business_today
from client.receivables import CONTRACT_NAME, new_request_id

from . import cpu
from .stats import latency_summary
from .workloads import Parties, new_registration

Msg = shim_pb2.ChaincodeMessage
CHANNEL = "receivables"
CHAINCODE = "receivables"
PACKAGE_ID = "receivables_1.0:components"
SERVED_CONTRACT = "chaincode.receivables:ReceivablesContract"
OPERATIONS = ("register", "confirm", "transfer")
"""Measured in both parts."""
SETTLEMENT_OPERATIONS = ("request_financing", "make_offer", "accept_offer", "disburse", "acknowledge",
                         "record_payment", "repay", "freeze", "unfreeze", "publish_discount", "accept_discount")
"""Measured in the chaincode server only, on the two parts each transfer left: the part kept is financed,
paid to the bank and its repayment recorded; the part moved is frozen, unfrozen and paid early at a discount."""
CHAINCODE_OPERATIONS = OPERATIONS + SETTLEMENT_OPERATIONS
SPLIT_AMOUNT_FEN = 100_00
ENDORSERS = 2       # the network's policy: any two orgs; a confirmed receivable's key-level policy: debtor + holder
FABRIC_31_OPTIONS = PeerOptions(use_write_batch=True, max_size_write_batch=1000,
                                use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
PEER_OPTIONS = {"fabric-3.1": FABRIC_31_OPTIONS, "none": PeerOptions()}
"""What the peer offers in READY: Fabric 3.1's core.yaml defaults (write batching and multi-key
reads on, 1,000 each), or nothing (a peer before 3.1: one round trip per write)."""
COLUMNS = ["part", "operation", "iterations", "cpu_ms_per_tx", "wall_ms_per_tx", "wall_p99_ms", "tx_per_s_one_core",
           "peer_round_trips"]
TIMEOUT = 30.0
REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- the figures


def figures(part: str, operation: str, cpu_seconds: float, wall: Sequence[float],
            steps: dict[str, float] | None = None, round_trips: Sequence[int] | None = None) -> dict[str, Any]:
    """One row: CPU and wall milliseconds per transaction, and the tx/s one core could sustain on that CPU;
    for the chaincode server also its requests to the peer per transaction (the count the CPU follows)."""
    n = len(wall)
    if n == 0:
        raise ValueError(f"{part} {operation}: no transactions measured")
    cpu_ms = cpu_seconds * 1000 / n
    latency = latency_summary(wall, (50, 99))
    row: dict[str, Any] = {
        "part": part, "operation": operation, "iterations": n,
        "cpu_ms_per_tx": round(cpu_ms, 3),
        "wall_ms_per_tx": round(sum(wall) * 1000 / n, 3),
        "wall_p50_ms": round(latency["p50"] * 1000, 3),
        "wall_p99_ms": round(latency["p99"] * 1000, 3),
        "tx_per_s_one_core": round(1000 / cpu_ms, 1) if cpu_ms > 0 else None,
    }
    if round_trips is not None:
        row["peer_round_trips"] = round(sum(round_trips) / len(round_trips), 2) if round_trips else None
    if steps is not None:
        row["cpu_ms_per_tx_by_step"] = {name: round(seconds * 1000 / n, 3) for name, seconds in steps.items()}
    return row


def top_functions(stats: pstats.Stats, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` functions with the most cumulative time: where the time goes, callers included."""
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short_path(filename)}:{line}({name})", "calls": calls,
                     "own_s": round(own, 4), "cumulative_s": round(cumulative, 4)})
    rows.sort(key=lambda r: r["cumulative_s"], reverse=True)
    return rows[:limit]


def profile_lines(title: str, functions: list[dict[str, Any]]) -> list[str]:
    """A profiled pass's top functions under a heading, for the text report."""
    return [f"\n{title}: top {len(functions)} functions by cumulative time (profiled pass)",
            table(functions, ["cumulative_s", "own_s", "calls", "function"])]


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", f"{REPO}/", os.getcwd() + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# ---------------------------------------------------------------- who acts, with what


def credit_code(n: int) -> str:
    body = f"91310000{n:08d}X"
    return body + uscc.check_character(body)


@dataclass
class Cast:
    """The demo's parties as test identities: admins register them, their users act."""

    admins: dict[str, TestIdentity] = field(default_factory=dict)
    users: dict[str, TestIdentity] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    PARTIES = (("core", "CoreEnterpriseMSP", "core_enterprise"), ("tier1", "SupplierMSP", "supplier"),
               ("tier2", "SupplierMSP", "supplier"), ("bank", "BankMSP", "financier"),
               ("regulator", "RegulatorMSP", "regulator"))

    @classmethod
    def create(cls) -> Cast:
        cast = cls()
        for n, (name, msp, _) in enumerate(cls.PARTIES, 1):
            cast.admins.setdefault(msp, make_identity(msp, f"admin-{msp}", ou="admin"))
            cast.users[name] = make_identity(msp, f"{name}-user")
            cast.codes[name] = credit_code(n)
        return cast

    def party_registrations(self) -> list[tuple[TestIdentity, list[str]]]:
        """(admin, RegisterParty arguments) of each party."""
        out = []
        for name, msp, role in self.PARTIES:
            party = {"uscc": self.codes[name], "name": name, "role": role, "msp_id": msp,
                     "client_ids": [self.users[name].id]}
            out.append((self.admins[msp], [json.dumps(party, separators=(",", ":"))]))
        return out

    def register_arguments(self, today: date) -> list[str]:
        """A new receivable on a new invoice, as the SDK sends it (JSON, then a request id)."""
        parties = Parties(None, None, self.codes["tier1"], self.codes["core"], self.codes["tier2"])
        registration = new_registration(parties, today)
        return [json.dumps(registration.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False),
                new_request_id()]

    def transfer_arguments(self, receivable_id: str) -> list[str]:
        return [receivable_id, self.codes["tier2"], str(SPLIT_AMOUNT_FEN), new_request_id()]


def offer_terms(today: date) -> dict[str, bytes]:
    """A bank's terms as the SDK sends them (transient ``terms``), valid for 30 days."""
    terms = {"advance_rate": "0.9", "discount_rate": "0.045", "fees": 0, "recourse": False, "day_count": "ACT/360",
             "expires_on": (today + timedelta(days=30)).isoformat(), "salt": secrets.token_hex(16)}
    return {"terms": json.dumps(terms, sort_keys=True, separators=(",", ":")).encode()}


def discount_offer_arguments(receivable_id: str, today: date) -> list[str]:
    """The debtor's early-payment offer on one receivable at a flat 6 % a year, with a request id."""
    offer = {"apr": "0.06", "day_count": "ACT/360", "expires_on": (today + timedelta(days=30)).isoformat(),
             "receivable_ids": [receivable_id]}
    return [json.dumps(offer, separators=(",", ":")), new_request_id()]


# ---------------------------------------------------------------- the chaincode server's process


def serve_chaincode_server() -> None:
    """The server process: a ChaincodeServer with the receivables contract on a free loopback port.

    Prints the port, then obeys lines on stdin: ``profile-start``, ``profile-stop PATH`` (writes
    the cProfile stats of the event loop's thread, where the contract and the handler run), ``quit``.
    Each command is answered with ``ok`` once done.
    """
    async def run() -> None:
        loop = asyncio.get_running_loop()
        server = ChaincodeServer([load_contract(SERVED_CONTRACT)], "127.0.0.1:0", PACKAGE_ID)
        port = await server.start()
        profiler = cProfile.Profile(time.thread_time)
        commands: asyncio.Queue[str] = asyncio.Queue()

        def read_stdin() -> None:  # a thread: stdin is a pipe the event loop cannot wait on portably
            for line in sys.stdin:
                loop.call_soon_threadsafe(commands.put_nowait, line.strip())
            loop.call_soon_threadsafe(commands.put_nowait, "quit")

        threading.Thread(target=read_stdin, daemon=True).start()
        print(port, flush=True)
        while (command := await commands.get()) != "quit":
            if command == "profile-start":
                profiler.enable()
            elif command.startswith("profile-stop "):
                profiler.disable()
                profiler.dump_stats(command.split(" ", 1)[1])
                profiler = cProfile.Profile(time.thread_time)
            print("ok", flush=True)
        await server.stop(1)

    asyncio.run(run())


class ServerProcess:
    """The chaincode server's process, started and commanded from here."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "RECFIN_NETWORK_CONFIG"}  # the default config
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.components", "--serve-chaincode"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
        )
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"the chaincode server did not start (it printed {line!r}); run "
                               "`python -m bench.components --serve-chaincode` to see why")
        self.port = int(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        seconds = cpu.cpu_seconds(self.pid)
        if seconds is None:
            raise RuntimeError(f"the chaincode server (pid {self.pid}) is gone")
        return seconds

    def command(self, text: str) -> None:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        if self.process.stdout.readline().strip() != "ok":
            raise RuntimeError(f"the chaincode server did not acknowledge {text!r}")

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------- this process as the peer


class _RecordingSession(MemoryPeerSession):
    """The peer session of one transaction that also keeps the world-state keys it read (its public
    read set; private data reads, answered from the ledger's collections, go to another namespace)."""

    def __init__(self, ledger: MemoryLedger) -> None:
        super().__init__(ledger)
        self.reads: list[str] = []

    def _get_state(self, payload: bytes) -> bytes:
        request = shim_pb2.GetState.FromString(payload)
        if not request.collection:
            self.reads.append(request.key)
        return super()._get_state(payload)

    def _get_state_multiple(self, payload: bytes) -> bytes:
        request = shim_pb2.GetStateMultiple.FromString(payload)
        if not request.collection:
            self.reads.extend(request.keys)
        return super()._get_state_multiple(payload)


@dataclass
class Executed:
    """One transaction as the peer saw it: what a Gateway would put in the prepared transaction."""

    proposal: proposal_pb2.SignedProposal
    tx_id: str
    status: int
    message: str
    payload: bytes
    event: tuple[str, bytes] | None
    reads: list[str]
    writes: list[Write]
    round_trips: int = 0      # requests the chaincode server sent the peer (GET_STATE, PUT_STATE, WRITE_BATCH ...)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def result(self) -> dict[str, Any]:
        return json.loads(self.payload)


class LoopbackPeer:
    """The peer's side of one Connect stream to the chaincode server, answered from ``ledger``.

    Transactions run one at a time; each committed transaction's writes are applied to the
    ledger as MemoryLedger commits them, so the next one reads them.
    """

    def __init__(self, ledger: MemoryLedger, port: int, options: PeerOptions) -> None:
        self.ledger = ledger
        self.port = port
        self.options = options
        self._channel: grpc.aio.Channel | None = None
        self._call = None

    async def __aenter__(self) -> LoopbackPeer:
        self._channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.port}")
        self._call = chaincode_shim_pb2_grpc.ChaincodeStub(self._channel).Connect()
        register = await asyncio.wait_for(self._call.read(), TIMEOUT)
        if register.type != Msg.REGISTER:
            raise RuntimeError(f"the chaincode server opened with {Msg.Type.Name(register.type)}, not REGISTER")
        await self._call.write(Msg(type=Msg.REGISTERED))
        await self._call.write(Msg(type=Msg.READY, payload=self.options.to_ready_payload()))
        return self

    async def __aexit__(self, *exc) -> None:
        await self._call.done_writing()
        with contextlib.suppress(asyncio.TimeoutError):
            while await asyncio.wait_for(self._call.read(), TIMEOUT) is not grpc.aio.EOF:
                pass
        await self._channel.close()

    async def execute(self, identity: TestIdentity, function: str, arguments: Sequence[str],
                      transient: dict[str, bytes] | None = None) -> Executed:
        args = [f"{CONTRACT_NAME}:{function}".encode()] + [a.encode() for a in arguments]
        when = datetime.now(timezone.utc)
        signed, tx_id = make_signed_proposal(channel_id=CHANNEL, chaincode_name=CHAINCODE, args=args,
                                             creator=bytes(identity), transient=transient, timestamp=when,
                                             signing_key=identity.private_key)
        session = _RecordingSession(self.ledger)
        round_trips = 0
        await self._call.write(Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL, proposal=signed,
                                   payload=chaincode_pb2.ChaincodeInput(args=args).SerializeToString()))
        while True:
            message = await asyncio.wait_for(self._call.read(), TIMEOUT)
            if message is grpc.aio.EOF:
                raise RuntimeError(f"the chaincode server closed the stream during {function}")
            if message.type == Msg.COMPLETED:
                break
            round_trips += 1
            try:
                reply = Msg(type=Msg.RESPONSE, payload=await session.request(message.type, message.payload))
            except PeerError as error:
                reply = Msg(type=Msg.ERROR, payload=str(error).encode())
            reply.txid, reply.channel_id = tx_id, CHANNEL
            await self._call.write(reply)
        response = proposal_response_pb2.Response.FromString(message.payload)
        event = None
        if message.HasField("chaincode_event"):
            event = (message.chaincode_event.event_name, message.chaincode_event.payload)
        executed = Executed(signed, tx_id, response.status, response.message, response.payload, event,
                            session.reads, session.writes, round_trips)
        if executed.ok:
            # Commit at once, as MemoryLedger.submit does: the peer side of this benchmark is one ledger.
            self.ledger._commit(tx_id, when, session.writes, event)  # noqa: SLF001
        return executed


async def _checked(peer: LoopbackPeer, identity: TestIdentity, function: str, arguments: Sequence[str],
                   transient: dict[str, bytes] | None = None) -> Executed:
    executed = await peer.execute(identity, function, arguments, transient)
    if not executed.ok:
        raise RuntimeError(f"{function} was refused ({executed.status}): {executed.message}")
    return executed


@dataclass
class ChaincodePass:
    """The rows of one pass over the operations, and one executed sample of each."""

    rows: list[dict[str, Any]]
    samples: dict[str, Executed]
    receivables: dict[str, list[str]]     # per operation: the receivables it wrote


async def _timed(n: int, call: Callable[[int], Awaitable[Executed]], cpu_now: Callable[[], float]):
    wall, executed = [], []
    before = cpu_now()
    for i in range(n):
        started = time.perf_counter()
        executed.append(await call(i))
        wall.append(time.perf_counter() - started)
    return cpu_now() - before, wall, executed


async def chaincode_pass(peer: LoopbackPeer, cast: Cast, iterations: int, cpu_now: Callable[[], float],
                         around: Callable[[str], contextlib.AbstractAsyncContextManager]) -> ChaincodePass:
    """Register ``iterations`` receivables, confirm them, split each, then finance and settle both parts
    of each split (``SETTLEMENT_OPERATIONS``); the server's CPU per transaction of each operation."""
    rows, samples, written = [], {}, {}
    today = business_today()
    users = cast.users
    terms = offer_terms(today)
    done: dict[str, list[dict[str, Any]]] = {}      # per operation: each transaction's result

    def kept(i: int) -> str:      # the part of the i-th split its holder kept: financed
        return keys.child_id(done["register"][i]["id"], 2)

    def moved(i: int) -> str:     # the part moved to the tier-2 supplier: frozen, unfrozen, discounted
        return keys.child_id(done["register"][i]["id"], 1)

    steps: dict[str, Callable[[int], tuple[TestIdentity, str, list[str], dict[str, bytes] | None]]] = {
        "register": lambda i: (users["tier1"], "RegisterReceivable", cast.register_arguments(today), None),
        "confirm": lambda i: (users["core"], "ConfirmReceivable", [done["register"][i]["id"]], None),
        "transfer": lambda i: (users["tier1"], "TransferReceivable",
                               cast.transfer_arguments(done["register"][i]["id"]), None),
        "request_financing": lambda i: (users["tier1"], "RequestFinancing", [kept(i)], None),
        "make_offer": lambda i: (users["bank"], "MakeFinancingOffer", [done["request_financing"][i]["id"]], terms),
        "accept_offer": lambda i: (users["tier1"], "AcceptFinancingOffer", [done["make_offer"][i]["id"]], None),
        "disburse": lambda i: (users["bank"], "RecordDisbursement", [done["request_financing"][i]["id"]], terms),
        "acknowledge": lambda i: (users["core"], "AcknowledgeAssignment", [done["disburse"][i]["notice_id"]], None),
        "record_payment": lambda i: (users["core"], "RecordPayment",
                                     [kept(i), str(done["transfer"][i]["children_records"][1]["outstanding"]),
                                      new_request_id()], None),
        "repay": lambda i: (users["bank"], "RecordRepayment", [done["request_financing"][i]["id"]], None),
        "freeze": lambda i: (users["regulator"], "FreezeReceivable", [moved(i), f"ORDER-{i}"], None),
        "unfreeze": lambda i: (users["regulator"], "UnfreezeReceivable", [moved(i), f"LIFT-{i}"], None),
        "publish_discount": lambda i: (users["core"], "PublishDiscountOffer",
                                       discount_offer_arguments(moved(i), today), None),
        "accept_discount": lambda i: (users["tier2"], "AcceptDiscountOffer",
                                      [done["publish_discount"][i]["id"], moved(i)], None),
    }
    for operation in CHAINCODE_OPERATIONS:
        step = steps[operation]

        async def call(i: int) -> Executed:
            return await _checked(peer, *step(i))

        async with around(operation):
            cpu_seconds, wall, executed = await _timed(iterations, call, cpu_now)
        done[operation] = [e.result() for e in executed]
        written[operation] = [result["id"] for result in done[operation]]
        samples[operation] = executed[-1]
        rows.append(figures("chaincode", operation, cpu_seconds, wall, round_trips=[e.round_trips for e in executed]))
    return ChaincodePass(rows, samples, written)


async def setup_parties(peer: LoopbackPeer, cast: Cast) -> None:
    for admin, arguments in cast.party_registrations():
        await _checked(peer, admin, "RegisterParty", arguments)


# ---------------------------------------------------------------- the client's side


def prepared_transaction(executed: Executed, endorsers: Sequence[TestIdentity]) -> common_pb2.Envelope:
    """What a Gateway's Endorse returns for ``executed``: the unsigned transaction envelope with its
    read/write set, event, result and the endorsements of ``endorsers``, as Fabric assembles it."""
    proposal = proposal_pb2.Proposal.FromString(executed.proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    proposal_payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    proposal_payload.ClearField("TransientMap")          # never reaches the ledger
    kv = kv_rwset_pb2.KVRWSet(reads=[kv_rwset_pb2.KVRead(key=k, version=kv_rwset_pb2.Version(block_num=7, tx_num=3))
                                     for k in dict.fromkeys(executed.reads)])
    for write in executed.writes:
        if write.collection:
            continue  # private writes travel as hashes in another namespace; these operations have none
        if write.kind == shim_pb2.WriteRecord.PUT_STATE_METADATA:
            kv.metadata_writes.add(key=write.key).entries.add(name="VALIDATION_PARAMETER", value=write.value)
        else:
            kv.writes.add(key=write.key, value=write.value, is_delete=write.kind != shim_pb2.WriteRecord.PUT_STATE)
    results = rwset_pb2.TxReadWriteSet(data_model=rwset_pb2.TxReadWriteSet.KV, ns_rwset=[
        rwset_pb2.NsReadWriteSet(namespace=CHAINCODE, rwset=kv.SerializeToString())])
    event = b""
    if executed.event is not None:
        event = chaincode_event_pb2.ChaincodeEvent(chaincode_id=CHAINCODE, tx_id=executed.tx_id,
                                                   event_name=executed.event[0],
                                                   payload=executed.event[1]).SerializeToString()
    action = proposal_pb2.ChaincodeAction(
        results=results.SerializeToString(), events=event,
        response=proposal_response_pb2.Response(status=executed.status, payload=executed.payload),
        chaincode_id=chaincode_pb2.ChaincodeID(name=CHAINCODE, version="1.0"))
    response_payload = proposal_response_pb2.ProposalResponsePayload(
        proposal_hash=hashlib.sha256(proposal.header + proposal_payload.SerializeToString()).digest(),
        extension=action.SerializeToString()).SerializeToString()
    endorsements = [proposal_response_pb2.Endorsement(
        endorser=bytes(peer), signature=private_key_signer(peer.private_key)(
            hashlib.sha256(response_payload + bytes(peer)).digest())) for peer in endorsers]
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_payload.SerializeToString(),
        action=transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response_payload,
                                                       endorsements=endorsements))
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        header=header.signature_header, payload=action_payload.SerializeToString())])
    return common_pb2.Envelope(payload=common_pb2.Payload(header=header, data=transaction.SerializeToString())
                               .SerializeToString())


class PreparedReplies:
    """An AsyncGatewayTransport whose replies were built beforehand: the client's CPU is all that runs."""

    def __init__(self) -> None:
        self.endorse_reply = gateway_pb2.EndorseResponse()
        self._submitted = gateway_pb2.SubmitResponse()
        self._committed = gateway_pb2.CommitStatusResponse(result=transaction_pb2.VALID, block_number=8)
        self.calls = {"endorse": 0, "submit": 0, "commit_status": 0}

    async def endorse(self, request, timeout):
        self.calls["endorse"] += 1
        return self.endorse_reply

    async def submit(self, request, timeout):
        self.calls["submit"] += 1
        return self._submitted

    async def commit_status(self, request, timeout):
        self.calls["commit_status"] += 1
        return self._committed

    async def evaluate(self, request, timeout):
        raise NotImplementedError("the component benchmark submits only")

    def chaincode_events(self, request):
        raise NotImplementedError("the component benchmark submits only")

    def deliver(self, envelope, kind):
        raise NotImplementedError("the component benchmark submits only")

    async def close(self) -> None:
        pass


CLIENT_STEPS = ("proposal", "endorse", "submit", "status")
"""build the proposal; sign it and read the endorse reply; sign the transaction and build the
commit-status request; sign that and read the status."""


async def client_operation(contract: AsyncContract, function: str, arguments: Sequence[str],
                           steps: dict[str, float]) -> bytes:
    """One submit, step by step, adding each step's CPU seconds to ``steps``; returns the result."""
    clock = time.process_time
    t0 = clock()
    proposal = contract.new_proposal(function, arguments=arguments)
    t1 = clock()
    transaction = await proposal.endorse()
    t2 = clock()
    commit = await transaction.submit()
    t3 = clock()
    status = await commit.status()
    t4 = clock()
    if not status.successful:
        raise RuntimeError(f"{function}: status {status.code_name}")
    for name, seconds in zip(CLIENT_STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
        steps[name] = steps.get(name, 0.0) + seconds
    return transaction.result


CLIENT_FUNCTIONS = {"register": ("RegisterReceivable", "tier1"), "confirm": ("ConfirmReceivable", "core"),
                    "transfer": ("TransferReceivable", "tier1")}


async def client_pass(cast: Cast, samples: dict[str, Executed], iterations: int, *,
                      profile_limit: int = 0) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Each operation ``iterations`` times through the SDK, against replies built from ``samples``."""
    endorsers = [make_identity("CoreEnterpriseMSP", "peer0", ou="peer"), make_identity("SupplierMSP", "peer0", ou="peer")]
    rows, profiles = [], {}
    today = business_today()
    for operation in OPERATIONS:
        function, actor = CLIENT_FUNCTIONS[operation]
        user = cast.users[actor]
        transport = PreparedReplies()
        transport.endorse_reply = gateway_pb2.EndorseResponse(
            prepared_transaction=prepared_transaction(samples[operation], endorsers[:ENDORSERS]))
        reply_bytes = transport.endorse_reply.ByteSize()
        identity = Identity.from_pem(user.msp_id, user.certificate.public_bytes(Encoding.PEM))
        gateway = connect_async(identity=identity, signer=private_key_signer(user.private_key), transport=transport)
        contract = gateway.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME)
        sample_id = samples[operation].result()["id"] if operation != "register" else ""
        arguments = {"register": lambda: cast.register_arguments(today), "confirm": lambda: [sample_id],
                     "transfer": lambda: cast.transfer_arguments(sample_id)}[operation]
        prepared = [arguments() for _ in range(iterations)]   # the caller's work, not the SDK's
        for warm in prepared[: min(20, iterations)]:
            await client_operation(contract, function, warm, {})
        steps: dict[str, float] = {}
        profiler = cProfile.Profile(time.thread_time) if profile_limit else None
        wall = []
        before = time.process_time()
        if profiler:
            profiler.enable()
        for args in prepared:
            started = time.perf_counter()
            await client_operation(contract, function, args, steps)
            wall.append(time.perf_counter() - started)
        if profiler:
            profiler.disable()
        rows.append({**figures("client", operation, time.process_time() - before, wall, steps),
                     "endorse_reply_bytes": reply_bytes})
        if profiler:
            profiles[operation] = top_functions(pstats.Stats(profiler), profile_limit)
    return rows, profiles


# ---------------------------------------------------------------- the whole run


@dataclass
class Settings:
    iterations: int = 300
    warmup: int = 30
    parts: tuple[str, ...] = ("chaincode", "client")
    peer_options: str = "fabric-3.1"
    profile: int = 0


async def run_components(settings: Settings, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Measure the chosen parts; with ``profile``, a second, profiled pass gives the top functions."""
    cast = Cast.create()
    report: dict[str, Any] = {"schema": "recfin.bench.components/1", "machine": machine(),
                              "settings": {"iterations": settings.iterations, "warmup": settings.warmup,
                                           "peer_options": settings.peer_options, "endorsers": ENDORSERS,
                                           "split_amount_fen": SPLIT_AMOUNT_FEN},
                              "rows": [], "profiles": {}, "ledger": {}}
    server = ServerProcess()
    try:
        # The ledger's own router is never used here: the server process runs every transaction.
        ledger = MemoryLedger([load_contract(SERVED_CONTRACT)], channel_id=CHANNEL, chaincode_name=CHAINCODE)
        async with LoopbackPeer(ledger, server.port, PEER_OPTIONS[settings.peer_options]) as peer:
            await setup_parties(peer, cast)
            say(f"chaincode server pid {server.pid} on 127.0.0.1:{server.port}: warm-up, {settings.warmup} of each")
            warm = await chaincode_pass(peer, cast, max(1, settings.warmup), server.cpu_seconds, _async_null)
            measured = warm
            if "chaincode" in settings.parts:
                say(f"chaincode server: {settings.iterations} of each operation over loopback gRPC")
                measured = await chaincode_pass(peer, cast, settings.iterations, server.cpu_seconds, _async_null)
                report["rows"].extend(measured.rows)
                report["ledger"] = ledger_summary(ledger, cast, measured)
                if settings.profile:
                    say("chaincode server: the same again, profiled")
                    profiles: dict[str, list] = {}
                    await chaincode_pass(peer, cast, settings.iterations, server.cpu_seconds,
                                         _server_profiler(server, settings.profile, profiles))
                    report["profiles"]["chaincode"] = profiles
        if "client" in settings.parts:
            say(f"client: {settings.iterations} of each operation, replies prepared in-process")
            rows, _ = await client_pass(cast, measured.samples, settings.iterations)
            report["rows"].extend(rows)
            if settings.profile:
                say("client: the same again, profiled")
                _, profiles = await client_pass(cast, measured.samples, settings.iterations,
                                                profile_limit=settings.profile)
                report["profiles"]["client"] = profiles
    finally:
        server.close()
    return report


@contextlib.asynccontextmanager
async def _async_null(_: str):
    yield


def _server_profiler(server: ServerProcess, limit: int, into: dict[str, list]):
    @contextlib.asynccontextmanager
    async def around(operation: str):
        server.command("profile-start")
        try:
            yield
        finally:
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, f"{operation}.prof")
                server.command(f"profile-stop {path}")
                into[operation] = top_functions(pstats.Stats(path), limit)
    return around


def ledger_summary(ledger: MemoryLedger, cast: Cast, measured: ChaincodePass) -> dict[str, int]:
    """What the measured pass left on the ledger, read back: how many of its receivables were
    registered, confirmed, and split with the part moved to the tier-2 supplier; how many kept parts
    were paid to the bank with the financing closed, and how many moved parts were paid early."""
    def receivable(receivable_id: str) -> dict[str, Any] | None:
        value = ledger.state.get(create_composite_key(keys.RECEIVABLE, [receivable_id]))
        return json.loads(value) if value else None

    registered = [receivable(r) for r in measured.receivables["register"]]
    moved = [receivable(keys.child_id(r, 1)) for r in measured.receivables["transfer"]]
    kept = [receivable(keys.child_id(r, 2)) for r in measured.receivables["transfer"]]
    return {
        "registered": sum(r is not None for r in registered),
        "confirmed": sum(r is not None and bool(r.get("confirmed_on")) for r in registered),
        "split": sum(r is not None and r["status"] == SPLIT for r in registered),
        "moved_to_transferee": sum(m is not None and m["holder"] == cast.codes["tier2"]
                                   and m["face_amount"] == SPLIT_AMOUNT_FEN for m in moved),
        "paid_to_financier": sum(k is not None and k["status"] == "SETTLED" and k.get("financing_id") is None
                                 and [p["payee"] for p in k["payments"]] == [cast.codes["bank"]] for k in kept),
        "paid_early": sum(m is not None and m["status"] == "SETTLED" and m.get("frozen") is None
                          and [p["method"] for p in m["payments"]] == ["dynamic-discount"] for m in moved),
    }


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu_model": model, "python": sys.version.split()[0]}


def text_lines(report: dict[str, Any]) -> list[str]:
    m = report["machine"]
    out = [f"machine: {m['nproc']} CPUs ({m['cpu_model']}), Python {m['python']}; "
           f"peer options {report['settings']['peer_options']}",
           table(report["rows"], COLUMNS)]
    for row in report["rows"]:
        if "cpu_ms_per_tx_by_step" in row:
            out.append(f"client {row['operation']} by step (CPU ms/tx): "
                       + "  ".join(f"{k} {v}" for k, v in row["cpu_ms_per_tx_by_step"].items()))
    for part, by_operation in report["profiles"].items():
        for operation, functions in by_operation.items():
            out.extend(profile_lines(f"{part} {operation}", functions))
    return out


@click.command("components", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--iterations", type=click.IntRange(min=1), default=300, show_default=True,
              help="Measured transactions of each operation.")
@click.option("--warmup", type=click.IntRange(min=1), default=30, show_default=True,
              help="Unmeasured transactions of each operation first.")
@click.option("--part", "parts", type=click.Choice(["chaincode", "client"]), multiple=True,
              help="Measure only this part (repeatable; default both).")
@click.option("--peer-options", type=click.Choice(sorted(PEER_OPTIONS)), default="fabric-3.1", show_default=True,
              help="What the peer offers the chaincode in READY: Fabric 3.1's write batching and multi-key reads, "
                   "or none.")
@click.option("--profile", type=click.IntRange(min=0), default=0, metavar="N",
              help="After the measured pass, a profiled one: the top N functions by cumulative time.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (progress goes to stderr).")
@click.option("--serve-chaincode", is_flag=True, hidden=True)
def main(iterations, warmup, parts, peer_options, profile, as_json, serve_chaincode) -> None:
    """CPU per transaction of the chaincode server and of the Gateway client, without a Fabric
    network: register, confirm and transfer (a split) of the receivables contract; for the chaincode
    server also financing (request, offer, accept, disburse, acknowledge, repay), payment, freeze,
    unfreeze and early payment (publish and accept a discount offer).

    \b
    Example:
      python -m bench.components
      python -m bench.components --iterations 1000 --profile 25
      python -m bench.components --part client --json > components.json
    """
    if serve_chaincode:
        serve_chaincode_server()
        return
    settings = Settings(iterations, warmup, tuple(parts) or ("chaincode", "client"), peer_options, profile)
    report = asyncio.run(run_components(settings, progress(as_json)))
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    for line in text_lines(report):
        click.echo(line)


if __name__ == "__main__":
    main()
