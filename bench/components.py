"""CPU and memory per transaction of recfin's own components, measured without a Fabric network.

    python -m bench.components                         # 300 of each operation, chaincode server and client
    python -m bench.components --iterations 1000 --profile 25
    python -m bench.components --part client --json > components.json

- **chaincode server**: the receivables contract served by a real ``ChaincodeServer`` in its
  own process (``bench.loopback_peer``: the production server class and stream handler),
  dialled over loopback gRPC by this process, which plays the peer: it sends each TRANSACTION
  with a signed proposal, answers every GET_STATE / PUT_STATE / write batch from a
  ``MemoryLedger`` (``chaincode.testing``'s peer session, the same replies a peer sends) and
  commits the write set when the transaction completes with status 200. The
  figure is that server process's CPU per transaction, as the process reads it itself
  (``time.process_time_ns``, asked for before and after each operation's N: ``ServerProcess.cpu_seconds``;
  /proc/<pid>/stat's 10 ms ticks would read a few transactions as 0 or a whole tick):
  protobuf, gRPC and the contract, as one endorsing peer costs it.
- **client**: the Gateway SDK's own work per transaction through its step-by-step API
  (``AsyncContract.new_proposal`` -> ``endorse`` -> ``submit`` -> ``status``): building and
  signing the proposal, reading the endorse reply and signing the prepared transaction,
  building and signing the commit-status request. The Gateway's replies are made in-process
  (a prepared transaction built around each request's own proposal from the same operation's
  real read/write set, event and result, endorsed by two peers; the seconds spent building it
  are taken out of the figures), so no Fabric is involved and no gRPC call is made: the figure
  is this process's CPU (``time.process_time``).
- **memory**, of both: the process's resident size (``/proc/<pid>/status`` VmRSS, ``bench.memory``)
  at the end of each operation's N transactions, how far its peak (VmHWM, reset as they start) rose
  above its size at the start, and how much of that it still held at the end: the chaincode
  server's process, and this process for the client (which also holds the stand-in's ledger, so
  only the growth is the client's). For the client also the Python heap (``tracemalloc``) on a
  second pass of the same N transactions, not the one timed: its peak above the start, and what stayed.

Operations: ``RegisterReceivable`` by the tier-1 supplier, ``ConfirmReceivable`` by the debtor,
``TransferReceivable`` splitting 100.00 off each confirmed receivable to the tier-2 supplier (both
parts); then, chaincode server only, the financing of the part kept (request, a bank's offer with
private terms, acceptance, the creditor's link of the paper identity of the root's invoice, disbursement,
the debtor's acknowledgement and payment to the bank, the bank's repayment record) and the part moved (the regulator's freeze and unfreeze, the debtor's
early-payment offer, the holder's acceptance). Everything runs one transaction at a time. See
docs/benchmark.md, "Component CPU".
"""
from __future__ import annotations

import asyncio
import contextlib
import cProfile
import itertools
import json
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click
from cryptography.hazmat.primitives.serialization import Encoding
from fabric_protos.gateway import gateway_pb2

from chaincode.receivables import keys
from chaincode.receivables.model import SPLIT, DiscountTerms
from chaincode.shim import PeerOptions
from chaincode.shim._composite import create_composite_key
from chaincode.shim.server import load_contract
from chaincode.testing import MemoryLedger, TestIdentity, make_identity
from cli.output import emit_report, progress, table
from client.business_dates import business_today
from client.gateway import AsyncContract, Identity, connect_async, private_key_signer
from client.receivables import CONTRACT_NAME, new_request_id

from . import memory
from .cast import SPLIT_AMOUNT_FEN, Cast, discount_offer_arguments, offer_terms, setup_parties
from .command_options import HELP_OPTIONS, json_option, measured_counts, profile_option
from .loopback_peer import CHAINCODE, CHANNEL, SERVED_CONTRACT, Executed, LoopbackPeer, ServerProcess, checked
from .prepared_gateway import PreparedReplies, prepared_transaction
from .profiling import machine, machine_line, profile_lines, top_functions
from .stats import latency_summary

OPERATIONS = ("register", "confirm", "transfer")
"""Measured in both parts."""
SETTLEMENT_OPERATIONS = ("request_financing", "make_offer", "accept_offer", "link_paper", "disburse",
                         "acknowledge", "record_payment", "repay", "freeze", "unfreeze", "publish_discount",
                         "accept_discount")
"""Measured in the chaincode server only, on the two parts each transfer left: the part kept is financed,
paid to the bank and its repayment recorded (its creditor linking the paper form's identity of the root's invoice,
``link_paper``, once the bank accepted); the part moved is frozen, unfrozen and paid early at a discount."""
CHAINCODE_OPERATIONS = OPERATIONS + SETTLEMENT_OPERATIONS
PAPER_CODE = "144031900111"
"""The paper form's 发票代码 of each invoice's paper identity (``link_paper``), printed before any invoice's date;
its 8-digit numbers are counted (``_paper_numbers``), one per link in this process, as one seller's paper
identities differ."""
_paper_numbers = itertools.count(1)
ENDORSERS = 2       # the network's policy: any two orgs; a confirmed receivable's key-level policy: debtor + holder
FABRIC_31_OPTIONS = PeerOptions(use_write_batch=True, max_size_write_batch=1000,
                                use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
PEER_OPTIONS = {"fabric-3.1": FABRIC_31_OPTIONS, "none": PeerOptions()}
"""What the peer offers in READY: Fabric 3.1's core.yaml defaults (write batching and multi-key
reads on, 1,000 each), or nothing (a peer before 3.1: one round trip per write)."""
COLUMNS = ["part", "operation", "iterations", "cpu_ms_per_tx", "wall_ms_per_tx", "wall_p50_ms", "wall_p99_ms",
           "tx_per_s_one_core", "peer_round_trips", "rss_mb", "peak_rss_growth_kb", "rss_growth_kb"]


# ---------------------------------------------------------------- the figures


def figures(part: str, operation: str, cpu_seconds: float, wall: Sequence[float],
            steps: dict[str, float] | None = None, round_trips: Sequence[int] | None = None,
            resident: memory.Window | None = None) -> dict[str, Any]:
    """One row: CPU and wall milliseconds per transaction, and the tx/s one core could sustain on that CPU;
    for the chaincode server also its requests to the peer per transaction (the count the CPU follows);
    with ``resident``, the process's memory over the same transactions (``memory.Window.figures``)."""
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
    if resident is not None:
        row.update(resident.figures())
    return row


@dataclass
class ChaincodePass:
    """The rows of one pass over the operations, and one executed sample of each."""

    rows: list[dict[str, Any]]
    samples: dict[str, Executed]
    receivables: dict[str, list[str]]     # per operation: the receivables it wrote


async def _timed(n: int, call: Callable[[int], Awaitable[Executed]], cpu_now: Callable[[], float],
                 meter: memory.Meter | None):
    """``n`` calls: the CPU seconds ``cpu_now`` counted, each call's wall time, the results, and the metered
    process's memory window (read outside the CPU reading: a read costs this process, not the server)."""
    wall, executed = [], []
    opened = meter.open() if meter else None
    before = cpu_now()
    for i in range(n):
        started = time.perf_counter()
        executed.append(await call(i))
        wall.append(time.perf_counter() - started)
    cpu_seconds = cpu_now() - before
    return cpu_seconds, wall, executed, meter.close(opened) if meter else None


async def chaincode_pass(peer: LoopbackPeer, cast: Cast, iterations: int, cpu_now: Callable[[], float],
                         around: Callable[[str], contextlib.AbstractAsyncContextManager],
                         meter: memory.Meter | None = None) -> ChaincodePass:
    """Register ``iterations`` receivables, confirm them, split each, then finance and settle both parts
    of each split (``SETTLEMENT_OPERATIONS``); the server's CPU per transaction of each operation, and with
    ``meter`` (on the server's process) its memory over each operation's transactions."""
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
        "accept_offer": lambda i: (users["tier1"], "AcceptFinancingOffer", [done["make_offer"][i]["id"]], terms),
        # the creditor, the invoice's seller, on the financed part: the paper identity is linked on its root, its
        # entry under the bank's org too (the invoice's own entry's policy since the acceptance)
        "link_paper": lambda i: (users["tier1"], "LinkPaperIdentity",
                                 [kept(i), done["register"][i]["invoices"][0]["number"], PAPER_CODE,
                                  f"{next(_paper_numbers):08d}"], None),
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
        # on the terms published, as the SDK sends them (AcceptDiscountOffer refuses an acceptance without)
        "accept_discount": lambda i: (users["tier2"], "AcceptDiscountOffer",
                                      [done["publish_discount"][i]["id"], moved(i),
                                       DiscountTerms.as_read(done["publish_discount"][i])], None),
    }
    for operation in CHAINCODE_OPERATIONS:
        step = steps[operation]

        async def call(i: int) -> Executed:
            return await checked(peer, *step(i))

        async with around(operation):
            cpu_seconds, wall, executed, resident = await _timed(iterations, call, cpu_now, meter)
        done[operation] = [e.result() for e in executed]
        written[operation] = [result["id"] for result in done[operation]]
        samples[operation] = executed[-1]
        rows.append(figures("chaincode", operation, cpu_seconds, wall, round_trips=[e.round_trips for e in executed],
                            resident=resident))
    return ChaincodePass(rows, samples, written)


# ---------------------------------------------------------------- the client's side


CLIENT_STEPS = ("proposal", "endorse", "submit", "status")
"""build the proposal; sign it and read the endorse reply; sign the transaction and build the
commit-status request; sign that and read the status."""


async def client_operation(contract: AsyncContract, function: str, arguments: Sequence[str],
                           steps: dict[str, float], gateway: PreparedReplies) -> bytes:
    """One submit, step by step, adding each step's CPU seconds to ``steps`` (the endorse step's without the
    seconds ``gateway`` spent building its reply); returns the result."""
    clock = time.process_time
    t0 = clock()
    proposal = contract.new_proposal(function, arguments=arguments)
    t1 = clock()
    building = gateway.spent_cpu
    transaction = await proposal.endorse()
    t2 = clock()
    # the Gateway's building is taken out of the endorse step alone: the submit step starts at t2 as read
    endorse = t2 - t1 - (gateway.spent_cpu - building)
    commit = await transaction.submit()
    t3 = clock()
    status = await commit.status()
    t4 = clock()
    if not status.successful:
        raise RuntimeError(f"{function}: status {status.code_name}")
    for name, seconds in zip(CLIENT_STEPS, (t1 - t0, endorse, t3 - t2, t4 - t3)):
        steps[name] = steps.get(name, 0.0) + seconds
    return transaction.result


CLIENT_FUNCTIONS = {"register": ("RegisterReceivable", "tier1"), "confirm": ("ConfirmReceivable", "core"),
                    "transfer": ("TransferReceivable", "tier1")}


async def client_pass(cast: Cast, samples: dict[str, Executed], iterations: int, *, warmup: int = 0,
                      profile_limit: int = 0) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Each operation ``warmup`` times unmeasured, then ``iterations`` times measured, through the SDK, against
    replies built from ``samples``; the memory figures are of this process, where the SDK runs."""
    meter = memory.Meter(os.getpid())
    endorsers = [make_identity("CoreEnterpriseMSP", "peer0", ou="peer"), make_identity("SupplierMSP", "peer0", ou="peer")]
    rows, profiles = [], {}
    today = business_today()
    for operation in OPERATIONS:
        function, actor = CLIENT_FUNCTIONS[operation]
        user = cast.users[actor]
        transport = PreparedReplies(samples[operation], endorsers[:ENDORSERS])
        reply_bytes = gateway_pb2.EndorseResponse(
            prepared_transaction=prepared_transaction(samples[operation], endorsers[:ENDORSERS])).ByteSize()
        identity = Identity.from_pem(user.msp_id, user.certificate.public_bytes(Encoding.PEM))
        gateway = connect_async(identity=identity, signer=private_key_signer(user.private_key), transport=transport)
        contract = gateway.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME)
        sample_id = samples[operation].result()["id"] if operation != "register" else ""
        arguments = {"register": lambda: cast.register_arguments(today), "confirm": lambda: [sample_id],
                     "transfer": lambda: cast.transfer_arguments(sample_id)}[operation]
        # the caller's work, not the SDK's: built before the clock starts, the warm-up's apart from the
        # measured ones (a registration's invoice is new in each)
        warming = [arguments() for _ in range(warmup)]
        prepared = [arguments() for _ in range(iterations)]
        for args in warming:
            await client_operation(contract, function, args, {}, transport)
        steps: dict[str, float] = {}
        profiler = cProfile.Profile(time.thread_time) if profile_limit else None
        wall = []
        opened = meter.open()
        before, gateway_before = time.process_time(), transport.spent_cpu
        if profiler:
            profiler.enable()
        for args in prepared:
            started, building = time.perf_counter(), transport.spent_wall
            await client_operation(contract, function, args, steps, transport)
            wall.append(time.perf_counter() - started - (transport.spent_wall - building))
        if profiler:
            profiler.disable()
        cpu_seconds = time.process_time() - before - (transport.spent_cpu - gateway_before)
        resident = meter.close(opened)
        row = {**figures("client", operation, cpu_seconds, wall, steps, resident=resident),
               "endorse_reply_bytes": reply_bytes}
        if not profile_limit:            # the same transactions again, every allocation traced
            with memory.HeapTrace() as heap:
                for args in prepared:
                    await client_operation(contract, function, args, {}, transport)
            row.update(heap_peak_kb=heap.peak_kb, heap_retained_kb=heap.retained_kb)
        rows.append(row)
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
                measured = await chaincode_pass(peer, cast, settings.iterations, server.cpu_seconds, _async_null,
                                                memory.Meter(server.pid))
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
            rows, _ = await client_pass(cast, measured.samples, settings.iterations, warmup=settings.warmup)
            report["rows"].extend(rows)
            if settings.profile:
                say("client: the same again, profiled")
                _, profiles = await client_pass(cast, measured.samples, settings.iterations,
                                                warmup=settings.warmup, profile_limit=settings.profile)
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


MEMORY_NOTE = ("memory: RSS_MB, the process's resident size after the row's transactions (the chaincode server's "
               "process; for the client, this process, ledger included); PEAK_RSS_GROWTH_KB, its peak above its size "
               "as they started; RSS_GROWTH_KB, what it still held at the end")


def text_lines(report: dict[str, Any]) -> list[str]:
    m = report["machine"]
    out = [f"{machine_line(m)}; peer options {report['settings']['peer_options']}",
           table(report["rows"], COLUMNS), MEMORY_NOTE]
    for row in report["rows"]:
        if "cpu_ms_per_tx_by_step" in row:
            out.append(f"client {row['operation']} by step (CPU ms/tx): "
                       + "  ".join(f"{k} {v}" for k, v in row["cpu_ms_per_tx_by_step"].items()))
        if "heap_peak_kb" in row:
            out.append(f"client {row['operation']} Python heap over {row['iterations']} tx (traced pass): "
                       f"peak {row['heap_peak_kb']} kB above the start, {row['heap_retained_kb']} kB retained")
    for part, by_operation in report["profiles"].items():
        for operation, functions in by_operation.items():
            out.extend(profile_lines(f"{part} {operation}", functions))
    return out


@click.command("components", context_settings=HELP_OPTIONS)
@measured_counts(300, "Measured transactions of each operation.",
                 30, "Unmeasured transactions of each operation first.", least_warmup=1)
@click.option("--part", "parts", type=click.Choice(["chaincode", "client"]), multiple=True,
              help="Measure only this part (repeatable; default both).")
@click.option("--peer-options", type=click.Choice(sorted(PEER_OPTIONS)), default="fabric-3.1", show_default=True,
              help="What the peer offers the chaincode in READY: Fabric 3.1's write batching and multi-key reads, "
                   "or none.")
@profile_option("After the measured pass, a profiled one: the top N functions by cumulative time.")
@json_option()
def main(iterations, warmup, parts, peer_options, profile, as_json) -> None:
    """CPU per transaction of the chaincode server and of the Gateway client, without a Fabric
    network: register, confirm and transfer (a split) of the receivables contract; for the chaincode
    server also financing (request, offer, accept, disburse, acknowledge, repay), payment, freeze,
    unfreeze and early payment (publish and accept a discount offer). With each row, the memory of
    its process over those transactions: resident size (MB), peak and retained growth (kB); for the
    client also its Python heap's peak and what stayed, on a second, traced pass.

    \b
    Example:
      python -m bench.components
      python -m bench.components --iterations 1000 --profile 25
      python -m bench.components --part client --json > components.json
    """
    settings = Settings(iterations, warmup, tuple(parts) or ("chaincode", "client"), peer_options, profile)
    report = asyncio.run(run_components(settings, progress(as_json)))
    emit_report(report, text_lines, as_json=as_json)


if __name__ == "__main__":
    main()
