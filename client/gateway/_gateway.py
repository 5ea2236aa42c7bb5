"""Connecting to a Fabric Gateway peer, and rebuilding requests signed elsewhere."""

from __future__ import annotations

import inspect
import os
import re
import warnings
from datetime import datetime, timezone
from hashlib import sha256
from pathlib import Path
from typing import Sequence

import grpc
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from ..pem import CERTIFICATE_LABELS, PADDING, PEM_BLOCKS, UTF8_BOM
from ..timeouts import Timeouts
from . import hashing
from ._commit import Commit
from ._context import Context, SigningIdentity
from ._events import BlockEventsRequest, ChaincodeEventsRequest
from ._identity import Identity, expired_certificate, later_certificate_of, public_key_bytes, same_public_key
from ._models import ASYNC, SYNC, Models
from ._network import Network
from ._proposal import CHANNEL_NAME, Proposal, check_name
from ._retry import RetryPolicy, check_retry
from ._signer import VERIFIED_CURVE_ORDERS, Signer, is_encrypted_key, signer_public_key
from ._system_roots import roots_left_out
from ._transaction import Transaction
from ._grpc_transport import AsyncGrpcTransport, GrpcTransport, current_loop
from ._transport import AsyncGatewayTransport, GatewayTransport, Metadata
from ._trusted_certificate import TRUSTED_CERTIFICATE_LABEL, certificate_block, read_trusted_certificate
from ._twins import refuse_awaitable

_DEFAULT_GRPC_OPTIONS = (
    ("grpc.max_receive_message_length", 100 * 1024 * 1024),
    ("grpc.max_send_message_length", 100 * 1024 * 1024),
    # A ping every 2 minutes on a connection with a call open: often enough that a NAT or load balancer does not
    # drop a quiet event stream's connection, and that one dropped is seen (the ping unanswered within gRPC's
    # 20 s keepalive timeout) rather than the stream looking open for ever; not so often that a peer closes the
    # connection (GOAWAY too_many_pings) for pinging more often than peer.keepalive.minInterval (60 s).
    ("grpc.keepalive_time_ms", 120_000),
    # No limit on pings sent while the client sends no data: gRPC's default (2) would stop the pings of an
    # event stream, which sends nothing after its request, two pings after it went quiet.
    ("grpc.http2.max_pings_without_data", 0),
    # Reconnecting to a peer that went away: gRPC waits 1 s after a failed connection attempt, each wait 1.6
    # times the last, up to 120 s; and until the next attempt every call fails at once (UNAVAILABLE) although
    # the peer may be back: after a minute's outage of a local gRPC server, calls went through again 17.5 s after
    # its restart (2.5 s with these options), and after outages of minutes the wait reaches two minutes. Capped
    # at 5 s, a peer back is redialled within 5 s (plus gRPC's 20% jitter), at the cost of one connection attempt
    # per 5 s to a peer that stays down.
    ("grpc.initial_reconnect_backoff_ms", 1_000),
    ("grpc.max_reconnect_backoff_ms", 5_000),
    # The least time one connection attempt is given (gRPC's MIN_CONNECT_TIMEOUT, 20 s by default): one whose
    # packets go unanswered (a peer behind a partition) holds the next attempt back as long. 5 s is ample for a
    # TCP and TLS handshake with a peer that answers.
    ("grpc.min_reconnect_backoff_ms", 5_000),
)


def connect(
    target: str | None = None,
    *,
    identity: Identity,
    signer: Signer | None = None,
    hash: hashing.Hash = hashing.sha256,
    tls_root_certificates: bytes | str | Path | None = None,
    client_certificate: bytes | str | Path | None = None,
    client_key: bytes | str | Path | None = None,
    server_name_override: str | None = None,
    insecure: bool = False,
    grpc_channel: grpc.Channel | None = None,
    transport: GatewayTransport | None = None,
    timeouts: Timeouts | None = None,
    retry: RetryPolicy | None = None,
    metadata: Metadata = (),
    grpc_options: Sequence[tuple[str, object]] = (),
) -> "Gateway":
    """Connect to a Fabric peer's Gateway service.

    Give exactly one of:

    - ``target`` ("host:port"): the client opens its own gRPC channel, with TLS
      using ``tls_root_certificates`` (the network's TLS CA roots, PEM bytes or
      text, or a file path; left out, the operating system's trust store, as the Go client's: the file and
      folders SSL_CERT_FILE and SSL_CERT_DIR name, else OpenSSL's; a ValueError when it holds no CA; the file
      GRPC_DEFAULT_SSL_ROOTS_FILE_PATH names instead, when it is set), and mutual TLS when
      ``client_certificate`` and ``client_key`` are given (each in the same forms: a
      str holding ``-----BEGIN`` is the PEM itself, any other str a path).
      ``server_name_override`` sets the name checked against the peer's
      certificate (when connecting by IP or through a tunnel). ``insecure=True``
      uses plain text, for development only (none of the TLS options may be
      given beside it). ``grpc_options`` are gRPC channel arguments
      (``("grpc.max_receive_message_length", n)``...); each replaces the
      client's default for its key (100 MiB messages, a keepalive ping every 2 minutes, kept up on a quiet
      event stream, a peer that went away redialled every 5 s or so, 6 s at most with gRPC's jitter).
    - ``grpc_channel``: a channel you made and close yourself.
    - ``transport``: your own GatewayTransport.

    A ``grpc.aio`` channel, or a transport that is plainly async (an AsyncGrpcTransport, a class
    deriving from AsyncGatewayTransport, or one whose class defines a call ``async def``), is a
    ValueError naming ``connect_async``, raised before anything is sent. A transport whose family
    nothing tells (its calls are plain methods: a wrapper, a decorator, a mock) is taken; if its
    first call returns an awaitable, that is closed unawaited (a coroutine is not run, so nothing
    is sent) and the call raises the same ValueError. An event method whose transport opened an
    async stream (``__anext__`` and no ``__next__``) cancels it unread and raises the same ValueError.

    With ``grpc_channel`` or ``transport``, ``client_certificate`` may still
    be given: its hash is then bound into block-event requests (mutual TLS).
    The options that only shape the channel the client opens (``tls_root_certificates``,
    ``client_key``, ``server_name_override``, ``insecure``, ``grpc_options``) are then a
    ValueError rather than silently unused, as is ``metadata`` with ``transport``.

    ``signer`` may be omitted to build requests that are signed elsewhere
    (see ``new_signed_proposal`` and friends). ``retry`` sets the default
    RetryPolicy of ``submit``; none by default. An identity whose certificate has expired or holds a key no
    peer verifies, or a ``private_key_signer`` over another key than the certificate's, is a ValueError
    (``_check_identity``).
    """
    tls_root_certificates, client_certificate, client_key = _pem_options(
        tls_root_certificates, client_certificate, client_key)
    signing, tls_hash = _check_arguments(
        identity, signer, hash, client_certificate, server_name_override, timeouts, retry,
    )  # fmt: skip
    transport = _transport(
        grpc, GrpcTransport, target, grpc_channel, transport, metadata,
        tls_root_certificates, client_certificate, client_key, server_name_override, insecure, grpc_options,
    )  # fmt: skip
    return Gateway(_context(transport, signing, tls_hash, timeouts, SYNC, target), retry)


def connect_async(
    target: str | None = None,
    *,
    identity: Identity,
    signer: Signer | None = None,
    hash: hashing.Hash = hashing.sha256,
    tls_root_certificates: bytes | str | Path | None = None,
    client_certificate: bytes | str | Path | None = None,
    client_key: bytes | str | Path | None = None,
    server_name_override: str | None = None,
    insecure: bool = False,
    grpc_channel: grpc.aio.Channel | None = None,
    transport: AsyncGatewayTransport | None = None,
    timeouts: Timeouts | None = None,
    retry: RetryPolicy | None = None,
    metadata: Metadata = (),
    grpc_options: Sequence[tuple[str, object]] = (),
) -> "AsyncGateway":
    """The async twin of :func:`connect`, over ``grpc.aio``; same options.

    Call it inside a running event loop. Every call that talks to the peer is
    awaited; event methods return async iterators. ``grpc_channel`` is a ``grpc.aio`` channel and
    ``transport`` an AsyncGatewayTransport, whose calls return awaitables. A sync channel, or a
    transport that is plainly sync (a GrpcTransport, or a class deriving from GatewayTransport), is a
    ValueError naming ``connect``, raised before anything is sent. A transport whose calls are plain
    methods (a wrapper forwarding to another transport, a test fake, a mock) is taken, as nothing
    tells its family until it answers: if its first call returns something not awaitable, that call
    raises a ValueError naming ``connect``. The call has then already been made (a sync transport
    runs it in place), but nothing after it: the first call of ``submit_transaction``/``submit``/
    ``submit_async`` is the endorsement, so no transaction is ordered (a rebuilt Transaction's own
    ``submit()``, made first, has reached the orderer: its ``transaction_id`` finishes it via connect()).
    An event iterator checks its stream at its first read: a sync one (``__next__`` and no ``__anext__``)
    is cancelled unread, and that read and every later one raise the ValueError.
    With a ``target``, called with no event loop running or set for this thread, it raises a RuntimeError once
    its arguments are checked: the channel it opens belongs to the loop current when it is opened.
    """
    tls_root_certificates, client_certificate, client_key = _pem_options(
        tls_root_certificates, client_certificate, client_key)
    signing, tls_hash = _check_arguments(
        identity, signer, hash, client_certificate, server_name_override, timeouts, retry,
    )  # fmt: skip
    transport = _transport(
        grpc.aio, AsyncGrpcTransport, target, grpc_channel, transport, metadata,
        tls_root_certificates, client_certificate, client_key, server_name_override, insecure, grpc_options,
    )  # fmt: skip
    return AsyncGateway(_context(transport, signing, tls_hash, timeouts, ASYNC, target), retry)


def _transport(
    grpc_module, transport_class, target, grpc_channel, transport, metadata,
    root, certificate, key, server_name_override, insecure, grpc_options,
):  # fmt: skip
    if sum(x is not None for x in (target, grpc_channel, transport)) != 1:
        raise ValueError("give exactly one of target, grpc_channel or transport")
    if target is not None:
        _check_target(target)
    _refuse_other_family(grpc_module is grpc.aio, grpc_channel, transport)
    channel_options = {
        "tls_root_certificates": root is not None,
        "client_key": key is not None,
        "server_name_override": bool(server_name_override),  # as _open_channel reads it
        "insecure": insecure,
        "grpc_options": bool(grpc_options),
    }
    if transport is not None:
        _refuse_unused(
            {**channel_options, "metadata": bool(metadata)}, "transport",
            "your transport makes every call itself. Set {them} in your transport",
        )  # fmt: skip
        return transport
    _check_metadata(metadata)
    if grpc_channel is not None:
        _refuse_unused(
            channel_options, "grpc_channel",
            "the channel you made has its own TLS and gRPC options. Set {them} when you make the channel",
        )  # fmt: skip
        return transport_class(grpc_channel, metadata=metadata)
    channel = _open_channel(
        grpc_module,
        target,
        insecure=insecure,
        root=root,
        certificate=certificate,
        key=key,
        server_name_override=server_name_override,
        options=_channel_options(grpc_options),
    )
    return transport_class(channel, metadata=metadata, owns_channel=True)


# the scheme of a URL gRPC does not dial, as connection profiles write a peer's (grpcs://host:port)
_URL_SCHEME = re.compile(r"(?i)(?:grpcs?|https?)://")


def _check_target(target) -> None:
    """A TypeError or ValueError naming a target gRPC cannot dial, before any channel opens: a connection
    profile's url was resolved as a host name, every call failing as UNAVAILABLE ("errors resolving"), which
    reads as a peer that is down; a port given as a number raised a bare AttributeError."""
    example = "'host:port' such as 'peer0.org1.example.com:7051'"
    if not isinstance(target, (str, bytes)):
        raise TypeError(f"target must be a str, {example}, not {type(target).__name__} {target!r:.80}")
    text = target.decode("utf-8", "replace") if isinstance(target, bytes) else target
    if not text.strip():
        raise ValueError(f"target is blank: give the peer's {example}")
    scheme = _URL_SCHEME.match(text)
    if scheme:
        raise ValueError(f"target {target!r} is a URL, as a connection profile writes a peer's: give its host and "
                         f"port alone, {text[scheme.end():].rstrip('/')!r} (connect() uses TLS unless "
                         "insecure=True)")


_METADATA_KEY = re.compile(r"[0-9a-z_.-]+\Z")
# what gRPC sends as a text value: printable ASCII, space included (HTTP/2 header values)
_METADATA_TEXT = re.compile(rb"[\x20-\x7e]*\Z")


def _check_metadata(metadata: Metadata) -> None:
    """A ValueError (TypeError for a type) naming the first ``metadata`` entry gRPC would refuse, before any
    channel opens. gRPC checks metadata only when a call is made: every call then fails, as an INTERNAL
    "Invalid metadata" that names neither the entry nor the rule, or a bare TypeError."""
    rule = ("keys are lowercase ASCII letters, digits, '-', '_' and '.'; the value of a key ending in -bin "
            "is bytes, any other is printable ASCII (str or bytes)")
    for number, entry in enumerate(metadata, start=1):
        if isinstance(entry, (str, bytes)) or not hasattr(entry, "__len__") or len(entry) != 2:
            raise TypeError(f"metadata entry {number} is {type(entry).__name__} {entry!r:.60}, not a (key, "
                            "value) pair: give metadata as pairs, e.g. [(\"authorization\", \"Bearer ...\")]")
        key, value = entry
        if not isinstance(key, str) or not _METADATA_KEY.match(key):
            raise ValueError(f"metadata key {key!r:.60} (entry {number}) is not one gRPC sends: {rule}")
        binary = key.endswith("-bin")
        if not isinstance(value, bytes if binary else (str, bytes)):
            raise TypeError(f"the metadata value of {key!r} is {type(value).__name__}, not "
                            f"{'bytes' if binary else 'str or bytes'}: {rule}")
        if not binary and not _METADATA_TEXT.match(value.encode() if isinstance(value, str) else value):
            raise ValueError(f"the metadata value of {key!r} holds characters gRPC does not send (a "
                             f"line break, a tab, a non-ASCII letter...): {rule}; send other values as "
                             "bytes under a key ending in -bin")


_FAMILIES = {
    False: ("connect", "a sync gRPC channel (grpc.secure_channel...)",
            "a sync transport (a GrpcTransport, or a class deriving from GatewayTransport)"),
    True: ("connect_async", "a grpc.aio channel (grpc.aio.secure_channel...)",
           "an async transport (an AsyncGrpcTransport, a class deriving from AsyncGatewayTransport, "
           "or one whose class defines its calls async def)"),
}  # fmt: skip
"""Per family (async or not): its connect function, and the channel and transport it takes."""

_AWAITED_CALLS = tuple(
    name for name, call in vars(AsyncGatewayTransport).items() if inspect.iscoroutinefunction(call)
)
"""The calls an async transport awaits (evaluate, endorse, submit, commit_status, close), read off the protocol that
declares them ``async def`` so that the family check and the protocol cannot drift apart."""


def _refuse_other_family(asynchronous: bool, grpc_channel, transport) -> None:
    """A ValueError for a channel or transport plainly of the other family, before anything is sent.

    Given one, the async client would make each call (blocking the event loop, a transaction
    ordered) before failing to await its answer with a TypeError, and the sync client would fail
    with a bare RuntimeError or AttributeError that no handler of GatewayError catches. A channel
    of neither gRPC class (a stand-in), and a transport whose family nothing tells, are let through:
    the first call through such a transport checks what it returned (``_twins``).
    """
    if grpc_channel is not None:
        what, shape = "grpc_channel", 1
        wrong = isinstance(grpc_channel, grpc.Channel if asynchronous else grpc.aio.Channel)
    elif transport is not None:
        what, shape = f"transport {type(transport).__name__}", 2
        family = _transport_family(transport)
        wrong = family is not None and family != asynchronous  # undecided: taken, as nothing tells
    else:
        return  # a target: the client opens the channel of its own family
    if wrong:
        this, other = _FAMILIES[asynchronous], _FAMILIES[not asynchronous]
        raise ValueError(
            f"{what} is {other[shape]}, which {this[0]}() cannot use: give it to {other[0]}(), "
            f"or give {this[0]}() {this[shape]}"
        )


def _transport_family(transport) -> bool | None:
    """True for a transport plainly async, False for one plainly sync, None when nothing tells.

    The gRPC transports and the classes deriving from a transport base say so themselves; else a
    call that the class defines ``async def`` makes it async. A call that is a plain method is left
    undecided, whatever it wraps: a wrapper forwarding to an async transport returns awaitables, while
    a ``functools.wraps`` decorator that runs an ``async def`` to completion (``asyncio.run``) is sync.
    Only calling it shows which, and the first call checks (``_twins``).
    """
    for transport_class, family in (
        (AsyncGrpcTransport, True), (AsyncGatewayTransport, True), (GrpcTransport, False), (GatewayTransport, False),
    ):  # fmt: skip
        # In the class's own bases, not isinstance(): the bases are runtime_checkable protocols,
        # which every object with the calls' names satisfies, sync or async alike.
        if transport_class in type(transport).__mro__:
            return family
    # On the class, not through inspect.unwrap: what a decorator wraps is not what it returns.
    calls = (getattr(type(transport), call, None) for call in _AWAITED_CALLS)
    if any(inspect.iscoroutinefunction(call) for call in calls):
        return True
    return None


def _refuse_unused(given: dict[str, bool], instead_of: str, what_to_do: str) -> None:
    """A ValueError naming the options given that ``instead_of`` makes useless: a caller who adds TLS roots
    beside a plaintext channel of their own would otherwise believe the connection uses TLS."""
    unused = [name for name, is_given in given.items() if is_given]
    if unused:
        one = len(unused) == 1
        raise ValueError(
            f"{', '.join(unused)} {'has' if one else 'have'} no effect with {instead_of}: "
            f"{what_to_do.format(them='it' if one else 'them')} (client_certificate may stay, for mutual TLS), "
            f"or give target instead of {instead_of}"
        )


def _channel_options(grpc_options: Sequence[tuple[str, object]]) -> dict[str, object]:
    """The defaults with the caller's options merged over them, one value per key.

    gRPC keeps the first value it is given for a key, so appending the caller's options
    after the defaults would silently ignore every one the defaults already set.
    """
    options = dict(_DEFAULT_GRPC_OPTIONS)
    options.update(grpc_options)
    return options


def _check_arguments(
    identity, signer, hash, client_certificate, server_name_override, timeouts, retry,
) -> tuple[SigningIdentity, bytes]:  # fmt: skip
    """The signing identity and the TLS certificate hash, and the other arguments checked, before any channel
    opens: a bad argument then leaves no channel behind, and is named now rather than at the first call."""
    tls_hash = b""
    if client_certificate is not None:
        tls_hash = _certificate_hash(_read(client_certificate, "client_certificate"),
                                     _where("client_certificate", client_certificate))
    _check_server_name_override(server_name_override)
    if timeouts is not None and not isinstance(timeouts, Timeouts):
        raise TypeError(f"timeouts must be a Timeouts or None (the defaults), not {type(timeouts).__name__} "
                        f"{timeouts!r:.80}: give e.g. timeouts=Timeouts(evaluate=10, endorse=30)")
    check_retry(retry)
    _check_kinds(identity, signer)
    _check_identity(identity, signer)
    return SigningIdentity(identity, signer, hash), tls_hash


_PRIVATE_KEY_KINDS = (ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, rsa.RSAPrivateKey)


def _check_kinds(identity, signer) -> None:
    """A TypeError naming what to give for an identity that is no Identity or a signer that cannot be called,
    before any channel opens: a key given as the signer was taken, and the first call failed deep inside with
    "'bytes' object is not callable"; load_msp_folder's pair given as the identity with an AttributeError."""
    if not isinstance(identity, Identity):
        how = ("a tuple: load_msp_folder gives the identity and its signer, to unpack, identity, signer = "
               "load_msp_folder(path, msp_id)" if isinstance(identity, tuple) else
               f"{type(identity).__name__}: make one, Identity.from_pem(msp_id, certificate_pem) or "
               "Identity.from_certificate_file(msp_id, path)")
        raise TypeError(f"identity must be an Identity (an MSP ID and its certificate), not {how}")
    if signer is None or callable(signer):
        return
    kinds = [kind.__name__ for kind in _PRIVATE_KEY_KINDS if isinstance(signer, kind)]
    given = f"a private key ({kinds[0]})" if kinds else type(signer).__name__   # the key itself is not shown
    raise TypeError(f"signer must be a function from a digest to its signature, not {given}: give "
                    "private_key_signer(key) for a private key, signer_from_pem(private_key_pem) for a PEM one, "
                    "or None to sign elsewhere")


def _check_server_name_override(server_name_override) -> None:
    """A TypeError for a server_name_override that is not a str, a ValueError for a blank one, before any
    channel opens: an empty string was set aside without a word (the peer's certificate then checked against
    the target's host), and gRPC opens a channel with bytes or a number as the name all the same."""
    if server_name_override is None:
        return
    name, example = server_name_override, 'e.g. server_name_override="peer0.org1.example.com"'
    if not isinstance(name, str):
        raise TypeError(f"server_name_override must be a str or None, not {type(name).__name__} "
                        f"{name!r:.80}: give the host name in the peer's TLS certificate as text, {example}")
    if not name.strip():
        raise ValueError(f"server_name_override is blank ({name!r:.20}), so the peer's TLS certificate would "
                         f"be checked against the target's host instead: give the name in the certificate, "
                         f"{example}, or leave the option out (None) to check the target's host")


def _check_identity(identity: Identity, signer: Signer | None) -> None:
    """A ValueError for an identity no peer would take: a certificate that has expired or holds a key no peer
    verifies signatures with, or a signer made by private_key_signer over a key other than the certificate's.
    A peer answers each request of the last two with a bare "access denied" (the cause only in its own log),
    which reads as a missing permission, and of the first with "proposal client identity expired": refused
    here, none of the three gets as far as a request."""
    certificate = identity.certificate
    whose = f"{certificate.subject.rfc4514_string()}, MSP {identity.msp_id}"
    expired = expired_certificate(identity, datetime.now(timezone.utc))
    if expired:
        raise ValueError(expired)
    public_key = certificate.public_key()
    if not _verified_by_peers(public_key):
        raise ValueError(
            f"the identity's certificate ({whose}) holds {_key_kind(public_key)}, with which no Fabric peer "
            "checks a signature (they take ECDSA keys on P-224, P-256, P-384 or P-521, and Ed25519 keys): "
            "issue the user a certificate for an ECDSA P-256 key (as cryptogen and fabric-ca do by default)"
        )
    signing_key = signer_public_key(signer)
    if signing_key is not None and public_key_bytes(signing_key) != public_key_bytes(certificate.public_key()):
        later = later_certificate_of(identity, same_public_key(public_key_bytes(signing_key)))
        if later is not None:
            position, count, subject = later
            raise ValueError(
                f"the identity's PEM holds {count} certificates, and peers take the first ({whose}) as the "
                f"identity; the signer's key is that of certificate {position} ({subject}): put the identity's own "
                "certificate first (a chain's CA certificates after it), or give it alone"
            )
        raise ValueError(
            f"signer signs with a key other than the identity's (its public key is not the one in the "
            f"certificate of {whose}), so every peer would refuse its signatures: give the signer of the "
            "certificate's own private key (load_msp_folder picks it from keystore/), or the certificate "
            "issued for the key you sign with"
        )


def _verified_by_peers(public_key) -> bool:
    """Whether a Fabric peer's MSP can verify signatures of this key: Go's x509 parses ECDSA keys on the NIST
    curves only, and its bccsp imports ECDSA and Ed25519 keys, no RSA one (since Fabric 2.0)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return public_key.curve.name in VERIFIED_CURVE_ORDERS
    return isinstance(public_key, ed25519.Ed25519PublicKey)


def _key_kind(public_key) -> str:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"an ECDSA key on the curve {public_key.curve.name}"
    if isinstance(public_key, rsa.RSAPublicKey):
        return f"an RSA key ({public_key.key_size} bits)"
    return f"a key of the kind {type(public_key).__name__}"


def _refuse_without_running_loop() -> None:
    """A RuntimeError when no event loop runs and none is set for this thread (or the one set is closed): a
    ``grpc.aio`` channel belongs to the loop current when it is opened, so one opened there would belong to a
    loop of its own, and its first call, awaited in the loop that uses the gateway, fail with asyncio's
    "attached to a different loop". A loop set and not yet running (``loop.run_until_complete``,
    ``asyncio.Runner``) is the one the channel then works in."""
    loop = current_loop()
    if loop is None or loop.is_closed():
        raise RuntimeError(
            "connect_async() was called with no event loop running or set for this thread: call it inside the "
            "loop that will use the gateway (in an async function, e.g. `async with connect_async(...) as "
            "gateway:`), or after asyncio.set_event_loop(loop) of the loop that will run it; or use connect()"
        )


def _context(transport, signing, tls_hash, timeouts, models, target) -> Context:
    address = target or getattr(transport, "address", "") or ""
    return Context(transport, signing, timeouts or Timeouts(), tls_hash, models, peer_address=address)


class _GatewayBase:
    def __init__(self, context: Context, retry: RetryPolicy | None = None) -> None:
        self._context = context
        self._retry = retry

    @property
    def identity(self) -> Identity:
        return self._context.signing.identity

    def get_network(self, channel: str) -> Network:
        """The channel ``channel`` (an AsyncNetwork from an AsyncGateway)."""
        check_name(channel, "channel", CHANNEL_NAME)
        return self._models.network(self._context, channel, self._retry)

    # Offline signing: rebuild from bytes, with or without a signature. An unsigned
    # object is signed by this Gateway's signer when sent, if it has one. Annotated with
    # the sync classes, as get_network is: an AsyncGateway returns their async twins.

    def new_proposal(self, proposal_bytes: bytes) -> Proposal:
        """A Proposal from ``Proposal.bytes``, unsigned (this Gateway's signer signs it, if it has one)."""
        return self._models.proposal._rebuild(self._context, proposal_bytes)

    def new_signed_proposal(self, proposal_bytes: bytes, signature: bytes) -> Proposal:
        """A Proposal from ``Proposal.bytes`` and the signature of its ``digest``."""
        return self._models.proposal._rebuild(self._context, proposal_bytes, signature)

    def new_transaction(self, transaction_bytes: bytes) -> Transaction:
        return self._models.transaction._rebuild(self._context, transaction_bytes)

    def new_signed_transaction(self, transaction_bytes: bytes, signature: bytes) -> Transaction:
        """A Transaction from ``Transaction.bytes`` and the signature of its ``digest``."""
        return self._models.transaction._rebuild(self._context, transaction_bytes, signature)

    def new_commit(self, commit_bytes: bytes) -> Commit:
        return self._models.commit._rebuild(self._context, commit_bytes)

    def new_signed_commit(self, commit_bytes: bytes, signature: bytes) -> Commit:
        """A Commit from ``Commit.bytes`` and the signature of its ``digest``."""
        return self._models.commit._rebuild(self._context, commit_bytes, signature)

    def new_chaincode_events_request(self, request_bytes: bytes) -> ChaincodeEventsRequest:
        return self._models.chaincode_events_request._rebuild(self._context, request_bytes)

    def new_signed_chaincode_events_request(self, request_bytes: bytes, signature: bytes) -> ChaincodeEventsRequest:
        return self._models.chaincode_events_request._rebuild(self._context, request_bytes, signature)

    def new_block_events_request(self, request_bytes: bytes, kind: str) -> BlockEventsRequest:
        """A BlockEventsRequest from ``BlockEventsRequest.bytes``, unsigned (this Gateway's signer signs it when
        its stream opens, if it has one). ``kind`` must be the request's ``kind``, as for
        ``new_signed_block_events_request``. It is sent with the time it was built, which the peer's Deliver
        service checks against its time window (15 minutes by default): open it within that.
        """
        return self._models.block_events_request._rebuild(self._context, request_bytes, kind=kind)

    def new_signed_block_events_request(self, request_bytes: bytes, signature: bytes, kind: str) -> BlockEventsRequest:
        """A BlockEventsRequest from ``BlockEventsRequest.bytes`` and the signature of its ``digest``.

        ``kind`` must be the request's ``kind`` (``"block"``, ``"filtered"`` or ``"private"``): the bytes are
        the signed envelope only, which says where to start but not which Deliver service to ask, so a
        default would turn a filtered request into a stream of full blocks without a word.
        """
        return self._models.block_events_request._rebuild(self._context, request_bytes, signature, kind=kind)

    @property
    def _models(self) -> Models:
        return self._context.models


class Gateway(_GatewayBase):
    """A connection to a Gateway peer for one identity. Use as a context manager, or call close().

    ``get_network(channel)`` is where transactions start. The ``new_*``
    methods rebuild requests from bytes and a signature obtained elsewhere
    (offline signing): each is the bottom layer of the normal flow, and the
    objects they return behave exactly like the ones the flow creates.
    """

    def close(self) -> None:
        """Close the gRPC channel if connect() opened it."""
        refuse_awaitable(self._context.transport.close())

    def __enter__(self) -> "Gateway":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class AsyncGateway(_GatewayBase):
    """The async twin of :class:`Gateway`; use ``async with`` or ``await close()``."""

    async def close(self) -> None:
        closed = self._context.transport.close()
        # A sync transport's close has already run: its None is not awaited, so that the error of its first
        # call (a ValueError naming connect()) is not hidden under ``async with`` by a TypeError here.
        if inspect.isawaitable(closed):
            await closed

    async def __aenter__(self) -> "AsyncGateway":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()


def _pem_options(*given: object) -> tuple[bytes | str | Path | None, ...]:
    """tls_root_certificates, client_certificate and client_key as the rest of connect reads them: None, PEM bytes
    (a bytearray or memoryview made bytes, as Identity takes its PEM), text, or a path. Anything else is a TypeError
    naming the option (Path() said only "expected str, bytes or os.PathLike object"), and an empty path a ValueError
    (Path("") is the working folder, "cannot be read (Is a directory)")."""
    options = ("tls_root_certificates", "client_certificate", "client_key")
    made = []
    for option, value in zip(options, given):
        if isinstance(value, (bytearray, memoryview)):
            value = bytes(value)
        elif value is not None and not isinstance(value, (bytes, str, os.PathLike)):
            raise TypeError(f"{option} must be the PEM itself (bytes, or text holding its -----BEGIN line) or the "
                            f"path of its file (str or pathlib.Path), not {type(value).__name__}")
        elif isinstance(value, (str, os.PathLike)) and not _is_pem(value) and not os.fspath(value).strip():
            raise ValueError(f"{option} is an empty path: give the path of its PEM file, or the PEM itself (bytes, "
                             "or text holding its -----BEGIN line), or leave it out (None)")
        made.append(value)
    return tuple(made)


def _read(value: bytes | str | Path, option: str) -> bytes:
    """The PEM given as ``option``: the bytes or text itself, or the bytes of the file it names.

    A file that cannot be read raises the OSError of its kind (FileNotFoundError, IsADirectoryError...) naming the
    option, the path and what to give, where open's own error names only a path (a whole PEM text, at times)."""
    if _is_pem(value):
        return value if isinstance(value, bytes) else value.encode()
    try:
        return Path(value).read_bytes()
    except OSError as error:
        refused = type(error)(_unreadable(option, value, error.strerror or str(error)))
        refused.errno = error.errno  # for callers that read it; with no strerror set, str() is the message above
        raise refused from None


def _unreadable(option: str, value: str | Path, reason: str) -> str:
    give = "give the path of a PEM file, or the PEM itself (bytes, or text holding its -----BEGIN line)"
    if "\n" in str(value):
        # text of several lines is no path someone typed but PEM without its BEGIN line (a key's body, maybe): unshown
        return (f"{option} is text of several lines with no -----BEGIN line, so it was taken as a file path, and "
                f"cannot be read as one ({reason}): {give}")
    return f"{_where(option, value)} cannot be read ({reason}): {give}"


def _is_pem(value: bytes | str | Path) -> bool:
    """Whether a PEM option was given as the PEM itself, not a path: bytes, or text holding a BEGIN line anywhere,
    as a CA bundle has after the name or comment lines before its first certificate (no path holds one)."""
    return isinstance(value, bytes) or isinstance(value, str) and "-----BEGIN" in value


def _where(option: str, value: bytes | str | Path) -> str:
    """The option as errors name it: with the path of its file, when it was given one."""
    return option if _is_pem(value) else f"{option} file {value}"


def _certificate_hash(pem: bytes, where: str) -> bytes:
    """SHA-256 of the client TLS certificate (DER), which Fabric binds into Deliver requests (``where``: the
    option, and its file, as errors name it)."""
    return sha256(_client_certificate(pem, where).public_bytes(serialization.Encoding.DER)).digest()


def _client_certificate(pem: bytes, where: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError as error:
        raise ValueError(
            f"{where} is not a PEM X.509 certificate ({error}): give the client's TLS certificate "
            "(PEM bytes or text, or a file path); its key goes in client_key"
        ) from None


# A line outside the PEM blocks that reads as part of a block, not as the text CA files carry between them (names,
# comments, openssl's fields and attributes, all with spaces or punctuation): a BEGIN or END line without its
# partner, or a line of 16 or more base64 characters alone, as a block's body is written.
_BROKEN_BLOCK_LINE = re.compile(rb"-----(?:BEGIN|END)|\A[A-Za-z0-9+/]{16,}={0,2}\Z")


_WHAT_TO_GIVE = "give a file of the network's TLS CA certificates only (such as its tlsca/*.pem)"


def _tls_roots(value: bytes | str | Path) -> bytes:
    """The TLS roots given (PEM bytes or text, or a file path) as gRPC is to read them, each of their PEM blocks a
    certificate that parses; otherwise a ValueError naming the file (where one was given), the block and what to
    give instead.

    gRPC takes any bytes: a file that holds no certificate fails every call as UNAVAILABLE, like a peer that is
    down, and what else a file holds (a key, a CRL, a block cut short) is trusted or passed over unsaid. Text
    between the blocks is taken, as gRPC reads past it: CA bundles name each CA so (``#`` lines, curl's names
    underlined with ``=``), ``openssl x509 -text`` writes the certificate's fields before it and ``openssl pkcs12``
    its bag attributes, and NULs or Ctrl-Z after the blocks are an editor's or a copy's padding. Only text that
    reads as part of a block is refused (see _BROKEN_BLOCK_LINE), and a byte order mark, before which gRPC finds no
    first block. Nothing of a refused block is shown: it may be secret.

    OpenSSL's TRUSTED CERTIFICATE blocks (``openssl x509 -trustout``, some distributions' trust bundles) are taken
    when their trust settings leave the certificate trusted for server authentication, and handed to gRPC as plain
    CERTIFICATE blocks, every other byte as given: gRPC reads such a block, settings and all, and fails each call as
    UNAVAILABLE on settings it cannot read or that reject serverAuth. A block whose settings trust it for other
    purposes only is refused as well, though gRPC's BoringSSL would trust a self-signed one for peers: whoever wrote
    the settings meant it not to be.
    """
    pem = _read(value, "tls_root_certificates")
    where = _where("tls_root_certificates", value)
    if pem.startswith(UTF8_BOM):
        raise ValueError(f"{where} begins with a UTF-8 byte order mark, which hides its first certificate from gRPC "
                         f"(it reads a block only from the start of a line): save the file without it (as plain UTF-8 "
                         f"or ASCII), and {_WHAT_TO_GIVE}")
    certificates, plain = 0, []  # plain: (start, end, CERTIFICATE block) for each TRUSTED CERTIFICATE block
    line, counted_to = 1, 0      # each block's line counted on from the last one's, not from the file's start
    for number, block in enumerate(PEM_BLOCKS.finditer(pem), start=1):
        label = block.group(1).decode("ascii", "replace")
        line, counted_to = line + pem.count(b"\n", counted_to, block.start()), block.start()
        at = f"block {number}, line {line}"
        if "PRIVATE KEY" in label:
            raise ValueError(
                f"{where} holds a private key ({label!r}, {at}): a roots file is trusted, not kept secret, so the "
                "key may have gone wherever the file went. Take the key out (and replace it, if others could read "
                f"the file), and {_WHAT_TO_GIVE}"
            )
        if label == TRUSTED_CERTIFICATE_LABEL:
            plain.append((block.start(), block.end(), _server_root(block.group(0), where, f"{label!r}, {at}")))
            certificates += 1
            continue
        if label not in CERTIFICATE_LABELS:
            raise ValueError(f"{where} holds a PEM block that is not a certificate ({label!r}, {at}): {_WHAT_TO_GIVE}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # CryptographyDeprecationWarning for a malformed one gRPC still takes
                x509.load_pem_x509_certificate(block.group(0))
        except ValueError as error:
            raise ValueError(
                f"{where} holds a certificate that does not parse ({at}: {error}): {_WHAT_TO_GIVE}"
            ) from None
        certificates += 1
    for number, line in enumerate(PEM_BLOCKS.sub(lambda block: b"\n" * block.group(0).count(b"\n"),
                                                 pem).splitlines(), start=1):
        if _BROKEN_BLOCK_LINE.search(line.strip(PADDING)):
            raise ValueError(
                f"{where} holds part of a PEM block outside its blocks (line {number}: a -----BEGIN or -----END line "
                "without its partner, or a line of base64; a block cut short or ended under another label's END "
                f"line reads so): {_WHAT_TO_GIVE}"
            )
    if not certificates:
        raise ValueError(
            f"{where} are not PEM X.509 certificates (no -----BEGIN CERTIFICATE----- block): {_WHAT_TO_GIVE}"
        )
    if not plain:
        return pem
    # joined once, not the file rebuilt for each block: that copies the whole file as many times as it has blocks
    pieces, taken_to = [], 0
    for start, end, certificate in plain:
        pieces += [pem[taken_to:start], certificate]
        taken_to = end
    return b"".join([*pieces, pem[taken_to:]])


def _server_root(block: bytes, where: str, at: str) -> bytes:
    """The CERTIFICATE block of a TRUSTED CERTIFICATE block trusted to authenticate TLS servers; a ValueError
    naming the block (``at``: its label, number and line) when it is malformed or its trust settings say no."""
    try:
        trusted = read_trusted_certificate(block)
    except ValueError as error:
        raise ValueError(f"{where} holds a trusted certificate that does not parse ({at}: {error}): {_WHAT_TO_GIVE}"
                         ) from None
    refusal = trusted.refusal_for_server_authentication()
    if refusal:
        raise ValueError(
            f"{where} holds a certificate not trusted for server authentication ({at}: {refusal}): its settings "
            "forbid it to vouch for a peer's TLS certificate. If it is the peers' TLS CA, write it as a plain "
            "certificate (`openssl x509 -in that-block.pem -out tlsca.pem` leaves its trust settings out), or "
            f"take it out; and {_WHAT_TO_GIVE}"
        )
    return certificate_block(trusted.certificate_der)


def _check_client_key(pem: bytes, certificate_pem: bytes, key_where: str, certificate_where: str) -> None:
    """A ValueError naming client_key (and its file: ``key_where``) when it is not an unencrypted PEM private key,
    or not the key of client_certificate (``certificate_where``): gRPC would take it and fail every call as
    UNAVAILABLE, like a peer that is down."""
    if is_encrypted_key(pem):
        raise ValueError(f"{key_where} is an encrypted private key, and gRPC takes no key password: give it "
                         "decrypted (`openssl pkey -in key.pem -out key.plain.pem` asks for the password)")
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ValueError(
            f"{key_where} is not a PEM private key ({error}): give the private key of client_certificate "
            "(PEM bytes or text, or a file path)"
        ) from None
    certificate = _client_certificate(certificate_pem, certificate_where)
    if public_key_bytes(key.public_key()) != public_key_bytes(certificate.public_key()):
        raise ValueError(f"{key_where} is not the key of {certificate_where} (their public keys differ): give the "
                         f"private key client_certificate was issued for "
                         f"({certificate.subject.rfc4514_string() or 'a certificate with an empty subject'})")


def _open_channel(grpc_module, target, *, insecure, root, certificate, key, server_name_override,
                  options: dict[str, object]) -> grpc.Channel:
    if server_name_override:
        options["grpc.ssl_target_name_override"] = server_name_override
        options["grpc.default_authority"] = server_name_override
    options = list(options.items())
    if insecure:
        # Each only shapes the TLS handshake, which a plain-text channel never makes.
        if root is not None or certificate is not None or key is not None or server_name_override:
            raise ValueError(
                "insecure=True cannot be combined with TLS certificates, a client key or a TLS server name: "
                "leave out tls_root_certificates, client_certificate, client_key and server_name_override, "
                "or leave out insecure to use TLS"
            )
        return _new_channel(grpc_module, grpc_module.insecure_channel, target, options=options)
    if (certificate is None) != (key is None):
        given = _where("client_certificate", certificate) if key is None else _where("client_key", key)
        missing = "client_key, its private key" if key is None else "client_certificate, the certificate of that key"
        raise ValueError(f"mutual TLS needs both client_certificate and client_key: {given} was given alone; give "
                         f"{missing}, or leave both out for TLS without a client certificate")
    root = _tls_roots(root) if root is not None else roots_left_out()
    for given, option in ((certificate, "client_certificate"), (key, "client_key")):
        if given is not None and _read(given, option).startswith(UTF8_BOM):
            # gRPC reads a PEM block only from the start of a line, and finds none after the mark
            raise ValueError(f"{_where(option, given)} begins with a UTF-8 byte order mark, which hides its PEM "
                             f"block from gRPC (every call would fail as UNAVAILABLE, like a peer that is down): "
                             f"save the file without it, as plain UTF-8 or ASCII")
    wheres = (_where("client_key", key), _where("client_certificate", certificate)) if key is not None else None
    certificate, key = (_read(pem, option) if pem is not None else None
                        for pem, option in ((certificate, "client_certificate"), (key, "client_key")))
    # Checked here: gRPC takes any bytes, and a wrong one fails each call as UNAVAILABLE "Failed to create
    # security handshaker", which reads as a peer that is down.
    if key is not None:
        _check_client_key(key, certificate, *wheres)
    credentials = grpc.ssl_channel_credentials(root_certificates=root, private_key=key, certificate_chain=certificate)
    return _new_channel(grpc_module, grpc_module.secure_channel, target, credentials, options=options)


def _new_channel(grpc_module, open_channel, *arguments, **options):
    """The channel ``open_channel`` opens, once every argument is checked; a ``grpc.aio`` one only with an event
    loop running or set for this thread, to which it then belongs (``_refuse_without_running_loop``)."""
    if grpc_module is grpc.aio:
        _refuse_without_running_loop()
    return open_channel(*arguments, **options)
