"""`recfin network logs NAME` where the log is not a file, and for a chaincode server before any deploy.

A folder or a FIFO at a node's node.log was answered "no log yet ... run `recfin network up`", which does not mend
it; and a chaincode server's name (receivables.bank) given before any deploy was answered with the nodes alone, as
though a server had no log to ask for.
"""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from cli.main import main
from network.control import Network
from network.errors import NetworkError, NodeNotFoundError
from network.fabric_bin import FabricInstall


def network_in(topology, tmp_path) -> Network:
    return Network(topology, data_root=tmp_path / "net", fabric=FabricInstall.locate(), say=lambda _: None, timeout=5)


@pytest.mark.parametrize("kind, make", [("a folder", os.mkdir), ("a FIFO", os.mkfifo)])
def test_a_log_path_that_is_no_file_is_named_as_what_it_is(topology, tmp_path, fake_fabric, kind, make):
    net = network_in(topology, tmp_path)
    log = net.log_path("peer0.supplier")
    log.parent.mkdir(parents=True)
    make(log)
    for read in (net.logs, net.follow):
        with pytest.raises(NetworkError) as refused:
            read("peer0.supplier")
        assert str(refused.value) == (f"{log}, where peer0.supplier writes its log, is {kind}, not a file: move it "
                                      f"aside, then run `recfin network up`")


def test_a_link_leading_nowhere_is_still_no_log_yet(topology, tmp_path, fake_fabric):
    net = network_in(topology, tmp_path)
    log = net.log_path("peer0.supplier")
    log.parent.mkdir(parents=True)
    log.symlink_to(tmp_path / "gone.log")
    with pytest.raises(NetworkError, match=r"^no log yet for peer0\.supplier "):
        net.logs("peer0.supplier")


def test_a_chaincode_servers_name_before_any_deploy_says_none_has_run(topology, tmp_path, fake_fabric):
    net = network_in(topology, tmp_path)
    with pytest.raises(NodeNotFoundError) as refused:
        net.log_path("receivables.bank")
    said = str(refused.value)
    assert said.startswith("no node named 'receivables.bank': choose one of orderer0.orderer, ")
    assert said.endswith(f"; or a chaincode server: none has run from {tmp_path / 'net'} yet, as `recfin chaincode "
                         f"deploy` starts them")


def test_the_command_says_so_in_one_line(home, fake_fabric):
    result = CliRunner().invoke(main, ["network", "logs", "receivables.bank"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert "or a chaincode server: none has run from " in line and "`recfin chaincode deploy` starts them" in line
