"""`recfin network backup` and `restore` (network/backup.py, backup_archive.py, backup_restore.py) on a data folder
the project's own generator wrote, with ledger, chaincode and profile files laid out as a run leaves them (no Fabric
binaries needed)."""
from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import common_pb2

from cli.network_commands import network
from network import backup, backup_archive, backup_restore, bundle, ccservers, membership, nodeconfig
from network import topology as topology_module
from network.backup import NetworkRunningError
from network.backup_archive import BackupArchiveError, NotABackupArchive
from network.control import DATA_ROOT_MARKER, MARKER_TEXT, run_lock
from network.errors import NetworkError
from network.supervisor import ProcessSpec, Supervisor

from .fabric_block_files import block_file

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


def block_file_of_one_block(content: bytes) -> bytes:
    """A block file as Fabric writes it holding block 0, content its data: a restore reads a ledger's height from
    it."""
    block = common_pb2.Block()
    block.data.data.append(content)
    return block_file([block])


@pytest.fixture
def data(data_root, topology) -> Path:
    """The session's crypto plus what a run of the network leaves: ledgers, a Raft WAL, chaincode servers' folders,
    profiles, the genesis block, logs and pid files, and the data folder's mark."""
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    (data_root / "membership.yaml").write_text("added: {}\n")
    (data_root / "channel").mkdir()
    (data_root / "channel" / f"{topology.channel}.block").write_bytes(b"genesis\0block")
    for node in topology.nodes():
        dirs = nodeconfig.node_dirs(data_root, node.name)
        ledger = dirs.data / ("ledger" if node.kind == "orderer" else "ledgersData/chains/chains/receivables")
        ledger.mkdir(parents=True)
        (ledger / "blockfile_000000").write_bytes(block_file_of_one_block(os.urandom(2048) + node.name.encode()))
        if node.kind == "orderer":
            (dirs.data / "etcdraft" / "wal").mkdir(parents=True)
            (dirs.data / "etcdraft" / "wal" / "0000000000000000-0000000000000000.wal").write_bytes(os.urandom(512))
        (dirs.config).mkdir()
        (dirs.config / ("orderer.yaml" if node.kind == "orderer" else "core.yaml")).write_text("x: 1\n")
        dirs.log.write_text("a node's log\n")
        dirs.pid.write_text('{"pid": 1}')
    for org in topology.orgs:
        folder = ccservers.org_dir(data_root, "receivables", org)
        folder.mkdir(parents=True)
        package = folder / "receivables_1.0.tar.gz"
        package.write_bytes(b"package holding the peers' client key " + org.name.encode())
        package.chmod(0o600)
        (folder / ccservers.SERVER_LOG_FILE).write_text("served\n")
        (data_root / "profiles").mkdir(exist_ok=True)
        (data_root / "profiles" / f"{org.name}.json").write_text(json.dumps({"org": org.name}))
    (data_root / "chaincode" / "receivables" / "deployment.json").write_text('{"version": "1.0"}')
    return data_root


def tree(root: Path) -> dict[str, tuple]:
    """Every entry under root: (kind, mode, content) by relative path."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        kind = "dir" if stat.S_ISDIR(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"
        out[path.relative_to(root).as_posix()] = (kind, stat.S_IMODE(info.st_mode),
                                                  path.read_bytes() if kind == "file" else None)
    return out


def left_out(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in ("node.pid", "node.log", "server.log", "network.lock", "membership.lock")


def test_round_trip_restores_every_file_and_mode(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    report = backup.write_backup(data, out, topology=topology)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with tarfile.open(out) as tar:
        first = tar.getmembers()[0]
        manifest = json.loads(tar.extractfile(first).read())
    assert first.name == backup_archive.MANIFEST_NAME
    assert manifest["format_version"] == backup_archive.FORMAT_VERSION and manifest["channel"] == topology.channel
    assert manifest["created"].endswith("Z") and manifest["recfin_version"]
    listed = {f["path"]: f for f in manifest["files"]}
    key = next(p for p in listed if p.endswith("_sk"))
    assert listed[key]["mode"] == 0o600 and len(listed[key]["sha256"]) == 64

    restored = backup_restore.restore_backup(out, tmp_path / "elsewhere" / "network")
    expected = {rel: entry for rel, entry in tree(data).items() if not left_out(rel)}
    assert tree(tmp_path / "elsewhere" / "network") == expected
    assert stat.S_IMODE((tmp_path / "elsewhere" / "network").stat().st_mode) == stat.S_IMODE(data.stat().st_mode)
    assert (restored.files, restored.bytes, restored.sha256) == (report.files, report.bytes, report.sha256)
    assert restored.org is None and restored.channel == topology.channel
    assert report.files == len(listed) and report.bytes == sum(f["size"] for f in manifest["files"])
    assert not [p for p in (tmp_path / "elsewhere").iterdir() if p.name != "network"]     # no staging folder left


def test_a_data_folder_with_setgid_folders_is_restored_and_a_set_id_file_loses_its_bits(data, topology, tmp_path):
    # A data folder under a setgid folder (a group's shared /srv): mkdir gives each folder made in it the setgid bit.
    data.chmod(0o2750)
    (data / "chaincode").chmod(0o2750)
    (data / "channel").chmod(0o1777)
    program = data / "chaincode" / "receivables" / "deployment.json"
    program.chmod(0o6755)
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    target = tmp_path / "restored"
    report = backup_restore.restore_backup(out, target)
    assert report.files == len(backup_archive.verify_archive(out)[0].files)
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)
    assert (mode(target), mode(target / "chaincode"), mode(target / "channel")) == (0o2750, 0o2750, 0o1777)
    assert mode(target / "chaincode" / "receivables" / "deployment.json") == 0o755     # never a set-id program
    assert (target / "chaincode" / "receivables" / "deployment.json").read_bytes() == program.read_bytes()


def running(pid_file: Path) -> Supervisor:
    """A process recorded in pid_file as a node or server of the folder, as `up` records one."""
    supervisor = Supervisor(grace=2)
    supervisor.start(ProcessSpec(pid_file.parent.name, SLEEPER, {}, pid_file.with_name("fake.log"), pid_file))
    return supervisor


@pytest.mark.parametrize("which", ["node", "chaincode server"])
def test_backup_is_refused_while_a_node_or_server_runs(data, topology, tmp_path, which):
    pid_file = (nodeconfig.node_dirs(data, "peer0.bank").pid if which == "node"
                else ccservers.server_pid_file(data, "receivables", topology.org("bank")))
    supervisor = running(pid_file)
    out = tmp_path / "backup.tar.gz"
    try:
        result = CliRunner().invoke(network, ["backup", str(out), "--data-root", str(data)])
        assert result.exit_code == 2, result.output
        assert "refusing to back up while 1 process(es)" in result.output and "--stop" in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert not out.exists() and not list(tmp_path.glob(".backup.tar.gz.*"))
    finally:
        supervisor.stop(pid_file)


class StandInNetwork:
    """What back_up asks of a Network: its folder and topology, a supervisor, `down` and `up`."""

    def __init__(self, data_root, topology, supervisor, pid_file):
        self.data_root, self.topology, self.supervisor, self.pid_file = data_root, topology, supervisor, pid_file
        self.lines, self.calls = [], []

    def say(self, line):
        self.lines.append(line)

    def down(self):
        with run_lock(self.data_root, "recfin network down"):      # as Network.down takes it
            self.calls.append("down")
            self.supervisor.stop(self.pid_file)

    def up(self):
        with run_lock(self.data_root, "recfin network up"):        # as Network.up takes it
            self.calls.append("up")


@pytest.fixture
def running_network(data, topology):
    """A stand-in network of data whose first orderer runs (stopped at the end whatever the test did)."""
    pid_file = nodeconfig.node_dirs(data, "orderer0.orderer").pid
    net = StandInNetwork(data, topology, running(pid_file), pid_file)
    yield net
    net.supervisor.stop(pid_file)


def test_stop_stops_the_network_backs_up_and_starts_it_again(running_network, tmp_path):
    report = backup.back_up(running_network, tmp_path / "b.tar.gz", stop=True)
    assert running_network.calls == ["down", "up"] and report.stopped_and_started
    assert backup_archive.verify_archive(tmp_path / "b.tar.gz")[1] == report.sha256


def test_stop_starts_the_network_again_when_the_backup_fails(running_network, data, tmp_path):
    (data / "crypto" / "a-link").symlink_to(data / "membership.yaml")
    with pytest.raises(NetworkError, match="a-link is a symlink"):
        backup.back_up(running_network, tmp_path / "b.tar.gz", stop=True)
    assert running_network.calls == ["down", "up"] and not (tmp_path / "b.tar.gz").exists()


def test_stop_starts_the_network_again_when_the_stop_fails_after_stopping_some(running_network, tmp_path):
    real_down = running_network.down

    def down_stops_one_then_fails():
        real_down()
        raise NetworkError("1 process(es) not stopped")
    running_network.down = down_stops_one_then_fails
    with pytest.raises(NetworkError, match="not stopped"):
        backup.back_up(running_network, tmp_path / "b.tar.gz", stop=True)
    assert running_network.calls == ["down", "up"] and not (tmp_path / "b.tar.gz").exists()


def test_a_stop_that_stopped_nothing_is_not_followed_by_a_start(running_network, tmp_path):
    def down_refused():
        running_network.calls.append("down")
        raise NetworkError("1 process(es) not stopped")
    running_network.down = down_refused
    with pytest.raises(NetworkError, match="not stopped") as refused:
        backup.back_up(running_network, tmp_path / "b.tar.gz", stop=True)
    assert type(refused.value) is NetworkError         # not NetworkLeftDownError: it was never down
    assert running_network.calls == ["down"] and not (tmp_path / "b.tar.gz").exists()
    assert backup.running_processes(running_network.data_root, running_network.supervisor)


def test_stop_while_another_run_holds_the_run_lock_is_refused_before_anything_stops(running_network, tmp_path):
    holding, release = threading.Event(), threading.Event()

    def deploy_under_way():
        with run_lock(running_network.data_root, "recfin chaincode deploy"):
            holding.set()
            release.wait(30)
    other_run = threading.Thread(target=deploy_under_way)
    other_run.start()
    try:
        assert holding.wait(30)
        with pytest.raises(NetworkRunningError, match="recfin chaincode deploy"):
            backup.back_up(running_network, tmp_path / "b.tar.gz", stop=True)
    finally:
        release.set()
        other_run.join()
    assert running_network.calls == [] and not (tmp_path / "b.tar.gz").exists()
    assert backup.running_processes(running_network.data_root, running_network.supervisor)
    assert not any("stopping" in line for line in running_network.lines)


def members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    with tarfile.open(archive) as tar:
        return [(m, tar.extractfile(m).read() if m.isreg() else None) for m in tar.getmembers()]


def rewrite(archive: Path, out: Path, entries) -> Path:
    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for member, content in entries:
            tar.addfile(member, io.BytesIO(content) if content is not None else None)
    return out


def changed_byte(entries):
    for member, content in entries:
        if member.name.endswith("blockfile_000000") and content is not None:
            content = bytes([content[0] ^ 1]) + content[1:]
        yield member, content


def extra(name: str, kind=tarfile.REGTYPE, target: str = ""):
    def add(entries):
        yield from entries
        member = tarfile.TarInfo(name)
        member.type, member.linkname, member.mode = kind, target, 0o644
        content = b"planted" if kind == tarfile.REGTYPE else None
        member.size = len(content) if content else 0
        yield member, content
    return add


@pytest.mark.parametrize("tamper, why", [
    (changed_byte, "does not match its digest"),
    (extra("data/nodes/peer0.bank/planted"), "which its manifest does not list"),
    (extra("data/../escaped"), "leads outside the data folder"),
    (extra("data//etc/passwd"), "leads outside the data folder"),
    (extra("/etc/recfin-planted"), "lies outside its data/ folder"),
    (extra("data/crypto/link", tarfile.SYMTYPE, "/etc/passwd"), "is a symlink"),
    (extra("data/crypto/hard", tarfile.LNKTYPE, "data/membership.yaml"), "is a hard link"),
    (extra("data/crypto/dev", tarfile.CHRTYPE), "is a character device"),
], ids=["changed-byte", "extra-member", "dotdot", "absolute-inside", "absolute", "symlink", "hardlink", "device"])
def test_a_tampered_archive_is_refused_with_nothing_written(data, topology, tmp_path, tamper, why):
    good = tmp_path / "good.tar.gz"
    backup.write_backup(data, good, topology=topology)
    bad = rewrite(good, tmp_path / "bad.tar.gz", tamper(members(good)))
    target = tmp_path / "restored" / "network"
    with pytest.raises(BackupArchiveError, match=why):
        backup_restore.restore_backup(bad, target)
    assert not (tmp_path / "restored").exists()
    assert not (tmp_path / "escaped").exists() and not Path("/etc/recfin-planted").exists()


def test_a_member_its_manifest_lists_but_the_archive_lacks_is_refused(data, topology, tmp_path):
    good = tmp_path / "good.tar.gz"
    backup.write_backup(data, good, topology=topology)
    kept = [(m, c) for m, c in members(good) if not m.name.endswith(DATA_ROOT_MARKER)]
    with pytest.raises(BackupArchiveError, match=rf"lacks \({DATA_ROOT_MARKER}\)"):
        backup_restore.restore_backup(rewrite(good, tmp_path / "bad.tar.gz", kept), tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_an_archive_not_written_by_backup_is_refused(tmp_path):
    plain = tmp_path / "plain.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        tar.add(__file__, arcname="data/test.py")
    with pytest.raises(NotABackupArchive, match="first member is not recfin-backup.json"):
        backup_restore.restore_backup(plain, tmp_path / "restored")
    (tmp_path / "junk.tar.gz").write_bytes(b"not gzip at all")
    with pytest.raises(NotABackupArchive, match="not a gzip tar archive"):
        backup_restore.restore_backup(tmp_path / "junk.tar.gz", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def holds_a_private_key(rel: str, content: bytes) -> bool:
    return "/keystore/" in rel or rel.endswith(("_sk", ".key", "priv_sk")) or b"PRIVATE KEY" in content


def test_org_backup_holds_no_other_orgs_private_key(data, topology, tmp_path):
    out = tmp_path / "bank.tar.gz"
    result = CliRunner().invoke(network, ["backup", str(out), "--data-root", str(data), "--for-org", "BankMSP",
                                          "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["org"] == "bank"
    files = {m.name.removeprefix("data/"): c for m, c in members(out) if m.isreg() and m.name.startswith("data/")}
    others = [o.name for o in topology.orgs if o.name != "bank"] + [topology.orderer_org.name]
    assert not [rel for rel, content in files.items()
                if holds_a_private_key(rel, content) and not rel.startswith("crypto/bank/")]
    for other in others:        # their certificates, so the org's node can verify them
        assert f"crypto/{other}/msp/cacerts/ca.pem" in files and f"crypto/{other}/tlsca/tlsca.pem" in files
    assert any(holds_a_private_key(rel, c) for rel, c in files.items() if rel.startswith("crypto/bank/"))
    nodes = {rel.split("/")[1] for rel in files if rel.startswith("nodes/")}
    servers = {rel.split("/")[2] for rel in files if rel.startswith("chaincode/") and rel.count("/") >= 3}
    assert nodes == {"peer0.bank"} and servers == {"bank"}
    assert {rel for rel in files if rel.startswith("profiles/")} == {"profiles/bank.json"}
    assert {"channel/receivables.block", "chaincode/receivables/deployment.json", "membership.yaml"} <= set(files)
    assert backup_restore.restore_backup(out, tmp_path / "bank-host").org == "bank"


def test_org_backup_leaves_out_another_orgs_key_in_der_under_a_certificates_name(data, topology, tmp_path):
    key = (data / "crypto" / "supplier" / "ca" / "ca.key").read_bytes()
    der = serialization.load_pem_private_key(key, password=None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (data / "crypto" / "supplier" / "msp" / "cacerts" / "ca-copy.pem").write_bytes(der)
    out = tmp_path / "bank.tar.gz"
    backup.write_backup(data, out, topology=topology, org="bank")
    files = {m.name.removeprefix("data/"): c for m, c in members(out) if m.isreg()}
    assert "crypto/supplier/msp/cacerts/ca.pem" in files
    assert "crypto/supplier/msp/cacerts/ca-copy.pem" not in files and der not in files.values()


def test_org_backup_of_an_org_the_topology_lacks_is_refused(data, topology, tmp_path):
    with pytest.raises(NetworkError, match="no peer org named 'nobody'"):
        backup.write_backup(data, tmp_path / "x.tar.gz", topology=topology, org="nobody")
    assert not (tmp_path / "x.tar.gz").exists()


def test_an_existing_archive_is_not_written_over_unless_replace(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    out.write_bytes(b"last week's backup")
    result = CliRunner().invoke(network, ["backup", str(out), "--data-root", str(data)])
    assert result.exit_code == 1 and "exists: nothing was written" in result.output
    assert out.read_bytes() == b"last week's backup"
    result = CliRunner().invoke(network, ["backup", str(out), "--data-root", str(data), "--replace", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["sha256"] == backup_archive.verify_archive(out)[1] and shown["archive_mode"] == "0600"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_restore_refuses_a_folder_holding_anything_and_replace_keeps_it_aside(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    target = tmp_path / "restored here"         # named as one word: its space quoted
    target.mkdir()
    (target / "notes.txt").write_text("the operator's")
    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(target)])
    assert result.exit_code == 1
    assert f"refusing to restore into '{target}': it is not empty. Nothing was written" in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]

    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(target), "--replace", "--json"])
    assert result.exit_code == 0, result.output
    aside = Path(json.loads(result.stdout)["moved_aside"])
    assert aside.name.startswith("restored here.before-restore-") and aside.parent == tmp_path
    assert (aside / "notes.txt").read_text() == "the operator's"
    assert (target / "crypto").is_dir() and not (target / "notes.txt").exists()


def test_restore_replace_refuses_a_home_folder_and_the_repository_and_moves_nothing(data, topology, tmp_path,
                                                                                   monkeypatch):
    # --replace moves what the folder holds aside whole and puts the restored data folder in its place: a home
    # folder, or the repository (monkeypatched to a stand-in here), is no data folder to swap out so.
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    home = tmp_path / "users" / "alice"
    (home / "thesis").mkdir(parents=True)
    (home / "thesis" / "chapter1.tex").write_text("years of work")
    monkeypatch.setenv("HOME", str(home))
    repository = tmp_path / "checkout"
    (repository / "network").mkdir(parents=True)
    (repository / "network" / "control.py").write_text("source")
    monkeypatch.setattr(backup_restore, "REPO_ROOT", repository, raising=False)
    for target, reason in ((home, "it is not a folder of its own"),
                           (home.parent, "it is not a folder of its own"),
                           (repository, "it holds the repository"),
                           (repository / "network", "it is inside the repository")):
        before = tree(target.parent)
        result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(target), "--replace"])
        assert result.exit_code == 1 and reason in result.output and "Nothing was written" in result.output
        assert tree(target.parent) == before


def test_restore_refuses_an_archive_of_another_channel_than_the_topologys(data, topology, tmp_path):
    # Its ledgers restored into this topology's data folder, `up` would make a new, empty channel beside them.
    text = Path(topology_module.DEFAULT_TOPOLOGY).read_text()
    other_file = tmp_path / "other.yaml"
    other_file.write_text(text.replace(f"\nchannel: {topology.channel}\n", "\nchannel: otherchannel\n", 1))
    other = topology_module.load(other_file)
    channel = data / "channel"      # a data folder of that channel (a backup refuses another channel's folder)
    (channel / f"{topology.channel}.block").rename(channel / "otherchannel.block")
    out = tmp_path / "other.tar.gz"
    backup.write_backup(data, out, topology=other)
    target = tmp_path / "restored"
    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(target)])
    assert result.exit_code == 1
    assert (f"its channel is otherchannel, the topology's {topology.channel}" in result.output
            and "Nothing was written: give --topology the topology the backup was made with" in result.output)
    assert not target.exists()
    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(target),
                                          "--topology", str(other_file)])
    assert result.exit_code == 0, result.output
    assert (target / "crypto").is_dir()


def test_restore_refuses_an_archive_of_other_orgs_than_the_topologys(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    fewer = topology.model_copy(update={"orgs": topology.orgs[:-1]})
    with pytest.raises(NetworkError, match=rf"its orgs are .*{topology.orgs[-1].msp_id}.*, the topology's"):
        backup_restore.restore_backup(out, tmp_path / "restored", topology=fewer)
    assert not (tmp_path / "restored").exists()


def test_restore_into_an_empty_folder_needs_no_replace(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    (tmp_path / "restored").mkdir()
    report = backup_restore.restore_backup(out, tmp_path / "restored")
    assert report.moved_aside is None and (tmp_path / "restored" / "crypto").is_dir()


def test_restore_over_a_running_network_is_refused(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    pid_file = nodeconfig.node_dirs(data, "peer0.bank").pid
    supervisor = running(pid_file)
    try:
        result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(data), "--replace"])
        assert result.exit_code == 2 and "refusing to restore over" in result.output
        with pytest.raises(NetworkRunningError):
            backup_restore.restore_backup(out, data, replace=True, supervisor=supervisor)
    finally:
        supervisor.stop(pid_file)
    assert not list(tmp_path.glob("network.before-restore-*")) and (data / "crypto").is_dir()


def test_a_symlink_in_the_data_folder_refuses_the_backup(data, topology, tmp_path):
    (data / "nodes" / "peer0.bank" / "data" / "elsewhere").symlink_to(tmp_path)
    with pytest.raises(NetworkError, match="elsewhere is a symlink"):
        backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    assert not (tmp_path / "b.tar.gz").exists()


def test_an_archive_inside_the_data_folder_is_refused(data, topology):
    with pytest.raises(NetworkError, match="inside the data folder"):
        backup.write_backup(data, data / "b.tar.gz", topology=topology)


def test_an_archive_written_with_replace_through_a_symlink_into_the_data_folder_is_refused(data, tmp_path):
    # A link outside the data folder to a file in it: the archive would have replaced that file (a key, a
    # block file) through the link.
    key = next(data.glob("crypto/bank/**/keystore/*"))
    before = key.read_bytes()
    (tmp_path / "latest.tar.gz").symlink_to(key)
    result = CliRunner().invoke(network, ["backup", str(tmp_path / "latest.tar.gz"), "--data-root", str(data),
                                          "--replace"])
    assert result.exit_code == 1
    assert f"(a symlink to {key}) is inside the data folder" in result.output
    assert "nothing was written" in result.output
    assert key.read_bytes() == before and not [p for p in key.parent.iterdir() if p.name.endswith(".tmp")]


# ---- a --stop backup whose restart fails -------------------------------------------------------------------------
def test_stop_says_the_network_is_down_when_it_does_not_start_again(running_network, tmp_path):
    def up_unhealthy():
        running_network.calls.append("up")
        raise NetworkError("orderer0.orderer did not become healthy")
    running_network.up = up_unhealthy
    out = tmp_path / "b.tar.gz"
    with pytest.raises(backup.NetworkLeftDownError) as raised:
        backup.back_up(running_network, out, stop=True)
    assert str(raised.value) == (
        f"the backup {out} was written, but the network stopped for it did not start again (orderer0.orderer did "
        f"not become healthy): it is down; run `recfin network up`")
    assert isinstance(raised.value.__cause__, NetworkError) and running_network.calls == ["down", "up"]
    backup_archive.verify_archive(out)      # the archive is whole: only the restart failed


def test_stop_names_the_backups_error_whatever_error_the_restart_raises(running_network, data, tmp_path):
    (data / "crypto" / "a-link").symlink_to(data / "membership.yaml")
    lock_refused = PermissionError(13, "Permission denied", str(data / "network.lock"))

    def up_refused():
        raise lock_refused
    running_network.up = up_refused
    with pytest.raises(backup.NetworkLeftDownError) as raised:
        backup.back_up(running_network, tmp_path / "b.tar.gz", stop=True)
    text = str(raised.value)
    assert text.startswith(f"the backup {tmp_path / 'b.tar.gz'} was not written: {data / 'crypto' / 'a-link'} is a "
                           f"symlink")
    assert "did not start again ([Errno 13] Permission denied: " in text and "network.lock" in text
    assert text.endswith("it is down; run `recfin network up`")
    assert "a-link is a symlink" in str(raised.value.__cause__) and not (tmp_path / "b.tar.gz").exists()


# ---- a restore the disk cannot hold, and an archive that unpacks to more than it lists ---------------------------
def test_a_full_disk_during_restore_is_named_as_the_disks_not_the_archives(data, topology, tmp_path, monkeypatch):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    real_write, writes = os.write, []

    def write_until_full(descriptor, data):
        writes.append(len(data))
        if len(writes) > 3:
            raise OSError(28, "No space left on device")
        return real_write(descriptor, data)
    monkeypatch.setattr(os, "write", write_until_full)
    target = tmp_path / "restored" / "network"
    with pytest.raises(backup_archive.RestoreWriteError) as raised:
        backup_restore.restore_backup(out, target)
    monkeypatch.undo()
    text = str(raised.value)
    assert "failed (No space left on device)" in text and "The archive is fine" in text
    assert "is full or not writable" in text and "writing " in text and "refusing" not in text
    written = text.split("writing ", 1)[1].split(" into ", 1)[0]
    assert written in {f["path"] for f in json.loads(members(out)[0][1])["files"]}
    assert list((tmp_path / "restored").iterdir()) == []        # no target, no temporary folder


def test_a_restore_whose_files_cannot_fit_is_refused_before_writing(data, topology, tmp_path, monkeypatch):
    out = tmp_path / "backup.tar.gz"
    report = backup.write_backup(data, out, topology=topology)
    real_usage = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real_usage(path)._replace(free=1000))
    with pytest.raises(NetworkError, match=rf"its files take {report.bytes} bytes and the disk of .* has 1000 free. "
                                           rf"Nothing was written"):
        backup_restore.restore_backup(out, tmp_path / "restored" / "network")
    assert not (tmp_path / "restored").exists()


def test_an_archive_that_unpacks_to_more_than_its_manifest_lists_is_refused(data, topology, tmp_path):
    good = tmp_path / "good.tar.gz"
    backup.write_backup(data, good, topology=topology)

    def padded_header(entries):
        """A pax header of 32 KB on one member (no backup writes one that large; gzip keeps a few hundred bytes of
        it): one of megabytes would be read whole, and searched by tarfile in time growing with its square."""
        for member, content in entries:
            if member.name.endswith("blockfile_000000"):
                member.pax_headers = {"comment": "0" * (32 << 10)}
            yield member, content
    bomb = rewrite(good, tmp_path / "bomb.tar.gz", padded_header(members(good)))
    with pytest.raises(BackupArchiveError, match="a header or member in it unpacks to more than a backup writes"):
        backup_restore.restore_backup(bomb, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


# ---- an org's part -------------------------------------------------------------------------------------------------
def test_an_org_archive_says_what_it_is_for_and_its_bundle_can_be_written_from_it(hosts_data, hosts, tmp_path):
    out = tmp_path / "bank.tar.gz"
    backup.write_backup(hosts_data, out, topology=hosts, org="bank")
    restored = tmp_path / "bank-part"
    lines = backup_restore.restore_backup(out, restored).lines()
    assert not any("`recfin network up` resumes" in line for line in lines)
    assert any("`recfin network up` cannot run on it" in line for line in lines)
    assert lines[-1].startswith("next, for bank's own host, when it was backed up from the hostnames data folder")
    assert f"`recfin org bundle bank --data-root {restored}`" in lines[-1]
    written = bundle.write(hosts, restored, "bank", tmp_path / "bank-bundle")       # the step the report names
    assert written.package_id and not written.missing


# ---- what killed restores leave ------------------------------------------------------------------------------------
def test_a_restore_removes_the_folders_killed_restores_left_and_names_those_it_cannot(data, topology, tmp_path):
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    (tmp_path / "restore-into").mkdir()
    target = tmp_path / "restore-into" / "network"
    killed, running_one, just_made = (target.with_name(f".network.restoring-{h}") for h in
                                      ("0123abcd", "4567cdef", "89abcdef"))
    for folder in (killed, running_one, just_made):
        (folder / "crypto").mkdir(parents=True, mode=0o700)
        (folder / "crypto" / "priv_sk").write_bytes(b"a key")
    an_hour_ago = time.time() - 3600
    for folder in (killed, running_one):
        os.utime(folder, (an_hour_ago, an_hour_ago))
    unrelated = target.with_name(".other.restoring-0123abcd")
    unrelated.mkdir()
    os.utime(unrelated, (an_hour_ago, an_hour_ago))
    holder = os.open(running_one, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)      # a restore still writing it
    try:
        result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(target)])
    finally:
        os.close(holder)
    assert result.exit_code == 0, result.output
    assert not killed.exists() and running_one.exists() and just_made.exists() and unrelated.exists()
    assert "removed 1 folder(s) a restore killed midway left beside it: .network.restoring-0123abcd" in result.output
    for kept in (running_one, just_made):
        assert (f"left {kept}: " in result.output
                and f"remove it with `chmod -R u+rwX {kept} && rm -rf {kept}`" in result.output)
    assert (target / "crypto").is_dir()


def test_staged_leftovers_are_left_out_except_in_a_nodes_ledger(data, topology, tmp_path):
    (data / ".membership.yaml.0123abcd.tmp").write_text("half written")
    ledger_file = nodeconfig.node_dirs(data, "peer0.bank").data / ".fabric.0123abcd.tmp"
    ledger_file.write_text("Fabric's")
    report = backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    assert ".membership.yaml.0123abcd.tmp" in report.left_out
    names = {m.name for m, _ in members(tmp_path / "b.tar.gz")}
    assert "data/.membership.yaml.0123abcd.tmp" not in names
    assert f"data/{ledger_file.relative_to(data).as_posix()}" in names


# ---- a data folder written while it is backed up ---------------------------------------------------------------
def listed_then(monkeypatch, change):
    """backup._select as it is, then change() run: a writer no pid file names acting after the folder was listed."""
    real_select = backup._select

    def select_then_change(root, scope):
        chosen = real_select(root, scope)
        change()
        return chosen
    monkeypatch.setattr(backup, "_select", select_then_change)


def test_a_file_appended_to_during_the_backup_refuses_it(data, topology, tmp_path, monkeypatch):
    wal = nodeconfig.node_dirs(data, "orderer0.orderer").data / "etcdraft/wal/0000000000000000-0000000000000000.wal"
    before = wal.stat().st_size

    def append():
        with open(wal, "ab") as handle:
            handle.write(b"an entry appended after the listing")
    listed_then(monkeypatch, append)
    out = tmp_path / "b.tar.gz"
    with pytest.raises(NetworkError) as refused:
        backup.write_backup(data, out, topology=topology)
    assert f"{wal} changed ({before} bytes when listed, {wal.stat().st_size} once copied)" in str(refused.value)
    assert "a process writes the folder" in str(refused.value) and "--stop" in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network"]     # no archive, no temporary file


def test_a_file_made_during_the_backup_refuses_it(data, topology, tmp_path, monkeypatch):
    new_block_file = nodeconfig.node_dirs(data, "peer0.bank").data / "ledgersData/chains/chains/receivables/blockfile_000001"
    listed_then(monkeypatch, lambda: new_block_file.write_bytes(b"the next block file"))
    with pytest.raises(NetworkError, match=f"{new_block_file} appeared while the data folder was backed up"):
        backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network"]


def test_a_file_removed_during_the_backup_refuses_it(data, topology, tmp_path, monkeypatch):
    profile = data / "profiles" / "bank.json"
    listed_then(monkeypatch, profile.unlink)
    with pytest.raises(NetworkError, match=f"{profile} was removed while the data folder was backed up"):
        backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network"]


# ---- membership.lock -----------------------------------------------------------------------------------------------
def held_elsewhere(lock_file: Path) -> bool:
    """Whether an open file description other than this check's holds lock_file's flock (the holder may be this
    process: flock is per open file)."""
    if not lock_file.exists():
        return False
    descriptor = os.open(lock_file, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)


def test_a_backup_holds_membership_lock_while_it_reads_the_folder(data, topology, tmp_path, monkeypatch):
    """`org user add` changes crypto/ and membership.yaml under membership.lock alone (the network stopped): a
    backup reading meanwhile would keep the user's certificate without its record."""
    seen = []
    listed_then(monkeypatch, lambda: seen.append(held_elsewhere(data / membership.LOCK_FILE)))
    backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    assert seen == [True]


def test_a_restore_holds_membership_lock_while_it_moves_the_folder_aside(data, topology, tmp_path, monkeypatch):
    out = tmp_path / "b.tar.gz"
    backup.write_backup(data, out, topology=topology)
    seen, real_aside_path = [], backup_restore.aside_path

    def aside_path_checked(target, now=None):
        seen.append(held_elsewhere(data / membership.LOCK_FILE))
        return real_aside_path(target, now)
    monkeypatch.setattr(backup_restore, "aside_path", aside_path_checked)
    report = backup_restore.restore_backup(out, data, replace=True)
    assert seen == [True] and report.moved_aside is not None


# ---- paths too long to be a backup's -------------------------------------------------------------------------------
def archive_listing(path: Path, listed_path: str) -> Path:
    """A small archive whose manifest lists one empty file at listed_path (and holds no member)."""
    manifest = {"format": backup_archive.FORMAT, "format_version": backup_archive.FORMAT_VERSION, "channel": "c",
                "org": None, "created": "x", "data_root_mode": 0o700, "folders": [],
                "files": [{"path": listed_path, "size": 0, "mode": 0o600,
                           "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]}
    body = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as tar:
        member = tarfile.TarInfo(backup_archive.MANIFEST_NAME)
        member.size = len(body)
        tar.addfile(member, io.BytesIO(body))
    return path


@pytest.mark.parametrize("listed_path, why", [
    ("/".join(["a"] * 257), "513 bytes in 257 parts"),
    ("a/" + "b" * 4095, "4097 bytes in 2 parts"),
])
def test_a_manifest_path_too_long_for_a_data_folder_is_refused_at_once(tmp_path, listed_path, why):
    archive = archive_listing(tmp_path / "deep.tar.gz", listed_path)
    with pytest.raises(BackupArchiveError) as refused:
        backup_restore.restore_backup(archive, tmp_path / "network")
    assert f"the path {listed_path[:100]!r}... is {why}, more than a backup's path may be" in str(refused.value)
    assert not (tmp_path / "network").exists()


def test_a_manifest_path_of_20000_parts_is_refused_for_its_length_before_the_paths_are_compared(tmp_path,
                                                                                               monkeypatch):
    """One path of 20,000 parts fits in a 400-byte archive; looking its parents up took seconds (quadratic in its
    depth). Its length refuses it first: the manifest's paths are never compared with one another."""
    archive = archive_listing(tmp_path / "deep.tar.gz", "/".join(["a"] * 20000))
    compared = []
    monkeypatch.setattr(backup_archive, "_inside_a_file", lambda folders, files: compared.append([*folders, *files]))
    with pytest.raises(BackupArchiveError, match=r"is 39999 bytes in 20000 parts, more than a backup's path may be "
                                                 r"\(4096 bytes, 256 parts\)"):
        backup_archive.verify_archive(archive)
    assert compared == []


def test_a_path_a_restore_would_refuse_refuses_the_backup(data, topology, tmp_path):
    deep = data / "config" / Path(*["d"] * 256)
    deep.mkdir(parents=True)
    with pytest.raises(NetworkError, match="257 parts, more than a backup's path may be"):
        backup.write_backup(data, tmp_path / "b.tar.gz", topology=topology)
    assert not (tmp_path / "b.tar.gz").exists()


def test_a_manifest_nested_deeper_than_the_stack_is_refused_as_no_json(tmp_path):
    body = b"[" * 200_000 + b"]" * 200_000
    archive = tmp_path / "nested.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        member = tarfile.TarInfo(backup_archive.MANIFEST_NAME)
        member.size = len(body)
        tar.addfile(member, io.BytesIO(body))
    result = CliRunner().invoke(network, ["restore", str(archive), "--data-root", str(tmp_path / "network")])
    assert result.exit_code == 1, result.output
    assert (f"refusing to restore {archive}: its {backup_archive.MANIFEST_NAME} is not JSON. Nothing was written"
            in result.output)
    assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError)
    assert not (tmp_path / "network").exists()


def test_restore_onto_a_symlinked_data_folder_names_the_folder_it_leads_to(data, topology, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup.write_backup(data, out, topology=topology)
    link = tmp_path / "current link"
    link.symlink_to(data)
    before = tree(data)
    for replace in (False, True):
        with pytest.raises(NetworkError) as refused:
            backup_restore.restore_backup(out, link, replace=replace)
        assert f"'{link}' is a symlink to {data.resolve()}: " in str(refused.value)
        assert str(refused.value).endswith(f"give --data-root {data.resolve()} itself")
    assert link.is_symlink() and tree(data) == before


# ---- a mount point as the data folder --------------------------------------------------------------------------------
@pytest.mark.skipif(not os.path.ismount("/proc"), reason="needs /proc mounted, as on Linux")
def test_restore_into_a_mount_point_is_refused_naming_a_folder_inside_it(tmp_path):
    archive = archive_listing(tmp_path / "b.tar.gz", "a")      # refused before the archive is read
    with pytest.raises(NetworkError) as refused:
        backup_restore.restore_backup(archive, Path("/proc"), replace=True)
    assert "refusing to restore into /proc: it is a mount point" in str(refused.value)
    assert "restore into a new folder inside it (--data-root /proc/network)" in str(refused.value)


def test_restore_into_an_empty_mount_point_writes_nothing_beside_it(data, topology, tmp_path, monkeypatch):
    out = tmp_path / "b.tar.gz"
    backup.write_backup(data, out, topology=topology)
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == mount_point or real_ismount(path))
    with pytest.raises(NetworkError, match=f"refusing to restore into {mount_point}: it is a mount point"):
        backup_restore.restore_backup(out, mount_point)
    assert not any(mount_point.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "disk", "network"]


# ---- a restore --replace killed between its two renames ------------------------------------------------------------
KILLED_AFTER_THE_FIRST_RENAME = """
import os, sys
from network import backup_restore
real_rename = os.rename
def rename_then_die(source, destination):
    real_rename(source, destination)
    os.kill(os.getpid(), 9)
backup_restore.os.rename = rename_then_die
backup_restore.restore_backup(sys.argv[1], sys.argv[2], replace=True)
"""


def test_a_restore_after_one_killed_between_its_renames_names_the_folder_moved_aside(data, topology, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup.write_backup(data, out, topology=topology)
    (data / "profiles" / "bank.json").write_text('{"org": "bank", "changed": "after the backup"}')
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_THE_FIRST_RENAME, str(out), str(data)],
                            cwd=Path(backup.__file__).parents[1])
    assert killed.returncode == -9 and not data.exists()
    (aside,) = tmp_path.glob("network.before-restore-*")
    (tmp_path / "network.before-restore-notes").mkdir()        # not a name a restore gives: not named

    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(data)])
    assert result.exit_code == 0, result.output
    assert (f"{data} was not there but {aside} is: a `restore --replace` stopped midway" in result.output
            and f"`mv {aside} {data}`" in result.output and "before-restore-notes" not in result.output)
    assert "after the backup" in (aside / "profiles" / "bank.json").read_text()        # kept as it was
    assert "after the backup" not in (data / "profiles" / "bank.json").read_text()
    again = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(data), "--replace"])
    assert again.exit_code == 0 and "was not there" not in again.output


# ---- a failed restore of read-only folders -------------------------------------------------------------
def test_a_failed_restore_removes_its_folder_also_when_the_archive_holds_a_read_only_folder(
        data, topology, tmp_path, monkeypatch):
    # As an operator may keep a keystore: 0500. The restore gives the folder that mode before it renames the
    # new data folder into place; rmtree, as any user but root, could not empty it, and the key stayed there.
    keystore = next(data.glob("crypto/bank/**/keystore"))
    keystore.chmod(0o500)
    out = tmp_path / "backup.tar.gz"
    backup.write_backup(data, out, topology=topology)
    real_unlink, real_rmdir = os.unlink, os.rmdir

    def as_a_user(remove):
        """remove, refused as the kernel refuses any user but root: from a folder its owner may not write."""
        def removing(path, *, dir_fd=None):
            folder = os.stat(dir_fd) if dir_fd is not None else os.stat(Path(path).absolute().parent)
            if not folder.st_mode & stat.S_IWUSR:
                raise PermissionError(13, "Permission denied", path)
            return remove(path, dir_fd=dir_fd)
        return removing

    def rename(source, destination):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "unlink", as_a_user(real_unlink))
    monkeypatch.setattr(os, "rmdir", as_a_user(real_rmdir))
    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="Input/output error"):
        backup_restore.restore_backup(out, tmp_path / "restored")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.tar.gz", "network"]     # no .restoring-*


# ---- a manifest's paths inside a file: refused in time linear in its size ---------------------------------
def manifest_text(folders: list[str], files: list[str]) -> bytes:
    return json.dumps({
        "format": backup_archive.FORMAT, "format_version": backup_archive.FORMAT_VERSION, "channel": "c",
        "org": None, "created": "x", "data_root_mode": 0o700,
        "folders": [{"path": path, "mode": 0o700} for path in folders],
        "files": [{"path": path, "size": 0, "mode": 0o600, "sha256": "0" * 64} for path in files]}).encode()


DEEP = "/".join(["d"] * 200)


@pytest.mark.parametrize("folders, files, inside", [
    (["a/b/c"], ["a/b"], "a/b/c"),
    ([], ["a/b", "a/b-c", "a/b.d", "a/b/x"], "a/b/x"),       # siblings that sort between "a/b" and "a/b/x"
    ([], [f"{DEEP}/f", f"{DEEP}/f/g/h", f"{DEEP}/e"], f"{DEEP}/f/g/h"),
    ([], ["a", "a/b"], "a/b"),
])
def test_a_manifest_listing_a_path_inside_a_file_is_refused(folders, files, inside):
    with pytest.raises(BackupArchiveError) as refused:
        backup_archive._parse_manifest(Path("b.tar.gz"), manifest_text(folders, files))
    assert str(refused.value) == (f"refusing to restore b.tar.gz: its manifest lists {inside!r} inside a "
                                  f"file. Nothing was written")


def test_files_beside_a_folder_of_a_like_name_are_not_inside_one_another():
    text = manifest_text(["a", "a/b", "a/b/c"], ["a/b-c", "a/b.d", "a/b/c/x", "a/b0", f"{DEEP}/f"])
    manifest = backup_archive._parse_manifest(Path("b.tar.gz"), text)
    assert len(manifest.files) == 5 and len(manifest.folders) == 3


def calls_made(work) -> int:
    """How many Python and built-in function calls work() makes (deterministic, unlike its time)."""
    count = 0

    def counting(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1
    sys.setprofile(counting)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def test_reading_a_manifest_takes_no_more_calls_for_deep_paths_than_for_shallow_ones():
    # A crafted manifest of 10,000 paths of 250 parts took 11 s when each path's parents were looked up one by
    # one (a 64 MiB one, minutes): the work must not grow with the parts of a path.
    def parse(parts: int):
        prefix = "/".join(["a"] * (parts - 1))
        text = manifest_text([], [f"{prefix}/{i}" for i in range(200)])
        return lambda: backup_archive._parse_manifest(Path("b.tar.gz"), text)
    shallow, deep = calls_made(parse(2)), calls_made(parse(250))
    assert deep <= shallow + 50, (shallow, deep)


# ---- what another user than root meets --------------------------------------------------------------------
NOBODY = 65534


@pytest.fixture
def shared_tmp():
    """A folder another user may reach (pytest's tmp_path lies in a folder of this user's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="recfin-backup-test-"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["chmod", "-R", "u+rwX", str(folder)], check=False)
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def as_another_user(owning: Path):
    """The block run as a user other than root, who owns everything under owning: the kernel lets root write
    any folder, so what a folder's mode refuses shows only so. Run as is when this user is not root."""
    if os.geteuid() != 0:
        yield
        return
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(owning)], check=True)
    groups = os.getgroups()
    os.setgroups([])
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
        os.setgroups(groups)


def test_a_backup_of_a_read_only_copy_says_it_takes_its_locks_there_and_what_to_do(data, shared_tmp):
    copy = shared_tmp / "snapshot"
    shutil.copytree(data, copy)
    copy.chmod(0o555)       # a read-only copy, as a file-system snapshot is
    out = shared_tmp / "b.tar.gz"
    with as_another_user(shared_tmp):
        result = CliRunner().invoke(network, ["backup", str(out), "--data-root", str(copy)])
    assert result.exit_code == 1, result.output
    assert (f"cannot lock {copy}: `recfin network backup` holds lock files in the data folder (network.lock, "
            f"membership.lock) while it runs, so that no `up`, `down`, deploy or `org user` change starts "
            f"meanwhile, and this user cannot write {copy / 'network.lock'} (Permission denied). Nothing was "
            f"written: " in result.output)
    assert f"copy it to a folder you may write (`cp -a {copy} NEW`) and give --data-root NEW" in result.output
    assert not out.exists() and "Traceback" not in result.output


# ---- restore --replace over a folder that holds a running data folder -------------------------------------
@pytest.fixture
def srv(data, tmp_path) -> Path:
    """A folder holding the data folder (/srv holding /srv/network), as --data-root may name by mistake."""
    folder = tmp_path / "srv"
    folder.mkdir()
    shutil.move(data, folder / "network")
    return folder


def where_now(pid_file: Path, srv: Path) -> Path:
    """pid_file, or where a restore moved it with srv (the test failing): its process is stopped either way."""
    moved = [aside / pid_file.relative_to(srv) for aside in srv.parent.glob(f"{srv.name}.before-restore-*")]
    return next((path for path in moved if path.exists()), pid_file)


def test_restore_replace_over_a_folder_holding_the_topologys_running_data_folder_is_refused(
        srv, topology, tmp_path, monkeypatch):
    out = tmp_path / "b.tar.gz"
    backup.write_backup(srv / "network", out, topology=topology)
    monkeypatch.setenv("RECFIN_HOME", str(srv))         # the topology's data folder: srv/network
    pid_file = nodeconfig.node_dirs(srv / "network", "peer0.bank").pid
    supervisor = running(pid_file)
    try:
        result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(srv), "--replace"])
        assert result.exit_code == 2, result.output
        assert f"refusing to restore over {srv}" in result.output and "peer0.bank" in result.output
        assert supervisor.running_pid(pid_file) is not None         # its folder never moved from under it
    finally:
        supervisor.stop(where_now(pid_file, srv))
    assert not list(tmp_path.glob("srv.before-restore-*")) and (srv / "network" / "crypto").is_dir()
    # Stopped (its stale pid files left): restored, once told to, as its nodes' ledgers under srv/network would
    # no longer be where the restored folder keeps its own.
    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(srv), "--replace"])
    assert result.exit_code == 1 and "network/peer0.bank channel receivables from height 1 to 0" in result.output
    result = CliRunner().invoke(network, ["restore", str(out), "--data-root", str(srv), "--replace",
                                          "--allow-rollback"])
    assert result.exit_code == 0, result.output


def test_restore_replace_over_a_folder_whose_link_leads_to_the_topologys_running_data_folder_is_refused(
        srv, topology, tmp_path, monkeypatch):
    # srv/network is a link to where the network runs: no pid file lies under srv, but the topology's path to
    # its data folder does, and moved aside, `recfin network down` would no longer find the nodes that run.
    out = tmp_path / "b.tar.gz"
    backup.write_backup(srv / "network", out, topology=topology)
    elsewhere = tmp_path / "disk" / "network"
    elsewhere.parent.mkdir()
    shutil.move(srv / "network", elsewhere)
    (srv / "network").symlink_to(elsewhere)
    (srv / "notes.txt").write_text("the operator's")
    monkeypatch.setenv("RECFIN_HOME", str(srv))
    pid_file = nodeconfig.node_dirs(elsewhere, "orderer0.orderer").pid
    supervisor = running(pid_file)
    try:
        with pytest.raises(NetworkRunningError) as refused:
            backup_restore.restore_backup(out, srv, replace=True, supervisor=supervisor, topology=topology)
    finally:
        supervisor.stop(pid_file)
    assert (f"refusing to restore over {srv}, which holds the topology's data folder {srv / 'network'}, "
            f"while 1 process(es) of {srv / 'network'} run (orderer0.orderer (pid " in str(refused.value))
    assert not list(tmp_path.glob("srv.before-restore-*")) and (srv / "network").is_symlink()


def test_restore_replace_over_a_folder_in_which_any_pid_file_names_a_live_process_is_refused(
        srv, topology, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup.write_backup(srv / "network", out, topology=topology)
    kept = srv / "old" / "network"       # another data folder kept in it, not the topology's
    shutil.move(srv / "network", kept)
    pid_file = ccservers.server_pid_file(kept, "receivables", topology.org("bank"))
    supervisor = running(pid_file)
    try:
        with pytest.raises(NetworkRunningError) as refused:
            backup_restore.restore_backup(out, srv, replace=True, supervisor=supervisor, topology=topology)
        pid = supervisor.running_pid(pid_file)
        assert (f"refusing to restore over {srv} while 1 process(es) run whose pid files lie in it "
                f"(old/network/chaincode/receivables/bank/server.pid (pid {pid}))" in str(refused.value))
        assert str(refused.value).endswith("then restore again")
    finally:
        supervisor.stop(where_now(pid_file, srv))
    assert not list(tmp_path.glob("srv.before-restore-*")) and (kept / "crypto").is_dir()


# ---- the command a restore names to remove a leftover ------------------------------------------
def test_the_command_a_restore_names_removes_a_leftover_holding_a_read_only_folder_as_its_owner(
        data, topology, shared_tmp):
    out = shared_tmp / "b.tar.gz"
    backup.write_backup(data, out, topology=topology)
    target = shared_tmp / "restore-into" / "network"
    target.parent.mkdir()
    left = target.with_name(".network.restoring-0123abcd")      # one a minute old: kept, and named
    (left / "crypto" / "keystore").mkdir(parents=True)
    (left / "crypto" / "keystore" / "priv_sk").write_bytes(b"a key")
    report = backup_restore.restore_backup(out, target)
    (line,) = [line for line in report.lines() if line.startswith(f"left {left}: ")]
    command = line.rsplit("remove it with `", 1)[1].rstrip("`")
    # As a restore killed after it set the modes leaves them: a keystore kept 0500, its key 0400.
    (left / "crypto" / "keystore" / "priv_sk").chmod(0o400)
    (left / "crypto" / "keystore").chmod(0o500)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(shared_tmp)], check=True)
        removal = subprocess.run(["sh", "-c", command], capture_output=True, text=True, user=NOBODY,
                                 group=NOBODY, extra_groups=[])
    else:
        removal = subprocess.run(["sh", "-c", command], capture_output=True, text=True)
    assert removal.returncode == 0, removal.stderr
    assert not left.exists() and (target / "crypto").is_dir()


def test_out_dash_is_refused_not_written_as_a_file_named_dash(data, tmp_path, monkeypatch):
    """Bug: `recfin network backup -` wrote a file named "-". The archive is written whole or not at all, to a
    file: never to stdout, so '-' is a usage error naming OUT; ./- still names a file '-'."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(network, ["backup", "-", "--data-root", str(data)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for 'OUT': '-' is not stdout here" in result.stderr
    assert "./- for a file named '-'" in result.stderr and result.stdout == ""
    assert not (tmp_path / "-").exists()
    result = CliRunner().invoke(network, ["backup", "./-", "--data-root", str(data)])
    assert result.exit_code == 0, result.output
    assert backup_archive.verify_archive(tmp_path / "-")
