"""Arguments of the wrong kind are refused where they are given, naming them: connect()'s retry, timeouts and
hash, a submit's retry, a rebuilt request's signature, and the TLS roots and client key of the channel connect()
opens. Taken, each would surface later as an error naming nothing (an AttributeError in place of the CommitError a
retry was meant for, a TLS handshake failure that reads as a peer that is down)."""

import asyncio
import base64
import errno
import hashlib
import os
import re
import warnings
from pathlib import Path
from unittest.mock import MagicMock

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fabric_protos.peer import transaction_pb2

from client.gateway import CommitError, RetryPolicy, Timeouts, connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, key_pem, make_key_and_cert
from .trusted_blocks import (
    ANY_EXTENDED_KEY_USAGE, CLIENT_AUTH, EMAIL_PROTECTION, SERVER_AUTH, certificate_der, der, needs_openssl, oid,
    openssl_trusted_block, trust_settings, trusted_block,
)

CHANNEL = "receivables-channel"
NOT_A_POLICY = pytest.mark.parametrize(
    "retry, named",
    [(3, "int 3"), (RetryPolicy, "the class RetryPolicy itself"), ({"max_attempts": 3}, "dict {'max_attempts': 3}")],
    ids=["int", "the class", "dict"],
)


def _connect_sync(**options):
    return connect(**options)


def _connect_async(**options):
    async def inside_a_loop():
        return connect_async(**options)

    return asyncio.run(inside_a_loop())


FAMILIES = pytest.mark.parametrize("connect_with", [_connect_sync, _connect_async], ids=["sync", "async"])


def _over_fake(connect_with, credentials, transport, **options):
    key, identity = credentials
    given = transport if connect_with is _connect_sync else AsyncFakeTransport(transport)
    return connect_with(identity=identity, signer=private_key_signer(key), transport=given, **options)


def _submitted(gateway, **options):
    """The result of submit_transaction("Settle") through ``gateway``, sync or async."""
    call = gateway.get_network(CHANNEL).get_contract("receivables").submit_transaction("Settle", **options)
    if not asyncio.iscoroutine(call):
        return call

    async def awaited():
        return await call

    return asyncio.run(awaited())


@NOT_A_POLICY
@FAMILIES
def test_a_retry_that_is_not_a_retry_policy_is_refused_at_connect(credentials, connect_with, retry, named):
    with pytest.raises(TypeError, match=rf"^retry must be a RetryPolicy or None, not {named}: .*RetryPolicy\(max_attempts"):
        _over_fake(connect_with, credentials, FakeTransport(), retry=retry)


@NOT_A_POLICY
@FAMILIES
def test_a_retry_that_is_not_a_retry_policy_is_refused_at_submit_before_anything_is_sent(
    credentials, connect_with, retry, named
):
    transport = FakeTransport()
    gateway = _over_fake(connect_with, credentials, transport)
    with pytest.raises(TypeError, match=rf"^retry must be a RetryPolicy or None, not {named}: "):
        _submitted(gateway, retry=retry)
    assert transport.calls == []


@FAMILIES
def test_a_retry_policy_still_retries_a_conflict_and_its_last_attempt_raises_the_commit_error(credentials, connect_with):
    transport = FakeTransport()
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    gateway = _over_fake(connect_with, credentials, transport, retry=RetryPolicy(max_attempts=2))
    with pytest.raises(CommitError) as caught:
        _submitted(gateway)
    assert caught.value.validation_code == transaction_pb2.MVCC_READ_CONFLICT
    assert len(transport.requests("submit")) == 2


@pytest.mark.parametrize("timeouts, named", [(30, "int 30"), ({"endorse": 60}, "dict {'endorse': 60}")], ids=["int", "dict"])
@FAMILIES
def test_timeouts_that_are_not_a_timeouts_are_refused_at_connect(credentials, connect_with, timeouts, named):
    with pytest.raises(TypeError, match=rf"^timeouts must be a Timeouts or None \(the defaults\), not {named}: .*Timeouts\("):
        _over_fake(connect_with, credentials, FakeTransport(), timeouts=timeouts)


def test_timeouts_given_as_a_timeouts_are_taken(credentials):
    transport = FakeTransport()
    gateway = _over_fake(_connect_sync, credentials, transport, timeouts=Timeouts(evaluate=9))
    gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")
    assert transport.calls[0][2] == 9


@FAMILIES
def test_a_hash_that_does_not_return_bytes_is_refused_naming_it_at_its_first_digest(credentials, connect_with):
    # hashlib.sha256 makes a hash object: every digest handed to a signer would be one
    gateway = _over_fake(connect_with, credentials, FakeTransport(), hash=hashlib.sha256)
    with pytest.raises(TypeError, match=r"^hash \S*sha256 returned \w+, not the digest's bytes: .*hashing\.sha256"):
        _submitted(gateway)


@pytest.mark.parametrize("as_returned", [bytes, bytearray, memoryview])
@FAMILIES
def test_a_hash_returning_bytes_like_is_taken_and_not_tried_at_connect(credentials, connect_with, as_returned):
    hashed = []

    def bytes_like_sha256(message):
        hashed.append(message)
        return as_returned(hashlib.sha256(message).digest())

    transport = FakeTransport()
    gateway = _over_fake(connect_with, credentials, transport, hash=bytes_like_sha256)
    assert hashed == []  # the caller's function runs only on the caller's messages
    _submitted(gateway)
    assert hashed and b"" not in hashed


def test_a_hash_that_is_not_a_function_is_refused_at_connect(credentials):
    with pytest.raises(TypeError, match=r"^hash must be a function .* not str 'sha256'"):
        _over_fake(_connect_sync, credentials, FakeTransport(), hash="sha256")


def test_a_signature_given_as_text_is_refused_naming_the_signature(credentials):
    key, identity = credentials
    gateway = connect(identity=identity, transport=FakeTransport())
    proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Get")
    signature = private_key_signer(key)(proposal.digest)
    with pytest.raises(TypeError, match=r"^signature must be the signature's bytes, not str: .*bytes\.fromhex"):
        gateway.new_signed_proposal(proposal.bytes, signature.hex())
    # bytes-like signatures are taken, as before
    assert gateway.new_signed_proposal(proposal.bytes, bytearray(signature)).signature


# ---------------------------------------------------------------- the TLS material of the channel connect() opens


@pytest.fixture
def opened(monkeypatch):
    """The channels connect() and connect_async() open (stand-ins: none is really opened)."""
    channels = []

    def open_channel(*args, **kwargs):
        channels.append(args)
        return MagicMock()

    for module in (grpc, grpc.aio):
        monkeypatch.setattr(module, "secure_channel", open_channel)
        monkeypatch.setattr(module, "insecure_channel", open_channel)
    return channels


@pytest.fixture
def tls():
    """Right mutual TLS material: the peer's CA certificate, the client's certificate and its key."""
    _, ca_cert = make_key_and_cert("tlsca.org1.example.com")
    client_key, client_cert = make_key_and_cert("user1@org1")
    return {"tls_root_certificates": ca_cert, "client_certificate": client_cert, "client_key": key_pem(client_key)}


def _tls_connect(connect_with, credentials, **tls):
    key, identity = credentials
    return connect_with(target="127.0.0.1:7051", identity=identity, signer=private_key_signer(key), **tls)


@FAMILIES
def test_right_tls_material_opens_the_channel(credentials, opened, tls, connect_with, tmp_path):
    _tls_connect(connect_with, credentials, **tls)
    for name, pem in tls.items():  # as file paths too
        (tmp_path / name).write_bytes(pem)
    _tls_connect(connect_with, credentials, **{name: str(tmp_path / name) for name in tls})
    assert len(opened) == 2


@FAMILIES
def test_tls_roots_that_are_not_certificates_are_refused_before_a_channel_opens(credentials, opened, tls, connect_with):
    with pytest.raises(ValueError, match=r"^tls_root_certificates holds a private key \('PRIVATE KEY', block 1, "
                                         r"line 1\).*the network's TLS CA certificates only"):
        _tls_connect(connect_with, credentials, **{**tls, "tls_root_certificates": tls["client_key"]})
    assert opened == []


@pytest.mark.parametrize(
    "wrong_key, message",
    [
        (lambda tls: tls["client_certificate"], r"^client_key is not a PEM private key \(.*\): give the private key"),
        (lambda tls: key_pem(make_key_and_cert("other")[0]),
         r"^client_key is not the key of client_certificate \(their public keys differ\)"),
        (lambda tls: serialization.load_pem_private_key(tls["client_key"], None).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")),
         r"^client_key is an encrypted private key, and gRPC takes no key password"),
    ],
    ids=["the certificate", "another certificate's key", "encrypted"],
)
@FAMILIES
def test_a_client_key_that_is_not_the_certificates_key_is_refused_before_a_channel_opens(
    credentials, opened, tls, connect_with, wrong_key, message
):
    with pytest.raises(ValueError, match=message):
        _tls_connect(connect_with, credentials, **{**tls, "client_key": wrong_key(tls)})
    assert opened == []


# ---------------------------------------------------------------- connect_async outside an event loop


def test_connect_async_to_a_target_with_no_loop_running_or_set_is_refused_before_a_channel_opens(credentials, opened):
    # a grpc.aio channel opened there belongs to another loop than the one that awaits its calls
    key, identity = credentials
    asyncio.set_event_loop(None)
    with pytest.raises(RuntimeError, match=r"^connect_async\(\) was called with no event loop running or set for "
                                           r"this thread: call it inside the loop that will use the gateway"):
        connect_async("127.0.0.1:7051", identity=identity, signer=private_key_signer(key), insecure=True)
    assert opened == []
    _connect_async(target="127.0.0.1:7051", identity=identity, signer=private_key_signer(key), insecure=True)
    assert len(opened) == 1


def test_connect_async_over_a_transport_of_the_callers_may_be_called_before_the_loop_runs(credentials):
    # nothing of the client's is bound to a loop then: the transport is the caller's
    key, identity = credentials
    gateway = connect_async(identity=identity, signer=private_key_signer(key), transport=AsyncFakeTransport(FakeTransport()))

    async def evaluate():
        return await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")

    assert asyncio.run(evaluate()) == b"result"


@pytest.fixture
def set_loop():
    """An event loop set for this thread and not yet running; unset and closed afterwards."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def test_connect_async_to_a_target_with_a_loop_set_and_not_yet_running_opens_the_channel(credentials, opened, set_loop):
    # loop.run_until_complete(...) after it, or asyncio.Runner after get_loop(): grpc.aio binds to that loop
    key, identity = credentials
    gateway = connect_async("127.0.0.1:7051", identity=identity, signer=private_key_signer(key), insecure=True)
    assert len(opened) == 1 and gateway is not None


def test_connect_async_with_the_loop_set_closed_is_refused(credentials, opened, set_loop):
    key, identity = credentials
    set_loop.close()
    with pytest.raises(RuntimeError, match=r"^connect_async\(\) was called with no event loop running or set"):
        connect_async("127.0.0.1:7051", identity=identity, signer=private_key_signer(key), insecure=True)
    assert opened == []


def test_a_gateway_made_with_a_loop_set_evaluates_in_it(credentials, set_loop):
    # a real grpc.aio channel to a real (sync) gRPC server: the channel is used in the loop it was opened with
    from concurrent import futures
    from fabric_protos.gateway import gateway_pb2
    from fabric_protos.peer import proposal_response_pb2

    def evaluate(request, context):
        response = proposal_response_pb2.Response(status=200, payload=b"ok")
        return gateway_pb2.EvaluateResponse(result=response).SerializeToString()

    handler = grpc.method_handlers_generic_handler(
        "gateway.Gateway", {"Evaluate": grpc.unary_unary_rpc_method_handler(evaluate)})
    server = grpc.server(futures.ThreadPoolExecutor(2))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        key, identity = credentials
        gateway = connect_async(f"127.0.0.1:{port}", identity=identity, signer=private_key_signer(key), insecure=True)

        async def evaluated():
            async with gateway:
                return await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")

        assert set_loop.run_until_complete(evaluated()) == b"ok"
    finally:
        server.stop(None)


# ---------------------------------------------------------------- forms of TLS material gRPC takes

# A secp112r1 key (SEC1): a PEM private key cryptography cannot load.
SECP112R1_KEY = b"""-----BEGIN EC PRIVATE KEY-----
MD4CAQEEDpHHT4A7fJKwb0Ie62UKoAcGBSuBBAAGoSADHgAEvr6PULOoW5D7q7n2
6KpXDoJOEVt95nzTWgHuHQ==
-----END EC PRIVATE KEY-----
"""
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def _unparsable_certificate_block() -> bytes:
    return b"-----BEGIN CERTIFICATE-----\nMIIBdTCCARugAwIBAgIUU7F/SE7ZnM4Gpvpc\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    "roots",
    [
        lambda tls: tls["tls_root_certificates"] + make_key_and_cert("tlsca.org2.example.com")[1],
        lambda tls: b"# tlsca.org1\n\n" + tls["tls_root_certificates"] + b"\n# tlsca.org2\n"
        + make_key_and_cert("tlsca.org2.example.com")[1],
    ],
    ids=["two CAs", "comment lines naming each CA, as CA bundles have"],
)
@FAMILIES
def test_a_bundle_of_roots_is_taken_when_each_certificate_in_it_parses(credentials, opened, tls, connect_with, roots):
    _tls_connect(connect_with, credentials, **{**tls, "tls_root_certificates": roots(tls)})
    assert len(opened) == 1


@pytest.mark.skipif(not SYSTEM_BUNDLE.exists(), reason="no system CA bundle here")
def test_the_system_bundle_is_taken_without_a_warning(credentials, opened, tls):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _tls_connect(_connect_sync, credentials, **{**tls, "tls_root_certificates": SYSTEM_BUNDLE.read_bytes()})
    assert len(opened) == 1


def test_roots_whose_only_block_does_not_parse_are_refused(credentials, opened, tls):
    with pytest.raises(ValueError, match=r"^tls_root_certificates holds a certificate that does not parse \(block 1, "
                                         r"line 1: "):
        _tls_connect(_connect_sync, credentials, **{**tls, "tls_root_certificates": _unparsable_certificate_block()})
    assert opened == []


# What text CA files carry before a certificate, as curl's cacert.pem (mk-ca-bundle), `openssl x509 -text` (the
# layout of macOS's /etc/ssl/cert.pem) and `openssl pkcs12 -nokeys` write it.
_CURL_BUNDLE_HEADER = b"""##
## Bundle of CA Root Certificates
##
## This is a bundle of X.509 certificates of public Certificate Authorities
## (CA). These were automatically extracted from Mozilla's root certificates
## file (certdata.txt).
##

tlsca.org1.example.com
======================
"""
_OPENSSL_X509_TEXT = b"""Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            61:9a:81:ac:17:16:62:31:df:79:68:38:74:66:68:03:62:f4:9f:72
        Signature Algorithm: ecdsa-with-SHA256
        Issuer: CN = tlsca.org1.example.com
        Validity
            Not Before: Dec  3 16:30:51 2026 GMT
            Not After : Jan  2 16:30:51 2027 GMT
        Subject: CN = tlsca.org1.example.com
        Subject Public Key Info:
            Public Key Algorithm: id-ecPublicKey
                Public-Key: (256 bit)
                pub:
                    04:ed:66:75:9a:24:2e:fc:dc:1f:40:f2:ac:69:0e:
                    63:a8:2b:79:64
                ASN1 OID: prime256v1
                NIST CURVE: P-256
        X509v3 extensions:
            X509v3 Basic Constraints: critical
                CA:TRUE
    Signature Algorithm: ecdsa-with-SHA256
    Signature Value:
        30:45:02:21:00:e2:4b:9f:bc:e1:13:0e:32:8f:e6:9d:a6:a3:
        6a:b0:a2:1a:78:be:15:4c:7d:4b:7b:3f:3d:74:fc:6c:9c
"""
_OPENSSL_PKCS12_ATTRIBUTES = b"""Bag Attributes
    friendlyName: tlsca
    localKeyID: EC 24 51 7E E1 C1 E0 6D 7B FB 8A 20 88 6A CD B5 84 4D D5 87 
subject=CN = tlsca.org1.example.com
issuer=CN = tlsca.org1.example.com
"""


@pytest.mark.parametrize(
    "roots",
    [
        lambda tls: _CURL_BUNDLE_HEADER + tls["tls_root_certificates"] + b"\ntlsca.org2.example.com\n"
        + b"=" * 22 + b"\n" + make_key_and_cert("tlsca.org2.example.com")[1],
        lambda tls: _OPENSSL_X509_TEXT + tls["tls_root_certificates"],
        lambda tls: _OPENSSL_PKCS12_ATTRIBUTES + tls["tls_root_certificates"],
        lambda tls: tls["tls_root_certificates"] + b"\x1a",
        lambda tls: tls["tls_root_certificates"] + b"\x00" * 7,
        lambda tls: tls["tls_root_certificates"].replace(b"\n", b"\r\n").rstrip() + b"\x00\x00\x1a",
    ],
    ids=["curl's cacert.pem", "openssl x509 -text", "openssl pkcs12 -nokeys", "Ctrl-Z after the block",
         "NULs after the block", "CRLF and padding on the END line"],
)
@FAMILIES
def test_a_roots_file_with_the_text_ca_files_carry_between_blocks_is_taken(
        credentials, opened, tls, connect_with, tmp_path, roots):
    roots_file = tmp_path / "tlsca.pem"
    roots_file.write_bytes(roots(tls))
    for given in (str(roots_file), roots_file, roots(tls)):
        _tls_connect(connect_with, credentials, **{**tls, "tls_root_certificates": given})
    assert len(opened) == 3


def _crl_block() -> bytes:
    return b"-----BEGIN X509 CRL-----\nMIIBdTCCARugAwIBAgIUU7F/SE7ZnM4Gpvpc\n-----END X509 CRL-----\n"


@pytest.mark.parametrize(
    "roots, message",
    [
        (lambda tls: tls["tls_root_certificates"] + tls["client_key"],
         r"holds a private key \('PRIVATE KEY', block 2, line \d+\): a roots file is trusted, not kept secret.*"
         r"Take the key out \(and replace it, if others could read the file\)"),
        (lambda tls: tls["tls_root_certificates"] + _crl_block(),
         r"holds a PEM block that is not a certificate \('X509 CRL', block 2, line \d+\)"),
        (lambda tls: _unparsable_certificate_block() + tls["tls_root_certificates"],
         r"holds a certificate that does not parse \(block 1, line 1: "),
        (lambda tls: tls["tls_root_certificates"] + b"MIIBdTCCARugAwIBAgIUU7F\n" + tls["tls_root_certificates"],
         r"holds part of a PEM block outside its blocks \(line 11: a -----BEGIN or -----END line without its "
         r"partner, or a line of base64; a block cut short"),
        (lambda tls: tls["tls_root_certificates"] + b"-----BEGIN CERTIFICATE-----\nMIIBdTCCARugAwIBAgIUU7F\n",
         r"holds part of a PEM block outside its blocks \(line 11: "),
        (lambda tls: tls["tls_root_certificates"] + b"\nMIIBdTCCARugAwIBAgIUU7F\n-----END CERTIFICATE-----\n",
         r"holds part of a PEM block outside its blocks \(line 12: "),
        (lambda tls: b"tlsca.org1\n==========\n" + b"\n".join(tls["tls_root_certificates"].splitlines()[1:-1])
         + b"\n\n" + tls["tls_root_certificates"], r"holds part of a PEM block outside its blocks \(line 3: "),
        (lambda tls: tls["tls_root_certificates"].replace(b"END CERTIFICATE", b"END X509 CRL"),
         r"holds part of a PEM block outside its blocks \(line 1: "),
        (lambda tls: b"\xef\xbb\xbf" + tls["tls_root_certificates"],
         r"begins with a UTF-8 byte order mark, which hides its first certificate from gRPC .*: save the file "
         r"without it"),
        (lambda tls: b"# no certificate here\n", r"are not PEM X.509 certificates \(no -----BEGIN CERTIFICATE"),
        (lambda tls: _OPENSSL_PKCS12_ATTRIBUTES, r"are not PEM X.509 certificates \(no -----BEGIN CERTIFICATE"),
        (lambda tls: b"", r"are not PEM X.509 certificates \(no -----BEGIN CERTIFICATE"),
    ],
    ids=["a private key after the CA", "a CRL after the CA", "a block that does not parse before a good one",
         "a line of base64 between two blocks", "a block with no END line", "a block with no BEGIN line",
         "a block's body without its BEGIN and END lines", "a block ended under another label's END line",
         "a UTF-8 byte order mark", "comments only", "openssl's attributes without the certificate", "empty"],
)
@FAMILIES
def test_a_roots_file_holding_more_than_ca_certificates_is_refused_naming_the_file_and_the_block(
        credentials, opened, tls, connect_with, tmp_path, roots, message):
    roots_file = tmp_path / "tlsca.pem"
    roots_file.write_bytes(roots(tls))
    for given, named in ((str(roots_file), f"tls_root_certificates file {roots_file}"),
                         (roots_file, f"tls_root_certificates file {roots_file}"),
                         (roots(tls), "tls_root_certificates")):
        with pytest.raises(ValueError, match=rf"^{re.escape(named)} {message}.*give a file of the network's TLS "
                                             r"CA certificates only") as refused:
            _tls_connect(connect_with, credentials, **{**tls, "tls_root_certificates": given})
        assert tls["client_key"][30:60].decode() not in str(refused.value)  # nothing of a key is shown
    assert opened == []


@pytest.mark.parametrize("option", ["client_certificate", "client_key"])
@FAMILIES
def test_a_client_certificate_or_key_file_starting_with_a_byte_order_mark_is_refused_naming_it(
        credentials, opened, tls, connect_with, tmp_path, option):
    """gRPC finds no PEM block after the mark, and failed every call as UNAVAILABLE "Failed to create security
    handshaker", as a peer that is down; the SDK's own checks read past it."""
    marked = tmp_path / f"{option}.pem"
    marked.write_bytes(b"\xef\xbb\xbf" + tls[option])
    with pytest.raises(ValueError, match=rf"^{re.escape(f'{option} file {marked}')} begins with a UTF-8 byte order "
                                         r"mark.*save the file without it"):
        _tls_connect(connect_with, credentials, **{**tls, option: marked})
    assert opened == []


@pytest.mark.parametrize(
    "private_key, form",
    [
        (lambda: ec.generate_private_key(ec.SECP256R1()), serialization.PrivateFormat.TraditionalOpenSSL),  # SEC1
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
         serialization.PrivateFormat.TraditionalOpenSSL),  # PKCS#1
    ],
    ids=["EC SEC1", "RSA PKCS#1"],
)
def test_client_keys_in_other_forms_are_taken(credentials, opened, tls, private_key, form):
    key = private_key()
    _, certificate = make_key_and_cert("user1@org1", key=key)
    pem = key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption())
    _tls_connect(_connect_sync, credentials, **{**tls, "client_certificate": certificate, "client_key": pem})
    assert len(opened) == 1


def test_a_client_key_on_a_curve_cryptography_does_not_support_is_refused_naming_it(credentials, opened, tls):
    with pytest.raises(ValueError, match=r"^client_key is not a PEM private key \(.*not supported\): give the"):
        _tls_connect(_connect_sync, credentials, **{**tls, "client_key": SECP112R1_KEY})
    assert opened == []


# ---------------------------------------------------------------- PEM text, and paths that cannot be read

TLS_OPTIONS = pytest.mark.parametrize("option", ["tls_root_certificates", "client_certificate", "client_key"])


@FAMILIES
def test_pem_text_after_a_name_or_comment_line_is_taken_as_the_pem_not_as_a_path(credentials, opened, tls,
                                                                               connect_with):
    # as a CA bundle names each CA before its certificate, and as a PEM pasted with a note above it reads
    given = {name: f"# {name} of user1@org1\n{pem.decode()}" for name, pem in tls.items()}
    given["tls_root_certificates"] = "tlsca.org1.example.com\n======================\n" + tls[
        "tls_root_certificates"].decode()
    _tls_connect(connect_with, credentials, **given)
    assert len(opened) == 1


@TLS_OPTIONS
@pytest.mark.parametrize("where, kind, code", [
    (lambda folder: folder / "missing.pem", FileNotFoundError, errno.ENOENT),
    (lambda folder: folder, IsADirectoryError, errno.EISDIR),
], ids=["no such file", "a folder"])
@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "Path"])
def test_a_path_that_cannot_be_read_is_refused_naming_the_option_and_the_path(
        credentials, opened, tls, tmp_path, option, where, kind, code, as_path):
    path = where(tmp_path)
    with pytest.raises(kind) as refused:
        _tls_connect(_connect_sync, credentials, **{**tls, option: as_path(path)})
    assert str(refused.value) == (f"{option} file {path} cannot be read ({os.strerror(code)}): give the path of a "
                                  "PEM file, or the PEM itself (bytes, or text holding its -----BEGIN line)")
    assert refused.value.errno == code   # as open's own error has it, for callers that read it
    assert opened == []


@TLS_OPTIONS
def test_text_of_several_lines_with_no_begin_line_is_refused_without_showing_it(credentials, opened, tls, option):
    body = "\n".join(tls[option].decode().splitlines()[1:-1])   # the block without its BEGIN and END lines
    # FileNotFoundError, or ENAMETOOLONG where the base64 between two "/" runs past 255 bytes: the kind open gives
    with pytest.raises(OSError, match=rf"^{option} is text of several lines with no -----BEGIN line, so "
                                                r"it was taken as a file path.*or the PEM itself") as refused:
        _tls_connect(_connect_sync, credentials, **{**tls, option: body})
    assert body.splitlines()[0] not in str(refused.value)
    assert opened == []


# ---------------------------------------------------------------- OpenSSL's TRUSTED CERTIFICATE blocks in the roots

@pytest.fixture
def roots_given(monkeypatch):
    """The root certificates connect() and connect_async() hand to gRPC, one entry per channel."""
    given = []

    def ssl_channel_credentials(root_certificates=None, private_key=None, certificate_chain=None):
        given.append(root_certificates)
        return MagicMock()

    monkeypatch.setattr(grpc, "ssl_channel_credentials", ssl_channel_credentials)
    return given


_PLAIN_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=\n]+)-----END CERTIFICATE-----")
_SERVER_ROOTS = {
    "no trust settings": lambda ca: trusted_block(ca),
    "trusted for serverAuth": lambda ca: trusted_block(ca, trust_settings([SERVER_AUTH])),
    "trusted for any purpose": lambda ca: trusted_block(ca, trust_settings([ANY_EXTENDED_KEY_USAGE])),
    "an alias only": lambda ca: trusted_block(ca, trust_settings(alias="tlsca.org1")),
    "trusted for two, another rejected, an alias": lambda ca: trusted_block(
        ca, trust_settings([CLIENT_AUTH, SERVER_AUTH], [EMAIL_PROTECTION], "tlsca.org1")),
    "a key id and other algorithms after the alias": lambda ca: trusted_block(
        ca, der(0x30, der(0x30, oid(SERVER_AUTH)) + der(0x0C, b"ca") + der(0x04, b"\x01" * 20) + der(0xA1, b""))),
}


@pytest.mark.parametrize("trusted", _SERVER_ROOTS.values(), ids=_SERVER_ROOTS.keys())
@FAMILIES
def test_a_trusted_certificate_block_trusted_for_servers_reaches_grpc_as_the_certificate_alone(
        credentials, opened, roots_given, tls, connect_with, tmp_path, trusted):
    # as `openssl x509 -trustout` and trust bundles write a root: its DER, then OpenSSL's trust settings for it
    ca = tls["tls_root_certificates"]
    other_ca = make_key_and_cert("tlsca.org2.example.com")[1]
    before, after = b"# tlsca.org2\n" + other_ca + b"# tlsca.org1, trusted for TLS servers\n", b"\n# end\n"
    roots = before + trusted(ca) + after
    (tmp_path / "roots.pem").write_bytes(roots)
    for given in (roots, tmp_path / "roots.pem"):
        _tls_connect(connect_with, credentials, **{**tls, "tls_root_certificates": given})
    assert len(opened) == 2 and roots_given[0] == roots_given[1]
    # every other byte as given, and in the block's place a CERTIFICATE block of the certificate's DER alone
    handed = re.fullmatch(re.escape(before) + _PLAIN_BLOCK.pattern + re.escape(b"\n" + after), roots_given[0])
    assert handed is not None, roots_given[0]
    assert base64.b64decode(handed.group(1)) == certificate_der(ca)


@needs_openssl
@pytest.mark.parametrize("settings", [(), ("-addtrust", "serverAuth"), (
    "-addtrust", "clientAuth", "-addtrust", "serverAuth", "-addreject", "emailProtection", "-setalias", "tlsca.org1")],
    ids=["-trustout alone", "-addtrust serverAuth", "two trusted, one rejected, an alias"])
def test_a_trusted_certificate_block_openssl_wrote_is_taken_and_the_blocks_built_here_are_the_same_bytes(
        credentials, opened, roots_given, tls, settings):
    ca = tls["tls_root_certificates"]
    written = openssl_trusted_block(ca, *settings)
    assert written.startswith(b"-----BEGIN TRUSTED CERTIFICATE-----\n")
    _tls_connect(_connect_sync, credentials, **{**tls, "tls_root_certificates": written})
    assert base64.b64decode(re.fullmatch(_PLAIN_BLOCK.pattern + b"\n", roots_given[0]).group(1)) == certificate_der(ca)
    built = {(): b"", ("-addtrust", "serverAuth"): trust_settings([SERVER_AUTH])}.get(
        settings, trust_settings([CLIENT_AUTH, SERVER_AUTH], [EMAIL_PROTECTION], "tlsca.org1"))
    assert trusted_block(ca, built) == written


@pytest.mark.parametrize(
    "settings, says",
    [
        (trust_settings(reject=[SERVER_AUTH]), r"reject serverAuth \(1\.3\.6\.1\.5\.5\.7\.3\.1\)"),
        (trust_settings([SERVER_AUTH], [ANY_EXTENDED_KEY_USAGE]), r"reject anyExtendedKeyUsage \(2\.5\.29\.37\.0\)"),
        (trust_settings([CLIENT_AUTH]), r"trust it only for clientAuth \(1\.3\.6\.1\.5\.5\.7\.3\.2\)"),
        (trust_settings([EMAIL_PROTECTION, "1.2.840.113635.100.1.3"]),
         r"trust it only for emailProtection \(1\.3\.6\.1\.5\.5\.7\.3\.4\), 1\.2\.840\.113635\.100\.1\.3"),
        (trust_settings([]), r"trust it only for no purpose \(an empty trust list\)"),
    ],
    ids=["serverAuth rejected", "any purpose rejected, serverAuth trusted", "trusted for clientAuth only",
         "trusted for e-mail and an unnamed purpose", "an empty trust list"],
)
@FAMILIES
def test_a_trusted_certificate_block_not_trusted_for_servers_is_refused_naming_it_and_what_its_settings_say(
        credentials, opened, tls, connect_with, tmp_path, settings, says):
    roots = tls["tls_root_certificates"] + trusted_block(make_key_and_cert("tlsca.org2.example.com")[1], settings)
    (tmp_path / "roots.pem").write_bytes(roots)
    for given, named in ((roots, "tls_root_certificates"),
                         (tmp_path / "roots.pem", f"tls_root_certificates file {tmp_path / 'roots.pem'}")):
        with pytest.raises(ValueError, match=(
                rf"^{re.escape(named)} holds a certificate not trusted for server authentication \('TRUSTED "
                rf"CERTIFICATE', block 2, line 11: its OpenSSL trust settings {says}\): its settings forbid it to "
                r"vouch for a peer's TLS certificate\. If it is the peers' TLS CA, write it as a plain certificate "
                r"\(`openssl x509 -in that-block\.pem -out tlsca\.pem` leaves its trust settings out\), or take it "
                r"out; and give a file of the network's TLS CA certificates only")):
            _tls_connect(connect_with, credentials, **{**tls, "tls_root_certificates": given})
    assert opened == []


@needs_openssl
def test_a_trusted_certificate_block_openssl_wrote_rejecting_servers_is_refused(credentials, opened, tls):
    written = openssl_trusted_block(tls["tls_root_certificates"], "-addtrust", "serverAuth", "-addreject", "serverAuth")
    with pytest.raises(ValueError, match=r"block 1, line 1: its OpenSSL trust settings reject serverAuth "):
        _tls_connect(_connect_sync, credentials, **{**tls, "tls_root_certificates": written})
    assert opened == []


def _cut(block: bytes, keep: int) -> bytes:
    """The TRUSTED CERTIFICATE block of the first ``keep`` bytes of ``block``'s DER."""
    body = base64.b64decode(b"".join(block.splitlines()[1:-1]))[:keep]
    return b"-----BEGIN TRUSTED CERTIFICATE-----\n" + base64.encodebytes(body) + b"-----END TRUSTED CERTIFICATE-----\n"


_MALFORMED = {
    "settings cut short": (lambda ca: _cut(trusted_block(ca, trust_settings([SERVER_AUTH])), -3),
                           r"an element of what follows the certificate announces 12 bytes where 9 remain"),
    "bytes after the settings": (lambda ca: trusted_block(ca, trust_settings([SERVER_AUTH]) + b"\x00"),
                                 r"bytes follow OpenSSL's trust settings after the certificate"),
    "no SEQUENCE after the certificate": (lambda ca: trusted_block(ca, der(0x04, b"")),
                                          r"what follows the certificate is not OpenSSL's trust settings"),
    "a trust list holding no object identifier": (
        lambda ca: trusted_block(ca, der(0x30, der(0x30, der(0x04, b"")))),
        r"the trust list of its OpenSSL trust settings holds an element that is not a purpose's object identifier "
        r"\(tag 0x04\)"),
    "an object identifier cut short": (lambda ca: trusted_block(ca, der(0x30, der(0xA0, der(0x06, b"\x2b\x86")))),
                                       r"the reject list of its OpenSSL trust settings holds an object identifier "
                                       r"cut short"),
    "the reject list before the trust list": (
        lambda ca: trusted_block(ca, der(0x30, der(0xA0, oid(CLIENT_AUTH)) + der(0x30, oid(SERVER_AUTH)))),
        r"OpenSSL's trust settings hold an element they do not have there \(tag 0x30\)"),
    "an unknown element": (lambda ca: trusted_block(ca, der(0x30, der(0x02, b"\x01"))),
                           r"OpenSSL's trust settings hold an element they do not have there \(tag 0x02\)"),
    "a length of nine octets": (lambda ca: trusted_block(ca, b"\x30\x89" + b"\x00" * 9),
                                r"an element of what follows the certificate has a length cut short or not in DER"),
    "the certificate cut short": (lambda ca: _cut(trusted_block(ca), 100),
                                  r"an element of the certificate announces \d+ bytes where 9[0-9] remain"),
    "a certificate that does not parse": (lambda ca: trusted_block(ca).replace(
        base64.b64encode(certificate_der(ca))[:64], base64.b64encode(der(0x30, der(0x02, b"\x01" * 45)))[:64]),
        r"the certificate in it does not parse: "),
    "a body that is not base64": (lambda ca: trusted_block(ca).replace(b"\n", b"\n*", 1),
                                  r"its body is not base64"),
    "an empty block": (lambda ca: b"-----BEGIN TRUSTED CERTIFICATE-----\n-----END TRUSTED CERTIFICATE-----\n",
                       r"it holds nothing between its BEGIN and END lines"),
    # serverAuth with its arc 7 written 0x80 0x07: read as serverAuth by a lax decoder, no purpose by OpenSSL
    "a trusted purpose not in DER form": (
        lambda ca: trusted_block(ca, der(0x30, der(0x30, der(0x06, bytes.fromhex("2b0601050580070301"))))),
        r"the trust list of its OpenSSL trust settings holds an object identifier not in DER form"),
    "a rejected purpose not in DER form": (
        lambda ca: trusted_block(ca, der(0x30, der(0xA0, der(0x06, bytes.fromhex("2b0601050580070301"))))),
        r"the reject list of its OpenSSL trust settings holds an object identifier not in DER form"),
    "an object identifier of thousands of octets": (
        lambda ca: trusted_block(ca, der(0x30, der(0x30, der(0x06, b"\x2b" + b"\xff" * 5000 + b"\x7f")))),
        r"the trust list of its OpenSSL trust settings holds an object identifier of 5002 octets, longer than any "
        r"purpose's \(at most 64 are read\)"),
    "an other list holding no algorithm": (
        lambda ca: trusted_block(ca, der(0x30, der(0x30, oid(SERVER_AUTH)) + der(0xA1, der(0x04, b"x")))),
        r"the other list of its OpenSSL trust settings holds an element that is not an algorithm identifier"),
    "an other list holding an algorithm with no object identifier": (
        lambda ca: trusted_block(ca, der(0x30, der(0x30, oid(SERVER_AUTH)) + der(0xA1, der(0x30, der(0x05, b""))))),
        r"the other list of its OpenSSL trust settings holds an element that is not an algorithm identifier"),
}


@pytest.mark.parametrize("block, says", _MALFORMED.values(), ids=_MALFORMED.keys())
def test_a_malformed_trusted_certificate_block_is_refused_naming_it_and_what_is_wrong(
        credentials, opened, tls, block, says):
    # gRPC fails every call on most of these as UNAVAILABLE "Failed to create security handshaker", like a peer down
    with pytest.raises(ValueError, match=rf"^tls_root_certificates holds a trusted certificate that does not parse "
                                         rf"\('TRUSTED CERTIFICATE', block 1, line 1: {says}.*\): give a file of the "
                                         r"network's TLS CA certificates only"):
        roots = block(tls["tls_root_certificates"])
        _tls_connect(_connect_sync, credentials, **{**tls, "tls_root_certificates": roots})
    assert opened == []


def test_a_trusted_certificate_block_cut_anywhere_is_refused_with_a_value_error_not_a_traceback(
        credentials, opened, tls):
    whole = trusted_block(tls["tls_root_certificates"], trust_settings([CLIENT_AUTH, SERVER_AUTH], [EMAIL_PROTECTION],
                                                                       "tlsca.org1"))
    length = len(base64.b64decode(b"".join(whole.splitlines()[1:-1])))
    certificate_end = len(certificate_der(tls["tls_root_certificates"]))
    for keep in range(1, length):
        if keep == certificate_end:
            continue  # the certificate alone, as -trustout writes it without settings: taken
        with pytest.raises(ValueError, match=r"^tls_root_certificates holds a trusted certificate that does not "
                                             r"parse \('TRUSTED CERTIFICATE', block 1, line 1: "):
            _tls_connect(_connect_sync, credentials, **{**tls, "tls_root_certificates": _cut(whole, keep)})
    assert opened == []
