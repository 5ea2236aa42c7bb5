"""The chaincode server's operations endpoint: ``/healthz`` and ``/metrics`` over HTTP or HTTPS.

Fabric's peers and orderers serve the same two paths on their operations port, and this one
answers in their shapes so that one set of probes and scrape configs covers every process:

- ``GET /healthz`` (or ``HEAD``, the same without the body): 200 ``{"status": "OK", "time": <RFC 3339>}``
  while the gRPC server serves; 503 ``{"status": "Service Unavailable", "time": ..., "failed_checks":
  [{"component": ..., "reason": ...}]}`` otherwise.
- ``GET /metrics``: Prometheus text exposition format 0.0.4, every name prefixed
  ``recfin_chaincode_``.

With TLS (``OperationsTLS``) it behaves as Fabric's operations service does with
``operations.tls.enabled``: ``/metrics`` answers only a client whose certificate chains to the
configured client CA (401 otherwise), while ``/healthz`` answers anyone, so liveness probes and
load balancers need no certificate; ``client_auth_required`` makes every client present one at
the handshake.

The HTTP server runs on the event loop the gRPC server already runs (asyncio streams, no
extra thread and no extra dependency). ``python -m chaincode --operations-address HOST:PORT``
(or ``CHAINCODE_OPERATIONS_ADDRESS``) turns it on; it is off when neither is given.

The counters are plain ints and dicts, changed only by coroutines and callbacks of that one
event loop: a change never yields to another task halfway, so no lock is needed, and the
per-transaction cost stays at a few dict updates.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import re
import ssl
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

logger = logging.getLogger(__name__)

PREFIX = "recfin_chaincode_"
CONTENT_TYPE_METRICS = "text/plain; version=0.0.4; charset=utf-8"
CONTENT_TYPE_JSON = "application/json"
# Seconds. A contract function that reads a key or two answers in a few milliseconds over a
# local peer; range queries, private data and many writes take tens to hundreds; the peer's
# default execute timeout is 30 s, so the buckets stop well short of it.
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Any client can name any function: labelling by the raw name would let callers grow the
# metrics without bound, so names the contracts do not define share one label.
UNKNOWN_FUNCTION = "unknown"
NO_FUNCTION = "none"            # an INIT (or a malformed TRANSACTION) that names no function
CANCELLED = "cancelled"         # the stream closed before the transaction answered
REFUSED = "refused"             # answered ERROR without running: the server stopping, not ready, tx ID taken
# A probe or scraper sends its whole request at once; a client that sends no complete request
# in this time is dropped, so idle connections cannot hold the endpoint for long.
REQUEST_TIMEOUT_SECONDS = 2.0
MAX_REQUEST_HEAD_BYTES = 8192
# Connections served at once; more are closed unanswered, so a flood of idle clients costs a
# bounded number of tasks and buffers (a few probes and one scraper need far fewer).
MAX_CONNECTIONS = 16
# How long stop() waits for the listening socket and the connections it closed to finish.
STOP_TIMEOUT_SECONDS = 1.0


OTHER_STATUS = "other"          # a status outside 200-599's classes a chaincode answers with


def status_class(status: int) -> str:
    """Fabric's response status grouped as HTTP's are: 200 -> "2xx", 400 -> "4xx", 500 -> "5xx".

    Fabric's own statuses are 200 (OK), 400 (ERRORTHRESHOLD) and 500 (ERROR); anything else a
    chaincode sends (0, negative, 3xx, 600...) is "other", keeping the label's values to four.
    """
    if 200 <= status < 300 or 400 <= status < 600:
        return f"{status // 100}xx"
    return OTHER_STATUS


def _type_name(kind: int) -> str:
    try:
        return shim_pb2.ChaincodeMessage.Type.Name(kind)
    except ValueError:
        return str(kind)


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return repr(float(value)) if isinstance(value, float) else str(value)


class ChaincodeMetrics:
    """What the stream handlers count, and its rendering as Prometheus text.

    One instance per server, shared by every stream; see the module docstring for why the
    plain ints and dicts need no lock.
    """

    def __init__(self, function_labels: dict[bytes, str] | None = None) -> None:
        self._function_labels = function_labels or {}
        self.transactions: dict[tuple[str, str], int] = {}   # (function, status class) -> completed
        # function -> [count per bucket (not cumulative; the last is +Inf), sum of seconds, count]
        self.durations: dict[str, list] = {}
        self.in_flight = 0
        self.peer_streams = 0
        self.peer_requests: dict[int, int] = {}              # ChaincodeMessage type -> sent

    def function_label(self, name: bytes | None) -> str:
        if not name:
            return NO_FUNCTION
        return self._function_labels.get(name, UNKNOWN_FUNCTION)

    def transaction_started(self) -> float:
        """Count one more transaction in flight; returns its start time for ``transaction_finished``."""
        self.in_flight += 1
        return time.perf_counter()

    def transaction_finished(self, function: bytes | None, status: int | None, started: float) -> None:
        """``status`` is the response status sent to the peer, None when none was (cancelled)."""
        elapsed = time.perf_counter() - started
        self.in_flight -= 1
        label = self.function_label(function)
        key = (label, CANCELLED if status is None else status_class(status))
        self.transactions[key] = self.transactions.get(key, 0) + 1
        if status is None:
            # no answer, so no answer's latency: a stream cut off after minutes would otherwise put its
            # transactions in the slowest buckets, as if the chaincode had taken that long to answer
            return
        histogram = self.durations.get(label)
        if histogram is None:
            histogram = self.durations[label] = [[0] * (len(DURATION_BUCKETS) + 1), 0.0, 0]
        histogram[0][bisect_left(DURATION_BUCKETS, elapsed)] += 1   # le is inclusive: bisect_left
        histogram[1] += elapsed
        histogram[2] += 1

    def transaction_refused(self, function: bytes | None) -> None:
        """Count a transaction answered ERROR without running (no duration: it never started)."""
        key = (self.function_label(function), REFUSED)
        self.transactions[key] = self.transactions.get(key, 0) + 1

    def request_sent(self, message_type: int) -> None:
        self.peer_requests[message_type] = self.peer_requests.get(message_type, 0) + 1

    def render(self) -> str:
        """The Prometheus text exposition (format 0.0.4) of every metric."""
        lines: list[str] = []

        def family(name: str, kind: str, text: str) -> str:
            full = PREFIX + name
            lines.append(f"# HELP {full} {_escape_help(text)}")
            lines.append(f"# TYPE {full} {kind}")
            return full

        name = family("transactions_total", "counter",
                      "Transactions answered to the peer, by contract function and response status class "
                      "(cancelled: the stream closed first or the answer could not be sent; refused: "
                      "answered ERROR without running, the server stopping or not ready).")
        for (function, status), count in sorted(self.transactions.items()):
            lines.append(f'{name}{{function="{_escape_label(function)}",status="{status}"}} {count}')

        name = family("transaction_duration_seconds", "histogram",
                      "Time from the peer's TRANSACTION (or INIT) to the chaincode's answer, by contract function.")
        for function, (buckets, total, count) in sorted(self.durations.items()):
            function_label = f'function="{_escape_label(function)}"'
            cumulative = 0
            for bound, in_bucket in zip((*DURATION_BUCKETS, float("inf")), buckets):
                cumulative += in_bucket
                lines.append(f'{name}_bucket{{{function_label},le="{_number(bound)}"}} {cumulative}')
            lines.append(f"{name}_sum{{{function_label}}} {_number(total)}")
            lines.append(f"{name}_count{{{function_label}}} {count}")

        name = family("transactions_in_flight", "gauge", "Transactions started and not yet answered.")
        lines.append(f"{name} {self.in_flight}")

        name = family("peer_streams", "gauge", "Peer Connect streams open to this server.")
        lines.append(f"{name} {self.peer_streams}")

        name = family("peer_requests_total", "counter",
                      "Requests the chaincode sent to the peer (state reads, writes, queries), by message type.")
        for kind, count in sorted(self.peer_requests.items(), key=lambda item: _type_name(item[0])):
            lines.append(f'{name}{{type="{_escape_label(_type_name(kind))}"}} {count}')
        return "\n".join(lines) + "\n"


HealthCheck = Callable[[], Iterable[tuple[str, str]]]
"""Returns the failed checks as (component, reason) pairs; nothing when healthy."""


def health_status(checks: Iterable[HealthCheck]) -> tuple[int, dict]:
    """The HTTP status and JSON body of ``/healthz``, in the shape of Fabric's operations service."""
    failed = [{"component": component, "reason": reason} for check in checks for component, reason in check()]
    now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if failed:
        return 503, {"status": "Service Unavailable", "time": now, "failed_checks": failed}
    return 200, {"status": "OK", "time": now}


def parse_address(address: str, what: str = "operations address", example: str = "127.0.0.1:9443") -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6; an empty host listens on every address; port 0 picks a
    free one). ``what`` and ``example`` word the ValueError for a malformed address."""
    host, separator, port = address.rpartition(":")
    # ASCII digits only: str.isdigit() also takes other scripts' digits and superscripts, which int() reads
    # differently or refuses, while the server would be given the raw text
    if not separator or not re.fullmatch(r"[0-9]+", port):
        raise ValueError(f"{what} {address!r}: expected HOST:PORT, e.g. {example}")
    if len(port.lstrip("0")) > 5 or int(port) > 65535:   # the length first: int() refuses over 4300 digits
        raise ValueError(f"{what} {address!r}: port {port} is out of range: give a port from 0 to 65535 "
                         f"(0 picks a free one), e.g. {example}")
    return host.strip("[]") or "0.0.0.0", int(port)


_REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 400: "Bad Request",
            503: "Service Unavailable"}


@dataclass(frozen=True)
class OperationsTLS:
    """The endpoint's TLS files, as Fabric's ``operations.tls`` names them: the server's certificate
    and key, and the CA bundle a client certificate must chain to. Fabric advises a CA of its own for
    operations clients, separate from every channel org's CA."""

    cert_file: str
    key_file: str
    client_ca_file: str
    client_auth_required: bool = False

    def server_context(self) -> ssl.SSLContext:
        """The server's TLS context (TLS 1.2 or later); a ValueError naming the file that cannot be used."""
        context = server_tls_context("operations TLS", self.cert_file, self.key_file, self.client_ca_file,
                                     "the CA that issues the certificates of scrapers and operators")
        # Optional at the handshake unless required: /healthz must stay reachable without one.
        context.verify_mode = ssl.CERT_REQUIRED if self.client_auth_required else ssl.CERT_OPTIONAL
        return context


def server_tls_context(what: str, cert_file: str, key_file: str, client_ca_file: str | None,
                       client_ca_issues: str) -> ssl.SSLContext:
    """A TLS 1.2+ server context from PEM files, trusting ``client_ca_file`` (when given) for client
    certificates; a ValueError, starting with ``what``, that names the file that cannot be used
    (``client_ca_issues`` says what that CA should be, for the advice)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert_file, key_file, password=_refuse_encrypted_key)
    except _EncryptedKey:
        raise ValueError(f"{what}: key {key_file} is encrypted: the server starts unattended and "
                         f"cannot ask for a passphrase; give an unencrypted PEM key readable by this user "
                         f"only") from None
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"{what}: cannot use certificate {cert_file} with key {key_file}: "
                         f"{getattr(exc, 'strerror', None) or exc}; give a PEM certificate and the PEM key "
                         f"that matches it") from None
    if client_ca_file is not None:
        try:
            context.load_verify_locations(cafile=client_ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"{what}: cannot read client CA bundle {client_ca_file}: "
                             f"{getattr(exc, 'strerror', None) or exc}; give the PEM certificate(s) of "
                             f"{client_ca_issues}") from None
    return context


class _EncryptedKey(Exception):
    pass


def _refuse_encrypted_key() -> bytes:
    # Called by OpenSSL only for an encrypted key; without it OpenSSL would prompt on the terminal.
    raise _EncryptedKey


# What a client that goes away, sends TLS garbage or never answers the TLS close notice raises.
_CLIENT_GONE = (ConnectionError, TimeoutError, ssl.SSLError)


class OperationsServer:
    """Serves ``/healthz`` and ``/metrics`` on ``address``; ``start`` returns the bound port."""

    def __init__(self, address: str, metrics: ChaincodeMetrics, checks: Iterable[HealthCheck] = (),
                 tls: OperationsTLS | None = None) -> None:
        self.host, self.port = parse_address(address)
        self.metrics = metrics
        self.checks = list(checks)
        self.tls = tls
        self._ssl_context = tls.server_context() if tls is not None else None
        self._server: asyncio.Server | None = None
        # The open connections: stop() closes them, since an idle client would otherwise keep
        # Server.wait_closed waiting (3.12+) or leave its task to be cancelled at exit (3.11).
        self._connections: dict[asyncio.Task, asyncio.StreamWriter] = {}

    async def start(self) -> int:
        # The limit bounds what one request may make the server buffer (LimitOverrunError beyond it).
        self._server = await asyncio.start_server(self._serve_connection, self.host, self.port,
                                                  limit=MAX_REQUEST_HEAD_BYTES, ssl=self._ssl_context,
                                                  ssl_handshake_timeout=REQUEST_TIMEOUT_SECONDS if self.tls else None,
                                                  # asyncio waits 30 s by default for a client's close
                                                  # notice, holding its socket: a client that never reads
                                                  # could pile up sockets until files run out.
                                                  ssl_shutdown_timeout=STOP_TIMEOUT_SECONDS if self.tls else None)
        self.port = self._server.sockets[0].getsockname()[1]
        logger.info("operations endpoint on %s://%s:%d (/healthz, /metrics)", "https" if self.tls else "http",
                    self.host, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop listening and close every open connection; returns within about STOP_TIMEOUT_SECONDS."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()
        for writer in self._connections.values():
            writer.close()   # the connection's reader sees EOF, so its task ends at once
        tasks = list(self._connections)
        if tasks:
            _, lingering = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_SECONDS)
            for task in lingering:               # a TLS client that never answers the close notice
                if (writer := self._connections.get(task)) is not None:
                    writer.transport.abort()
        try:
            await asyncio.wait_for(server.wait_closed(), STOP_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("operations endpoint: connections still open %gs after stop", STOP_TIMEOUT_SECONDS)

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if len(self._connections) >= MAX_CONNECTIONS or self._server is None:
            writer.close()   # over the cap (or stopping): closed unanswered, the client retries later
            return
        self._connections[task] = writer
        try:
            try:
                head = await asyncio.wait_for(_read_head(reader), REQUEST_TIMEOUT_SECONDS)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, *_CLIENT_GONE):
                return   # ValueError: readline's report of a line over the limit
            if head is None:
                return
            request_line = head.decode("latin-1")
            # A verified certificate only: with CERT_OPTIONAL the handshake refuses one that does not
            # chain to the client CA, so any certificate present here is one the CA issued.
            certified = self.tls is None or bool(writer.get_extra_info("peercert"))
            status, content_type, body, extra = self._answer(request_line, certified)
            # HEAD: the headers a GET would get, Content-Length included, and no body
            await self._respond(writer, status, content_type, body, extra,
                                with_body=not request_line.startswith("HEAD "))
        except _CLIENT_GONE:
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except _CLIENT_GONE:
                pass
            finally:
                # Counted until its socket is really closed, so clients that linger stay under MAX_CONNECTIONS.
                del self._connections[task]

    def _answer(self, request_line: str, certified: bool = True) -> tuple[int, str, bytes, dict[str, str]]:
        parts = request_line.split(" ")
        if len(parts) != 3:
            return 400, "text/plain", b"malformed request line\n", {}
        method, target, _version = parts
        path = target.split("?", 1)[0]
        if path not in ("/healthz", "/metrics"):
            return 404, "text/plain", f"no {path} here: try /healthz or /metrics\n".encode(), {}
        if method not in ("GET", "HEAD"):
            return 405, "text/plain", f"{path} answers GET and HEAD only\n".encode(), {"Allow": "GET, HEAD"}
        if path == "/metrics":
            if not certified:
                return 401, "text/plain", (b"/metrics needs a client certificate issued by the operations client "
                                           b"CA; /healthz needs none\n"), {}
            return 200, CONTENT_TYPE_METRICS, self.metrics.render().encode(), {}
        status, document = health_status(self.checks)
        return status, CONTENT_TYPE_JSON, json.dumps(document).encode(), {}

    @staticmethod
    async def _respond(writer: asyncio.StreamWriter, status: int, content_type: str, body: bytes,
                       extra: dict[str, str] | None = None, with_body: bool = True) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(body)), "Connection": "close",
                   **(extra or {})}
        head = (f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in headers.items()))
        writer.write(head.encode("latin-1") + b"\r\n" + (body if with_body else b""))
        await writer.drain()


async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
    """The request line of a request head that ends in an empty line ("\\r\\n" or a bare "\\n", as
    HTTP/1.1 lets servers accept); None when the client closes first or the head passes
    MAX_REQUEST_HEAD_BYTES. The header lines are read and dropped: no answer depends on them."""
    request_line: bytes | None = None
    size = 0
    while True:
        line = await reader.readline()
        size += len(line)
        if not line.endswith(b"\n") or size > MAX_REQUEST_HEAD_BYTES:
            return None
        if line in (b"\r\n", b"\n"):
            return request_line
        if request_line is None:
            request_line = line.rstrip(b"\r\n")
