"""A connection profile that names a file by a relative path (a profile written by hand, its crypto beside it) was
read from whatever folder the command ran in: from the data folder it connected, from anywhere else it said the
file "is not there" and to restore it, though the file was where the profile's author meant. A relative path is
now taken from the profile file's folder, as kubeconfig and docker-compose take theirs, the same from every
folder, by the CLI and by ``network.profiles.load`` alike; an absolute one is read as it is."""
from __future__ import annotations

import json
import os

import pytest

from cli.main import main
from network import profiles
from network.topology import load


def _relative_profile(network_copy) -> dict:
    """Write the profiles, then give every path of supplier's relative to its profile's folder (``../crypto/...``);
    the absolute profile as recfin wrote it is returned."""
    profiles.write_all(load(), network_copy)
    path = network_copy / "profiles" / "supplier.json"
    written = json.loads(path.read_text())
    document = json.loads(path.read_text())

    def relative(value: str) -> str:
        return os.path.relpath(value, path.parent)

    for endpoint in [document["gateway"], *document["peers"], *document["orderers"]]:
        endpoint["tls_root_cert"] = relative(endpoint["tls_root_cert"])
    for user in document["users"].values():
        for field in ("msp_dir", "cert", "key", "tls_cert", "tls_key"):
            user[field] = relative(user[field])
    path.write_text(json.dumps(document))
    assert document["gateway"]["tls_root_cert"].startswith("../crypto/")
    return written


@pytest.mark.parametrize("cwd", ["data-folder", "elsewhere"])
def test_the_sdk_takes_relative_paths_from_the_profiles_folder(tmp_path, network_copy, monkeypatch, cwd):
    written = _relative_profile(network_copy)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(network_copy if cwd == "data-folder" else elsewhere)

    profile = profiles.load("supplier", network_copy)
    assert profile.gateway.tls_root_cert.is_file()
    assert os.path.samefile(profile.gateway.tls_root_cert, written["gateway"]["tls_root_cert"])
    user = profile.user("supplier1")
    for field in ("msp_dir", "cert", "key", "tls_cert", "tls_key"):
        assert getattr(user, field).is_absolute(), field
        assert os.path.samefile(getattr(user, field), written["users"]["supplier1"][field]), field


def test_absolute_paths_are_read_as_written(network_copy):
    profiles.write_all(load(), network_copy)
    written = json.loads((network_copy / "profiles" / "supplier.json").read_text())
    profile = profiles.load("supplier", network_copy)
    assert str(profile.gateway.tls_root_cert) == written["gateway"]["tls_root_cert"]
    assert str(profile.user("supplier1").key) == written["users"]["supplier1"]["key"]


@pytest.mark.parametrize("cwd", ["data-folder", "elsewhere"])
def test_a_command_reads_a_relative_profile_the_same_from_every_folder(runner, tmp_path, network_copy, monkeypatch,
                                                                      cwd):
    _relative_profile(network_copy)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(network_copy if cwd == "data-folder" else elsewhere)

    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier/supplier1",
                                  "--timeout", "1"])
    # every file was found and the command went on to the gateway (no network is up here)
    assert "is not there" not in result.output and "relative" not in result.output, result.output
    assert "is the network up?" in result.output, result.output


def test_a_rewrite_of_the_revoked_marks_keeps_relative_paths_relative(network_copy):
    _relative_profile(network_copy)
    path = network_copy / "profiles" / "supplier.json"
    before = json.loads(path.read_text())
    topology = load()
    profiles.mark_revoked(network_copy, "supplier", topology.org("supplier").domain)
    assert json.loads(path.read_text()) == before
