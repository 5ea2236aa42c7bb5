import os
import shutil
import signal
from pathlib import Path

import pytest

from network import bundle, compose, crypto, nodeconfig
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.supervisor import Supervisor
from network.topology import load

from .operations_stand_in import OperationsStandIn
from .scripted_docker import ScriptedDocker


@pytest.fixture(scope="session")
def topology():
    return load()


@pytest.fixture(scope="session")
def crypto_root(tmp_path_factory, topology) -> Path:
    """One generated crypto tree for the whole session (generation is the slow part)."""
    root = tmp_path_factory.mktemp("net")
    crypto.generate(topology, root)
    return root


@pytest.fixture(scope="session")
def hosts():
    """The topology on hostnames, as compose files and per-org bundles address it."""
    return load().on_hosts()


@pytest.fixture(scope="session")
def prepared_hosts(tmp_path_factory, hosts) -> Path:
    """A data folder as `prepare --hostnames` leaves it (crypto from the real generator; the genesis
    block would come from configtxgen, which is absent here, so a stand-in file is only copied)."""
    root = tmp_path_factory.mktemp("hosts")
    crypto.generate(hosts, root)
    (root / "channel").mkdir()
    (root / "channel" / f"{hosts.channel}.block").write_bytes(b"genesis block stand-in: copied, never parsed")
    return root


@pytest.fixture(scope="module")
def written(tmp_path_factory, hosts, prepared_hosts) -> Path:
    """The supplier's bundle, written once per test module from a data folder as `prepare --hostnames` leaves
    it; the tests that change it take their own copy (`unpacked`)."""
    out = tmp_path_factory.mktemp("bundles") / "supplier"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    return out


@pytest.fixture
def unpacked(written, tmp_path) -> Path:
    """A fresh copy of the supplier's bundle per test, as unpacked on the company's host."""
    target = tmp_path / "var-recfin"
    shutil.copytree(written, target)
    return target


@pytest.fixture
def network_host(prepared_hosts, tmp_path) -> Path:
    """A fresh hosts data folder as `prepare --hostnames` leaves it: the one the bundles are written from,
    holding the channel orgs' keys."""
    return Path(shutil.copytree(prepared_hosts, tmp_path / "hosts"))


@pytest.fixture
def hosts_data(network_host, hosts) -> Path:
    """A fresh hosts data folder as `prepare --hostnames` leaves it, packages and chaincode.env included."""
    compose.write_packages(hosts, network_host)
    return network_host


@pytest.fixture
def data_root(tmp_path, crypto_root) -> Path:
    """A fresh data folder that already holds the session's crypto material."""
    root = tmp_path / "network"
    shutil.copytree(crypto_root, root)
    return root


@pytest.fixture
def data(data_root):
    """A data folder a restore may move aside: the session's crypto, a peer's ledger and the data folder's mark.
    A test module needing more (other nodes' ledgers, the genesis block) defines a `data` of its own."""
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    ledger = nodeconfig.node_dirs(data_root, "peer0.bank").data / "ledgersData"
    ledger.mkdir(parents=True)
    (ledger / "blockfile_000000").write_bytes(b"blocks")
    return data_root


@pytest.fixture
def fake_fabric(tmp_path, monkeypatch):
    """A bin and config folder holding placeholder tools that only exit 1: enough for presence checks."""
    home = tmp_path / "fabric"
    (home / "bin").mkdir(parents=True)
    (home / "config").mkdir()
    for tool in ("peer", "orderer", "configtxgen", "osnadmin"):
        exe = home / "bin" / tool
        exe.write_text("#!/bin/sh\necho 'placeholder, not Fabric' >&2\nexit 1\n")
        exe.chmod(0o755)
    (home / "config" / "core.yaml").write_text("peer:\n  id: jdoe\nvm:\n  endpoint: unix:///var/run/docker.sock\nchaincode:\n  externalBuilders: []\n")
    (home / "config" / "orderer.yaml").write_text("General:\n  ListenPort: 7050\n")
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(home))
    monkeypatch.delenv("RECFIN_FABRIC_BIN", raising=False)
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    return home


@pytest.fixture
def umask_022():
    """The usual umask (a peer's too), under which a file is made readable by all unless its writer says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def channel(fake_fabric, topology, data_root):
    """The default topology's channel on data_root, its `peer` CLI scripted (scripted_channel.py)."""
    from .channel_fixtures import channel_config
    from .scripted_channel import ScriptedChannel

    return ScriptedChannel(topology, channel_config(topology, data_root))


@pytest.fixture
def bank2_update_file(channel, topology, data_root, tmp_path):
    """bank2's update as `org add --update-out` writes it (signed as bank) on the host that generated bank2's
    keys, and the channel set to take it: (the change, the file)."""
    from .scripted_channel import BANK2_CODE, host, with_update

    writer = host(topology, data_root, channel)
    change = writer.plan_add("bank2", "bank", BANK2_CODE, sign_as=["bank"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    channel.after = with_update(change.current, change.update)
    return change, path


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """RECFIN_HOME: the native data folder is home/network, the compose record home/compose-run.json; neither
    RECFIN_TOPOLOGY nor the hosts data folder's variable set."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    for var in ("RECFIN_TOPOLOGY", compose.DATA_VARIABLE):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "home"


@pytest.fixture
def data_folder(home, fake_fabric) -> Path:
    """The native network's data folder under RECFIN_HOME (home/network), made empty, Fabric's binaries scripted."""
    folder = home / "network"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def docker(tmp_path, monkeypatch) -> ScriptedDocker:
    """A scripted `docker` on PATH: what compose-up, compose-status and down ask it (`containers` scripts it)."""
    return ScriptedDocker(tmp_path, monkeypatch)


@pytest.fixture
def supervisor():
    """A real Supervisor and the ``start(spec)`` to start processes through it: each process it started is
    stopped when the test ends, passed or failed, so none outlives it."""
    sup = Supervisor(grace=2.0)
    started = []

    def start(spec):
        started.append(spec.pid_file)
        return sup.start(spec)
    yield sup, start
    for pid_file in started:
        sup.stop(pid_file)


@pytest.fixture
def never_hangs():
    """A lock wait that never ends fails the test after 10 s instead of hanging it."""
    def stop(_signum, _frame):
        raise AssertionError("still waiting for the lock")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def operations():
    """A local HTTP stand-in for every node's operations endpoint (/healthz, /metrics, the Raft leader), orderer0
    leading; a test makes a node unhealthy or the channel leaderless through it."""
    stand_in = OperationsStandIn([n.name for n in load().nodes()])
    stand_in.leader = "orderer0.orderer"
    yield stand_in
    stand_in.close()
