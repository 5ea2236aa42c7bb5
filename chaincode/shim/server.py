"""The chaincode-as-a-service gRPC server: the peer dials it and calls Connect.

``python -m chaincode --contract chaincode.receivables:ReceivablesContract``
reads the package ID from ``CHAINCODE_ID``, the listen address from
``CHAINCODE_SERVER_ADDRESS`` and, for TLS, PEM file paths from
``CHAINCODE_TLS_CERT``, ``CHAINCODE_TLS_KEY`` and ``CHAINCODE_TLS_CLIENT_CA``
(mutual TLS when the last is set; a client CA without the other two is refused, since
it would otherwise serve plaintext). ``CHAINCODE_TLS_CLIENT_NAMES`` (comma-separated subject
common names, e.g. ``peer-client.receivables.bank.recfin.local``) narrows the clients further:
a stream from a certificate of any other CN is refused with PERMISSION_DENIED. Without it every
certificate the client CA issued is accepted (a user's, another node's), and the server says so
in a warning as it starts. SIGTERM and SIGINT stop it gracefully: new transactions are refused,
running ones finish, and each peer's stream ends once nothing runs on it (SHUTDOWN_GRACE_SECONDS at most:
those still running then are cancelled and answered with status 500 saying the server stopped; one whose
contract code swallows the cancellation is named in an error and left behind, and the process exits).
``--peer-reply-timeout SECONDS`` (or ``CHAINCODE_PEER_REPLY_TIMEOUT``) bounds the wait for the peer's
answer to each request a transaction sends (60 s by default); one unanswered fails its transaction.
``--operations-address HOST:PORT`` (or ``CHAINCODE_OPERATIONS_ADDRESS``) also serves
``/healthz`` and ``/metrics`` there, over HTTPS with ``--operations-tls-cert``, ``-key`` and
``-client-ca`` (chaincode.shim.operations).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import importlib
import logging
import os
import signal
import socket
import weakref
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING

import grpc
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2, chaincode_shim_pb2_grpc

from ._execution import exits_as_failure
from ._handler import (CANCELLED_TRANSACTION_WAIT_SECONDS, DEFAULT_PEER_REPLY_TIMEOUT, MAX_MESSAGE_BYTES,
                       STOPPING_REASON, MalformedMessage, StreamHandler, read_peer_message)
from .operations import ChaincodeMetrics, OperationsServer, OperationsTLS, parse_address, server_tls_context

if TYPE_CHECKING:
    from chaincode.contract import Contract, ContractRouter

logger = logging.getLogger(__name__)

# How many started servers rely on the exits_as_failure task factory each of them installed or found installed by
# another: stopping one of two servers on a loop must leave the other's SystemExit guard in place.
_exit_guard_users: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, int] = weakref.WeakKeyDictionary()

SHUTDOWN_GRACE_SECONDS = 5.0
_SERVICE_NAME = "protos.Chaincode"   # Fabric's chaincode_shim.proto: the service the peer dials
# The largest message gRPC reads from a peer. Those over MAX_MESSAGE_BYTES, up to this, are read so that the
# stream's handler can refuse each alone, naming its size; gRPC ends the stream on a larger one (with every
# transaction on it), as it did on any over MAX_MESSAGE_BYTES. The bound is memory: a message is held whole before
# it can be refused, its bytes several times over (a 150 MiB TRANSACTION took the server from 55 MB to 520 MB at
# its peak), on each stream at once; at 2 GiB, one misconfigured peer could take the process past its memory
# limit, and every peer's stream with it.
RECEIVE_CEILING_BYTES = 2 * MAX_MESSAGE_BYTES
# Seconds a stop gives, once its grace is over, for the status-500 answers of the transactions it cut short to
# go out and their streams to end, before gRPC cancels whatever is left.
CUT_ANSWER_SECONDS = 1.0
# The peer dials a chaincode server with Fabric's default client keepalive: an HTTP/2 ping
# after every minute without traffic, on an idle stream too (internal/pkg/comm
# DefaultKeepaliveOptions, PermitWithoutStream). gRPC's C core allows one such ping per five
# minutes and answers more with GOAWAY "too_many_pings", which drops the chaincode's
# registration on the peer after a few quiet minutes. Accept them, as fabric-chaincode-go's
# server does (EnforcementPolicy PermitWithoutStream), with half the peer's interval as the floor
# so that a ping arriving a moment early by the server's clock never counts as a strike.
PEER_PING_MIN_INTERVAL_MS = 30_000
# The server pings each peer after a minute without traffic and drops the connection when no answer
# comes within 20 s, the settings of Fabric's Java chaincode server: a peer whose host crashed or was cut
# off sends no FIN, and without the ping its stream, and every transaction on it waiting for a reply,
# would be held open for good.
SERVER_PING_INTERVAL_MS = 60_000
SERVER_PING_TIMEOUT_MS = 20_000
# The log levels --log-level and CHAINCODE_LOG_LEVEL name (any case; logging's other names, WARN, FATAL
# and NOTSET, are taken too).
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The subject common names of the client certificates the server accepts (comma-separated).
CLIENT_NAMES_ENV = "CHAINCODE_TLS_CLIENT_NAMES"
# Seconds a transaction's request waits for the peer's reply (--peer-reply-timeout).
PEER_REPLY_TIMEOUT_ENV = "CHAINCODE_PEER_REPLY_TIMEOUT"
_PEER_REPLY_TIMEOUT_ADVICE = (f"give a positive number of seconds, e.g. {DEFAULT_PEER_REPLY_TIMEOUT:g} (the "
                              f"default), longer than the peer's chaincode.executetimeout")


def _grpc_options() -> list[tuple[str, int]]:
    return [
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        # gRPC ending the whole stream on a message over MAX_MESSAGE_BYTES, the server would log only that the
        # peer disconnected; read, the handler refuses it alone, saying how large it was (StreamHandler.run), up
        # to a ceiling that bounds the memory a peer can make the server hold
        ("grpc.max_receive_message_length", RECEIVE_CEILING_BYTES),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_ping_interval_without_data_ms", PEER_PING_MIN_INTERVAL_MS),
        ("grpc.keepalive_time_ms", SERVER_PING_INTERVAL_MS),
        ("grpc.keepalive_timeout_ms", SERVER_PING_TIMEOUT_MS),
        # the limit gRPC applies to every unanswered ping: its own (one minute) would otherwise stand
        ("grpc.http2.ping_timeout_ms", SERVER_PING_TIMEOUT_MS),
        # every interval, also on a stream quiet for long: gRPC's default stops after two pings without data
        ("grpc.http2.max_pings_without_data", 0),
        # gRPC binds with SO_REUSEPORT by default on Linux: a second server (an old one not yet
        # stopped) on the same port would start without error and share the peer's connections.
        ("grpc.so_reuseport", 0),
    ]


def check_package_id(package_id: str, what: str = "chaincode package ID") -> None:
    """Refuse a package ID that is not LABEL:HASH (the chaincode's name, or its label alone, say): a peer
    takes a registration under no other name than the package ID it installed, and says nothing to the
    chaincode; the server would sit unregistered, and each invocation wait out the peer's launch timeout."""
    label, colon, package_hash = package_id.partition(":")
    if not (label and colon and package_hash):
        raise ValueError(f"{what} {package_id!r} is not a package ID (LABEL:HASH): give the ID the peers "
                         f"installed the package under, as `peer lifecycle chaincode queryinstalled` lists "
                         f"it; a peer ignores a chaincode server that registers under any other")
    # Fabric's labels are letters, digits and _.+- and its hashes hex: such a character can only be a stray
    if any(character.isspace() or not character.isprintable() for character in package_id):
        raise ValueError(f"{what} {package_id!r} holds whitespace or a control character, which no package ID "
                         f"does: remove it (a line end left by a file written on Windows, or a space copied "
                         f"with the ID); a peer ignores a chaincode server that registers under any other ID "
                         f"than the one it installed")


def check_server_address(address: str, what: str = "chaincode server address") -> None:
    """Refuse a listen address gRPC would misread, with a ValueError saying how to write it: not HOST:PORT, a
    port outside 0-65535 (gRPC takes 70000 as 4464 without a word), or an IPv6 address without brackets, which
    gRPC reads whole as the address, with port 443 (then fails to bind, as if the port were taken)."""
    host, port = parse_address(address, what, "0.0.0.0:9999")
    if ":" in host and not address.startswith("["):
        raise ValueError(f"{what} {address!r}: an IPv6 address needs brackets: write [ADDRESS]:PORT, e.g. "
                         f"[::1]:{port}, or [::]:{port} for every address")


def check_peer_reply_timeout(seconds: float, what: str = "peer reply timeout") -> None:
    """Refuse a reply deadline that is no positive, finite number of seconds: zero or less would fail
    every request at once, and infinity or NaN would bring back the endless wait it is there to stop."""
    if not (isinstance(seconds, (int, float)) and 0 < seconds < float("inf")):
        raise ValueError(f"{what} {seconds!r}: {_PEER_REPLY_TIMEOUT_ADVICE}")


def parse_client_names(text: str | None) -> frozenset[str]:
    """The names of CHAINCODE_TLS_CLIENT_NAMES: comma-separated, blanks around them ignored."""
    return frozenset(name.strip() for name in (text or "").split(",") if name.strip())


def _client_common_name(context) -> str | None:
    """The subject CN of the client certificate the stream's TLS handshake verified, if any."""
    names = (context.auth_context() or {}).get("x509_common_name") or []
    return names[0].decode("utf-8", "replace") if names else None


class _ChaincodeService(chaincode_shim_pb2_grpc.ChaincodeServicer):
    def __init__(self, router: ContractRouter, package_id: str, metrics: ChaincodeMetrics,
                 client_names: frozenset[str] = frozenset(),
                 peer_reply_timeout: float = DEFAULT_PEER_REPLY_TIMEOUT) -> None:
        self._router = router
        self._peer_reply_timeout = peer_reply_timeout
        self._package_id = package_id
        self._metrics = metrics
        self._client_names = client_names
        self._streams: set[StreamHandler] = set()   # one per connected peer
        self._stopping = False
        self._all_streams_ended = asyncio.Event()   # set once stopping and no stream is left

    def drain(self) -> None:
        """Have every stream refuse new transactions and end once its running ones have finished,
        and refuse new streams."""
        self._stopping = True
        for handler in list(self._streams):
            handler.drain()
        self._note_if_all_streams_ended()

    async def wait_until_drained(self) -> None:
        """Return once every stream has ended after ``drain``, however long its transactions run."""
        await self._all_streams_ended.wait()

    def cut_running(self, reason: str) -> None:
        """Answer every transaction still running, on every stream, with a status-500 COMPLETED saying
        ``reason``, cancelling it (StreamHandler.cut_running)."""
        for handler in list(self._streams):
            handler.cut_running(reason)

    def _note_if_all_streams_ended(self) -> None:
        if self._stopping and not self._streams:
            self._all_streams_ended.set()

    async def Connect(self, request_iterator, context):  # noqa: N802 - the gRPC method name
        peer = context.peer()
        if self._client_names:
            name = _client_common_name(context)
            if name not in self._client_names:
                logger.warning("refused %s: its client certificate's CN %r is not in %s (%s)", peer, name,
                               CLIENT_NAMES_ENV, ", ".join(sorted(self._client_names)))
                await context.abort(grpc.StatusCode.PERMISSION_DENIED,
                                    f"client certificate CN {name!r} is not a client this chaincode server accepts")
        if self._stopping:   # a call gRPC took in just before the server stopped taking them
            await context.abort(grpc.StatusCode.UNAVAILABLE, STOPPING_REASON)
        logger.info("peer %s connected", peer)
        handler = StreamHandler(self._router.invoke, self._package_id, context.read, context.write,
                                self._metrics, self._peer_reply_timeout, peer=peer)
        self._streams.add(handler)
        malformed = False
        try:
            await handler.run()
        except MalformedMessage as exc:   # logged by the handler
            malformed = True
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        finally:
            self._streams.discard(handler)
            self._note_if_all_streams_ended()
            # here: also when gRPC cancels the call (the peer gone, the end of a stop's grace)
            if self._stopping or malformed:
                logger.info("peer %s disconnected", peer)
            else:
                # A message over gRPC's receive limit ends the stream as the peer's close or a lost connection
                # does: the read returns EOF, or the call is cancelled, and gRPC tells the server nothing more. It
                # is named as a possible cause, with the ceiling, since it is the one the server's settings decide.
                logger.info("peer %s disconnected (gRPC ends a stream too on a message from the peer over the "
                            "server's %d-byte receive ceiling, RECEIVE_CEILING_BYTES, answering the peer "
                            "RESOURCE_EXHAUSTED with its size)", peer, RECEIVE_CEILING_BYTES)


def _add_chaincode_service(service: _ChaincodeService, server: grpc.aio.Server) -> None:
    """chaincode_shim_pb2_grpc.add_ChaincodeServicer_to_server, with read_peer_message deserializing what the peer
    sends, so that the handler learns a message's size from the wire."""
    handlers = {"Connect": grpc.stream_stream_rpc_method_handler(
        service.Connect, request_deserializer=read_peer_message,
        response_serializer=shim_pb2.ChaincodeMessage.SerializeToString)}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(_SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(_SERVICE_NAME, handlers)


class ChaincodeServer:
    """Serves the contracts to every peer that connects. ``start`` returns the bound port.

    With ``operations_address`` it also serves ``/healthz`` and ``/metrics`` there (over HTTPS
    with ``operations_tls``); ``operations_port`` is then the bound port. ``peer_reply_timeout``
    is how many seconds a transaction's request waits for the peer's reply before it fails.
    """

    def __init__(
        self,
        contracts: Sequence[Contract] | ContractRouter,
        address: str,
        package_id: str,
        *,
        tls_cert: bytes | None = None,
        tls_key: bytes | None = None,
        client_ca: bytes | None = None,
        client_names: Sequence[str] = (),
        operations_address: str | None = None,
        operations_tls: OperationsTLS | None = None,
        peer_reply_timeout: float = DEFAULT_PEER_REPLY_TIMEOUT,
    ) -> None:
        from chaincode.contract import ContractRouter  # here: chaincode.contract imports this package

        if not package_id:
            raise ValueError("the chaincode package ID is required (CHAINCODE_ID)")
        check_package_id(package_id)
        if bool(tls_cert) != bool(tls_key):
            raise ValueError("TLS needs both a certificate and a key")
        if client_ca and not tls_cert:
            raise ValueError("a client CA needs TLS: give the server's certificate and key too "
                             "(without them the server would accept plaintext connections from anyone)")
        if isinstance(client_names, (str, bytes)):
            # frozenset() of it would be its letters: the peer's certificate refused, one whose CN is a letter admitted
            raise ValueError(f"client names must be a list of subject common names, not a "
                             f"{type(client_names).__name__}: wrap a single name in a list, [{client_names!r}]")
        if client_names and not client_ca:
            raise ValueError(f"client names ({CLIENT_NAMES_ENV}) need a client CA (CHAINCODE_TLS_CLIENT_CA): "
                             f"without one no client presents a certificate whose name could be checked")
        check_server_address(address)   # here too, not only on the command line
        check_peer_reply_timeout(peer_reply_timeout)
        self.peer_reply_timeout = peer_reply_timeout
        self.router = contracts if isinstance(contracts, ContractRouter) else ContractRouter(list(contracts))
        self.router.metadata_json  # built now: a schema that cannot be written stops start-up, not a GetMetadata
        self.address = address
        self.package_id = package_id
        self._tls = (tls_cert, tls_key, client_ca)
        self.client_names = frozenset(client_names)
        self._server: grpc.aio.Server | None = None
        self._service: _ChaincodeService | None = None
        self._stop_running: asyncio.Future | None = None   # resolved when the stop under way has finished
        self.metrics = ChaincodeMetrics({name.encode(): label
                                         for name, label in self.router.function_spellings().items()})
        if operations_tls is not None and not operations_address:
            raise ValueError("operations TLS needs an operations address to serve on")
        self._operations = (OperationsServer(operations_address, self.metrics, [self.failed_checks], operations_tls)
                            if operations_address else None)
        self.operations_port: int | None = None
        self._guarded_loop: asyncio.AbstractEventLoop | None = None

    def failed_checks(self) -> list[tuple[str, str]]:
        """The /healthz check: (component, reason) for each failure, none while gRPC serves."""
        if self._server is None:
            return [("grpc", f"the chaincode server {self.package_id} is not serving on {self.address}")]
        return []

    async def start(self) -> int:
        self._guard_exits()
        try:
            return await self._start()
        except BaseException:
            self._unguard_exits()   # a start that failed, however, leaves no count behind
            raise

    async def _start(self) -> int:
        server = grpc.aio.server(options=_grpc_options())
        service = _ChaincodeService(self.router, self.package_id, self.metrics, self.client_names,
                                    self.peer_reply_timeout)
        _add_chaincode_service(service, server)
        tls_cert, tls_key, client_ca = self._tls
        try:
            if tls_cert:
                credentials = grpc.ssl_server_credentials(
                    [(tls_key, tls_cert)], root_certificates=client_ca, require_client_auth=client_ca is not None
                )
                port = server.add_secure_port(self.address, credentials)
            else:
                port = server.add_insecure_port(self.address)
        except RuntimeError as exc:   # gRPC's "Failed to bind", whatever the cause
            causes = ["another process listens on that port", "the host is not an address of this machine"]
            if tls_cert:
                causes.append("the TLS certificate and key are not a matching PEM pair")
            raise OSError(f"cannot serve the chaincode on {self.address}: {', or '.join(causes)}; choose a free "
                          f"port with CHAINCODE_SERVER_ADDRESS, or stop the server that holds it") from exc
        await server.start()
        self._server = server
        self._service = service
        # the bound port: with port 0 (a free one) the configured address would not say where to dial
        bound = f"{self.address.rpartition(':')[0]}:{port}"
        if not client_ca:
            logger.warning("CHAINCODE_TLS_CLIENT_CA is not set: %s, so any host that reaches %s can act as the "
                           "peer and send this server transactions to run; set CHAINCODE_TLS_CERT, "
                           "CHAINCODE_TLS_KEY and CHAINCODE_TLS_CLIENT_CA (the CA of the peers' client certificates)",
                           "this server asks no client certificate" if tls_cert else "this server speaks plain text",
                           bound)
        elif not self.client_names:
            logger.warning("%s is not set: this server accepts every client certificate its client CA "
                           "(CHAINCODE_TLS_CLIENT_CA) issued, a user's or another node's as well as its peer's; "
                           "set it to the subject CN(s) of the peers' client certificates, e.g. "
                           "peer-client.<this server's host>", CLIENT_NAMES_ENV)
        logger.info("chaincode %s listening on %s (tls=%s)", self.package_id, bound, bool(tls_cert))
        if self._operations is not None:
            try:
                self.operations_port = await self._operations.start()
            except BaseException as exc:
                await self.stop(0)   # never left serving gRPC after start() failed
                if not isinstance(exc, OSError):
                    raise
                host, operations_port = self._operations.host, self._operations.port
                if isinstance(exc, socket.gaierror):
                    advice = (f"the host {host!r} does not resolve: give --operations-address (or "
                              f"CHAINCODE_OPERATIONS_ADDRESS) a host name or address of this machine")
                elif exc.errno == errno.EADDRNOTAVAIL:
                    advice = (f"{host!r} is not an address of this machine: give --operations-address (or "
                              f"CHAINCODE_OPERATIONS_ADDRESS) one of its addresses, or 0.0.0.0 for all of them")
                else:
                    advice = ("choose a free port with --operations-address (or CHAINCODE_OPERATIONS_ADDRESS); for "
                              "a server recfin starts, whose operations port follows its gRPC port, change the "
                              "org's chaincode_server_port in the topology")
                raise OSError(exc.errno, f"cannot serve the operations endpoint on {host}:{operations_port}: "
                                         f"{exc.strerror}; {advice}") from exc
        return port

    async def stop(self, grace: float | None = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop gRPC, then the operations endpoint.

        Each peer's stream refuses new transactions with an ERROR ("chaincode server is stopping"),
        lets the running ones finish, then ends; gRPC stops once every stream has ended. A transaction
        still running ``grace`` seconds after the stop began is cancelled and answered with status 500
        saying the server stopped before it finished, so that the client learns why and may submit it
        again; CUT_ANSWER_SECONDS later gRPC cancels whatever stream is left. ``grace=0`` cancels the
        streams, and the transactions on them, at once and unanswered. With ``grace=None`` there is no
        limit: it waits for every stream to end, however long its transactions run. Called while a stop is
        under way (a second signal, the embedding program's own call), it returns once that stop has finished:
        returning at once would say the server has stopped while its transactions still run.
        """
        if self._stop_running is not None:
            await asyncio.shield(self._stop_running)   # a caller cancelled stops waiting; the stop goes on
            return
        self._stop_running = asyncio.get_running_loop().create_future()
        try:
            await self._stop(grace)
        finally:
            stop_running, self._stop_running = self._stop_running, None
            stop_running.set_result(None)

    async def _stop(self, grace: float | None) -> None:
        server, self._server = self._server, None   # /healthz answers 503 from here on, while draining
        if server is not None:
            # before anything awaits: a transaction arriving from here on is refused, not started
            self._service.drain()
            if grace is None or grace > 0:
                # gRPC's own stop(None) cancels every call at once, and its stop(grace) every call still open
                # at the end of the grace, unanswered; a peer dialling meanwhile is refused by Connect
                # (UNAVAILABLE) until gRPC stops taking calls below
                try:
                    await asyncio.wait_for(self._service.wait_until_drained(), grace)
                    grace = 0
                except TimeoutError:
                    self._service.cut_running(
                        f"the chaincode server stopped before this transaction finished: it still ran {grace:g} s "
                        f"after the stop began; submit it again")
                    grace = CUT_ANSWER_SECONDS
                except BaseException:   # this stop() was cancelled: gRPC must not go on serving, unowned
                    await server.stop(0)
                    raise
            await server.stop(grace)   # takes no new calls, and returns as soon as the streams have ended
        if self._operations is not None:
            await self._operations.stop()
        self._unguard_exits()

    def _guard_exits(self) -> None:
        """Have the running loop's tasks carry a SystemExit as ExitInTask (exits_as_failure): one a task a contract
        starts raised would otherwise leave the event loop and end the server. A task factory the embedding
        program set is left alone."""
        loop = asyncio.get_running_loop()
        if self._guarded_loop is loop:
            return
        self._unguard_exits()   # started again on another loop without a stop: the old loop's count is released
        if loop.get_task_factory() is None:
            loop.set_task_factory(exits_as_failure)
            # setdefault: where the embedding program cleared the factory while other servers still count on it,
            # their count is kept, so the first of them to stop does not take it from the rest
            _exit_guard_users.setdefault(loop, 0)
        elif loop.get_task_factory() is not exits_as_failure or loop not in _exit_guard_users:
            return
        _exit_guard_users[loop] += 1
        self._guarded_loop = loop

    def _unguard_exits(self) -> None:
        """Undo _guard_exits: the last server on the loop to rely on the factory puts back the loop's none."""
        loop, self._guarded_loop = self._guarded_loop, None
        if loop is None or loop not in _exit_guard_users:
            return
        _exit_guard_users[loop] -= 1
        if _exit_guard_users[loop] == 0:
            del _exit_guard_users[loop]
            if loop.get_task_factory() is exits_as_failure:   # unless someone has set another since
                loop.set_task_factory(None)

    async def wait_for_termination(self) -> None:
        if self._server is not None:
            await self._server.wait_for_termination()


def run_until_stopped(main: Coroutine[object, object, None],
                      left_task_seconds: float = CANCELLED_TRANSACTION_WAIT_SECONDS) -> None:
    """Run ``main`` (``serve``) in a new event loop, then cancel the tasks it left and close the loop, as
    ``asyncio.run`` does, but waiting ``left_task_seconds`` at most for them to end. asyncio.run waits for good,
    and a task that catches each cancellation (a transaction's contract code that swallows asyncio.CancelledError)
    would keep the stopped server's process up until SIGKILL; each such task is named in an error, by its name
    (a transaction's says its tx ID and channel), and left behind."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)   # as asyncio.run does: gRPC's aio layer looks the loop up so
    try:
        loop.run_until_complete(main)
    finally:
        try:
            _end_tasks_left(loop, left_task_seconds)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def _end_tasks_left(loop: asyncio.AbstractEventLoop, seconds: float) -> None:
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not left:
        return
    for task in left:
        task.cancel()
    ended, stubborn = loop.run_until_complete(asyncio.wait(left, timeout=seconds))
    for task in ended:
        if not task.cancelled() and task.exception() is not None:   # as asyncio.run reports it
            loop.call_exception_handler({"message": "unhandled exception in a task as the server stopped",
                                         "exception": task.exception(), "task": task})
    if stubborn:
        logger.error("exiting with %d task(s) that did not end when cancelled %g s ago: %s: their code catches "
                     "asyncio.CancelledError and carries on; have it re-raise the error after its cleanup",
                     len(stubborn), seconds, "; ".join(sorted(task.get_name() for task in stubborn)))


async def serve(
    contracts: Sequence[Contract],
    address: str,
    package_id: str,
    tls_cert: bytes | None = None,
    tls_key: bytes | None = None,
    client_ca: bytes | None = None,
    operations_address: str | None = None,
    operations_tls: OperationsTLS | None = None,
    client_names: Sequence[str] = (),
    peer_reply_timeout: float = DEFAULT_PEER_REPLY_TIMEOUT,
) -> None:
    """Serve until SIGTERM/SIGINT (or cancellation), then stop, letting running transactions finish."""
    server = ChaincodeServer(contracts, address, package_id, tls_cert=tls_cert, tls_key=tls_key, client_ca=client_ca,
                             client_names=client_names, operations_address=operations_address,
                             operations_tls=operations_tls, peer_reply_timeout=peer_reply_timeout)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals on this platform
            pass
    try:
        await stop.wait()
        logger.info("stopping chaincode server")
    finally:
        await server.stop()


def load_contract(spec: str) -> Contract:
    """Instantiate ``module:Class`` (a Contract subclass taking no arguments).

    Raises ValueError naming what is wrong with ``spec``: what :func:`find_contract_class` refuses, or a class
    that cannot be instantiated without arguments.
    """
    contract_class = find_contract_class(spec)
    class_name = spec.partition(":")[2]
    try:
        return contract_class()
    except Exception as exc:   # most often a constructor that needs arguments the server cannot give
        raise ValueError(f"--contract {spec!r}: {class_name}() raised {type(exc).__name__}: {exc}: the server "
                         f"creates each contract without arguments, so {class_name}() must succeed") from None


def find_contract_class(spec: str) -> type[Contract]:
    """The Contract class ``module:Class`` names, imported as the server imports it (``recfin chaincode deploy``
    checks its --contract so before anything is deployed).

    Raises ValueError naming what is wrong with ``spec``: no colon, a module that cannot be imported (missing, or
    raising as it runs), or no Contract class of that name in it.
    """
    from chaincode.contract import Contract  # here: chaincode.contract imports this package

    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"--contract {spec!r}: expected module:Class")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:   # the module, or something it imports, is not there
        raise ValueError(f"--contract {spec!r}: cannot import {module_name}: {exc}: give a module on the "
                         f"Python path, e.g. chaincode.receivables") from None
    except Exception as exc:   # a syntax error in it, or its own code raising as it runs
        raise ValueError(f"--contract {spec!r}: importing {module_name} raised {type(exc).__name__}: {exc}: "
                         f"fix the module (python -c 'import {module_name}' shows where)") from None
    contract_class = getattr(module, class_name, None)
    if contract_class is None:
        raise ValueError(f"--contract {spec!r}: module {module_name} has no {class_name}: give the name of a "
                         f"Contract class defined there")
    if not (isinstance(contract_class, type) and issubclass(contract_class, Contract)):
        raise ValueError(f"--contract {spec!r}: {class_name} is not a Contract class: give a subclass of "
                         f"chaincode.contract.Contract")
    return contract_class


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m chaincode", description="Serve contracts as chaincode-as-a-service.",
        epilog="example: CHAINCODE_ID=receivables_1:ab12... CHAINCODE_SERVER_ADDRESS=0.0.0.0:9999 "
               "python -m chaincode --contract chaincode.receivables:ReceivablesContract "
               "--operations-address 0.0.0.0:9443   (then: curl http://HOST:9443/healthz, /metrics); "
               "with --operations-tls-cert ops.crt --operations-tls-key ops.key --operations-tls-client-ca "
               "ops-clients-ca.crt: curl --cacert ops-server-ca.crt https://HOST:9443/healthz, and /metrics "
               "with --cert scraper.crt --key scraper.key as well. gRPC over TLS: CHAINCODE_TLS_CERT=server.crt "
               "CHAINCODE_TLS_KEY=server.key, and CHAINCODE_TLS_CLIENT_CA=peers-ca.crt to require the peers' "
               "client certificates, and CHAINCODE_TLS_CLIENT_NAMES=peer-client.HOST to accept only the "
               "certificates of that subject CN")
    parser.add_argument("--contract", action="append", required=True, metavar="MODULE:CLASS",
                        help="a contract class to serve (repeatable; the first is the default contract)")
    parser.add_argument("--log-level", default=os.environ.get("CHAINCODE_LOG_LEVEL", "INFO"), metavar="LEVEL",
                        help=f"one of {', '.join(LOG_LEVELS)}, e.g. --log-level DEBUG (default: "
                             f"CHAINCODE_LOG_LEVEL, or INFO)")
    parser.add_argument("--operations-address", default=os.environ.get("CHAINCODE_OPERATIONS_ADDRESS") or None,
                        metavar="HOST:PORT",
                        help="serve /healthz and /metrics (Prometheus) there, over HTTP, "
                             "or HTTPS with --operations-tls-* "
                             "(default: CHAINCODE_OPERATIONS_ADDRESS; off when neither is set)")
    parser.add_argument("--operations-tls-cert", default=os.environ.get("CHAINCODE_OPERATIONS_TLS_CERT") or None,
                        metavar="FILE", help="serve the operations endpoint over HTTPS with this PEM certificate "
                                             "(default: CHAINCODE_OPERATIONS_TLS_CERT); needs the two below")
    parser.add_argument("--operations-tls-key", default=os.environ.get("CHAINCODE_OPERATIONS_TLS_KEY") or None,
                        metavar="FILE", help="its PEM private key (default: CHAINCODE_OPERATIONS_TLS_KEY)")
    parser.add_argument("--operations-tls-client-ca", default=os.environ.get("CHAINCODE_OPERATIONS_TLS_CLIENT_CA")
                        or None, metavar="FILE",
                        help="PEM bundle of the CA(s) whose client certificates may read /metrics; /healthz "
                             "needs none (default: CHAINCODE_OPERATIONS_TLS_CLIENT_CA)")
    parser.add_argument("--operations-tls-client-auth-required", action=argparse.BooleanOptionalAction,
                        default=os.environ.get("CHAINCODE_OPERATIONS_TLS_CLIENT_AUTH_REQUIRED", "").lower()
                        in ("1", "true", "yes"),
                        help="refuse, at the handshake, every client without such a certificate, /healthz "
                             "probes too (default: CHAINCODE_OPERATIONS_TLS_CLIENT_AUTH_REQUIRED=true)")
    parser.add_argument("--peer-reply-timeout", default=os.environ.get(PEER_REPLY_TIMEOUT_ENV) or None,
                        metavar="SECONDS",
                        help=f"how long a transaction's request (a state read, a query, a write batch) "
                             f"waits for the peer's reply before the transaction fails; keep it above the "
                             f"peer's chaincode.executetimeout (default: {PEER_REPLY_TIMEOUT_ENV}, or "
                             f"{DEFAULT_PEER_REPLY_TIMEOUT:g})")
    args = parser.parse_args(argv)
    peer_reply_timeout = _peer_reply_timeout(parser, args.peer_reply_timeout)
    if args.log_level.upper() not in logging.getLevelNamesMapping():
        parser.error(f"unknown log level {args.log_level!r} (from --log-level or CHAINCODE_LOG_LEVEL): "
                     f"use {', '.join(LOG_LEVELS[:-1])} or {LOG_LEVELS[-1]}")
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    package_id = os.environ.get("CHAINCODE_ID", "")
    address = os.environ.get("CHAINCODE_SERVER_ADDRESS", "")
    if not package_id or not address:
        parser.error("set CHAINCODE_ID (the package ID) and CHAINCODE_SERVER_ADDRESS (host:port to listen on)")
    try:
        check_package_id(package_id, "CHAINCODE_ID")
        check_server_address(address, "CHAINCODE_SERVER_ADDRESS")
        if args.operations_address:
            parse_address(args.operations_address)
    except ValueError as exc:
        parser.error(str(exc))
    tls_cert, tls_key, client_ca = _chaincode_tls(parser)
    client_names = parse_client_names(os.environ.get(CLIENT_NAMES_ENV))
    if client_names and client_ca is None:
        parser.error(f"{CLIENT_NAMES_ENV} is set but CHAINCODE_TLS_CLIENT_CA is not: the names are checked "
                     f"against the client certificates mutual TLS asks for; set CHAINCODE_TLS_CLIENT_CA (and "
                     f"CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY) too")
    operations_tls = _operations_tls(parser, args)
    from chaincode.contract import ContractRouter  # here: chaincode.contract imports this package
    try:
        contracts = [load_contract(spec) for spec in args.contract]
    except ValueError as exc:
        parser.error(str(exc))
    try:
        # built here, not in serve(): two contracts of one name, or a transaction argument of a type no
        # argument can be converted to, are configuration problems, told like the others
        router = ContractRouter(contracts)
        router.metadata_json  # a schema that cannot be written is a configuration problem too
    except (TypeError, ValueError) as exc:
        parser.error(f"--contract {' --contract '.join(args.contract)}: {exc}")
    try:
        run_until_stopped(
            serve(
                router,
                address,
                package_id,
                tls_cert=tls_cert,
                tls_key=tls_key,
                client_ca=client_ca,
                client_names=sorted(client_names),
                operations_address=args.operations_address,
                operations_tls=operations_tls,
                peer_reply_timeout=peer_reply_timeout,
            )
        )
    except OSError as exc:   # a port it cannot serve on: the message says what to change; a traceback would bury it
        parser.exit(1, f"{parser.prog}: error: {exc}\n")


def _chaincode_tls(parser: argparse.ArgumentParser) -> tuple[bytes | None, bytes | None, bytes | None]:
    """The gRPC server's TLS files from CHAINCODE_TLS_*, checked now: a missing or unusable file
    stops the server with a message naming it, before it serves anything."""
    cert_file, key_file, client_ca_file = (os.environ.get(f"CHAINCODE_TLS_{name}") or None
                                           for name in ("CERT", "KEY", "CLIENT_CA"))
    if not (cert_file or key_file or client_ca_file):
        return None, None, None
    if not (cert_file and key_file):
        missing = " and ".join(name for name, value in (("CHAINCODE_TLS_CERT", cert_file),
                                                        ("CHAINCODE_TLS_KEY", key_file)) if not value)
        plaintext = " (a client CA without them would leave the server serving plaintext)" if client_ca_file else ""
        parser.error(f"chaincode TLS needs {missing} as well: the server's PEM certificate and its "
                     f"key{plaintext}")
    try:
        server_tls_context("chaincode TLS (CHAINCODE_TLS_*)", cert_file, key_file, client_ca_file,
                           "the CA that issues the peers' TLS client certificates")
    except ValueError as exc:
        parser.error(str(exc))
    return tuple(_read(path) if path else None for path in (cert_file, key_file, client_ca_file))


def _peer_reply_timeout(parser: argparse.ArgumentParser, text: str | None) -> float:
    """--peer-reply-timeout (or CHAINCODE_PEER_REPLY_TIMEOUT) in seconds; the default when neither is set."""
    if text is None:
        return DEFAULT_PEER_REPLY_TIMEOUT
    try:
        seconds = float(text)
        check_peer_reply_timeout(seconds)
    except ValueError:   # not a number, or not a usable one: told as the user wrote it
        parser.error(f"--peer-reply-timeout (or {PEER_REPLY_TIMEOUT_ENV}) {text!r}: "
                     f"{_PEER_REPLY_TIMEOUT_ADVICE}")
    return seconds


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _operations_tls(parser: argparse.ArgumentParser, args: argparse.Namespace) -> OperationsTLS | None:
    """The operations endpoint's TLS from the flags, checked now, so that a bad file stops the server
    before it serves anything rather than when the endpoint starts after gRPC."""
    files = {"--operations-tls-cert": args.operations_tls_cert, "--operations-tls-key": args.operations_tls_key,
             "--operations-tls-client-ca": args.operations_tls_client_ca}
    if not any(files.values()) and not args.operations_tls_client_auth_required:
        return None
    missing = [flag for flag, value in files.items() if not value]
    if missing:
        # Without a client CA no certificate could ever be verified, and /metrics would answer nobody.
        parser.error(f"operations TLS needs {', '.join(missing)} as well (or the CHAINCODE_OPERATIONS_TLS_* "
                     f"variables): a certificate, its key, and the CA whose clients may read /metrics")
    if not args.operations_address:
        parser.error("operations TLS is set but the endpoint is off: give --operations-address HOST:PORT "
                     "(or CHAINCODE_OPERATIONS_ADDRESS)")
    tls = OperationsTLS(args.operations_tls_cert, args.operations_tls_key, args.operations_tls_client_ca,
                        args.operations_tls_client_auth_required)
    try:
        tls.server_context()
    except ValueError as exc:
        parser.error(str(exc))
    return tls
