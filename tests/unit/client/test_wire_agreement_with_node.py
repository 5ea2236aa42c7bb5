"""recfin's Gateway client sends what the official Node client (@hyperledger/fabric-gateway) sends.

The official client is known to work against Fabric 3.1 peers; no Fabric runs here, so agreement
with it, request by request and field by field, is the evidence that recfin's client will too.

Both clients run the same STEPS over mutual TLS gRPC, each against its own recording stand-in: the
bench's stand-in Gateway (``bench.client_cpu.StandInGateway``: Endorse answers a prepared
transaction built around the request's own proposal, then Submit, CommitStatus, Evaluate) and the
stand-in peer's Deliver (``bench.prepared_gateway.StandInDeliver``: full, filtered and private-data
blocks), with ChaincodeEvents answered here. Every request is decoded down to its last nested
message (SignedProposal, Proposal, Header, ChannelHeader and its ChaincodeHeaderExtension,
SignatureHeader and the SerializedIdentity in it, ChaincodeProposalPayload, ChaincodeInvocationSpec,
TransientMap, the Gateway requests and their organisations, the signed commit status and chaincode
events requests, Deliver envelopes down to the SeekInfo); fields unknown to the protos would show.
While decoding, every signature is verified against the user's certificate over the exact bytes
signed and must be low-S, and each transaction ID must be Fabric's hex(sha256(nonce + creator))
with a 24-byte nonce, as the peer's endorser checks (core/endorser/msgvalidation.go). Then what is
random per call becomes a placeholder: transaction IDs and nonces numbered in order of first
appearance (so the proposal, its endorse, submit and commit status still name one transaction),
timestamps and signatures. The two clients' requests must then be equal, save for the differences
documented in docs/sdk-gateway.md, each in a field Fabric does not read; the test checks each is
there, so it fails when one goes away and the page must say so.

The FAILURE_STEPS run the same way against the stand-in told (FAILURES, CHAINCODE_EVENTS_FAILURES,
DELIVER_FAILURES) to fail calls as a Fabric Gateway does: gRPC statuses with gateway.ErrorDetail
entries, invalid transactions' validation codes, streams ended by a status. Both clients must send the
same requests up to each failure and nothing after it, and report each failure alike: the error's
class, gRPC code, status message, details (address, MSP ID, message per peer or orderer), transaction
ID and validation code, save for the differences of naming mapped in ``as_node_reports``.
"""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from hashlib import sha256
from operator import attrgetter
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import chaincode_event_pb2, chaincode_pb2, events_pb2_grpc, proposal_pb2, transaction_pb2
from google.protobuf import any_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.unknown_fields import UnknownFieldSet

from bench.client_cpu import StandInGateway, function_of, write_tls
from bench.loopback_peer import CHANNEL, Executed
from bench.node_compare import NODE_DIR
from bench.prepared_gateway import StandInDeliver
from chaincode.testing import make_identity
from client.gateway import (FileCheckpointer, GatewayError, InMemoryCheckpointer, Identity, TransportError, connect,
                            connect_async, private_key_signer)
from client.gateway._twins import Steps, awaiting, blocking
from .gateway_fakes import is_low_s, key_pem, make_key_and_cert, verify

NODE = shutil.which("node")
SCRIPT = Path(__file__).parent / "node_wire" / "drive_official_client.js"
# skipped without Node.js; failed where bench/node has no node_modules (tests/unit/node_packages.py)
pytestmark = pytest.mark.usefixtures("official_node_client")

CHAINCODE = "receivables"
CONTRACT = "Receivable"
MSP_ID = "SupplierMSP"
TIMEOUT = 60.0
NONCE_LENGTH = 24


def text(value: str) -> dict[str, str]:
    return {"text": value}


def raw(value: bytes) -> dict[str, str]:
    return {"hex": value.hex()}


STEPS: list[dict[str, Any]] = [
    {"op": "evaluate_transaction", "name": "Get", "args": [text("R-1")]},
    {"op": "evaluate", "name": "Get", "args": [text("R-1"), raw(b"\x00\x01\xfe\xff")],
     "transient": {"price": text("100000"), "key": raw(b"\x00\xff")}, "endorsing": ["SupplierMSP"]},
    {"op": "submit_transaction", "name": "Confirm", "args": [text("R-1"), text("确权")]},
    {"op": "submit", "name": "Register", "args": [text("R-2"), raw(bytes(range(256)))],
     "transient": {"invoice": text("INV-1"), "fingerprint": raw(sha256(b"INV-1").digest())},
     "endorsing": ["SupplierMSP", "CoreEnterpriseMSP"]},
    {"op": "submit_async", "name": "Transfer", "args": [text("R-2"), text("91350100M000100Y43")]},
    {"op": "offline_submit", "name": "Settle", "args": [text("R-2")], "transient": {"note": text("paid")},
     "endorsing": ["CoreEnterpriseMSP"]},
    {"op": "chaincode_events", "chaincode": CHAINCODE, "start_block": 5},
    {"op": "chaincode_events", "chaincode": CHAINCODE},
    {"op": "block_events", "kind": "block", "start_block": 3, "then_from_checkpoint": True},
    {"op": "block_events", "kind": "filtered", "start_block": 3},
    {"op": "block_events", "kind": "private", "start_block": 3},
]
"""What both clients do, in order; arguments and transient values as text or as bytes (hex)."""

# ---------------------------------------------------------------- failures, as a Fabric Gateway reports them
#
# The shapes are Fabric's (internal/pkg/gateway: evaluate.go, endorse.go, submit.go, commitstatus.go,
# chaincodeevents.go, and apiutils.go's newRpcError and errorDetail): a failed call is a gRPC status
# whose grpc-status-details-bin trailer holds a google.rpc.Status with one Any-packed
# gateway.ErrorDetail {address, msp_id, message} per endorsing peer or orderer that failed; a
# transaction that reached a block as invalid is a CommitStatusResponse with its TxValidationCode.

SUPPLIER_PEER0 = ("peer0.supplier.recfin.local:8051", "SupplierMSP")
SUPPLIER_PEER1 = ("peer1.supplier.recfin.local:8151", "SupplierMSP")
CORE_PEER0 = ("peer0.core.recfin.local:7051", "CoreEnterpriseMSP")
BANK_PEER0 = ("peer0.bank.recfin.local:9051", "BankMSP")
ORDERERS = [(f"orderer{n}.orderer.recfin.local:7{n}50", "OrdererMSP") for n in range(3)]
NOT_DEFINED = ("make sure the chaincode receivables has been successfully defined on channel receivables and try "
               "again: chaincode definition for 'receivables' exists, but chaincode is not installed")
NOT_FOUND_BY_CHAINCODE = "chaincode response 500, 应收账款 R-404 不存在 (receivable R-404 not found)"
DENIED = ("failed evaluating policy on signed data during check policy [/Channel/Application/Readers]: [implicit "
          "policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Readers' "
          "sub-policies to be satisfied]")


@dataclass(frozen=True)
class Failure:
    """How the stand-in answers one call made for one function: with a gRPC status and its details,
    or (CommitStatus) with a TxValidationCode other than VALID."""

    call: str                                        # Evaluate, Endorse, Submit or CommitStatus
    code: grpc.StatusCode | None = None
    message: str = ""
    details: tuple[tuple[tuple[str, str], str], ...] = ()   # ((address, MSP ID), message) per peer or orderer
    validation_code: int | None = None


FAILURES = {f"{CONTRACT}:{name}": failure for name, failure in {
    # evaluate.go: an error the chaincode returned is not retried on another peer: UNKNOWN, that peer's detail.
    "GetMissing": Failure("Evaluate", grpc.StatusCode.UNKNOWN,
                          f"evaluate call to endorser returned error: {NOT_FOUND_BY_CHAINCODE}",
                          ((SUPPLIER_PEER0, NOT_FOUND_BY_CHAINCODE),)),
    # evaluate.go: a 500 the peer made itself is retried on the next peer of the group; none left: ABORTED.
    "GetUndefined": Failure("Evaluate", grpc.StatusCode.ABORTED,
                            "failed to evaluate transaction, see attached details for more info",
                            ((SUPPLIER_PEER0, NOT_DEFINED), (SUPPLIER_PEER1, NOT_DEFINED))),
    # endorse.go planFromFirstEndorser: every peer of the Gateway's org failed the first endorsement.
    "ConfirmMissing": Failure("Endorse", grpc.StatusCode.ABORTED,
                              "failed to endorse transaction, see attached details for more info",
                              ((SUPPLIER_PEER0, NOT_FOUND_BY_CHAINCODE), (SUPPLIER_PEER1, NOT_FOUND_BY_CHAINCODE))),
    # endorse.go: the first endorsement came, but no layout of the policy could be completed.
    "Finance": Failure("Endorse", grpc.StatusCode.ABORTED,
                       "failed to collect enough transaction endorsements, see attached details for more info",
                       ((CORE_PEER0, "chaincode response 500, receivable R-2 is frozen by the regulator"),
                        (BANK_PEER0, "rpc error: code = Unavailable desc = connection error: desc = \"transport: "
                                     "Error while dialing: dial tcp 127.0.0.1:9051: connect: connection refused\""))),
    # endorse.go: endorsing_organizations named an org with no peer for the chaincode: UNAVAILABLE, no details.
    "TransferToBank": Failure("Endorse", grpc.StatusCode.UNAVAILABLE,
                              "failed to find any endorsing peers for org(s): BankMSP"),
    # submit.go submitNonBFT: no orderer took the transaction; one detail per orderer tried.
    "Pay": Failure("Submit", grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction",
                      tuple((orderer, "rpc error: code = Unavailable desc = error reading from server: EOF")
                            for orderer in ORDERERS)),
    # The same, for a transaction signed offline: its ID comes from the prepared transaction.
    "Split": Failure("Submit", grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction",
                     tuple((orderer, "rpc error: code = DeadlineExceeded desc = context deadline exceeded")
                           for orderer in ORDERERS)),
    # submit.go submitNonBFT: an orderer refused the transaction (a 4xx status): ABORTED, not retried.
    "Reject": Failure("Submit", grpc.StatusCode.ABORTED,
                      "received unsuccessful response from orderer: status=BAD_REQUEST, info=envelope too large"),
    "Repay": Failure("CommitStatus", validation_code=transaction_pb2.MVCC_READ_CONFLICT),
    "Pledge": Failure("CommitStatus", validation_code=transaction_pb2.ENDORSEMENT_POLICY_FAILURE),
    "Assign": Failure("CommitStatus", validation_code=transaction_pb2.ENDORSEMENT_POLICY_FAILURE),
    # commitstatus.go: the channel's ACL refused the identity asking.
    "Freeze": Failure("CommitStatus", grpc.StatusCode.PERMISSION_DENIED, DENIED),
}.items()}
"""Per function (as the proposal names it), the call the stand-in fails and how."""


@dataclass(frozen=True)
class StreamFailure:
    """A stream that sends ``after`` events or blocks, then ends with a gRPC status or (Deliver) a status reply."""

    after: int
    code: grpc.StatusCode | None = None
    message: str = ""
    deliver_status: int | None = None


CHAINCODE_EVENTS_FAILURES = {
    # chaincodeevents.go: the ledger's block iterator failed while the stream ran: ABORTED with its error.
    7: StreamFailure(1, grpc.StatusCode.ABORTED, "error retrieving block 8: the ledger is closing"),
    # chaincodeevents.go: the channel's ACL refused the identity: PERMISSION_DENIED before any event.
    8: StreamFailure(0, grpc.StatusCode.PERMISSION_DENIED, DENIED),
}
DELIVER_FAILURES = {
    # common/deliver/deliver.go ends a stream whose creator lost access with a FORBIDDEN status reply.
    7: StreamFailure(1, deliver_status=common_pb2.FORBIDDEN),
    # The peer went away mid-stream: a gRPC status, as any connection failure gives.
    8: StreamFailure(1, grpc.StatusCode.UNAVAILABLE, "error reading from server: EOF"),
}
"""Per start block asked for, how the stand-in ends a stream (other start blocks stream as usual)."""

BEYOND_THE_CHAIN = 1000
"""A start block past the next one to be committed: Deliver answers NOT_FOUND (the stand-in's own check)."""

FAILURE_STEPS: list[dict[str, Any]] = [
    {"op": "evaluate_transaction", "name": "GetMissing", "args": [text("R-404")], "fails": True},
    {"op": "evaluate", "name": "GetUndefined", "args": [text("R-1")], "endorsing": ["SupplierMSP"], "fails": True},
    {"op": "submit_transaction", "name": "ConfirmMissing", "args": [text("R-404")], "fails": True},
    {"op": "submit", "name": "Finance", "args": [text("R-2"), text("BANK-1")], "fails": True},
    {"op": "submit", "name": "TransferToBank", "args": [text("R-2")], "endorsing": ["BankMSP"], "fails": True},
    {"op": "submit_transaction", "name": "Pay", "args": [text("R-2")], "fails": True},
    {"op": "submit", "name": "Reject", "args": [text("R-3")], "fails": True},
    {"op": "offline_submit", "name": "Split", "args": [text("R-2"), text("50000")], "fails": True},
    {"op": "submit_transaction", "name": "Repay", "args": [text("R-2")], "fails": True},
    {"op": "submit", "name": "Pledge", "args": [text("R-2")], "transient": {"note": text("pledge")}, "fails": True},
    {"op": "submit_async", "name": "Assign", "args": [text("R-2")]},
    {"op": "submit_async", "name": "Freeze", "args": [text("R-2")], "fails": True},
    {"op": "chaincode_events_until_error", "chaincode": CHAINCODE, "start_block": 7},
    {"op": "chaincode_events_until_error", "chaincode": CHAINCODE, "start_block": 8},
    {"op": "block_events_until_error", "kind": "filtered", "start_block": 7},
    {"op": "block_events_until_error", "kind": "block", "start_block": 8},
    {"op": "block_events_until_error", "kind": "private", "start_block": BEYOND_THE_CHAIN},
]
"""Steps that fail, each where the tables above say; ``fails`` marks those whose call raises."""

FUNCTIONS = sorted({step["name"] for step in STEPS + FAILURE_STEPS if "name" in step})


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def status_details(code: grpc.StatusCode, message: str, details) -> bytes:
    """The serialized google.rpc.Status of grpc-status-details-bin (google/rpc/status.proto: code = 1, message = 2,
    details = 3, each a google.protobuf.Any), written field by field here so that neither client decodes what its
    own encoder wrote; each detail is Any.Pack(gateway.ErrorDetail), as Go's status.WithDetails packs it."""
    def field(number: int, payload: bytes) -> bytes:     # wire type 2: length-delimited
        return _varint(number << 3 | 2) + _varint(len(payload)) + payload

    out = _varint(1 << 3) + _varint(code.value[0]) + field(2, message.encode())
    for (address, msp_id), said in details:
        packed = any_pb2.Any()
        packed.Pack(gateway_pb2.ErrorDetail(address=address, msp_id=msp_id, message=said))
        out += field(3, packed.SerializeToString())
    return out


def result_of(function: str) -> bytes:
    return f"result of {function}".encode()


# ---------------------------------------------------------------- the recording stand-in


class RecordingGateway(StandInGateway):
    """The bench's stand-in Gateway, keeping each request as it came, and the payload of the
    transaction each Endorse prepared (a client must submit it unchanged, only signed). A call made
    for a function FAILURES names fails there, as a Fabric Gateway's would."""

    def __init__(self, requests: list[tuple[str, Any]]) -> None:
        templates = {f"{CONTRACT}:{name}": Executed(proposal_pb2.SignedProposal(), "", 200, "", result_of(name),
                                                    None, [], []) for name in FUNCTIONS}
        super().__init__(templates, [make_identity("CoreEnterpriseMSP", "peer0", ou="peer")])
        self.requests = requests
        self.prepared: dict[str, bytes] = {}
        self.functions: dict[str, str] = {}      # transaction ID -> the function its proposal called

    @staticmethod
    async def fail_if_chosen(call: str, function: str | None, context) -> None:
        failure = FAILURES.get(function or "")
        if failure is not None and failure.call == call and failure.code is not None:
            trailers = (("grpc-status-details-bin", status_details(failure.code, failure.message, failure.details)),)
            await context.abort(failure.code, failure.message, trailing_metadata=trailers)

    async def Evaluate(self, request, context):
        self.requests.append(("Evaluate", request))
        await self.fail_if_chosen("Evaluate", function_of(request.proposed_transaction.proposal_bytes), context)
        return await super().Evaluate(request, context)

    async def Endorse(self, request, context):
        self.requests.append(("Endorse", request))
        self.functions[request.transaction_id] = function_of(request.proposed_transaction.proposal_bytes)
        await self.fail_if_chosen("Endorse", self.functions[request.transaction_id], context)
        reply = await super().Endorse(request, context)
        self.prepared[request.transaction_id] = reply.prepared_transaction.payload
        return reply

    async def Submit(self, request, context):
        self.requests.append(("Submit", request))
        await self.fail_if_chosen("Submit", self.functions.get(request.transaction_id), context)
        return await super().Submit(request, context)

    async def CommitStatus(self, request, context):
        self.requests.append(("CommitStatus", request))
        function = self.functions.get(gateway_pb2.CommitStatusRequest.FromString(request.request).transaction_id)
        await self.fail_if_chosen("CommitStatus", function, context)
        reply = await super().CommitStatus(request, context)
        failure = FAILURES.get(function or "")
        if failure is not None and failure.call == "CommitStatus" and failure.validation_code is not None:
            reply.result = failure.validation_code      # committed in its block, as invalid
        return reply

    async def ChaincodeEvents(self, request, context):
        """One event in the start block (its number, or 0 for the next commit), then the stream ends;
        from a start block CHAINCODE_EVENTS_FAILURES names, its events, then its status."""
        self.requests.append(("ChaincodeEvents", request))
        asked = gateway_pb2.ChaincodeEventsRequest.FromString(request.request)
        block = asked.start_position.specified.number
        failure = CHAINCODE_EVENTS_FAILURES.get(block)
        for number in range(block, block + (1 if failure is None else failure.after)):
            yield gateway_pb2.ChaincodeEventsResponse(block_number=number, events=[chaincode_event_pb2.ChaincodeEvent(
                chaincode_id=asked.chaincode_id, tx_id=sha256(b"event in block %d" % number).hexdigest(),
                event_name="ReceivableRegistered", payload=b'{"id":"R-2"}')])
        if failure is not None:
            await context.abort(failure.code, failure.message)


DELIVER_METHODS = {"deliver": "Deliver", "deliver_filtered": "DeliverFiltered",
                   "deliver_with_private_data": "DeliverWithPrivateData"}


class StreamAborted(Exception):
    """Raised inside a Deliver stream to end it with a gRPC status (only the servicer method has the context)."""

    def __init__(self, failure: StreamFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class RecordingDeliver(StandInDeliver):
    """The stand-in peer's Deliver, keeping each seek envelope as it came; from a start block
    DELIVER_FAILURES names, its blocks, then its status reply or gRPC status."""

    def __init__(self, gateway: RecordingGateway) -> None:
        super().__init__(gateway.chain, gateway.journal)
        self.requests = gateway.requests

    async def Deliver(self, request_iterator, context):
        async for reply in self._aborting(super().Deliver(request_iterator, context), context):
            yield reply

    async def DeliverFiltered(self, request_iterator, context):
        async for reply in self._aborting(super().DeliverFiltered(request_iterator, context), context):
            yield reply

    async def DeliverWithPrivateData(self, request_iterator, context):
        async for reply in self._aborting(super().DeliverWithPrivateData(request_iterator, context), context):
            yield reply

    @staticmethod
    async def _aborting(replies, context):
        try:
            async for reply in replies:
                yield reply
        except StreamAborted as aborted:
            await context.abort(aborted.failure.code, aborted.failure.message)

    def _serve(self, envelope, entry):
        self.requests.append((DELIVER_METHODS[entry["call"]], envelope))
        served = super()._serve(envelope, entry)
        start = ab_pb2.SeekInfo.FromString(common_pb2.Payload.FromString(envelope.payload).data).start
        failure = DELIVER_FAILURES.get(start.specified.number) if start.HasField("specified") else None
        return served if failure is None else self._failing(served, failure, entry)

    async def _failing(self, served, failure: StreamFailure, entry):
        for _ in range(failure.after):
            yield await served.__anext__()
        await served.aclose()
        if failure.deliver_status is not None:
            yield self._status(entry, failure.deliver_status)
        else:
            raise StreamAborted(failure)


class RecordingStandIn:
    """The recording stand-in on a free loopback port with TLS (``folder``'s pair), on an event loop
    in a thread of its own so that the sync client and the Node process can call it from here. It asks
    for the client's TLS certificate (issued by ``client-ca.crt``), as a peer with clientAuthRequired does."""

    def __init__(self, folder: Path) -> None:
        self.requests: list[tuple[str, Any]] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.address = f"127.0.0.1:{self._run(self._start(folder))}"

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(TIMEOUT)

    async def _start(self, folder: Path) -> int:
        self.gateway = RecordingGateway(self.requests)   # built on the loop that serves it
        self._server = grpc.aio.server()
        gateway_pb2_grpc.add_GatewayServicer_to_server(self.gateway, self._server)
        events_pb2_grpc.add_DeliverServicer_to_server(RecordingDeliver(self.gateway), self._server)
        credentials = grpc.ssl_server_credentials(
            [((folder / "server.key").read_bytes(), (folder / "server.crt").read_bytes())],
            root_certificates=(folder / "client-ca.crt").read_bytes(), require_client_auth=True)
        port = self._server.add_secure_port("127.0.0.1:0", credentials)
        await self._server.start()
        return port

    def close(self) -> None:
        self._run(self._server.stop(None))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


@dataclass
class Recorded:
    """One client's run: what it returned for each step, and every request the stand-in received."""

    steps: list[dict[str, Any]]
    requests: list[tuple[str, Any]]
    prepared: dict[str, bytes]


@dataclass
class User:
    msp_id: str
    cert_path: Path
    key_path: Path
    key: Any

    @property
    def identity(self) -> Identity:
        return Identity.from_pem(self.msp_id, self.cert_path.read_bytes())

    @property
    def public_key(self):
        return x509.load_pem_x509_certificate(self.cert_path.read_bytes()).public_key()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The stand-in's TLS pair and CA (``bench.client_cpu.write_tls``), and a TLS client pair for mutual TLS."""
    path = tmp_path_factory.mktemp("wire")
    write_tls(path)
    ca_key, ca_pem = make_key_and_cert("wire-client-ca")
    key, cert_pem = make_key_and_cert("wire-client", issuer_key=ca_key,
                                      issuer_cert=x509.load_pem_x509_certificate(ca_pem))
    (path / "client-ca.crt").write_bytes(ca_pem)
    (path / "client.crt").write_bytes(cert_pem)
    (path / "client.key").write_bytes(key_pem(key))
    return path


@pytest.fixture(scope="module")
def user(folder) -> User:
    key, cert_pem = make_key_and_cert("wire-agreement")
    (folder / "user.crt").write_bytes(cert_pem)
    (folder / "user.key").write_bytes(key_pem(key))
    return User(MSP_ID, folder / "user.crt", folder / "user.key", key)


def recorded(folder: Path, run) -> Recorded:
    """``run(address)`` against a fresh recording stand-in (so both clients meet the same chain)."""
    stand_in = RecordingStandIn(folder)
    try:
        steps = run(stand_in.address)
    finally:
        stand_in.close()
    return Recorded(steps, list(stand_in.requests), dict(stand_in.gateway.prepared))


# ---------------------------------------------------------------- the two clients


def run_node(folder: Path, user: User, address: str, steps: list[dict[str, Any]] = STEPS) -> list[dict[str, Any]]:
    config = {"node_dir": str(NODE_DIR), "address": address, "tls_root_cert": str(folder / "ca.crt"),
              "tls_client_cert": str(folder / "client.crt"), "tls_client_key": str(folder / "client.key"),
              "msp_id": user.msp_id, "cert": str(user.cert_path), "key": str(user.key_path),
              "channel": CHANNEL, "chaincode": CHAINCODE, "contract": CONTRACT, "steps": steps}
    path = folder / "node-config.json"
    path.write_text(json.dumps(config))
    done = subprocess.run([NODE, str(SCRIPT), str(path)], cwd=NODE_DIR, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["steps"]


@dataclass
class Sdk:
    """recfin's objects for the steps, of one family (sync or async)."""

    network: Any
    contract: Any
    offline_gateway: Any       # connected without a signer: everything it sends is signed here, offline
    offline_contract: Any
    sign: Any


def value_of(value: dict[str, str]) -> str | bytes:
    return bytes.fromhex(value["hex"]) if "hex" in value else value["text"]


def status_of(status) -> dict[str, Any]:
    return {"block_number": status.block_number, "code": status.code, "successful": status.successful,
            "transaction_id": status.transaction_id}


BLOCKS_FROM = {"block": "block_events", "filtered": "filtered_block_events", "private": "block_and_private_data_events"}
BLOCK_NUMBER = {"block": lambda block: block.header.number, "filtered": lambda block: block.number,
                "private": lambda reply: reply.block.header.number}


def _drive(sdk: Sdk, step: dict[str, Any]) -> Steps[dict[str, Any]]:
    """One step through recfin's client, written once for both families (``client.gateway._twins``)."""
    op, name = step["op"], step.get("name")
    args = [value_of(a) for a in step.get("args", [])]
    options = {"arguments": args, "transient": {k: value_of(v) for k, v in step.get("transient", {}).items()},
               "endorsing_organizations": step.get("endorsing")}
    if op == "evaluate_transaction":
        return {"op": op, "result": (yield sdk.contract.evaluate_transaction(name, *args)).hex()}
    if op == "evaluate":
        return {"op": op, "result": (yield sdk.contract.evaluate(name, **options)).hex()}
    if op == "submit_transaction":
        return {"op": op, "result": (yield sdk.contract.submit_transaction(name, *args)).hex()}
    if op == "submit":
        return {"op": op, "result": (yield sdk.contract.submit(name, **options)).hex()}
    if op == "submit_async":
        submitted = yield sdk.contract.submit_async(name, **options)
        return {"op": op, "result": submitted.result.hex(), "status": status_of((yield submitted.status()))}
    if op == "offline_submit":
        signed = []

        def sign_offline(what: str, unsigned) -> tuple[bytes, bytes]:
            signature = sdk.sign(unsigned.digest)
            signed.append({"what": what, "bytes": unsigned.bytes.hex(), "digest": unsigned.digest.hex(),
                           "signature": signature.hex()})
            return unsigned.bytes, signature

        gateway = sdk.offline_gateway
        proposal = gateway.new_signed_proposal(*sign_offline("proposal", sdk.offline_contract.new_proposal(
            name, **options)))
        transaction = gateway.new_signed_transaction(*sign_offline("transaction", (yield proposal.endorse())))
        commit = gateway.new_signed_commit(*sign_offline("commit", (yield transaction.submit())))
        return {"op": op, "result": transaction.result.hex(), "status": status_of((yield commit.status())),
                "signed": signed}
    if op == "chaincode_events":
        first = yield sdk.network.chaincode_events(step["chaincode"], start_block=step.get("start_block")).first()
        checkpointer = InMemoryCheckpointer()
        checkpointer.checkpoint_chaincode_event(first)
        resumed = yield sdk.network.chaincode_events(step["chaincode"], checkpoint=checkpointer).first()
        return {"op": op, "events": [{"block_number": e.block_number, "transaction_id": e.transaction_id,
                                      "chaincode_name": e.chaincode_name, "event_name": e.event_name,
                                      "payload": e.payload.hex()} for e in (first, resumed)]}
    if op.endswith("_until_error"):
        if op == "chaincode_events_until_error":
            stream = sdk.network.chaincode_events(step["chaincode"], start_block=step["start_block"])
            number = attrgetter("block_number")
        else:
            stream = getattr(sdk.network, BLOCKS_FROM[step["kind"]])(start_block=step["start_block"])
            number = BLOCK_NUMBER[step["kind"]]
        read: list[int] = []
        try:     # list.append returns None: no event is the one waited for, so the stream is read until it fails
            yield stream.first(lambda item: read.append(number(item)))
        except GatewayError as error:
            return {"op": op, "read": read, "error": error_of(error)}
    if op == "block_events":
        kind = step["kind"]
        blocks_from = getattr(sdk.network, BLOCKS_FROM[kind])
        blocks = [BLOCK_NUMBER[kind]((yield blocks_from(start_block=step["start_block"]).first()))]
        if step.get("then_from_checkpoint"):
            checkpointer = InMemoryCheckpointer()
            checkpointer.checkpoint_block(blocks[0])
            blocks.append(BLOCK_NUMBER[kind]((yield blocks_from(checkpoint=checkpointer).first())))
        return {"op": op, "blocks": blocks}
    raise ValueError(f"unknown step {op!r}")


def error_of(error: GatewayError) -> dict[str, Any]:
    """What recfin's error exposes, in the shape the Node driver prints (its errorOf), with the block number
    a CommitError adds and the TransportError the typed error was raised from (None if none)."""
    cause = error.__cause__
    return {"class": type(error).__name__, "grpc_code": None if error.code is None else error.code.value[0],
            "message": error.message,
            "details": [{"address": d.address, "msp_id": d.msp_id, "message": d.message} for d in error.details],
            "transaction_id": getattr(error, "transaction_id", None),
            "commit_status_code": getattr(error, "validation_code", None),
            "block_number": getattr(error, "block_number", None),
            "transport": {"grpc_code": cause.code.value[0], "message": cause.message,
                          "details": [{"address": d.address, "msp_id": d.msp_id, "message": d.message}
                                      for d in cause.details]}
            if isinstance(cause, TransportError) else None}


def _drive_or_report(sdk: Sdk, step: dict[str, Any]) -> Steps[dict[str, Any]]:
    """One step; for a step marked "fails", what the error it raised exposes instead of a result."""
    try:
        return (yield from _drive(sdk, step))
    except GatewayError as error:
        if not step.get("fails"):
            raise
        return {"op": step["op"], "error": error_of(error)}


drive_sync = blocking(_drive_or_report)
drive_async = awaiting(_drive_or_report)


def tls(folder: Path) -> dict[str, Path]:
    """recfin's TLS options for the stand-in: its CA, and the client pair for mutual TLS."""
    return {"tls_root_certificates": folder / "ca.crt", "client_certificate": folder / "client.crt",
            "client_key": folder / "client.key"}


def run_recfin_sync(folder: Path, user: User, address: str,
                    steps: list[dict[str, Any]] = STEPS) -> list[dict[str, Any]]:
    sign = private_key_signer(user.key)
    with connect(address, identity=user.identity, signer=sign, **tls(folder)) as gateway, \
            connect(address, identity=user.identity, **tls(folder)) as offline:
        network = gateway.get_network(CHANNEL)
        sdk = Sdk(network, network.get_contract(CHAINCODE, CONTRACT), offline,
                  offline.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT), sign)
        return [drive_sync(sdk, step) for step in steps]


def run_recfin_async(folder: Path, user: User, address: str,
                     steps: list[dict[str, Any]] = STEPS) -> list[dict[str, Any]]:
    sign = private_key_signer(user.key)

    async def run() -> list[dict[str, Any]]:
        async with connect_async(address, identity=user.identity, signer=sign, **tls(folder)) as gateway, \
                connect_async(address, identity=user.identity, **tls(folder)) as offline:
            network = gateway.get_network(CHANNEL)
            sdk = Sdk(network, network.get_contract(CHAINCODE, CONTRACT), offline,
                      offline.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT), sign)
            return [await drive_async(sdk, step) for step in steps]

    return asyncio.run(run())


@pytest.fixture(scope="module")
def node(folder, user) -> Recorded:
    return recorded(folder, lambda address: run_node(folder, user, address))


@pytest.fixture(scope="module")
def recfin(folder, user) -> Recorded:
    return recorded(folder, lambda address: run_recfin_sync(folder, user, address))


@pytest.fixture(scope="module")
def recfin_async(folder, user) -> Recorded:
    return recorded(folder, lambda address: run_recfin_async(folder, user, address))


@pytest.fixture(scope="module")
def node_failures(folder, user) -> Recorded:
    return recorded(folder, lambda address: run_node(folder, user, address, FAILURE_STEPS))


@pytest.fixture(scope="module")
def recfin_failures(folder, user) -> Recorded:
    return recorded(folder, lambda address: run_recfin_sync(folder, user, address, FAILURE_STEPS))


@pytest.fixture(scope="module")
def recfin_async_failures(folder, user) -> Recorded:
    return recorded(folder, lambda address: run_recfin_async(folder, user, address, FAILURE_STEPS))


# ---------------------------------------------------------------- decoding, checking, normalising

NESTED = {
    ("protos.SignedProposal", "proposal_bytes"): proposal_pb2.Proposal,
    ("protos.Proposal", "header"): common_pb2.Header,
    ("protos.Proposal", "payload"): proposal_pb2.ChaincodeProposalPayload,
    ("common.Header", "channel_header"): common_pb2.ChannelHeader,
    ("common.Header", "signature_header"): common_pb2.SignatureHeader,
    ("common.SignatureHeader", "creator"): identities_pb2.SerializedIdentity,
    ("protos.ChaincodeProposalPayload", "input"): chaincode_pb2.ChaincodeInvocationSpec,
    ("gateway.SignedCommitStatusRequest", "request"): gateway_pb2.CommitStatusRequest,
    ("gateway.CommitStatusRequest", "identity"): identities_pb2.SerializedIdentity,
    ("gateway.SignedChaincodeEventsRequest", "request"): gateway_pb2.ChaincodeEventsRequest,
    ("gateway.ChaincodeEventsRequest", "identity"): identities_pb2.SerializedIdentity,
    ("common.Envelope", "payload"): common_pb2.Payload,
}
"""Bytes fields that hold a serialized message, by (message, field)."""

SIGNED = {"protos.SignedProposal": "proposal_bytes", "common.Envelope": "payload",
          "gateway.SignedCommitStatusRequest": "request", "gateway.SignedChaincodeEventsRequest": "request"}
"""Messages carrying a client's signature, and the field holding the bytes it signed."""

TRANSACTION_ID_FIELDS = {("common.ChannelHeader", "tx_id"), ("gateway.EvaluateRequest", "transaction_id"),
                         ("gateway.EndorseRequest", "transaction_id"), ("gateway.SubmitRequest", "transaction_id"),
                         ("gateway.CommitStatusRequest", "transaction_id"),
                         ("gateway.ProposedTransaction", "transaction_id"),
                         ("gateway.PreparedTransaction", "transaction_id")}


class Decoder:
    """Decodes one client's messages into plain trees, checking signatures and transaction IDs, and
    putting placeholders where a value is random per call."""

    def __init__(self, public_key, prepared: dict[str, bytes]) -> None:
        self.public_key = public_key
        self.prepared = prepared
        self.placeholders: dict[tuple[str, bytes | str], str] = {}
        self.signatures: dict[bytes, bytes] = {}     # signed bytes -> the signature they came with
        self.expect_signatures = True                # False for the unsigned objects of offline signing

    def placeholder(self, kind: str, value: bytes | str) -> str:
        return self.placeholders.setdefault((kind, value), f"<{kind} {sum(k == kind for k, _ in self.placeholders)}>")

    def decoded(self, message) -> dict[str, Any]:
        name = message.DESCRIPTOR.full_name
        if name in SIGNED and self.expect_signatures:
            self.check_signature(getattr(message, SIGNED[name]), message.signature)
        elif name in SIGNED:
            assert not message.signature, "an object handed out to be signed offline came signed"
        if name == "common.Header":
            self.check_transaction_id(message)
        out: dict[str, Any] = {}
        for field, value in message.ListFields():
            out[field.name] = self.field_value(message, field, value)
        unknown = UnknownFieldSet(message)
        if len(unknown):
            out["<unknown fields>"] = sorted((f.field_number, f.wire_type) for f in unknown)
        return out

    def field_value(self, message, field: FieldDescriptor, value) -> Any:
        key = (message.DESCRIPTOR.full_name, field.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            return dict(value)
        if field.label == FieldDescriptor.LABEL_REPEATED:
            return [self.decoded(v) if field.message_type else v for v in value]
        if field.message_type is not None:
            if field.message_type.full_name == "google.protobuf.Timestamp":
                assert value.seconds > 0, f"{key} is not a time: {value}"
                return "<timestamp>"
            return self.decoded(value)
        if field.name == "signature" and message.DESCRIPTOR.full_name in SIGNED:
            return "<signature>"
        if key in TRANSACTION_ID_FIELDS:
            return self.placeholder("tx", value)
        if key == ("common.SignatureHeader", "nonce"):
            assert len(value) == NONCE_LENGTH, f"a {len(value)}-byte nonce"
            return self.placeholder("nonce", value)
        nested = self.nested_type(message, field.name)
        return self.decoded(nested.FromString(value)) if nested is not None else value

    def nested_type(self, message, field_name: str):
        key = (message.DESCRIPTOR.full_name, field_name)
        if key == ("common.ChannelHeader", "extension"):
            return proposal_pb2.ChaincodeHeaderExtension if message.type == common_pb2.ENDORSER_TRANSACTION else None
        if key == ("common.Payload", "data"):
            kind = common_pb2.ChannelHeader.FromString(message.header.channel_header).type
            return ab_pb2.SeekInfo if kind == common_pb2.DELIVER_SEEK_INFO else None
        return NESTED.get(key)

    def check_signature(self, signed: bytes, signature: bytes) -> None:
        assert signed and signature, "a request to be signed went unsigned"
        verify(self.public_key, signature, signed)     # ECDSA over sha256(signed), the user's key
        assert is_low_s(signature), "a high-S signature, which Fabric refuses"
        self.signatures[signed] = signature

    def check_transaction_id(self, header: common_pb2.Header) -> None:
        channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
        signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
        if channel_header.type == common_pb2.ENDORSER_TRANSACTION:
            assert len(signature_header.nonce) == NONCE_LENGTH
            assert channel_header.tx_id == sha256(signature_header.nonce + signature_header.creator).hexdigest()

    def request(self, method: str, message) -> dict[str, Any]:
        if method == "Submit":
            # The client sends back the payload the Gateway prepared, byte for byte, with its signature.
            assert message.prepared_transaction.payload == self.prepared[message.transaction_id]
            tree = self.decoded(message)
            tree["prepared_transaction"]["payload"]["data"] = "<the transaction the Gateway prepared>"
            return {method: tree}
        return {method: self.decoded(message)}

    def results(self, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """What the client returned for each step, its transaction IDs as placeholders; offline-signed
        objects decoded, their digests checked as sha256 of what they sign and their signatures as sent."""
        out = []
        for step in steps:
            step = dict(step)
            if "status" in step:
                step["status"] = {**step["status"], "transaction_id": self.placeholder(
                    "tx", step["status"]["transaction_id"])}
            if "signed" in step:
                step["signed"] = [self.offline_signed(entry) for entry in step["signed"]]
            if "error" in step:
                step["error"] = self.error(step["error"])
            out.append(step)
        return out

    def error(self, error: dict[str, Any]) -> dict[str, Any]:
        """A step's error (a copy), its transaction ID as a placeholder wherever it appears."""
        raw_id = error.get("transaction_id")
        if not raw_id:
            return dict(error)
        placeholder = self.placeholder("tx", raw_id)
        return {key: value.replace(raw_id, placeholder) if isinstance(value, str) else value
                for key, value in error.items()}

    def offline_signed(self, entry: dict[str, str]) -> dict[str, Any]:
        message_type, signed_part = {"proposal": (gateway_pb2.ProposedTransaction, lambda m: m.proposal.proposal_bytes),
                                     "transaction": (gateway_pb2.PreparedTransaction, lambda m: m.envelope.payload),
                                     "commit": (gateway_pb2.SignedCommitStatusRequest, lambda m: m.request)}[
            entry["what"]]
        message = message_type.FromString(bytes.fromhex(entry["bytes"]))
        signed = signed_part(message)
        assert bytes.fromhex(entry["digest"]) == sha256(signed).digest()
        assert self.signatures[signed] == bytes.fromhex(entry["signature"]), "the request sent another signature"
        self.expect_signatures = False
        try:
            tree = self.decoded(message)
        finally:
            self.expect_signatures = True
        if entry["what"] == "transaction":
            tree["envelope"]["payload"]["data"] = "<the transaction the Gateway prepared>"
        return {"what": entry["what"], "bytes": tree}


def normalised(run: Recorded, user: User) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A run's requests and step results, decoded and checked, random values as placeholders."""
    decoder = Decoder(user.public_key, run.prepared)
    requests = [decoder.request(method, message) for method, message in run.requests]
    return requests, decoder.results(run.steps)


# ---------------------------------------------------------------- documented differences

NODE_CHAINCODE_TYPE = chaincode_pb2.ChaincodeSpec.NODE
NODE_LARGEST_BLOCK = 2**53 - 1        # JavaScript's Number.MAX_SAFE_INTEGER
RECFIN_LARGEST_BLOCK = 2**64 - 1      # the Go client's math.MaxUint64


def chaincode_specs(tree: Any):
    """Every ChaincodeSpec in a decoded tree."""
    if isinstance(tree, dict):
        if "chaincode_spec" in tree:
            yield tree["chaincode_spec"]
        for value in tree.values():
            yield from chaincode_specs(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from chaincode_specs(value)


def as_node_sends(requests: list[dict[str, Any]], steps: list[dict[str, Any]]) -> None:
    """recfin's decoded requests with each difference documented in docs/sdk-gateway.md ("Agreement
    with the official Node client") set to what the Node client sends, after checking it is there.
    Each is a field Fabric does not read."""
    specs = list(chaincode_specs([requests, steps]))
    assert specs
    for spec in specs:
        # ChaincodeSpec.type: recfin leaves it UNDEFINED (0, so absent on the wire); the official clients
        # send NODE whatever the chaincode's language. The peer reads only the spec's chaincode_id and
        # input: core/endorser/msgvalidation.go UnpackProposal, and the Gateway's
        # internal/pkg/gateway/apiutils.go getChannelAndChaincodeFromSignedProposal.
        assert "type" not in spec
        spec["type"] = NODE_CHAINCODE_TYPE
    for request in requests:
        ((method, tree),) = request.items()
        if method.startswith("Deliver"):
            payload = tree["payload"]
            # SignatureHeader.nonce: recfin signs Deliver requests with a nonce, as Fabric's own
            # protoutil.CreateSignedEnvelope does; the official clients send none. The Deliver handler
            # (common/deliver/deliver.go) reads the channel header, checks the signature against the
            # creator, and reads the SeekInfo; it never reads the nonce.
            assert payload["header"]["signature_header"].pop("nonce").startswith("<nonce ")
            # SeekInfo.stop: the official clients ask for blocks up to "the largest block number", the
            # Go client as 2**64 - 1 and the Node client as 2**53 - 1 (JavaScript's largest exact integer),
            # recfin as the Go client. Deliver only stops at a block of that number, which neither reaches.
            stop = payload["data"]["stop"]["specified"]
            assert stop["number"] == RECFIN_LARGEST_BLOCK
            stop["number"] = NODE_LARGEST_BLOCK


# ---------------------------------------------------------------- the tests


def test_the_script_parses():
    subprocess.run([NODE, "--check", str(SCRIPT)], check=True)


def test_both_clients_got_the_same_replies_for_every_step(node, recfin, user):
    node_steps = normalised(node, user)[1]
    recfin_steps = normalised(recfin, user)[1]
    assert [step["op"] for step in node_steps] == [step["op"] for step in STEPS]
    for step, wanted in zip(node_steps, STEPS):
        if "result" in step:
            assert bytes.fromhex(step["result"]) == result_of(wanted["name"])
        if "status" in step:
            assert step["status"]["successful"] and step["status"]["code"] == 0
    as_node_sends([], recfin_steps)
    assert recfin_steps == node_steps


@pytest.mark.parametrize("family", ["sync", "async"])
def test_recfin_sends_what_the_node_client_sends(family, node, recfin, recfin_async, user):
    theirs, _ = normalised(node, user)
    ours, _ = normalised(recfin if family == "sync" else recfin_async, user)
    methods = [next(iter(request)) for request in theirs]
    assert methods == ["Evaluate", "Evaluate", "Endorse", "Submit", "CommitStatus", "Endorse", "Submit",
                       "CommitStatus", "Endorse", "Submit", "CommitStatus", "Endorse", "Submit", "CommitStatus",
                       "ChaincodeEvents", "ChaincodeEvents", "ChaincodeEvents", "ChaincodeEvents",
                       "Deliver", "Deliver", "DeliverFiltered",
                       "DeliverWithPrivateData"]
    as_node_sends(ours, [])
    for index, (mine, wanted) in enumerate(zip(ours, theirs)):
        assert mine == wanted, f"request {index} ({methods[index]}) differs"
    assert len(ours) == len(theirs)


def test_the_requests_say_what_the_steps_asked(node, user, folder):
    """The comparison is only as good as what the Node client was asked: its requests carry each step's
    function, arguments, transient data, organisations and start blocks."""
    requests, _ = normalised(node, user)

    def proposal(index: int) -> dict[str, Any]:
        ((_, tree),) = requests[index].items()
        return tree["proposed_transaction"]["proposal_bytes"]

    evaluate = requests[1]["Evaluate"]
    assert evaluate["target_organizations"] == ["SupplierMSP"] and "endorsing_organizations" not in evaluate
    assert proposal(1)["payload"]["TransientMap"] == {"price": b"100000", "key": b"\x00\xff"}
    spec = proposal(2)["payload"]["input"]["chaincode_spec"]
    assert spec["input"]["args"] == [b"Receivable:Confirm", b"R-1", "确权".encode()]
    assert spec["chaincode_id"] == {"name": CHAINCODE}
    assert requests[5]["Endorse"]["endorsing_organizations"] == ["SupplierMSP", "CoreEnterpriseMSP"]
    assert proposal(5)["payload"]["input"]["chaincode_spec"]["input"]["args"][2] == bytes(range(256))
    header = proposal(0)["header"]
    assert header["channel_header"]["extension"] == {"chaincode_id": {"name": CHAINCODE}}
    assert header["signature_header"]["creator"] == {"mspid": MSP_ID, "id_bytes": user.cert_path.read_bytes()}
    first, resumed = (requests[i]["ChaincodeEvents"]["request"] for i in (14, 15))
    assert first["start_position"] == {"specified": {"number": 5}} and "after_transaction_id" not in first
    assert resumed["start_position"] == {"specified": {"number": 5}}
    assert resumed["after_transaction_id"] == sha256(b"event in block 5").hexdigest()
    next_commit, resumed = (requests[i]["ChaincodeEvents"]["request"] for i in (16, 17))
    assert next_commit["start_position"] == {"next_commit": {}} and "after_transaction_id" not in next_commit
    assert resumed["start_position"] == {"specified": {}}       # block 0: the number's default, not on the wire
    assert resumed["after_transaction_id"] == sha256(b"event in block 0").hexdigest()
    deliveries = [requests[i][m]["payload"] for i, m in
                  ((18, "Deliver"), (19, "Deliver"), (20, "DeliverFiltered"), (21, "DeliverWithPrivateData"))]
    assert [d["data"]["start"] for d in deliveries] == [{"specified": {"number": n}} for n in (3, 4, 3, 3)]
    # Mutual TLS: the hash of the client's TLS certificate (DER), as the peer's binding check compares it.
    tls_hash = sha256(x509.load_pem_x509_certificate((folder / "client.crt").read_bytes()).public_bytes(
        serialization.Encoding.DER)).digest()
    assert {d["header"]["channel_header"]["tls_cert_hash"] for d in deliveries} == {tls_hash}


def test_offline_signing_signs_the_digest_of_the_bytes_each_object_holds(node, recfin, user):
    """Decoding the offline step checks that each digest is sha256 of the part signed and that the
    signature made from it is the one sent; both clients hand out the same objects as bytes."""
    node_steps = normalised(node, user)[1]
    recfin_steps = normalised(recfin, user)[1]
    (node_offline,) = [s for s in node_steps if s["op"] == "offline_submit"]
    (recfin_offline,) = [s for s in recfin_steps if s["op"] == "offline_submit"]
    assert [entry["what"] for entry in node_offline["signed"]] == ["proposal", "transaction", "commit"]
    assert [entry["what"] for entry in recfin_offline["signed"]] == ["proposal", "transaction", "commit"]


def test_a_signature_over_other_bytes_is_caught(user):
    """The decoder's signature check can fail: a proposal signed, then changed, does not pass."""
    key = user.key
    proposal = proposal_pb2.Proposal(header=b"", payload=b"").SerializeToString()
    signed = proposal_pb2.SignedProposal(proposal_bytes=proposal + b"\x0a\x00",
                                         signature=private_key_signer(key)(sha256(proposal).digest()))
    with pytest.raises(InvalidSignature):
        Decoder(user.public_key, {}).decoded(signed)


def test_each_client_resumes_from_the_checkpoint_file_the_other_wrote(folder, user, tmp_path):
    """Not a wire message, but the same agreement: the file checkpointers' format. The Node client
    writes its block number as a decimal string, the Go client and recfin as a number."""
    ours, theirs = tmp_path / "recfin-checkpoint.json", tmp_path / "node-checkpoint.json"
    FileCheckpointer(ours).checkpoint_transaction(9, "74782d72656366696e0000000000000000000000000000000000000000000000")
    step = {"op": "file_checkpoint", "write": str(theirs), "block": 7, "transaction_id": "74782d6e6f646500000000000000000000000000000000000000000000000000", "read": str(ours)}
    (done,) = run_node(folder, user, "127.0.0.1:1", [step])     # no call reaches the address
    assert done["read"] == {"block_number": 9, "transaction_id": "74782d72656366696e0000000000000000000000000000000000000000000000"}
    assert json.loads(theirs.read_text()) == {"blockNumber": "7", "transactionId": "74782d6e6f646500000000000000000000000000000000000000000000000000"}
    resumed = FileCheckpointer(theirs)
    assert (resumed.block_number, resumed.transaction_id) == (7, "74782d6e6f646500000000000000000000000000000000000000000000000000")


# ---------------------------------------------------------------- failure paths

GRPC_CODE_NAMES = {code.value[0]: code.name for code in grpc.StatusCode}

NODE_CLASSES = {
    "EndorseError": ["EndorseError", "GatewayError", "Error"],
    "SubmitError": ["SubmitError", "GatewayError", "Error"],
    "CommitStatusError": ["CommitStatusError", "GatewayError", "Error"],
    # The Node client has no EvaluateError: a failed evaluate is a GatewayError itself, naming no transaction.
    "EvaluateError": ["GatewayError", "Error"],
    # The Node client's CommitError is no GatewayError (no gRPC call failed); recfin's is one, with code None,
    # so that `except GatewayError` still catches every failure of a submit.
    "CommitError": ["CommitError", "Error"],
    # A failed event stream, in both; a stream that broke is recfin's EventStreamError, a GatewayError
    # subclass that says how to resume, the Node client's GatewayError itself.
    "GatewayError": ["GatewayError", "Error"],
    "EventStreamError": ["GatewayError", "Error"],
    # A Deliver stream ended by a status reply: the Node client throws a plain Error; recfin's GatewayError
    # subclass carries the status besides naming it.
    "DeliverStatusError": ["Error"],
}
"""recfin's error class -> the official Node client's, with the classes above it, for the same failure."""


def as_node_reports(steps: list[dict[str, Any]]) -> None:
    """recfin's decoded step results with each error set to what the Node client reports for the same
    failure (docs/sdk-gateway.md, "Agreement with the official Node client"), after checking what recfin
    holds in each place they differ. Also checks the TransportError each typed error was raised from."""
    for step in steps:
        error = step.get("error")
        if error is None:
            continue
        transport, block_number = error.pop("transport"), error.pop("block_number")
        if error["grpc_code"] is not None:
            # The typed error carries the transport's gRPC status and details unchanged, and chains it.
            assert transport == {key: error[key] for key in ("grpc_code", "message", "details")}
        else:
            assert transport is None
        error["classes"] = NODE_CLASSES[error["class"]]
        if error["class"] == "EvaluateError":
            # recfin names the transaction of the Evaluate request; the Node client's GatewayError has no ID.
            assert error["transaction_id"].startswith("<tx ")
            error["class"], error["transaction_id"] = "GatewayError", None
        elif error["class"] == "EventStreamError":
            error["class"] = "GatewayError"
        elif error["class"] == "CommitError":
            # Both hold the validation code (Node in `code`, recfin in `validation_code`, keeping `code` for
            # gRPC); recfin adds the block and words its message otherwise.
            code = error["commit_status_code"]
            name = transaction_pb2.TxValidationCode.Name(code)
            assert error["message"] == f"transaction committed in block {block_number} as invalid: {name}"
            error["message"] = (f"Transaction {error['transaction_id']} failed to commit with status code {code} "
                                f"({name})")
        elif error["grpc_code"] is None:
            # A Deliver stream ended by a status reply: the Node client throws a plain Error naming the status's
            # number; recfin raises GatewayError (code None) naming it.
            status = error["message"].removeprefix("block delivery ended with status ")
            error["class"], error["classes"] = "Error", ["Error"]
            error["message"] = f"Unexpected status response: {common_pb2.Status.Value(status)}"
        if error["class"] != "CommitError":
            assert block_number is None


def node_reported(steps: list[dict[str, Any]]) -> None:
    """The Node client's step results without the error's own message, after checking that it is grpc-js's
    "<code> <NAME>: <status message>" (the status message is compared; recfin's error holds it alone)."""
    for step in steps:
        error = step.get("error")
        if error is None:
            continue
        full = error.pop("full_message")
        code = error["grpc_code"]
        assert full == (error["message"] if code is None else f"{code} {GRPC_CODE_NAMES[code]}: {error['message']}")


FAILED_CALL_CLASS = {"Evaluate": "EvaluateError", "Endorse": "EndorseError", "Submit": "SubmitError",
                     "CommitStatus": "CommitStatusError"}


def test_recfin_raises_the_typed_error_each_failure_calls_for(recfin_failures, recfin_async_failures, user):
    """Against the tables, not the Node client: each failing call raises its own class, with the transaction
    ID, the gRPC code and message, and one detail per peer or orderer, in the order the Gateway sent them."""
    assert not {f"{CONTRACT}:{step.get('name')}" for step in STEPS} & FAILURES.keys(), "STEPS must all succeed"
    for run in (recfin_failures, recfin_async_failures):
        steps = normalised(run, user)[1]
        for step, asked in zip(steps, FAILURE_STEPS, strict=True):
            failure = FAILURES.get(f"{CONTRACT}:{asked.get('name')}")
            error = step.get("error")
            assert (error is not None) == bool(asked.get("fails")) or asked["op"].endswith("_until_error"), step
            if failure is not None and failure.code is not None:
                assert error["class"] == FAILED_CALL_CLASS[failure.call]
                assert (error["grpc_code"], error["message"]) == (failure.code.value[0], failure.message)
                assert error["details"] == [{"address": address, "msp_id": msp_id, "message": said}
                                            for (address, msp_id), said in failure.details]
                assert error["transaction_id"].startswith("<tx ")
            elif failure is not None and failure.validation_code is not None:
                code = error["commit_status_code"] if error else step["status"]["code"]
                assert code == failure.validation_code
                assert error is None or (error["class"], error["grpc_code"]) == ("CommitError", None)
        streams = [(step["read"], step["error"]["grpc_code"], step["error"]["message"])
                   for step in steps if "read" in step]
        assert streams == [([7], 10, CHAINCODE_EVENTS_FAILURES[7].message), ([], 7, DENIED),
                           ([7], None, "block delivery ended with status FORBIDDEN"),
                           ([8], 14, DELIVER_FAILURES[8].message),
                           ([], None, "block delivery ended with status NOT_FOUND")]


@pytest.mark.parametrize("family", ["sync", "async"])
def test_recfin_reports_each_failure_as_the_node_client_does(family, node_failures, recfin_failures,
                                                             recfin_async_failures, user):
    theirs = normalised(node_failures, user)[1]
    ours = normalised(recfin_failures if family == "sync" else recfin_async_failures, user)[1]
    assert [step["op"] for step in theirs] == [step["op"] for step in FAILURE_STEPS]
    node_reported(theirs)
    as_node_reports(ours)
    for index, (mine, wanted) in enumerate(zip(ours, theirs)):
        asked = FAILURE_STEPS[index]
        assert mine == wanted, f"step {index} ({asked['op']} {asked.get('name', '')}) differs"
    assert len(ours) == len(theirs)


@pytest.mark.parametrize("family", ["sync", "async"])
def test_recfin_sends_what_the_node_client_sends_up_to_each_failure(family, node_failures, recfin_failures,
                                                                    recfin_async_failures, user):
    """Nothing is sent after a call fails (no Submit after a failed Endorse, no CommitStatus after a failed
    Submit), and what was sent before agrees field by field, as for the successful calls."""
    theirs, _ = normalised(node_failures, user)
    ours, _ = normalised(recfin_failures if family == "sync" else recfin_async_failures, user)
    methods = [next(iter(request)) for request in theirs]
    assert methods == ["Evaluate", "Evaluate", "Endorse", "Endorse", "Endorse", "Endorse", "Submit", "Endorse",
                       "Submit", "Endorse", "Submit", "Endorse", "Submit", "CommitStatus", "Endorse", "Submit",
                       "CommitStatus", "Endorse", "Submit", "CommitStatus", "Endorse", "Submit", "CommitStatus",
                       "ChaincodeEvents", "ChaincodeEvents", "DeliverFiltered", "Deliver", "DeliverWithPrivateData"]
    as_node_sends(ours, [])
    for index, (mine, wanted) in enumerate(zip(ours, theirs)):
        assert mine == wanted, f"request {index} ({methods[index]}) differs"
    assert len(ours) == len(theirs)
