"""One builder makes the command that runs a program inside an org's network namespace: the supervisor starting a
node or chaincode server there and `recfin network netns exec` run what supervisor.command_in builds, so both find
`ip` the same way (where only /sbin/ip exists, off the PATH, the nodes were started with a /usr/sbin/ip that is
not there, while `netns up` and `netns exec` worked) and both refuse a missing `ip` with the package to install."""
from __future__ import annotations

from pathlib import Path

import pytest

from network import namespaces, supervisor
from network.errors import NamespaceError
from network.supervisor import ProcessSpec


def _spec(netns: str | None) -> ProcessSpec:
    return ProcessSpec(name="peer0.supplier", argv=["peer", "node", "start"], env={}, log=Path("peer.log"),
                       pid_file=Path("peer.pid"), netns=netns)


def _ip_only_at(monkeypatch, found: str | None) -> None:
    """`ip` off the PATH, and found (or nothing) among the places looked at besides."""
    monkeypatch.setattr(supervisor.shutil, "which", lambda name: None)
    real_is_file = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda self: str(self) == found if str(self).endswith("/ip")
                        else real_is_file(self))


def test_a_node_in_a_namespace_is_started_through_the_ip_netns_exec_uses(monkeypatch):
    _ip_only_at(monkeypatch, "/sbin/ip")
    assert _spec("rf-supplier").command() == namespaces.command_in("rf-supplier", ["peer", "node", "start"]) == \
        ["/sbin/ip", "netns", "exec", "rf-supplier", "peer", "node", "start"]


def test_no_ip_at_all_is_refused_naming_the_package_before_anything_starts(monkeypatch):
    _ip_only_at(monkeypatch, None)
    with pytest.raises(NamespaceError, match=r"the `ip` command \(iproute2\) is not installed: apt-get install "
                                             r"iproute2"):
        _spec("rf-supplier").command()


def test_a_node_outside_any_namespace_runs_its_argv_as_it_is(monkeypatch):
    _ip_only_at(monkeypatch, None)
    assert _spec(None).command() == ["peer", "node", "start"]
