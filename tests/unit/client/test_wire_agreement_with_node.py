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
"""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from hashlib import sha256
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
from fabric_protos.peer import chaincode_event_pb2, chaincode_pb2, events_pb2_grpc, proposal_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.unknown_fields import UnknownFieldSet

from bench.client_cpu import StandInGateway, write_tls
from bench.loopback_peer import CHANNEL, Executed
from bench.node_compare import NODE_DIR
from bench.prepared_gateway import StandInDeliver
from chaincode.testing import make_identity
from client.gateway import FileCheckpointer, InMemoryCheckpointer, Identity, connect, connect_async, private_key_signer
from client.gateway._twins import Steps, awaiting, blocking
from .gateway_fakes import is_low_s, key_pem, make_key_and_cert, verify

NODE = shutil.which("node")
SCRIPT = Path(__file__).parent / "node_wire" / "drive_official_client.js"
pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node not found on PATH: install Node.js 20 or later"),
    pytest.mark.skipif(not (NODE_DIR / "node_modules" / "@hyperledger" / "fabric-gateway").is_dir(),
                       reason="bench/node has no node_modules: `recfin bench --compare-node` installs them (npm ci)"),
]

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

FUNCTIONS = sorted({step["name"] for step in STEPS if "name" in step})


def result_of(function: str) -> bytes:
    return f"result of {function}".encode()


# ---------------------------------------------------------------- the recording stand-in


class RecordingGateway(StandInGateway):
    """The bench's stand-in Gateway, keeping each request as it came, and the payload of the
    transaction each Endorse prepared (a client must submit it unchanged, only signed)."""

    def __init__(self, requests: list[tuple[str, Any]]) -> None:
        templates = {f"{CONTRACT}:{name}": Executed(proposal_pb2.SignedProposal(), "", 200, "", result_of(name),
                                                    None, [], []) for name in FUNCTIONS}
        super().__init__(templates, [make_identity("CoreEnterpriseMSP", "peer0", ou="peer")])
        self.requests = requests
        self.prepared: dict[str, bytes] = {}

    async def Evaluate(self, request, context):
        self.requests.append(("Evaluate", request))
        return await super().Evaluate(request, context)

    async def Endorse(self, request, context):
        self.requests.append(("Endorse", request))
        reply = await super().Endorse(request, context)
        self.prepared[request.transaction_id] = reply.prepared_transaction.payload
        return reply

    async def Submit(self, request, context):
        self.requests.append(("Submit", request))
        return await super().Submit(request, context)

    async def CommitStatus(self, request, context):
        self.requests.append(("CommitStatus", request))
        return await super().CommitStatus(request, context)

    async def ChaincodeEvents(self, request, context):
        """One event in the start block (its number, or 0 for the next commit), then the stream ends."""
        self.requests.append(("ChaincodeEvents", request))
        asked = gateway_pb2.ChaincodeEventsRequest.FromString(request.request)
        block = asked.start_position.specified.number
        yield gateway_pb2.ChaincodeEventsResponse(block_number=block, events=[chaincode_event_pb2.ChaincodeEvent(
            chaincode_id=asked.chaincode_id, tx_id=sha256(b"event in block %d" % block).hexdigest(),
            event_name="ReceivableRegistered", payload=b'{"id":"R-2"}')])


DELIVER_METHODS = {"deliver": "Deliver", "deliver_filtered": "DeliverFiltered",
                   "deliver_with_private_data": "DeliverWithPrivateData"}


class RecordingDeliver(StandInDeliver):
    """The stand-in peer's Deliver, keeping each seek envelope as it came."""

    def __init__(self, gateway: RecordingGateway) -> None:
        super().__init__(gateway.chain, gateway.journal)
        self.requests = gateway.requests

    def _serve(self, envelope, entry):
        self.requests.append((DELIVER_METHODS[entry["call"]], envelope))
        return super()._serve(envelope, entry)


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
    if op == "block_events":
        kind = step["kind"]
        blocks_from = {"block": sdk.network.block_events, "filtered": sdk.network.filtered_block_events,
                       "private": sdk.network.block_and_private_data_events}[kind]
        blocks = [BLOCK_NUMBER[kind]((yield blocks_from(start_block=step["start_block"]).first()))]
        if step.get("then_from_checkpoint"):
            checkpointer = InMemoryCheckpointer()
            checkpointer.checkpoint_block(blocks[0])
            blocks.append(BLOCK_NUMBER[kind]((yield blocks_from(checkpoint=checkpointer).first())))
        return {"op": op, "blocks": blocks}
    raise ValueError(f"unknown step {op!r}")


drive_sync = blocking(_drive)
drive_async = awaiting(_drive)


def tls(folder: Path) -> dict[str, Path]:
    """recfin's TLS options for the stand-in: its CA, and the client pair for mutual TLS."""
    return {"tls_root_certificates": folder / "ca.crt", "client_certificate": folder / "client.crt",
            "client_key": folder / "client.key"}


def run_recfin_sync(folder: Path, user: User, address: str) -> list[dict[str, Any]]:
    sign = private_key_signer(user.key)
    with connect(address, identity=user.identity, signer=sign, **tls(folder)) as gateway, \
            connect(address, identity=user.identity, **tls(folder)) as offline:
        network = gateway.get_network(CHANNEL)
        sdk = Sdk(network, network.get_contract(CHAINCODE, CONTRACT), offline,
                  offline.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT), sign)
        return [drive_sync(sdk, step) for step in STEPS]


def run_recfin_async(folder: Path, user: User, address: str) -> list[dict[str, Any]]:
    sign = private_key_signer(user.key)

    async def run() -> list[dict[str, Any]]:
        async with connect_async(address, identity=user.identity, signer=sign, **tls(folder)) as gateway, \
                connect_async(address, identity=user.identity, **tls(folder)) as offline:
            network = gateway.get_network(CHANNEL)
            sdk = Sdk(network, network.get_contract(CHAINCODE, CONTRACT), offline,
                      offline.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT), sign)
            return [await drive_async(sdk, step) for step in STEPS]

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
            out.append(step)
        return out

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
    FileCheckpointer(ours).checkpoint_transaction(9, "tx-recfin")
    step = {"op": "file_checkpoint", "write": str(theirs), "block": 7, "transaction_id": "tx-node", "read": str(ours)}
    (done,) = run_node(folder, user, "127.0.0.1:1", [step])     # no call reaches the address
    assert done["read"] == {"block_number": 9, "transaction_id": "tx-recfin"}
    assert json.loads(theirs.read_text()) == {"blockNumber": "7", "transactionId": "tx-node"}
    resumed = FileCheckpointer(theirs)
    assert (resumed.block_number, resumed.transaction_id) == (7, "tx-node")
