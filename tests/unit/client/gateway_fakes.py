"""Test helpers for the Gateway client unit tests: credentials and an in-memory transport.

The FakeTransport records every request the client sends and answers the
way a Gateway peer would, so tests can check the bytes on the wire and the
handling of replies and errors. It is for SDK unit tests only.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections import defaultdict
from contextlib import contextmanager
from concurrent import futures

import grpc

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
from cryptography.x509.oid import NameOID
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.peer import (
    chaincode_event_pb2,
    events_pb2,
    events_pb2_grpc,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)
from google.protobuf import any_pb2

from client.gateway import TransportError
from client.gateway._transaction import proposal_hash, proposal_payload_for_transaction

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def make_key_and_cert(common_name: str = "user1", curve=None, issuer_key=None, issuer_cert=None, san=None, key=None):
    """A private key (ECDSA on ``curve``, or ``key`` as given) and a PEM certificate (self-signed unless an issuer is given)."""
    key = key or ec.generate_private_key(curve or ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
    )
    if issuer_cert is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), critical=False)
    signing_key = issuer_key or key
    cert = builder.sign(signing_key, None if isinstance(signing_key, ed25519.Ed25519PrivateKey) else hashes.SHA256())
    return key, cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def verify(public_key, signature: bytes, message: bytes) -> None:
    """Raises InvalidSignature unless signature is ECDSA/SHA-256 over message."""
    public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))


def is_low_s(signature: bytes, order: int = P256_ORDER) -> bool:
    _, s = utils.decode_dss_signature(signature)
    return s <= order // 2


def prepared_envelope(proposal_bytes: bytes, result: bytes) -> common_pb2.Envelope:
    """What a Gateway's Endorse returns: an unsigned Envelope whose response carries result, its action naming
    the chaincode the proposal's header names (as a peer's does)."""
    proposal = proposal_pb2.Proposal.FromString(proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    extension = common_pb2.ChannelHeader.FromString(header.channel_header).extension
    chaincode_action = proposal_pb2.ChaincodeAction(
        response=proposal_response_pb2.Response(status=200, payload=result),
        chaincode_id=proposal_pb2.ChaincodeHeaderExtension.FromString(extension).chaincode_id,
    )
    response_payload = proposal_response_pb2.ProposalResponsePayload(
        proposal_hash=proposal_hash(proposal), extension=chaincode_action.SerializeToString()
    )
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_payload_for_transaction(proposal),
        action=transaction_pb2.ChaincodeEndorsedAction(
            proposal_response_payload=response_payload.SerializeToString()
        ),
    )
    transaction = transaction_pb2.Transaction(
        actions=[transaction_pb2.TransactionAction(header=header.signature_header, payload=action_payload.SerializeToString())]
    )
    payload = common_pb2.Payload(header=header, data=transaction.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString())


HANG = object()
"""A stream item: the peer sends nothing more until the stream is cancelled (a block not yet committed)."""

CANCELLED = TransportError(grpc.StatusCode.CANCELLED, "Locally cancelled by application!")
"""What a gRPC stream's read raises once the stream is cancelled."""


class FakeStream:
    """Responses in order; an Exception item is raised; at HANG a read blocks until ``cancel()`` (from any thread)."""

    def __init__(self, items):
        self._items = list(items)
        self._cancelled = threading.Event()
        self.reads = 0
        self.waiting = threading.Event()
        """Set once a read is blocked at HANG: a test can then act while the reader is inside the read."""

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def hangs(self) -> bool:
        """Whether the next read blocks until the stream is cancelled."""
        return bool(self._items) and self._items[0] is HANG

    def __iter__(self):
        return self

    def __next__(self):
        if self.cancelled:
            raise StopIteration
        if not self._items:
            raise StopIteration
        if self.hangs():
            self.waiting.set()
            self._cancelled.wait(10)
            raise CANCELLED
        item = self._items.pop(0)
        self.reads += 1
        if isinstance(item, Exception):
            raise item
        return item

    def cancel(self):
        self._cancelled.set()


class FakeTransport:
    """An in-memory Gateway peer.

    - ``calls`` lists (method, request, timeout) in order.
    - ``fail[method]`` is an exception (or a list of them, used one per call) to raise.
    - ``commit_codes`` lists validation codes answered by successive CommitStatus calls
      (the last one repeats); ``block_number`` is reported with them.
    - ``result`` is what evaluate and endorse return as the chaincode result.
    - ``event_responses`` / ``deliver_responses`` feed the streams (``HANG``: no more until cancelled).
    - ``address`` names the peer, as connect() reports it in errors.
    """

    address = "peer0.org1.example.com:7051"

    def __init__(self):
        self.calls = []
        self.fail = {}
        self.commit_codes = [transaction_pb2.VALID]
        self.block_number = 7
        self.result = b"result"
        self.event_responses = []
        self.deliver_responses = []
        self.streams = []
        self.closed = False
        self._counts = defaultdict(int)

    def requests(self, method):
        return [request for name, request, _ in self.calls if name == method]

    def _record(self, method, request, timeout=None):
        self.calls.append((method, request, timeout))
        failure = self.fail.get(method)
        if isinstance(failure, list):
            failure = failure.pop(0) if failure else None
        if failure is not None:
            raise failure

    def evaluate(self, request, timeout):
        self._record("evaluate", request, timeout)
        return gateway_pb2.EvaluateResponse(result=proposal_response_pb2.Response(status=200, payload=self.result))

    def endorse(self, request, timeout):
        self._record("endorse", request, timeout)
        envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, self.result)
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    def submit(self, request, timeout):
        self._record("submit", request, timeout)
        return gateway_pb2.SubmitResponse()

    def commit_status(self, request, timeout):
        self._record("commit_status", request, timeout)
        index = min(self._counts["commit_status"], len(self.commit_codes) - 1)
        self._counts["commit_status"] += 1
        return gateway_pb2.CommitStatusResponse(result=self.commit_codes[index], block_number=self.block_number)

    def chaincode_events(self, request):
        self._record("chaincode_events", request)
        stream = FakeStream(self.event_responses)
        self.streams.append(stream)
        return stream

    def deliver(self, envelope, kind):
        self._record("deliver", (envelope, kind))
        stream = FakeStream(self.deliver_responses)
        self.streams.append(stream)
        return stream

    def close(self):
        self.closed = True


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, wire_type: int, data: bytes) -> bytes:
    key = _varint((number << 3) | wire_type)
    return key + (_varint(data) if wire_type == 0 else _varint(len(data)) + data)


def rpc_status(code: int, message: str, details) -> bytes:
    """A google.rpc.Status encoded by hand from its .proto (code=1, message=2, details=3 Any)."""
    out = _field(1, 0, code) + _field(2, 2, message.encode())
    for any_message in details:
        out += _field(3, 2, any_message.SerializeToString())
    return out


class AsyncFakeStream:
    def __init__(self, stream: FakeStream):
        self._stream = stream

    def __aiter__(self):
        return self

    async def __anext__(self):
        while self._stream.hangs() and not self._stream.cancelled:
            await asyncio.sleep(0.005)  # a read that waits without blocking the event loop
        try:
            return next(self._stream)
        except StopIteration:
            raise StopAsyncIteration from None

    def cancel(self):
        self._stream.cancel()


class AsyncFakeTransport:
    """The FakeTransport behind async methods (same recording, same answers)."""

    def __init__(self, fake: FakeTransport):
        self.fake = fake

    @property
    def address(self) -> str:
        return self.fake.address

    async def evaluate(self, request, timeout):
        return self.fake.evaluate(request, timeout)

    async def endorse(self, request, timeout):
        return self.fake.endorse(request, timeout)

    async def submit(self, request, timeout):
        return self.fake.submit(request, timeout)

    async def commit_status(self, request, timeout):
        return self.fake.commit_status(request, timeout)

    def chaincode_events(self, request):
        return AsyncFakeStream(self.fake.chaincode_events(request))

    def deliver(self, envelope, kind):
        return AsyncFakeStream(self.fake.deliver(envelope, kind))

    async def close(self):
        self.fake.close()


def filtered_block(number: int, channel: str = "receivables-channel") -> events_pb2.DeliverResponse:
    """What DeliverFiltered sends for one block."""
    return events_pb2.DeliverResponse(filtered_block=events_pb2.FilteredBlock(channel_id=channel, number=number))


def events_response(block, *tx_ids):
    return gateway_pb2.ChaincodeEventsResponse(
        block_number=block,
        events=[
            chaincode_event_pb2.ChaincodeEvent(chaincode_id="receivables", tx_id=t, event_name="Confirmed", payload=t.encode())
            for t in tx_ids
        ],
    )


# A gRPC server for the transport tests: exercises the client's wiring, not Fabric.


class Servicer(gateway_pb2_grpc.GatewayServicer, events_pb2_grpc.DeliverServicer):
    def __init__(self):
        self.seen = []
        self.release = threading.Event()

    def Evaluate(self, request, context):
        metadata = dict(context.invocation_metadata())
        self.seen.append(("evaluate", request, metadata.get("x-recfin-caller"), context.time_remaining()))
        return gateway_pb2.EvaluateResponse(result=proposal_response_pb2.Response(status=200, payload=b"42"))

    def Endorse(self, request, context):
        self.seen.append(("endorse", request, None, context.time_remaining()))
        if request.proposed_transaction.proposal_bytes and request.endorsing_organizations == ["Org1MSP"]:
            envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, b"ok")
            return gateway_pb2.EndorseResponse(prepared_transaction=envelope)
        detail = any_pb2.Any()
        detail.Pack(gateway_pb2.ErrorDetail(address="peer0.org2:9051", msp_id="Org2MSP", message="chaincode response 500, no such receivable"))
        status = rpc_status(grpc.StatusCode.ABORTED.value[0], "failed to endorse transaction", [detail])
        context.set_trailing_metadata((("grpc-status-details-bin", status),))
        context.abort(grpc.StatusCode.ABORTED, "failed to endorse transaction")

    def Submit(self, request, context):
        self.seen.append(("submit", request, None, context.time_remaining()))
        return gateway_pb2.SubmitResponse()

    def CommitStatus(self, request, context):
        self.seen.append(("commit_status", request, None, context.time_remaining()))
        self.release.wait(10)  # never answers in time: the client's deadline must fire
        return gateway_pb2.CommitStatusResponse()

    def ChaincodeEvents(self, request, context):
        self.seen.append(("chaincode_events", request, None, None))
        for block in (3, 4):
            yield gateway_pb2.ChaincodeEventsResponse(
                block_number=block,
                events=[chaincode_event_pb2.ChaincodeEvent(chaincode_id="receivables", tx_id=f"{block:a>64}", event_name="E")],
            )
        context.abort(grpc.StatusCode.UNAVAILABLE, "peer shutting down")

    def Deliver(self, request_iterator, context):
        envelope = next(request_iterator)
        # The client certificate of the TLS session, which a peer requiring client auth hashes and
        # compares with the channel header's tls_cert_hash (core/comm binding.go).
        tls_client_certificate = (context.auth_context().get("x509_pem_cert") or [None])[0]
        self.seen.append(("deliver", envelope, tls_client_certificate, None))
        yield events_pb2.DeliverResponse(block=common_pb2.Block(header=common_pb2.BlockHeader(number=8)))
        yield events_pb2.DeliverResponse(status=common_pb2.NOT_FOUND)

    def DeliverFiltered(self, request_iterator, context):
        envelope = next(request_iterator)
        self.seen.append(("deliver_filtered", envelope, None, None))
        yield filtered_block(5)  # the newest block; no other is ever committed
        while context.is_active() and not self.release.wait(0.01):
            pass  # until the client cancels the stream


def start_server(servicer, credentials=None):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    gateway_pb2_grpc.add_GatewayServicer_to_server(servicer, server)
    events_pb2_grpc.add_DeliverServicer_to_server(servicer, server)
    if credentials is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    return server, port


@contextmanager
def serving(servicer, credentials=None):
    """``servicer`` served in-process for the block, which gets its target (``127.0.0.1:port``); released
    (``servicer.release``) and stopped at the end."""
    server, port = start_server(servicer, credentials)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        servicer.release.set()
        server.stop(None)
