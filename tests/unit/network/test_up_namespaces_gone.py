"""`network up` of a namespaced topology whose namespaces are gone (a reboot, `netns down`) is refused before
anything starts, naming each missing namespace and the `netns up` that makes them again, where each node failed
with only ip's "Cannot open network namespace" in its log. Run against a scripted `ip` (no root needed)."""
import pytest

from network.control import Network
from network.errors import NamespaceError
from network.fabric_bin import FabricInstall

from .test_namespaces_half_made import placed_as_netns_up_writes

PREFIX = "rfg"
SUBNET = "10.214.251.0/24"


@pytest.fixture
def namespaced(topology, tmp_path, monkeypatch):
    """The topology as `netns up` writes it, its data in <folder>/network, with a scripted `ip` made whole."""
    folder = tmp_path / "netns"
    return *placed_as_netns_up_writes(topology, PREFIX, SUBNET, folder, monkeypatch), folder


def _up_to_its_first_step(topology, monkeypatch) -> str:
    monkeypatch.setattr(Network, "_up", lambda self: "past the namespace check")
    return Network(topology, fabric=FabricInstall.locate(), timeout=5).up()


def test_up_refuses_naming_each_namespace_that_is_gone_and_netns_up(namespaced, fake_fabric, monkeypatch):
    ip, layout, placed, folder = namespaced
    for org in ("bank", "supplier"):
        del ip.links[layout.org(org).netns]
    with pytest.raises(NamespaceError) as refused:
        _up_to_its_first_step(placed, monkeypatch)
    message = str(refused.value)
    assert message.startswith(f"no network namespace {PREFIX}-bank (org bank), {PREFIX}-supplier (org supplier):")
    assert f"recfin network netns up --folder {folder.resolve()} --prefix {PREFIX}" in message
    assert ip.changes == []


def test_up_goes_on_where_every_namespace_is_there(namespaced, fake_fabric, monkeypatch):
    _, _, placed, _ = namespaced
    assert _up_to_its_first_step(placed, monkeypatch) == "past the namespace check"
