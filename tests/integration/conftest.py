"""The integration suite: a real Fabric network, started and stopped by the suite.

The network is the project's own topology (three Raft orderers, four peer orgs)
run as native processes from the binaries that scripts/install-fabric builds.
Without those binaries every test here is skipped, with the install step's own
reason; nothing here ever stands in for a peer or an orderer.

The session runs the unit tests first, then these, then the fault suite (marker
``chaos``). The suite has a RECFIN_HOME of its own, a temporary folder, and its
network's data folder is in it. When ``up`` fails, or a test failed while the
network ran, the last lines of every node's and chaincode server's log are
printed at the end of pytest's report and the data folder is kept; after a clean
session it is removed. A network still running from the developer's own data folder (the demo's, which keeps
running) may hold the ports the suite's network needs: the session then fails before its own comes up, naming that
network by its folder and how to stop it.
"""
from __future__ import annotations

import json
import secrets
from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bench.network_session import ensure_parties
from cli.connection import Session, open_session
from cli.demo_commands import business_today, credit_code_of
from client.gateway import AsyncGateway, Gateway, connect, connect_async, load_msp_folder
from client.receivables import InvoiceInput, Receivable, ReceivableRegistration, ReceivablesClient
from network import Network, ccservers, nodeconfig, profiles
from network.control import DATA_ROOT_MARKER
from network.errors import TopologyError
from network.fabric_bin import FabricInstall, fabric_home, recorded_install_error
from network.ports import busy_ports
from network.supervisor import Supervisor, tail
from network.topology import DEFAULT_TOPOLOGY, Topology, load as load_topology

FEATURE_CHAINCODE = "features"
FEATURE_CONTRACT = "chaincode.feature_contract:FeatureContract"


EVENT_WAIT = 60.0
"""Seconds to wait for an event or block a test knows is coming before failing instead of hanging."""
LOG_LINES = 50
"""Lines of each node's and chaincode server's log the report ends with after a failure."""


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    # Sorted once every plugin has reordered (pytest_collection_modifyitems): pytest's cache plugin (--ff, --nf)
    # reorders there, in a wrapper that can enclose this conftest's, and would put a failed integration test
    # before the unit tests again. Before the terminal lists the items. Stable: each group keeps its order.
    session.items.sort(key=suite_rank)


def suite_rank(item: pytest.Item) -> int:
    """Where a test runs in the session: unit tests (0), then the integration tests (1), then the fault suite (2).
    The suite's network holds its 127.0.0.1 ports from the first integration test to the end of the session, and
    unit tests start processes on the same ports; the fault suite kills and restarts nodes of that network."""
    if item.get_closest_marker("chaos") is not None:
        return 2
    return 1 if item.get_closest_marker("integration") is not None else 0


_LOG_REPORT = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter, config) -> None:
    """The logs kept for the reader after a failed ``up`` or a session with failed tests (``keep_logs``)."""
    lines = config.stash.get(_LOG_REPORT, [])
    if lines:
        terminalreporter.section(f"Fabric network logs (last {LOG_LINES} lines of each)")
        for line in lines:
            terminalreporter.write_line(line)


def network_logs(data_root: Path) -> list[Path]:
    """Every node's and chaincode server's log in a network data folder (an org's that left included)."""
    nodes = nodeconfig.node_dirs(Path(), "*").log                      # nodes/<node>/node.log
    servers = ccservers.chaincode_dir(Path(), "*") / "*" / "server.log"   # chaincode/<name>/<org>/server.log
    return [*sorted(data_root.glob(str(nodes))), *sorted(data_root.glob(str(servers)))]


def keep_logs(config: pytest.Config, data_root: Path, why: str) -> None:
    """Put the last LOG_LINES lines of each log under ``data_root`` in the report's summary, saying ``why`` (nothing
    when there is no log: an `up` refused before it started anything says why on its own). Called before the
    network's processes are stopped: what a reader of a CI log gets to see."""
    logs = network_logs(data_root)
    if logs:
        report = config.stash.setdefault(_LOG_REPORT, [])
        report.append(f"{why}; data folder kept: {data_root}")
        for log in logs:
            report += [f"---- {log}", *tail(log, LOG_LINES)]


def fabric_missing_reason() -> str | None:
    """Why the real network cannot start here, or None when it can."""
    missing = FabricInstall.locate().missing()
    if not missing:
        return None
    why = recorded_install_error(fabric_home()) or "scripts/install-fabric has not been run"
    return f"Fabric binaries missing or not the pinned build ({'; '.join(missing)}): {why}"


PORTS_NAMED = 3
"""The taken ports a refusal names; it counts the rest."""


def developers_network_running(data_root: Path, suite: Topology, demo_data_root: Path) -> str | None:
    """Why the suite cannot bring its network (of ``suite``, the default topology) up while a network runs in the
    developer's data folder ``data_root``: the suite's `up` would fail every test with a PortInUseError that names a
    port, not the network holding it. Only when one of that network's nodes or chaincode servers runs (found by their
    pid files, as `recfin network status` and `down` find them) and a port the suite's nodes listen on is taken (the
    check `up` makes, network/ports.py). A developer's network of their own topology on other ports runs beside the
    suite's: None. It is named as the network of `scripts/demo` only when ``data_root`` is ``demo_data_root``, where
    the demo runs it; elsewhere a $RECFIN_TOPOLOGY put it, and `recfin network down` finds it with that topology."""
    pid_files = [*data_root.glob(str(nodeconfig.node_dirs(Path(), "*").pid)), *ccservers.server_pid_files(data_root)]
    supervisor = Supervisor()
    if not any(supervisor.running_pid(pid_file) is not None for pid_file in pid_files):
        return None
    host = suite.listen_host
    taken = busy_ports(host, [(node.name, key, port) for node in suite.nodes() for key, port in node.ports.items()])
    if not taken:
        return None
    listed = ", ".join(f"{owner} {key} {host}:{port}" for owner, key, port in taken[:PORTS_NAMED])
    if len(taken) > PORTS_NAMED:
        listed += f" and {len(taken) - PORTS_NAMED} more"
    if data_root.absolute() == demo_data_root.absolute():
        found, stop = "the network from `scripts/demo` (or `recfin network up`)", "`.venv/bin/recfin network down`"
    else:
        found, stop = "a network", "`.venv/bin/recfin network down` (with the RECFIN_TOPOLOGY that names that folder)"
    return (f"{found} is running in {data_root} and the ports the tests' network needs are taken ({listed}): "
            f"stop it with {stop}, then run the tests")


@pytest.fixture(scope="session")
def demo_data_root() -> Path:
    """The default topology's data folder outside the suite, $RECFIN_HOME/network, else <repo>/.recfin/network: where
    `scripts/demo` and `recfin network up` run their network. Read before ``recfin_home`` sets the suite's own."""
    return load_topology().resolved_data_root()


@pytest.fixture(scope="session")
def developers_data_root(demo_data_root) -> Path:
    """The data folder `recfin network` commands use outside the suite: their topology's ($RECFIN_TOPOLOGY, else
    network/topology.yaml), in $RECFIN_HOME, else <repo>/.recfin. Read before ``recfin_home`` sets the suite's own.
    A $RECFIN_TOPOLOGY that does not load started no network: the default topology's folder is the one looked in."""
    try:
        return profiles.default_data_root()
    except TopologyError:
        return demo_data_root


@pytest.fixture(scope="session", autouse=True)
def recfin_home(tmp_path_factory, developers_data_root) -> Path:
    """RECFIN_HOME for the integration session, a folder of its own, so nothing the suite runs reads or writes the
    developer's (<repo>/.recfin, or their $RECFIN_HOME), and no RECFIN_TOPOLOGY or RECFIN_HOSTS_DATA: the network's data folder is its ``network``, and a quote
    takes its lock under its ``locks``. Set in os.environ, so every ``recfin`` the tests start (CliRunner or a
    process of its own) and every node sees it; the value before is restored at the end of the session. Requests
    ``developers_data_root`` so that it is read first. matplotlib's folder (MPLCONFIGDIR) is the session's too: the
    bench plots."""
    home = tmp_path_factory.mktemp("recfin-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RECFIN_HOME", str(home))
        env.setenv("MPLCONFIGDIR", str(tmp_path_factory.mktemp("matplotlib")))
        # the suite's network is the default topology's: a developer's own topology (which may ask for invoice
        # attestations, or name another data folder) or hosts' data folder must not reach the `recfin` it runs
        for developers in ("RECFIN_TOPOLOGY", "RECFIN_HOSTS_DATA"):
            env.delenv(developers, raising=False)
        yield home


@pytest.fixture(scope="session")
def fabric_network(recfin_home, developers_data_root, demo_data_root, request) -> Network:
    reason = fabric_missing_reason()
    if reason:
        pytest.skip(reason)
    data_root = recfin_home / "network"     # where `recfin` without --data-root looks, as the topology sets none
    network = Network.load(data_root=data_root, say=print)
    if running := developers_network_running(developers_data_root, network.topology, demo_data_root):
        pytest.fail(running, pytrace=False)
    failed_before = request.session.testsfailed
    clean = False
    try:
        try:
            network.up()    # inside: an `up` that fails half way still has its started nodes stopped
        except BaseException:
            keep_logs(request.config, data_root, "`network up` failed")
            raise
        yield network
        clean = request.session.testsfailed == failed_before
        if not clean:
            keep_logs(request.config, data_root, "tests failed while the network ran")
    finally:
        # Loaded afresh: an org `recfin org add` brought in and no test took out again is in the data folder's
        # membership record, not in this object's topology, and its processes must stop too. Only a clean session
        # purges: after a failure the whole logs stay for the reader. An `up` that failed before it wrote anything
        # (a port taken) left no marked folder: purging would only hide why.
        written = (data_root / DATA_ROOT_MARKER).is_file()
        Network.load(data_root=data_root, say=print).down(purge=written and clean)


@pytest.fixture(scope="session")
def feature_chaincode(fabric_network, tmp_path_factory) -> str:
    """The runtime's feature-test contract, deployed with its private data collection."""
    from chaincode.feature_contract import feature_collections_json

    collections = tmp_path_factory.mktemp("features") / "collections.json"
    collections.write_text(feature_collections_json())
    fabric_network.deploy_chaincode(
        name=FEATURE_CHAINCODE, contract=FEATURE_CONTRACT, version="1.0", collections_config=collections
    )
    return FEATURE_CHAINCODE


def user_of(data_root: Path, org: str, user: str | None = None
            ) -> tuple[profiles.ConnectionProfile, profiles.UserIdentity]:
    """An org's connection profile and one of its users (default: the first the profile lists)."""
    profile = profiles.load(org, data_root)
    return profile, profile.user(user) if user else next(iter(profile.users.values()))


def connection_options(data_root: Path, org: str, user: str | None = None) -> tuple[str, dict]:
    """The address of an org's own gateway peer and the connect() options to reach it as one of its users."""
    profile, who = user_of(data_root, org, user)
    identity, signer = load_msp_folder(who.msp_dir, profile.msp_id)
    return profile.gateway.address, {
        "identity": identity,
        "signer": signer,
        "tls_root_certificates": profile.gateway.tls_root_cert,
        "server_name_override": profile.gateway.host_name_override,
    }


@pytest.fixture(scope="session")
def gateways(fabric_network):
    """connect_as(org, user) -> a Gateway to that org's own peer; all closed at the end."""
    opened: list[Gateway] = []

    def connect_as(org: str, user: str | None = None) -> Gateway:
        address, options = connection_options(fabric_network.data_root, org, user)
        gateway = connect(address, **options)
        opened.append(gateway)
        return gateway

    yield connect_as
    for gateway in opened:
        gateway.close()


@pytest.fixture(scope="session")
def async_gateways(fabric_network):
    """connect_as(org, user) -> an AsyncGateway to that org's own peer. Call it inside the event loop that
    uses it, and close it there (``async with``)."""

    def connect_as(org: str, user: str | None = None) -> AsyncGateway:
        address, options = connection_options(fabric_network.data_root, org, user)
        return connect_async(address, **options)

    return connect_as


@pytest.fixture(scope="session")
def contract_for(gateways, fabric_network, feature_chaincode):
    """contract(org, user) -> the feature contract through that org's own gateway peer (one Gateway per user)."""
    contracts = {}

    def contract(org: str, user: str | None = None):
        if (org, user) not in contracts:
            network = gateways(org, user).get_network(fabric_network.topology.channel)
            contracts[org, user] = network.get_contract(feature_chaincode)
        return contracts[org, user]

    return contract


@pytest.fixture(scope="module")
def receivables_deployed(fabric_network, every_peer) -> Network:
    """The topology's chaincode, receivables, deployed with its collections. Once per module: deploy is
    idempotent, and a module may follow one that redeployed it (org add/remove) or killed its servers."""
    fabric_network.deploy_chaincode()
    return fabric_network


@pytest.fixture(scope="module")
def party_codes(receivables_deployed) -> dict[str, str]:
    """The demo's parties registered (once; later calls find them): role key -> unified social credit code."""
    return ensure_parties(receivables_deployed.data_root, print)


@pytest.fixture(scope="session")
def topology_file(fabric_network, tmp_path_factory) -> Path:
    """The topology with the suite's network folder as its data_root, for commands that take --topology."""
    topology = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    topology["data_root"] = str(fabric_network.data_root.resolve())
    path = tmp_path_factory.mktemp("topology") / "topology.yaml"
    path.write_text(yaml.safe_dump(topology, sort_keys=False))
    return path


def as_json(result: bytes):
    return json.loads(result.decode()) if result else None


# Read-your-writes across orgs. Each org's peer commits blocks on its own, and a submit returns once the
# writer's own peer has its block: a step taken next through another org's peer could read state that peer
# does not have yet and be refused (``not-found``), now and then, on a loaded or slow machine.


_EVERY_PEER: list[Session] = []   # one open session per peer org of the topology (the `every_peer` fixture)


@pytest.fixture(scope="session")
def every_peer(fabric_network):
    """A session on each peer org's peer, open for the whole suite, so ``caught_up`` can bring every peer of the
    channel up to date: the step runs on its own org's peer, and the Gateway may ask any other org's to endorse."""
    with ExitStack() as stack:
        _EVERY_PEER[:] = [stack.enter_context(open_session(org.name, data_root=fabric_network.data_root))
                          for org in fabric_network.topology.orgs]
        try:
            yield _EVERY_PEER
        finally:
            _EVERY_PEER.clear()


def _every_peer_has(block: int, *sessions: Session) -> None:
    """Wait until each peer of the channel (and of ``sessions``) has committed ``block``."""
    if not _EVERY_PEER:
        raise RuntimeError("no session on every peer: request the `every_peer` fixture (receivables_deployed does)")
    for session in {s.profile.gateway.address: s for s in (*_EVERY_PEER, *sessions)}.values():
        session.client.wait_for_block(block)


def caught_up(session: Session, *writers: Session) -> ReceivablesClient:
    """``session``'s client, once every peer of the channel has every change the writers' clients committed.

    ``caught_up(core, tier1).confirm(claim.id)``: the core enterprise confirms, on its own peer and whichever
    other org's peer the Gateway asks to endorse, the claim the supplier registered through the supplier's.
    """
    blocks = [w.client.last_committed_block for w in writers if w.client.last_committed_block is not None]
    if blocks:
        _every_peer_has(max(blocks), session)
    return session.client


def peers_caught_up() -> int:
    """Every peer of the channel has the newest block any of them has; that block's number.

    For changes made through ``recfin`` commands: each opens its own connection, so the block its change
    went into is known only to the writer's peer, which has it.
    """
    newest = max(s.client.wait_for_block(0) for s in _EVERY_PEER) if _EVERY_PEER else 0
    _every_peer_has(newest)
    return newest


def register_claim(holder: Session, debtor: Session, amount: str, tax: str = "0.00", *, days: int = 90) -> Receivable:
    """A receivable of ``holder``'s party on ``debtor``'s, registered through the holder's peer: one new invoice
    (a random 20-digit number) issued today for ``amount`` plus ``tax`` yuan, due in ``days`` days."""
    return holder.client.register_receivable(claim_registration(holder, debtor, amount, tax, days=days))


def claim_registration(holder: Session, debtor: Session, amount: str, tax: str = "0.00", *,
                       days: int = 90) -> ReceivableRegistration:
    """The registration ``register_claim`` sends."""
    today = business_today()
    seller, buyer = credit_code_of(holder, ""), credit_code_of(debtor, "")
    invoice = InvoiceInput(number=f"{today:%y%m%d}{secrets.randbelow(10**14):014d}", date=today,
                           amount=Decimal(amount), tax=Decimal(tax), seller_tax_id=seller, buyer_tax_id=buyer)
    return ReceivableRegistration(
        debtor=buyer, face_amount=Decimal(amount) + Decimal(tax), issue_date=today,
        due_date=today + timedelta(days=days), invoices=[invoice], contract_hash=secrets.token_hex(32))
