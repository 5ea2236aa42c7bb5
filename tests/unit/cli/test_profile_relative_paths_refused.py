"""A connection profile that names a file by a relative path (a profile edited by hand: recfin writes every path
absolute) was read from whatever folder the command ran in: from the data folder it connected, from anywhere else
it said the file "is not there" and to restore it, though the file was where the profile's author meant. One rule
now holds from every folder: a profile's paths are absolute, and a relative one is refused before anything is
read or connected, naming the profile file, the field and what to do."""
from __future__ import annotations

import json
import os

import pytest

from cli.main import main
from network import profiles
from network.topology import load


def _profile_with(network_copy, change) -> None:
    profiles.write_all(load(), network_copy)
    path = network_copy / "profiles" / "supplier.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def _relative(path: str, network_copy) -> str:
    return os.path.relpath(path, network_copy)


@pytest.mark.parametrize("from_the_data_folder", [False, True], ids=["elsewhere", "in-the-data-folder"])
def test_a_relative_tls_root_is_refused_from_every_folder(runner, network_copy, monkeypatch, from_the_data_folder):
    def tls_root_relative(document):
        document["gateway"]["tls_root_cert"] = _relative(document["gateway"]["tls_root_cert"], network_copy)

    _profile_with(network_copy, tls_root_relative)
    # from the data folder, the relative path names a file that is there: read as given, it would connect
    monkeypatch.chdir(network_copy if from_the_data_folder else network_copy.parent)

    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier"])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("Error: ") and str(network_copy / "profiles" / "supplier.json") in line, line
    assert "gateway.tls_root_cert" in line and "crypto/supplier/tlsca/tlsca.pem" in line, line
    assert "must be absolute" in line and "recfin network up" in line, line
    assert "UNAVAILABLE" not in line and "is not there" not in line, line


def test_a_relative_user_path_is_refused_with_the_count_of_the_others(runner, network_copy, monkeypatch):
    def user_paths_relative(document):
        for field in ("cert", "key"):
            document["users"]["supplier1"][field] = _relative(document["users"]["supplier1"][field], network_copy)

    _profile_with(network_copy, user_paths_relative)
    monkeypatch.chdir(network_copy)

    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier/supplier1"])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert "users.supplier1.cert" in line and "(and 1 other path(s))" in line, line
    assert "must be absolute" in line, line
