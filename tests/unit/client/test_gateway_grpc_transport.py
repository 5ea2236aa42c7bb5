"""The real gRPC transport against an in-process grpc server.

This checks the client's wiring (metadata, deadlines, status details in
trailing metadata, streams, TLS options) over real HTTP/2; it is not a
stand-in for a Fabric peer, which the integration tests use.
"""

import asyncio
import hashlib

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import common_pb2

from client.gateway import (
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    EventStreamError,
    GatewayError,
    Timeouts,
    connect,
    connect_async,
    private_key_signer,
)
from client.gateway._gateway import _channel_options
from .gateway_fakes import Servicer, key_pem, make_key_and_cert, start_server, verify
from .trusted_blocks import SERVER_AUTH, needs_openssl, openssl_trusted_block, trust_settings, trusted_block

CHANNEL = "receivables-channel"


@pytest.fixture
def served(credentials):
    servicer = Servicer()
    server, port = start_server(servicer)
    key, identity = credentials
    gateway = connect(
        f"127.0.0.1:{port}",
        identity=identity,
        signer=private_key_signer(key),
        insecure=True,
        metadata=[("x-recfin-caller", "unit-test")],
        timeouts=Timeouts(evaluate=7.0, endorse=9.0, submit=5.0, commit_status=0.3),
    )
    yield servicer, gateway, key
    servicer.release.set()
    gateway.close()
    server.stop(None)


def test_unary_call_carries_signed_request_metadata_and_deadline(served):
    servicer, gateway, key = served
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    assert contract.evaluate_transaction("Get", "R-1") == b"42"
    ((name, request, caller, remaining),) = servicer.seen
    assert name == "evaluate" and caller == "unit-test"
    assert remaining is not None and 0 < remaining <= 7.5  # the deadline set, plus clock skew between client and server threads
    verify(key.public_key(), request.proposed_transaction.signature, request.proposed_transaction.proposal_bytes)


def test_status_details_from_trailing_metadata_become_endorse_error(served):
    servicer, gateway, _ = served
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Confirm", "R-404")
    error = caught.value
    assert error.code == grpc.StatusCode.ABORTED
    assert error.message == "failed to endorse transaction"
    assert error.details == (ErrorDetail("peer0.org2:9051", "Org2MSP", "chaincode response 500, no such receivable"),)
    assert error.transaction_id == servicer.seen[0][1].transaction_id


def test_commit_status_deadline_becomes_commit_status_error(served):
    servicer, gateway, _ = served
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    submitted = contract.submit_async("Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])
    assert submitted.result == b"ok"
    with pytest.raises(CommitStatusError) as caught:
        submitted.status()
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert caught.value.transaction_id == submitted.transaction_id
    assert [name for name, *_ in servicer.seen] == ["endorse", "submit", "commit_status"]


def test_chaincode_event_stream_and_its_failure(served):
    _, gateway, _ = served
    events = gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=3)
    assert [(next(events).block_number), next(events).transaction_id] == [3, "4".rjust(64, "a")]
    with pytest.raises(GatewayError) as caught:
        next(events)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE


def test_deliver_stream_sends_envelope_and_reports_status(served):
    servicer, gateway, key = served
    blocks = gateway.get_network(CHANNEL).block_events(start_block=8)
    assert next(blocks).header.number == 8
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        next(blocks)
    envelope = servicer.seen[-1][1]
    verify(key.public_key(), envelope.signature, envelope.payload)


def test_mutual_tls_with_server_name_override(credentials):
    ca_key, ca_cert = make_key_and_cert("tls-ca")
    server_key, server_cert = make_key_and_cert(
        "peer0.org1.example.com", issuer_key=ca_key, issuer_cert=_load(ca_cert), san=["peer0.org1.example.com"]
    )
    client_key, client_cert = make_key_and_cert("client", issuer_key=ca_key, issuer_cert=_load(ca_cert))
    server_credentials = grpc.ssl_server_credentials(
        [(key_pem(server_key), server_cert)], root_certificates=ca_cert, require_client_auth=True
    )
    servicer = Servicer()
    server, port = start_server(servicer, server_credentials)
    key, identity = credentials
    try:
        options = dict(identity=identity, signer=private_key_signer(key), tls_root_certificates=ca_cert)
        with connect(
            f"127.0.0.1:{port}",
            server_name_override="peer0.org1.example.com",
            client_certificate=client_cert,
            client_key=key_pem(client_key),
            **options,
        ) as gateway:
            assert gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get") == b"42"
            assert next(gateway.get_network(CHANNEL).block_events()).header.number == 8
        # The peer's binding check: the hash in the seek envelope is SHA-256 of the session's client certificate.
        (_, envelope, session_certificate, _) = servicer.seen[-1]
        channel_header = common_pb2.ChannelHeader.FromString(common_pb2.Payload.FromString(envelope.payload).header.channel_header)
        session_der = x509.load_pem_x509_certificate(session_certificate).public_bytes(serialization.Encoding.DER)
        assert channel_header.tls_cert_hash == hashlib.sha256(session_der).digest()

        # Without a client certificate the server refuses the handshake.
        with connect(f"127.0.0.1:{port}", server_name_override="peer0.org1.example.com", **options) as gateway:
            with pytest.raises(GatewayError) as caught:
                gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")
            assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    finally:
        server.stop(None)


def _load(pem):
    return x509.load_pem_x509_certificate(pem)


_TRUSTED_ROOTS = {
    "built here": lambda ca: trusted_block(ca, trust_settings([SERVER_AUTH], alias="tls-ca")),
    "written by openssl": pytest.param(
        lambda ca: openssl_trusted_block(ca, "-addtrust", "serverAuth", "-setalias", "tls-ca"), marks=needs_openssl),
}


@pytest.mark.parametrize("trusted_roots", _TRUSTED_ROOTS.values(), ids=_TRUSTED_ROOTS.keys())
@pytest.mark.parametrize("connect_to", [connect, connect_async], ids=["sync", "async"])
def test_tls_to_a_peer_whose_ca_is_given_only_as_an_openssl_trusted_certificate_block(
        credentials, trusted_roots, connect_to):
    # `openssl x509 -trustout -addtrust serverAuth` writes the CA as such a block: the channel trusts that CA
    ca_key, ca_cert = make_key_and_cert("tls-ca")
    server_key, server_cert = make_key_and_cert(
        "peer0.org1.example.com", issuer_key=ca_key, issuer_cert=_load(ca_cert), san=["peer0.org1.example.com"]
    )
    roots = trusted_roots(ca_cert)
    assert b"-----BEGIN CERTIFICATE-----" not in roots
    server, port = start_server(Servicer(), grpc.ssl_server_credentials([(key_pem(server_key), server_cert)]))
    key, identity = credentials
    options = dict(identity=identity, signer=private_key_signer(key), tls_root_certificates=roots,
                   server_name_override="peer0.org1.example.com")
    try:
        if connect_to is connect:
            with connect(f"127.0.0.1:{port}", **options) as gateway:
                result = gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")
        else:
            async def evaluated():
                async with connect_async(f"127.0.0.1:{port}", **options) as gateway:
                    return await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")

            result = asyncio.run(evaluated())
        assert result == b"42"
    finally:
        server.stop(None)


def test_caller_owned_channel_stays_open_after_gateway_closes(credentials):
    servicer = Servicer()
    server, port = start_server(servicer)
    key, identity = credentials
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        for _ in range(2):  # the second gateway reuses the channel the first one left open
            with connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key)) as gateway:
                assert gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get") == b"42"
        assert len(servicer.seen) == 2
    finally:
        channel.close()
        server.stop(None)


@pytest.fixture
def opened(monkeypatch):
    """The secure channels connect() opens, sync and async (none is really opened)."""
    channels = []
    monkeypatch.setattr(grpc, "secure_channel", lambda *args, **kwargs: channels.append(args))
    monkeypatch.setattr(grpc.aio, "secure_channel", lambda *args, **kwargs: channels.append(args))
    return channels


@pytest.mark.parametrize("connect_to", [connect, connect_async], ids=["sync", "async"])
def test_a_client_certificate_that_is_not_one_is_refused_before_a_channel_opens(credentials, opened, connect_to):
    _, identity = credentials
    client_key, _ = make_key_and_cert("client")
    with pytest.raises(ValueError, match=r"^client_certificate is not a PEM X.509 certificate .*its key goes in client_key"):
        # the key given for both: the mistake this guards against
        connect_to("127.0.0.1:7051", identity=identity, client_certificate=key_pem(client_key), client_key=key_pem(client_key))
    assert opened == []


@pytest.mark.parametrize("half", ["client_certificate", "client_key"], ids=["certificate without key", "key without certificate"])
@pytest.mark.parametrize("connect_to", [connect, connect_async], ids=["sync", "async"])
def test_mutual_tls_given_half_its_pair_is_refused_before_a_channel_opens(credentials, opened, connect_to, half):
    # gRPC core aborts the whole process when a secure channel is opened with a certificate and no key.
    _, identity = credentials
    client_key, client_cert = make_key_and_cert("client")
    pair = {"client_certificate": client_cert, "client_key": key_pem(client_key)}
    with pytest.raises(ValueError, match=rf"^mutual TLS needs both client_certificate and client_key: {half} was "
                                         r"given alone; give client_(key|certificate), .* or leave both out"):
        connect_to("127.0.0.1:7051", identity=identity, tls_root_certificates=client_cert, **{half: pair[half]})
    assert opened == []


TINY_RECEIVE_LIMIT = [("grpc.max_receive_message_length", 5)]  # smaller than any Evaluate response


async def _evaluate_async(address, identity, key, **options):
    async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True, **options) as gateway:
        return await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")


def _evaluate_sync(address, identity, key, **options):
    with connect(address, identity=identity, signer=private_key_signer(key), insecure=True, **options) as gateway:
        return gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")


@pytest.mark.parametrize("family", ["sync", "async"])
def test_grpc_options_given_replace_the_defaults_of_the_same_key(credentials, family):
    servicer = Servicer()
    server, port = start_server(servicer)
    key, identity = credentials

    def evaluate(**options):
        if family == "sync":
            return _evaluate_sync(f"127.0.0.1:{port}", identity, key, **options)
        return asyncio.run(_evaluate_async(f"127.0.0.1:{port}", identity, key, **options))

    try:
        assert evaluate() == b"42"
        with pytest.raises(EvaluateError) as caught:
            evaluate(grpc_options=TINY_RECEIVE_LIMIT)
        assert caught.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    finally:
        server.stop(None)


def test_the_callers_grpc_option_is_the_one_value_of_its_key():
    options = _channel_options([("grpc.max_receive_message_length", 5), ("grpc.enable_retries", 0)])
    assert options["grpc.max_receive_message_length"] == 5 and options["grpc.enable_retries"] == 0
    assert options["grpc.keepalive_time_ms"] == 120_000  # a default the caller did not set stays


def test_calls_after_close_raise_the_same_gateway_errors_in_both_families(credentials):
    servicer = Servicer()
    server, port = start_server(servicer)
    key, identity = credentials
    address = f"127.0.0.1:{port}"
    own_channel = grpc.insecure_channel(address)  # a channel the caller keeps open: the closed gateway still refuses

    def calls(gateway):
        network = gateway.get_network(CHANNEL)
        return {
            "evaluate": lambda: network.get_contract("receivables").evaluate_transaction("Get"),
            "chaincode events": lambda: network.chaincode_events("receivables"),
            "blocks": lambda: network.block_events(),
        }

    def outcome(error):
        return type(error), error.code, error.message

    async def async_outcomes():
        gateway = connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True)
        await gateway.close()
        found = {}
        for name, call in calls(gateway).items():
            with pytest.raises(GatewayError) as caught:
                result = call()
                if name == "evaluate":
                    await result
                else:
                    await result.__anext__()  # an async iterator opens its stream on the first read
            found[name] = outcome(caught.value)
        return found

    try:
        sync_outcomes = {}
        for gateway in (
            connect(address, identity=identity, signer=private_key_signer(key), insecure=True),
            connect(grpc_channel=own_channel, identity=identity, signer=private_key_signer(key)),
        ):
            gateway.close()
            for name, call in calls(gateway).items():
                with pytest.raises(GatewayError) as caught:
                    call()
                sync_outcomes.setdefault(name, set()).add(outcome(caught.value))
        closed = "the gateway was closed; connect again to make calls"
        assert sync_outcomes == {
            "evaluate": {(EvaluateError, grpc.StatusCode.CANCELLED, closed)},
            "chaincode events": {(EventStreamError, grpc.StatusCode.CANCELLED, closed)},
            "blocks": {(EventStreamError, grpc.StatusCode.CANCELLED, closed)},
        }
        assert {name: {found} for name, found in asyncio.run(async_outcomes()).items()} == sync_outcomes
        assert servicer.seen == []
    finally:
        own_channel.close()
        server.stop(None)
