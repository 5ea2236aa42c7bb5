"""The chaincode server's operations endpoint: /healthz and /metrics scraped over HTTP while
transactions run through a real ChaincodeServer, driven by the peer's side of the stream."""

import asyncio
import contextlib
import json
import os
import re
import socket
import ssl
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.peer import chaincode_pb2, proposal_response_pb2

from chaincode.feature_contract import FeatureContract
from chaincode.shim import ChaincodeServer, PeerOptions
from chaincode.shim import operations
from chaincode.shim._handler import StreamHandler
from chaincode.shim.operations import (DURATION_BUCKETS, MAX_CONNECTIONS, PREFIX, STOP_TIMEOUT_SECONDS, ChaincodeMetrics,
                                       OperationsServer, OperationsTLS, parse_address, status_class)
from network import ccservers, compose
from network.topology import load as load_topology

from .peer_double import PACKAGE_ID, Msg, PeerSide
from .test_server import REPO, _certificate, _pem, _python_m_chaincode, connect_when_up, free_port

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


async def http_get(port: int, path: str, method: str = "GET",
                   tls: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on the test's own event loop (a blocking client would stall the server);
    over HTTPS with ``tls``, a client context."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=tls,
                                                   server_hostname="localhost" if tls else None)
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    assert int(headers["content-length"]) == len(body)
    return int(status_line.split(" ")[1]), headers, body


def parse_prometheus(text: str) -> dict[tuple[str, frozenset], float]:
    """Samples by (name, labels), checking the text exposition format 0.0.4 on the way: every
    sample's family has HELP and TYPE lines before it, histograms only use their three suffixes."""
    assert text.endswith("\n")
    types: dict[str, str] = {}
    helped: set[str] = set()
    samples: dict[tuple[str, frozenset], float] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split(" ")[2])
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in types, f"two TYPE lines for {name}"
            types[name] = kind
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, label_text, value = match.groups()
        family = name
        if name not in types:
            family = re.sub(r"_(bucket|sum|count)$", "", name)
            assert types.get(family) == "histogram", f"{name} has no TYPE line"
        assert family in helped, f"{family} has no HELP line"
        assert family.startswith("recfin_chaincode_")
        pairs = LABEL.findall(label_text or "")
        assert ",".join(f'{k}="{v}"' for k, v in pairs) == (label_text or ""), f"malformed labels: {line!r}"
        labels = frozenset(pairs)
        samples[(name, labels)] = float(value)
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


async def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    status, headers, body = await http_get(port, "/metrics")
    assert status == 200
    assert headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse_prometheus(body.decode())


async def run_and_answer(peer: PeerSide, tx_id: str, args: tuple[str, ...], request: int, reply: bytes = b"",
                         error: bool = False) -> int:
    await peer.start(tx_id, *args)
    await peer.expect(tx_id, request)
    await peer.reply(tx_id, reply, error=error)
    completed = await peer.expect(tx_id, Msg.COMPLETED)
    return proposal_response_pb2.Response.FromString(completed.payload).status


async def test_metrics_count_what_ran_by_function_status_and_request_type():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address="127.0.0.1:0")
    port = await server.start()
    try:
        ops = server.operations_port
        before = await scrape(ops)
        assert value(before, "recfin_chaincode_transactions_in_flight") == 0
        assert value(before, "recfin_chaincode_peer_streams") == 0

        async with PeerSide.connect(port) as peer:
            assert await run_and_answer(peer, "tx1", ("features:GetState", "k"), Msg.GET_STATE, b"v") == 200
            # the default contract's function named without its contract counts under the same label
            assert await run_and_answer(peer, "tx2", ("GetState", "k"), Msg.GET_STATE, b"no ledger", error=True) == 500
            assert await run_and_answer(peer, "tx3", ("features:PutState", "k", "v"), Msg.PUT_STATE) == 200
            await peer.start("tx4", "features:NoSuchFunction")   # a name no contract defines: no request, 500
            await peer.expect("tx4", Msg.COMPLETED)

            # one transaction waiting on the peer's answer is in flight
            await peer.start("tx5", "features:GetState", "k")
            await peer.expect("tx5", Msg.GET_STATE)
            during = await scrape(ops)
            assert value(during, "recfin_chaincode_transactions_in_flight") == 1
            assert value(during, "recfin_chaincode_peer_streams") == 1
            await peer.reply("tx5", b"v")
            await peer.expect("tx5", Msg.COMPLETED)

            after = await scrape(ops)
        after_close = await scrape(ops)
    finally:
        await server.stop(0)

    assert value(after, "recfin_chaincode_transactions_in_flight") == 0
    assert value(after_close, "recfin_chaincode_peer_streams") == 0
    total = "recfin_chaincode_transactions_total"
    assert value(after, total, function="features:GetState", status="2xx") == 2
    assert value(after, total, function="features:GetState", status="5xx") == 1
    assert value(after, total, function="features:PutState", status="2xx") == 1
    assert value(after, total, function="unknown", status="5xx") == 1
    assert sum(v for (name, _), v in after.items() if name == total) == 5
    requests = "recfin_chaincode_peer_requests_total"
    assert value(after, requests, type="GET_STATE") == 3
    assert value(after, requests, type="PUT_STATE") == 1
    assert sum(v for (name, _), v in after.items() if name == requests) == 4

    histogram = "recfin_chaincode_transaction_duration_seconds"
    for function, count in (("features:GetState", 3), ("features:PutState", 1), ("unknown", 1)):
        buckets = [value(after, f"{histogram}_bucket", function=function, le=repr(bound))
                   for bound in DURATION_BUCKETS]
        buckets.append(value(after, f"{histogram}_bucket", function=function, le="+Inf"))
        assert buckets == sorted(buckets), "bucket counts are cumulative"
        assert buckets[-1] == count == value(after, f"{histogram}_count", function=function)
        assert 0 <= value(after, f"{histogram}_sum", function=function) < float("inf")


async def test_healthz_answers_ok_while_serving_and_503_with_the_failed_check_once_stopped():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address="127.0.0.1:0")
    await server.start()
    try:
        status, headers, body = await http_get(server.operations_port, "/healthz")
        assert status == 200 and headers["content-type"] == "application/json"
        document = json.loads(body)
        assert document["status"] == "OK" and document["time"].endswith("Z")
        assert set(document) == {"status", "time"}
        # an endpoint that outlives the gRPC server, as during a stop's grace period
        outliving = OperationsServer("127.0.0.1:0", server.metrics, [server.failed_checks])
        outliving_port = await outliving.start()
    finally:
        await server.stop(0)
    try:
        status, _, body = await http_get(outliving_port, "/healthz")
    finally:
        await outliving.stop()
    assert status == 503
    document = json.loads(body)
    assert document["status"] == "Service Unavailable"
    assert [check["component"] for check in document["failed_checks"]] == ["grpc"]
    assert "not serving" in document["failed_checks"][0]["reason"]


@contextlib.asynccontextmanager
async def a_stop_begun_while_a_transaction_runs(server: ChaincodeServer):
    """Starts ``server``, has a peer's transaction "running" wait for the reply to its GET_STATE, begins a
    stop with 30 s of grace and yields the peer; the stop is awaited once the peer's stream is closed."""
    port = await server.start()
    stopping = None
    try:
        async with PeerSide.connect(port) as peer:
            await peer.start("running", "features:GetState", "k")
            await peer.expect("running", Msg.GET_STATE)
            stopping = asyncio.create_task(server.stop(30))
            await asyncio.sleep(0)   # the stop begins: gRPC drains the stream, the endpoint still answers
            yield peer
        await stopping
    finally:
        if stopping is None:
            await server.stop(0)


async def test_healthz_answers_503_while_a_stop_lets_a_running_transaction_finish():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address="127.0.0.1:0")
    async with a_stop_begun_while_a_transaction_runs(server) as peer:
        status, _, body = await http_get(server.operations_port, "/healthz")
        assert status == 503 and json.loads(body)["failed_checks"][0]["component"] == "grpc"
        metrics = await scrape(server.operations_port)
        assert value(metrics, "recfin_chaincode_transactions_in_flight") == 1
        await peer.reply("running", b"v")
        completed = await peer.expect("running", Msg.COMPLETED)
        assert proposal_response_pb2.Response.FromString(completed.payload).status == 200


async def test_a_transaction_refused_as_the_server_stops_counts_as_refused():
    """A transaction the peer sends once a stop has begun is answered ERROR without running: counted, so that
    a restart's refusals show in /metrics as they do to the peer's clients, and not timed."""
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID)
    async with a_stop_begun_while_a_transaction_runs(server) as peer:
        await peer.start("late", "features:PutState", "k", "v")
        await peer.expect("late", Msg.ERROR)
        await peer.reply("running", b"v")
        await peer.expect("running", Msg.COMPLETED)
    assert server.metrics.transactions == {("features:GetState", "2xx"): 1,
                                           ("features:PutState", "refused"): 1}
    assert "features:PutState" not in server.metrics.durations
    assert ('recfin_chaincode_transactions_total{function="features:PutState",status="refused"} 1'
            in server.metrics.render().splitlines())


async def test_a_transaction_whose_answer_could_not_be_sent_counts_as_cancelled():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID)   # not started: its router only
    incoming: asyncio.Queue = asyncio.Queue()
    for message in (Msg(type=Msg.REGISTERED), Msg(type=Msg.READY, payload=PeerOptions().to_ready_payload()),
                    Msg(type=Msg.TRANSACTION, txid="tx1", channel_id="recfin",
                        payload=chaincode_pb2.ChaincodeInput(args=[b"features:NoSuchFunction"]).SerializeToString())):
        incoming.put_nowait(message)
    refused = []

    async def write(message):
        if message.type == Msg.COMPLETED:
            refused.append(message.txid)
            incoming.put_nowait(None)          # the stream is gone: the peer's side ends too
            raise ConnectionError("stream closed")

    handler = StreamHandler(server.router.invoke, PACKAGE_ID, incoming.get, write, server.metrics)
    await asyncio.wait_for(handler.run(), 5)
    assert refused == ["tx1"]
    assert server.metrics.transactions == {("unknown", "cancelled"): 1}
    assert server.metrics.in_flight == 0


async def test_a_transaction_the_closing_stream_cancels_counts_but_adds_no_duration():
    """The histogram times the chaincode's answers: a transaction cut off unanswered (the peer gone while
    it waited for a GET_STATE reply) is counted as cancelled, and its time to the cut stays out of it."""
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    try:
        async with PeerSide.connect(port) as peer:
            await peer.start("answered", "features:GetState", "k")
            await peer.expect("answered", Msg.GET_STATE)
            await peer.reply("answered", b"v")
            await peer.expect("answered", Msg.COMPLETED)
            await peer.start("cut off", "features:GetState", "k")
            await peer.expect("cut off", Msg.GET_STATE)
        # the peer has closed the stream, with "cut off" still waiting for its reply
    finally:
        await server.stop(0)
    assert server.metrics.transactions == {("features:GetState", "2xx"): 1,
                                           ("features:GetState", "cancelled"): 1}
    _buckets, _seconds, timed = server.metrics.durations["features:GetState"]
    assert timed == 1
    assert 'recfin_chaincode_transaction_duration_seconds_count{function="features:GetState"} 1' in (
        server.metrics.render().splitlines())


@pytest.mark.parametrize(("status", "expected"), [(200, "2xx"), (299, "2xx"), (400, "4xx"), (500, "5xx"),
                                                  (599, "5xx"), (0, "other"), (-1, "other"), (302, "other"),
                                                  (600, "other"), (100, "other")])
def test_statuses_outside_the_2xx_4xx_and_5xx_classes_count_as_other(status, expected):
    assert status_class(status) == expected
    metrics = ChaincodeMetrics()
    metrics.transaction_finished(b"f", status, metrics.transaction_started())
    assert 'status="%s"' % expected in metrics.render()


async def raw_request(port: int, request: bytes) -> bytes:
    """What the server answers to the raw bytes of a request; b"" when it closes unanswered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 5)
    except ConnectionResetError:   # closed with the request unread: the kernel resets instead
        return b""
    finally:
        writer.close()


async def test_head_answers_the_headers_of_get_without_the_body():
    endpoint = OperationsServer("127.0.0.1:0", ChaincodeMetrics())
    port = await endpoint.start()
    try:
        _, get_headers, get_body = await http_get(port, "/metrics")
        answer = await raw_request(port, b"HEAD /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    finally:
        await endpoint.stop()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and body == b""
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head.decode().split("\r\n")[1:])}
    assert headers["content-type"] == get_headers["content-type"]
    assert int(headers["content-length"]) == len(get_body) > 0


async def test_a_request_head_ending_in_bare_newlines_is_answered():
    endpoint = OperationsServer("127.0.0.1:0", ChaincodeMetrics())
    port = await endpoint.start()
    try:
        answer = await raw_request(port, b"GET /healthz HTTP/1.0\nHost: 127.0.0.1\n\n")
    finally:
        await endpoint.stop()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["status"] == "OK"


async def test_stop_closes_idle_connections_and_leaves_no_task_behind():
    endpoint = OperationsServer("127.0.0.1:0", ChaincodeMetrics())
    port = await endpoint.start()
    idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    assert (await raw_request(port, b"GET /healthz HTTP/1.1\r\n\r\n")).startswith(b"HTTP/1.1 200 ")
    await endpoint.stop()
    try:
        for reader, _ in idle:
            assert await asyncio.wait_for(reader.read(), 5) == b"", "the server closed the idle connection"
        assert [task for task in asyncio.all_tasks() if task is not asyncio.current_task()] == []
    finally:
        for _, writer in idle:
            writer.close()


async def test_connections_over_the_cap_are_closed_unanswered_until_one_ends():
    endpoint = OperationsServer("127.0.0.1:0", ChaincodeMetrics())
    port = await endpoint.start()
    idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(MAX_CONNECTIONS)]
    try:
        # the server accepts in order, so the idle ones hold every slot when this one arrives
        assert await raw_request(port, b"GET /healthz HTTP/1.1\r\n\r\n") == b""
        idle[0][1].close()
        await asyncio.wait_for(idle[0][0].read(), 5)
        answer = b""
        for _ in range(100):   # the server sees the close on one of its next turns
            answer = await raw_request(port, b"GET /healthz HTTP/1.1\r\n\r\n")
            if answer:
                break
        assert answer.startswith(b"HTTP/1.1 200 ")
    finally:
        for _, writer in idle:
            writer.close()
        await endpoint.stop()


async def test_a_busy_operations_port_is_reported_with_what_to_change():
    holder = await asyncio.start_server(lambda reader, writer: writer.close(), "127.0.0.1", 0)
    busy = holder.sockets[0].getsockname()[1]
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address=f"127.0.0.1:{busy}")
    try:
        with pytest.raises(OSError, match=rf"cannot serve the operations endpoint on 127\.0\.0\.1:{busy}: .*"
                                          r"--operations-address .*change the org's chaincode_server_port "
                                          r"in the topology"):
            await server.start()
        assert server.failed_checks(), "the gRPC server it started is stopped again"
    finally:
        holder.close()
        await holder.wait_closed()


async def test_unknown_paths_are_404_and_other_methods_405():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address="127.0.0.1:0")
    await server.start()
    try:
        assert (await http_get(server.operations_port, "/"))[0] == 404
        assert (await http_get(server.operations_port, "/metrics/extra"))[0] == 404
        status, headers, _ = await http_get(server.operations_port, "/metrics", method="POST")
        assert status == 405 and headers["allow"] == "GET, HEAD"
        assert (await http_get(server.operations_port, "/healthz?verbose=1"))[0] == 200
    finally:
        await server.stop(0)


def test_the_endpoint_is_off_without_an_address():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID)
    assert server.operations_port is None
    assert server._operations is None


@pytest.mark.parametrize("address", ["9443", "host:", "host:port", "host:٩٤٤٣", "host:²", "host:+9443", "host: 9443"])
def test_an_address_without_a_port_is_refused_with_an_example(address):
    with pytest.raises(ValueError, match=r"expected HOST:PORT, e\.g\. 127\.0\.0\.1:9443"):
        parse_address(address)


@pytest.mark.parametrize("port", ["65536", "99999", "18446744073709551616", "9" * 5000])
def test_a_port_beyond_65535_is_refused_with_the_range(port):
    with pytest.raises(ValueError, match=rf"port {port} is out of range: give a port from 0 to 65535"):
        parse_address(f"127.0.0.1:{port}")
    with pytest.raises(ValueError, match="out of range"):   # before anything listens
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address=f"127.0.0.1:{port}")


def test_python_m_chaincode_refuses_an_out_of_range_port_before_serving():
    result = _python_m_chaincode("--operations-address", "127.0.0.1:99999")
    assert result.returncode == 2
    assert "operations address '127.0.0.1:99999': port 99999 is out of range" in result.stderr
    result = _python_m_chaincode(env_extra={"CHAINCODE_SERVER_ADDRESS": "127.0.0.1:70000"})
    assert result.returncode == 2
    assert "CHAINCODE_SERVER_ADDRESS '127.0.0.1:70000': port 70000 is out of range" in result.stderr
    assert "e.g. 0.0.0.0:9999" in result.stderr


def test_an_empty_host_listens_on_every_address():
    assert parse_address(":9443") == ("0.0.0.0", 9443)
    assert parse_address("[::1]:9443") == ("::1", 9443)


def stop(process: subprocess.Popen) -> None:
    """Terminate a server started here, killing it when it has not exited 10 s later: a server that hangs on
    SIGTERM must not stay up on its ports after the test."""
    process.terminate()
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


async def test_python_m_chaincode_serves_healthz_at_the_address_from_the_environment():
    port, ops = free_port(), free_port()
    env = dict(os.environ, CHAINCODE_ID=PACKAGE_ID, CHAINCODE_SERVER_ADDRESS=f"127.0.0.1:{port}",
               CHAINCODE_OPERATIONS_ADDRESS=f"127.0.0.1:{ops}")
    process = subprocess.Popen(
        [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        await connect_when_up(ops)
        status, _, body = await http_get(ops, "/healthz")
        assert status == 200 and json.loads(body)["status"] == "OK"
    finally:
        stop(process)


def test_python_m_chaincode_refuses_a_malformed_operations_address():
    env = dict(os.environ, CHAINCODE_ID=PACKAGE_ID, CHAINCODE_SERVER_ADDRESS="127.0.0.1:0")
    result = subprocess.run(
        [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract",
         "--operations-address", "9443"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "operations address '9443': expected HOST:PORT" in result.stderr


async def run_probe(command: list[str], env: dict[str, str] | None = None) -> int:
    assert command[0] == "CMD"
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return await asyncio.wait_for(process.wait(), 30)


async def test_the_compose_healthcheck_passes_while_serving_and_fails_on_503():
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address="127.0.0.1:0")
    await server.start()
    try:
        probe = compose.chaincode_healthcheck("127.0.0.1", server.operations_port)["test"]
        assert await run_probe(probe) == 0
        # Docker hands the daemon's proxy settings to containers; the probe must not use them
        dead_proxy = f"http://127.0.0.1:{free_port()}"
        proxied = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
        proxied.update(HTTP_PROXY=dead_proxy, http_proxy=dead_proxy, HTTPS_PROXY=dead_proxy, https_proxy=dead_proxy)
        assert await run_probe(probe, proxied) == 0
        outliving = OperationsServer("127.0.0.1:0", server.metrics, [server.failed_checks])
        outliving_port = await outliving.start()
    finally:
        await server.stop(0)
    try:
        assert await run_probe(compose.chaincode_healthcheck("127.0.0.1", outliving_port)["test"]) != 0
    finally:
        await outliving.stop()


def test_every_compose_chaincode_server_serves_operations_where_its_healthcheck_asks():
    document = compose.build(load_topology())
    servers = {name: svc for name, svc in document["services"].items() if svc.get("image") == compose.CHAINCODE_IMAGE}
    assert servers
    for name, service in servers.items():
        host, port = parse_address(service["environment"]["CHAINCODE_OPERATIONS_ADDRESS"])
        assert host == "0.0.0.0", "reachable from the compose network, not only inside the container"
        kind, python, flag, probe = service["healthcheck"]["test"]
        assert (kind, python, flag) == ("CMD", "python", "-c")
        urls = re.findall(r"'(http://[^']*)'", probe)
        assert urls == [f"http://{service['hostname']}:{port}/healthz"], \
            "the probe asks the service's own hostname at the port its server listens on"
        assert service["hostname"] == name
        assert str(port) in service["expose"]


def test_native_operations_ports_collide_with_no_node_or_chaincode_port():
    topology = load_topology()
    taken = [port for node in topology.nodes() for port in node.ports.values()]
    for offset in (0, 10, 20):   # the topology's chaincode and two more names (ccservers.port_offset_for)
        for org in topology.orgs:
            taken.append(parse_address(ccservers.server_address(topology, org, offset))[1])
            taken.append(parse_address(ccservers.operations_address(topology, org, offset))[1])
    assert len(taken) == len(set(taken))


# ---- TLS, as Fabric's operations.tls ------------------------------------------------------------
class OperationsPKI:
    """A server certificate, the operations client CA with a scraper it issued, and a stranger's CA."""

    def __init__(self, folder):
        def key():
            return ec.generate_private_key(ec.SECP256R1())

        self.folder = folder
        server_ca_key, client_ca_key, stranger_ca_key = key(), key(), key()
        server_ca = _certificate("server-ca", server_ca_key, ca=True)
        client_ca = _certificate("operations-client-ca", client_ca_key, ca=True)
        stranger_ca = _certificate("stranger-ca", stranger_ca_key, ca=True)
        server_key, scraper_key, stranger_key = key(), key(), key()
        self.server_ca = self._write("server-ca.crt", server_ca)
        self.client_ca = self._write("client-ca.crt", client_ca)
        self.cert = self._write("ops.crt", _certificate("chaincode-ops", server_key, server_ca.subject, server_ca_key))
        self.key = self._write("ops.key", server_key)
        self.scraper = (self._write("scraper.crt", _certificate("scraper", scraper_key, client_ca.subject,
                                                                client_ca_key)),
                        self._write("scraper.key", scraper_key))
        self.stranger = (self._write("stranger.crt", _certificate("stranger", stranger_key, stranger_ca.subject,
                                                                  stranger_ca_key)),
                         self._write("stranger.key", stranger_key))

    def _write(self, name, obj) -> str:
        path = self.folder / name
        path.write_bytes(_pem(obj))
        return str(path)

    def tls(self, required: bool = False) -> OperationsTLS:
        return OperationsTLS(self.cert, self.key, self.client_ca, required)

    def client(self, pair: tuple[str, str] | None = None) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.server_ca)
        if pair is not None:
            context.load_cert_chain(*pair)
        return context


@pytest.fixture
def pki(tmp_path):
    return OperationsPKI(tmp_path)


async def answered(port: int, tls: ssl.SSLContext | None) -> bool:
    """Whether a GET /healthz gets any HTTP answer at all (a refused handshake or a closed
    connection is no answer; with TLS 1.3 a refused client certificate may show as either)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=tls,
                                                       server_hostname="localhost" if tls else None)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    except (ssl.SSLError, ConnectionError):
        return False
    return raw.startswith(b"HTTP/1.1 ")


async def _tls_server(tls: OperationsTLS) -> ChaincodeServer:
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address="127.0.0.1:0",
                             operations_tls=tls)
    await server.start()
    return server


async def test_with_tls_healthz_answers_anyone_and_metrics_only_a_client_of_the_operations_ca(pki):
    server = await _tls_server(pki.tls())
    port = server.operations_port
    try:
        status, _, body = await http_get(port, "/healthz", tls=pki.client())
        assert status == 200 and json.loads(body)["status"] == "OK"
        status, _, body = await http_get(port, "/metrics", tls=pki.client())
        assert status == 401 and b"client certificate" in body and PREFIX.encode() not in body
        status, headers, body = await http_get(port, "/metrics", tls=pki.client(pki.scraper))
        assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
        assert parse_prometheus(body.decode())
        assert not await answered(port, pki.client(pki.stranger))   # a certificate the client CA did not issue
        assert not await answered(port, None)                        # plain HTTP
        assert await answered(port, pki.client())
    finally:
        await server.stop(0)


async def test_with_client_auth_required_a_client_without_a_certificate_is_refused_at_the_handshake(pki):
    server = await _tls_server(pki.tls(required=True))
    port = server.operations_port
    try:
        status, _, _ = await http_get(port, "/healthz", tls=pki.client(pki.scraper))
        assert status == 200
        assert not await answered(port, pki.client())
        assert await answered(port, pki.client(pki.scraper))
    finally:
        await server.stop(0)


async def test_tls_clients_that_never_read_their_answer_are_let_go_without_an_error(pki, caplog, monkeypatch):
    """A client that sends its request and then neither reads nor closes holds its socket only as long as
    the close notice is waited for (STOP_TIMEOUT_SECONDS, 1 s, not asyncio's 30 s), counts towards
    MAX_CONNECTIONS meanwhile, and costs no error in the log."""
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    listeners = []
    real_start_server = asyncio.start_server

    async def recording_start_server(*args, **options):
        listeners.append(options)
        return await real_start_server(*args, **options)

    monkeypatch.setattr(operations.asyncio, "start_server", recording_start_server)
    server = await _tls_server(pki.tls())
    endpoint = server._operations
    silent = []
    before = open_files()
    try:
        # how long the TLS listener waits for a client's close notice before it lets the socket go
        assert [options["ssl_shutdown_timeout"] for options in listeners] == [STOP_TIMEOUT_SECONDS] == [1.0]

        def request_and_never_read() -> ssl.SSLSocket:
            # a blocking socket nobody reads: unlike an asyncio client, it never answers the close notice
            tls = pki.client().wrap_socket(socket.create_connection(("127.0.0.1", server.operations_port)),
                                           server_hostname="localhost")
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            return tls

        for _ in range(5):
            silent.append(await asyncio.to_thread(request_and_never_read))
        # a bound on waiting only: the listener's close-notice wait is asserted above
        deadline = asyncio.get_running_loop().time() + 15
        # this process holds both ends: the server's 5 sockets must go (the clients' may close with them)
        while (endpoint._connections or open_files() > before + 5) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        assert not endpoint._connections
        assert open_files() <= before + 5
        assert await answered(server.operations_port, pki.client())
    finally:
        for tls in silent:
            tls.close()
        await server.stop(0)
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]


async def test_garbage_after_the_handshake_costs_no_error_and_the_endpoint_keeps_answering(pki, caplog):
    server = await _tls_server(pki.tls())
    try:
        def handshake_then_garbage() -> None:
            with socket.create_connection(("127.0.0.1", server.operations_port)) as plain:
                with pki.client().wrap_socket(plain, server_hostname="localhost") as tls:
                    # past TLS, straight onto the socket: an application-data record no session key made
                    os.write(tls.fileno(), b"\x17\x03\x03\x00\x20" + b"\x00" * 32)
                    tls.settimeout(5)
                    try:
                        tls.recv(1)
                    except (ssl.SSLError, OSError):
                        pass

        await asyncio.to_thread(handshake_then_garbage)
        assert await answered(server.operations_port, pki.client())
    finally:
        await server.stop(0)
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]


def test_an_encrypted_key_is_refused_rather_than_prompted_for(pki, tmp_path):
    from cryptography.hazmat.primitives import serialization
    key = serialization.load_pem_private_key(open(pki.key, "rb").read(), None)
    encrypted = tmp_path / "ops-encrypted.key"
    encrypted.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.BestAvailableEncryption(b"secret")))
    with pytest.raises(ValueError, match=r"key .*ops-encrypted\.key is encrypted: .*cannot ask for a passphrase"):
        OperationsTLS(pki.cert, str(encrypted), pki.client_ca).server_context()


def test_tls_files_that_cannot_be_used_are_named(pki, tmp_path):
    with pytest.raises(ValueError, match=r"cannot use certificate .*ops\.crt with key .*scraper\.key"):
        OperationsTLS(pki.cert, pki.scraper[1], pki.client_ca).server_context()
    with pytest.raises(ValueError, match=r"cannot read client CA bundle .*missing\.crt"):
        OperationsTLS(pki.cert, pki.key, str(tmp_path / "missing.crt")).server_context()
    with pytest.raises(ValueError, match="needs an operations address"):
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_tls=pki.tls())


def test_python_m_chaincode_refuses_incomplete_or_unusable_operations_tls_before_serving(pki, tmp_path):
    result = _python_m_chaincode("--operations-address", "127.0.0.1:0", "--operations-tls-cert", pki.cert)
    assert result.returncode == 2
    assert "operations TLS needs --operations-tls-key, --operations-tls-client-ca as well" in result.stderr
    result = _python_m_chaincode("--operations-tls-cert", pki.cert, "--operations-tls-key", pki.key,
                                 "--operations-tls-client-ca", pki.client_ca)
    assert result.returncode == 2 and "give --operations-address HOST:PORT" in result.stderr
    result = _python_m_chaincode("--operations-address", "127.0.0.1:0", env_extra={
        "CHAINCODE_OPERATIONS_TLS_CERT": pki.cert, "CHAINCODE_OPERATIONS_TLS_KEY": pki.key,
        "CHAINCODE_OPERATIONS_TLS_CLIENT_CA": str(tmp_path / "nowhere.pem")})
    assert result.returncode == 2 and "cannot read client CA bundle" in result.stderr
    assert "nowhere.pem" in result.stderr


async def test_python_m_chaincode_serves_https_operations_from_the_environment(pki):
    port, ops = free_port(), free_port()
    env = dict(os.environ, CHAINCODE_ID=PACKAGE_ID, CHAINCODE_SERVER_ADDRESS=f"127.0.0.1:{port}",
               CHAINCODE_OPERATIONS_ADDRESS=f"127.0.0.1:{ops}", CHAINCODE_OPERATIONS_TLS_CERT=pki.cert,
               CHAINCODE_OPERATIONS_TLS_KEY=pki.key, CHAINCODE_OPERATIONS_TLS_CLIENT_CA=pki.client_ca)
    process = subprocess.Popen(
        [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        await connect_when_up(ops)
        assert (await http_get(ops, "/healthz", tls=pki.client()))[0] == 200
        assert (await http_get(ops, "/metrics", tls=pki.client()))[0] == 401
        assert (await http_get(ops, "/metrics", tls=pki.client(pki.scraper)))[0] == 200
    finally:
        stop(process)
