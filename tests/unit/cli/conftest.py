import shutil
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from network import Network, crypto, profiles
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """A CLI runner whose network lives in tmp_path and whose Fabric install is empty."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "fabric"))
    for var in ("RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG", "RECFIN_TOPOLOGY"):
        monkeypatch.delenv(var, raising=False)
    return CliRunner()


@pytest.fixture(scope="session")
def generated_crypto(tmp_path_factory):
    """The default topology's crypto material, generated once for the session: copy it before changing it."""
    root = tmp_path_factory.mktemp("generated") / "network"
    crypto.generate(load(), root)
    return root


@pytest.fixture
def network_copy(tmp_path, generated_crypto):
    """RECFIN_HOME's data folder (the runner's), holding a copy of the generated crypto material."""
    root = tmp_path / "home" / "network"
    shutil.copytree(generated_crypto, root)
    return root


@pytest.fixture
def network_home(runner, tmp_path, network_copy):
    """RECFIN_HOME's data folder holding the network's crypto, and the channel's config block."""
    root = network_copy
    block = tmp_path / "config.block"
    block.write_bytes(config_block(channel_config(load(), root), "receivables").SerializeToString())
    return root, block


def files_under(root):
    return sorted(p.relative_to(root) for p in root.rglob("*"))


@pytest.fixture
def peer_serving(tmp_path, runner):
    """Have the runner's Fabric install's `peer` hand out the given config block as the channel's:
    ``peer_serving(block)`` is the file that each `peer channel update` it is asked for adds a line to."""
    def serve(block: Path) -> Path:
        home = tmp_path / "fabric"
        (home / "bin").mkdir(parents=True)
        (home / "config").mkdir()
        (home / "config" / "core.yaml").write_text("peer:\n  id: jdoe\nchaincode:\n  externalBuilders: []\n")
        (home / "config" / "orderer.yaml").write_text("General:\n  ListenPort: 7050\n")
        for tool in ("orderer", "configtxgen", "osnadmin"):
            (home / "bin" / tool).write_text("#!/bin/sh\nexit 1\n")
            (home / "bin" / tool).chmod(0o755)
        submitted = tmp_path / "submitted.txt"
        (home / "bin" / "peer").write_text(f"""#!/bin/sh
case "$1 $2" in
  "channel fetch") cp {block} "$4"; exit 0;;
  "channel update") echo "$@" >> {submitted}; exit 0;;
esac
exit 1
""")
        (home / "bin" / "peer").chmod(0o755)
        return submitted
    return serve


@pytest.fixture
def scripted_peer_cli(runner, tmp_path, monkeypatch):
    """Have every network the commands load use ``scripted`` as its `peer` CLI (tests/unit/network/scripted_*.py):
    ``scripted_peer_cli(scripted)``. The runner's Fabric install gets a `peer` to find and its core.yaml."""
    def use(scripted):
        fabric = tmp_path / "fabric"
        (fabric / "bin").mkdir(parents=True)
        (fabric / "bin" / "peer").write_text("#!/bin/sh\nexit 1\n")
        (fabric / "bin" / "peer").chmod(0o755)
        (fabric / "config").mkdir()
        (fabric / "config" / "core.yaml").write_text("peer:\n  id: jdoe\n")
        (fabric / "config" / "orderer.yaml").write_text("General:\n  ListenPort: 7050\n")
        loaded = Network.load.__func__

        def with_scripted_peer(cls, *args, **kwargs):
            net = loaded(cls, *args, **kwargs)
            net.tools = scripted
            return net

        monkeypatch.setattr(Network, "load", classmethod(with_scripted_peer))
        return scripted
    return use


@pytest.fixture
def over_a_gateway(monkeypatch):
    """Have every ledger command's session (``cli.connection.open_session``) connect through the SDK's gateway
    to a FakeTransport (tests/unit/client/gateway_fakes.py), on the profile's chaincode of channel
    receivables-channel: ``over_a_gateway(transport)``."""
    from cli import connection
    from client.gateway import Identity, connect, private_key_signer
    from client.receivables import CONTRACT_NAME, ReceivablesClient
    from tests.unit.client.gateway_fakes import make_key_and_cert
    from tests.unit.receivables_client.test_cli import profile

    def use(transport) -> None:
        @contextmanager
        def open_session(org, user=None, data_root=None, *, admin=False):
            key, cert = make_key_and_cert("user1")
            gateway = connect(transport=transport, identity=Identity.from_pem("Org1MSP", cert),
                              signer=private_key_signer(key))
            p = profile(org).model_copy(update={"channel": "receivables-channel"})
            network = gateway.get_network(p.channel)   # as open_session connects: to the profile's channel
            contract = network.get_contract(p.chaincode, CONTRACT_NAME)
            yield connection.Session(ReceivablesClient(contract, network), p, p.users["u1"], gateway)

        monkeypatch.setattr(connection, "open_session", open_session)
        monkeypatch.setattr(connection, "note_caller", lambda *args: None)
    return use


@pytest.fixture
def ledger_sessions(monkeypatch):
    """Every ledger command's session (``cli.connection.open_session``): recorded as (org, user), and refused with
    "connecting", so that a test sees whether a command got as far as connecting, and as whom."""
    from cli import connection

    opened = []

    def open_session(org, user=None, data_root=None, **_):
        opened.append((org, user))
        raise click.ClickException("connecting")

    monkeypatch.setattr(connection, "open_session", open_session)
    return opened


def user_msp(root, org, user):
    """A user's MSP folder in a data folder's generated crypto."""
    return root / "crypto" / org / "users" / f"{user}@{org}.recfin.local" / "msp"


@pytest.fixture
def connecting(network_copy, monkeypatch):
    """The data folder with its profiles written; each connection recorded (address, MSP ID, the certificate's
    subject), then refused with "connecting"."""
    profiles.write_all(load(), network_copy)
    connected = []

    def connect(address, *, identity, **_):
        connected.append((address, identity.msp_id, identity.certificate.subject.rfc4514_string()))
        raise click.ClickException("connecting")

    monkeypatch.setattr("client.gateway.connect", connect)   # cli.connection imports it when it connects
    return connected


@pytest.fixture
def timeouts_given(monkeypatch):
    """The Timeouts each ledger connection was given, then refused with "connecting"; RECFIN_TIMEOUT unset."""
    given = []

    def connect(address, *, identity, timeouts=None, **_):
        given.append(timeouts)
        raise click.ClickException("connecting")

    monkeypatch.setattr("client.gateway.connect", connect)   # cli.connection imports it when it connects
    monkeypatch.delenv("RECFIN_TIMEOUT", raising=False)
    return given
