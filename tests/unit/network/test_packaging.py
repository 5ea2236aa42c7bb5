import hashlib
import io
import json
import shutil
import tarfile

import pytest

from network import compose
from network.errors import ChaincodeError
from network.packaging import ccaas_package, connection_json, package_id, write_package


def members(data):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: (m, tar.extractfile(m).read()) for m in tar.getmembers()}


def test_package_layout():
    pkg = members(ccaas_package("receivables_1.0", connection_json("127.0.0.1:9991")))
    assert list(pkg) == ["metadata.json", "code.tar.gz"]
    assert json.loads(pkg["metadata.json"][1]) == {"type": "ccaas", "label": "receivables_1.0"}
    code = members(pkg["code.tar.gz"][1])
    assert list(code) == ["connection.json"]
    assert json.loads(code["connection.json"][1]) == {"address": "127.0.0.1:9991", "dial_timeout": "10s",
                                                      "tls_required": False}


def test_headers_are_fixed():
    outer = ccaas_package("cc_1", connection_json("127.0.0.1:1"))
    for data in (outer, members(outer)["code.tar.gz"][1]):
        assert data[4:8] == b"\0\0\0\0"   # gzip MTIME
        for info, _ in members(data).values():
            assert (info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode) == (0, 0, 0, "", "", 0o644)


def test_package_id_is_stable_and_is_the_sha256_of_the_file(tmp_path):
    a = write_package(tmp_path / "a", "receivables_1.0", connection_json("127.0.0.1:9991"))
    b = write_package(tmp_path / "b", "receivables_1.0", connection_json("127.0.0.1:9991"))
    data = a.path.read_bytes()
    assert data == b.path.read_bytes()
    assert a.package_id == b.package_id == "receivables_1.0:" + hashlib.sha256(data).hexdigest()
    assert package_id("receivables_1.0", data) == a.package_id


def test_a_different_address_or_label_gives_a_different_id():
    base = ccaas_package("receivables_1.0", connection_json("127.0.0.1:9991"))
    other_addr = ccaas_package("receivables_1.0", connection_json("127.0.0.1:9992"))
    other_label = ccaas_package("receivables_1.1", connection_json("127.0.0.1:9991"))
    ids = {package_id("x", base), package_id("x", other_addr), package_id("x", other_label)}
    assert len(ids) == 3


def test_rewriting_the_same_package_leaves_the_file_alone(tmp_path):
    first = write_package(tmp_path, "cc_1", connection_json("127.0.0.1:1"))
    mtime = first.path.stat().st_mtime_ns
    write_package(tmp_path, "cc_1", connection_json("127.0.0.1:1"))
    assert first.path.stat().st_mtime_ns == mtime


def test_labels_the_peer_would_reject_are_rejected():
    with pytest.raises(ChaincodeError, match="label"):
        ccaas_package("receivables 1.0", connection_json("127.0.0.1:1"))
    with pytest.raises(ChaincodeError):
        ccaas_package("_leading", connection_json("127.0.0.1:1"))


def test_a_label_ending_in_a_newline_is_refused_before_anything_is_written(tmp_path):
    # "$" with .match matches before a final newline; the peer refuses such a label, and it would name the file
    with pytest.raises(ChaincodeError, match="label"):
        write_package(tmp_path, "other_1.0\n", connection_json("127.0.0.1:1"))
    assert list(tmp_path.iterdir()) == []


def _mode(path):
    return path.stat().st_mode & 0o777


def test_a_package_carrying_the_client_key_is_its_owners_alone(tmp_path, umask_022):
    """Its connection.json holds the peers' chaincode TLS client key: as readable as the key file (0600)."""
    mutual = connection_json("cc.example:9999", root_cert="CA", client_cert="CERT", client_key="KEY")
    secret = write_package(tmp_path / "secret", "cc_1", mutual)
    public = write_package(tmp_path / "public", "cc_1", connection_json("127.0.0.1:1"))
    assert _mode(secret.path) == 0o600 and _mode(public.path) == 0o644
    # one written before packages were kept private: the same bytes, made the owner's alone
    secret.path.chmod(0o644)
    assert write_package(tmp_path / "secret", "cc_1", mutual) == secret and _mode(secret.path) == 0o600


def test_every_package_prepare_writes_is_its_owners_alone(hosts, prepared_hosts, tmp_path, umask_022):
    root = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, root)
    written = compose.write_packages(hosts, root)
    assert written and {_mode(p.path) for p in written.values()} == {0o600}
