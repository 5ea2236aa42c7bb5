"""Network orchestration up to the point where real Fabric binaries are needed."""
import re
import socket
import sys
from pathlib import Path

import pytest

from network import ccservers, control
from network.control import Network
from network.errors import MissingBinariesError, NetworkError, NodeNotFoundError, PortInUseError
from network.fabric_bin import FabricInstall
from network.supervisor import ProcessSpec


def make(topology, root, fabric=None):
    lines = []
    net = Network(topology, data_root=root, fabric=fabric or FabricInstall.locate(), say=lines.append, timeout=5)
    return net, lines


def test_up_without_binaries_stops_before_anything(topology, tmp_path):
    net, _ = make(topology, tmp_path / "net", FabricInstall(tmp_path / "bin", tmp_path / "cfg"))
    with pytest.raises(MissingBinariesError, match="run scripts/install-fabric"):
        net.up()
    assert not (tmp_path / "net").exists()


def test_up_reports_a_busy_port_by_node_before_starting(topology, tmp_path, fake_fabric):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", topology.node("peer0.regulator").ports["operations_port"]))
    except OSError:
        pytest.skip("port 9447 is taken by something else on this machine")
    sock.listen(1)
    try:
        net, lines = make(topology, tmp_path / "net")
        with pytest.raises(PortInUseError, match=r"peer0\.regulator operations_port 127\.0\.0\.1:9447"):
            net.up()
        assert lines == [] and not (tmp_path / "net").exists()
    finally:
        sock.close()


def test_up_refuses_where_a_stopped_restore_left_the_data_folder_only_aside(topology, tmp_path, fake_fabric):
    """A `restore --replace` killed between its two renames leaves DIR missing and DIR.before-restore-* holding the
    channel's data: `up` there would start a new network with new keys and an empty ledger in its stead."""
    aside = tmp_path / "net.before-restore-20261204T145449Z"
    (aside / "crypto").mkdir(parents=True)
    net, lines = make(topology, tmp_path / "net")
    with pytest.raises(NetworkError, match=rf"net is not there but {re.escape(str(aside))} is: a `recfin network "
                                           rf"restore --replace` stopped midway.*`mv {re.escape(str(aside))} "):
        net.up()
    assert lines == [] and not (tmp_path / "net").exists() and (aside / "crypto").is_dir()
    # a folder of another name beside it is no such aside, and one beside a data folder that is there is the
    # earlier folder a finished restore kept: nothing to refuse for either
    aside.rename(tmp_path / "net.before-restore-by-hand")
    control._refuse_where_a_restore_stopped(tmp_path / "net")
    (tmp_path / "net").mkdir()
    (tmp_path / "net.before-restore-by-hand").rename(aside)
    control._refuse_where_a_restore_stopped(tmp_path / "net")


def test_status_of_a_stopped_network(topology, tmp_path, fake_fabric):
    net, _ = make(topology, tmp_path)
    rows = net.status()
    assert [r.name for r in rows] == [n.name for n in topology.nodes()]
    assert all(r.pid is None and not r.healthy and r.height is None for r in rows)
    assert rows[0].log == tmp_path / "nodes" / "orderer0.orderer" / "node.log"


def test_status_lists_chaincode_servers_of_recorded_deployments(topology, tmp_path, fake_fabric):
    ccservers.save_deployment(tmp_path, ccservers.Deployment("receivables", "1.0", 1, "m:C", None, None, 0,
                                                             {o.msp_id: "receivables_1.0:aa" for o in topology.orgs}))
    net, _ = make(topology, tmp_path)
    servers = [r for r in net.status() if r.kind == "chaincode"]
    assert [(r.name, r.address) for r in servers] == [
        ("receivables.coreenterprise", "127.0.0.1:9991"), ("receivables.supplier", "127.0.0.1:9992"),
        ("receivables.bank", "127.0.0.1:9993"), ("receivables.regulator", "127.0.0.1:9994")]
    assert net.log_path("receivables.bank") == tmp_path / "chaincode" / "receivables" / "bank" / "server.log"


def test_node_spec_runs_the_fabric_binary_with_its_env(topology, tmp_path, fake_fabric):
    net, _ = make(topology, tmp_path)
    peer = net.node_spec(topology.node("peer0.bank"))
    assert peer.argv == [str(fake_fabric / "bin" / "peer"), "node", "start"]
    assert peer.env["CORE_PEER_LOCALMSPID"] == "BankMSP" and "PATH" in peer.env
    orderer = net.node_spec(topology.node("orderer0.orderer"))
    assert orderer.argv == [str(fake_fabric / "bin" / "orderer")]
    assert orderer.pid_file == tmp_path / "nodes" / "orderer0.orderer" / "node.pid"


def test_a_relative_data_root_reaches_fabric_as_absolute_paths(topology, tmp_path, fake_fabric, monkeypatch):
    """The peer reads a relative MSP path against FABRIC_CFG_PATH and configtxgen a relative MSPDir
    against configtx.yaml's folder: a relative --data-root must never reach them as given."""
    from network import configtx

    monkeypatch.chdir(tmp_path)
    net, _ = make(topology, "net")
    assert net.data_root == tmp_path / "net"
    env = net.node_spec(topology.node("peer0.bank")).env
    for key in ("FABRIC_CFG_PATH", "CORE_PEER_MSPCONFIGPATH", "CORE_PEER_TLS_CERT_FILE", "CORE_PEER_FILESYSTEMPATH"):
        assert env[key].startswith(str(tmp_path / "net")), key
    profile = configtx.build(net.topology, net.data_root)["Profiles"][configtx.PROFILE]
    assert profile["Application"]["Organizations"][0]["MSPDir"].startswith(str(tmp_path / "net"))
    assert profile["Orderer"]["EtcdRaft"]["Consenters"][0]["ClientTLSCert"].startswith(str(tmp_path / "net"))


def test_logs_of_a_node(topology, tmp_path, fake_fabric):
    net, _ = make(topology, tmp_path)
    log = net.log_path("peer0.supplier")
    log.parent.mkdir(parents=True)
    log.write_text("a\nb\nc\n")
    assert net.logs("peer0.supplier.recfin.local", 2) == ["b", "c"]
    with pytest.raises(NodeNotFoundError):
        net.log_path("peer7.nowhere")


def test_logs_of_a_node_not_started_say_so_as_the_cli_does(topology, tmp_path, fake_fabric):
    # an empty list would read as a log nothing was written to yet, not as a node never started here
    net, _ = make(topology, tmp_path)
    for read in (net.logs, net.follow):
        with pytest.raises(NetworkError, match=r"no log yet for peer0\.supplier \(expected .*node\.log\): "
                                               r"run `recfin network up`"):
            read("peer0.supplier")


def test_down_stops_running_processes_and_keeps_state(topology, tmp_path, fake_fabric):
    net, lines = make(topology, tmp_path)
    net.supervisor.grace = 2
    spec = net.node_spec(topology.node("peer0.bank"))
    fake = type(spec)(spec.name, [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"], spec.env,
                      spec.log, spec.pid_file)
    pid, _ = net.supervisor.start(fake)
    try:
        assert net.status()[5].pid == pid
        assert net.down() == ["peer0.bank"]
        assert lines == ["stopped peer0.bank"]
        assert spec.log.is_file() and net.supervisor.running_pid(spec.pid_file) is None
    finally:
        net.supervisor.stop(spec.pid_file)


def test_down_stops_chaincode_servers_a_failed_deploy_never_recorded(topology, tmp_path, fake_fabric):
    """A deploy that failed between starting its servers and its commit recorded none of them."""
    net, lines = make(topology, tmp_path)
    net.supervisor.grace = 2
    folder = tmp_path / "chaincode" / "receivables" / "bank"
    spec = ProcessSpec("receivables.bank", [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"],
                       {}, folder / "server.log", folder / "server.pid")
    pid, _ = net.supervisor.start(spec)
    try:
        assert net.down() == ["receivables.bank"]
        assert lines == ["stopped receivables.bank"] and net.supervisor.running_pid(spec.pid_file) is None
    finally:
        net.supervisor.stop(spec.pid_file)


def test_down_purge_removes_the_data_folder(topology, data_root, fake_fabric):
    net, _ = make(topology, data_root)
    net.down(purge=True)
    assert not data_root.exists()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A stand-in for the repository (never the real one): its network package, and what purge takes it to be."""
    from network import control
    root = tmp_path / "repo"
    (root / "network").mkdir(parents=True)
    (root / "network" / "__init__.py").write_text("")
    (root / "network" / "topology.yaml").write_text("name: recfin\n")
    monkeypatch.setattr(control, "REPO_ROOT", root)
    return root


def test_purge_refuses_the_repository_itself(topology, repo, fake_fabric):
    net, _ = make(topology, repo)
    with pytest.raises(NetworkError, match=r"refusing to delete .*: it holds the repository"):
        net.down(purge=True)
    assert (repo / "network" / "topology.yaml").is_file()


def test_purge_refuses_a_data_root_in_the_repositorys_source_even_marked(topology, repo, fake_fabric):
    """RECFIN_HOME=<repo> puts the data folder at <repo>/network, the Python package: `up` wrote its marker
    and crypto there, and purge must still leave the package alone."""
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root
    with pytest.raises(NetworkError, match=r"refusing to use .* it holds __init__\.py, topology\.yaml"):
        mark_data_root(repo / "network")
    (repo / "network" / DATA_ROOT_MARKER).write_text(MARKER_TEXT)     # written by hand, or an earlier version
    (repo / "network" / "crypto").mkdir()
    net, _ = make(topology, repo / "network")
    with pytest.raises(NetworkError, match=r"inside the repository .* only data folders are under .*\.recfin.*"
                                           r"Nothing was deleted: remove by hand what the network wrote there "
                                           r"\(\.recfin-data-root, crypto, network\.lock\)$"):
        net.down(purge=True)
    assert (repo / "network" / "__init__.py").is_file() and (repo / "network" / "topology.yaml").is_file()


def test_purge_removes_the_repositorys_own_data_folder(topology, repo, fake_fabric):
    from network.control import mark_data_root
    root = repo / ".recfin" / "network"
    mark_data_root(root)
    (root / "nodes").mkdir()
    net, lines = make(topology, root)
    net.down(purge=True)
    assert not root.exists() and lines == [f"removed {root}"] and (repo / "network" / "__init__.py").is_file()


def test_purge_refuses_an_unmarked_folder_holding_more_than_a_network(topology, tmp_path, fake_fabric):
    root = tmp_path / "mine"
    (root / "crypto").mkdir(parents=True)
    (root / "thesis.tex").write_text("years of work")
    net, _ = make(topology, root)
    with pytest.raises(NetworkError, match=r"it has no \.recfin-data-root .* \(it holds thesis\.tex\)\. Nothing was "
                                           r"deleted: remove by hand what the network wrote there \(crypto\)$"):
        net.down(purge=True)
    assert (root / "thesis.tex").is_file() and (root / "crypto").is_dir()


def test_purge_never_deletes_home_nor_a_folder_right_under_the_root_even_marked(topology, tmp_path, monkeypatch,
                                                                                 fake_fabric):
    """`up --data-root ~` on a new service account's empty home marks it as the network's: `down --purge` still
    leaves $HOME, as it leaves a folder right under / (such as /srv) that holds no folder of its own."""
    from network.control import DATA_ROOT_MARKER, data_root_removal_refused, mark_data_root, purge_refusal
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    mark_data_root(home)
    assert (home / DATA_ROOT_MARKER).is_file()
    refused = data_root_removal_refused(home)
    assert refused is not None and "it is not a folder of its own. Nothing was deleted" in str(refused)
    net, _ = make(topology, home)
    with pytest.raises(NetworkError, match=r"refusing to delete .*home: it is not a folder of its own"):
        net.down(purge=True)
    assert (home / DATA_ROOT_MARKER).is_file()
    # a marked folder whose path has two parts, as /srv has ("/", "srv"): named relative to the test's folder,
    # since a test makes nothing at /
    monkeypatch.chdir(tmp_path)
    mark_data_root(tmp_path / "data" / "srv")
    shallow = Path("data", "srv")
    assert len(shallow.parts) == 2 and purge_refusal(shallow) == "it is not a folder of its own"


def test_purge_removes_an_older_versions_data_folder_without_the_marker(topology, data_root, fake_fabric):
    """Made before the marker: crypto/ and nothing but what the network writes."""
    for folder in ("nodes", "profiles", "channel"):
        (data_root / folder).mkdir()
    (data_root / "membership.yaml").write_text("added: []\n")
    net, _ = make(topology, data_root)
    net.down(purge=True)
    assert not data_root.exists()


def test_prepare_marks_the_data_folder_so_purge_removes_it_whole(topology, data_root, tmp_path):
    net, _ = make(topology, data_root, FabricInstall(tmp_path / "bin", tmp_path / "cfg"))
    with pytest.raises(MissingBinariesError, match="genesis block needs configtxgen"):
        net.prepare(node_config=False)
    assert (data_root / ".recfin-data-root").is_file()
    (data_root / "notes.txt").write_text("the operator's, inside the network's folder")
    net.down(purge=True)
    assert not data_root.exists()


def test_restart_of_a_never_deployed_chaincode_is_explained(topology, tmp_path, fake_fabric):
    net, _ = make(topology, tmp_path)
    with pytest.raises(NetworkError, match="never deployed"):
        net.start_chaincode_servers("receivables", restart=True)


@pytest.mark.parametrize("folder, first", [("net", "`recfin chaincode deploy` first"),
                                           ("no-network", "`recfin network up` and `recfin chaincode deploy` first")])
def test_a_restart_with_nothing_deployed_is_refused_naming_the_data_folder(topology, tmp_path, fake_fabric, folder,
                                                                          first):
    (tmp_path / "net").mkdir()
    net, _ = make(topology, tmp_path / folder)
    with pytest.raises(NetworkError) as refused:
        net.start_chaincode_servers(restart=True)
    assert str(refused.value) == (f"no chaincode is deployed in {tmp_path / folder}, so no server to restart: "
                                  f"run {first}")
    assert net.start_chaincode_servers() == []      # `up` starts what is deployed, nothing included


def test_deploy_refuses_a_name_fabric_would_refuse_before_writing_anything(topology, tmp_path, fake_fabric):
    from network.errors import ChaincodeError

    net, _ = make(topology, tmp_path / "net")
    with pytest.raises(ChaincodeError, match="'assets-' is not one Fabric accepts"):
        net.deploy_chaincode(name="assets-", contract="m:C")
    assert not (tmp_path / "net" / "chaincode").exists()


def test_deploy_without_peer_binary(topology, tmp_path):
    net, _ = make(topology, tmp_path, FabricInstall(tmp_path / "bin", tmp_path / "cfg"))
    with pytest.raises(MissingBinariesError, match="peer"):
        net.deploy_chaincode()


@pytest.fixture
def projects(tmp_path):
    """A folder of the operator's own work, given as the data folder by mistake."""
    root = tmp_path / "projects"
    (root / "thesis").mkdir(parents=True)
    (root / "thesis" / "draft.tex").write_text("two years of work")
    return root


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_prepare_refuses_a_folder_holding_other_files_before_writing_anything(topology, projects, fake_fabric):
    net, _ = make(topology, projects)
    with pytest.raises(NetworkError, match=r"refusing to use .*projects as the network's data folder: it holds "
                                           r"thesis, which the network did not write.*Nothing was written"):
        net.prepare(node_config=False)
    assert _tree(projects) == ["thesis", "thesis/draft.tex"]
    with pytest.raises(NetworkError, match="has no .recfin-data-root"):
        net.down(purge=True)
    assert (projects / "thesis" / "draft.tex").read_text() == "two years of work"


def test_prepare_hostnames_refuses_a_folder_holding_other_files_before_the_crypto(projects, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from cli.main import main
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    result = CliRunner().invoke(main, ["network", "prepare", "--hostnames", "--data-root", str(projects)])
    assert result.exit_code == 1 and "refusing to use" in result.output, result.output
    assert _tree(projects) == ["thesis", "thesis/draft.tex"]


@pytest.mark.parametrize("made", ["new", "empty", "an older version's"])
def test_a_new_empty_or_older_versions_data_folder_is_marked(topology, tmp_path, data_root, made):
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root
    root = {"new": tmp_path / "new" / "network", "empty": tmp_path / "empty", "an older version's": data_root}[made]
    if made == "empty":
        root.mkdir()
    mark_data_root(root)
    assert (root / DATA_ROOT_MARKER).read_text() == MARKER_TEXT


def test_an_earlier_versions_mark_on_a_folder_of_other_files_is_no_proof(topology, projects, fake_fabric):
    """Earlier versions marked whatever folder they were given (and a failed prepare left the mark): such a mark
    alone does not let purge delete the operator's files, is not renewed, and `up`/`prepare` refuse the folder."""
    from network.control import DATA_ROOT_MARKER, mark_data_root
    old_mark = "A recfin network's data folder: `recfin network down --purge` deletes this folder and everything in it.\n"
    (projects / DATA_ROOT_MARKER).write_text(old_mark)
    (projects / "crypto").mkdir()
    net, _ = make(topology, projects)
    with pytest.raises(NetworkError, match=r"its \.recfin-data-root was written by an earlier version, which marked "
                                           r"whatever folder it was given.*\(it holds thesis\)\. Nothing was deleted"):
        net.down(purge=True)
    with pytest.raises(NetworkError, match=r"it holds thesis, which the network did not write \(its "
                                           r"\.recfin-data-root was written by an earlier version"):
        mark_data_root(projects)
    assert (projects / DATA_ROOT_MARKER).read_text() == old_mark
    assert (projects / "thesis" / "draft.tex").is_file()


def test_an_earlier_versions_mark_on_the_networks_own_folder_is_renewed(topology, data_root, fake_fabric):
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root
    (data_root / DATA_ROOT_MARKER).write_text("A recfin network's data folder.\n")
    mark_data_root(data_root)
    assert (data_root / DATA_ROOT_MARKER).read_text() == MARKER_TEXT
    (data_root / "notes.txt").write_text("the operator's, inside the network's folder")
    net, _ = make(topology, data_root)
    net.down(purge=True)
    assert not data_root.exists()


OLD_MARK = "A recfin network's data folder: `recfin network down --purge` deletes this folder and everything in it.\n"


@pytest.fixture
def interrupted_write():
    """The temporary file a run killed inside write_atomically leaves beside a path, by the real writer's name: its
    staged_file is entered and held open (left, it would remove the file) until the test ends."""
    from client.atomic_file import staged_file
    held = []

    def leave(path):
        held.append(staged_file(path))
        return held[-1].__enter__()
    yield leave
    for writing in held:
        writing.__exit__(ValueError, ValueError("the run was killed"), None)


def _as_an_older_version_left_it(topology, root, fabric_home):
    """Everything the native network's writers put into a data folder: crypto, node configs and their runtime files,
    the builder, configtx.yaml, the genesis block and a config update, connection profiles, a deployed chaincode's
    record, configuration and packages, and the membership record with its lock."""
    from network import (builder, configtx, contract_config, membership, nodeconfig, org_membership, packaging,
                         profiles)
    from network.topology import UserSpec
    from client.atomic_file import write_atomically
    builder.install(root)
    for node in topology.nodes():
        nodeconfig.write_node_config(topology, root, node, fabric_home / "config")
        dirs = nodeconfig.node_dirs(root, node.name)
        (dirs.data / "ledgersData").mkdir()
        dirs.log.write_text("==== recfin: starting\n")
        write_atomically(dirs.pid, '{"pid": 1}')
    configtx.write(topology, root)
    org_membership.updates_dir(root).mkdir(parents=True)
    configtx.genesis_block_path(root, topology.channel).write_bytes(b"genesis block")
    write_atomically(org_membership.updates_dir(root) / "add-bank2.tx", b"update")
    profiles.write_all(topology, root)
    contract_config.write(topology, root)
    ccservers.save_deployment(root, ccservers.Deployment("receivables", "1.0", 1, "m:C", None, None, 0, {}))
    ccservers.keep_collections(root, "receivables", contract_config.collections_path(root, "receivables"))
    for org in topology.orgs:
        folder = ccservers.org_dir(root, "receivables", org)
        packaging.write_package(folder, "receivables_1.0", ccservers.connection(topology, root, org))
        (folder / "server.log").write_text("serving\n")
        write_atomically(folder / ccservers.SERVER_PID_FILE, '{"pid": 2}')
    membership.record_user(root, "supplier", UserSpec(name="supplier8", attrs={"recfin.enterprise": "x"}))
    with membership.locked(root):
        pass


@pytest.mark.parametrize("mark", [None, OLD_MARK])
def test_an_older_versions_data_folder_written_by_every_writer_is_marked_and_purged(topology, data_root, fake_fabric,
                                                                                   mark):
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root
    _as_an_older_version_left_it(topology, data_root, fake_fabric)
    if mark:
        (data_root / DATA_ROOT_MARKER).write_text(mark)
    mark_data_root(data_root)
    assert (data_root / DATA_ROOT_MARKER).read_text() == MARKER_TEXT
    make(topology, data_root)[0].down(purge=True)
    assert not data_root.exists()


def test_what_an_older_version_left_when_killed_mid_write_keeps_its_folder_the_networks(topology, data_root,
                                                                                       fake_fabric):
    """A CA key whose certificate was never written (the generator resumes from it), and the temporary names
    writes used before they went through staged_file."""
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root, purge_refusal
    _as_an_older_version_left_it(topology, data_root, fake_fabric)
    (data_root / "crypto" / "bank3" / "ca").mkdir(parents=True)
    (data_root / "crypto" / "bank3" / "ca" / "ca.key").write_text("key of a CA whose certificate never came")
    (data_root / "membership.tmp").write_text("added: []\n")
    (data_root / "profiles" / ".supplier.json.tmp").write_text("{}")
    for name in ("network_config.json.tmp", "collections_config.json.tmp"):
        (data_root / "chaincode" / "receivables" / name).write_text("{}")
    (data_root / DATA_ROOT_MARKER).write_text(OLD_MARK)
    assert purge_refusal(data_root.resolve()) is None
    mark_data_root(data_root)
    assert (data_root / DATA_ROOT_MARKER).read_text() == MARKER_TEXT


def test_an_older_versions_hosts_data_folder_with_a_bundle_is_marked(hosts, hosts_data):
    from network import bundle
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root, purge_refusal
    bundle.write(hosts, hosts_data, "supplier", bundle.default_out(hosts_data, "supplier"))
    assert purge_refusal(hosts_data.resolve()) is None
    mark_data_root(hosts_data)
    assert (hosts_data / DATA_ROOT_MARKER).read_text() == MARKER_TEXT


@pytest.fixture
def fabric_work(tmp_path):
    """An operator's own Fabric work folder whose top-level names are ones the network writes too."""
    root = tmp_path / "fabric-work"
    (root / "crypto" / "my-ca").mkdir(parents=True)
    (root / "crypto" / "my-ca" / "ca.key").write_text("my own CA key")
    (root / "chaincode" / "mycc").mkdir(parents=True)
    (root / "chaincode" / "mycc" / "main.go").write_text("package main")
    (root / "config").mkdir()
    (root / "config" / "core.yaml").write_text("# tuned by hand")
    return root


@pytest.mark.parametrize("mark", [None, OLD_MARK])
def test_a_folder_with_the_networks_names_but_not_its_content_is_refused_and_kept(topology, fabric_work, fake_fabric,
                                                                                   mark):
    from network.control import DATA_ROOT_MARKER, mark_data_root
    if mark:
        (fabric_work / DATA_ROOT_MARKER).write_text(mark)
    before = _tree(fabric_work)
    with pytest.raises(NetworkError, match=r"refusing to use .*fabric-work as the network's data folder: it holds "
                                           r"chaincode/mycc/main\.go, config/core\.yaml, crypto/my-ca, which the "
                                           r"network did not write.*Nothing was written"):
        mark_data_root(fabric_work)
    assert _tree(fabric_work) == before
    with pytest.raises(NetworkError, match=r"does not look like a network data folder \(it holds "
                                           r"chaincode/mycc/main\.go, config/core\.yaml, crypto/my-ca\)"):
        make(topology, fabric_work)[0].down(purge=True)
    assert (fabric_work / "crypto" / "my-ca" / "ca.key").read_text() == "my own CA key"


@pytest.mark.parametrize("foreign", ["crypto/my-ca/ca.key", "chaincode/mycc/main.go", "config/core.yaml",
                                     "nodes/peer0/core.yaml", "profiles/notes.txt", "channel/mychannel.tx",
                                     "builder/bin/mine.sh", "bundles/mine/notes.txt", "chaincode/mycc/src/main.go"])
def test_each_entry_the_network_writes_is_checked_inside(topology, data_root, foreign):
    from network.control import mark_data_root, purge_refusal
    (data_root / foreign).parent.mkdir(parents=True, exist_ok=True)
    (data_root / foreign).write_text("the operator's")
    shown = foreign.rsplit("/", 1)[0] if foreign.startswith(("crypto/", "bundles/")) else foreign
    with pytest.raises(NetworkError, match=rf"it holds {shown}, which the network did not write"):
        mark_data_root(data_root)
    assert purge_refusal(data_root.resolve()).endswith(f"(it holds {shown})")


def test_prepare_refuses_a_folder_of_other_files_an_earlier_version_marked_before_writing(topology, projects,
                                                                                         tmp_path):
    from network.control import DATA_ROOT_MARKER
    (projects / DATA_ROOT_MARKER).write_text(OLD_MARK)     # an earlier `prepare --data-root ~/projects`
    net, _ = make(topology, projects, FabricInstall(tmp_path / "bin", tmp_path / "cfg"))
    with pytest.raises(NetworkError, match=r"refusing to use .*projects as the network's data folder: it holds "
                                           r"thesis, which the network did not write \(its \.recfin-data-root was "
                                           r"written by an earlier version.*Nothing was written"):
        net.prepare(node_config=False)
    assert _tree(projects) == [".recfin-data-root", "thesis", "thesis/draft.tex"]
    assert (projects / DATA_ROOT_MARKER).read_text() == OLD_MARK


@pytest.mark.parametrize("mark", [None, OLD_MARK])
def test_the_networks_own_leftover_temporary_files_do_not_make_its_folder_foreign(topology, data_root, mark,
                                                                                  interrupted_write):
    from network import membership, profiles
    from network.control import DATA_ROOT_MARKER, MARKER_TEXT, mark_data_root, purge_refusal
    from network.topology import UserSpec
    membership.record_user(data_root, "supplier", UserSpec(name="supplier8"))
    profiles.write_all(topology, data_root)
    if mark:
        (data_root / DATA_ROOT_MARKER).write_text(mark)
    left = [interrupted_write(data_root / membership.STATE_FILE), interrupted_write(data_root / DATA_ROOT_MARKER),
            interrupted_write(profiles.profiles_dir(data_root) / "supplier.json")]
    assert all(path.is_file() for path in left)
    assert purge_refusal(data_root.resolve()) is None
    mark_data_root(data_root)
    assert (data_root / DATA_ROOT_MARKER).read_text() == MARKER_TEXT


@pytest.mark.parametrize("name", [".membership.yaml.tmp", ".membership.yaml.1f2e3d4c.tmp.bak",
                                  ".notes.txt.1f2e3d4c.tmp", ".membership.lock.1f2e3d4c.tmp"])
def test_only_the_networks_own_temporary_names_are_passed_over(data_root, name):
    from network.control import mark_data_root
    (data_root / name).write_text("the operator's")
    with pytest.raises(NetworkError, match=rf"it holds {name.replace('.', '[.]')}, which the network did not write"):
        mark_data_root(data_root)


def test_a_second_run_on_the_same_data_folder_is_refused_naming_the_first(tmp_path):
    """Two `up`s at once each found the nodes stopped and started every one twice."""
    import subprocess
    from pathlib import Path
    from network.control import RunLockedError, run_lock
    root = tmp_path / "net"
    root.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom network.control import run_lock\n"
        f"with run_lock({str(root)!r}, 'recfin network up'):\n"
        "    print('held', flush=True)\n    sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(Path(__file__).parents[3]))
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLockedError, match=rf"pid {holder.pid} \(`recfin network up`\) holds .*network\.lock.*"
                                                 r"then run `recfin chaincode deploy` again"):
            with run_lock(root, "recfin chaincode deploy"):
                pass
    finally:
        holder.communicate("\n", timeout=30)
    with run_lock(root, "recfin network down"):      # free once the other run ended
        with run_lock(root, "recfin chaincode restart"):     # and taken once per thread (up restarts servers)
            pass


def _holding_the_run_lock(root):
    """A process holding root's run lock as `recfin network up` until told to stop (a line on its stdin)."""
    import subprocess
    from pathlib import Path
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys\nfrom network.control import run_lock\n"
        f"with run_lock({str(root)!r}, 'recfin network up'):\n"
        "    print('held', flush=True)\n    sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(Path(__file__).parents[3]))
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_up_while_another_run_holds_the_ports_names_that_run_not_the_ports(topology, tmp_path, fake_fabric):
    """`up` checked its ports before taking the run lock: a second `up` while the first had started a node (its port
    held) was told "port already in use" instead of which run it waited on."""
    from network.control import RunLockedError, mark_data_root
    root = tmp_path / "net"
    mark_data_root(root)
    holder = _holding_the_run_lock(root)
    sock = socket.socket()        # the first run's node, listening
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        try:
            sock.bind(("127.0.0.1", topology.node("peer0.regulator").ports["operations_port"]))
        except OSError:
            pytest.skip("port 9447 is taken by something else on this machine")
        sock.listen(1)
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        net, lines = make(topology, root)
        with pytest.raises(RunLockedError, match=rf"another run is using {root}: pid {holder.pid} \(`recfin network "
                                                 rf"up`\) holds .*then run `recfin network up` again"):
            net.up()
        assert lines == [] and {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    finally:
        sock.close()
        holder.communicate("\n", timeout=30)


def test_a_run_on_a_folder_that_does_not_exist_makes_nothing_there(topology, tmp_path, fake_fabric):
    # `chaincode restart` before any `up` found nothing to restart, and must not leave a lock file that makes the
    # folder look like someone else's to the `up` after it
    from network.control import run_lock
    root = tmp_path / "net"
    with run_lock(root, "recfin chaincode restart"):
        pass
    assert not root.exists()


@pytest.mark.parametrize("where", ["in the repository", "with a file of the operator's"])
def test_down_on_every_folder_up_locks_is_locked_against_another_run(topology, repo, tmp_path, fake_fabric, where):
    # `up` locks a folder it marked: a topology's data_root inside the repository (which --purge refuses), or one
    # with a file of the operator's in it (nohup.out, notes); `down` must not run beside it there either
    from network import control
    from network.control import RunLockedError, mark_data_root
    root = repo / "build-net" if where == "in the repository" else tmp_path / "net"
    mark_data_root(root)
    if where == "in the repository":
        assert control.purge_refusal(root) is not None
    else:
        (root / "crypto").mkdir()
        (root / "notes.txt").write_text("mine")
    holder = _holding_the_run_lock(root)
    try:
        net, _ = make(topology, root)
        with pytest.raises(RunLockedError, match="recfin network up"):
            net.down()
    finally:
        holder.communicate("\n", timeout=30)


def test_deploy_on_a_folder_with_no_network_writes_nothing_there(topology, tmp_path, fake_fabric):
    from network.errors import ChaincodeError
    root = tmp_path / "net"
    net, _ = make(topology, root)
    with pytest.raises(ChaincodeError, match=r"no network in .*net \(no crypto/ there\): run `recfin network up`"):
        net.deploy_chaincode()
    assert not root.exists()


def _shared_check_of_the_run_lock(root):
    """The lock _refuse_if_run_locked holds for the moment of its check: shared, on the run lock file, nothing in it."""
    import fcntl
    import os
    from network.control import RUN_LOCK_FILE
    fd = os.open(root / RUN_LOCK_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    return fd


def test_a_run_is_not_refused_by_a_check_of_the_lock_made_at_the_same_moment(tmp_path, monkeypatch):
    """`up`'s read-only check of the run lock holds it shared for a moment: a run taking the lock then was refused by
    "a process that has not said which" though no run was going on."""
    import os
    import time
    from types import SimpleNamespace
    from network import control, flock_wait
    root = tmp_path / "net"
    root.mkdir()
    check = _shared_check_of_the_run_lock(root)
    waits = []

    def check_ends(seconds):        # the check lets go while the run waits for it
        waits.append(seconds)
        os.close(check)
    monkeypatch.setattr(flock_wait, "time", SimpleNamespace(monotonic=time.monotonic, sleep=check_ends), raising=False)
    with control.run_lock(root, "recfin chaincode deploy"):
        assert (root / control.RUN_LOCK_FILE).read_text() == f"pid {os.getpid()} (`recfin chaincode deploy`)\n"
    assert len(waits) == 1


def _refusal_while_held(root, holder):
    """What run_lock on root says while holder (an open fd of its lock file) holds the lock; holder closed after."""
    import os
    from network import control
    try:
        with pytest.raises(control.RunLockedError) as err:
            with control.run_lock(root, "recfin chaincode deploy"):
                pass
    finally:
        os.close(holder)
    return str(err.value)


def test_a_lock_held_without_a_name_for_longer_than_a_check_is_refused(tmp_path, monkeypatch):
    from types import SimpleNamespace
    from network import flock_wait
    root = tmp_path / "net"
    root.mkdir()
    holder = _shared_check_of_the_run_lock(root)
    clock = iter(range(1000))       # each reading a second later: the wait for it to let go runs out at once
    monkeypatch.setattr(flock_wait, "time", SimpleNamespace(monotonic=lambda: next(clock), sleep=lambda seconds: None),
                        raising=False)
    assert re.search(r"a process that has not said which holds .*network\.lock", _refusal_while_held(root, holder))


def test_a_named_holder_is_refused_without_waiting(tmp_path, monkeypatch):
    import fcntl
    import os
    from types import SimpleNamespace
    from network import control, flock_wait
    root = tmp_path / "net"
    root.mkdir()
    holder = os.open(root / control.RUN_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.pwrite(holder, b"pid 4242 (`recfin network up`)\n", 0)
    waits = []
    monkeypatch.setattr(flock_wait, "time", SimpleNamespace(monotonic=lambda: 0, sleep=waits.append), raising=False)
    assert "pid 4242 (`recfin network up`) holds" in _refusal_while_held(root, holder)
    assert waits == []
