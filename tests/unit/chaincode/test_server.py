"""The server entry points: ``python -m chaincode`` with SIGTERM, TLS, and a peer that goes away."""

import asyncio
import datetime
import ipaddress
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2_grpc, proposal_response_pb2

from chaincode.feature_contract import FeatureContract
from chaincode.shim import ChaincodeServer, server
from chaincode.shim.server import load_contract

from .peer_double import CALLER, PACKAGE_ID, Msg, PeerSide, running_server

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def connect_when_up(port: int, attempts: int = 100):
    for _ in range(attempts):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


async def test_python_m_chaincode_serves_and_stops_cleanly_on_sigterm():
    port = free_port()
    env = dict(os.environ, CHAINCODE_ID=PACKAGE_ID, CHAINCODE_SERVER_ADDRESS=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        await connect_when_up(port)
        async with PeerSide.connect(port) as peer:
            assert chaincode_pb2.ChaincodeID.FromString(peer.register.payload).name == PACKAGE_ID
            await peer.start("tx1", "features:EchoTransient", transient={"hello": b"world"})
            completed = await peer.expect("tx1", Msg.COMPLETED)
            response = proposal_response_pb2.Response.FromString(completed.payload)
            assert json.loads(response.payload) == {"hello": "world"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert b"stopping chaincode server" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_python_m_chaincode_needs_its_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINCODE_")}
    done = subprocess.run(
        [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract"],
        cwd=REPO, env=env, capture_output=True, timeout=60,
    )
    assert done.returncode == 2
    assert b"CHAINCODE_ID" in done.stderr


def _python_m_chaincode(*flags: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m chaincode`` run to its end (for start-up refusals); 30 s at most."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINCODE_")}
    env.update({"CHAINCODE_ID": PACKAGE_ID, "CHAINCODE_SERVER_ADDRESS": "127.0.0.1:0", **(env_extra or {})})
    return subprocess.run([sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract",
                           *flags], cwd=REPO, env=env, capture_output=True, text=True, timeout=30)


def test_load_contract():
    assert isinstance(load_contract("chaincode.feature_contract:FeatureContract"), FeatureContract)
    with pytest.raises(ValueError, match="module:Class"):
        load_contract("chaincode.feature_contract")


@pytest.mark.parametrize(("flags", "env", "expected"), [
    (["--log-level", "LOUD"], {},
     "error: unknown log level 'LOUD' (from --log-level or CHAINCODE_LOG_LEVEL): use DEBUG, INFO, WARNING, ERROR "
     "or CRITICAL"),
    ([], {"CHAINCODE_LOG_LEVEL": "verbose"}, "error: unknown log level 'verbose'"),
    (["--contract", "chaincode.no_such_module:Thing"], {},
     "error: --contract 'chaincode.no_such_module:Thing': cannot import chaincode.no_such_module: No module named "
     "'chaincode.no_such_module': give a module on the Python path"),
    (["--contract", "chaincode.feature_contract:Nothing"], {},
     "error: --contract 'chaincode.feature_contract:Nothing': module chaincode.feature_contract has no Nothing: "
     "give the name of a Contract class defined there"),
    (["--contract", "chaincode.feature_contract:transaction"], {},
     "error: --contract 'chaincode.feature_contract:transaction': transaction is not a Contract class"),
])
def test_python_m_chaincode_refuses_a_bad_log_level_or_contract_naming_it(flags, env, expected):
    result = _python_m_chaincode(*flags, env_extra=env)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


BROKEN_CONTRACT_MODULES = {
    "contract_with_syntax_error": "def broken(:\n    pass\n",
    "contract_raising_at_import": "raise RuntimeError('no ledger configured')\n",
    "contract_needing_arguments": (
        "from chaincode.contract import Contract\n\n\n"
        "class Configured(Contract):\n"
        "    name = 'configured'\n\n"
        "    def __init__(self, fee_rate):\n"
        "        super().__init__()\n"
    ),
    "contract_with_unconvertible_argument": (
        "from chaincode.contract import Contract, Context, transaction\n\n\n"
        "class Opaque:\n"
        "    pass\n\n\n"
        "class Taking(Contract):\n"
        "    name = 'taking'\n\n"
        "    @transaction(evaluate=True)\n"
        "    async def Take(self, ctx: Context, thing: Opaque) -> str:\n"
        "        return 'x'\n"
    ),
    "contracts_of_one_name": (
        "from chaincode.contract import Contract\n\n\n"
        "class First(Contract):\n"
        "    name = 'same'\n\n\n"
        "class Second(Contract):\n"
        "    name = 'same'\n"
    ),
}


@pytest.mark.parametrize(("spec", "expected"), [
    ("contract_with_syntax_error:Thing",
     "error: --contract 'contract_with_syntax_error:Thing': importing contract_with_syntax_error raised SyntaxError: "),
    ("contract_raising_at_import:Thing",
     "error: --contract 'contract_raising_at_import:Thing': importing contract_raising_at_import raised "
     "RuntimeError: no ledger configured: fix the module"),
    ("contract_needing_arguments:Configured",
     "error: --contract 'contract_needing_arguments:Configured': Configured() raised TypeError: "
     "Configured.__init__() missing 1 required positional argument: 'fee_rate': the server creates each contract "
     "without arguments, so Configured() must succeed"),
])
def test_python_m_chaincode_refuses_a_contract_that_fails_to_load_naming_the_exception(tmp_path, spec, expected):
    for module, source in BROKEN_CONTRACT_MODULES.items():
        (tmp_path / f"{module}.py").write_text(source)
    python_path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    result = _python_m_chaincode("--contract", spec, env_extra={"PYTHONPATH": python_path})
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("specs", "expected"), [
    (["contract_with_unconvertible_argument:Taking"], "cannot convert transaction arguments to"),
    (["contracts_of_one_name:First", "contracts_of_one_name:Second"], "two contracts are named 'same'"),
])
def test_python_m_chaincode_refuses_contracts_it_cannot_route_before_serving(tmp_path, specs, expected):
    for module, source in BROKEN_CONTRACT_MODULES.items():
        (tmp_path / f"{module}.py").write_text(source)
    python_path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    flags = [arg for spec in specs for arg in ("--contract", spec)]
    result = _python_m_chaincode(*flags, env_extra={"PYTHONPATH": python_path})
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and f"--contract {specs[0]}" in result.stderr
    assert "Traceback" not in result.stderr


def _certificate(name: str, key, issuer_name: x509.Name | None = None, issuer_key=None, ca: bool = False):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name or subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2020, 1, 1)).not_valid_after(datetime.datetime(2099, 1, 1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def _pem(obj) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


async def test_mutual_tls_accepts_a_client_of_the_ca_only():
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test-ca", ca_key, ca=True)
    server_key, client_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    server_cert = _certificate("chaincode", server_key, ca.subject, ca_key)
    client_cert = _certificate("peer0", client_key, ca.subject, ca_key)
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID,
                             tls_cert=_pem(server_cert), tls_key=_pem(server_key), client_ca=_pem(ca))
    port = await server.start()
    try:
        good = grpc.ssl_channel_credentials(_pem(ca), _pem(client_key), _pem(client_cert))
        async with grpc.aio.secure_channel(f"127.0.0.1:{port}", good) as channel:
            call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
            register = await asyncio.wait_for(call.read(), 5)
            assert register.type == Msg.REGISTER
            call.cancel()
        anonymous = grpc.ssl_channel_credentials(_pem(ca))
        async with grpc.aio.secure_channel(f"127.0.0.1:{port}", anonymous) as channel:
            call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
            with pytest.raises(grpc.aio.AioRpcError):
                await asyncio.wait_for(call.read(), 5)
    finally:
        await server.stop(0)


async def test_a_peer_that_disconnects_mid_transaction_leaves_the_server_serving():
    async with running_server([FeatureContract()]) as port:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
        await call.read()
        await call.write(Msg(type=Msg.REGISTERED))
        await call.write(Msg(type=Msg.READY))
        await call.write(Msg(type=Msg.TRANSACTION, txid="t", channel_id="c",
                             payload=chaincode_pb2.ChaincodeInput(args=[b"features:GetState", b"k"]).SerializeToString()))
        assert (await call.read()).type == Msg.GET_STATE  # the transaction waits for our answer...
        call.cancel()  # ...and we vanish
        await channel.close()
        async with PeerSide.connect(port) as peer:  # a new peer is still served
            await peer.start("t2", "features:WhoAmI")
            response = proposal_response_pb2.Response.FromString((await peer.expect("t2", Msg.COMPLETED)).payload)
            assert json.loads(response.payload)["msp_id"] == CALLER.msp_id


QUIET_SECONDS = 8.0  # long enough for gRPC's default policy to count three early pings and GOAWAY


async def test_keepalive_pings_on_a_quiet_stream_do_not_end_the_connection(monkeypatch):
    """The peer pings every minute without traffic; the server must let it, or the peer loses the chaincode.

    gRPC clients ping at most once a second, so the server's floor is lowered below that here to
    run the same policy in seconds instead of minutes.
    """
    assert server.PEER_PING_MIN_INTERVAL_MS <= 60_000  # Fabric's peer pings after 60 s without traffic
    monkeypatch.setattr(server, "PEER_PING_MIN_INTERVAL_MS", 500)
    pinging = [("grpc.keepalive_time_ms", 1000), ("grpc.keepalive_permit_without_calls", 1),
               ("grpc.http2.max_pings_without_data", 0)]
    async with running_server([FeatureContract()]) as port:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=pinging) as channel:
            call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
            assert (await call.read()).type == Msg.REGISTER
            await call.write(Msg(type=Msg.REGISTERED))
            await call.write(Msg(type=Msg.READY))
            await asyncio.sleep(QUIET_SECONDS)
            await call.write(Msg(type=Msg.KEEPALIVE))
            assert (await asyncio.wait_for(call.read(), 5)).type == Msg.KEEPALIVE
            call.cancel()


async def test_a_second_server_on_a_port_in_use_fails_to_start_instead_of_sharing_it():
    async with running_server([FeatureContract()]) as port:
        second = ChaincodeServer([FeatureContract()], f"127.0.0.1:{port}", PACKAGE_ID)
        try:
            with pytest.raises(OSError, match=rf"cannot serve the chaincode on 127\.0\.0\.1:{port}: another "
                                              r"process listens on that port.*choose a free port with "
                                              r"CHAINCODE_SERVER_ADDRESS"):
                await second.start()
            assert second.failed_checks(), "the second server is not serving"
        finally:
            await second.stop(0)   # in case it did start


def test_python_m_chaincode_on_a_port_in_use_exits_with_what_to_change():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _python_m_chaincode(env_extra={"CHAINCODE_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    assert result.returncode == 1
    assert f"error: cannot serve the chaincode on 127.0.0.1:{port}: another process listens" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_client_ca_without_a_certificate_and_key_is_refused():
    ca_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ValueError, match="a client CA needs TLS: give the server's certificate and key too"):
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID,
                        client_ca=_pem(_certificate("test-ca", ca_key, ca=True)))


@pytest.mark.parametrize("address", ["127.0.0.1:70000", "127.0.0.1", "127.0.0.1:http"])
def test_a_server_address_gRPC_would_misread_is_refused_before_serving(address):
    """gRPC binds port 70000 as 4464 (modulo 65536) without a word; the class checks as the command line does."""
    with pytest.raises(ValueError, match=r"chaincode server address .*(out of range|expected HOST:PORT)"):
        ChaincodeServer([FeatureContract()], address, PACKAGE_ID)


@pytest.mark.parametrize("address", [":::9999", "::1:9999", "fe80::1:0"])
def test_an_ipv6_server_address_without_brackets_is_refused_saying_how_to_write_it(address):
    """gRPC reads an unbracketed IPv6 address whole, with port 443, and fails to bind it as if the port were
    taken: the refusal says to write the brackets instead."""
    with pytest.raises(ValueError, match=r"an IPv6 address needs brackets: write \[ADDRESS\]:PORT"):
        ChaincodeServer([FeatureContract()], address, PACKAGE_ID)


def test_python_m_chaincode_refuses_an_ipv6_address_without_brackets_before_serving():
    result = _python_m_chaincode(env_extra={"CHAINCODE_SERVER_ADDRESS": "::1:9999"})
    assert result.returncode == 2
    assert ("error: CHAINCODE_SERVER_ADDRESS '::1:9999': an IPv6 address needs brackets: write [ADDRESS]:PORT, "
            "e.g. [::1]:9999, or [::]:9999 for every address") in result.stderr


async def test_a_bracketed_ipv6_server_address_serves():
    server = ChaincodeServer([FeatureContract()], "[::1]:0", PACKAGE_ID)
    try:
        assert await server.start() > 0
    finally:
        await server.stop(0)


@pytest.mark.parametrize("package_id", ["receivables", "receivables_1.0", "receivables_1.0:", ":ab12"])
def test_a_package_id_that_is_not_label_colon_hash_is_refused(package_id):
    """A peer ignores a registration under any name but the package ID it installed, without a word to the
    chaincode: the server would sit unregistered while each invocation waits out the peer's launch timeout."""
    with pytest.raises(ValueError, match=r"is not a package ID \(LABEL:HASH\): give the ID the peers"):
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", package_id)


@pytest.mark.parametrize("package_id", ["receivables_1.0:ab12\r", "receivables_1.0:ab12 ", " receivables_1.0:ab12",
                                        "receivables_1.0:ab\tcd", "receivables_1.0:ab12\n"])
def test_a_package_id_holding_whitespace_or_a_control_character_is_refused_naming_it(package_id):
    """A line end left by an env file written on Windows, or a space copied with the ID: no package ID holds one
    (Fabric's labels are letters, digits and _.+-, its hashes hex), so every peer would refuse the registration
    without a word to the chaincode."""
    with pytest.raises(ValueError) as refused:
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", package_id)
    assert str(refused.value).startswith(f"chaincode package ID {package_id!r} holds whitespace or a control "
                                         f"character"), refused.value
    assert "remove it" in str(refused.value)


def test_python_m_chaincode_refuses_a_chaincode_id_with_a_stray_line_end_before_serving():
    result = _python_m_chaincode(env_extra={"CHAINCODE_ID": "receivables_1.0:ab12\r"})
    assert result.returncode == 2
    assert "error: CHAINCODE_ID 'receivables_1.0:ab12\\r' holds whitespace or a control character" in result.stderr
    assert "listening" not in result.stderr


def test_python_m_chaincode_refuses_a_chaincode_id_that_is_no_package_id_before_serving():
    result = _python_m_chaincode(env_extra={"CHAINCODE_ID": "receivables"})
    assert result.returncode == 2
    assert "error: CHAINCODE_ID 'receivables' is not a package ID (LABEL:HASH): " in result.stderr
    assert "listening" not in result.stderr


@pytest.fixture
def chaincode_tls_files(tmp_path):
    """A CA, a server certificate it issued with its key, and a file that is no PEM at all."""
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test-ca", ca_key, ca=True)
    files = {"ca": _pem(ca), "cert": _pem(_certificate("chaincode", server_key, ca.subject, ca_key)),
             "key": _pem(server_key), "junk": b"not a certificate\n"}
    for name, content in files.items():
        (tmp_path / f"{name}.pem").write_bytes(content)
    return {name: str(tmp_path / f"{name}.pem") for name in files}


@pytest.mark.parametrize(("tls", "expected"), [
    ({"CLIENT_CA": "ca"},
     ["chaincode TLS needs CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY as well: the server's PEM certificate and its "
      "key (a client CA without them would leave the server serving plaintext)"]),
    ({"CERT": "cert", "CLIENT_CA": "ca"}, ["chaincode TLS needs CHAINCODE_TLS_KEY as well"]),
    ({"CERT": "junk", "KEY": "key"},
     ["chaincode TLS (CHAINCODE_TLS_*): cannot use certificate {junk} with key {key}: ",
      "give a PEM certificate and the PEM key that matches it"]),
    ({"CERT": "cert", "KEY": "missing"}, ["cannot use certificate {cert} with key {missing}: No such file"]),
    ({"CERT": "cert", "KEY": "key", "CLIENT_CA": "junk"},
     ["cannot read client CA bundle {junk}: ",
      "give the PEM certificate(s) of the CA that issues the peers' TLS client certificates"]),
])
def test_python_m_chaincode_refuses_incomplete_or_unusable_tls_before_serving(chaincode_tls_files, tls, expected):
    paths = dict(chaincode_tls_files, missing=chaincode_tls_files["key"] + ".missing")
    result = _python_m_chaincode(env_extra={f"CHAINCODE_TLS_{variable}": paths[name] for variable, name in tls.items()})
    assert result.returncode == 2, result.stderr
    for fragment in expected:
        assert fragment.format(**paths) in result.stderr
    assert "Traceback" not in result.stderr and "listening" not in result.stderr


async def test_the_start_up_log_names_the_port_bound_when_port_0_picks_one(caplog):
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID)
    with caplog.at_level(logging.INFO, logger="chaincode.shim.server"):
        port = await server.start()
    try:
        assert port != 0 and f"listening on 127.0.0.1:{port} (tls=False)" in caplog.text
    finally:
        await server.stop(0)


async def _register_or_refusal(port: int, ca, key, cert) -> grpc.aio.AioRpcError | int:
    """The first message's type when the server accepts the client's stream, else the error it ends with."""
    credentials = grpc.ssl_channel_credentials(_pem(ca), _pem(key), _pem(cert))
    async with grpc.aio.secure_channel(f"127.0.0.1:{port}", credentials) as channel:
        call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
        try:
            return (await asyncio.wait_for(call.read(), 5)).type
        except grpc.aio.AioRpcError as exc:
            return exc
        finally:
            call.cancel()


async def test_client_names_admit_only_certificates_of_those_common_names(caplog):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test-ca", ca_key, ca=True)
    keys = {name: ec.generate_private_key(ec.SECP256R1()) for name in ("server", "peer", "user")}
    certs = {"server": _certificate("chaincode", keys["server"], ca.subject, ca_key),
             "peer": _certificate("peer-client.chaincode", keys["peer"], ca.subject, ca_key),
             "user": _certificate("officer1@bank", keys["user"], ca.subject, ca_key)}
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, tls_cert=_pem(certs["server"]),
                             tls_key=_pem(keys["server"]), client_ca=_pem(ca), client_names=["peer-client.chaincode"])
    port = await server.start()
    try:
        assert await _register_or_refusal(port, ca, keys["peer"], certs["peer"]) == Msg.REGISTER
        for who in ("user", "server"):       # issued by the same CA, but not the peer's client certificate
            refused = await _register_or_refusal(port, ca, keys[who], certs[who])
            assert isinstance(refused, grpc.aio.AioRpcError), who
            assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
            assert repr(certs[who].subject.rfc4514_string().removeprefix("CN=")) in refused.details()
        # the server keeps serving the client it admits
        assert await _register_or_refusal(port, ca, keys["peer"], certs["peer"]) == Msg.REGISTER
    finally:
        await server.stop(0)
    assert "CHAINCODE_TLS_CLIENT_NAMES is not set" not in caplog.text


async def test_a_client_ca_without_client_names_starts_with_a_warning_naming_the_risk(caplog):
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test-ca", ca_key, ca=True)
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID,
                             tls_cert=_pem(_certificate("chaincode", server_key, ca.subject, ca_key)),
                             tls_key=_pem(server_key), client_ca=_pem(ca))
    with caplog.at_level(logging.WARNING, logger="chaincode.shim.server"):
        await server.start()
        await server.stop(0)
    assert "CHAINCODE_TLS_CLIENT_NAMES is not set: this server accepts every client certificate" in caplog.text


@pytest.mark.parametrize("tls, said", [(False, "this server speaks plain text"),
                                        (True, "this server asks no client certificate")])
async def test_a_server_without_client_certificates_starts_with_a_warning_naming_the_risk(caplog, tls, said):
    """Without a client CA any host that reaches the port can play the peer: it cannot reach the ledger, but it
    can have the server run transactions."""
    server_key = ec.generate_private_key(ec.SECP256R1())
    tls_files = {"tls_cert": _pem(_certificate("chaincode", server_key)), "tls_key": _pem(server_key)} if tls else {}
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, **tls_files)
    with caplog.at_level(logging.WARNING, logger="chaincode.shim.server"):
        await server.start()
        await server.stop(0)
    # the address named is the one bound, not the configured port 0 ("a free one"), which no host can reach
    reaches = re.search(rf"CHAINCODE_TLS_CLIENT_CA is not set: {said}, so any host that reaches "
                        r"127\.0\.0\.1:(\d+) can act as the peer", caplog.text)
    assert reaches is not None and int(reaches.group(1)) > 0, caplog.text


async def test_a_server_requiring_client_certificates_of_named_peers_starts_without_a_warning(caplog):
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test-ca", ca_key, ca=True)
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID,
                             tls_cert=_pem(_certificate("chaincode", server_key, ca.subject, ca_key)),
                             tls_key=_pem(server_key), client_ca=_pem(ca), client_names=["peer-client.chaincode"])
    with caplog.at_level(logging.WARNING, logger="chaincode.shim.server"):
        await server.start()
        await server.stop(0)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_client_names_without_a_client_ca_are_refused(chaincode_tls_files):
    with pytest.raises(ValueError, match=r"client names \(CHAINCODE_TLS_CLIENT_NAMES\) need a client CA"):
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, tls_cert=b"cert", tls_key=b"key",
                        client_names=["peer-client.chaincode"])
    result = _python_m_chaincode(env_extra={"CHAINCODE_TLS_CERT": chaincode_tls_files["cert"],
                                            "CHAINCODE_TLS_KEY": chaincode_tls_files["key"],
                                            "CHAINCODE_TLS_CLIENT_NAMES": "peer-client.chaincode"})
    assert result.returncode == 2, result.stderr
    assert "CHAINCODE_TLS_CLIENT_NAMES is set but CHAINCODE_TLS_CLIENT_CA is not" in result.stderr


def test_client_names_are_read_comma_separated():
    assert server.parse_client_names(" peer-client.a , ,peer-client.b,") == {"peer-client.a", "peer-client.b"}
    assert server.parse_client_names(None) == server.parse_client_names("  ") == frozenset()


def test_client_names_given_as_one_str_are_refused_rather_than_taken_letter_by_letter():
    # frozenset("peer-client.chaincode") is its letters: the peer's certificate refused, one whose CN is "p" admitted
    with pytest.raises(ValueError, match=r"client names must be a list of subject common names, not a str: wrap a "
                                         r"single name in a list, \['peer-client.chaincode'\]"):
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, tls_cert=b"cert", tls_key=b"key",
                        client_ca=b"ca", client_names="peer-client.chaincode")
