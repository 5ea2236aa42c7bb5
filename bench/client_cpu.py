"""Client CPU per transaction: recfin's Gateway SDK against the official Node client, no Fabric network.

    python -m bench.client_cpu                                   # register and transfer, 1 and 16 in flight
    python -m bench.client_cpu --iterations 3000 --concurrency 1 --concurrency 64
    python -m bench.client_cpu --client python --profile 25 --json > client-cpu.json

Client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved.
This is a benchmark of the two clients' own work, never a test of Fabric behaviour.

- **The stand-in Gateway** (``python -m bench.client_cpu --serve-gateway FOLDER``, its own process):
  the Gateway gRPC service of ``fabric_protos`` on 127.0.0.1 with TLS, its server certificate issued
  by a TLS CA made with ``network.crypto``, as a peer's is. Endorse answers with a prepared
  transaction built for that request (``bench.prepared_gateway.prepared_transaction``): the request's own
  proposal header and payload, so its transaction id, creator and nonce, around the read/write set,
  event and result of a real execution of the same operation by the receivables contract, endorsed
  by two peers; Submit accepts a signed transaction it endorsed, CommitStatus answers VALID with
  the next block number for one it was sent, Evaluate answers with the operation's result. Neither
  client checks the envelope's transaction id against its proposal (both take the id from their own
  proposal and read the channel and the result from the envelope); the replies carry it anyway.
  Each commit status commits the next block of the stand-in's one peer, and its filtered Deliver
  (``bench.prepared_gateway.StandInDeliver``) serves those blocks as a peer's does, so a client can
  wait for a block against it; the measured loops here never wait.
- **recfin's client**: the SDK connected over TLS (``client.gateway.connect``), ``submit_transaction``
  N times: one at a time through the sync API, and with ``--concurrency`` in flight through the
  async API (``connect_async``, a closed loop of that many workers). CPU: this process, all its
  threads, from ``time.process_time`` (the kernel's count in nanoseconds; /proc/self/stat's is in 10 ms
  ticks, too coarse for a loop of a few hundred transactions) just before and after the measured loop.
- **The Node client**: ``bench/node/client_cpu.js`` on ``@hyperledger/fabric-gateway`` (bench/node's
  pinned packages, ``npm ci`` there unless it holds them) doing the same ``submitTransaction`` calls with the
  same kind of arguments, as a subprocess. CPU: the script's own ``process.cpuUsage()`` (the whole
  process, the same OS counters) just before and after its measured loop, so Node's start-up, module
  loading and warm-up are left out, as they are for this process.

Both clients sign with the same P-256 user key and run ``--warmup`` unmeasured transactions first.
Arguments are built before the clock starts (the caller's work, not the client's). See
docs/benchmark.md, "The Node client, side by side".
"""
from __future__ import annotations

import asyncio
import contextlib
import cProfile
import dataclasses
import json
import math
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import grpc
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.peer import chaincode_pb2, events_pb2_grpc, proposal_pb2, proposal_response_pb2, transaction_pb2

from chaincode.shim.server import load_contract
from chaincode.testing import MemoryLedger, TestIdentity, make_identity
from cli.options import WholeNumberRange
from cli.output import emit_report, progress, table
from client.business_dates import business_today
from client.gateway import Identity, connect, connect_async, private_key_signer
from client.receivables import CONTRACT_NAME
from network.crypto import issue, make_ca, new_key

from .cast import Cast, setup_parties
from .choices import MAX_CONCURRENCY
from .command_options import HELP_OPTIONS, json_option, measured_counts, profile_option
from .components import ENDORSERS, PEER_OPTIONS, _async_null, chaincode_pass
from .loopback_peer import CHAINCODE, CHANNEL, SERVED_CONTRACT, Executed, LoopbackPeer, ServerProcess, checked
from .prepared_gateway import OnePeerChain, StandInDeliver, creator_msp, prepared_transaction
from .profiling import machine, machine_line, profile_lines, top_functions
from .node_compare import NODE_DIR, NodeClientError, _tool, install, script_output

LABEL = "client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved"
SCHEMA = "recfin.bench.client_cpu/1"
NODE_SCRIPT = NODE_DIR / "client_cpu.js"
REPO = Path(__file__).resolve().parents[1]
OPERATIONS = ("register", "transfer")
FUNCTIONS = {"register": ("RegisterReceivable", "tier1"), "transfer": ("TransferReceivable", "tier1")}
"""Each measured operation: the contract function and who submits it."""
COLUMNS = ["client", "api", "operation", "concurrency", "transactions", "cpu_ms_per_tx", "tx_per_s",
           "ours_to_node"]
FIRST_BLOCK = 100
TEMPLATES_FILE = "templates.json"
TIMEOUT = 60.0


# ---------------------------------------------------------------- what the stand-in answers with


def execute_samples(cast: Cast) -> dict[str, Executed]:
    """One real execution of each operation by the receivables contract in a ChaincodeServer process
    (``bench.components``' loopback peer): the read/write sets, events and results to serve. With them
    ``WhoAmI``, which bench/node/workload.js evaluates first to see that a peer answers."""
    async def run() -> dict[str, Executed]:
        server = ServerProcess()
        try:
            ledger = MemoryLedger([load_contract(SERVED_CONTRACT)], channel_id=CHANNEL, chaincode_name=CHAINCODE)
            async with LoopbackPeer(ledger, server.port, PEER_OPTIONS["fabric-3.1"]) as peer:
                await setup_parties(peer, cast)
                samples = (await chaincode_pass(peer, cast, 1, server.cpu_seconds, _async_null)).samples
                samples["who_am_i"] = await checked(peer, cast.users["core"], "WhoAmI", [])
                return samples
        finally:
            server.close()
    return asyncio.run(run())


def templates_json(samples: dict[str, Executed]) -> str:
    """The samples the stand-in serves, keyed by the function name a proposal carries."""
    out = {}
    for executed in samples.values():
        out[function_of(executed.proposal.proposal_bytes)] = {
            "proposal": executed.proposal.SerializeToString().hex(), "tx_id": executed.tx_id,
            "status": executed.status, "message": executed.message, "payload": executed.payload.hex(),
            "event": [executed.event[0], executed.event[1].hex()] if executed.event else None,
            "reads": executed.reads,
            "writes": [{**dataclasses.asdict(w), "value": w.value.hex()} for w in executed.writes]}
    return json.dumps(out)


def templates_from_json(text: str) -> dict[str, Executed]:
    from chaincode.testing._memory_peer import Write

    out = {}
    for function, t in json.loads(text).items():
        out[function] = Executed(
            proposal_pb2.SignedProposal.FromString(bytes.fromhex(t["proposal"])), t["tx_id"], t["status"],
            t["message"], bytes.fromhex(t["payload"]),
            (t["event"][0], bytes.fromhex(t["event"][1])) if t["event"] else None, t["reads"],
            [Write(**{**w, "value": bytes.fromhex(w["value"])}) for w in t["writes"]])
    return out


def function_of(proposal_bytes: bytes) -> str:
    """The function a proposal calls (the first chaincode argument, ``contract:function``)."""
    proposal = proposal_pb2.Proposal.FromString(proposal_bytes)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input)
    return spec.chaincode_spec.input.args[0].decode() if spec.chaincode_spec.input.args else ""


def channel_header_of(payload_bytes: bytes) -> common_pb2.ChannelHeader:
    return common_pb2.ChannelHeader.FromString(common_pb2.Payload.FromString(payload_bytes).header.channel_header)


def proposal_msp(signed: proposal_pb2.SignedProposal) -> str:
    header = common_pb2.Header.FromString(proposal_pb2.Proposal.FromString(signed.proposal_bytes).header)
    return creator_msp(header.signature_header)


# ---------------------------------------------------------------- the stand-in Gateway


class StandInGateway(gateway_pb2_grpc.GatewayServicer):
    """Prepared replies, each built for its request; refuses what a Gateway would not accept in that order.

    A commit status commits the next block of ``chain``, the Gateway peer's blocks. ``journal`` lists
    the calls answered, in order (the function and MSP of each endorse and evaluate, the orgs an endorse
    request named, the block of each commit status), and the filtered Deliver streams ``StandInDeliver``
    serves from the same chain.
    """

    def __init__(self, templates: dict[str, Executed], endorsers: Sequence[TestIdentity]) -> None:
        self.templates = templates
        self.endorsers = list(endorsers)
        self.endorsed: set[str] = set()
        self.submitted: set[str] = set()
        self.chain = OnePeerChain(CHANNEL, FIRST_BLOCK)
        self.journal: list[dict[str, Any]] = []
        self.counts = {"endorse": 0, "submit": 0, "commit_status": 0, "evaluate": 0, "refused": 0}

    def calls_answered(self) -> dict[str, int]:
        streams = sum(entry["call"] == "deliver_filtered" for entry in self.journal)
        return {**self.counts, "deliver_filtered": streams}

    async def _refuse(self, context, code: grpc.StatusCode, message: str):
        self.counts["refused"] += 1
        await context.abort(code, message)

    def _template(self, signed: proposal_pb2.SignedProposal) -> Executed | None:
        return self.templates.get(function_of(signed.proposal_bytes))

    async def Endorse(self, request, context):
        signed = request.proposed_transaction
        template = self._template(signed)
        header = common_pb2.Header.FromString(proposal_pb2.Proposal.FromString(signed.proposal_bytes).header)
        tx_id = common_pb2.ChannelHeader.FromString(header.channel_header).tx_id
        if template is None:
            await self._refuse(context, grpc.StatusCode.NOT_FOUND,
                               f"the stand-in has no prepared reply for {function_of(signed.proposal_bytes)!r}")
        if tx_id != request.transaction_id or not signed.signature:
            await self._refuse(context, grpc.StatusCode.INVALID_ARGUMENT,
                               "the proposal must be signed and carry the request's transaction id")
        self.counts["endorse"] += 1
        self.journal.append({"call": "endorse", "function": function_of(signed.proposal_bytes),
                             "msp": proposal_msp(signed),
                             "endorsing_organizations": list(request.endorsing_organizations)})
        self.endorsed.add(tx_id)
        executed = dataclasses.replace(template, proposal=signed, tx_id=tx_id)
        return gateway_pb2.EndorseResponse(prepared_transaction=prepared_transaction(executed, self.endorsers))

    async def Submit(self, request, context):
        envelope = request.prepared_transaction
        tx_id = channel_header_of(envelope.payload).tx_id
        if tx_id != request.transaction_id or tx_id not in self.endorsed or not envelope.signature:
            await self._refuse(context, grpc.StatusCode.FAILED_PRECONDITION,
                               "submit a signed transaction this Gateway endorsed, with its transaction id")
        self.counts["submit"] += 1
        self.journal.append({"call": "submit"})
        self.endorsed.discard(tx_id)
        self.submitted.add(tx_id)
        return gateway_pb2.SubmitResponse()

    async def CommitStatus(self, request, context):
        tx_id = gateway_pb2.CommitStatusRequest.FromString(request.request).transaction_id
        if tx_id not in self.submitted or not request.signature:
            await self._refuse(context, grpc.StatusCode.NOT_FOUND, f"transaction {tx_id} was not submitted here")
        self.counts["commit_status"] += 1
        self.submitted.discard(tx_id)
        block = self.chain.commit(tx_id)
        self.journal.append({"call": "commit_status", "block": block})
        return gateway_pb2.CommitStatusResponse(result=transaction_pb2.VALID, block_number=block)

    async def Evaluate(self, request, context):
        template = self._template(request.proposed_transaction)
        if template is None or not request.proposed_transaction.signature:
            await self._refuse(context, grpc.StatusCode.NOT_FOUND, "no prepared result for this signed proposal")
        self.counts["evaluate"] += 1
        self.journal.append({"call": "evaluate", "function": function_of(request.proposed_transaction.proposal_bytes),
                             "msp": proposal_msp(request.proposed_transaction)})
        return gateway_pb2.EvaluateResponse(
            result=proposal_response_pb2.Response(status=template.status, payload=template.payload))


def serve_gateway(folder: Path) -> None:
    """The stand-in's process: serves on a free loopback port with ``folder``'s TLS pair and templates.

    Prints the port, then obeys lines on stdin: ``counts PATH`` (writes the calls answered so far
    as JSON), ``journal PATH`` (writes ``StandInGateway.journal`` as JSON), ``quit``; each command is
    answered with ``ok``.
    """
    async def run() -> None:
        loop = asyncio.get_running_loop()
        endorsers = [make_identity("CoreEnterpriseMSP", "peer0", ou="peer"),
                     make_identity("SupplierMSP", "peer0", ou="peer")][:ENDORSERS]
        gateway = StandInGateway(templates_from_json((folder / TEMPLATES_FILE).read_text()), endorsers)
        server = grpc.aio.server()
        gateway_pb2_grpc.add_GatewayServicer_to_server(gateway, server)
        events_pb2_grpc.add_DeliverServicer_to_server(StandInDeliver(gateway.chain, gateway.journal), server)
        credentials = grpc.ssl_server_credentials([((folder / "server.key").read_bytes(),
                                                     (folder / "server.crt").read_bytes())])
        port = server.add_secure_port("127.0.0.1:0", credentials)
        await server.start()
        print(port, flush=True)
        # stdin is a pipe the event loop cannot wait on portably: read it in the default executor.
        while (command := (await loop.run_in_executor(None, sys.stdin.readline)).strip()) not in ("quit", ""):
            if command.startswith("counts "):
                Path(command.split(" ", 1)[1]).write_text(json.dumps(gateway.calls_answered()))
            elif command.startswith("journal "):
                Path(command.split(" ", 1)[1]).write_text(json.dumps(gateway.journal))
            print("ok", flush=True)
        await server.stop(1)

    asyncio.run(run())


def write_tls(folder: Path) -> None:
    """A TLS CA and the stand-in's server pair for 127.0.0.1 (``ca.crt``, ``server.crt``, ``server.key``)."""
    ca_key, ca_cert = make_ca("tlsca.stand-in.example.com", "StandInGateway")
    key = new_key()
    cert = issue(ca_key, ca_cert, key, cn="gateway.stand-in.example.com", org="StandInGateway", tls=True,
                 server=True, sans=["127.0.0.1", "localhost"])
    pem = serialization.Encoding.PEM
    (folder / "ca.crt").write_bytes(ca_cert.public_bytes(pem))
    (folder / "server.crt").write_bytes(cert.public_bytes(pem))
    (folder / "server.key").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))


class GatewayProcess(ServerProcess):
    """The stand-in Gateway's process, started and commanded from here (``ServerProcess``'s commands)."""

    def __init__(self, folder: Path) -> None:  # not super().__init__(): that one starts the chaincode server
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.client_cpu", "--serve-gateway", str(folder)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"the stand-in Gateway did not start (it printed {line!r}); run "
                               f"`python -m bench.client_cpu --serve-gateway {folder}` to see why")
        self.port = int(line)
        self.address = f"127.0.0.1:{self.port}"

    def counts(self) -> dict[str, int]:
        path = self.folder / "counts.json"
        self.command(f"counts {path}")
        return json.loads(path.read_text())

    def journal(self) -> list[dict[str, Any]]:
        """Every call the stand-in answered so far, in order (``StandInGateway.journal``)."""
        path = self.folder / "journal.json"
        self.command(f"journal {path}")
        return json.loads(path.read_text())


@contextlib.contextmanager
def stand_in_gateway(samples: dict[str, Executed]):
    """The stand-in running in its own process, with its TLS material and templates in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="recfin-client-cpu-") as tmp:
        folder = Path(tmp)
        write_tls(folder)
        (folder / TEMPLATES_FILE).write_text(templates_json(samples))
        gateway = GatewayProcess(folder)
        try:
            yield gateway
        finally:
            gateway.close()


# ---------------------------------------------------------------- the two clients


@dataclass
class Workload:
    """What one run submits: the function, who submits it, the warm-up's and the measured arguments,
    and the result the stand-in returns for it."""

    operation: str
    function: str
    user: TestIdentity
    warmup: list[list[str]]
    measured: list[list[str]]
    expected_result: bytes


def new_workload(cast: Cast, samples: dict[str, Executed], operation: str, iterations: int, warmup: int) -> Workload:
    function, actor = FUNCTIONS[operation]
    today = business_today()
    receivable_id = samples[operation].result()["id"]
    make = {"register": lambda: cast.register_arguments(today),
            "transfer": lambda: cast.transfer_arguments(receivable_id)}[operation]
    return Workload(operation, function, cast.users[actor], [make() for _ in range(warmup)],
                    [make() for _ in range(iterations)], samples[operation].payload)


def row(client: str, api: str, workload: Workload, concurrency: int, cpu_seconds: float, wall_seconds: float,
        results_matched: int) -> dict[str, Any]:
    n = len(workload.measured)
    return {"client": client, "api": api, "operation": workload.operation, "concurrency": concurrency,
            "transactions": n, "results_matched": results_matched,
            "cpu_ms_per_tx": round(cpu_seconds * 1000 / n, 3),
            "tx_per_s": round(n / wall_seconds, 1) if wall_seconds > 0 else None,
            "cpu_s": round(cpu_seconds, 4), "wall_s": round(wall_seconds, 4)}


def _own_cpu() -> float:
    """This process's CPU seconds, all its threads: the kernel's count in nanoseconds
    (CLOCK_PROCESS_CPUTIME_ID), not /proc/<pid>/stat's clock ticks (10 ms each), which would round
    a loop's CPU to a tick and so recfin's CPU per transaction to 10 ms / N, while the Node script's
    process.cpuUsage() counts microseconds."""
    return time.process_time()


def _identity(user: TestIdentity) -> tuple[Identity, Callable[[bytes], bytes]]:
    certificate = user.certificate.public_bytes(serialization.Encoding.PEM)
    return Identity.from_pem(user.msp_id, certificate), private_key_signer(user.private_key)


def run_python_sync(address: str, ca_pem: bytes, workload: Workload,
                    profiler: cProfile.Profile | None = None) -> dict[str, Any]:
    """``Contract.submit_transaction`` one at a time; this process's CPU around the measured loop."""
    identity, signer = _identity(workload.user)
    with connect(address, identity=identity, signer=signer, tls_root_certificates=ca_pem) as gateway:
        contract = gateway.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME)
        for arguments in workload.warmup:
            contract.submit_transaction(workload.function, *arguments)
        results = []
        before, started = _own_cpu(), time.perf_counter()
        if profiler:
            profiler.enable()
        for arguments in workload.measured:
            results.append(contract.submit_transaction(workload.function, *arguments))
        if profiler:
            profiler.disable()
        wall, used = time.perf_counter() - started, _own_cpu() - before
    return row("recfin", "sync", workload, 1, used, wall, results.count(workload.expected_result))


def run_python_async(address: str, ca_pem: bytes, workload: Workload, concurrency: int) -> dict[str, Any]:
    """``AsyncContract.submit_transaction`` with ``concurrency`` workers; this process's CPU around the loop."""
    identity, signer = _identity(workload.user)

    async def run() -> dict[str, Any]:
        async with connect_async(address, identity=identity, signer=signer, tls_root_certificates=ca_pem) as gateway:
            contract = gateway.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME)

            async def closed_loop(argument_lists: list[list[str]], results: list[bytes]) -> None:
                pending = iter(argument_lists)

                async def worker() -> None:
                    for arguments in pending:   # one shared iterator: each worker takes the next
                        results.append(await contract.submit_transaction(workload.function, *arguments))
                await asyncio.gather(*(worker() for _ in range(concurrency)))

            await closed_loop(workload.warmup, [])
            results: list[bytes] = []
            before, started = _own_cpu(), time.perf_counter()
            await closed_loop(workload.measured, results)
            wall, used = time.perf_counter() - started, _own_cpu() - before
        return row("recfin", "async", workload, concurrency, used, wall, results.count(workload.expected_result))

    return asyncio.run(run())


def node_config(address: str, ca_path: Path, folder: Path, workload: Workload, concurrency: int) -> dict[str, Any]:
    """What bench/node/client_cpu.js reads: where and as whom to connect, and what to submit."""
    user = workload.user
    (folder / "user.crt").write_bytes(user.certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "user.key").write_bytes(user.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return {"address": address, "tls_root_cert": str(ca_path), "msp_id": user.msp_id,
            "cert": str(folder / "user.crt"), "key": str(folder / "user.key"),
            "channel": CHANNEL, "chaincode": CHAINCODE, "contract": CONTRACT_NAME, "function": workload.function,
            "warmup": workload.warmup, "measured": workload.measured, "concurrency": concurrency,
            "expected_result": workload.expected_result.hex()}


def run_node(address: str, ca_path: Path, workload: Workload, concurrency: int) -> dict[str, Any]:
    """The Node script as a subprocess; its CPU as it reports it (``process.cpuUsage()`` around its loop)."""
    with tempfile.TemporaryDirectory(prefix="recfin-client-cpu-node-") as tmp:
        path = Path(tmp) / "config.json"
        path.write_text(json.dumps(node_config(address, ca_path, Path(tmp), workload, concurrency)))
        seconds = TIMEOUT + 10 * len(workload.measured)
        try:
            done = subprocess.run([_tool("node"), str(NODE_SCRIPT), str(path)], cwd=NODE_DIR,
                                  capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            raise NodeClientError(f"the Node client did not finish within {seconds:g} s") from None
    output = script_output(done)
    unread = [key for key in ("transactions", "cpu_s", "wall_s", "results_matched")
              if not isinstance(output, dict) or not _count_or_seconds(output.get(key))]
    if unread:
        raise NodeClientError("the Node client's figures cannot be read: "
                              + (f"a JSON {type(output).__name__}, not an object" if not isinstance(output, dict) else
                                 ", ".join(f"{key} {output.get(key)!r}" for key in unread)
                                 + " (each a finite number, 0 or more)"))
    if output["transactions"] != len(workload.measured):
        raise NodeClientError(f"the Node client measured {output['transactions']} transactions, "
                              f"not {len(workload.measured)}")
    return row("node", "async", workload, concurrency, output["cpu_s"], output["wall_s"], output["results_matched"])


def _count_or_seconds(value: Any) -> bool:
    """Whether ``value`` is a figure the Node script prints: a finite number, 0 or more (Python's JSON reader takes
    NaN and Infinity, which the rows would pass on)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


# ---------------------------------------------------------------- the whole run


@dataclass
class Settings:
    iterations: int = 1000
    warmup: int = 100
    concurrency: tuple[int, ...] = (1, 16)
    operations: tuple[str, ...] = OPERATIONS
    clients: tuple[str, ...] = ("python", "node")
    profile: int = 0


def with_ratios(rows: list[dict[str, Any]]) -> None:
    """``ours_to_node`` on recfin's rows: its CPU per transaction over the Node client's at the same
    operation and concurrency (below 1: recfin spends less; the issue's target is 0.5 or less)."""
    node = {(r["operation"], r["concurrency"]): r["cpu_ms_per_tx"] for r in rows if r["client"] == "node"}
    for r in rows:
        theirs = node.get((r["operation"], r["concurrency"]))
        if r["client"] == "recfin":
            r["ours_to_node"] = round(r["cpu_ms_per_tx"] / theirs, 2) if theirs else None


def node_version() -> str | None:
    with contextlib.suppress(NodeClientError, OSError, subprocess.SubprocessError):
        return subprocess.run([_tool("node"), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    return None


def run_client_cpu(settings: Settings, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Both clients, each operation and concurrency, against one stand-in Gateway."""
    report: dict[str, Any] = {
        "schema": SCHEMA, "label": LABEL, "machine": {**machine(), "node": node_version()},
        "settings": {"iterations": settings.iterations, "warmup": settings.warmup,
                     "concurrency": list(settings.concurrency), "operations": list(settings.operations),
                     "endorsers": ENDORSERS, "node_cpu": "process.cpuUsage() around the script's measured loop",
                     "recfin_cpu": "time.process_time() around the measured loop"},
        "rows": [], "gateway_calls": {}, "node_error": None, "profiles": {}}
    node = "node" in settings.clients
    if node:
        try:
            install()
        except NodeClientError as error:
            report["node_error"] = f"{error}; or measure ours alone (--client python)"
            say(f"the Node client is left out: {error}")
            node = False
    cast = Cast.create()
    say("running each operation once through the receivables contract, for the stand-in Gateway to serve")
    samples = execute_samples(cast)
    with stand_in_gateway(samples) as gateway:
        say(f"stand-in Gateway pid {gateway.pid} on {gateway.address} (TLS); {LABEL}")
        ca_pem = (gateway.folder / "ca.crt").read_bytes()
        for operation in settings.operations:
            for concurrency in settings.concurrency:
                def workload() -> Workload:
                    return new_workload(cast, samples, operation, settings.iterations, settings.warmup)
                if "python" in settings.clients:
                    if concurrency == 1:
                        say(f"recfin sync: {settings.iterations} {operation}")
                        report["rows"].append(run_python_sync(gateway.address, ca_pem, workload()))
                    say(f"recfin async: {settings.iterations} {operation}, {concurrency} in flight")
                    report["rows"].append(run_python_async(gateway.address, ca_pem, workload(), concurrency))
                if node:
                    say(f"node: {settings.iterations} {operation}, {concurrency} in flight")
                    try:
                        report["rows"].append(run_node(gateway.address, gateway.folder / "ca.crt", workload(),
                                                       concurrency))
                    except NodeClientError as error:
                        # recfin's rows measured so far, and those still to come, are kept: the rows from here
                        # on have no Node figure, and the report says why
                        report["node_error"] = (f"{error} (at {operation}, {concurrency} in flight: no Node "
                                                "row from there on); or measure ours alone (--client python)")
                        say(f"the Node client is left out from here on: {error}")
                        node = False
        if settings.profile and "python" in settings.clients:
            for operation in settings.operations:
                say(f"recfin sync: {operation} again, profiled")
                profiler = cProfile.Profile(time.thread_time)
                run_python_sync(gateway.address, ca_pem,
                                new_workload(cast, samples, operation, settings.iterations, settings.warmup), profiler)
                report["profiles"][operation] = top_functions(pstats.Stats(profiler), settings.profile)
        report["gateway_calls"] = gateway.counts()
    with_ratios(report["rows"])
    return report


def text_lines(report: dict[str, Any]) -> list[str]:
    m = report["machine"]
    out = [report["label"],
           f"{machine_line(m)}, Node {m['node'] or '-'}",
           table(report["rows"], COLUMNS)]
    if report["node_error"]:
        out.append(f"Node client not measured: {report['node_error']}")
    calls = report["gateway_calls"]
    out.append("stand-in Gateway answered: " + ", ".join(f"{k} {v}" for k, v in calls.items()))
    for operation, functions in report["profiles"].items():
        out.extend(profile_lines(f"recfin sync {operation}", functions))
    return out


@click.command("client_cpu", context_settings=HELP_OPTIONS)
@measured_counts(1000, "Measured transactions per client, operation and concurrency.",
                 100, "Unmeasured transactions before each measured loop.")
@click.option("--concurrency", type=WholeNumberRange(min=1, max=MAX_CONCURRENCY), multiple=True,
              help="Transactions in flight (repeatable; default 1 and 16). At 1 recfin runs its sync API too.")
@click.option("--operation", "operations", type=click.Choice(OPERATIONS), multiple=True,
              help="Measure only this operation (repeatable; default both).")
@click.option("--client", "clients", type=click.Choice(["python", "node"]), multiple=True,
              help="Measure only this client (repeatable; default both).")
@profile_option("Then a profiled pass of recfin's sync client: the top N functions by cumulative CPU.")
@json_option()
@click.option("--serve-gateway", "gateway_folder", type=click.Path(file_okay=False, path_type=Path), hidden=True)
def main(iterations, warmup, concurrency, operations, clients, profile, as_json, gateway_folder) -> None:
    """Client CPU per transaction of recfin's Gateway SDK and of the official Node client
    (@hyperledger/fabric-gateway), both over TLS gRPC to one stand-in Gateway.

    Client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved.

    \b
    Example:
      python -m bench.client_cpu
      python -m bench.client_cpu --iterations 3000 --concurrency 1 --concurrency 64
      python -m bench.client_cpu --client python --profile 25 --json > client-cpu.json
    """
    if gateway_folder:
        serve_gateway(gateway_folder)
        return
    # each given once: a value repeated would be measured again, a row twice over
    settings = Settings(iterations, warmup, tuple(dict.fromkeys(concurrency)) or (1, 16),
                        tuple(dict.fromkeys(operations)) or OPERATIONS,
                        tuple(dict.fromkeys(clients)) or ("python", "node"), profile)
    report = run_client_cpu(settings, progress(as_json))
    emit_report(report, text_lines, as_json=as_json)


if __name__ == "__main__":
    main()
