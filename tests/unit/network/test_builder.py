"""The external builder scripts, run as the peer runs them: as programs with folder arguments."""
import io
import json
import os
import subprocess
import tarfile

import pytest

from network import builder
from network.packaging import ccaas_package, connection_json

BIN = builder.SOURCE / "bin"


def run(script, *args):
    return subprocess.run([str(BIN / script), *map(str, args)], capture_output=True, text=True, timeout=30)


def unpack(data, dest):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")


@pytest.fixture
def peer_dirs(tmp_path):
    """The folders the peer hands the builder: source (code.tar.gz unpacked) and metadata (metadata.json)."""
    pkg, src, meta = tmp_path / "pkg", tmp_path / "src", tmp_path / "meta"
    unpack(ccaas_package("receivables_1.0", connection_json("127.0.0.1:9992")), pkg)
    unpack((pkg / "code.tar.gz").read_bytes(), src)
    meta.mkdir()
    (meta / "metadata.json").write_bytes((pkg / "metadata.json").read_bytes())
    return src, meta, tmp_path


def test_scripts_are_executable():
    for name in builder.SCRIPTS:
        assert os.access(BIN / name, os.X_OK), name


def test_detect_claims_ccaas_only(peer_dirs, tmp_path):
    src, meta, _ = peer_dirs
    assert run("detect", src, meta).returncode == 0
    other = tmp_path / "golang"
    other.mkdir()
    (other / "metadata.json").write_text(json.dumps({"type": "golang", "label": "x", "path": "x"}))
    assert run("detect", src, other).returncode == 1
    assert run("detect", src, tmp_path / "absent").returncode == 1


def test_build_then_release_writes_the_server_connection(peer_dirs):
    src, meta, tmp = peer_dirs
    out, rel = tmp / "build", tmp / "release"
    assert run("build", src, meta, out).returncode == 0
    res = run("release", out, rel)
    assert res.returncode == 0, res.stderr
    conn = json.loads((rel / "chaincode" / "server" / "connection.json").read_text())
    assert conn["address"] == "127.0.0.1:9992" and conn["tls_required"] is False


@pytest.mark.parametrize("folder", ["META-INF", "metadata"])
def test_build_carries_statedb_indexes_to_release(peer_dirs, folder):
    """META-INF/ is where Fabric's packages and its ccaas builder keep indexes; metadata/ is the
    layout of Fabric's chaincode-as-a-service guide. Either reaches the peer as statedb/."""
    src, meta, tmp = peer_dirs
    index = src / folder / "statedb" / "couchdb" / "indexes" / "byHolder.json"
    index.parent.mkdir(parents=True)
    index.write_text("{}")
    assert run("build", src, meta, tmp / "b").returncode == 0
    assert run("release", tmp / "b", tmp / "r").returncode == 0
    assert (tmp / "r" / "statedb" / "couchdb" / "indexes" / "byHolder.json").is_file()


def test_build_rejects_a_package_without_a_usable_connection(peer_dirs):
    src, meta, tmp = peer_dirs
    (src / "connection.json").write_text(json.dumps({"dial_timeout": "10s"}))
    res = run("build", src, meta, tmp / "b")
    assert res.returncode == 1 and "address" in res.stderr
    (src / "connection.json").unlink()
    res = run("build", src, meta, tmp / "b")
    assert res.returncode == 1 and "connection.json missing" in res.stderr


def test_release_without_build_fails(tmp_path):
    res = run("release", tmp_path / "nothing", tmp_path / "r")
    assert res.returncode == 1 and "was build run" in res.stderr


def test_install_copies_scripts_with_exec_bits(tmp_path):
    folder = builder.install(tmp_path)
    for name in builder.SCRIPTS:
        dst = folder / "bin" / name
        assert os.access(dst, os.X_OK)
        assert dst.read_bytes() == (BIN / name).read_bytes()
    (folder / "bin" / "detect").write_text("stale")
    builder.install(tmp_path)
    assert (folder / "bin" / "detect").read_bytes() == (BIN / "detect").read_bytes()


def _source_with(tmp_path, connection: dict):
    pkg, src, meta = tmp_path / "pkg", tmp_path / "src", tmp_path / "meta"
    unpack(ccaas_package("receivables_1.0", connection), pkg)
    unpack((pkg / "code.tar.gz").read_bytes(), src)
    meta.mkdir()
    (meta / "metadata.json").write_bytes((pkg / "metadata.json").read_bytes())
    return src, meta


def test_build_carries_mutual_tls_material_and_refuses_it_without_pem_text(tmp_path):
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"
    good = connection_json("127.0.0.1:9992", root_cert=pem, client_cert=pem, client_key=key)
    src, meta = _source_with(tmp_path / "good", good)
    assert run("build", src, meta, tmp_path / "out").returncode == 0
    assert run("release", tmp_path / "out", tmp_path / "rel").returncode == 0
    assert json.loads((tmp_path / "rel" / "chaincode" / "server" / "connection.json").read_text()) == good

    paths_not_pem = dict(good, client_key="/etc/keys/client.key")
    src, meta = _source_with(tmp_path / "bad", paths_not_pem)
    res = run("build", src, meta, tmp_path / "out2")
    assert res.returncode == 1 and '"client_key" holding PEM text' in res.stderr
    assert not (tmp_path / "out2" / "connection.json").exists()


def test_build_and_release_keep_the_connection_with_its_client_key_to_the_peers_user(tmp_path, umask_022):
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"
    src, meta = _source_with(tmp_path, connection_json("127.0.0.1:9992", root_cert=pem, client_cert=pem,
                                                       client_key=key))
    (src / "connection.json").chmod(0o644)              # as the peer unpacks it
    released = tmp_path / "rel" / "chaincode" / "server" / "connection.json"
    released.parent.mkdir(parents=True)
    released.write_text("{}")                           # an earlier release's copy, world-readable
    released.chmod(0o644)
    assert run("build", src, meta, tmp_path / "out").returncode == 0
    assert run("release", tmp_path / "out", tmp_path / "rel").returncode == 0
    for written in (tmp_path / "out" / "connection.json", released):
        assert written.stat().st_mode & 0o777 == 0o600, written
        assert json.loads(written.read_text())["client_key"] == key
    assert sorted(p.name for p in released.parent.iterdir()) == ["connection.json"]   # no temporary left
